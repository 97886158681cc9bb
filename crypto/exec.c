/* Execute mode: per-packet transforms with preallocated EVP state. */
#include "crypto-internal.h"
#include "ss_err.h"
#include "ss_exec.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

/* Largest RSA output (2048-bit modulus) and digest; scratch for both. */
#define SCRATCH 512

struct ss_exec {
	ss_crypto *c;             /* borrowed; owns the fetched algorithms */
	const ss_crypto_alg *a;
	EVP_MD_CTX *md;           /* hash, and the SHA-1 under signatures */
	EVP_MD *mdimpl;           /* borrowed from the context */
	EVP_MAC_CTX *mac;         /* keyed once; re-initialised per packet */
	EVP_CIPHER_CTX *enc;      /* separate contexts keep both key */
	EVP_CIPHER_CTX *dec;      /*   schedules (AES's differ by direction) */
	EVP_PKEY_CTX *tx;         /* RSA encrypt or sign */
	EVP_PKEY_CTX *rx;         /* RSA decrypt or verify */
	size_t prefix;            /* bytes of headroom: the IV */
	unsigned char scratch[SCRATCH];
	char errmsg[256];
};

static int set_err(ss_exec *x, int rc, const char *fmt, ...) SS_PRINTF(3, 4);

/* Per-packet failure: keep the message in the object, return rc. */
static int set_err(ss_exec *x, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->errmsg, sizeof x->errmsg, fmt, ap);
	va_end(ap);
	return rc;
}

/* OpenSSL failure inside apply/verify: keep its message in the object. */
static int ossl_err(ss_exec *x, int rc)
{
	ss__crypto_fail(x->errmsg, sizeof x->errmsg, x->a->name);
	return rc;
}

void ss_exec_free(ss_exec *x)
{
	if (!x)
		return;
	EVP_MD_CTX_free(x->md);
	EVP_MAC_CTX_free(x->mac);
	EVP_CIPHER_CTX_free(x->enc);
	EVP_CIPHER_CTX_free(x->dec);
	EVP_PKEY_CTX_free(x->tx);
	EVP_PKEY_CTX_free(x->rx);
	OPENSSL_cleanse(x, sizeof *x);
	free(x);
}

static int setup_cipher(ss_exec *x, EVP_CIPHER_CTX **ctx, int enc,
			const void *key, char *err, size_t errlen)
{
	EVP_CIPHER *impl = ss__crypto_cipher_impl(x->c, x->a);
	*ctx = EVP_CIPHER_CTX_new();
	/* GCM has no padding to switch off (counter mode). */
	if (!*ctx || !EVP_CipherInit_ex2(*ctx, impl, key, NULL, enc, NULL) ||
	    (x->a->kind == SS_CRYPTO_CIPHER && !EVP_CIPHER_CTX_set_padding(*ctx, 0)))
		return ss__crypto_fail(err, errlen, x->a->name);
	return SS_OK;
}

int ss_exec_alloc(ss_exec **out, ss_crypto *c, const char *alg, const void *key,
		  size_t keylen, char *err, size_t errlen)
{
	const ss_crypto_alg *a;
	ss_exec *x;
	int rc;
	if (!out) {
		ss_errbuf(err, errlen, "ss_exec_alloc: no place for the transform");
		return SS_EINVAL;
	}
	*out = NULL;
	if (!c) {
		ss_errbuf(err, errlen, "ss_exec_alloc: no crypto context");
		return SS_EINVAL;
	}
	if ((rc = ss_crypto_alg_find(alg, &a, err, errlen)) != SS_OK)
		return rc;
	if ((rc = ss_crypto_available(c, a, err, errlen)) != SS_OK)
		return rc;

	/* Key material is checked before anything is built. */
	switch (a->kind) {
	case SS_CRYPTO_HASH:
	case SS_CRYPTO_PK:
		if (key || keylen) {
			ss_errbuf(err, errlen, "%s takes no key%s", a->name,
				  a->kind == SS_CRYPTO_PK
					  ? " (RSA uses the embedded test key)"
					  : "");
			return SS_EINVAL;
		}
		break;
	case SS_CRYPTO_MAC:
		if (!key || keylen == 0) {
			ss_errbuf(err, errlen, "%s needs a key of at least one "
				  "byte (%zu recommended)", a->name, a->key_size);
			return SS_EINVAL;
		}
		break;
	case SS_CRYPTO_CIPHER:
	case SS_CRYPTO_AEAD:
		if (!key || keylen != a->key_size) {
			ss_errbuf(err, errlen, "%s needs a key of exactly %zu "
				  "bytes, got %zu", a->name, a->key_size,
				  key ? keylen : 0);
			return SS_EINVAL;
		}
		break;
	}

	x = calloc(1, sizeof *x);
	if (!x) {
		ss_errbuf(err, errlen, "out of memory");
		return SS_ENOMEM;
	}
	x->c = c;
	x->a = a;
	rc = SS_OK;
	switch (a->kind) {
	case SS_CRYPTO_HASH:
		x->mdimpl = ss__crypto_md(c, a);
		if (!(x->md = EVP_MD_CTX_new()))
			rc = ss__crypto_fail(err, errlen, a->name);
		break;
	case SS_CRYPTO_MAC: {
		OSSL_PARAM params[2];
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_MAC_PARAM_DIGEST, (char *)a->ossl_digest, 0);
		params[1] = OSSL_PARAM_construct_end();
		x->mac = EVP_MAC_CTX_new(ss__crypto_hmac(c));
		/* The key is scheduled once here; each packet re-initialises
		   with a NULL key, which keeps it (as an IPsec SA would). */
		if (!x->mac || !EVP_MAC_init(x->mac, key, keylen, params))
			rc = ss__crypto_fail(err, errlen, a->name);
		break;
	}
	case SS_CRYPTO_CIPHER:
	case SS_CRYPTO_AEAD:
		x->prefix = a->iv_size;
		rc = setup_cipher(x, &x->enc, 1, key, err, errlen);
		if (rc == SS_OK)
			rc = setup_cipher(x, &x->dec, 0, key, err, errlen);
		break;
	case SS_CRYPTO_PK: {
		int sig = a->pkop == SS_PK_SIGN || a->pkop == SS_PK_VERIFY;
		x->tx = ss__crypto_rsa_ctx(c, a->rsa_bits,
					   sig ? SS_PK_SIGN : SS_PK_ENCRYPT,
					   err, errlen);
		x->rx = x->tx ? ss__crypto_rsa_ctx(c, a->rsa_bits,
						   sig ? SS_PK_VERIFY
						       : SS_PK_DECRYPT,
						   err, errlen)
			      : NULL;
		if (!x->rx)
			rc = SS_ECRYPTO;
		else if (sig) {
			x->mdimpl = ss__crypto_sha1(c);
			if (!(x->md = EVP_MD_CTX_new()))
				rc = ss__crypto_fail(err, errlen, a->name);
		}
		break;
	}
	}
	if (rc != SS_OK) {
		ss_exec_free(x);
		return rc;
	}
	*out = x;
	return SS_OK;
}

const ss_crypto_alg *ss_exec_alg(const ss_exec *x) { return x->a; }
size_t ss_exec_prefix(const ss_exec *x) { return x->prefix; }
const char *ss_exec_error(const ss_exec *x) { return x->errmsg; }

static int is_rsa_enc(const ss_crypto_alg *a)
{
	return a->kind == SS_CRYPTO_PK &&
	       (a->pkop == SS_PK_ENCRYPT || a->pkop == SS_PK_DECRYPT);
}

size_t ss_exec_capacity(const ss_exec *x, size_t len)
{
	const ss_crypto_alg *a = x->a;
	switch (a->kind) {
	case SS_CRYPTO_HASH:
	case SS_CRYPTO_MAC:
		return len + a->out_size;
	case SS_CRYPTO_CIPHER:
		return len % a->block_size || len > INT_MAX ? 0 : x->prefix + len;
	case SS_CRYPTO_PK:
		if (is_rsa_enc(a))
			return len <= a->out_size - 11 ? a->out_size : 0;
		return len + a->out_size;
	case SS_CRYPTO_AEAD:
		return len > INT_MAX ? 0 : x->prefix + len + a->out_size;
	}
	return 0;
}

/* Digest of msg into dst (SHA-1 for signatures, the hash itself for
   hashes).  Returns the digest length, 0 on failure. */
static unsigned digest_to(ss_exec *x, const unsigned char *msg, size_t len,
			  unsigned char *dst)
{
	unsigned n = 0;
	if (!EVP_DigestInit_ex2(x->md, x->mdimpl, NULL) ||
	    !EVP_DigestUpdate(x->md, msg, len) ||
	    !EVP_DigestFinal_ex(x->md, dst, &n))
		return 0;
	return n;
}

static unsigned digest(ss_exec *x, const unsigned char *msg, size_t len)
{
	return digest_to(x, msg, len, x->scratch);
}

/* Full HMAC into scratch (the caller truncates); 0 on failure. */
static size_t hmac(ss_exec *x, const unsigned char *msg, size_t len)
{
	size_t n = 0;
	if (!EVP_MAC_init(x->mac, NULL, 0, NULL) ||
	    !EVP_MAC_update(x->mac, msg, len) ||
	    !EVP_MAC_final(x->mac, x->scratch, &n, SCRATCH))
		return 0;
	return n;
}

/* Counter IV: fixed pattern, seq big-endian in the last 8 bytes. */
static void make_iv(unsigned char *iv, size_t ivlen, uint64_t seq)
{
	memset(iv, 0xa5, ivlen);
	for (size_t i = 0; i < 8 && i < ivlen; i++)
		iv[ivlen - 1 - i] = (unsigned char)(seq >> (8 * i));
}

int ss_exec_apply(ss_exec *x, unsigned char *pkt, size_t cap, size_t len,
		  uint64_t seq, size_t *outlen)
{
	const ss_crypto_alg *a = x->a;
	size_t need = ss_exec_capacity(x, len);
	if (need == 0)
		return set_err(x, SS_EINVAL,
			       "%s: payload of %zu bytes not acceptable%s",
			       a->name, len,
			       a->kind == SS_CRYPTO_CIPHER
				       ? " (must be a multiple of the block size)"
				       : " (too long for the RSA modulus)");
	if (cap < need)
		return set_err(x, SS_EINVAL, "%s: packet buffer of %zu bytes, "
			       "need %zu (see ss_exec_capacity)", a->name,
			       cap, need);
	x->errmsg[0] = '\0';
	switch (a->kind) {
	case SS_CRYPTO_HASH:
		/* The whole digest is the tag: write it in place, no copy. */
		if (!digest_to(x, pkt, len, pkt + len))
			return ossl_err(x, SS_ECRYPTO);
		*outlen = len + a->out_size;
		return SS_OK;
	case SS_CRYPTO_MAC:
		if (hmac(x, pkt, len) < a->out_size)
			return ossl_err(x, SS_ECRYPTO);
		memcpy(pkt + len, x->scratch, a->out_size);
		*outlen = len + a->out_size;
		return SS_OK;
	case SS_CRYPTO_CIPHER: {
		int n = 0;
		make_iv(pkt, x->prefix, seq);
		if (!EVP_CipherInit_ex2(x->enc, NULL, NULL, pkt, 1, NULL) ||
		    !EVP_CipherUpdate(x->enc, pkt + x->prefix, &n,
				      pkt + x->prefix, (int)len) ||
		    (size_t)n != len)
			return ossl_err(x, SS_ECRYPTO);
		*outlen = x->prefix + len;
		return SS_OK;
	}
	case SS_CRYPTO_AEAD: {
		int n = 0, f = 0;
		unsigned char *body = pkt + x->prefix;
		make_iv(pkt, x->prefix, seq);
		if (!EVP_CipherInit_ex2(x->enc, NULL, NULL, pkt, 1, NULL) ||
		    (len && !EVP_CipherUpdate(x->enc, body, &n, body, (int)len)) ||
		    !EVP_CipherFinal_ex(x->enc, body + n, &f) ||
		    (size_t)(n + f) != len ||
		    EVP_CIPHER_CTX_ctrl(x->enc, EVP_CTRL_AEAD_GET_TAG,
					(int)a->out_size, body + len) <= 0)
			return ossl_err(x, SS_ECRYPTO);
		*outlen = x->prefix + len + a->out_size;
		return SS_OK;
	}
	case SS_CRYPTO_PK: {
		size_t n = SCRATCH;
		if (is_rsa_enc(a)) {
			if (EVP_PKEY_encrypt(x->tx, x->scratch, &n, pkt, len) <= 0)
				return ossl_err(x, SS_ECRYPTO);
			memcpy(pkt, x->scratch, n);
			*outlen = n;
			return SS_OK;
		}
		unsigned dlen = digest(x, pkt, len);
		unsigned char d[EVP_MAX_MD_SIZE];
		n = cap - len; /* room for the signature, checked above */
		if (!dlen)
			return ossl_err(x, SS_ECRYPTO);
		memcpy(d, x->scratch, dlen);
		if (EVP_PKEY_sign(x->tx, pkt + len, &n, d, dlen) <= 0)
			return ossl_err(x, SS_ECRYPTO);
		*outlen = len + n;
		return SS_OK;
	}
	}
	return SS_EINVAL;
}

int ss_exec_verify(ss_exec *x, unsigned char *pkt, size_t len, size_t *off,
		   size_t *plen)
{
	const ss_crypto_alg *a = x->a;
	x->errmsg[0] = '\0';
	switch (a->kind) {
	case SS_CRYPTO_HASH:
	case SS_CRYPTO_MAC: {
		size_t body, n;
		if (len < a->out_size)
			return set_err(x, SS_EINVAL, "%s: packet of %zu bytes is "
				       "shorter than its tag", a->name, len);
		body = len - a->out_size;
		n = a->kind == SS_CRYPTO_HASH ? digest(x, pkt, body)
					      : hmac(x, pkt, body);
		if (n < a->out_size)
			return ossl_err(x, SS_ECRYPTO);
		/* Constant time, as a real receiver must compare tags. */
		if (CRYPTO_memcmp(x->scratch, pkt + body, a->out_size) != 0)
			return set_err(x, SS_EVERIFY, "%s: %s mismatch",
				       a->name,
				       a->kind == SS_CRYPTO_HASH ? "digest"
								 : "MAC");
		*off = 0;
		*plen = body;
		return SS_OK;
	}
	case SS_CRYPTO_CIPHER: {
		int n = 0;
		size_t body;
		if (len < x->prefix || (len - x->prefix) % a->block_size ||
		    len - x->prefix > INT_MAX)
			return set_err(x, SS_EINVAL, "%s: packet of %zu bytes "
				       "is not IV + whole blocks", a->name, len);
		body = len - x->prefix;
		if (!EVP_CipherInit_ex2(x->dec, NULL, NULL, pkt, 0, NULL) ||
		    !EVP_CipherUpdate(x->dec, pkt + x->prefix, &n,
				      pkt + x->prefix, (int)body) ||
		    (size_t)n != body)
			return ossl_err(x, SS_ECRYPTO);
		*off = x->prefix;
		*plen = body;
		return SS_OK;
	}
	case SS_CRYPTO_AEAD: {
		int n = 0, f = 0;
		size_t body;
		unsigned char *p = pkt + x->prefix;
		if (len < x->prefix + a->out_size ||
		    len - x->prefix - a->out_size > INT_MAX)
			return set_err(x, SS_EINVAL, "%s: packet of %zu bytes "
				       "cannot hold nonce and tag", a->name, len);
		body = len - x->prefix - a->out_size;
		/* The tag is set before Final, which checks it; the
		   plaintext Update wrote is wiped if it does not match. */
		if (!EVP_CipherInit_ex2(x->dec, NULL, NULL, pkt, 0, NULL) ||
		    (body && !EVP_CipherUpdate(x->dec, p, &n, p, (int)body)) ||
		    EVP_CIPHER_CTX_ctrl(x->dec, EVP_CTRL_AEAD_SET_TAG,
					(int)a->out_size, p + body) <= 0)
			return ossl_err(x, SS_ECRYPTO);
		if (EVP_CipherFinal_ex(x->dec, p + n, &f) <= 0 ||
		    (size_t)(n + f) != body) {
			OPENSSL_cleanse(p, body);
			ERR_clear_error();
			return set_err(x, SS_EVERIFY, "%s: tag mismatch",
				       a->name);
		}
		*off = x->prefix;
		*plen = body;
		return SS_OK;
	}
	case SS_CRYPTO_PK: {
		size_t k = a->out_size, n = SCRATCH;
		if (is_rsa_enc(a)) {
			if (len != k)
				return set_err(x, SS_EINVAL, "%s: RSA ciphertext "
					       "of %zu bytes, need %zu", a->name,
					       len, k);
			if (EVP_PKEY_decrypt(x->rx, x->scratch, &n, pkt, len) <= 0) {
				ERR_clear_error();
				return set_err(x, SS_EVERIFY, "%s: PKCS#1 v1.5 "
					       "padding check failed", a->name);
			}
			memcpy(pkt, x->scratch, n);
			*off = 0;
			*plen = n;
			return SS_OK;
		}
		if (len < k)
			return set_err(x, SS_EINVAL, "%s: packet of %zu bytes "
				       "is shorter than its signature", a->name,
				       len);
		unsigned dlen = digest(x, pkt, len - k);
		if (!dlen)
			return ossl_err(x, SS_ECRYPTO);
		if (EVP_PKEY_verify(x->rx, pkt + len - k, k, x->scratch, dlen) != 1) {
			ERR_clear_error();
			return set_err(x, SS_EVERIFY, "%s: signature does "
				       "not verify", a->name);
		}
		*off = 0;
		*plen = len - k;
		return SS_OK;
	}
	}
	return SS_EINVAL;
}
