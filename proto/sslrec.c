/* SSL/TLS CBC records (ss_sslrec.h). */
#include "ss_sslrec.h"

#include <string.h>

#include "ss_err.h"

#define MAXMAC 64

int ss_sslrec_keys_init(ss_sslrec_keys *k, ss_sslrec_state *st, const char *cipher, const char *mac,
			const unsigned char *block, size_t blocklen, char *err, size_t errlen)
{
	memset(k, 0, sizeof *k);
	memset(st, 0, sizeof *st);
	int rc;
	if ((rc = ss_crypto_alg_find(cipher, &k->cipher, err, errlen)) != SS_OK ||
	    (rc = ss_crypto_alg_find(mac, &k->mac, err, errlen)) != SS_OK)
		return rc;
	if (k->cipher->kind != SS_CRYPTO_CIPHER || k->cipher->iv_size > SS_SSLREC_MAXIV || k->cipher->key_size > sizeof k->key) {
		ss_errbuf(err, errlen, "%s is not a CBC cipher an SSL record can use", cipher);
		return SS_EINVAL;
	}
	if (k->mac->kind != SS_CRYPTO_MAC || k->mac->key_size > sizeof k->mac_key || k->mac->out_size > MAXMAC) {
		ss_errbuf(err, errlen, "%s is not an HMAC an SSL record can use", mac);
		return SS_EINVAL;
	}
	size_t need = k->cipher->key_size + k->mac->key_size + k->cipher->iv_size;
	if (blocklen < need) {
		ss_errbuf(err, errlen, "key block of %zu bytes, %s with %s needs %zu", blocklen, cipher, mac, need);
		return SS_EINVAL;
	}
	memcpy(k->key, block, k->cipher->key_size);
	memcpy(k->mac_key, block + k->cipher->key_size, k->mac->key_size);
	memcpy(st->residue, block + k->cipher->key_size + k->mac->key_size, k->cipher->iv_size);
	return SS_OK;
}

size_t ss_sslrec_size(const ss_sslrec_keys *k, size_t len)
{
	size_t b = k->cipher->block_size, body = len + k->mac->out_size + 1;
	return SS_SSLREC_HDR + (body + b - 1) / b * b;
}

/* HMAC(mac_key, seq || type || version || length || payload). */
static int record_mac(ss_crypto *cx, const ss_sslrec_keys *k, uint64_t seq, uint8_t type, const unsigned char *p,
		      size_t len, unsigned char *out, char *err, size_t errlen)
{
	unsigned char buf[13 + 65536];
	if (len > 65536 - 13) {
		ss_errbuf(err, errlen, "a record of %zu bytes: over SSL's limit", len);
		return SS_EINVAL;
	}
	for (int i = 0; i < 8; i++)
		buf[i] = (unsigned char)(seq >> (56 - 8 * i));
	buf[8] = type;
	buf[9] = 3;
	buf[10] = 1;
	buf[11] = (unsigned char)(len >> 8);
	buf[12] = (unsigned char)len;
	memcpy(buf + 13, p, len);
	size_t ol = 0;
	return ss_crypto_mac(cx, k->mac, k->mac_key, k->mac->key_size, buf, 13 + len, out, MAXMAC, &ol, err, errlen);
}

int ss_sslrec_seal(ss_crypto *cx, const ss_sslrec_keys *k, ss_sslrec_state *st, uint8_t type, const void *in,
		   size_t len, unsigned char *out, size_t cap, size_t *outlen, char *err, size_t errlen)
{
	size_t total = ss_sslrec_size(k, len), b = k->cipher->block_size, ml = k->mac->out_size;
	if (total > cap || len > 16384) {
		ss_errbuf(err, errlen, "a record of %zu bytes does not fit (%zu of %zu)", len, total, cap);
		return SS_EINVAL;
	}
	size_t frag = total - SS_SSLREC_HDR;
	unsigned char *f = out + SS_SSLREC_HDR;
	memcpy(f, in, len);
	int rc = record_mac(cx, k, st->seq, type, f, len, f + len, err, errlen);
	if (rc != SS_OK)
		return rc;
	size_t pad = frag - len - ml - 1; /* TLS padding: pad + 1 bytes of value pad */
	memset(f + len + ml, (int)pad, pad + 1);
	out[0] = type;
	out[1] = 3;
	out[2] = 1;
	out[3] = (unsigned char)(frag >> 8);
	out[4] = (unsigned char)frag;
	if ((rc = ss_crypto_cipher(cx, k->cipher, 1, k->key, k->cipher->key_size, st->residue, f, f, frag, err, errlen)) != SS_OK)
		return rc;
	memcpy(st->residue, f + frag - b, k->cipher->iv_size);
	st->seq++;
	*outlen = total;
	return SS_OK;
}

int ss_sslrec_open(ss_crypto *cx, const ss_sslrec_keys *k, ss_sslrec_state *st, const unsigned char *rec,
		   size_t reclen, uint8_t *type, unsigned char *out, size_t cap, size_t *outlen, char *err, size_t errlen)
{
	size_t b = k->cipher->block_size, ml = k->mac->out_size;
	if (reclen < SS_SSLREC_HDR || rec[1] != 3 || rec[2] != 1) {
		ss_errbuf(err, errlen, "not an SSL 3.1 record");
		return SS_EVERIFY;
	}
	size_t frag = (size_t)rec[3] << 8 | rec[4];
	if (frag != reclen - SS_SSLREC_HDR || frag == 0 || frag % b || frag < ml + 1 || frag > 16384 + 2048) {
		ss_errbuf(err, errlen, "a record's length %zu is wrong", frag);
		return SS_EVERIFY;
	}
	unsigned char plain[16384 + 2048], mac[MAXMAC];
	int rc = ss_crypto_cipher(cx, k->cipher, 0, k->key, k->cipher->key_size, st->residue, rec + SS_SSLREC_HDR, plain,
				  frag, err, errlen);
	if (rc != SS_OK)
		return rc;
	size_t pad = plain[frag - 1];
	if (pad + 1 + ml > frag) {
		ss_errbuf(err, errlen, "a record's padding is wrong");
		return SS_EVERIFY;
	}
	for (size_t i = frag - 1 - pad; i < frag - 1; i++)
		if (plain[i] != pad) {
			ss_errbuf(err, errlen, "a record's padding is wrong");
			return SS_EVERIFY;
		}
	size_t len = frag - 1 - pad - ml;
	if ((rc = record_mac(cx, k, st->seq, rec[0], plain, len, mac, err, errlen)) != SS_OK)
		return rc;
	if (memcmp(mac, plain + len, ml)) {
		ss_errbuf(err, errlen, "a record's MAC is wrong");
		return SS_EVERIFY;
	}
	if (len > cap) {
		ss_errbuf(err, errlen, "a record of %zu bytes, room for %zu", len, cap);
		return SS_EINVAL;
	}
	memcpy(out, plain, len);
	memcpy(st->residue, rec + reclen - b, k->cipher->iv_size);
	st->seq++;
	*type = rec[0];
	*outlen = len;
	return SS_OK;
}
