/* Execute mode: protocol layers really transform each packet (hash, MAC,
   encrypt, sign) and the receiver really verifies it, so a simulation run
   proves its bytes are right while time is charged from a cost profile. */
#ifndef SS_EXEC_H
#define SS_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "ss_crypto.h"

typedef struct ss_exec ss_exec;

/* Packet layout.  The sender calls ss_exec_apply with the payload at
   pkt + ss_exec_prefix(x) (the caller leaves that much headroom, as a
   protocol stack reserves header space) and gets back the protected packet
   in pkt[0 .. *outlen):

     hash, mac    payload | tag               tag = digest or HMAC (truncated)
     cipher       IV | CBC(payload)           per-packet IV, as ESP carries it
     aead         nonce | GCM(payload) | tag  12-byte per-packet nonce, no AAD;
                                              any payload length
     rsaN-public, rsaN-private
                  RSA ciphertext (modulus bytes) of a payload of at most
                  modulus - 11 bytes: the SSL key exchange.  Apply encrypts
                  with the public key, verify decrypts with the private key,
                  whichever of the two names was used: the name only says
                  which side's cost the model charges.
     rsaN-sign, rsaN-verify
                  payload | signature         PKCS#1 v1.5 over SHA-1

   The receiver calls ss_exec_verify on the whole packet; on success the
   payload is at pkt + *off, *plen bytes long.

   AEADs check their tag: a corrupted packet gives SS_EVERIFY and its
   payload bytes zeroed, never the garbled plaintext.
   Ciphers carry no integrity check: verify always decrypts and returns
   SS_OK; a corrupted packet decrypts to different bytes (stack a MAC to
   detect it, as ESP with authentication does).

   The per-packet IV (or AEAD nonce) is a pure function of `seq` (a fixed pattern with seq
   in its last 8 bytes), so runs are reproducible.  Such a counter IV is
   unique per packet but predictable, which real CBC traffic must avoid;
   for a simulator it is the right trade.

   Payload lengths for ciphers must be a multiple of the block size: the
   protocol layer pads, as ESP and SSL records do.

   An ss_exec owns its EVP contexts and buffers: apply and verify allocate
   nothing themselves.  (OpenSSL 3.0 underneath still re-creates a digest's
   provider context on each initialisation, one malloc per hash and two per
   HMAC, and uses bignum temporaries for RSA; ciphers allocate nothing.
   tests/test_exec.c counts them.)  Per-packet failures return a status and
   keep the message, readable with ss_exec_error, so the hot path passes no
   buffer.

   Everything is a pure function of key, payload and seq, except the
   random padding that PKCS#1 v1.5 encryption requires: RSA ciphertexts
   differ between runs, their decryptions do not. */

/* Creates a transform for algorithm `alg` (a registry name) in *out.  Key
   material: none for hashes and RSA (RSA uses the context's embedded test
   key); at least one byte for HMACs; exactly the key size for ciphers
   and AEADs.
   The ss_crypto context must outlive the transform.  Returns SS_OK, or
   SS_ENOENT (unknown name, message lists valid ones), SS_EINVAL (bad key,
   no context), SS_ENOMEM, SS_ECRYPTO, with *out NULL. */
int ss_exec_alloc(ss_exec **out, ss_crypto *c, const char *alg, const void *key,
		  size_t keylen, char *err, size_t errlen);
void ss_exec_free(ss_exec *x); /* NULL is a no-op */

const ss_crypto_alg *ss_exec_alg(const ss_exec *x);

/* Headroom the caller leaves before the payload (IV size for ciphers,
   nonce size for AEADs). */
size_t ss_exec_prefix(const ss_exec *x);

/* Buffer capacity apply needs for a payload of len bytes, headroom
   included (0 if len is not acceptable for this algorithm). */
size_t ss_exec_capacity(const ss_exec *x, size_t len);

/* Sender side; see the layout above.  Errors: SS_EINVAL (length or
   capacity), SS_ECRYPTO. */
int ss_exec_apply(ss_exec *x, unsigned char *pkt, size_t cap, size_t len,
		  uint64_t seq, size_t *outlen);

/* Receiver side.  SS_EVERIFY if the tag or signature does not match or an
   RSA ciphertext does not decrypt; SS_EINVAL if len cannot be a packet of
   this algorithm. */
int ss_exec_verify(ss_exec *x, unsigned char *pkt, size_t len, size_t *off,
		   size_t *plen);

/* Message of the last failed apply or verify ("" if none failed). */
const char *ss_exec_error(const ss_exec *x);

#endif
