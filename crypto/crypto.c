/* Crypto registry and context: every algorithm named once, run through
   OpenSSL 3 EVP objects owned by one ss_crypto context. */
#include "crypto-internal.h"
#include "ss_err.h"
#include "ss_text.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

/* ------------------------------------------------------------------ */
/* Registry                                                            */

/* Fields left out are 0 or NULL (no key, IV, digest or RSA size). */
#define HASH(i, n, o, blk, out, s)                                           \
	{ .name = n, .id = i, .kind = SS_CRYPTO_HASH, .pkop = SS_PK_NONE,    \
	  .block_size = blk, .out_size = out, .ossl_name = o, .summary = s }
#define MAC(i, n, d, key, out, s)                                            \
	{ .name = n, .id = i, .kind = SS_CRYPTO_MAC, .pkop = SS_PK_NONE,     \
	  .block_size = 64, .key_size = key, .out_size = out,                \
	  .ossl_name = "HMAC", .ossl_digest = d, .summary = s }
#define CIPHER(i, n, o, blk, key, s)                                         \
	{ .name = n, .id = i, .kind = SS_CRYPTO_CIPHER, .pkop = SS_PK_NONE,  \
	  .block_size = blk, .key_size = key, .iv_size = blk,                \
	  .ossl_name = o, .summary = s }
/* block_size 1: GCM encrypts in counter mode, so any length is accepted
   and nothing is padded (SP 800-38D 7.1); ESP aligns to 4 bytes on its
   own (RFC 4106 sec. 3.2).  A 16 here would make callers that align to
   the block size pad needlessly.  12-byte nonce (SP 800-38D 5.2.1.1: 96
   bits is the length the specification recommends and the only one RFC
   4106 uses) and a full 16-byte tag (RFC 4106 sec. 3 allows 8, 12 or 16;
   16 is the one that MUST be supported). */
#define AEAD(i, n, o, key, s)                                                \
	{ .name = n, .id = i, .kind = SS_CRYPTO_AEAD, .pkop = SS_PK_NONE,    \
	  .block_size = 1, .key_size = key, .iv_size = 12, .out_size = 16,   \
	  .ossl_name = o, .summary = s }
#define RSA1(i, bits, op, suffix, digest, s)                                 \
	{ .name = "rsa" #bits suffix, .id = i, .kind = SS_CRYPTO_PK,         \
	  .pkop = op, .key_size = bits / 8, .out_size = bits / 8,            \
	  .rsa_bits = bits, .ossl_name = "RSA", .ossl_digest = digest,       \
	  .summary = s }
#define RSA4(i, bits)                                                        \
	RSA1(i, bits, SS_PK_ENCRYPT, "-public", NULL,                        \
	     "RSA-" #bits " public key: PKCS#1 v1.5 encryption of a premaster secret"), \
	RSA1(i + 1, bits, SS_PK_DECRYPT, "-private", NULL,                   \
	     "RSA-" #bits " private key: PKCS#1 v1.5 decryption (SSL server key exchange)"), \
	RSA1(i + 2, bits, SS_PK_SIGN, "-sign", "SHA1",                       \
	     "RSA-" #bits " PKCS#1 v1.5 signature over SHA-1"),                \
	RSA1(i + 3, bits, SS_PK_VERIFY, "-verify", "SHA1",                   \
	     "RSA-" #bits " PKCS#1 v1.5 signature verification (SHA-1)")

/* The id of each entry equals its index; tests/test_crypto.c checks it. */
static const ss_crypto_alg registry[] = {
	HASH(0, "md5", "MD5", 64, 16, "MD5 digest (RFC 1321)"),
	HASH(1, "sha1", "SHA1", 64, 20, "SHA-1 digest (FIPS 180)"),
	MAC(2, "hmac-md5", "MD5", 16, 16, "HMAC-MD5, full 128-bit tag (RFC 2104; SSL/TLS)"),
	MAC(3, "hmac-sha1", "SHA1", 20, 20, "HMAC-SHA1, full 160-bit tag (RFC 2104; TLS)"),
	MAC(4, "hmac-md5-96", "MD5", 16, 12, "HMAC-MD5 truncated to 96 bits (RFC 2403; IPsec AH/ESP)"),
	MAC(5, "hmac-sha1-96", "SHA1", 20, 12, "HMAC-SHA1 truncated to 96 bits (RFC 2404; IPsec AH/ESP)"),
	CIPHER(6, "des-cbc", "DES-CBC", 8, 8, "DES in CBC mode (FIPS 46/81; OpenSSL legacy provider)"),
	CIPHER(7, "3des-cbc", "DES-EDE3-CBC", 8, 24, "three-key triple DES, EDE, CBC mode (SP 800-67)"),
	CIPHER(8, "aes128-cbc", "AES-128-CBC", 16, 16, "AES-128 in CBC mode (FIPS 197, SP 800-38A)"),
	CIPHER(9, "aes256-cbc", "AES-256-CBC", 16, 32, "AES-256 in CBC mode (FIPS 197, SP 800-38A)"),
	RSA4(10, 512),
	RSA4(14, 1024),
	RSA4(18, 2048),
	AEAD(22, "aes128-gcm", "AES-128-GCM", 16, "AES-128 in Galois/Counter Mode, 16-byte tag (SP 800-38D; RFC 4106 ESP)"),
	AEAD(23, "aes256-gcm", "AES-256-GCM", 32, "AES-256 in Galois/Counter Mode, 16-byte tag (SP 800-38D; RFC 4106 ESP)"),
};

#define NALG (sizeof registry / sizeof registry[0])

static const unsigned rsa_sizes[] = {512, 1024, 2048};
#define NRSA (sizeof rsa_sizes / sizeof rsa_sizes[0])

size_t ss_crypto_alg_count(void) { return NALG; }

const ss_crypto_alg *ss_crypto_alg_get(size_t id)
{
	return id < NALG ? &registry[id] : NULL;
}

const char *ss_crypto_kind_name(ss_crypto_kind kind)
{
	switch (kind) {
	case SS_CRYPTO_HASH:
		return "hash";
	case SS_CRYPTO_MAC:
		return "mac";
	case SS_CRYPTO_CIPHER:
		return "cipher";
	case SS_CRYPTO_PK:
		return "pk";
	case SS_CRYPTO_AEAD:
		return "aead";
	}
	return "?";
}

void ss_crypto_alg_names(char *buf, size_t len)
{
	size_t used = 0;
	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < NALG && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 i ? ", " : "", registry[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int edit_distance(const char *a, const char *b) { return (int)ss_edit_distance(a, b); }

/* An "rsa<digits>..." name that is not in the registry gets a message
   about what is wrong with it rather than a generic edit-distance hint. */
static int rsa_name_error(const char *name, char *err, size_t errlen)
{
	char *end;
	unsigned long bits;
	if (strncmp(name, "rsa", 3) != 0 || !isdigit((unsigned char)name[3]))
		return 0;
	bits = strtoul(name + 3, &end, 10);
	int known = 0;
	for (size_t i = 0; i < NRSA; i++)
		known |= bits == rsa_sizes[i];
	if (!known)
		ss_errbuf(err, errlen,
			  "unsupported RSA key size %lu bits in '%s': secsim embeds "
			  "test keys of 512, 1024 and 2048 bits only",
			  bits, name);
	else
		ss_errbuf(err, errlen,
			  "unknown RSA operation in '%s': use rsa%lu-public, "
			  "rsa%lu-private, rsa%lu-sign or rsa%lu-verify",
			  name, bits, bits, bits, bits);
	return 1;
}

int ss_crypto_alg_find(const char *name, const ss_crypto_alg **out,
		       char *err, size_t errlen)
{
	char names[512];
	if (out)
		*out = NULL;
	if (!name || !*name) {
		ss_errbuf(err, errlen, "empty algorithm name");
		return SS_EINVAL;
	}
	for (size_t i = 0; i < NALG; i++) {
		if (strcmp(name, registry[i].name) == 0) {
			if (out)
				*out = &registry[i];
			return SS_OK;
		}
	}
	if (rsa_name_error(name, err, errlen))
		return SS_ENOENT;

	/* Suggest every name at the smallest distance, if it is close. */
	int best = 99;
	for (size_t i = 0; i < NALG; i++) {
		int d = edit_distance(name, registry[i].name);
		if (d < best)
			best = d;
	}
	char near[160] = "";
	size_t used = 0;
	if (best <= 3) {
		for (size_t i = 0; i < NALG && used < sizeof near; i++) {
			if (edit_distance(name, registry[i].name) != best)
				continue;
			int n = snprintf(near + used, sizeof near - used, "%s%s",
					 used ? " or " : "", registry[i].name);
			if (n < 0)
				break;
			used += (size_t)n;
		}
	}
	ss_crypto_alg_names(names, sizeof names);
	if (near[0])
		ss_errbuf(err, errlen,
			  "unknown algorithm '%s' (did you mean %s?); valid: %s",
			  name, near, names);
	else
		ss_errbuf(err, errlen, "unknown algorithm '%s'; valid: %s",
			  name, names);
	return SS_ENOENT;
}

/* ------------------------------------------------------------------ */
/* Context                                                             */

/* Largest key remembered for the "same key again" shortcut; longer HMAC
   keys are simply set up on every call. */
#define KEYCACHE 128

/* Per-algorithm reusable state for the one-shot calls. */
struct slot {
	EVP_MD *md;              /* hashes */
	EVP_MD_CTX *mdctx;       /* hashes */
	EVP_MAC_CTX *macctx;     /* HMACs, digest already set */
	EVP_CIPHER *cipher;      /* ciphers and AEADs */
	EVP_CIPHER_CTX *cctx;    /* ciphers and AEADs */
	unsigned char key[KEYCACHE]; /* key currently scheduled in the ctx */
	size_t keylen;           /* bytes; 0 = no key scheduled */
	int enc;                 /* direction the cipher ctx was set up for
	                            (AEADs: unused, both share one key schedule) */
	char why[200];           /* why unavailable, "" if available */
};

struct rsa_key {
	unsigned bits;
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *op[SS_PK_VERIFY + 1]; /* indexed by ss_crypto_pkop */
};

struct ss_crypto {
	OSSL_LIB_CTX *lib;
	OSSL_PROVIDER *prov_default;
	OSSL_PROVIDER *prov_legacy;
	EVP_MAC *hmac;
	struct slot slot[NALG];
	struct rsa_key rsa[NRSA];
};

int ss__crypto_fail(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	if (e) {
		char buf[256];
		ERR_error_string_n(e, buf, sizeof buf);
		ss_errbuf(err, errlen, "%s: %s", what, buf);
	} else {
		ss_errbuf(err, errlen, "%s", what);
	}
	ERR_clear_error();
	return SS_ECRYPTO;
}

static struct rsa_key *rsa_slot(const ss_crypto *c, unsigned bits)
{
	for (size_t i = 0; i < NRSA; i++)
		if (c->rsa[i].bits == bits)
			return (struct rsa_key *)&c->rsa[i];
	return NULL;
}

EVP_PKEY_CTX *ss__crypto_rsa_ctx(const ss_crypto *c, unsigned bits,
				 ss_crypto_pkop op, char *err, size_t errlen)
{
	struct rsa_key *k = rsa_slot(c, bits);
	EVP_PKEY_CTX *p;
	int ok;
	if (!k || !k->pkey) {
		ss_errbuf(err, errlen, "no RSA-%u test key", bits);
		return NULL;
	}
	p = EVP_PKEY_CTX_new_from_pkey(c->lib, k->pkey, NULL);
	if (!p) {
		ss__crypto_fail(err, errlen, "EVP_PKEY_CTX_new_from_pkey");
		return NULL;
	}
	switch (op) {
	case SS_PK_ENCRYPT:
		ok = EVP_PKEY_encrypt_init(p) > 0;
		break;
	case SS_PK_DECRYPT:
		ok = EVP_PKEY_decrypt_init(p) > 0;
		break;
	case SS_PK_SIGN:
		ok = EVP_PKEY_sign_init(p) > 0;
		break;
	case SS_PK_VERIFY:
		ok = EVP_PKEY_verify_init(p) > 0;
		break;
	default:
		ok = 0;
	}
	ok = ok && EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PADDING) > 0;
	if (ok && (op == SS_PK_SIGN || op == SS_PK_VERIFY))
		ok = EVP_PKEY_CTX_set_signature_md(
			     p, c->slot[1].md /* sha1 */) > 0;
	if (!ok) {
		EVP_PKEY_CTX_free(p);
		ss__crypto_fail(err, errlen, "setting up an RSA operation");
		return NULL;
	}
	return p;
}

static int load_key(ss_crypto *c, struct rsa_key *k, char *err, size_t errlen)
{
	const char *pem = ss__crypto_test_key_pem(k->bits);
	BIO *bio = BIO_new_mem_buf(pem, -1);
	if (!bio)
		return ss__crypto_fail(err, errlen, "BIO_new_mem_buf");
	k->pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, NULL, NULL, c->lib, NULL);
	BIO_free(bio);
	if (!k->pkey || EVP_PKEY_get_bits(k->pkey) != (int)k->bits) {
		char what[64];
		snprintf(what, sizeof what, "loading the RSA-%u test key", k->bits);
		return ss__crypto_fail(err, errlen, what);
	}
	for (int op = SS_PK_ENCRYPT; op <= SS_PK_VERIFY; op++) {
		k->op[op] = ss__crypto_rsa_ctx(c, k->bits, (ss_crypto_pkop)op,
					       err, errlen);
		if (!k->op[op])
			return SS_ECRYPTO;
	}
	return SS_OK;
}

/* Fetch what entry i needs; a missing implementation is recorded in the
   slot (so DES can be absent without losing everything else), while an
   allocation failure is an error. */
static int setup_slot(ss_crypto *c, size_t i, char *err, size_t errlen)
{
	const ss_crypto_alg *a = &registry[i];
	struct slot *s = &c->slot[i];
	switch (a->kind) {
	case SS_CRYPTO_HASH:
		s->md = EVP_MD_fetch(c->lib, a->ossl_name, NULL);
		if (!s->md)
			break;
		if (!(s->mdctx = EVP_MD_CTX_new()))
			return ss__crypto_fail(err, errlen, "EVP_MD_CTX_new");
		return SS_OK;
	case SS_CRYPTO_MAC: {
		OSSL_PARAM params[2];
		if (!c->hmac)
			break;
		if (!(s->macctx = EVP_MAC_CTX_new(c->hmac)))
			return ss__crypto_fail(err, errlen, "EVP_MAC_CTX_new");
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_MAC_PARAM_DIGEST, (char *)a->ossl_digest, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_MAC_CTX_set_params(s->macctx, params))
			break;
		return SS_OK;
	}
	case SS_CRYPTO_CIPHER:
	case SS_CRYPTO_AEAD:
		s->cipher = EVP_CIPHER_fetch(c->lib, a->ossl_name, NULL);
		if (!s->cipher)
			break;
		if (!(s->cctx = EVP_CIPHER_CTX_new()))
			return ss__crypto_fail(err, errlen, "EVP_CIPHER_CTX_new");
		return SS_OK;
	case SS_CRYPTO_PK:
		return SS_OK; /* keys are loaded once per size, below */
	}
	{
		char what[128];
		snprintf(what, sizeof what, "%s: OpenSSL has no %s%s", a->name,
			 a->ossl_name,
			 strcmp(a->ossl_name, "DES-CBC") == 0
				 ? " (it lives in the legacy provider)" : "");
		ss__crypto_fail(s->why, sizeof s->why, what);
	}
	return SS_OK;
}

int ss_crypto_alloc(ss_crypto **out, char *err, size_t errlen)
{
	ss_crypto *c;
	int rc;
	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c) {
		ss_errbuf(err, errlen, "out of memory");
		return SS_ENOMEM;
	}
	/* A private library context: no openssl.cnf, no global providers,
	   so the host's OpenSSL configuration cannot change what runs. */
	c->lib = OSSL_LIB_CTX_new();
	if (!c->lib) {
		rc = ss__crypto_fail(err, errlen, "OSSL_LIB_CTX_new");
		goto fail;
	}
	c->prov_default = OSSL_PROVIDER_load(c->lib, "default");
	if (!c->prov_default) {
		rc = ss__crypto_fail(err, errlen,
				     "cannot load the OpenSSL default provider");
		goto fail;
	}
	c->prov_legacy = OSSL_PROVIDER_load(c->lib, "legacy");
	ERR_clear_error(); /* its absence is reported per algorithm */
	c->hmac = EVP_MAC_fetch(c->lib, "HMAC", NULL);
	for (size_t i = 0; i < NALG; i++)
		if ((rc = setup_slot(c, i, err, errlen)) != SS_OK)
			goto fail;
	if (!c->slot[1].md) {
		rc = ss__crypto_fail(err, errlen, "OpenSSL has no SHA1");
		goto fail;
	}
	for (size_t i = 0; i < NRSA; i++) {
		c->rsa[i].bits = rsa_sizes[i];
		if ((rc = load_key(c, &c->rsa[i], err, errlen)) != SS_OK)
			goto fail;
	}
	*out = c;
	return SS_OK;
fail:
	ss_crypto_free(c);
	return rc;
}

void ss_crypto_free(ss_crypto *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NRSA; i++) {
		for (int op = 0; op <= SS_PK_VERIFY; op++)
			EVP_PKEY_CTX_free(c->rsa[i].op[op]);
		EVP_PKEY_free(c->rsa[i].pkey);
	}
	for (size_t i = 0; i < NALG; i++) {
		struct slot *s = &c->slot[i];
		EVP_MD_CTX_free(s->mdctx);
		EVP_MD_free(s->md);
		EVP_MAC_CTX_free(s->macctx);
		EVP_CIPHER_CTX_free(s->cctx);
		EVP_CIPHER_free(s->cipher);
		OPENSSL_cleanse(s->key, sizeof s->key);
	}
	EVP_MAC_free(c->hmac);
	if (c->prov_legacy)
		OSSL_PROVIDER_unload(c->prov_legacy);
	if (c->prov_default)
		OSSL_PROVIDER_unload(c->prov_default);
	OSSL_LIB_CTX_free(c->lib);
	free(c);
}

int ss_crypto_available(const ss_crypto *c, const ss_crypto_alg *a,
			char *err, size_t errlen)
{
	if (!c || !a || a->id < 0 || (size_t)a->id >= NALG) {
		ss_errbuf(err, errlen, "no such algorithm");
		return SS_EINVAL;
	}
	if (c->slot[a->id].why[0]) {
		ss_errbuf(err, errlen, "%s", c->slot[a->id].why);
		return SS_ECRYPTO;
	}
	return SS_OK;
}

const char *ss_crypto_openssl_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

OSSL_LIB_CTX *ss__crypto_libctx(const ss_crypto *c) { return c->lib; }
EVP_MAC *ss__crypto_hmac(const ss_crypto *c) { return c->hmac; }
EVP_MD *ss__crypto_sha1(const ss_crypto *c) { return c->slot[1].md; }

EVP_MD *ss__crypto_md(const ss_crypto *c, const ss_crypto_alg *a)
{
	return a->kind == SS_CRYPTO_HASH ? c->slot[a->id].md : NULL;
}

EVP_CIPHER *ss__crypto_cipher_impl(const ss_crypto *c, const ss_crypto_alg *a)
{
	return a->kind == SS_CRYPTO_CIPHER || a->kind == SS_CRYPTO_AEAD
		       ? c->slot[a->id].cipher : NULL;
}

EVP_PKEY *ss__crypto_pkey(const ss_crypto *c, unsigned bits)
{
	struct rsa_key *k = rsa_slot(c, bits);
	return k ? k->pkey : NULL;
}

/* ------------------------------------------------------------------ */
/* One-shot operations                                                 */

/* Common argument check: right kind, registered, available. */
/* SS_EINVAL, with a message, when an output buffer cannot hold `need`. */
static int out_fits(const ss_crypto_alg *a, size_t outsize, size_t need, char *err, size_t errlen)
{
	if (outsize >= need)
		return SS_OK;
	ss_errbuf(err, errlen, "%s: output buffer of %zu bytes, need %zu", a->name, outsize, need);
	return SS_EINVAL;
}

static int check(ss_crypto *c, const ss_crypto_alg *a, ss_crypto_kind kind,
		 const char *fn, char *err, size_t errlen)
{
	if (!c || !a) {
		ss_errbuf(err, errlen, "%s: NULL context or algorithm", fn);
		return SS_EINVAL;
	}
	if (a->id < 0 || (size_t)a->id >= NALG || &registry[a->id] != a) {
		ss_errbuf(err, errlen, "%s: algorithm not from the registry", fn);
		return SS_EINVAL;
	}
	if (a->kind != kind) {
		ss_errbuf(err, errlen, "%s: '%s' is a %s, not a %s", fn,
			  a->name, ss_crypto_kind_name(a->kind),
			  ss_crypto_kind_name(kind));
		return SS_EINVAL;
	}
	return ss_crypto_available(c, a, err, errlen);
}

int ss_crypto_digest(ss_crypto *c, const ss_crypto_alg *a, const void *in,
		     size_t len, unsigned char *out, size_t outsize,
		     size_t *outlen, char *err, size_t errlen)
{
	int rc = check(c, a, SS_CRYPTO_HASH, "ss_crypto_digest", err, errlen);
	struct slot *s;
	unsigned int n = 0;
	if (rc != SS_OK)
		return rc;
	if ((rc = out_fits(a, outsize, a->out_size, err, errlen)) != SS_OK)
		return rc;
	s = &c->slot[a->id];
	if (!EVP_DigestInit_ex2(s->mdctx, s->md, NULL) ||
	    !EVP_DigestUpdate(s->mdctx, in, len) ||
	    !EVP_DigestFinal_ex(s->mdctx, out, &n))
		return ss__crypto_fail(err, errlen, a->name);
	if (outlen)
		*outlen = n;
	return SS_OK;
}

/* Schedule `key` unless it is the one already in place. */
static int same_key(struct slot *s, const void *key, size_t keylen)
{
	return s->keylen != 0 && s->keylen == keylen &&
	       memcmp(s->key, key, keylen) == 0;
}

static void remember_key(struct slot *s, const void *key, size_t keylen)
{
	if (keylen <= KEYCACHE) {
		memcpy(s->key, key, keylen);
		s->keylen = keylen;
	} else {
		s->keylen = 0;
	}
}

int ss_crypto_mac(ss_crypto *c, const ss_crypto_alg *a, const void *key,
		  size_t keylen, const void *in, size_t len, unsigned char *out,
		  size_t outsize, size_t *outlen, char *err, size_t errlen)
{
	int rc = check(c, a, SS_CRYPTO_MAC, "ss_crypto_mac", err, errlen);
	unsigned char full[EVP_MAX_MD_SIZE];
	size_t n = 0;
	struct slot *s;
	int ok;
	if (rc != SS_OK)
		return rc;
	if (!key || keylen == 0) {
		ss_errbuf(err, errlen, "%s: an HMAC key of at least one byte is "
			  "needed (%zu recommended)", a->name, a->key_size);
		return SS_EINVAL;
	}
	if ((rc = out_fits(a, outsize, a->out_size, err, errlen)) != SS_OK)
		return rc;
	s = &c->slot[a->id];
	if (same_key(s, key, keylen)) {
		ok = EVP_MAC_init(s->macctx, NULL, 0, NULL);
	} else {
		ok = EVP_MAC_init(s->macctx, key, keylen, NULL);
		if (ok)
			remember_key(s, key, keylen);
		else
			s->keylen = 0;
	}
	if (!ok || !EVP_MAC_update(s->macctx, in, len) ||
	    !EVP_MAC_final(s->macctx, full, &n, sizeof full) || n < a->out_size)
		return ss__crypto_fail(err, errlen, a->name);
	memcpy(out, full, a->out_size); /* truncation, as RFC 2104 sec. 5 */
	if (outlen)
		*outlen = a->out_size;
	return SS_OK;
}

int ss_crypto_cipher(ss_crypto *c, const ss_crypto_alg *a, int encrypt,
		     const void *key, size_t keylen, const void *iv,
		     const void *in, void *out, size_t len, char *err,
		     size_t errlen)
{
	int rc = check(c, a, SS_CRYPTO_CIPHER, "ss_crypto_cipher", err, errlen);
	struct slot *s;
	int ok, n = 0;
	encrypt = encrypt != 0;
	if (rc != SS_OK)
		return rc;
	if (!key || keylen != a->key_size) {
		ss_errbuf(err, errlen, "%s: key of %zu bytes, need exactly %zu",
			  a->name, key ? keylen : 0, a->key_size);
		return SS_EINVAL;
	}
	if (!iv) {
		ss_errbuf(err, errlen, "%s: no IV given", a->name);
		return SS_EINVAL;
	}
	if (len % a->block_size != 0 || len > INT_MAX) {
		ss_errbuf(err, errlen,
			  "%s: length %zu is not a multiple of the %zu-byte "
			  "block (the caller pads)", a->name, len, a->block_size);
		return SS_EINVAL;
	}
	s = &c->slot[a->id];
	if (same_key(s, key, keylen) && s->enc == encrypt) {
		ok = EVP_CipherInit_ex2(s->cctx, NULL, NULL, iv, encrypt, NULL);
	} else {
		ok = EVP_CipherInit_ex2(s->cctx, s->cipher, key, iv, encrypt,
					NULL);
		if (ok) {
			remember_key(s, key, keylen);
			s->enc = encrypt;
		} else {
			s->keylen = 0;
		}
	}
	/* Padding is set on every init: without it, Update would hold back
	   the last block for a Final we never call. */
	ok = ok && EVP_CIPHER_CTX_set_padding(s->cctx, 0);
	ok = ok && EVP_CipherUpdate(s->cctx, out, &n, in, (int)len);
	if (!ok || (size_t)n != len)
		return ss__crypto_fail(err, errlen, a->name);
	return SS_OK;
}

/* Arguments common to seal and open. */
static int aead_check(ss_crypto *c, const ss_crypto_alg *a, const char *fn,
		      const void *key, size_t keylen, const void *nonce,
		      size_t noncelen, const void *aad, size_t aadlen,
		      size_t len, char *err, size_t errlen)
{
	int rc = check(c, a, SS_CRYPTO_AEAD, fn, err, errlen);
	if (rc != SS_OK)
		return rc;
	if (!key || keylen != a->key_size) {
		ss_errbuf(err, errlen, "%s: key of %zu bytes, need exactly %zu",
			  a->name, key ? keylen : 0, a->key_size);
		return SS_EINVAL;
	}
	if (!nonce || noncelen != a->iv_size) {
		ss_errbuf(err, errlen, "%s: nonce of %zu bytes, need exactly %zu",
			  a->name, nonce ? noncelen : 0, a->iv_size);
		return SS_EINVAL;
	}
	if ((!aad && aadlen) || aadlen > INT_MAX || len > INT_MAX - 64) {
		ss_errbuf(err, errlen, "%s: AAD of %zu bytes at %p, message of "
			  "%zu bytes: not acceptable", a->name, aadlen, aad, len);
		return SS_EINVAL;
	}
	return SS_OK;
}

/* Set up the slot's context for one message: the key is scheduled only
   when it changed; GCM runs the forward cipher in both directions, so a
   change of direction re-initialises with the nonce alone.  Then the
   AAD, which EVP takes as an update with no output. */
static int aead_start(struct slot *s, int encrypt, const void *key,
		      size_t keylen, const void *nonce, const void *aad,
		      size_t aadlen)
{
	int ok, n = 0;
	if (same_key(s, key, keylen)) {
		ok = EVP_CipherInit_ex2(s->cctx, NULL, NULL, nonce, encrypt, NULL);
	} else {
		ok = EVP_CipherInit_ex2(s->cctx, s->cipher, key, nonce, encrypt,
					NULL);
		if (ok)
			remember_key(s, key, keylen);
		else
			s->keylen = 0;
	}
	if (ok && aadlen)
		ok = EVP_CipherUpdate(s->cctx, NULL, &n, aad, (int)aadlen);
	return ok;
}

int ss_crypto_aead_seal(ss_crypto *c, const ss_crypto_alg *a, const void *key,
			size_t keylen, const void *nonce, size_t noncelen,
			const void *aad, size_t aadlen, const void *in,
			size_t len, unsigned char *out, size_t outsize,
			size_t *outlen, char *err, size_t errlen)
{
	int rc = aead_check(c, a, "ss_crypto_aead_seal", key, keylen, nonce,
			    noncelen, aad, aadlen, len, err, errlen);
	struct slot *s;
	int n = 0, f = 0;
	if (rc != SS_OK)
		return rc;
	if (!out || (len && !in))
		return out_fits(a, 0, 1, err, errlen);
	if ((rc = out_fits(a, outsize, len + a->out_size, err, errlen)) != SS_OK)
		return rc;
	s = &c->slot[a->id];
	if (!aead_start(s, 1, key, keylen, nonce, aad, aadlen) ||
	    (len && !EVP_CipherUpdate(s->cctx, out, &n, in, (int)len)) ||
	    !EVP_CipherFinal_ex(s->cctx, out + n, &f) || (size_t)(n + f) != len ||
	    EVP_CIPHER_CTX_ctrl(s->cctx, EVP_CTRL_AEAD_GET_TAG,
				(int)a->out_size, out + len) <= 0)
		return ss__crypto_fail(err, errlen, a->name);
	if (outlen)
		*outlen = len + a->out_size;
	return SS_OK;
}

int ss_crypto_aead_open(ss_crypto *c, const ss_crypto_alg *a, const void *key,
			size_t keylen, const void *nonce, size_t noncelen,
			const void *aad, size_t aadlen, const void *in,
			size_t len, unsigned char *out, size_t outsize,
			size_t *outlen, char *err, size_t errlen)
{
	int rc = aead_check(c, a, "ss_crypto_aead_open", key, keylen, nonce,
			    noncelen, aad, aadlen, len, err, errlen);
	unsigned char tag[16]; /* the registry's AEAD tags are 16 bytes */
	struct slot *s;
	size_t body;
	int n = 0, f = 0;
	if (rc != SS_OK)
		return rc;
	if (a->out_size > sizeof tag) {
		ss_errbuf(err, errlen, "%s: a %zu-byte tag is longer than %zu",
			  a->name, a->out_size, sizeof tag);
		return SS_EINVAL;
	}
	if (!in || len < a->out_size) {
		ss_errbuf(err, errlen, "%s: message of %zu bytes is shorter than "
			  "its %zu-byte tag", a->name, in ? len : 0, a->out_size);
		return SS_EINVAL;
	}
	body = len - a->out_size;
	if (!out)
		return out_fits(a, 0, body ? body : 1, err, errlen);
	if ((rc = out_fits(a, outsize, body, err, errlen)) != SS_OK)
		return rc;
	/* The tag is copied before decrypting: a caller whose out overlaps
	   the end of in would otherwise overwrite it with plaintext. */
	memcpy(tag, (const unsigned char *)in + body, a->out_size);
	s = &c->slot[a->id];
	if (!aead_start(s, 0, key, keylen, nonce, aad, aadlen) ||
	    (body && !EVP_CipherUpdate(s->cctx, out, &n, in, (int)body)) ||
	    EVP_CIPHER_CTX_ctrl(s->cctx, EVP_CTRL_AEAD_SET_TAG,
				(int)a->out_size, tag) <= 0)
		return ss__crypto_fail(err, errlen, a->name);
	/* Final compares the tags (in constant time, OpenSSL's
	   CRYPTO_memcmp); the plaintext written by Update is only released
	   if they match. */
	if (EVP_CipherFinal_ex(s->cctx, out + n, &f) <= 0 ||
	    (size_t)(n + f) != body) {
		OPENSSL_cleanse(out, body);
		ERR_clear_error();
		ss_errbuf(err, errlen, "%s: tag does not verify (wrong key, "
			  "nonce, AAD, ciphertext or tag)", a->name);
		return SS_EVERIFY;
	}
	if (outlen)
		*outlen = body;
	return SS_OK;
}

static int rsa_check(ss_crypto *c, const ss_crypto_alg *a, const char *fn,
		     struct rsa_key **k, char *err, size_t errlen)
{
	int rc = check(c, a, SS_CRYPTO_PK, fn, err, errlen);
	if (rc != SS_OK)
		return rc;
	*k = rsa_slot(c, a->rsa_bits);
	if (!*k) {
		ss_errbuf(err, errlen, "%s: no RSA-%u key", fn, a->rsa_bits);
		return SS_EINVAL;
	}
	return SS_OK;
}

int ss_crypto_rsa_encrypt(ss_crypto *c, const ss_crypto_alg *a,
			  const void *in, size_t inlen, unsigned char *out,
			  size_t outsize, size_t *outlen, char *err,
			  size_t errlen)
{
	struct rsa_key *k;
	size_t mod, n;
	int rc = rsa_check(c, a, "ss_crypto_rsa_encrypt", &k, err, errlen);
	if (rc != SS_OK)
		return rc;
	mod = a->rsa_bits / 8;
	if (inlen > mod - 11) { /* RFC 8017 7.2.1: mLen <= k - 11 */
		ss_errbuf(err, errlen, "%s: %zu bytes is too long for PKCS#1 "
			  "v1.5 encryption (at most %zu)", a->name, inlen,
			  mod - 11);
		return SS_EINVAL;
	}
	if ((rc = out_fits(a, outsize, mod, err, errlen)) != SS_OK)
		return rc;
	n = outsize;
	if (EVP_PKEY_encrypt(k->op[SS_PK_ENCRYPT], out, &n, in, inlen) <= 0)
		return ss__crypto_fail(err, errlen, a->name);
	if (outlen)
		*outlen = n;
	return SS_OK;
}

int ss_crypto_rsa_decrypt(ss_crypto *c, const ss_crypto_alg *a,
			  const void *in, size_t inlen, unsigned char *out,
			  size_t outsize, size_t *outlen, char *err,
			  size_t errlen)
{
	struct rsa_key *k;
	size_t mod, n;
	int rc = rsa_check(c, a, "ss_crypto_rsa_decrypt", &k, err, errlen);
	if (rc != SS_OK)
		return rc;
	mod = a->rsa_bits / 8;
	if (inlen != mod) {
		ss_errbuf(err, errlen, "%s: ciphertext of %zu bytes, need %zu",
			  a->name, inlen, mod);
		return SS_EINVAL;
	}
	if ((rc = out_fits(a, outsize, mod, err, errlen)) != SS_OK)
		return rc;
	n = outsize;
	if (EVP_PKEY_decrypt(k->op[SS_PK_DECRYPT], out, &n, in, inlen) <= 0) {
		ss__crypto_fail(err, errlen, a->name);
		return SS_EVERIFY; /* a well-formed call only fails on bad padding */
	}
	if (outlen)
		*outlen = n;
	return SS_OK;
}

int ss_crypto_rsa_sign(ss_crypto *c, const ss_crypto_alg *a, const void *msg,
		       size_t len, unsigned char *sig, size_t sigsize,
		       size_t *siglen, char *err, size_t errlen)
{
	struct rsa_key *k;
	unsigned char dgst[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	size_t n;
	int rc = rsa_check(c, a, "ss_crypto_rsa_sign", &k, err, errlen);
	if (rc != SS_OK)
		return rc;
	if (sigsize < a->rsa_bits / 8) {
		ss_errbuf(err, errlen, "%s: signature buffer of %zu bytes, need %u",
			  a->name, sigsize, a->rsa_bits / 8);
		return SS_EINVAL;
	}
	struct slot *s = &c->slot[1]; /* sha1 */
	if (!EVP_DigestInit_ex2(s->mdctx, s->md, NULL) ||
	    !EVP_DigestUpdate(s->mdctx, msg, len) ||
	    !EVP_DigestFinal_ex(s->mdctx, dgst, &dlen))
		return ss__crypto_fail(err, errlen, a->name);
	n = sigsize;
	if (EVP_PKEY_sign(k->op[SS_PK_SIGN], sig, &n, dgst, dlen) <= 0)
		return ss__crypto_fail(err, errlen, a->name);
	if (siglen)
		*siglen = n;
	return SS_OK;
}

int ss_crypto_rsa_verify(ss_crypto *c, const ss_crypto_alg *a,
			 const void *msg, size_t len, const unsigned char *sig,
			 size_t siglen, char *err, size_t errlen)
{
	struct rsa_key *k;
	unsigned char dgst[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	int rc = rsa_check(c, a, "ss_crypto_rsa_verify", &k, err, errlen);
	if (rc != SS_OK)
		return rc;
	if (!sig || siglen != a->rsa_bits / 8) {
		ss_errbuf(err, errlen, "%s: signature of %zu bytes, expected %u",
			  a->name, sig ? siglen : 0, a->rsa_bits / 8);
		return SS_EVERIFY;
	}
	struct slot *s = &c->slot[1]; /* sha1 */
	if (!EVP_DigestInit_ex2(s->mdctx, s->md, NULL) ||
	    !EVP_DigestUpdate(s->mdctx, msg, len) ||
	    !EVP_DigestFinal_ex(s->mdctx, dgst, &dlen))
		return ss__crypto_fail(err, errlen, a->name);
	if (EVP_PKEY_verify(k->op[SS_PK_VERIFY], sig, siglen, dgst, dlen) != 1) {
		ss__crypto_fail(err, errlen, a->name);
		ss_errbuf(err, errlen, "%s: signature does not verify", a->name);
		return SS_EVERIFY;
	}
	return SS_OK;
}
