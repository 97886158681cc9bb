/* SSL/TLS CBC records (proto/ss_sslrec.h): sizes by hand, round trips
   at every length class, the CBC residue carried from record to record,
   every flipped bit of a record refused, a wrong residue or sequence
   number refused (what a mirror restoring stale state would send), a
   copied state sealing byte-identical records (the Zeroth Law's
   premise), the layout recomputed with the crypto layer directly, and
   bad keys refused. */
#include <string.h>

#include "ss_err.h"
#include "ss_sslrec.h"
#include "ss_test.h"

static unsigned char block[128];

int main(void)
{
	ss_test_plan(25);
	char err[256];
	ss_crypto *cx = NULL;
	int rc = ss_crypto_alloc(&cx, err, sizeof err);
	SS_CHECK(rc == SS_OK, "crypto context: %s", rc == SS_OK ? "ok" : err);
	if (rc != SS_OK)
		return ss_test_done();
	for (size_t i = 0; i < sizeof block; i++)
		block[i] = (unsigned char)(i * 37 + 11);
	ss_sslrec_keys k;
	ss_sslrec_state w, r;
	rc = ss_sslrec_keys_init(&k, &w, "3des-cbc", "hmac-sha1", block, sizeof block, err, sizeof err);
	SS_CHECK(rc == SS_OK, "3DES-CBC with HMAC-SHA1 keys: %s", rc == SS_OK ? "ok" : err);
	r = w;
	/* 5 + ceil((len + 20 + 1) / 8) * 8 */
	SS_CHECK(ss_sslrec_size(&k, 12) == 45 && ss_sslrec_size(&k, 0) == 29 && ss_sslrec_size(&k, 1000) == 1029 &&
		     ss_sslrec_size(&k, 16384) == 16413,
		 "record sizes: 12 -> 45, 0 -> 29, 1000 -> 1029, 16384 -> 16413 bytes");

	/* Round trips, one stream of records. */
	static const size_t lens[] = {0, 1, 7, 8, 12, 1000, 1459, 16384};
	unsigned char in[16384], rec[16384 + 64], out[16384];
	int ok = 1, chain = 1;
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		for (size_t j = 0; j < lens[i]; j++)
			in[j] = (unsigned char)(j * 7 + i);
		size_t n = 0, m = 0;
		uint8_t type = 0;
		ok &= ss_sslrec_seal(cx, &k, &w, 23, in, lens[i], rec, sizeof rec, &n, err, sizeof err) == SS_OK;
		chain &= !memcmp(w.residue, rec + n - 8, 8);
		ok &= ss_sslrec_open(cx, &k, &r, rec, n, &type, out, sizeof out, &m, err, sizeof err) == SS_OK && m == lens[i] &&
		      !memcmp(in, out, m) && type == 23;
	}
	SS_CHECK(ok, "8 records of 0 to 16384 bytes sealed and opened in one stream");
	SS_CHECK(chain, "after each record the residue is its last ciphertext block");
	SS_CHECK(w.seq == 8 && r.seq == 8 && !memcmp(w.residue, r.residue, 8), "writer and reader agree: 8 records, the same residue");

	/* Every bit of a 12-byte record flipped: refused, the state kept. */
	size_t n = 0, m = 0;
	uint8_t type;
	memcpy(in, "hello, world", 12);
	ss_sslrec_state w0 = w;
	rc = ss_sslrec_seal(cx, &k, &w, 22, in, 12, rec, sizeof rec, &n, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 45, "a 12-byte handshake record: %zu bytes", n);
	int refused = 0, kept = 1;
	for (size_t bit = 0; bit < n * 8; bit++) {
		ss_sslrec_state t = r;
		rec[bit / 8] ^= (unsigned char)(1u << bit % 8);
		refused += ss_sslrec_open(cx, &k, &t, rec, n, &type, out, sizeof out, &m, err, sizeof err) != SS_OK;
		kept &= t.seq == r.seq;
		rec[bit / 8] ^= (unsigned char)(1u << bit % 8);
	}
	SS_CHECK_INT(refused, (int)(n * 8), "every one of the %zu flipped bits refused", n * 8);
	SS_CHECK(kept, "a refused record leaves the reader's state as it was");
	ss_sslrec_state t = r;
	SS_CHECK(ss_sslrec_open(cx, &k, &t, rec, n, &type, out, sizeof out, &m, err, sizeof err) == SS_OK && m == 12 &&
		     !memcmp(out, "hello, world", 12) && type == 22,
		 "unflipped, it opens");

	/* A copied state seals the same bytes; a stale residue or sequence
	   number does not, and the reader refuses what it seals. */
	unsigned char again[64];
	size_t n2 = 0;
	ss_sslrec_state c = w0;
	rc = ss_sslrec_seal(cx, &k, &c, 22, in, 12, again, sizeof again, &n2, err, sizeof err);
	SS_CHECK(rc == SS_OK && n2 == n && !memcmp(again, rec, n), "a copy of the state seals the record byte for byte");
	SS_CHECK(!memcmp(c.residue, w.residue, 8) && c.seq == w.seq, "and leaves the same state");
	ss_sslrec_keys k2;
	ss_sslrec_state stale;
	ss_sslrec_keys_init(&k2, &stale, "3des-cbc", "hmac-sha1", block, sizeof block, err, sizeof err);
	stale.seq = w0.seq; /* the right number, the key block's IV for a residue */
	rc = ss_sslrec_seal(cx, &k, &stale, 22, in, 12, again, sizeof again, &n2, err, sizeof err);
	SS_CHECK(rc == SS_OK && memcmp(again, rec, n), "the key block's IV for a residue: different bytes");
	t = r;
	rc = ss_sslrec_open(cx, &k, &t, again, n2, &type, out, sizeof out, &m, err, sizeof err);
	SS_CHECK(rc == SS_EVERIFY, "which the reader refuses (%s)", rc == SS_OK ? "opened" : err);
	c = w0;
	c.seq++;
	rc = ss_sslrec_seal(cx, &k, &c, 22, in, 12, again, sizeof again, &n2, err, sizeof err);
	t = r;
	rc = ss_sslrec_open(cx, &k, &t, again, n2, &type, out, sizeof out, &m, err, sizeof err);
	SS_CHECK(rc == SS_EVERIFY, "a sequence number one ahead: refused (%s)", rc == SS_OK ? "opened" : err);

	/* The layout with the crypto layer directly: decrypt the fragment,
	   check the padding and recompute the MAC. */
	const ss_crypto_alg *des3 = NULL, *hs = NULL;
	ss_crypto_alg_find("3des-cbc", &des3, err, sizeof err);
	ss_crypto_alg_find("hmac-sha1", &hs, err, sizeof err);
	unsigned char frag[64], macin[13 + 12], mac[20];
	rc = ss_crypto_cipher(cx, des3, 0, block, 24, r.residue, rec + 5, frag, 40, err, sizeof err);
	SS_CHECK(rc == SS_OK && !memcmp(frag, "hello, world", 12), "the fragment decrypts to the payload first");
	SS_CHECK(frag[39] == 7 && frag[32] == 7, "then the MAC and 8 padding bytes of value 7 (TLS 1.0)");
	for (int i = 0; i < 8; i++)
		macin[i] = (unsigned char)(r.seq >> (56 - 8 * i));
	macin[8] = 22;
	macin[9] = 3;
	macin[10] = 1;
	macin[11] = 0;
	macin[12] = 12;
	memcpy(macin + 13, "hello, world", 12);
	size_t ml = 0;
	rc = ss_crypto_mac(cx, hs, block + 24, 20, macin, sizeof macin, mac, sizeof mac, &ml, err, sizeof err);
	SS_CHECK(rc == SS_OK && ml == 20 && !memcmp(mac, frag + 12, 20), "the MAC is HMAC-SHA1 over sequence number, header and payload");
	SS_CHECK(rec[0] == 22 && rec[1] == 3 && rec[2] == 1 && rec[3] == 0 && rec[4] == 40, "the header: type 22, version 3.1, length 40");

	/* AES-128 records: 16-byte blocks. */
	ss_sslrec_state wa, ra;
	rc = ss_sslrec_keys_init(&k2, &wa, "aes128-cbc", "hmac-sha1", block, sizeof block, err, sizeof err);
	ra = wa;
	rc |= ss_sslrec_seal(cx, &k2, &wa, 23, in, 12, rec, sizeof rec, &n, err, sizeof err);
	rc |= ss_sslrec_open(cx, &k2, &ra, rec, n, &type, out, sizeof out, &m, err, sizeof err);
	SS_CHECK(rc == SS_OK && n == 5 + 48 && m == 12, "AES-128-CBC: a 12-byte record takes %zu bytes and opens", n);

	/* Bad keys. */
	SS_CHECK(ss_sslrec_keys_init(&k2, &wa, "3des-cbc", "sha1", block, sizeof block, err, sizeof err) == SS_EINVAL,
		 "a hash that is not an HMAC refused: %s", err);
	SS_CHECK(ss_sslrec_keys_init(&k2, &wa, "aes128-gcm", "hmac-sha1", block, sizeof block, err, sizeof err) == SS_EINVAL,
		 "an AEAD refused: %s", err);
	SS_CHECK(ss_sslrec_keys_init(&k2, &wa, "3des-cbc", "hmac-sha1", block, 40, err, sizeof err) == SS_EINVAL,
		 "a short key block refused: %s", err);
	SS_CHECK(ss_sslrec_keys_init(&k2, &wa, "rc5", "hmac-sha1", block, sizeof block, err, sizeof err) != SS_OK,
		 "an unknown cipher refused");
	SS_CHECK(ss_sslrec_open(cx, &k, &t, rec, 4, &type, out, sizeof out, &m, err, sizeof err) == SS_EVERIFY,
		 "a truncated record refused: %s", err);
	ss_crypto_free(cx);
	return ss_test_done();
}
