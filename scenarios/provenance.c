/* Provenance texts and hashes of a sweep's points (OpenSSL SHA-256). */
#include "ss_provenance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ss_err.h"

int ss_sha256_hex(const void *data, size_t len, char out[SS_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return SS_ECRYPTO;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return SS_OK;
}

/* SHA-256 of a file's content, streamed. */
static int hash_file(const char *path, char out[SS_SHA256_HEX], char *err, size_t errlen)
{
	unsigned char buf[8192], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t n;
	int ok;
	FILE *f = fopen(path, "rb");

	if (!f) {
		ss_errbuf(err, errlen, "%s: %s", path, strerror(errno));
		return SS_EIO;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
		ok = EVP_DigestUpdate(ctx, buf, n) == 1;
	if (ferror(f)) {
		ss_errbuf(err, errlen, "%s: read error: %s", path, strerror(errno));
		EVP_MD_CTX_free(ctx);
		fclose(f);
		return SS_EIO;
	}
	fclose(f);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ss_errbuf(err, errlen, "%s: SHA-256 failed", path);
		return SS_ECRYPTO;
	}
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return SS_OK;
}

/* Appends "role=name sha256:HEX" to the inputs text and "role HEX" to the
   text the inputs hash is taken of. Resolves names as the model and the
   host loader do: a value with a '/' is a path, else DIR/NAME.cfg. */
static int add_input(const ss_params *p, const char *role, const char *dir, char *text, char *keyed,
		     size_t cap, char *err, size_t errlen)
{
	char path[4096], hex[SS_SHA256_HEX];
	const char *name;
	size_t tl = strlen(text), kl = strlen(keyed);
	int rc;

	if (ss_params_index(p, role) < 0 || !(name = ss_params_text(p, role)) || !*name)
		return SS_OK;
	if (strchr(name, '/'))
		snprintf(path, sizeof path, "%s", name);
	else if ((size_t)snprintf(path, sizeof path, "%s/%s.cfg", dir, name) >= sizeof path)
		return SS_EIO;
	if ((rc = hash_file(path, hex, err, errlen)))
		return rc;
	snprintf(text + tl, cap - tl, "%s%s=%s sha256:%s", tl ? ";" : "", role, name, hex);
	snprintf(keyed + kl, cap - kl, "%s %s\n", role, hex);
	return SS_OK;
}

int ss_provenance_point(const ss_scenario *s, const ss_point *pt, const char *datadir,
			ss_provenance *out, char *err, size_t errlen)
{
	char set[512], warm[32], method[64], pdir[4096], hdir[4096];
	size_t cap = 2 * (4096 + 100) + 64;
	int rc;

	memset(out, 0, sizeof *out);
	if (s->warmup < 0)
		snprintf(warm, sizeof warm, "auto");
	else
		snprintf(warm, sizeof warm, "%.17g", s->warmup);
	/* Batch means splits one run into `replications` windows, so their
	   number shapes every stored value; precision mode stops on the data,
	   which gives its sample another meaning than a fixed-size one. */
	if (s->batch_means)
		snprintf(method, sizeof method, "batches:%d", s->replications);
	else
		snprintf(method, sizeof method, "%s", s->precision > 0 ? "precision" : "fixed");
	snprintf(set, sizeof set, "seed=%llu;warmup=%s;duration=%.17g;level=%.17g;method=%s",
		 (unsigned long long)s->seed, warm, s->duration, s->level, method);
	char *keyed = malloc(cap), *inputs = malloc(cap);
	size_t klen = strlen(pt->key) + strlen(set) + 2;
	char *skey = malloc(klen);
	if (!keyed || !inputs || !skey || !(out->settings = strdup(set))) {
		free(keyed);
		free(inputs);
		free(skey);
		ss_provenance_fini(out);
		return SS_ENOMEM;
	}
	snprintf(skey, klen, "%s\n%s", pt->key, set);
	rc = ss_sha256_hex(skey, strlen(skey), out->settings_hash);
	free(skey);
	keyed[0] = inputs[0] = '\0';
	snprintf(pdir, sizeof pdir, "%s/crypto/profiles", datadir);
	snprintf(hdir, sizeof hdir, "%s/hosts", datadir);
	if (rc == SS_OK)
		rc = add_input(pt->params, "profile", pdir, inputs, keyed, cap, err, errlen);
	if (rc == SS_OK)
		rc = add_input(pt->params, "host", hdir, inputs, keyed, cap, err, errlen);
	/* netpair: a crypto profile replacing a host's (a calibration-derived
	   one is such a file); absent or empty elsewhere, so other runs keep
	   their hashes. */
	if (rc == SS_OK)
		rc = add_input(pt->params, "sender_profile", pdir, inputs, keyed, cap, err, errlen);
	if (rc == SS_OK)
		rc = add_input(pt->params, "receiver_profile", pdir, inputs, keyed, cap, err, errlen);
	if (rc == SS_OK)
		rc = ss_sha256_hex(keyed, strlen(keyed), out->inputs_hash);
	free(keyed);
	/* Kept per point for the whole sweep: only what it needs. */
	char *fit = realloc(inputs, strlen(inputs) + 1);
	out->inputs = fit ? fit : inputs;
	if (rc) {
		if (rc == SS_EIO && !err[0])
			ss_errbuf(err, errlen, "profile path too long");
		ss_provenance_fini(out);
	}
	return rc;
}

void ss_provenance_fini(ss_provenance *p)
{
	if (!p)
		return;
	free(p->settings);
	free(p->inputs);
	memset(p, 0, sizeof *p);
}

/* The value of `key` in a "k=v;k=v" text, as a pointer and length. */
static const char *field(const char *text, const char *key, size_t klen, size_t *vlen)
{
	for (const char *f = text; f && *f;) {
		const char *end = strchr(f, ';');
		size_t flen = end ? (size_t)(end - f) : strlen(f);
		if (flen > klen && !strncmp(f, key, klen) && f[klen] == '=') {
			*vlen = flen - klen - 1;
			return f + klen + 1;
		}
		f = end ? end + 1 : NULL;
	}
	return NULL;
}

void ss_provenance_diff(const char *old, const char *now, char *buf, size_t len)
{
	size_t w = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (!old || !*old) {
		snprintf(buf, len, "made before secsim recorded their settings and profiles");
		return;
	}
	/* Every key of either text, each once: the new text's first, then
	   keys only the old one has. */
	for (int pass = 0; pass < 2; pass++) {
		const char *text = pass ? old : now;
		for (const char *f = text; f && *f;) {
			const char *end = strchr(f, ';'), *eq = strchr(f, '=');
			size_t flen = end ? (size_t)(end - f) : strlen(f);
			if (eq && (size_t)(eq - f) < flen) {
				size_t klen = (size_t)(eq - f), ol = 0, nl = 0;
				const char *ov = field(old, f, klen, &ol), *nv = field(now, f, klen, &nl);
				int differs = !ov || !nv || ol != nl || strncmp(ov, nv, ol);
				if (differs && !(pass && nv) && w + 1 < len) {
					const char *sha = ov ? strstr(ov, " sha256:") : NULL;
					int r;
					if (sha && sha < ov + ol) /* a profile: name the file, not its hash */
						r = snprintf(buf + w, len - w, "%sanother content of %.*s=%.*s", w ? ", " : "",
							     (int)klen, f, (int)(sha - ov), ov);
					else
						r = snprintf(buf + w, len - w, "%s%.*s=%.*s, not %.*s%s%.*s", w ? ", " : "",
							     (int)klen, f, ov ? (int)ol : 4, ov ? ov : "none",
							     (int)klen, f, nv ? "=" : " unset", nv ? (int)nl : 0, nv ? nv : "");
					if (r > 0)
						w = (size_t)r >= len - w ? len - 1 : w + (size_t)r;
				}
			}
			f = end ? end + 1 : NULL;
		}
	}
	if (!w)
		snprintf(buf, len, "other settings");
}
