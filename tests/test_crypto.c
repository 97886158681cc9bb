/* Known-answer tests for the crypto registry and one-shot operations:
   every vector carries its source.  Each was also cross-checked once with
   an independent implementation (Python hashlib/hmac, the openssl CLI). */
#include "ss_crypto.h"
#include "ss_err.h"
#include "ss_test.h"

#include <stdint.h>
#include <string.h>

static ss_crypto *ctx;
static char err[1024];

/* Hex string (whitespace ignored) to bytes; returns the byte count. */
static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *hex; hex++) {
		int v;
		char ch = *hex;
		if (ch >= '0' && ch <= '9')
			v = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			v = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			v = ch - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			if (n < cap)
				out[n] = (unsigned char)(hi << 4 | v);
			n++;
			hi = -1;
		}
	}
	return n;
}

static const ss_crypto_alg *alg(const char *name)
{
	const ss_crypto_alg *a = NULL;
	if (ss_crypto_alg_find(name, &a, err, sizeof err) != SS_OK) {
		printf("# lookup of %s failed: %s\n", name, err);
		return NULL;
	}
	return a;
}

static void check_digest(const char *name, const void *msg, size_t len,
			 const char *want_hex, const char *label)
{
	unsigned char got[64], want[64];
	size_t glen = 0, wlen = unhex(want_hex, want, sizeof want);
	int rc = ss_crypto_digest(ctx, alg(name), msg, len, got, sizeof got,
				  &glen, err, sizeof err);
	SS_CHECK(rc == SS_OK && glen == wlen && memcmp(got, want, wlen) == 0,
		 "%s %s", name, label);
}

static void check_mac(const char *name, const unsigned char *key,
		      size_t keylen, const void *msg, size_t len,
		      const char *want_hex, const char *label)
{
	unsigned char got[64], want[64];
	size_t glen = 0, wlen = unhex(want_hex, want, sizeof want);
	const ss_crypto_alg *a = alg(name);
	int rc = ss_crypto_mac(ctx, a, key, keylen, msg, len, got, sizeof got,
			       &glen, err, sizeof err);
	/* A truncated tag is the leading bytes of the full one (RFC 2104 5). */
	SS_CHECK(rc == SS_OK && a && glen == a->out_size && glen <= wlen &&
			 memcmp(got, want, glen) == 0,
		 "%s %s", name, label);
}

static void test_registry(void)
{
	const ss_crypto_alg *a;
	size_t n = ss_crypto_alg_count();
	int ids_ok = 1, unique = 1;
	for (size_t i = 0; i < n; i++) {
		const ss_crypto_alg *e = ss_crypto_alg_get(i);
		ids_ok &= e && e->id == (int)i;
		for (size_t j = 0; j < i; j++)
			unique &= strcmp(e->name, ss_crypto_alg_get(j)->name) != 0;
		ids_ok &= ss_crypto_alg_find(e->name, &a, err, sizeof err) ==
				  SS_OK && a == e;
	}
	SS_CHECK(n >= 22 && ids_ok, "registry ids equal indices, find(name) "
		 "returns the entry (%zu entries)", n);
	SS_CHECK(unique, "every algorithm is named once");
	SS_CHECK(ss_crypto_alg_get(n) == NULL, "get past the end is NULL");

	a = alg("3des-cbc");
	SS_CHECK(a && a->kind == SS_CRYPTO_CIPHER && a->block_size == 8 &&
			 a->key_size == 24 && a->iv_size == 8,
		 "3des-cbc: cipher, 8-byte block, 24-byte key");
	a = alg("hmac-sha1-96");
	SS_CHECK(a && a->kind == SS_CRYPTO_MAC && a->out_size == 12,
		 "hmac-sha1-96: mac with a 12-byte tag");
	a = alg("rsa1024-private");
	SS_CHECK(a && a->kind == SS_CRYPTO_PK && a->pkop == SS_PK_DECRYPT &&
			 a->rsa_bits == 1024 && a->out_size == 128,
		 "rsa1024-private: pk decrypt, 128-byte modulus");

	int rc = ss_crypto_alg_find("ds-cbc", &a, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && a == NULL && strstr(err, "des-cbc") &&
			 strstr(err, "valid:") && strstr(err, "aes256-cbc"),
		 "unknown name: SS_ENOENT, nearest and valid names (%s)", err);
	rc = ss_crypto_alg_find("rsa1000-private", &a, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "1000") && strstr(err, "2048"),
		 "rsa1000: unsupported key size message (%s)", err);
	rc = ss_crypto_alg_find("rsa1024-frobnicate", &a, err, sizeof err);
	SS_CHECK(rc == SS_ENOENT && strstr(err, "rsa1024-private"),
		 "bad RSA operation names the valid ones (%s)", err);
	rc = ss_crypto_alg_find("", &a, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "empty name is SS_EINVAL");
	rc = ss_crypto_alg_find(NULL, &a, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "NULL name is SS_EINVAL");
}

/* RFC 1321 appendix A.5, the "test suite". */
static void test_md5(void)
{
	static const struct { const char *msg, *md; } v[] = {
		{"", "d41d8cd98f00b204e9800998ecf8427e"},
		{"a", "0cc175b9c0f1b6a831c399e269772661"},
		{"abc", "900150983cd24fb0d6963f7d28e17f72"},
		{"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
		{"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		 "d174ab98d277d9f5a5611c2c9f419d9f"},
		{"1234567890123456789012345678901234567890"
		 "1234567890123456789012345678901234567890",
		 "57edf4a22be3c955ac49da2e2107b67a"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char label[64];
		snprintf(label, sizeof label, "RFC 1321 A.5 #%zu", i + 1);
		check_digest("md5", v[i].msg, strlen(v[i].msg), v[i].md, label);
	}
}

/* FIPS 180-2 appendix A (A.1 one block, A.2 multi-block, A.3 a million 'a'). */
static void test_sha1(void)
{
	static char million[1000000];
	check_digest("sha1", "abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d",
		     "FIPS 180-2 A.1 \"abc\"");
	const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check_digest("sha1", m2, strlen(m2),
		     "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
		     "FIPS 180-2 A.2 448-bit message");
	memset(million, 'a', sizeof million);
	check_digest("sha1", million, sizeof million,
		     "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
		     "FIPS 180-2 A.3 one million 'a'");
}

/* RFC 2202 sections 2 (HMAC-MD5) and 3 (HMAC-SHA1), test cases 1-7.  The
   -96 variants are checked against the leading 12 bytes (case 5 is the
   RFC's own truncation case: "digest-96"). */
static void test_hmac(void)
{
	unsigned char k1[20], k3[20], k4[25], k5[20], k6[80], d3[50], d4[50];
	memset(k1, 0x0b, sizeof k1);
	memset(k3, 0xaa, sizeof k3);
	for (int i = 0; i < 25; i++)
		k4[i] = (unsigned char)(i + 1);
	memset(k5, 0x0c, sizeof k5);
	memset(k6, 0xaa, sizeof k6);
	memset(d3, 0xdd, sizeof d3);
	memset(d4, 0xcd, sizeof d4);
	const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	const char *m7 = "Test Using Larger Than Block-Size Key and Larger "
			 "Than One Block-Size Data";
	static const char *md5[] = {
		"9294727a3638bb1c13f48ef8158bfc9d", "750c783e6ab0b503eaa86e310a5db738",
		"56be34521d144c88dbb8c733f0e8b3f6", "697eaf0aca3a3aea3a75164746ffaa79",
		"56461ef2342edc00f9bab995690efd4c", "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
		"6f630fad67cda0ee1fb1f562db3aa53e"};
	static const char *sha1[] = {
		"b617318655057264e28bc0b6fb378c8ef146be00",
		"effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
		"125d7342b9ac11cd91a39af48aa17b4f63f175d3",
		"4c9007f4026250c6bc8414f9bf50c86c2d7235da",
		"4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
		"aa4ae5e15272d00e95705637ce8a3b55ed402112",
		"e8e99d0f45237d786d6bbaa7965c7808bbff1a91"};
	static const char *names[][2] = {{"hmac-md5", "hmac-md5-96"},
					 {"hmac-sha1", "hmac-sha1-96"}};
	for (int h = 0; h < 2; h++) {
		size_t kl = h ? 20 : 16; /* RFC 2202: key length = digest length */
		const char **want = h ? sha1 : md5;
		for (int t = 0; t < 2; t++) {
			const char *n = names[h][t];
			check_mac(n, k1, kl, "Hi There", 8, want[0], "RFC 2202 case 1");
			check_mac(n, (const unsigned char *)"Jefe", 4,
				  "what do ya want for nothing?", 28, want[1],
				  "RFC 2202 case 2");
			check_mac(n, k3, kl, d3, 50, want[2], "RFC 2202 case 3");
			check_mac(n, k4, 25, d4, 50, want[3], "RFC 2202 case 4");
			check_mac(n, k5, kl, "Test With Truncation", 20, want[4],
				  "RFC 2202 case 5");
			check_mac(n, k6, 80, m6, strlen(m6), want[5], "RFC 2202 case 6");
			check_mac(n, k6, 80, m7, strlen(m7), want[6], "RFC 2202 case 7");
		}
	}
	/* The RFC's explicit digest-96 values for case 5. */
	unsigned char tag[64], want[12];
	size_t tl = 0;
	unhex("56461ef2342edc00f9bab995", want, sizeof want);
	ss_crypto_mac(ctx, alg("hmac-md5-96"), k5, 16, "Test With Truncation",
		      20, tag, sizeof tag, &tl, err, sizeof err);
	SS_CHECK(tl == 12 && memcmp(tag, want, 12) == 0,
		 "hmac-md5-96 RFC 2202 case 5 digest-96");
	unhex("4c1a03424b55e07fe7f27be1", want, sizeof want);
	ss_crypto_mac(ctx, alg("hmac-sha1-96"), k5, 20, "Test With Truncation",
		      20, tag, sizeof tag, &tl, err, sizeof err);
	SS_CHECK(tl == 12 && memcmp(tag, want, 12) == 0,
		 "hmac-sha1-96 RFC 2202 case 5 digest-96");
	/* A key that changes between calls must be re-scheduled, not reused. */
	ss_crypto_mac(ctx, alg("hmac-sha1"), k1, 20, "Hi There", 8, tag,
		      sizeof tag, &tl, err, sizeof err);
	ss_crypto_mac(ctx, alg("hmac-sha1"), (const unsigned char *)"Jefe", 4,
		      "what do ya want for nothing?", 28, tag, sizeof tag, &tl,
		      err, sizeof err);
	unsigned char w2[20];
	unhex(sha1[1], w2, sizeof w2);
	SS_CHECK(memcmp(tag, w2, 20) == 0, "hmac-sha1 key change is honoured");
	int rc = ss_crypto_mac(ctx, alg("hmac-md5"), k1, 0, "x", 1, tag,
			       sizeof tag, &tl, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL, "empty HMAC key is SS_EINVAL (%s)", err);
}

static void check_cipher(const char *name, const char *key_hex,
			 const char *iv_hex, const char *pt_hex,
			 const char *ct_hex, const char *label)
{
	unsigned char key[32], iv[16], pt[64], ct[64], buf[64];
	size_t kl = unhex(key_hex, key, sizeof key);
	size_t pl = unhex(pt_hex, pt, sizeof pt);
	unhex(iv_hex, iv, sizeof iv);
	unhex(ct_hex, ct, sizeof ct);
	const ss_crypto_alg *a = alg(name);
	int rc = ss_crypto_cipher(ctx, a, 1, key, kl, iv, pt, buf, pl, err,
				  sizeof err);
	SS_CHECK(rc == SS_OK && memcmp(buf, ct, pl) == 0, "%s encrypt %s%s%s",
		 name, label, rc ? ": " : "", rc ? err : "");
	rc = ss_crypto_cipher(ctx, a, 0, key, kl, iv, ct, buf, pl, err,
			      sizeof err);
	SS_CHECK(rc == SS_OK && memcmp(buf, pt, pl) == 0, "%s decrypt %s",
		 name, label);
}

static void test_ciphers(void)
{
	/* FIPS 81 (1980), appendix C, table C2: CBC mode example. */
	check_cipher("des-cbc", "0123456789abcdef", "1234567890abcdef",
		     "4e6f77206973207468652074696d6520666f7220616c6c20",
		     "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6",
		     "FIPS 81 \"Now is the time for all \"");

	/* NIST SP 800-67 Rev. 1 (2012), appendix B: three-key TDEA example,
	   K1 0123456789ABCDEF, K2 23456789ABCDEF01, K3 456789ABCDEF0123,
	   P "The qufck brown fox jump" (sic), given in ECB.  CBC with a zero IV
	   on one block is ECB, so each block is checked that way ... */
	static const char *p3[] = {"5468652071756663", "6b2062726f776e20",
				   "666f78206a756d70"};
	static const char *c3[] = {"a826fd8ce53b855f", "cce21c8112256fe6",
				   "68d5c05dd9b6b900"};
	const char *k3 = "0123456789abcdef23456789abcdef01456789abcdef0123";
	for (int i = 0; i < 3; i++) {
		char label[64];
		snprintf(label, sizeof label, "SP 800-67 B block %d", i + 1);
		check_cipher("3des-cbc", k3, "0000000000000000", p3[i], c3[i],
			     label);
	}
	/* ... and CBC chaining is checked by decrypting the three ECB blocks
	   as one CBC message under a zero IV: block i must come out as
	   P_i XOR C_(i-1), all published values. */
	{
		unsigned char key[24], ct[24], pt[24], buf[24], iv[8] = {0};
		unhex(k3, key, sizeof key);
		unhex("a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900", ct, 24);
		unhex("5468652071756663" "6b2062726f776e20" "666f78206a756d70",
		      pt, 24);
		for (int i = 8; i < 24; i++)
			pt[i] ^= ct[i - 8];
		int rc = ss_crypto_cipher(ctx, alg("3des-cbc"), 0, key, 24, iv,
					  ct, buf, 24, err, sizeof err);
		SS_CHECK(rc == SS_OK && memcmp(buf, pt, 24) == 0,
			 "3des-cbc CBC chaining on SP 800-67 B (3 blocks)");
	}

	/* NIST SP 800-38A (2001), F.2.1 CBC-AES128.Encrypt and F.2.5
	   CBC-AES256.Encrypt (their decryptions are F.2.2 and F.2.6). */
	const char *iv = "000102030405060708090a0b0c0d0e0f";
	const char *pt = "6bc1bee22e409f96e93d7e117393172a"
			 "ae2d8a571e03ac9c9eb76fac45af8e51"
			 "30c81c46a35ce411e5fbc1191a0a52ef"
			 "f69f2445df4f9b17ad2b417be66c3710";
	check_cipher("aes128-cbc", "2b7e151628aed2a6abf7158809cf4f3c", iv, pt,
		     "7649abac8119b246cee98e9b12e9197d"
		     "5086cb9b507219ee95db113a917678b2"
		     "73bed6b8e3c1743b7116e69e22229516"
		     "3ff1caa1681fac09120eca307586e1a7",
		     "SP 800-38A F.2.1/F.2.2");
	check_cipher("aes256-cbc",
		     "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
		     iv, pt,
		     "f58c4c04d6e5f1ba779eabfb5f7bfbd6"
		     "9cfc4e967edb808d679f777bc6702c7d"
		     "39f23369a9d9bacfa530e26304231461"
		     "b2eb05e2c39be9fcda6c19078c6a9d1b",
		     "SP 800-38A F.2.5/F.2.6");

	unsigned char key[8] = {1}, ivb[16] = {0}, buf[16] = {0};
	int rc = ss_crypto_cipher(ctx, alg("des-cbc"), 1, key, 8, ivb, buf, buf,
				  12, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "multiple"),
		 "partial block is SS_EINVAL (%s)", err);
	rc = ss_crypto_cipher(ctx, alg("aes128-cbc"), 1, key, 8, ivb, buf, buf,
			      16, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "16"),
		 "wrong key size is SS_EINVAL (%s)", err);
	rc = ss_crypto_cipher(ctx, alg("md5"), 1, key, 8, ivb, buf, buf, 16,
			      err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "hash"),
		 "a hash passed as a cipher is SS_EINVAL (%s)", err);
}

/* PKCS#1 v1.5 signatures are deterministic, so with the embedded test keys
   (crypto/testkeys.c) a signature is a known answer.  The expected values
   were computed once, independently of secsim, with
     printf '%s' "$MSG" | openssl dgst -sha1 -sign kN.pem
   (OpenSSL 3.0.19) on the same test keys. */
static const char rsa_msg[] = "secsim RSA known-answer message (PKCS#1 v1.5, SHA-1)";
static const char *const rsa_sig[] = {
	/* 512 */
	"78b1fa0dcb4480dea93092d044a025f916395bfd614b6f94ffe722ee48976c9a"
	"5880496c4451f51c82a2f8feb3ec1c6a3c97ccbc2624f53b4900ab6e55cb3d99",
	/* 1024 */
	"812d2574443f9f12ca77ae8153aecf0a819c909c5c468838494b6538cb87a268"
	"16dd533bd2ebee4c5075eae613035f3e2405ba2ad455dad292c9d52200eaf807"
	"daa9f9072d1bfbcd34020fc35b4b8b1b8a8d6d99bd5d474a8cc8a7e3181f9fac"
	"c68c6bfa9cf71397746629b3e6262298154fd4f97a798a81bfd870fb836e3bae",
	/* 2048 */
	"2dc63f81a97d09109a61710d3c90bdbc0600380a75725b798f900ebf072b1810"
	"34ebe2fc1ccc312f0469467a5401a552ed0aa07df2d7781e295bbead928c9c73"
	"ba4bcd0bea73fb851cf3c2a5d06ee1362334a5c5a0e01d29753d4e26981534f9"
	"e8e4936f640336c818c1d2ebb706327776cfd861ed1ed8b91242ee4d031706f0"
	"0f2fd9cc6cf0ad8883ded4cc6488477f6734199a9862c96bd8a021725031d5e2"
	"bde0cfc08e7fad47d39d6e2a37283d1776c5bf59ecfa4f14bd46ce84f0c23127"
	"6d8b8b21269ae1c1b69c9da3dabc6a65ceff8a8ad28b31b81ada127958a06a83"
	"7c2ca28096d36e295784ed9f4a79053c007989e07d3ec0a102da58315393fa5a",
};

static void test_rsa(void)
{
	static const unsigned bits[] = {512, 1024, 2048};
	for (int i = 0; i < 3; i++) {
		char name[32];
		unsigned char sig[256], want[256], pms[48], ct[256], pt[256];
		size_t sl = 0, wl = unhex(rsa_sig[i], want, sizeof want), cl = 0,
		       pl = 0;
		int rc;

		snprintf(name, sizeof name, "rsa%u-sign", bits[i]);
		rc = ss_crypto_rsa_sign(ctx, alg(name), rsa_msg, strlen(rsa_msg),
					sig, sizeof sig, &sl, err, sizeof err);
		SS_CHECK(rc == SS_OK && sl == bits[i] / 8 && sl == wl &&
				 memcmp(sig, want, wl) == 0,
			 "%s: PKCS#1 v1.5 SHA-1 signature equals the known answer",
			 name);
		snprintf(name, sizeof name, "rsa%u-verify", bits[i]);
		rc = ss_crypto_rsa_verify(ctx, alg(name), rsa_msg,
					  strlen(rsa_msg), want, wl, err,
					  sizeof err);
		SS_CHECK(rc == SS_OK, "%s: the known signature verifies", name);
		want[wl / 2] ^= 0x10;
		rc = ss_crypto_rsa_verify(ctx, alg(name), rsa_msg,
					  strlen(rsa_msg), want, wl, err,
					  sizeof err);
		SS_CHECK(rc == SS_EVERIFY, "%s: a bit-flipped signature fails",
			 name);
		want[wl / 2] ^= 0x10;
		rc = ss_crypto_rsa_verify(ctx, alg(name), "other message", 13,
					  want, wl, err, sizeof err);
		SS_CHECK(rc == SS_EVERIFY, "%s: another message fails", name);

		/* SSL key exchange: a 48-byte premaster secret (RFC 2246 7.4.7.1). */
		for (int j = 0; j < 48; j++)
			pms[j] = (unsigned char)(3 * j + i);
		snprintf(name, sizeof name, "rsa%u-public", bits[i]);
		rc = ss_crypto_rsa_encrypt(ctx, alg(name), pms, 48, ct, sizeof ct,
					   &cl, err, sizeof err);
		snprintf(name, sizeof name, "rsa%u-private", bits[i]);
		int rc2 = ss_crypto_rsa_decrypt(ctx, alg(name), ct, cl, pt,
						sizeof pt, &pl, err, sizeof err);
		SS_CHECK(rc == SS_OK && rc2 == SS_OK && cl == bits[i] / 8 &&
				 pl == 48 && memcmp(pt, pms, 48) == 0,
			 "rsa%u: premaster encrypt/decrypt round trip", bits[i]);
		ct[cl - 1] ^= 0x01;
		rc = ss_crypto_rsa_decrypt(ctx, alg(name), ct, cl, pt, sizeof pt,
					   &pl, err, sizeof err);
		SS_CHECK(rc == SS_EVERIFY || (rc == SS_OK && (pl != 48 ||
				 memcmp(pt, pms, 48) != 0)),
			 "rsa%u: a corrupted ciphertext does not decrypt to the "
			 "premaster", bits[i]);
	}
	unsigned char big[256] = {0}, out[256];
	size_t ol;
	int rc = ss_crypto_rsa_encrypt(ctx, alg("rsa512-public"), big, 60, out,
				       sizeof out, &ol, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "53"),
		 "rsa512: 60-byte plaintext is too long (%s)", err);
}

int main(void)
{
	ss_test_plan(113); /* 89 + one availability check per algorithm (24) */
	int rc = ss_crypto_alloc(&ctx, err, sizeof err);
	SS_CHECK(rc == SS_OK, "ss_crypto_alloc (%s)", rc ? err : "ok");
	if (rc != SS_OK)
		return ss_test_done();
	for (size_t i = 0; i < ss_crypto_alg_count(); i++) {
		const ss_crypto_alg *a = ss_crypto_alg_get(i);
		rc = ss_crypto_available(ctx, a, err, sizeof err);
		SS_CHECK(rc == SS_OK, "%s available (%s)", a->name,
			 rc ? err : ss_crypto_kind_name(a->kind));
	}
	test_registry();
	test_md5();
	test_sha1();
	test_hmac();
	test_ciphers();
	test_rsa();
	ss_crypto_free(ctx);
	ss_crypto_free(NULL);
	return ss_test_done();
}
