/* AEAD one-shot operations (ss_crypto_aead_seal / ss_crypto_aead_open):
   known answers from the GCM specification, refusal of any flipped bit in
   ciphertext, tag or AAD, round trips over many lengths, argument errors
   and no allocation per call. */
#include "ss_crypto.h"
#include "ss_err.h"
#include "ss_test.h"
#include "ss_test_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static ss_crypto *ctx;
static char err[512];

static const ss_crypto_alg *alg(const char *name)
{
	const ss_crypto_alg *a = NULL;
	ss_crypto_alg_find(name, &a, NULL, 0);
	return a;
}

/* Hex text to bytes; returns the byte count. */
static size_t unhex(const char *h, unsigned char *out)
{
	size_t n = 0;
	for (; h[0] && h[1]; h += 2) {
		unsigned v;
		sscanf(h, "%2x", &v);
		out[n++] = (unsigned char)v;
	}
	return n;
}

/* Test vectors of D. McGrew and J. Viega, "The Galois/Counter Mode of
   Operation (GCM)", revised submission to NIST, 2005, Appendix B, test
   cases 2, 3, 4 (AES-128) and 14, 15, 16 (AES-256), all with the 96-bit
   IV that RFC 4106 uses.  (The same vectors are in the appendix of that
   paper as republished with NIST SP 800-38D's proposed-modes page.) */
typedef struct kat {
	const char *name, *alg, *key, *iv, *aad, *pt, *ct, *tag;
} kat;

#define K128 "feffe9928665731c6d6a8f9467308308"
#define IV96 "cafebabefacedbaddecaf888"
#define AAD20 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define P60 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define C60_128 "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e" \
		"21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
#define C60_256 "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" \
		"8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"

static const kat kats[] = {
	{ .name = "test case 2", .alg = "aes128-gcm",
	  .key = "00000000000000000000000000000000", .iv = "000000000000000000000000",
	  .aad = "", .pt = "00000000000000000000000000000000",
	  .ct = "0388dace60b6a392f328c2b971b2fe78",
	  .tag = "ab6e47d42cec13bdf53a67b21257bddf" },
	{ .name = "test case 3", .alg = "aes128-gcm", .key = K128, .iv = IV96, .aad = "",
	  .pt = P60 "1aafd255", .ct = C60_128 "473f5985",
	  .tag = "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ .name = "test case 4", .alg = "aes128-gcm", .key = K128, .iv = IV96, .aad = AAD20,
	  .pt = P60, .ct = C60_128, .tag = "5bc94fbc3221a5db94fae95ae7121a47" },
	{ .name = "test case 14", .alg = "aes256-gcm",
	  .key = "0000000000000000000000000000000000000000000000000000000000000000",
	  .iv = "000000000000000000000000", .aad = "",
	  .pt = "00000000000000000000000000000000",
	  .ct = "cea7403d4d606b6e074ec5d3baf39d18",
	  .tag = "d0d1c8a799996bf0265b98b5d48ab919" },
	{ .name = "test case 15", .alg = "aes256-gcm", .key = K128 K128, .iv = IV96, .aad = "",
	  .pt = P60 "1aafd255", .ct = C60_256 "898015ad",
	  .tag = "b094dac5d93471bdec1a502270e3cc6c" },
	{ .name = "test case 16", .alg = "aes256-gcm", .key = K128 K128, .iv = IV96,
	  .aad = AAD20, .pt = P60, .ct = C60_256, .tag = "76fc6ece0f4e1768cddf8853bb2d551b" },
};
#define NKAT (sizeof kats / sizeof kats[0])

/* The vectors are run alternately seal / open and across both keys
   sizes, so the key-schedule cache (same key: no new schedule; a change
   of direction keeps it) is exercised between every pair of calls. */
static void test_kats(void)
{
	for (size_t i = 0; i < NKAT; i++) {
		const kat *v = &kats[i];
		const ss_crypto_alg *a = alg(v->alg);
		unsigned char key[32], iv[12], aad[32], pt[64], want[80], got[80], back[64];
		size_t kl = unhex(v->key, key), il = unhex(v->iv, iv), al = unhex(v->aad, aad);
		size_t pl = unhex(v->pt, pt), cl = unhex(v->ct, want);
		size_t tl = unhex(v->tag, want + cl), n = 0, m = 0;
		int rc = ss_crypto_aead_seal(ctx, a, key, kl, iv, il, al ? aad : NULL, al, pt,
					     pl, got, sizeof got, &n, err, sizeof err);
		SS_CHECK(rc == SS_OK && cl == pl && tl == 16 && n == cl + tl &&
				 memcmp(got, want, n) == 0,
			 "%s %s: seal gives the specification's ciphertext and tag (%s)",
			 v->alg, v->name, rc ? err : "ok");
		rc = ss_crypto_aead_open(ctx, a, key, kl, iv, il, al ? aad : NULL, al, want,
					 cl + tl, back, sizeof back, &m, err, sizeof err);
		SS_CHECK(rc == SS_OK && m == pl && memcmp(back, pt, pl) == 0,
			 "%s %s: open verifies the tag and gives the plaintext (%s)", v->alg,
			 v->name, rc ? err : "ok");
	}
}

/* Every single-bit change to ciphertext, tag or AAD is refused with
   SS_EVERIFY (GCM's forgery bound for one attempt is about 2^-128 times
   the message length in blocks, SP 800-38D appendix C: no flip may pass),
   and a refused open leaves no plaintext behind. */
static void test_flips(void)
{
	const kat *v = &kats[2]; /* test case 4: AAD and a partial last block */
	const ss_crypto_alg *a = alg(v->alg);
	unsigned char key[16], iv[12], aad[20], msg[76], bad[76], out[76];
	size_t kl = unhex(v->key, key), il = unhex(v->iv, iv), al = unhex(v->aad, aad);
	size_t cl = unhex(v->ct, msg), len = cl + unhex(v->tag, msg + cl), n;
	int ct_refused = 0, tag_refused = 0, aad_refused = 0, wiped = 1;
	for (size_t bit = 0; bit < len * 8; bit++) {
		memcpy(bad, msg, len);
		bad[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		memset(out, 0x5a, sizeof out);
		int rc = ss_crypto_aead_open(ctx, a, key, kl, iv, il, aad, al, bad, len, out,
					     sizeof out, &n, err, sizeof err);
		if (rc == SS_EVERIFY) {
			if (bit < cl * 8)
				ct_refused++;
			else
				tag_refused++;
		}
		for (size_t k = 0; k < cl; k++)
			wiped &= out[k] == 0;
	}
	SS_CHECK_INT(ct_refused, (int)cl * 8, "every flipped ciphertext bit is refused");
	SS_CHECK_INT(tag_refused, 16 * 8, "every flipped tag bit is refused");
	SS_CHECK(wiped, "a refused open leaves zeros, never plaintext, in the output");
	for (size_t bit = 0; bit < al * 8; bit++) {
		unsigned char badaad[20];
		memcpy(badaad, aad, al);
		badaad[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		aad_refused += ss_crypto_aead_open(ctx, a, key, kl, iv, il, badaad, al, msg, len,
						   out, sizeof out, &n, err,
						   sizeof err) == SS_EVERIFY;
	}
	SS_CHECK_INT(aad_refused, (int)al * 8, "every flipped AAD bit is refused");
	/* Dropping the AAD, or another nonce, is a different message too. */
	int rc1 = ss_crypto_aead_open(ctx, a, key, kl, iv, il, NULL, 0, msg, len, out,
				      sizeof out, &n, err, sizeof err);
	iv[11] ^= 1;
	int rc2 = ss_crypto_aead_open(ctx, a, key, kl, iv, il, aad, al, msg, len, out,
				      sizeof out, &n, err, sizeof err);
	SS_CHECK(rc1 == SS_EVERIFY && rc2 == SS_EVERIFY && strstr(err, "does not verify"),
		 "missing AAD and a changed nonce are refused (%s)", err);
}

/* Seal then open, in place, at lengths around the 16-byte block and up
   to a jumbo frame: the plaintext comes back and the output is exactly
   16 bytes longer. */
static void test_roundtrip(const char *name)
{
	static const size_t lens[] = {0, 1, 15, 16, 17, 31, 64, 255, 1400, 1500, 8972, 9000};
	const ss_crypto_alg *a = alg(name);
	static unsigned char buf[9000 + 16], orig[9000];
	unsigned char key[32], nonce[12], aad[8];
	int ok = 1;
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(3 * i + 1);
	for (size_t i = 0; i < sizeof aad; i++)
		aad[i] = (unsigned char)(0xa0 + i);
	for (size_t i = 0; i < sizeof orig; i++)
		orig[i] = (unsigned char)(i * 7 + (i >> 8));
	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
		size_t len = lens[k], n = 0, m = 0;
		memset(nonce, 0, sizeof nonce);
		nonce[11] = (unsigned char)k;
		memcpy(buf, orig, len);
		int rc = ss_crypto_aead_seal(ctx, a, key, a->key_size, nonce, sizeof nonce, aad,
					     sizeof aad, buf, len, buf, sizeof buf, &n, err,
					     sizeof err);
		ok &= rc == SS_OK && n == len + 16 && (len == 0 || memcmp(buf, orig, len) != 0);
		rc = ss_crypto_aead_open(ctx, a, key, a->key_size, nonce, sizeof nonce, aad,
					 sizeof aad, buf, n, buf, sizeof buf, &m, err, sizeof err);
		ok &= rc == SS_OK && m == len && memcmp(buf, orig, len) == 0;
		if (!ok) {
			SS_DIAG("%s at %zu bytes: %s", name, len, err);
			break;
		}
	}
	SS_CHECK(ok, "%s: in-place seal/open round trip at 12 lengths 0..9000", name);
}

static void test_errors(void)
{
	const ss_crypto_alg *g = alg("aes128-gcm");
	unsigned char key[32] = {0}, nonce[16] = {0}, buf[64] = {0};
	size_t n;
	int rc = ss_crypto_aead_seal(ctx, g, key, 24, nonce, 12, NULL, 0, buf, 16, buf,
				     sizeof buf, &n, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "need exactly 16"),
		 "a 24-byte key for aes128-gcm is refused (%s)", err);
	rc = ss_crypto_aead_seal(ctx, g, key, 16, nonce, 16, NULL, 0, buf, 16, buf,
				 sizeof buf, &n, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "nonce of 16"),
		 "a 16-byte nonce is refused (%s)", err);
	rc = ss_crypto_aead_seal(ctx, g, key, 16, nonce, 12, NULL, 0, buf, 16, buf, 31, &n,
				 err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "need 32"),
		 "an output of 31 bytes for 16 + tag is refused (%s)", err);
	rc = ss_crypto_aead_open(ctx, g, key, 16, nonce, 12, NULL, 0, buf, 15, buf,
				 sizeof buf, &n, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "shorter than its 16-byte tag"),
		 "open of 15 bytes (less than a tag) is refused (%s)", err);
	rc = ss_crypto_aead_seal(ctx, alg("aes128-cbc"), key, 16, nonce, 12, NULL, 0, buf,
				 16, buf, sizeof buf, &n, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "is a cipher, not a aead"),
		 "seal with a CBC cipher is refused (%s)", err);
}


/* Like the CBC one-shots, seal and open reuse the context's EVP objects:
   with the key already scheduled, a call allocates nothing. */
static void test_no_alloc(void)
{
	const ss_crypto_alg *g = alg("aes256-gcm");
	static unsigned char buf[1024 + 16];
	unsigned char key[32] = {5}, nonce[12] = {1}, aad[8] = {2};
	size_t n, m;
	int ok = ss_crypto_aead_seal(ctx, g, key, 32, nonce, 12, aad, 8, buf, 1024, buf,
				     sizeof buf, &n, err, sizeof err) == SS_OK; /* warm */
	long before = ss_test_allocs();
	for (int k = 0; k < 50; k++) {
		nonce[0] = (unsigned char)k;
		ok &= ss_crypto_aead_seal(ctx, g, key, 32, nonce, 12, aad, 8, buf, 1024, buf,
					  sizeof buf, &n, err, sizeof err) == SS_OK;
		ok &= ss_crypto_aead_open(ctx, g, key, 32, nonce, 12, aad, 8, buf, n, buf,
					  sizeof buf, &m, err, sizeof err) == SS_OK;
	}
	SS_CHECK(ok && ss_test_allocs() == before, "aes256-gcm: %ld allocations in 50 seal + open "
		 "calls, none expected", ss_test_allocs() - before);
}

int main(void)
{
	ss_test_plan(2 + 2 * (int)NKAT + 5 + 2 + 5 + 1);
	/* Must precede any other OpenSSL call. */
	int counting = ss_test_alloc_install();
	int rc = ss_crypto_alloc(&ctx, err, sizeof err);
	if (rc != SS_OK) {
		printf("Bail out! ss_crypto_alloc: %s\n", err);
		return 1;
	}
	const ss_crypto_alg *a = alg("aes128-gcm"), *b = alg("aes256-gcm");
	SS_CHECK(a && a->kind == SS_CRYPTO_AEAD && a->key_size == 16 && a->iv_size == 12 &&
			 a->out_size == 16 && a->block_size == 1 &&
			 !strcmp(ss_crypto_kind_name(a->kind), "aead"),
		 "aes128-gcm: aead, 16-byte key, 12-byte nonce, 16-byte tag, any length");
	SS_CHECK(b && b->kind == SS_CRYPTO_AEAD && b->key_size == 32 && b->iv_size == 12 &&
			 b->out_size == 16 && b->block_size == 1,
		 "aes256-gcm: aead, 32-byte key, 12-byte nonce, 16-byte tag, any length");
	test_kats();
	test_flips();
	test_roundtrip("aes128-gcm");
	test_roundtrip("aes256-gcm");
	test_errors();
	if (counting)
		test_no_alloc();
	else
		SS_SKIP(1, "allocations per call: counting unavailable");
	ss_crypto_free(ctx);
	return ss_test_done();
}
