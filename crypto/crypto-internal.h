/* Internals shared by the crypto module's files (never included outside
   crypto/): access to the OpenSSL objects a context owns. */
#ifndef SS_CRYPTO_INTERNAL_H
#define SS_CRYPTO_INTERNAL_H

#include "ss_crypto.h"

#include <openssl/evp.h>

/* PEM text of the embedded test key, or NULL for an unsupported size. */
const char *ss__crypto_test_key_pem(unsigned bits);

/* The context's library context (never NULL for a live context). */
OSSL_LIB_CTX *ss__crypto_libctx(const ss_crypto *c);

/* Fetched implementations (ss__crypto_cipher_impl: CBC ciphers and
   AEADs); NULL if `a` is not of that kind or is not
   available (ss_crypto_available says why). */
EVP_MD *ss__crypto_md(const ss_crypto *c, const ss_crypto_alg *a);
EVP_MAC *ss__crypto_hmac(const ss_crypto *c);
EVP_CIPHER *ss__crypto_cipher_impl(const ss_crypto *c, const ss_crypto_alg *a);
EVP_MD *ss__crypto_sha1(const ss_crypto *c);
EVP_PKEY *ss__crypto_pkey(const ss_crypto *c, unsigned bits);

/* Write `what` and the first OpenSSL error (if any) into err, and empty
   OpenSSL's thread-local error queue so a later failure starts clean.
   Returns SS_ECRYPTO. */
int ss__crypto_fail(char *err, size_t errlen, const char *what);

/* Fresh EVP_PKEY_CTX set up for one RSA operation with PKCS#1 v1.5
   padding (SHA-1 for sign/verify), or NULL with a message. */
EVP_PKEY_CTX *ss__crypto_rsa_ctx(const ss_crypto *c, unsigned bits,
				 ss_crypto_pkop op, char *err, size_t errlen);

#endif
