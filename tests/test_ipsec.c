/* IPsec SAs: exact sizes (ESP padding steps, AH, tunnel headers) and the
   largest segment per MTU against hand-computed values; crypto work per
   datagram; configuration text round trips and errors; execute mode for
   every configuration (round trip, detection of every flipped bit,
   anti-replay, hostile inputs), and ESP packets (CBC + HMAC, and AES-GCM
   as RFC 4106 lays it out) recomputed with the crypto layer directly. */
#include <string.h>

#include "ss_crypto.h"
#include "ss_err.h"
#include "ss_ipsec.h"
#include "ss_test.h"

/* ------------------------------------------------------------------ */
/* The configurations and their hand-computed sizes                    */

/* Segment sizes: the ESP padding steps (n = 6/7 for 8-byte blocks,
   14/15 for 16-byte blocks, 1/2 for the 4-byte null alignment), a
   small segment, and the usual Ethernet ones (1448 = MSS with
   timestamps, 1460 = MSS without, 1480 = 1500 - 20).
   Padding (RFC 4303 sec. 2.4): pad = (-(p + 2)) mod B, with p = n in
   transport mode and p = 20 + n in tunnel mode (the inner header is
   payload).
     n              1   2   6   7  14  15  64 1448 1460 1480
     transport p+2  3   4   8   9  16  17  66 1450 1462 1482
       pad B=4      1   0   0   3   0   3   2    2    2    2
       pad B=8      5   4   0   7   0   7   6    6    2    6
       pad B=16    13  12   8   7   0  15  14    6   10    6
     tunnel p+2    23  24  28  29  36  37  86 1470 1482 1502
       pad B=4      1   0   0   3   0   3   2    2    2    2
       pad B=8      1   0   4   3   4   3   2    2    6    2
       pad B=16     9   8   4   3  12  11  10    2    6    2
   Overhead = [20 outer header, tunnel] + [ESP: 8 + IV + pad + 2 + ICV]
   + [AH: 12 + 12 = 24], IV 8 (DES, 3DES) or 16 (AES) or 0 (NULL), ICV
   12 (HMAC-*-96) or 0. So e.g. ESP 3DES SHA1 transport = 30 + pad8:
   35 34 30 37 30 37 36 36 32 36; tunnel = 50 + pad8 (the tunnel pads). */
#define NN 10
static const uint32_t ns[NN] = {1, 2, 6, 7, 14, 15, 64, 1448, 1460, 1480};

/* Largest segment: one IPv4 header stays outside the ciphertext (the
   original in transport mode, the outer one in tunnel mode, where the
   inner header is inside), so the room for the ciphertext is
   R = mtu - 20 - [24 AH] - 8 - IV - ICV; the ciphertext is the largest
   multiple of B not above R, and n is that less the 2-byte trailer and,
   in tunnel mode, the 20-byte inner header. E.g. ESP 3DES SHA1 at MTU
   1500: R = 1500 - 20 - 8 - 8 - 12 = 1452 -> 1448 -> n = 1446, tunnel
   1446 - 20 = 1426; at 9000: R = 8952 (a multiple of 8) -> n = 8950,
   tunnel 8930. ESP AES128 SHA1 at 1500: R = 1444 -> 1440 -> 1438.
   AH: n = mtu - 20 - 24 - [20 tunnel].
   ESP AES-GCM (RFC 4106): 8 + 8 (explicit IV) + pad4 + 2 + 16 (ICV) =
   34 + pad4, tunnel 54 + pad4, so with the B=4 pads above: transport
   35 34 34 37 34 37 36 36 36 36, tunnel 55 54 54 57 54 57 56 56 56 56.
   MTU 1500: R = 1500 - 20 - 8 - 8 - 16 = 1448, a multiple of 4 -> n =
   1446, tunnel 1426; 9000: R = 8948 -> n = 8946, tunnel 8926. With AH
   after it: + 24 bytes, R 24 less: 1422 / 1402 and 8922 / 8902. */
typedef struct row {
	const char *text;   /* as a user might write it (case varies) */
	const char *canon;  /* ss_ipsec_config_format, transport mode */
	ss_ipsec_proto proto;
	const char *cipher, *esp_auth, *ah_auth; /* registry names, "" none */
	uint32_t oh[2][NN];      /* overhead: [transport, tunnel][n] */
	uint32_t maxseg[2][2];   /* [transport, tunnel][MTU 1500, 9000] */
} row;

static const row rows[] = {
	/* Plain IP: no overhead; the segment is mtu - 20. */
	{ "IP", "IP", SS_IPSEC_NONE, "", "", "",
	  { {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0} },
	  { {1480, 8980}, {1480, 8980} } },
	/* AH: 24 bytes, 44 with the outer header; n = mtu - 20 - 24 [- 20]. */
	{ "AH MD5", "AH MD5", SS_IPSEC_AH, "", "", "hmac-md5-96",
	  { {24, 24, 24, 24, 24, 24, 24, 24, 24, 24}, {44, 44, 44, 44, 44, 44, 44, 44, 44, 44} },
	  { {1456, 8956}, {1436, 8936} } },
	{ "ah sha1", "AH SHA1", SS_IPSEC_AH, "", "", "hmac-sha1-96",
	  { {24, 24, 24, 24, 24, 24, 24, 24, 24, 24}, {44, 44, 44, 44, 44, 44, 44, 44, 44, 44} },
	  { {1456, 8956}, {1436, 8936} } },
	/* DES, 3DES alone: 8 + 8 + 2 + pad8 = 18 + pad8; tunnel 38 + pad8.
	   MTU 1500: R = 1464, a multiple of 8 -> n = 1462, tunnel 1442. */
	{ "ESP DES", "ESP DES", SS_IPSEC_ESP, "des-cbc", "", "",
	  { {23, 22, 18, 25, 18, 25, 24, 24, 20, 24}, {39, 38, 42, 41, 42, 41, 40, 40, 44, 40} },
	  { {1462, 8958}, {1442, 8938} } },
	{ "esp 3des", "ESP 3DES", SS_IPSEC_ESP, "3des-cbc", "", "",
	  { {23, 22, 18, 25, 18, 25, 24, 24, 20, 24}, {39, 38, 42, 41, 42, 41, 40, 40, 44, 40} },
	  { {1462, 8958}, {1442, 8938} } },
	/* AES alone: 8 + 16 + 2 + pad16 = 26 + pad16; tunnel 46 + pad16. */
	{ "ESP AES128", "ESP AES128", SS_IPSEC_ESP, "aes128-cbc", "", "",
	  { {39, 38, 34, 33, 26, 41, 40, 32, 36, 32}, {55, 54, 50, 49, 58, 57, 56, 48, 52, 48} },
	  { {1454, 8942}, {1434, 8922} } },
	{ "ESP Aes256", "ESP AES256", SS_IPSEC_ESP, "aes256-cbc", "", "",
	  { {39, 38, 34, 33, 26, 41, 40, 32, 36, 32}, {55, 54, 50, 49, 58, 57, 56, 48, 52, 48} },
	  { {1454, 8942}, {1434, 8922} } },
	/* 8-byte block + HMAC-96: 30 + pad8; tunnel 50 + pad8. */
	{ "ESP DES MD5", "ESP DES MD5", SS_IPSEC_ESP, "des-cbc", "hmac-md5-96", "",
	  { {35, 34, 30, 37, 30, 37, 36, 36, 32, 36}, {51, 50, 54, 53, 54, 53, 52, 52, 56, 52} },
	  { {1446, 8950}, {1426, 8930} } },
	{ "ESP 3DES MD5", "ESP 3DES MD5", SS_IPSEC_ESP, "3des-cbc", "hmac-md5-96", "",
	  { {35, 34, 30, 37, 30, 37, 36, 36, 32, 36}, {51, 50, 54, 53, 54, 53, 52, 52, 56, 52} },
	  { {1446, 8950}, {1426, 8930} } },
	{ "ESP 3DES SHA1", "ESP 3DES SHA1", SS_IPSEC_ESP, "3des-cbc", "hmac-sha1-96", "",
	  { {35, 34, 30, 37, 30, 37, 36, 36, 32, 36}, {51, 50, 54, 53, 54, 53, 52, 52, 56, 52} },
	  { {1446, 8950}, {1426, 8930} } },
	/* 16-byte block + HMAC-96: 38 + pad16; tunnel 58 + pad16. */
	{ "ESP AES128 SHA1", "ESP AES128 SHA1", SS_IPSEC_ESP, "aes128-cbc", "hmac-sha1-96", "",
	  { {51, 50, 46, 45, 38, 53, 52, 44, 48, 44}, {67, 66, 62, 61, 70, 69, 68, 60, 64, 60} },
	  { {1438, 8942}, {1418, 8922} } },
	{ "ESP AES256 MD5", "ESP AES256 MD5", SS_IPSEC_ESP, "aes256-cbc", "hmac-md5-96", "",
	  { {51, 50, 46, 45, 38, 53, 52, 44, 48, 44}, {67, 66, 62, 61, 70, 69, 68, 60, 64, 60} },
	  { {1438, 8942}, {1418, 8922} } },
	/* Null cipher + HMAC-96: 8 + 2 + 12 + pad4 = 22 + pad4; tunnel 42 + pad4. */
	{ "ESP NULL SHA1", "ESP NULL SHA1", SS_IPSEC_ESP, "", "hmac-sha1-96", "",
	  { {23, 22, 22, 25, 22, 25, 24, 24, 24, 24}, {43, 42, 42, 45, 42, 45, 44, 44, 44, 44} },
	  { {1458, 8958}, {1438, 8938} } },
	{ "esp null md5", "ESP NULL MD5", SS_IPSEC_ESP, "", "hmac-md5-96", "",
	  { {23, 22, 22, 25, 22, 25, 24, 24, 24, 24}, {43, 42, 42, 45, 42, 45, 44, 44, 44, 44} },
	  { {1458, 8958}, {1438, 8938} } },
	/* ESP then AH: the ESP overhead + 24. */
	{ "ESP 3DES AH SHA1", "ESP 3DES AH SHA1", SS_IPSEC_ESP_AH, "3des-cbc", "", "hmac-sha1-96",
	  { {47, 46, 42, 49, 42, 49, 48, 48, 44, 48}, {63, 62, 66, 65, 66, 65, 64, 64, 68, 64} },
	  { {1438, 8934}, {1418, 8914} } },
	{ "ESP AES128 AH MD5", "ESP AES128 AH MD5", SS_IPSEC_ESP_AH, "aes128-cbc", "", "hmac-md5-96",
	  { {63, 62, 58, 57, 50, 65, 64, 56, 60, 56}, {79, 78, 74, 73, 82, 81, 80, 72, 76, 72} },
	  { {1422, 8926}, {1402, 8906} } },
	{ "ESP AES128 SHA1 AH SHA1", "ESP AES128 SHA1 AH SHA1", SS_IPSEC_ESP_AH, "aes128-cbc",
	  "hmac-sha1-96", "hmac-sha1-96",
	  { {75, 74, 70, 69, 62, 77, 76, 68, 72, 68}, {91, 90, 86, 85, 94, 93, 92, 84, 88, 84} },
	  { {1406, 8910}, {1386, 8890} } },
	/* Combined mode, RFC 4106: 34 + pad4; tunnel 54 + pad4 (see above). */
	{ "ESP AES128-GCM", "ESP AES128-GCM", SS_IPSEC_ESP, "aes128-gcm", "", "",
	  { {35, 34, 34, 37, 34, 37, 36, 36, 36, 36}, {55, 54, 54, 57, 54, 57, 56, 56, 56, 56} },
	  { {1446, 8946}, {1426, 8926} } },
	{ "esp aes256gcm", "ESP AES256-GCM", SS_IPSEC_ESP, "aes256-gcm", "", "",
	  { {35, 34, 34, 37, 34, 37, 36, 36, 36, 36}, {55, 54, 54, 57, 54, 57, 56, 56, 56, 56} },
	  { {1446, 8946}, {1426, 8926} } },
	{ "ESP AES128GCM AH SHA1", "ESP AES128-GCM AH SHA1", SS_IPSEC_ESP_AH, "aes128-gcm", "",
	  "hmac-sha1-96",
	  { {59, 58, 58, 61, 58, 61, 60, 60, 60, 60}, {79, 78, 78, 81, 78, 81, 80, 80, 80, 80} },
	  { {1422, 8922}, {1402, 8902} } },
};
#define NROW (sizeof rows / sizeof rows[0])

static const char *mode_name[2] = {"transport", "tunnel"};

/* A combined-mode ESP cipher authenticates as well (RFC 4106). */
static int is_gcm(const row *r)
{
	return strstr(r->cipher, "-gcm") != NULL;
}

static int has_auth(const row *r)
{
	return r->esp_auth[0] || r->ah_auth[0] || is_gcm(r);
}

static ss_ipsec_config config_of(const row *r, int tunnel)
{
	ss_ipsec_config c;
	memset(&c, 0, sizeof c);
	c.proto = r->proto;
	c.mode = tunnel ? SS_IPSEC_TUNNEL : SS_IPSEC_TRANSPORT;
	snprintf(c.cipher, sizeof c.cipher, "%s", r->cipher);
	snprintf(c.esp_auth, sizeof c.esp_auth, "%s", r->esp_auth);
	snprintf(c.ah_auth, sizeof c.ah_auth, "%s", r->ah_auth);
	c.replay_window = 32;
	return c;
}

static ss_ipsec_sa *sa_new(const ss_ipsec_config *c, ss_crypto *crypto)
{
	ss_ipsec_sa *sa;
	char err[512];
	if (ss_ipsec_sa_alloc(&sa, c, crypto, err, sizeof err) != SS_OK) {
		printf("Bail out! SA: %s\n", err);
		exit(1);
	}
	return sa;
}

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t rd32(const unsigned char *p) { return rd16(p) << 16 | rd16(p + 2); }

/* RFC 791: a header is intact when its 16-bit one's complement sum,
   checksum included, is 0xffff. */
static int checksum_ok(const unsigned char *h)
{
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += rd16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* A TCP datagram of 20 + n bytes with a valid header: DF, TTL 64,
   10.0.0.1 -> 10.0.0.2, the payload a pattern of the seed. */
static size_t datagram(unsigned char *buf, uint32_t n, unsigned seed)
{
	uint32_t sum = 0, len = 20 + n;
	memset(buf, 0, 20);
	buf[0] = 0x45;
	buf[2] = (unsigned char)(len >> 8);
	buf[3] = (unsigned char)len;
	buf[4] = 0x12;
	buf[5] = (unsigned char)seed;
	buf[6] = 0x40; /* DF */
	buf[8] = 64;
	buf[9] = 6; /* TCP */
	buf[12] = 10, buf[15] = 1;
	buf[16] = 10, buf[19] = 2;
	for (int i = 0; i < 20; i += 2)
		sum += rd16(buf + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	buf[10] = (unsigned char)(sum >> 8);
	buf[11] = (unsigned char)sum;
	for (uint32_t i = 0; i < n; i++)
		buf[20 + i] = (unsigned char)(i * 7u + seed * 13u + 1u);
	return len;
}

/* ------------------------------------------------------------------ */
/* Sizes                                                               */

#define N_SIZES (NROW * 2 * NN + NROW * 2 * 2)

static void test_sizes(void)
{
	static const uint32_t mtus[2] = {1500, 9000};
	for (size_t i = 0; i < NROW; i++) {
		for (int t = 0; t < 2; t++) {
			ss_ipsec_config c = config_of(&rows[i], t);
			ss_ipsec_sa *sa = sa_new(&c, NULL);
			for (int k = 0; k < NN; k++) {
				uint32_t n = ns[k], want = rows[i].oh[t][k];
				uint32_t oh = ss_ipsec_overhead(sa, n), dl = ss_ipsec_datagram_len(sa, n);
				SS_CHECK(oh == want && dl == 20 + n + want,
					 "%s %s n=%u: overhead %u (want %u), datagram %u (want %u)",
					 rows[i].canon, mode_name[t], n, oh, want, dl, 20 + n + want);
			}
			for (int m = 0; m < 2; m++) {
				uint32_t want = rows[i].maxseg[t][m], got = ss_ipsec_max_segment(sa, mtus[m]);
				SS_CHECK(got == want && ss_ipsec_datagram_len(sa, got) <= mtus[m] &&
					 ss_ipsec_datagram_len(sa, got + 1) > mtus[m],
					 "%s %s MTU %u: max segment %u (want %u; %u fits, %u does not)",
					 rows[i].canon, mode_name[t], mtus[m], got, want,
					 ss_ipsec_datagram_len(sa, got), ss_ipsec_datagram_len(sa, got + 1));
			}
			ss_ipsec_sa_free(sa);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Work                                                                */

typedef struct workcase {
	const char *text;
	uint32_t n;
	size_t items;
	const char *alg[3], *what[3];
	uint32_t bytes[3];
} workcase;

/* Hand-computed (pads from the table above):
   ESP 3DES SHA1, n = 1448: cipher 1448 + 6 + 2 = 1456, auth 8 + 8 + 1456 = 1472;
   tunnel: cipher 20 + 1448 + 2 + 2 = 1472, auth 1488.
   AH SHA1, n = 1448: the whole datagram, 20 + 24 + 1448 = 1492; tunnel 1512.
   ESP 3DES AH SHA1, n = 1448: cipher 1456, AH 20 + 24 + 8 + 8 + 1456 = 1516;
   tunnel: cipher 1472, AH 20 + 24 + 16 + 1472 = 1532.
   ESP AES128 SHA1 AH SHA1, n = 64: cipher 64 + 14 + 2 = 80, ESP auth
   8 + 16 + 80 = 104, AH 20 + 24 + 104 + 12 = 160.
   ESP NULL SHA1, n = 1448: auth only, 8 + 0 + 1448 + 2 + 2 = 1460.
   ESP AES128, n = 1: cipher only, 1 + 13 + 2 = 16. IP: nothing.
   ESP AES128-GCM, n = 1448: one AEAD call over 1448 + 2 + 2 = 1452 (the
   8 AAD bytes are in the per-call cost); tunnel 20 + 1448 + 2 + 2 =
   1472; n = 1: 1 + 1 + 2 = 4. ESP AES256-GCM AH SHA1, n = 64: AEAD
   64 + 2 + 2 = 68, AH 20 + 24 + 8 + 8 + 68 + 16 = 144. */
static const workcase works[] = {
	{ "ESP 3DES SHA1", 1448, 2, {"3des-cbc", "hmac-sha1-96"}, {"esp-cipher", "esp-auth"}, {1456, 1472} },
	{ "ESP 3DES SHA1 tunnel", 1448, 2, {"3des-cbc", "hmac-sha1-96"}, {"esp-cipher", "esp-auth"}, {1472, 1488} },
	{ "AH SHA1", 1448, 1, {"hmac-sha1-96"}, {"ah-auth"}, {1492} },
	{ "AH SHA1 tunnel", 1448, 1, {"hmac-sha1-96"}, {"ah-auth"}, {1512} },
	{ "ESP 3DES AH SHA1", 1448, 2, {"3des-cbc", "hmac-sha1-96"}, {"esp-cipher", "ah-auth"}, {1456, 1516} },
	{ "ESP 3DES AH SHA1 tunnel", 1448, 2, {"3des-cbc", "hmac-sha1-96"}, {"esp-cipher", "ah-auth"}, {1472, 1532} },
	{ "ESP AES128 SHA1 AH SHA1", 64, 3, {"aes128-cbc", "hmac-sha1-96", "hmac-sha1-96"},
	  {"esp-cipher", "esp-auth", "ah-auth"}, {80, 104, 160} },
	{ "ESP NULL SHA1", 1448, 1, {"hmac-sha1-96"}, {"esp-auth"}, {1460} },
	{ "ESP AES128", 1, 1, {"aes128-cbc"}, {"esp-cipher"}, {16} },
	{ "IP", 1448, 0, {NULL}, {NULL}, {0} },
	{ "ESP AES128-GCM", 1448, 1, {"aes128-gcm"}, {"esp-aead"}, {1452} },
	{ "ESP AES128-GCM tunnel", 1448, 1, {"aes128-gcm"}, {"esp-aead"}, {1472} },
	{ "ESP AES128-GCM", 1, 1, {"aes128-gcm"}, {"esp-aead"}, {4} },
	{ "ESP AES256-GCM AH SHA1", 64, 2, {"aes256-gcm", "hmac-sha1-96"}, {"esp-aead", "ah-auth"},
	  {68, 144} },
};
#define NWORK (sizeof works / sizeof works[0])
#define N_WORK NWORK

static void test_work(void)
{
	for (size_t i = 0; i < NWORK; i++) {
		const workcase *wc = &works[i];
		ss_ipsec_config c;
		ss_ipsec_work w[3];
		char err[256];
		SS_MUST(ss_ipsec_config_parse(wc->text, &c, err, sizeof err));
		ss_ipsec_sa *sa = sa_new(&c, NULL);
		memset(w, 0, sizeof w);
		size_t k = ss_ipsec_work_get(sa, wc->n, w);
		int ok = k == wc->items;
		for (size_t j = 0; ok && j < k; j++)
			ok = w[j].alg && strcmp(w[j].alg->name, wc->alg[j]) == 0 &&
			     strcmp(w[j].what, wc->what[j]) == 0 && w[j].bytes == wc->bytes[j];
		SS_CHECK(ok, "%s n=%u: %zu work items (want %zu): %s %u, %s %u, %s %u", wc->text, wc->n,
			 k, wc->items, k > 0 ? w[0].what : "-", w[0].bytes, k > 1 ? w[1].what : "-",
			 w[1].bytes, k > 2 ? w[2].what : "-", w[2].bytes);
		ss_ipsec_sa_free(sa);
	}
}

/* ------------------------------------------------------------------ */
/* Configuration text                                                  */

static int same_config(const ss_ipsec_config *a, const ss_ipsec_config *b)
{
	return a->proto == b->proto && a->mode == b->mode && strcmp(a->cipher, b->cipher) == 0 &&
	       strcmp(a->esp_auth, b->esp_auth) == 0 && strcmp(a->ah_auth, b->ah_auth) == 0 &&
	       a->replay_window == b->replay_window;
}

typedef struct badtext {
	const char *text;
	const char *names;    /* the message names this word */
	const char *accepted; /* and lists this accepted one */
} badtext;

static const badtext bads[] = {
	{ "", "protocol", "ESP" },
	{ "   ", "protocol", "AH" },
	{ "GRE", "'GRE'", "ESP" },
	{ "IP tunnel", "'tunnel'", "nothing more" },
	{ "ESP", "cipher", "3DES" },
	{ "ESP FOO", "'FOO'", "AES128" },
	{ "ESP 3DS SHA1", "'3DS'", "did you mean 3DES" },
	{ "ESP NULL", "integrity", "SHA1" },
	{ "ESP NULL tunnel", "'tunnel'", "MD5" },
	{ "AH", "integrity", "MD5" },
	{ "AH 3DES", "'3DES'", "SHA1" },
	{ "ESP 3DES AH", "AH integrity", "MD5" },
	{ "ESP 3DES MD5 SHA1", "'SHA1'", "tunnel" },
	{ "ESP 3DES SHA1 tunel", "'tunel'", "transport" },
	{ "ESP 3DES SHA1 tunnel extra", "'extra'", "nothing more" },
	{ "AH SHA1 AH MD5", "'AH'", "tunnel" },
	/* GCM's tag is the ICV: no integrity word may follow it. */
	{ "ESP AES128-GCM SHA1", "'SHA1' cannot follow AES128-GCM", "RFC 4106" },
	{ "esp aes256gcm md5 tunnel", "'md5' cannot follow aes256gcm", "tunnel" },
	{ "ESP AES128-GCM tunel", "'tunel'", "transport" },
};
#define NBAD (sizeof bads / sizeof bads[0])
#define N_TEXT (NROW * 2 + 5 + NBAD)

static void test_text(void)
{
	char err[512], buf[128], want[128];
	ss_ipsec_config c, d;
	for (size_t i = 0; i < NROW; i++) {
		for (int t = 0; t < 2; t++) {
			char text[128];
			ss_ipsec_config e = config_of(&rows[i], t);
			snprintf(text, sizeof text, "%s%s", rows[i].text, t ? " Tunnel" : "");
			/* Plain IP has no mode: its tunnel form is an error, tested below. */
			if (rows[i].proto == SS_IPSEC_NONE && t)
				snprintf(text, sizeof text, "none");
			if (rows[i].proto == SS_IPSEC_NONE)
				e.mode = SS_IPSEC_TRANSPORT;
			snprintf(want, sizeof want, "%s%s", rows[i].canon,
				 t && rows[i].proto != SS_IPSEC_NONE ? " tunnel" : "");
			int rc = ss_ipsec_config_parse(text, &c, err, sizeof err);
			ss_ipsec_config_format(&c, buf, sizeof buf);
			int rc2 = ss_ipsec_config_parse(buf, &d, err, sizeof err);
			SS_CHECK(rc == SS_OK && same_config(&c, &e) && strcmp(buf, want) == 0 &&
				 rc2 == SS_OK && same_config(&c, &d),
				 "\"%s\" parses (window 32), formats as \"%s\" (want \"%s\") and back",
				 text, buf, want);
		}
	}
	SS_CHECK(ss_ipsec_config_parse("esp aes128 sha1 TRANSPORT", &c, err, sizeof err) == SS_OK &&
		 c.mode == SS_IPSEC_TRANSPORT && strcmp(c.cipher, "aes128-cbc") == 0,
		 "an explicit 'transport' is the default mode");
	SS_CHECK(ss_ipsec_config_parse("ESP SHA1", &c, err, sizeof err) == SS_OK && !c.cipher[0] &&
		 strcmp(c.esp_auth, "hmac-sha1-96") == 0 &&
		 (ss_ipsec_config_format(&c, buf, sizeof buf), strcmp(buf, "ESP NULL SHA1") == 0),
		 "\"ESP SHA1\" is the null cipher with SHA1, written \"%s\"", buf);
	SS_CHECK(ss_ipsec_config_parse("ESP aes256-cbc hmac-md5-96 tunnel", &c, err, sizeof err) == SS_OK &&
		 (ss_ipsec_config_format(&c, buf, sizeof buf), strcmp(buf, "ESP AES256 MD5 tunnel") == 0),
		 "registry names are accepted too: \"%s\"", buf);
	/* A configuration built in code with another registry MAC still
	   formats into text the parser takes back. */
	c = config_of(&rows[1], 0);
	snprintf(c.ah_auth, sizeof c.ah_auth, "hmac-sha1");
	ss_ipsec_config_format(&c, buf, sizeof buf);
	SS_CHECK(strcmp(buf, "AH hmac-sha1") == 0 && ss_ipsec_config_parse(buf, &d, err, sizeof err) == SS_OK &&
		 same_config(&c, &d), "a registry name without a short word formats as itself: \"%s\"", buf);
	c.proto = SS_IPSEC_NONE;
	ss_ipsec_config_format(&c, buf, sizeof buf);
	SS_CHECK(strcmp(buf, "IP") == 0, "plain IP formats as \"IP\"");
	for (size_t i = 0; i < NBAD; i++) {
		err[0] = '\0';
		int rc = ss_ipsec_config_parse(bads[i].text, &c, err, sizeof err);
		SS_CHECK(rc == SS_EINVAL && strstr(err, bads[i].names) && strstr(err, bads[i].accepted),
			 "\"%s\" is refused naming %s and listing %s: %s", bads[i].text, bads[i].names,
			 bads[i].accepted, err);
	}
}

/* ------------------------------------------------------------------ */
/* Constructor                                                         */

#define N_ALLOC 10

static void test_alloc(ss_crypto *crypto)
{
	const ss_crypto_alg *des;
	char err[512];
	ss_ipsec_sa *sa = NULL;
	ss_ipsec_config c;
	int rc;

	/* DES lives in OpenSSL's legacy provider: this machine must have it,
	   and its absence is a failure here, not a skip. */
	SS_MUST(ss_crypto_alg_find("des-cbc", &des, err, sizeof err));
	err[0] = '\0';
	rc = ss_crypto_available(crypto, des, err, sizeof err);
	SS_CHECK(rc == SS_OK, "des-cbc is available (OpenSSL legacy provider) %s", err);
	c = config_of(&rows[3], 0); /* ESP DES */
	err[0] = '\0';
	rc = ss_ipsec_sa_alloc(&sa, &c, crypto, err, sizeof err);
	SS_CHECK(rc == SS_OK && sa, "an execute-mode ESP DES SA %s", err);
	ss_ipsec_sa_free(sa);

	c = config_of(&rows[1], 0);
	c.ah_auth[0] = '\0';
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa && strstr(err, "AH needs"), "AH without integrity: %s", err);
	c = config_of(&rows[9], 0);
	snprintf(c.cipher, sizeof c.cipher, "hmac-md5-96");
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa && strstr(err, "not a cipher"), "a MAC as ESP cipher: %s", err);
	snprintf(c.cipher, sizeof c.cipher, "blowfish");
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa && strstr(err, "blowfish") && strstr(err, "aes128-cbc"),
		 "an unknown cipher names it and the valid ones: %s", err);
	c = config_of(&rows[9], 0);
	c.cipher[0] = c.esp_auth[0] = '\0';
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa && strstr(err, "RFC 4303"), "ESP null cipher and no integrity: %s", err);
	c = config_of(&rows[1], 0);
	snprintf(c.cipher, sizeof c.cipher, "3des-cbc");
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa, "AH alone with an ESP cipher: %s", err);
	c = config_of(&rows[9], 0);
	c.proto = (ss_ipsec_proto)9;
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa, "an unknown protocol value: %s", err);
	c = config_of(&rows[9], 0);
	memset(c.esp_auth, 'x', sizeof c.esp_auth); /* no terminator */
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa, "an unterminated algorithm name: %s", err);
	/* Built in code, past the parser: GCM and an ESP MAC. */
	c = config_of(&rows[NROW - 3], 0); /* ESP AES128-GCM */
	snprintf(c.esp_auth, sizeof c.esp_auth, "hmac-sha1-96");
	rc = ss_ipsec_sa_alloc(&sa, &c, NULL, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && !sa && strstr(err, "combined-mode") && strstr(err, "hmac-sha1-96"),
		 "ESP aes128-gcm with an ESP integrity algorithm: %s", err);
	ss_ipsec_sa_free(NULL); /* a no-op (valgrind would see otherwise) */
}

/* ------------------------------------------------------------------ */
/* Execute mode: round trips                                           */

#define BUFCAP 2048
#define NEXN 3
static const uint32_t exec_ns[NEXN] = {1, 64, 1448};
#define N_EXEC (NROW * 2 * (NEXN * 2 + 1))

static void test_roundtrip(ss_crypto *crypto)
{
	static unsigned char orig[BUFCAP], buf[BUFCAP], buf2[BUFCAP];
	for (size_t i = 0; i < NROW; i++) {
		for (int t = 0; t < 2; t++) {
			const row *r = &rows[i];
			ss_ipsec_config c = config_of(r, t);
			ss_ipsec_sa *tx = sa_new(&c, crypto), *rx = sa_new(&c, crypto);
			ss_ipsec_sa *tx2 = sa_new(&c, crypto);
			int same = 1;
			for (int k = 0; k < NEXN; k++) {
				uint32_t n = exec_ns[k];
				size_t len = datagram(orig, n, (unsigned)k), out = 0, out2 = 0, back = 0;
				unsigned want_proto = r->proto == SS_IPSEC_NONE ? 6 : r->ah_auth[0] ? 51 : 50;
				memcpy(buf, orig, len);
				memcpy(buf2, orig, len);
				int rc = ss_ipsec_protect(tx, buf, sizeof buf, len, &out);
				int rc2 = ss_ipsec_protect(tx2, buf2, sizeof buf2, len, &out2);
				same = same && rc2 == rc && out2 == out && memcmp(buf, buf2, out) == 0;
				SS_CHECK(rc == SS_OK && out == ss_ipsec_datagram_len(tx, n) && rd16(buf + 2) == out &&
					 buf[9] == want_proto && checksum_ok(buf),
					 "%s %s n=%u: protected into %zu bytes (want %u), protocol %u, valid "
					 "IP checksum %s", r->canon, mode_name[t], n, out,
					 ss_ipsec_datagram_len(tx, n), buf[9], ss_ipsec_error(tx));
				rc = ss_ipsec_unprotect(rx, buf, out, &back);
				SS_CHECK(rc == SS_OK && back == len && memcmp(buf, orig, len) == 0,
					 "%s %s n=%u: the peer SA gives back the exact %zu bytes %s", r->canon,
					 mode_name[t], n, len, ss_ipsec_error(rx));
			}
			SS_CHECK(same, "%s %s: a second sender SA of this configuration sends the same bytes "
				 "(keys from the SPI, IVs from the sequence number)", r->canon, mode_name[t]);
			ss_ipsec_sa_free(tx);
			ss_ipsec_sa_free(tx2);
			ss_ipsec_sa_free(rx);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Execute mode: flipped bits                                          */

/* Bytes of a protected datagram whose every bit the receiver must
   catch as an ICV failure. AH (outermost when present) covers the IP
   header's immutable fields: version/IHL (0), ID (4-5), addresses
   (12-19); total length (2-3) and protocol (9) are checked before it as
   structure. Then AH's next header (20) and reserved (22-23), and from
   the sequence number (28) on, everything. ESP alone covers its
   sequence number (24) onward. The SPIs are the SA lookup (RFC 4303
   sec. 3.4.2), refused as another SA's (SS_EINVAL), as are AH's
   payload length (21) and the length and protocol fields. */
static int covered(const row *r, size_t i)
{
	if (r->ah_auth[0])
		return i == 0 || i == 4 || i == 5 || (i >= 12 && i < 20) || i == 20 || i == 22 ||
		       i == 23 || i >= 28;
	return i >= 24;
}

static int structural(const row *r, size_t i)
{
	if (i == 2 || i == 3 || i == 9)
		return 1;
	if (r->ah_auth[0])
		return i == 21 || (i >= 24 && i < 28);
	return i >= 20 && i < 24;
}

/* Checks per configuration and mode: authenticated ones 3, plus 1 for
   AH's mutable fields; cipher-only ones 1 (the IV flip). */
static int flip_checks(void)
{
	int k = 0;
	for (size_t i = 0; i < NROW; i++) {
		if (rows[i].proto == SS_IPSEC_NONE)
			continue;
		k += 2 * (has_auth(&rows[i]) ? 3 + (rows[i].ah_auth[0] ? 1 : 0) : 1);
	}
	return k;
}

static void test_flips(ss_crypto *crypto)
{
	static unsigned char orig[8][BUFCAP], pkt[8][BUFCAP], tmp[BUFCAP];
	size_t plen[8], olen[8];
	const uint32_t n = 64;
	for (size_t i = 0; i < NROW; i++) {
		const row *r = &rows[i];
		if (r->proto == SS_IPSEC_NONE)
			continue;
		for (int t = 0; t < 2; t++) {
			ss_ipsec_config c = config_of(r, t);
			ss_ipsec_sa *tx = sa_new(&c, crypto), *rx = sa_new(&c, crypto);
			ss_ipsec_stats st;
			size_t back;
			for (int k = 1; k <= 4; k++) {
				olen[k] = datagram(orig[k], n, (unsigned)k);
				memcpy(pkt[k], orig[k], olen[k]);
				SS_MUST(ss_ipsec_protect(tx, pkt[k], BUFCAP, olen[k], &plen[k]));
			}
			if (!has_auth(r)) {
				/* No integrity: CBC turns a flipped IV bit into the same
				   flipped bit of the first plaintext block (RFC 3602
				   sec. 2), and nothing notices. The IV is at 20 + 8. */
				size_t at = t ? 3 : 20 + 3;
				memcpy(tmp, pkt[3], plen[3]);
				tmp[28 + 3] ^= 0x10;
				orig[3][at] ^= 0x10;
				int rc = ss_ipsec_unprotect(rx, tmp, plen[3], &back);
				SS_CHECK(rc == SS_OK && back == olen[3] && memcmp(tmp, orig[3], back) == 0,
					 "%s %s (no integrity): a flipped IV bit passes and flips plaintext "
					 "byte %zu", r->canon, mode_name[t], at);
				ss_ipsec_sa_free(tx);
				ss_ipsec_sa_free(rx);
				continue;
			}
			/* Packet 3: every number a one-bit flip of 3 makes is nonzero
			   and right of the fresh receiver's window, so the ICV decides. */
			size_t flips = 0, missed = 0, first_miss = 0, sflips = 0, smissed = 0;
			for (size_t b = 0; b < plen[3]; b++) {
				if (!covered(r, b) && !structural(r, b))
					continue;
				for (int bit = 0; bit < 8; bit++) {
					memcpy(tmp, pkt[3], plen[3]);
					tmp[b] ^= (unsigned char)(1u << bit);
					int rc = ss_ipsec_unprotect(rx, tmp, plen[3], &back);
					if (covered(r, b)) {
						flips++;
						if (rc != SS_EVERIFY && !missed++)
							first_miss = b;
					} else {
						sflips++;
						if (rc != SS_EINVAL)
							smissed++;
					}
				}
			}
			ss_ipsec_stats_get(rx, &st);
			SS_CHECK(missed == 0 && st.auth_failures == flips && st.replay_drops == 0 &&
				 st.pad_errors == 0,
				 "%s %s: all %zu one-bit flips of the protected part give SS_EVERIFY, counted "
				 "as ICV failures (%zu missed, first at byte %zu; counted %llu)", r->canon,
				 mode_name[t], flips, missed, first_miss, (unsigned long long)st.auth_failures);
			SS_CHECK(smissed == 0 && sflips > 0 && st.auth_failures == flips,
				 "%s %s: all %zu flips of SPI, length and protocol fields are another SA's "
				 "datagram (SS_EINVAL), not counted", r->canon, mode_name[t], sflips);
			memcpy(tmp, pkt[3], plen[3]);
			int rc = ss_ipsec_unprotect(rx, tmp, plen[3], &back);
			SS_CHECK(rc == SS_OK && back == olen[3] && memcmp(tmp, orig[3], back) == 0,
				 "%s %s: the intact packet still passes (no failure touched the window)",
				 r->canon, mode_name[t]);
			if (r->ah_auth[0]) {
				/* RFC 4302 sec. 3.3.3.1.1.1: TOS, flags, fragment offset,
				   TTL and checksum change in transit; AH leaves them out. */
				memcpy(tmp, pkt[4], plen[4]);
				tmp[1] ^= 0x04;
				tmp[6] ^= 0x20;
				tmp[7] ^= 0x01;
				tmp[8] ^= 0x3f;
				tmp[10] ^= 0x80;
				tmp[11] ^= 0x01;
				rc = ss_ipsec_unprotect(rx, tmp, plen[4], &back);
				SS_CHECK(rc == SS_OK && back == olen[4] &&
					 memcmp(tmp + 20, orig[4] + 20, back - 20) == 0,
					 "%s %s: changed TOS, flags, fragment offset, TTL and checksum pass AH %s",
					 r->canon, mode_name[t], ss_ipsec_error(rx));
			}
			ss_ipsec_sa_free(tx);
			ss_ipsec_sa_free(rx);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Anti-replay                                                         */

#define NREPLAY 4
static const char *replay_texts[NREPLAY] = {"ESP AES128 SHA1", "AH MD5", "ESP 3DES AH SHA1 tunnel",
					    "ESP AES128-GCM"};
#define N_REPLAY (NREPLAY * 9)

typedef struct replay_ctx {
	ss_ipsec_sa *rx;
	unsigned char orig[13][256], pkt[13][256];
	size_t olen[13], plen[13];
} replay_ctx;

/* Delivers packet i: the status, or 99 if accepted with wrong bytes. */
static int deliver(replay_ctx *x, int i)
{
	unsigned char tmp[256];
	size_t back;
	memcpy(tmp, x->pkt[i], x->plen[i]);
	int rc = ss_ipsec_unprotect(x->rx, tmp, x->plen[i], &back);
	if (rc == SS_OK && (back != x->olen[i] || memcmp(tmp, x->orig[i], back) != 0))
		return 99;
	return rc;
}

static void test_replay_exec(ss_crypto *crypto)
{
	static replay_ctx x;
	char err[256];
	for (int k = 0; k < NREPLAY; k++) {
		ss_ipsec_config c;
		ss_ipsec_stats st, ts;
		const char *name = replay_texts[k];
		SS_MUST(ss_ipsec_config_parse(name, &c, err, sizeof err));
		c.replay_window = 4; /* small, so the packets leave it soon */
		ss_ipsec_sa *tx = sa_new(&c, crypto);
		x.rx = sa_new(&c, crypto);
		for (int i = 1; i <= 12; i++) {
			x.olen[i] = datagram(x.orig[i], 32, (unsigned)i);
			memcpy(x.pkt[i], x.orig[i], x.olen[i]);
			SS_MUST(ss_ipsec_protect(tx, x.pkt[i], sizeof x.pkt[i], x.olen[i], &x.plen[i]));
		}
		ss_ipsec_stats_get(x.rx, &st);
		SS_CHECK(deliver(&x, 2) == SS_OK, "%s: packet 2 arrives first, accepted (window [1,2] of 4)", name);
		SS_CHECK(deliver(&x, 2) == SS_EVERIFY && (ss_ipsec_stats_get(x.rx, &st), st.replay_drops == 1),
			 "%s: packet 2 again is a replay, refused and counted", name);
		SS_CHECK(deliver(&x, 1) == SS_OK, "%s: packet 1, older but inside the window, accepted", name);
		SS_CHECK(deliver(&x, 6) == SS_OK && deliver(&x, 3) == SS_OK,
			 "%s: packet 6 slides the window to [3,6]; packet 3, inside and unseen, accepted", name);
		SS_CHECK(deliver(&x, 2) == SS_EVERIFY && (ss_ipsec_stats_get(x.rx, &st), st.replay_drops == 2),
			 "%s: packet 2 is now left of the window (6 - 2 = 4), refused", name);
		SS_CHECK(deliver(&x, 5) == SS_OK && deliver(&x, 5) == SS_EVERIFY &&
			 (ss_ipsec_stats_get(x.rx, &st), st.replay_drops == 3),
			 "%s: packet 5 accepted once, its copy refused", name);
		/* RFC 4303 sec. 3.4.3: a forged packet 12 with a bad ICV must not
		   move the window; else 4 would be left of [9,12]. */
		x.pkt[12][x.plen[12] - 1] ^= 1;
		int forged = deliver(&x, 12);
		x.pkt[12][x.plen[12] - 1] ^= 1;
		ss_ipsec_stats_get(x.rx, &st);
		SS_CHECK(forged == SS_EVERIFY && st.auth_failures == 1 && st.replay_drops == 3 &&
			 deliver(&x, 4) == SS_OK,
			 "%s: a forged packet 12 fails its ICV and leaves the window: packet 4 is still accepted",
			 name);
		SS_CHECK(deliver(&x, 12) == SS_OK && deliver(&x, 8) == SS_EVERIFY && deliver(&x, 9) == SS_OK,
			 "%s: the real packet 12 slides to [9,12]: 8 is refused, 9 accepted", name);
		ss_ipsec_stats_get(x.rx, &st);
		ss_ipsec_stats_get(tx, &ts);
		/* Accepted: 2, 1, 6, 3, 5, 4, 12, 9; refused: 2, 2, 5, 8. */
		SS_CHECK(st.unprotected_pkts == 8 && st.replay_drops == 4 && st.auth_failures == 1 &&
			 st.pad_errors == 0 && ts.protected_pkts == 12,
			 "%s: 12 sent; 8 accepted, 4 replays, 1 ICV failure counted (got %llu, %llu, %llu)", name,
			 (unsigned long long)st.unprotected_pkts, (unsigned long long)st.replay_drops,
			 (unsigned long long)st.auth_failures);
		ss_ipsec_sa_free(tx);
		ss_ipsec_sa_free(x.rx);
	}
}

typedef struct seqstep {
	uint32_t seq;
	int want;
	const char *why;
} seqstep;

/* Window 32 (the parser's default). */
static const seqstep steps32[] = {
	{ 1, 1, "the first number" },
	{ 1, 0, "a duplicate" },
	{ 3, 1, "a new highest (2 skipped)" },
	{ 2, 1, "out of order inside the window" },
	{ 40, 1, "a jump: the window slides to [9,40]" },
	{ 9, 1, "the window's left edge (40 - 9 = 31 < 32), unseen" },
	{ 8, 0, "one left of the window (40 - 8 = 32)" },
	{ 9, 0, "the edge again: a duplicate" },
	{ 0, 0, "0 is never sent (RFC 4303 sec. 3.3.3)" },
	{ 41, 1, "slides by one, to [10,41]" },
	{ 9, 0, "9 has left the window" },
	{ 10, 1, "the new left edge, unseen" },
	{ 1000, 1, "a jump past the whole window" },
	{ 969, 1, "1000 - 969 = 31: inside, unseen (stale bits were cleared)" },
	{ 968, 0, "1000 - 968 = 32: left" },
	{ 40, 0, "long gone" },
};
#define NSTEP32 (sizeof steps32 / sizeof steps32[0])

/* Window 100: a ring of two 64-bit words. */
static const seqstep steps100[] = {
	{ 1, 1, "the first number" },
	{ 100, 1, "a new highest, window [1,100]" },
	{ 2, 1, "100 - 2 = 98: inside, unseen" },
	{ 1, 0, "a duplicate at the left edge" },
	{ 200, 1, "slides by 100 to [101,200]" },
	{ 101, 1, "the left edge, unseen" },
	{ 100, 0, "200 - 100 = 100: left" },
	{ 500, 1, "a jump past the ring" },
	{ 450, 1, "inside, unseen" },
	{ 450, 0, "a duplicate" },
	{ 401, 1, "the left edge, unseen" },
	{ 400, 0, "left" },
};
#define NSTEP100 (sizeof steps100 / sizeof steps100[0])
#define N_SEQ (1 + NSTEP32 + 1 + NSTEP100 + 1 + 2 + 1)

static void run_steps(ss_ipsec_sa *sa, const seqstep *s, size_t n, uint32_t w)
{
	for (size_t i = 0; i < n; i++) {
		int got = ss_ipsec_seq_accept(sa, s[i].seq);
		SS_CHECK(got == s[i].want, "window %u: %u %s: %s", w, s[i].seq,
			 s[i].want ? "accepted" : "refused", s[i].why);
	}
}

static void test_seq(void)
{
	ss_ipsec_config c;
	ss_ipsec_stats st;
	char err[256];
	SS_MUST(ss_ipsec_config_parse("ESP 3DES SHA1", &c, err, sizeof err));
	ss_ipsec_sa *sa = sa_new(&c, NULL);
	uint32_t a = ss_ipsec_seq_next(sa), b = ss_ipsec_seq_next(sa), d = ss_ipsec_seq_next(sa);
	SS_CHECK(a == 1 && b == 2 && d == 3, "outbound numbers start at 1 and count up (RFC 4303 sec. 3.3.3)");
	run_steps(sa, steps32, NSTEP32, 32);
	ss_ipsec_stats_get(sa, &st);
	/* 7 of the 16 steps refuse. */
	SS_CHECK(st.replay_drops == 7 && st.unprotected_pkts == 9 && st.protected_pkts == 3,
		 "window 32: 7 refusals counted as replay drops, 9 accepted, 3 sent");
	ss_ipsec_sa_free(sa);

	c.replay_window = 100;
	sa = sa_new(&c, NULL);
	run_steps(sa, steps100, NSTEP100, 100);
	int all = 1;
	for (uint32_t s = 501; s <= 800; s++)
		all = all && ss_ipsec_seq_accept(sa, s) == 1;
	SS_CHECK(all && ss_ipsec_seq_accept(sa, 701) == 0 && ss_ipsec_seq_accept(sa, 750) == 0 &&
		 ss_ipsec_seq_accept(sa, 700) == 0,
		 "window 100: 501..800 in order accepted; then 701 and 750 are duplicates, 700 is left of [701,800]");
	ss_ipsec_sa_free(sa);

	c.replay_window = 0;
	sa = sa_new(&c, NULL);
	SS_CHECK(ss_ipsec_seq_accept(sa, 5) == 1 && ss_ipsec_seq_accept(sa, 5) == 1,
		 "window 0: no anti-replay check, a duplicate passes");
	ss_ipsec_sa_free(sa);
	SS_MUST(ss_ipsec_config_parse("IP", &c, err, sizeof err));
	sa = sa_new(&c, NULL);
	SS_CHECK(ss_ipsec_seq_next(sa) == 0 && ss_ipsec_seq_accept(sa, 7) == 1,
		 "plain IP has no sequence numbers and refuses nothing");
	ss_ipsec_sa_free(sa);
	ss_ipsec_stats_get(NULL, &st);
	SS_CHECK(st.protected_pkts == 0 && st.replay_drops == 0, "a NULL SA reads as zero statistics");
}

/* ------------------------------------------------------------------ */
/* Hostile input                                                       */

/* A 64-bit LCG (Knuth, MMIX constants): reproducible garbage. */
static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return *s >> 33;
}

static void wr16(unsigned char *p, uint32_t v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void wr32(unsigned char *p, uint32_t v) { wr16(p, v >> 16); wr16(p + 2, v); }

#define N_HOSTILE ((NROW - 1) * 2 * 2 + 8)

/* Each candidate packet sits in a heap block of exactly its length, so
   valgrind sees any read or write past it. An authenticated SA accepts
   none of them; a cipher-only SA may (CBC garbage can end in valid
   padding), but never returns more bytes than it got. */
static void test_hostile(ss_crypto *crypto)
{
	static unsigned char orig[BUFCAP], pkt[BUFCAP];
	uint64_t seed = 12345;
	for (size_t i = 0; i < NROW; i++) {
		const row *r = &rows[i];
		if (r->proto == SS_IPSEC_NONE)
			continue;
		for (int t = 0; t < 2; t++) {
			ss_ipsec_config c = config_of(r, t);
			ss_ipsec_sa *tx = sa_new(&c, crypto), *rx = sa_new(&c, crypto);
			size_t olen = datagram(orig, 64, 1), plen, back, accepted = 0, grew = 0, tried = 0;
			memcpy(pkt, orig, olen);
			SS_MUST(ss_ipsec_protect(tx, pkt, sizeof pkt, olen, &plen));
			/* Every truncation, its total length made to match so that the
			   deeper length checks run. */
			for (size_t len = 0; len < plen; len++) {
				unsigned char *m = malloc(len ? len : 1);
				memcpy(m, pkt, len);
				if (len >= 4)
					wr16(m + 2, (uint32_t)len);
				if (ss_ipsec_unprotect(rx, m, len, &back) == SS_OK) {
					accepted++;
					grew += back > len;
				}
				free(m);
				tried++;
			}
			SS_CHECK((has_auth(r) ? accepted == 0 : 1) && grew == 0,
				 "%s %s: %zu truncations refused (%zu accepted%s)", r->canon, mode_name[t],
				 tried, accepted, has_auth(r) ? "" : ": no integrity, allowed");
			/* Garbage with every field a receiver looks at first made
			   right (lengths, protocol, SPIs, AH length, equal sequence
			   numbers), at lengths around each block boundary. */
			size_t ah = r->ah_auth[0] ? 24 : 0, esp_off = 20 + ah;
			size_t iv = is_gcm(r) ? 8 : strstr(r->cipher, "aes") ? 16 : r->cipher[0] ? 8 : 0;
			size_t blk = iv && !is_gcm(r) ? iv : 4;
			size_t icv = is_gcm(r) ? 16 : r->esp_auth[0] ? 12 : 0;
			size_t lens[40], nl = 0;
			static const size_t fixed[] = {0, 1, 19, 20, 21, 27, 28, 43, 44, 45, 47, 52, 100, 1000};
			for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
				lens[nl++] = fixed[k];
			for (size_t m = 0; m <= 8; m++)
				lens[nl++] = esp_off + 8 + iv + icv + m * blk + (m == 8 ? 3 : 0);
			accepted = grew = tried = 0;
			for (size_t k = 0; k < nl; k++) {
				for (int trial = 0; trial < 16; trial++) {
					size_t len = lens[k];
					unsigned char *m = malloc(len ? len : 1);
					for (size_t j = 0; j < len; j++)
						m[j] = (unsigned char)lcg(&seed);
					if (len >= 20) {
						wr16(m + 2, (uint32_t)len);
						m[9] = ah ? 51 : 50;
					}
					if (ah && len >= 44) {
						m[21] = 4;
						wr32(m + 24, ss_ipsec_sa_spi(rx, SS_IPSEC_AH));
					}
					if (r->proto != SS_IPSEC_AH && len >= esp_off + 8) {
						wr32(m + esp_off, ss_ipsec_sa_spi(rx, SS_IPSEC_ESP));
						if (ah)
							memcpy(m + esp_off + 4, m + 28, 4);
					}
					if (ss_ipsec_unprotect(rx, m, len, &back) == SS_OK) {
						accepted++;
						grew += back > len;
					}
					free(m);
					tried++;
				}
			}
			SS_CHECK((has_auth(r) ? accepted == 0 : 1) && grew == 0,
				 "%s %s: %zu garbage datagrams refused (%zu accepted%s)", r->canon, mode_name[t],
				 tried, accepted, has_auth(r) ? "" : ": no integrity, allowed");
			ss_ipsec_sa_free(tx);
			ss_ipsec_sa_free(rx);
		}
	}

	/* Misuse and the simple refusals. */
	ss_ipsec_config c = config_of(&rows[9], 0); /* ESP 3DES SHA1 */
	ss_ipsec_sa *tx = sa_new(&c, crypto), *rx = sa_new(&c, crypto), *sim = sa_new(&c, NULL);
	size_t olen = datagram(orig, 100, 2), out = 0, back;
	uint32_t dl = ss_ipsec_datagram_len(tx, 100);
	memcpy(pkt, orig, olen);
	SS_CHECK(ss_ipsec_protect(tx, pkt, dl - 1, olen, &out) == SS_EINVAL && strstr(ss_ipsec_error(tx), "room"),
		 "protect with one byte less room than the %u needed: SS_EINVAL (%s)", dl, ss_ipsec_error(tx));
	SS_CHECK(ss_ipsec_protect(tx, pkt, sizeof pkt, 19, &out) == SS_EINVAL,
		 "protect of 19 bytes (no IP header): SS_EINVAL");
	SS_CHECK(ss_ipsec_protect(sim, pkt, sizeof pkt, olen, &out) == SS_EINVAL &&
		 strstr(ss_ipsec_error(sim), "crypto"),
		 "a simulation-only SA cannot protect: %s", ss_ipsec_error(sim));
	SS_CHECK(ss_ipsec_protect(tx, pkt, sizeof pkt, 65516, &out) == SS_EINVAL,
		 "a datagram that would outgrow IPv4's 65535 bytes: SS_EINVAL");
	SS_CHECK(ss_ipsec_unprotect(rx, pkt, 0, &back) == SS_EINVAL &&
		 ss_ipsec_unprotect(rx, pkt, 19, &back) == SS_EINVAL &&
		 ss_ipsec_unprotect(rx, pkt, 65536, &back) == SS_EINVAL,
		 "unprotect of 0, 19 or 65536 bytes: SS_EINVAL");
	memcpy(pkt, orig, olen);
	SS_MUST(ss_ipsec_protect(tx, pkt, sizeof pkt, olen, &out));
	ss_ipsec_config c2 = config_of(&rows[8], 0); /* ESP 3DES MD5 */
	ss_ipsec_sa *other = sa_new(&c2, crypto);
	c2 = config_of(&rows[9], 1); /* ESP 3DES SHA1 tunnel */
	ss_ipsec_sa *tun = sa_new(&c2, crypto);
	ss_ipsec_stats st;
	ss_ipsec_stats_get(other, &st);
	SS_CHECK(ss_ipsec_unprotect(other, pkt, out, &back) == SS_EINVAL && st.auth_failures == 0 &&
		 strstr(ss_ipsec_error(other), "SPI"),
		 "an ESP 3DES SHA1 datagram on an ESP 3DES MD5 SA is another SA's: %s", ss_ipsec_error(other));
	SS_CHECK(ss_ipsec_unprotect(tun, pkt, out, &back) == SS_EINVAL,
		 "a transport-mode datagram on the tunnel-mode SA is another SA's: %s", ss_ipsec_error(tun));
	/* NULL buffers are refused, not dereferenced. */
	SS_CHECK(ss_ipsec_protect(tx, NULL, 0, 0, &out) == SS_EINVAL &&
		 ss_ipsec_unprotect(rx, NULL, 40, &back) == SS_EINVAL &&
		 ss_ipsec_unprotect(NULL, pkt, out, &back) == SS_EINVAL,
		 "NULL buffers or SA: SS_EINVAL");
	ss_ipsec_sa_free(tx);
	ss_ipsec_sa_free(rx);
	ss_ipsec_sa_free(sim);
	ss_ipsec_sa_free(other);
	ss_ipsec_sa_free(tun);
}

/* ------------------------------------------------------------------ */
/* Independent computation                                             */

#define N_INDEP 14

/* An ESP AES128 transport datagram built here, not by the SA: the SA's
   header fields and key around a plaintext (payload, padding, trailer)
   of our choosing, encrypted with the crypto layer directly. */
static size_t craft(ss_ipsec_sa *sa, ss_crypto *crypto, const ss_crypto_alg *aes,
		    const unsigned char *plain, size_t ptlen, uint32_t seq, unsigned char *out)
{
	unsigned char iv[16];
	char err[256];
	size_t klen, len = 20 + 8 + 16 + ptlen;
	const unsigned char *k = ss_ipsec_sa_key(sa, "esp-cipher", &klen);
	datagram(out, 0, 9);
	wr16(out + 2, (uint32_t)len);
	out[9] = 50;
	wr32(out + 20, ss_ipsec_sa_spi(sa, SS_IPSEC_ESP));
	wr32(out + 24, seq);
	for (int i = 0; i < 16; i++)
		iv[i] = (unsigned char)(0xa0 + i);
	memcpy(out + 28, iv, 16);
	SS_MUST(ss_crypto_cipher(crypto, aes, 1, k, klen, iv, plain, out + 44, ptlen, err, sizeof err));
	return len;
}

/* unprotect on a copy in a heap block of exactly len bytes (so that
   valgrind sees any access outside it), the result copied back. */
static int unprotect_heap(ss_ipsec_sa *sa, unsigned char *buf, size_t len, size_t *back)
{
	unsigned char *m = malloc(len);
	memcpy(m, buf, len);
	int rc = ss_ipsec_unprotect(sa, m, len, back);
	if (rc == SS_OK)
		memcpy(buf, m, *back);
	free(m);
	return rc;
}

static void test_independent(ss_crypto *crypto)
{
	static unsigned char orig[BUFCAP], pkt[BUFCAP], pkt2[BUFCAP], pt[BUFCAP], cp[BUFCAP];
	const ss_crypto_alg *sha, *tdes, *aes;
	unsigned char icv[20];
	char err[512];
	size_t olen, out, out2, klen, klen2;
	SS_MUST(ss_crypto_alg_find("hmac-sha1-96", &sha, err, sizeof err));
	SS_MUST(ss_crypto_alg_find("3des-cbc", &tdes, err, sizeof err));
	SS_MUST(ss_crypto_alg_find("aes128-cbc", &aes, err, sizeof err));

	/* ESP 3DES HMAC-SHA1-96, transport, n = 100: pad = (-(100 + 2)) mod 8
	   = 2 -> ciphertext 104; datagram 20 + 8 (SPI, seq) + 8 (IV) + 104 +
	   12 (ICV) = 152. */
	ss_ipsec_config c = config_of(&rows[9], 0);
	ss_ipsec_sa *tx = sa_new(&c, crypto), *rx = sa_new(&c, crypto);
	olen = datagram(orig, 100, 3);
	memcpy(pkt, orig, olen);
	SS_MUST(ss_ipsec_protect(tx, pkt, sizeof pkt, olen, &out));
	SS_CHECK(out == 152 && pkt[9] == 50 && rd16(pkt + 2) == 152 && checksum_ok(pkt) &&
		 memcmp(pkt + 12, orig + 12, 8) == 0,
		 "ESP 3DES SHA1 transport, 100-byte segment: 152 bytes, protocol 50, the addresses kept");
	uint32_t spi = ss_ipsec_sa_spi(tx, SS_IPSEC_ESP);
	SS_CHECK(rd32(pkt + 20) == spi && spi >= 256 && rd32(pkt + 24) == 1,
		 "the ESP header: SPI 0x%08x (not reserved: >= 256, RFC 4303 sec. 2.1), sequence 1", spi);
	const unsigned char *ka = ss_ipsec_sa_key(tx, "esp-auth", &klen);
	int rc = ss_crypto_mac(crypto, sha, ka, klen, pkt + 20, 152 - 20 - 12, icv, sizeof icv, NULL, err,
			       sizeof err);
	SS_CHECK(rc == SS_OK && klen == 20 && memcmp(icv, pkt + 140, 12) == 0,
		 "HMAC-SHA1-96 with a 160-bit key (RFC 2404) over SPI..ciphertext is the packet's last 12 bytes %s",
		 rc ? err : "");
	const unsigned char *kc = ss_ipsec_sa_key(tx, "esp-cipher", &klen);
	rc = ss_crypto_cipher(crypto, tdes, 0, kc, klen, pkt + 28, pkt + 36, pt, 104, err, sizeof err);
	SS_CHECK(rc == SS_OK && klen == 24 && memcmp(pt, orig + 20, 100) == 0 && pt[100] == 1 && pt[101] == 2 &&
		 pt[102] == 2 && pt[103] == 6,
		 "3DES-CBC decryption with the packet's IV: the segment, pad 1 2, pad length 2, next header 6 (TCP)");
	memcpy(pkt2, orig, olen);
	SS_MUST(ss_ipsec_protect(tx, pkt2, sizeof pkt2, olen, &out2));
	SS_CHECK(rd32(pkt2 + 24) == 2 && memcmp(pkt + 28, pkt2 + 28, 8) != 0 && memcmp(pkt + 36, pkt2 + 36, 104) != 0,
		 "the next packet: sequence 2, a new IV, so the same segment encrypts differently");
	const unsigned char *kr = ss_ipsec_sa_key(rx, "esp-cipher", &klen2);
	ss_ipsec_config c2 = config_of(&rows[8], 0); /* ESP 3DES MD5 */
	ss_ipsec_sa *md = sa_new(&c2, crypto);
	const unsigned char *km = ss_ipsec_sa_key(md, "esp-cipher", &klen);
	size_t kml;
	ss_ipsec_sa_key(md, "esp-auth", &kml);
	SS_CHECK(klen2 == 24 && memcmp(kr, kc, 24) == 0 && ss_ipsec_sa_spi(md, SS_IPSEC_ESP) != spi &&
		 memcmp(km, kc, 24) != 0 && kml == 16 && !ss_ipsec_sa_key(tx, "ah-auth", &klen),
		 "the peer SA has the same keys; another configuration another SPI and keys; MD5's key is "
		 "128 bits (RFC 2403); no AH key without AH");
	ss_ipsec_sa_free(md);
	ss_ipsec_sa_free(tx);
	ss_ipsec_sa_free(rx);

	/* AH HMAC-SHA1-96 transport, n = 100: 20 + 24 + 100 = 144. The ICV
	   over the datagram with TOS, flags/offset, TTL, checksum and the
	   ICV field zero (RFC 4302 sec. 3.3.3.1). */
	c = config_of(&rows[2], 0);
	tx = sa_new(&c, crypto);
	memcpy(pkt, orig, olen);
	SS_MUST(ss_ipsec_protect(tx, pkt, sizeof pkt, olen, &out));
	SS_CHECK(out == 144 && pkt[9] == 51 && pkt[20] == 6 && pkt[21] == 4 && pkt[22] == 0 && pkt[23] == 0 &&
		 rd32(pkt + 24) == ss_ipsec_sa_spi(tx, SS_IPSEC_AH) && rd32(pkt + 28) == 1 &&
		 memcmp(pkt + 44, orig + 20, 100) == 0,
		 "AH SHA1: 144 bytes; next header 6, payload length 4 (24 / 4 - 2), SPI, sequence 1, the "
		 "segment in clear");
	memcpy(cp, pkt, out);
	cp[1] = 0;
	memset(cp + 6, 0, 3);
	memset(cp + 10, 0, 2);
	memset(cp + 32, 0, 12);
	ka = ss_ipsec_sa_key(tx, "ah-auth", &klen);
	rc = ss_crypto_mac(crypto, sha, ka, klen, cp, out, icv, sizeof icv, NULL, err, sizeof err);
	SS_CHECK(rc == SS_OK && memcmp(icv, pkt + 32, 12) == 0,
		 "the AH ICV recomputed over the datagram with its mutable fields zeroed matches");
	ss_ipsec_sa_free(tx);

	/* ESP AES128 SHA1 tunnel, n = 100: the inner datagram (120) + 2 =
	   122, pad 6 -> 128; 20 + 8 + 16 + 128 + 12 = 184. */
	c = config_of(&rows[10], 1);
	tx = sa_new(&c, crypto);
	memcpy(pkt, orig, olen);
	SS_MUST(ss_ipsec_protect(tx, pkt, sizeof pkt, olen, &out));
	kc = ss_ipsec_sa_key(tx, "esp-cipher", &klen);
	rc = ss_crypto_cipher(crypto, aes, 0, kc, klen, pkt + 28, pkt + 44, pt, 128, err, sizeof err);
	SS_CHECK(out == 184 && pkt[0] == 0x45 && pkt[8] == 64 && pkt[9] == 50 && checksum_ok(pkt) &&
		 (pkt[6] & 0x40) && memcmp(pkt + 12, orig + 12, 8) == 0,
		 "ESP AES128 SHA1 tunnel: 184 bytes; a new outer header (TTL 64, DF copied, the hosts' addresses)");
	SS_CHECK(rc == SS_OK && memcmp(pt, orig, 120) == 0 && pt[120] == 1 && pt[125] == 6 && pt[126] == 6 &&
		 pt[127] == 4,
		 "AES-128-CBC decryption: the whole inner datagram, pad 1..6, pad length 6, next header 4 (IP-in-IP)");
	ss_ipsec_sa_free(tx);

	/* The receiver's padding checks on plaintexts we encrypt ourselves
	   (ESP AES128, no integrity, so the padding is all it checks). */
	c = config_of(&rows[5], 0);
	rx = sa_new(&c, crypto);
	unsigned char plain[32];
	ss_ipsec_stats st;
	size_t back;
	/* 4 bytes, then 26 pad bytes where 10 would do: RFC 4303 sec. 2.4
	   lets a sender pad more (up to 255), so it is accepted. */
	for (int i = 0; i < 4; i++)
		plain[i] = (unsigned char)(0x40 + i);
	for (int i = 0; i < 26; i++)
		plain[4 + i] = (unsigned char)(i + 1);
	plain[30] = 26, plain[31] = 6;
	out = craft(rx, crypto, aes, plain, 32, 1, pkt);
	rc = unprotect_heap(rx, pkt, out, &back);
	SS_CHECK(rc == SS_OK && back == 24 && pkt[9] == 6 && rd16(pkt + 2) == 24 && checksum_ok(pkt) &&
		 pkt[20] == 0x40 && pkt[23] == 0x43,
		 "26 pad bytes where 10 would do are accepted: a 4-byte segment comes out %s", ss_ipsec_error(rx));
	/* 14 pad bytes fill the only block: an empty segment. */
	for (int i = 0; i < 14; i++)
		plain[i] = (unsigned char)(i + 1);
	plain[14] = 14, plain[15] = 6;
	out = craft(rx, crypto, aes, plain, 16, 2, pkt);
	rc = unprotect_heap(rx, pkt, out, &back);
	SS_CHECK(rc == SS_OK && back == 20, "a block of pure padding gives an empty segment %s", ss_ipsec_error(rx));
	/* A pad length of 255 in a 16-byte ciphertext points before it. */
	plain[14] = 255;
	out = craft(rx, crypto, aes, plain, 16, 3, pkt);
	rc = unprotect_heap(rx, pkt, out, &back);
	ss_ipsec_stats_get(rx, &st);
	SS_CHECK(rc == SS_EVERIFY && st.pad_errors == 1 && st.auth_failures == 0,
		 "a pad length of 255 in 16 bytes is a padding error: %s", ss_ipsec_error(rx));
	/* Pad bytes 1 2 3 9 5 6: the fourth is wrong. */
	static const unsigned char badpad[16] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 9, 5, 6, 6, 6};
	out = craft(rx, crypto, aes, badpad, 16, 4, pkt);
	rc = unprotect_heap(rx, pkt, out, &back);
	ss_ipsec_stats_get(rx, &st);
	SS_CHECK(rc == SS_EVERIFY && st.pad_errors == 2 && st.unprotected_pkts == 2,
		 "pad bytes 1 2 3 9 5 6 are refused (RFC 4303 sec. 2.4: 1, 2, 3, ...): %s", ss_ipsec_error(rx));
	ss_ipsec_sa_free(rx);
}

/* ------------------------------------------------------------------ */
/* ESP AES-GCM recomputed with the crypto layer (RFC 4106)             */

#define N_GCM 5

/* ESP AES128-GCM transport, n = 100: pad = (-(100 + 2)) mod 4 = 2, so
   104 bytes are sealed; 20 + 8 (SPI, seq) + 8 (IV) + 104 + 16 (ICV) =
   156. The nonce is the salt (key material bytes 16..19, RFC 4106 sec.
   8.1) then the packet's IV (sec. 4); the AAD is SPI | sequence (sec. 5). */
static void test_gcm(ss_crypto *crypto)
{
	static unsigned char orig[BUFCAP], pkt[BUFCAP], pt[BUFCAP], sealed[BUFCAP], bad[BUFCAP];
	const ss_crypto_alg *gcm;
	unsigned char nonce[12];
	char err[512];
	size_t olen, out, km, km2, km3, n, back;
	ss_ipsec_stats st;
	SS_MUST(ss_crypto_alg_find("aes128-gcm", &gcm, err, sizeof err));
	ss_ipsec_config c = config_of(&rows[NROW - 3], 0); /* ESP AES128-GCM */
	ss_ipsec_sa *tx = sa_new(&c, crypto), *rx = sa_new(&c, crypto);
	uint32_t spi = ss_ipsec_sa_spi(tx, SS_IPSEC_ESP);
	olen = datagram(orig, 100, 5);
	memcpy(pkt, orig, olen);
	SS_MUST(ss_ipsec_protect(tx, pkt, sizeof pkt, olen, &out)); /* sequence 1 */
	memcpy(bad, pkt, out);
	memcpy(pkt, orig, olen);
	SS_MUST(ss_ipsec_protect(tx, pkt, sizeof pkt, olen, &out)); /* sequence 2 */
	SS_CHECK(out == 156 && pkt[9] == 50 && rd16(pkt + 2) == 156 && checksum_ok(pkt) &&
		 rd32(pkt + 20) == spi && rd32(pkt + 24) == 2 && rd32(pkt + 28) == 0 && rd32(pkt + 32) == 2,
		 "ESP AES128-GCM transport, 100-byte segment: 156 bytes, protocol 50; the explicit IV is "
		 "the sequence number 2 as 64 bits (RFC 4106 sec. 3.1: unique per key)");
	const unsigned char *k = ss_ipsec_sa_key(tx, "esp-aead", &km);
	const unsigned char *kr = ss_ipsec_sa_key(rx, "esp-aead", &km2);
	memcpy(pt, orig + 20, 100);
	pt[100] = 1, pt[101] = 2, pt[102] = 2, pt[103] = 6;
	memcpy(nonce, k + 16, 4);
	memcpy(nonce + 4, pkt + 28, 8);
	int rc = ss_crypto_aead_seal(crypto, gcm, k, 16, nonce, 12, pkt + 20, 8, pt, 104, sealed,
				     sizeof sealed, &n, err, sizeof err);
	SS_CHECK(rc == SS_OK && km == 20 && n == 120 && memcmp(sealed, pkt + 36, 120) == 0,
		 "AES-128-GCM under the first 16 of the 20 key-material bytes, nonce salt | IV, AAD SPI | "
		 "sequence, over segment, pad 1 2, pad length 2, next header 6: the packet's ciphertext "
		 "and its 16-byte ICV %s", rc ? err : "");
	ss_ipsec_config c256 = config_of(&rows[NROW - 2], 1); /* ESP AES256-GCM tunnel */
	ss_ipsec_sa *big = sa_new(&c256, crypto);
	SS_CHECK(kr && km2 == 20 && memcmp(k, kr, 20) == 0 && !ss_ipsec_sa_key(tx, "esp-cipher", &n) &&
		 !ss_ipsec_sa_key(tx, "esp-auth", &n) && ss_ipsec_sa_key(big, "esp-aead", &km3) &&
		 km3 == 36,
		 "the peer SA has the same 20 bytes of key material; no separate cipher or auth key; "
		 "AES-256-GCM's is 36 bytes (RFC 4106 sec. 8.1)");
	ss_ipsec_sa_free(big);

	/* The order of RFC 4303 sec. 3.4.3-3.4.4: the window before the ICV,
	   so a replayed copy with a broken tag counts as a replay. */
	SS_MUST(ss_ipsec_unprotect(rx, bad, 156, &back)); /* sequence 1 accepted */
	memcpy(bad, pkt, 156);
	SS_MUST(ss_ipsec_unprotect(rx, bad, 156, &back)); /* sequence 2 accepted */
	memcpy(bad, pkt, 156);
	bad[155] ^= 0x01;
	rc = ss_ipsec_unprotect(rx, bad, 156, &back);
	ss_ipsec_stats_get(rx, &st);
	SS_CHECK(rc == SS_EVERIFY && st.replay_drops == 1 && st.auth_failures == 0,
		 "a replay of sequence 2 with a flipped ICV bit is refused as a replay, before the ICV: %s",
		 ss_ipsec_error(rx));
	/* And the padding only after the ICV: a correctly sealed packet
	   whose pad bytes are wrong (9 where 1 belongs) is a padding error. */
	memcpy(bad, pkt, 36);
	bad[27] = 3;                 /* sequence 3 */
	memset(bad + 28, 0, 8);
	bad[35] = 3;                 /* IV 3 */
	memcpy(nonce + 4, bad + 28, 8);
	pt[100] = 9;
	SS_MUST(ss_crypto_aead_seal(crypto, gcm, k, 16, nonce, 12, bad + 20, 8, pt, 104, bad + 36, 120,
				    &n, err, sizeof err));
	rc = ss_ipsec_unprotect(rx, bad, 156, &back);
	ss_ipsec_stats_get(rx, &st);
	SS_CHECK(rc == SS_EVERIFY && st.pad_errors == 1 && st.auth_failures == 0 && st.unprotected_pkts == 2,
		 "a valid ICV over a wrong pad byte: open succeeds, then the padding check refuses it: %s",
		 ss_ipsec_error(rx));
	ss_ipsec_sa_free(tx);
	ss_ipsec_sa_free(rx);
}

int main(void)
{
	ss_crypto *crypto;
	char err[512];
	ss_test_plan((int)(N_SIZES + N_WORK + N_TEXT + N_ALLOC + N_EXEC) + flip_checks() +
		     (int)(N_REPLAY + N_SEQ + N_HOSTILE + N_INDEP + N_GCM));
	if (ss_crypto_alloc(&crypto, err, sizeof err) != SS_OK) {
		printf("Bail out! crypto context: %s\n", err);
		return 1;
	}
	test_sizes();
	test_work();
	test_text();
	test_alloc(crypto);
	test_roundtrip(crypto);
	test_flips(crypto);
	test_replay_exec(crypto);
	test_seq();
	test_hostile(crypto);
	test_independent(crypto);
	test_gcm(crypto);
	ss_crypto_free(crypto);
	return ss_test_done();
}
