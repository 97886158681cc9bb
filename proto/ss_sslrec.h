/* SSL 3.0 / TLS 1.0 records with a CBC cipher and an HMAC (RFC 2246
   sec. 6.2): a record is its 5-byte header (type, version 3.1, length)
   and the encryption of payload || MAC || padding || padding length,
   the MAC over the sequence number, the header and the payload. The
   write or read state is explicit (the sequence number and the CBC
   residue, the last ciphertext block), so that it can be copied, as a
   cluster update does, and restored elsewhere. */
#ifndef SS_SSLREC_H
#define SS_SSLREC_H

#include <stddef.h>
#include <stdint.h>

#include "ss_crypto.h"

#define SS_SSLREC_HDR 5
#define SS_SSLREC_MAXIV 16

typedef struct ss_sslrec_keys {
	const ss_crypto_alg *cipher; /* a CBC cipher: des-cbc, 3des-cbc, aes128-cbc, ... */
	const ss_crypto_alg *mac;    /* hmac-md5 or hmac-sha1 */
	unsigned char key[32], mac_key[32];
} ss_sslrec_keys;

typedef struct ss_sslrec_state {
	uint64_t seq;                            /* records so far */
	unsigned char residue[SS_SSLREC_MAXIV]; /* the CBC chain's last block (at first the key block's IV) */
} ss_sslrec_state;

/* Keys from the names of a cipher and a MAC and key material (the key
   block: cipher key, MAC key, then the IV, which seeds *st). */
int ss_sslrec_keys_init(ss_sslrec_keys *k, ss_sslrec_state *st, const char *cipher, const char *mac,
			const unsigned char *block, size_t blocklen, char *err, size_t errlen);

/* The bytes a record of len payload bytes takes on the wire. */
size_t ss_sslrec_size(const ss_sslrec_keys *k, size_t len);

/* Seal one record of `type` into out (cap bytes: ss_sslrec_size), and
   advance the state. */
int ss_sslrec_seal(ss_crypto *cx, const ss_sslrec_keys *k, ss_sslrec_state *st, uint8_t type, const void *in,
		   size_t len, unsigned char *out, size_t cap, size_t *outlen, char *err, size_t errlen);

/* Open one record: its payload into out (cap bytes), and advance the
   state. A bad header, length, padding or MAC gives SS_EVERIFY (the
   state does not advance). */
int ss_sslrec_open(ss_crypto *cx, const ss_sslrec_keys *k, ss_sslrec_state *st, const unsigned char *rec,
		   size_t reclen, uint8_t *type, unsigned char *out, size_t cap, size_t *outlen, char *err, size_t errlen);

#endif
