/* Crypto algorithms through OpenSSL libcrypto: the registry of names and
   a context that owns the library context, the test keys and reusable
   EVP contexts, with one-shot operations for tests and calibration. */
#ifndef SS_CRYPTO_H
#define SS_CRYPTO_H

#include <stddef.h>

typedef enum ss_crypto_kind {
	SS_CRYPTO_HASH,   /* message digest: cost per call + per byte */
	SS_CRYPTO_MAC,    /* keyed hash (HMAC), possibly truncated */
	SS_CRYPTO_CIPHER, /* block cipher in CBC mode, no padding */
	SS_CRYPTO_PK,     /* RSA public-key operation: cost per operation */
	SS_CRYPTO_AEAD    /* authenticated encryption with associated data
	                     (AES-GCM): cost per call + per byte, like a cipher */
} ss_crypto_kind;

/* What an RSA entry's cost measures (its "side" of an exchange). */
typedef enum ss_crypto_pkop {
	SS_PK_NONE,    /* not an RSA entry */
	SS_PK_ENCRYPT, /* public key: PKCS#1 v1.5 encryption of a 48-byte
	                  premaster secret (the SSL client's key exchange) */
	SS_PK_DECRYPT, /* private key: PKCS#1 v1.5 decryption of it (the SSL
	                  server's dominant handshake cost) */
	SS_PK_SIGN,    /* private key: PKCS#1 v1.5 signature over SHA-1 */
	SS_PK_VERIFY   /* public key: verification of that signature */
} ss_crypto_pkop;

/* One registry entry; entries are static and live for the program. */
typedef struct ss_crypto_alg {
	const char *name;        /* registry name, e.g. "3des-cbc" */
	int id;                  /* dense index, 0 .. ss_crypto_alg_count()-1 */
	ss_crypto_kind kind;     /* hash, mac, cipher, pk or aead */
	ss_crypto_pkop pkop;     /* SS_PK_NONE unless kind == SS_CRYPTO_PK */
	size_t block_size;       /* bytes: cipher block or hash compression block; 0 for RSA;
	                            1 for AEADs, whose input may have any length
	                            (GCM is counter mode: no padding) */
	size_t key_size;         /* bytes: cipher or AEAD key; suggested HMAC key (the
	                            digest size, RFC 2104); RSA modulus; 0 for hashes */
	size_t iv_size;          /* bytes: CBC initialisation vector; AEAD nonce (12 for
	                            GCM, SP 800-38D 5.2.1.1); 0 otherwise */
	size_t out_size;         /* bytes: digest, (truncated) tag, RSA output, signature
	                            or AEAD tag (16 for GCM); 0 for ciphers (length
	                            preserving) */
	unsigned rsa_bits;       /* RSA modulus in bits; 0 otherwise */
	const char *ossl_name;   /* OpenSSL algorithm fetched ("DES-EDE3-CBC", "HMAC", "RSA") */
	const char *ossl_digest; /* digest under HMAC or a signature; NULL otherwise */
	const char *summary;     /* one line for listings */
} ss_crypto_alg;

typedef struct ss_crypto ss_crypto;

/* Registry: every algorithm is named once, here. */
size_t ss_crypto_alg_count(void);
const ss_crypto_alg *ss_crypto_alg_get(size_t id); /* NULL if out of range */
const char *ss_crypto_kind_name(ss_crypto_kind kind);

/* Look up an algorithm by its registry name.  An unknown name gives
   SS_ENOENT and a message naming the nearest valid names and listing all
   of them; an RSA name with an unsupported key size (e.g. "rsa1000-private")
   or operation gives SS_ENOENT with a message saying which are supported. */
int ss_crypto_alg_find(const char *name, const ss_crypto_alg **out,
		       char *err, size_t errlen);

/* Write the comma-separated list of registry names into buf. */
void ss_crypto_alg_names(char *buf, size_t len);

/* Create a context: its own OSSL_LIB_CTX with the "default" and "legacy"
   providers, the embedded RSA test keys, and one set of reusable EVP
   contexts per algorithm.  If the legacy provider cannot be loaded the
   context is still created; DES then reports SS_ECRYPTO when used.
   A context is not thread-safe: use one per thread. */
int ss_crypto_alloc(ss_crypto **out, char *err, size_t errlen);
void ss_crypto_free(ss_crypto *c); /* NULL is a no-op */

/* SS_OK if `a` can run in this context, else SS_ECRYPTO and the reason. */
int ss_crypto_available(const ss_crypto *c, const ss_crypto_alg *a,
			char *err, size_t errlen);

/* The OpenSSL version string of the library actually linked. */
const char *ss_crypto_openssl_version(void);

/* One-shot operations.  They reuse the context's EVP objects, so repeated
   calls do not allocate; a repeated key (same bytes as the previous call on
   the same algorithm) skips the key schedule, as a protocol that keeps a
   security association would.  All return SS_OK, SS_EINVAL (wrong kind,
   key or buffer size, with a message) or SS_ECRYPTO (OpenSSL failed, with
   its message); opening an AEAD message also SS_EVERIFY. */

/* Digest of in[0..len) into out (outsize >= a->out_size). */
int ss_crypto_digest(ss_crypto *c, const ss_crypto_alg *a, const void *in,
		     size_t len, unsigned char *out, size_t outsize,
		     size_t *outlen, char *err, size_t errlen);

/* HMAC, truncated to a->out_size bytes (e.g. 12 for hmac-sha1-96). */
int ss_crypto_mac(ss_crypto *c, const ss_crypto_alg *a, const void *key,
		  size_t keylen, const void *in, size_t len, unsigned char *out,
		  size_t outsize, size_t *outlen, char *err, size_t errlen);

/* CBC encryption (encrypt != 0) or decryption of len bytes, a multiple of
   the block size, without padding; in == out is allowed.  keylen must be
   a->key_size and iv holds a->iv_size bytes. */
int ss_crypto_cipher(ss_crypto *c, const ss_crypto_alg *a, int encrypt,
		     const void *key, size_t keylen, const void *iv,
		     const void *in, void *out, size_t len, char *err,
		     size_t errlen);

/* AEAD (SS_CRYPTO_AEAD, e.g. aes128-gcm, SP 800-38D).  keylen must be
   a->key_size and noncelen a->iv_size (12 bytes for GCM); aad (aadlen
   bytes, may be NULL when 0) is authenticated but not encrypted.
   seal:  out[0..len) = ciphertext of in[0..len), out[len..len+tag) = the
          a->out_size-byte tag; outsize >= len + a->out_size; *outlen is
          len + a->out_size.
   open:  in[0..len) is ciphertext followed by the tag (len >= a->out_size);
          out receives len - a->out_size bytes of plaintext (*outlen) only
          if the tag verifies.  A wrong tag, ciphertext, AAD, nonce or key
          gives SS_EVERIFY with out[0..len - tag) zeroed: a forged message
          never yields plaintext.
   in == out is allowed for both.  The key schedule is kept between
   calls with the same key, whatever the direction: GCM uses only the
   forward cipher, so sealing and opening share it. */
int ss_crypto_aead_seal(ss_crypto *c, const ss_crypto_alg *a, const void *key,
			size_t keylen, const void *nonce, size_t noncelen,
			const void *aad, size_t aadlen, const void *in,
			size_t len, unsigned char *out, size_t outsize,
			size_t *outlen, char *err, size_t errlen);
int ss_crypto_aead_open(ss_crypto *c, const ss_crypto_alg *a, const void *key,
			size_t keylen, const void *nonce, size_t noncelen,
			const void *aad, size_t aadlen, const void *in,
			size_t len, unsigned char *out, size_t outsize,
			size_t *outlen, char *err, size_t errlen);

/* RSA with the embedded test key of a->rsa_bits (any rsaN-* entry).
   encrypt: PKCS#1 v1.5 (block type 2), inlen <= modulus - 11 bytes.
   decrypt: its inverse; a bad padding gives SS_EVERIFY.
   sign:    SHA-1 of msg, then PKCS#1 v1.5 signature with DigestInfo
            (RFC 8017 RSASSA-PKCS1-v1_5); deterministic.
   verify:  SS_OK if sig is a valid signature of msg, else SS_EVERIFY. */
int ss_crypto_rsa_encrypt(ss_crypto *c, const ss_crypto_alg *a,
			  const void *in, size_t inlen, unsigned char *out,
			  size_t outsize, size_t *outlen, char *err,
			  size_t errlen);
int ss_crypto_rsa_decrypt(ss_crypto *c, const ss_crypto_alg *a,
			  const void *in, size_t inlen, unsigned char *out,
			  size_t outsize, size_t *outlen, char *err,
			  size_t errlen);
int ss_crypto_rsa_sign(ss_crypto *c, const ss_crypto_alg *a, const void *msg,
		       size_t len, unsigned char *sig, size_t sigsize,
		       size_t *siglen, char *err, size_t errlen);
int ss_crypto_rsa_verify(ss_crypto *c, const ss_crypto_alg *a,
			 const void *msg, size_t len, const unsigned char *sig,
			 size_t siglen, char *err, size_t errlen);

#endif
