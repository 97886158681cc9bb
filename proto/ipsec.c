/* IPsec security associations: AH and ESP sizes, crypto work per
   datagram, and in execute mode the real transforms (RFC 4302, 4303;
   ESP with AES-GCM as RFC 4106). */
#include "ss_ipsec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ss_err.h"
#include "ss_text.h"

/* IANA protocol numbers (RFC 4303 sec. 2, RFC 4302 sec. 2, RFC 2003). */
#define PROTO_IPIP 4
#define PROTO_ESP 50
#define PROTO_AH 51

#define IP_HDR 20      /* IPv4 header without options (RFC 791) */
#define IP_MAXLEN 65535 /* the 16-bit total length field (RFC 791) */
#define ESP_HDR 8      /* SPI + sequence number (RFC 4303 sec. 2) */
#define ESP_TRAILER 2  /* pad length + next header (RFC 4303 sec. 2) */
#define AH_FIXED 12    /* next header, payload len, reserved, SPI, seq (RFC 4302 sec. 2) */
/* Outer header TTL in tunnel mode: Linux's default ip_default_ttl
   (sysctl net.ipv4.ip_default_ttl = 64, RFC 1700's recommendation). */
#define TUNNEL_TTL 64
/* Key and ICV buffers: the registry's largest cipher key is 32 bytes
   (aes256-cbc, aes256-gcm; 36 with GCM's salt) and largest tag 20
   (hmac-sha1); the allocator refuses an algorithm that would not fit
   rather than truncate it. */
#define KEYMAX 64
#define ICVMAX 64
#define BLKMAX 32
/* ESP with a combined-mode cipher, RFC 4106: an 8-byte explicit IV per
   packet (sec. 3.1), a 4-byte salt from the key material (sec. 8.1)
   that with the IV makes GCM's 12-byte nonce (sec. 4), and SPI + 32-bit
   sequence number as AAD (sec. 5, no extended sequence numbers). */
#define GCM_IV 8
#define GCM_SALT 4
#define GCM_AAD 8

struct ss_ipsec_sa {
	ss_ipsec_config cfg;
	ss_crypto *crypto;               /* borrowed; NULL: sizes and work only */
	const ss_crypto_alg *cipher;     /* ESP cipher (CBC or AEAD), NULL for the null cipher */
	const ss_crypto_alg *esp_auth;   /* ESP integrity, NULL for none */
	const ss_crypto_alg *ah_auth;    /* AH integrity, NULL without AH */
	int esp, ah;                     /* which headers the datagram gets */
	int aead;                        /* ESP cipher is combined mode (GCM, RFC 4106):
	                                    it makes the ICV, no esp_auth */
	uint32_t blk;                    /* ESP alignment, bytes: max(cipher block, 4) */
	uint32_t iv;                     /* ESP IV, bytes */
	uint32_t esp_icv;                /* ESP ICV, bytes */
	uint32_t ah_icv;                 /* AH ICV field incl. its padding, bytes */
	uint32_t ah_len;                 /* whole AH header, bytes (multiple of 4) */
	uint32_t spi_esp, spi_ah;
	unsigned char key_cipher[KEYMAX], key_esp[KEYMAX], key_ah[KEYMAX];
	size_t key_cipher_len, key_esp_len, key_ah_len; /* AEAD: the salt follows
	                                    key_cipher[0 .. key_cipher_len) */
	uint32_t tx_seq;                 /* last outbound sequence number (0: none yet) */
	uint32_t rx_top;                 /* highest accepted inbound number (0: none yet) */
	uint64_t *seen;                  /* anti-replay ring bitmap, seen_bits bits */
	uint64_t seen_bits;              /* multiple of 64, >= replay_window */
	ss_ipsec_stats st;
	char err[256];
};

/* ------------------------------------------------------------------ */
/* Configuration text                                                  */

typedef struct word {
	const char *word; /* as users write it (canonical case) */
	const char *alg;  /* registry name; "" for the null cipher */
} word;

/* The first word for an algorithm is the one the formatter writes. */
static const word cipher_words[] = {
	{ .word = "DES", .alg = "des-cbc" },
	{ .word = "3DES", .alg = "3des-cbc" },
	{ .word = "AES128", .alg = "aes128-cbc" },
	{ .word = "AES256", .alg = "aes256-cbc" },
	{ .word = "AES128-GCM", .alg = "aes128-gcm" },
	{ .word = "AES256-GCM", .alg = "aes256-gcm" },
	{ .word = "AES128GCM", .alg = "aes128-gcm" },
	{ .word = "AES256GCM", .alg = "aes256-gcm" },
	{ .word = "NULL", .alg = "" },
};
static const word mac_words[] = {
	{ .word = "MD5", .alg = "hmac-md5-96" },
	{ .word = "SHA1", .alg = "hmac-sha1-96" },
};
#define NCIPHER (sizeof cipher_words / sizeof cipher_words[0])
#define NMAC (sizeof mac_words / sizeof mac_words[0])

/* The registry name a word stands for, or NULL. A registry name of the
   right kind is accepted as itself, so that every configuration the
   formatter writes parses back. */
static const char *lookup(const char *w, const word *tab, size_t n, ss_crypto_kind kind)
{
	const ss_crypto_alg *a;
	char low[32];
	size_t i;
	for (i = 0; i < n; i++)
		if (strcasecmp(w, tab[i].word) == 0)
			return tab[i].alg;
	for (i = 0; w[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)w[i]);
	low[i] = '\0';
	if (!w[i] && ss_crypto_alg_find(low, &a, NULL, 0) == SS_OK &&
	    (a->kind == kind || (kind == SS_CRYPTO_CIPHER && a->kind == SS_CRYPTO_AEAD)))
		return a->name;
	return NULL;
}

static const char *word_of(const char *alg, const word *tab, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(alg, tab[i].alg) == 0)
			return tab[i].word;
	return alg[0] && strcasecmp(alg, "null") != 0 ? alg : "NULL";
}

/* Reads the text a word at a time: w is the current word (have 0 at the
   end), prev the one before. A word longer than w is cut, which leaves
   it unknown: no accepted word is that long. */
typedef struct cursor {
	const char *p;
	char w[32], prev[32];
	int have;
} cursor;

static void advance(cursor *k)
{
	size_t len = 0;
	memcpy(k->prev, k->w, sizeof k->prev);
	while (*k->p && isspace((unsigned char)*k->p))
		k->p++;
	const char *s = k->p;
	while (*k->p && !isspace((unsigned char)*k->p))
		k->p++;
	len = (size_t)(k->p - s);
	if (len >= sizeof k->w)
		len = sizeof k->w - 1;
	memcpy(k->w, s, len);
	k->w[len] = '\0';
	k->have = len > 0;
}

/* Is the registry name a combined-mode (AEAD) cipher? */
static int is_aead(const char *alg)
{
	const ss_crypto_alg *a;
	return alg[0] && ss_crypto_alg_find(alg, &a, NULL, 0) == SS_OK &&
	       a->kind == SS_CRYPTO_AEAD;
}

/* Appends the words of tab to a comma list. */
static void list_words(char *buf, size_t len, const word *tab, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "", tab[i].word);
	}
}

static void list_add(char *buf, size_t len, const char *w)
{
	size_t used = strlen(buf);
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", w);
}

/* "did you mean" for a word against the accepted list ("A, B, C"). */
static void nearest_hint(const char *bad, const char *accepted, char *hint, size_t len)
{
	char copy[256];
	const char *list[24];
	size_t n = 0;
	snprintf(copy, sizeof copy, "%s", accepted);
	for (char *s = copy; *s && n + 1 < sizeof list / sizeof list[0];) {
		list[n++] = s;
		char *e = strstr(s, ", ");
		if (!e)
			break;
		*e = '\0';
		s = e + 2;
	}
	list[n] = NULL;
	const char *near = ss_nearest(bad, list);
	hint[0] = '\0';
	if (near)
		snprintf(hint, len, " (did you mean %s?)", near);
}

static int bad_word(const char *text, const char *what, const char *bad,
		    const char *accepted, char *err, size_t errlen)
{
	char hint[64];
	if (!bad) {
		ss_errbuf(err, errlen, "IPsec configuration \"%s\": missing %s; accepted: %s",
			  text, what, accepted);
		return SS_EINVAL;
	}
	nearest_hint(bad, accepted, hint, sizeof hint);
	ss_errbuf(err, errlen, "IPsec configuration \"%s\": '%s' is not %s%s; accepted: %s",
		  text, bad, what, hint, accepted);
	return SS_EINVAL;
}

/* Copies a registry name into a config field (all names fit: the
   longest is 12 bytes, the fields 24). */
static void set_alg(char *dst, size_t len, const char *alg)
{
	snprintf(dst, len, "%s", alg);
}

int ss_ipsec_config_parse(const char *text, ss_ipsec_config *c, char *err, size_t errlen)
{
	cursor k = { .p = NULL };
	char acc[160], first[32];
	const char *alg;
	if (!text || !c) {
		ss_errbuf(err, errlen, "IPsec configuration: NULL text or configuration");
		return SS_EINVAL;
	}
	memset(c, 0, sizeof *c);
	c->mode = SS_IPSEC_TRANSPORT;
	/* The Linux 2.6 replay window: struct xfrm_replay_state keeps a
	   32-bit bitmap (include/linux/xfrm.h), and racoon installs SAs with
	   a 32-packet window; a scenario can change the field. */
	c->replay_window = 32;
	k.p = text;
	advance(&k);
	memcpy(first, k.w, sizeof first);
	if (!k.have)
		return bad_word(text, "the protocol", NULL, "none, IP, AH, ESP", err, errlen);

	if (strcasecmp(first, "none") == 0 || strcasecmp(first, "IP") == 0) {
		c->proto = SS_IPSEC_NONE;
		advance(&k);
		if (k.have) {
			ss_errbuf(err, errlen, "IPsec configuration \"%s\": unexpected word '%s' "
				  "after '%s' (plain IP takes no algorithm or mode); accepted: "
				  "nothing more", text, k.w, first);
			return SS_EINVAL;
		}
		return SS_OK;
	}
	if (strcasecmp(first, "AH") == 0) {
		c->proto = SS_IPSEC_AH;
		acc[0] = '\0';
		list_words(acc, sizeof acc, mac_words, NMAC);
		advance(&k);
		alg = k.have ? lookup(k.w, mac_words, NMAC, SS_CRYPTO_MAC) : NULL;
		if (!alg)
			return bad_word(text, "an AH integrity algorithm",
					k.have ? k.w : NULL, acc, err, errlen);
		set_alg(c->ah_auth, sizeof c->ah_auth, alg);
		advance(&k);
	} else if (strcasecmp(first, "ESP") == 0) {
		c->proto = SS_IPSEC_ESP;
		acc[0] = '\0';
		list_words(acc, sizeof acc, cipher_words, NCIPHER);
		list_words(acc, sizeof acc, mac_words, NMAC);
		advance(&k);
		if (!k.have)
			return bad_word(text, "an ESP cipher or integrity algorithm", NULL, acc,
					err, errlen);
		if ((alg = lookup(k.w, cipher_words, NCIPHER, SS_CRYPTO_CIPHER))) {
			set_alg(c->cipher, sizeof c->cipher, alg);
			advance(&k);
			/* A combined-mode cipher makes the ICV itself: RFC 4303
			   sec. 3.2.3 (and RFC 4106) has no separate
			   integrity algorithm with it. */
			if (k.have && is_aead(c->cipher) &&
			    lookup(k.w, mac_words, NMAC, SS_CRYPTO_MAC)) {
				ss_errbuf(err, errlen, "IPsec configuration \"%s\": '%s' cannot follow "
					  "%s: a combined-mode cipher computes its own 16-byte ICV, "
					  "and ESP then takes no separate integrity algorithm (RFC "
					  "4303 sec. 3.2.3, RFC 4106); accepted: AH, tunnel, transport",
					  text, k.w, k.prev);
				return SS_EINVAL;
			}
			/* An optional ESP integrity algorithm. */
			if (k.have && (alg = lookup(k.w, mac_words, NMAC, SS_CRYPTO_MAC))) {
				set_alg(c->esp_auth, sizeof c->esp_auth, alg);
				advance(&k);
			}
		} else if ((alg = lookup(k.w, mac_words, NMAC, SS_CRYPTO_MAC))) {
			set_alg(c->esp_auth, sizeof c->esp_auth, alg); /* "ESP SHA1": null cipher */
			advance(&k);
		} else {
			return bad_word(text, "an ESP cipher or integrity algorithm", k.w, acc,
					err, errlen);
		}
		/* RFC 4303 sec. 3.2: ESP must not use both the null cipher and
		   no integrity. */
		if (!c->cipher[0] && !c->esp_auth[0]) {
			acc[0] = '\0';
			list_words(acc, sizeof acc, mac_words, NMAC);
			return bad_word(text, "an integrity algorithm after ESP NULL "
					"(ESP needs a cipher or integrity, RFC 4303 sec. 3.2)",
					k.have ? k.w : NULL, acc, err, errlen);
		}
		if (k.have && strcasecmp(k.w, "AH") == 0) {
			c->proto = SS_IPSEC_ESP_AH;
			advance(&k);
			acc[0] = '\0';
			list_words(acc, sizeof acc, mac_words, NMAC);
			alg = k.have ? lookup(k.w, mac_words, NMAC, SS_CRYPTO_MAC) : NULL;
			if (!alg)
				return bad_word(text, "an AH integrity algorithm",
						k.have ? k.w : NULL, acc, err, errlen);
			set_alg(c->ah_auth, sizeof c->ah_auth, alg);
			advance(&k);
		}
	} else {
		return bad_word(text, "an IPsec protocol", first, "none, IP, AH, ESP", err, errlen);
	}

	/* Optional mode, then nothing. */
	if (k.have) {
		if (strcasecmp(k.w, "tunnel") == 0) {
			c->mode = SS_IPSEC_TUNNEL;
			advance(&k);
		} else if (strcasecmp(k.w, "transport") == 0) {
			advance(&k);
		} else {
			/* Say what could have come here. */
			acc[0] = '\0';
			if (c->proto == SS_IPSEC_ESP && c->cipher[0] && !c->esp_auth[0] &&
			    !is_aead(c->cipher))
				list_words(acc, sizeof acc, mac_words, NMAC);
			if (c->proto == SS_IPSEC_ESP)
				list_add(acc, sizeof acc, "AH");
			list_add(acc, sizeof acc, "tunnel");
			list_add(acc, sizeof acc, "transport");
			return bad_word(text, "expected here", k.w, acc, err, errlen);
		}
	}
	if (k.have) {
		ss_errbuf(err, errlen, "IPsec configuration \"%s\": unexpected word '%s' after "
			  "the mode '%s'; accepted: nothing more", text, k.w, k.prev);
		return SS_EINVAL;
	}
	return SS_OK;
}

void ss_ipsec_config_format(const ss_ipsec_config *c, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	if (!c)
		return;
	const char *mode = c->mode == SS_IPSEC_TUNNEL ? " tunnel" : "";
	/* Terminated copies: the fields come from the caller. */
	char ci[sizeof c->cipher + 1], ea[sizeof c->esp_auth + 1], aa[sizeof c->ah_auth + 1];
	snprintf(ci, sizeof ci, "%.*s", (int)sizeof c->cipher, c->cipher);
	snprintf(ea, sizeof ea, "%.*s", (int)sizeof c->esp_auth, c->esp_auth);
	snprintf(aa, sizeof aa, "%.*s", (int)sizeof c->ah_auth, c->ah_auth);
	switch (c->proto) {
	case SS_IPSEC_AH:
		snprintf(buf, len, "AH %s%s", word_of(aa, mac_words, NMAC), mode);
		break;
	case SS_IPSEC_ESP:
	case SS_IPSEC_ESP_AH: {
		char esp[64], ah[40] = "";
		snprintf(esp, sizeof esp, "ESP %s%s%s", word_of(ci, cipher_words, NCIPHER),
			 ea[0] ? " " : "", ea[0] ? word_of(ea, mac_words, NMAC) : "");
		if (c->proto == SS_IPSEC_ESP_AH)
			snprintf(ah, sizeof ah, " AH %s", word_of(aa, mac_words, NMAC));
		snprintf(buf, len, "%s%s%s", esp, ah, mode);
		break;
	}
	default:
		snprintf(buf, len, "IP");
		break;
	}
}

/* ------------------------------------------------------------------ */
/* SA                                                                  */

/* FNV-1a, 32 bits (Fowler, Noll, Vo; IETF draft-eastlake-fnv): a
   stable hash of the configuration text for the SPI. */
static uint32_t fnv1a(const char *a, const char *b)
{
	uint32_t h = 2166136261u;
	for (const char *s = a; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	for (const char *s = b; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* SPIs 0 to 255 are reserved (RFC 4303 sec. 2.1, RFC 4302 sec. 2.4). */
static uint32_t make_spi(const char *tag, const char *text)
{
	uint32_t spi = fnv1a(tag, text);
	return spi < 256 ? spi + 256 : spi;
}

/* Fixed test keys: SplitMix64 (Steele, Lea, Flood, "Fast splittable
   pseudorandom number generators", OOPSLA 2014) seeded by the SPI and a
   label, so both ends derive the same bytes from the same SA. These are
   test keys, not a key exchange. */
static void derive_key(uint32_t spi, unsigned label, unsigned char *key, size_t len)
{
	uint64_t x = ((uint64_t)spi << 8) | label;
	for (size_t i = 0; i < len; i += 8) {
		x += 0x9e3779b97f4a7c15u;
		uint64_t z = x;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		z ^= z >> 31;
		for (size_t j = 0; j < 8 && i + j < len; j++)
			key[i + j] = (unsigned char)(z >> (8 * j));
	}
}

/* Resolves one algorithm field: "" or "null" is none (NULL). */
static int resolve(const char *field, size_t size, const char *what, ss_crypto_kind kind,
		   ss_crypto *crypto, const ss_crypto_alg **out, char *err, size_t errlen)
{
	char why[512];
	int rc;
	*out = NULL;
	if (strnlen(field, size) == size) {
		ss_errbuf(err, errlen, "IPsec %s: the name is not terminated within %zu bytes",
			  what, size);
		return SS_EINVAL;
	}
	if (!field[0] || strcasecmp(field, "null") == 0)
		return SS_OK;
	if (ss_crypto_alg_find(field, out, NULL, 0) != SS_OK) {
		/* List the names of the right kind only (not RSA, hashes). */
		why[0] = '\0';
		for (size_t i = 0; i < ss_crypto_alg_count(); i++) {
			const ss_crypto_alg *a = ss_crypto_alg_get(i);
			size_t used = strlen(why);
			if (a->kind == kind ||
			    (kind == SS_CRYPTO_CIPHER && a->kind == SS_CRYPTO_AEAD))
				snprintf(why + used, sizeof why - used, ", %s", a->name);
		}
		ss_errbuf(err, errlen, "IPsec %s: unknown algorithm '%s'; accepted: \"\" (none)%s",
			  what, field, why);
		*out = NULL;
		return SS_EINVAL;
	}
	/* The ESP cipher may be a combined-mode (AEAD) one. */
	if ((*out)->kind != kind &&
	    !(kind == SS_CRYPTO_CIPHER && (*out)->kind == SS_CRYPTO_AEAD)) {
		ss_errbuf(err, errlen, "IPsec %s: '%s' is a %s, not a %s", what, field,
			  ss_crypto_kind_name((*out)->kind), ss_crypto_kind_name(kind));
		return SS_EINVAL;
	}
	if ((*out)->kind == SS_CRYPTO_AEAD) {
		/* RFC 4106: a 12-byte nonce (salt + explicit IV) and a
		   16-byte ICV, the one length every implementation has. */
		if ((*out)->iv_size != GCM_SALT + GCM_IV || (*out)->out_size != 16 ||
		    (*out)->key_size + GCM_SALT > KEYMAX) {
			ss_errbuf(err, errlen, "IPsec %s: '%s' is not an AEAD ESP can use "
				  "(RFC 4106: 12-byte nonce, 16-byte ICV)", what, field);
			return SS_EINVAL;
		}
	} else if (kind == SS_CRYPTO_CIPHER &&
		   ((*out)->iv_size != (*out)->block_size || (*out)->block_size < 8 ||
		    (*out)->block_size > BLKMAX || (*out)->key_size > KEYMAX)) {
		ss_errbuf(err, errlen, "IPsec %s: '%s' is not a CBC block cipher ESP can use "
			  "(RFC 2451)", what, field);
		return SS_EINVAL;
	}
	if (kind == SS_CRYPTO_MAC && ((*out)->out_size == 0 || (*out)->out_size > ICVMAX - 3 ||
				      (*out)->key_size == 0 || (*out)->key_size > KEYMAX)) {
		ss_errbuf(err, errlen, "IPsec %s: '%s' has a tag or key size IPsec cannot use",
			  what, field);
		return SS_EINVAL;
	}
	if (crypto && (rc = ss_crypto_available(crypto, *out, why, sizeof why)) != SS_OK) {
		ss_errbuf(err, errlen, "IPsec %s '%s' cannot run in this OpenSSL: %s%s", what,
			  field, why,
			  strstr(field, "des") == field ? " (single DES lives in OpenSSL's legacy "
			  "provider, which must be installed and loadable)" : "");
		return SS_ECRYPTO;
	}
	return SS_OK;
}

void ss_ipsec_sa_free(ss_ipsec_sa *sa)
{
	if (!sa)
		return;
	free(sa->seen);
	free(sa);
}

int ss_ipsec_sa_alloc(ss_ipsec_sa **out, const ss_ipsec_config *c, ss_crypto *crypto,
		      char *err, size_t errlen)
{
	ss_ipsec_sa *sa;
	char text[128];
	int rc;
	if (!out || !c) {
		ss_errbuf(err, errlen, "IPsec SA: NULL output or configuration");
		return SS_EINVAL;
	}
	*out = NULL;
	if (c->proto != SS_IPSEC_NONE && c->proto != SS_IPSEC_AH && c->proto != SS_IPSEC_ESP &&
	    c->proto != SS_IPSEC_ESP_AH) {
		ss_errbuf(err, errlen, "IPsec SA: unknown protocol %d", (int)c->proto);
		return SS_EINVAL;
	}
	if (c->mode != SS_IPSEC_TRANSPORT && c->mode != SS_IPSEC_TUNNEL) {
		ss_errbuf(err, errlen, "IPsec SA: unknown mode %d", (int)c->mode);
		return SS_EINVAL;
	}
	if (!(sa = calloc(1, sizeof *sa))) {
		ss_errbuf(err, errlen, "IPsec SA: out of memory");
		return SS_ENOMEM;
	}
	sa->cfg = *c;
	sa->crypto = crypto;
	sa->esp = c->proto == SS_IPSEC_ESP || c->proto == SS_IPSEC_ESP_AH;
	sa->ah = c->proto == SS_IPSEC_AH || c->proto == SS_IPSEC_ESP_AH;
	if (sa->esp) {
		if ((rc = resolve(c->cipher, sizeof c->cipher, "ESP cipher", SS_CRYPTO_CIPHER,
				  crypto, &sa->cipher, err, errlen)) != SS_OK ||
		    (rc = resolve(c->esp_auth, sizeof c->esp_auth, "ESP integrity", SS_CRYPTO_MAC,
				  crypto, &sa->esp_auth, err, errlen)) != SS_OK)
			goto fail;
		if (!sa->cipher && !sa->esp_auth) {
			ss_errbuf(err, errlen, "IPsec SA: ESP with the null cipher needs an "
				  "integrity algorithm (RFC 4303 sec. 3.2)");
			rc = SS_EINVAL;
			goto fail;
		}
		sa->aead = sa->cipher && sa->cipher->kind == SS_CRYPTO_AEAD;
		if (sa->aead && sa->esp_auth) {
			ss_errbuf(err, errlen, "IPsec SA: ESP with %s, a combined-mode cipher "
				  "that computes its own ICV, takes no separate integrity "
				  "algorithm (got '%.24s'; RFC 4303 sec. 3.2.3, RFC 4106)",
				  sa->cipher->name, c->esp_auth);
			rc = SS_EINVAL;
			goto fail;
		}
	} else if (c->proto == SS_IPSEC_AH && (c->cipher[0] || c->esp_auth[0])) {
		ss_errbuf(err, errlen, "IPsec SA: AH alone takes no ESP cipher or integrity "
			  "(got '%.24s', '%.24s'); use ESP_AH for both", c->cipher, c->esp_auth);
		rc = SS_EINVAL;
		goto fail;
	}
	if (sa->ah) {
		if ((rc = resolve(c->ah_auth, sizeof c->ah_auth, "AH integrity", SS_CRYPTO_MAC,
				  crypto, &sa->ah_auth, err, errlen)) != SS_OK)
			goto fail;
		if (!sa->ah_auth) {
			ss_errbuf(err, errlen, "IPsec SA: AH needs an integrity algorithm "
				  "(hmac-md5-96 or hmac-sha1-96)");
			rc = SS_EINVAL;
			goto fail;
		}
	} else if (c->proto == SS_IPSEC_ESP && c->ah_auth[0]) {
		ss_errbuf(err, errlen, "IPsec SA: ESP alone takes no AH integrity (got '%.24s'); "
			  "use ESP_AH", c->ah_auth);
		rc = SS_EINVAL;
		goto fail;
	}

	/* Sizes (RFC 4303 sec. 2.4: the ciphertext is a multiple of the
	   block size and at least 4-byte aligned; RFC 4302 sec. 2.2 and
	   3.3.3.2.1: AH is a multiple of 4 bytes for IPv4, the ICV padded). */
	sa->blk = 4;
	if (sa->aead) {
		/* RFC 4106 sec. 3.2: GCM needs no padding of its own (its block
		   size is 1), so only ESP's 4-byte alignment remains; the ICV
		   is the 16-byte GCM tag (sec. 6). */
		sa->iv = GCM_IV;
		sa->esp_icv = (uint32_t)sa->cipher->out_size;
	} else {
		if (sa->cipher) {
			sa->iv = (uint32_t)sa->cipher->iv_size;
			if (sa->cipher->block_size > sa->blk)
				sa->blk = (uint32_t)sa->cipher->block_size;
		}
		sa->esp_icv = sa->esp_auth ? (uint32_t)sa->esp_auth->out_size : 0;
	}
	if (sa->ah_auth) {
		sa->ah_icv = ((uint32_t)sa->ah_auth->out_size + 3u) / 4u * 4u;
		sa->ah_len = AH_FIXED + sa->ah_icv;
	}

	ss_ipsec_config_format(c, text, sizeof text);
	if (sa->esp)
		sa->spi_esp = make_spi("esp:", text);
	if (sa->ah)
		sa->spi_ah = make_spi("ah:", text);
	if (sa->cipher) {
		/* RFC 4106 sec. 8.1: an AEAD's key material is the key and
		   then the 4-byte salt (20 bytes for AES-128, 36 for AES-256). */
		sa->key_cipher_len = sa->cipher->key_size;
		derive_key(sa->spi_esp, 1, sa->key_cipher,
			   sa->key_cipher_len + (sa->aead ? GCM_SALT : 0));
	}
	if (sa->esp_auth) {
		/* RFC 2403 / 2404: the key is the digest size (128 / 160 bits). */
		sa->key_esp_len = sa->esp_auth->key_size;
		derive_key(sa->spi_esp, 2, sa->key_esp, sa->key_esp_len);
	}
	if (sa->ah_auth) {
		sa->key_ah_len = sa->ah_auth->key_size;
		derive_key(sa->spi_ah, 3, sa->key_ah, sa->key_ah_len);
	}

	if (c->replay_window && c->proto != SS_IPSEC_NONE) {
		sa->seen_bits = ((uint64_t)c->replay_window + 63u) / 64u * 64u;
		if (!(sa->seen = calloc((size_t)(sa->seen_bits / 64u), sizeof *sa->seen))) {
			ss_errbuf(err, errlen, "IPsec SA: out of memory for a %u-packet replay window",
				  c->replay_window);
			rc = SS_ENOMEM;
			goto fail;
		}
	}
	*out = sa;
	return SS_OK;
fail:
	ss_ipsec_sa_free(sa);
	return rc;
}

const ss_ipsec_config *ss_ipsec_sa_config(const ss_ipsec_sa *sa)
{
	return sa ? &sa->cfg : NULL;
}

const unsigned char *ss_ipsec_sa_key(const ss_ipsec_sa *sa, const char *what, size_t *len)
{
	const unsigned char *k = NULL;
	size_t n = 0;
	if (sa && what) {
		if (strcmp(what, "esp-cipher") == 0 && sa->cipher && !sa->aead)
			k = sa->key_cipher, n = sa->key_cipher_len;
		else if (strcmp(what, "esp-aead") == 0 && sa->aead)
			k = sa->key_cipher, n = sa->key_cipher_len + GCM_SALT;
		else if (strcmp(what, "esp-auth") == 0 && sa->esp_auth)
			k = sa->key_esp, n = sa->key_esp_len;
		else if (strcmp(what, "ah-auth") == 0 && sa->ah_auth)
			k = sa->key_ah, n = sa->key_ah_len;
	}
	if (len)
		*len = n;
	return k;
}

uint32_t ss_ipsec_sa_spi(const ss_ipsec_sa *sa, ss_ipsec_proto which)
{
	if (!sa)
		return 0;
	return which == SS_IPSEC_ESP ? sa->spi_esp : which == SS_IPSEC_AH ? sa->spi_ah : 0;
}

const char *ss_ipsec_error(const ss_ipsec_sa *sa)
{
	return sa ? sa->err : "";
}

void ss_ipsec_stats_get(const ss_ipsec_sa *sa, ss_ipsec_stats *s)
{
	if (!s)
		return;
	if (sa)
		*s = sa->st;
	else
		memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ */
/* Sizes and work                                                      */

/* Minimal ESP padding for p bytes of payload (RFC 4303 sec. 2.4). */
static uint32_t esp_pad(const ss_ipsec_sa *sa, uint64_t p)
{
	return (uint32_t)((sa->blk - (p + ESP_TRAILER) % sa->blk) % sa->blk);
}

/* The bytes ESP encrypts: inner payload + pad + trailer. */
static uint64_t esp_ct(const ss_ipsec_sa *sa, uint64_t n)
{
	uint64_t p = n + (sa->cfg.mode == SS_IPSEC_TUNNEL ? IP_HDR : 0);
	return p + esp_pad(sa, p) + ESP_TRAILER;
}

static uint64_t overhead64(const ss_ipsec_sa *sa, uint64_t n)
{
	uint64_t o = 0, p = n;
	if (!sa || sa->cfg.proto == SS_IPSEC_NONE)
		return 0;
	if (sa->cfg.mode == SS_IPSEC_TUNNEL) {
		o += IP_HDR; /* the outer header; the inner one is payload */
		p += IP_HDR;
	}
	if (sa->esp)
		o += ESP_HDR + sa->iv + (esp_ct(sa, n) - p) + sa->esp_icv;
	if (sa->ah)
		o += sa->ah_len;
	return o;
}

static uint32_t clamp32(uint64_t x)
{
	return x > UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

uint32_t ss_ipsec_overhead(const ss_ipsec_sa *sa, uint32_t n)
{
	return clamp32(overhead64(sa, n));
}

uint32_t ss_ipsec_datagram_len(const ss_ipsec_sa *sa, uint32_t n)
{
	return clamp32(IP_HDR + (uint64_t)n + overhead64(sa, n));
}

/* datagram_len is nondecreasing in n (the padded length rounds up), so
   a binary search finds the largest fitting n; 0 when not even an empty
   segment fits. */
uint32_t ss_ipsec_max_segment(const ss_ipsec_sa *sa, uint32_t mtu)
{
	uint64_t lo = 0, hi = mtu;
	if (IP_HDR + overhead64(sa, 0) > mtu)
		return 0;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;
		if (IP_HDR + mid + overhead64(sa, mid) <= mtu)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (uint32_t)lo;
}

size_t ss_ipsec_work_get(const ss_ipsec_sa *sa, uint32_t n, ss_ipsec_work w[3])
{
	size_t k = 0;
	if (!sa || !w || sa->cfg.proto == SS_IPSEC_NONE)
		return 0;
	if (sa->esp) {
		uint64_t ct = esp_ct(sa, n);
		/* A combined-mode cipher is one call over the ciphertext; its 8
		   AAD bytes (SPI, sequence) are not counted: the calibration
		   times each call with that AAD, so its GHASH block is already
		   in the per-call cost. */
		if (sa->aead)
			w[k++] = (ss_ipsec_work){ .alg = sa->cipher, .bytes = clamp32(ct),
						  .what = "esp-aead" };
		else if (sa->cipher)
			w[k++] = (ss_ipsec_work){ .alg = sa->cipher, .bytes = clamp32(ct),
						  .what = "esp-cipher" };
		if (sa->esp_auth)
			w[k++] = (ss_ipsec_work){ .alg = sa->esp_auth,
						  .bytes = clamp32(ESP_HDR + sa->iv + ct),
						  .what = "esp-auth" };
	}
	if (sa->ah)
		w[k++] = (ss_ipsec_work){ .alg = sa->ah_auth,
					  .bytes = ss_ipsec_datagram_len(sa, n),
					  .what = "ah-auth" };
	return k;
}

/* ------------------------------------------------------------------ */
/* Sequence numbers and the anti-replay window (RFC 4303 sec. 3.4.3)   */

/* The window is a ring of seen_bits bits: bit s mod seen_bits says
   whether s was accepted, for s in (rx_top - replay_window, rx_top]. A
   ring (as RFC 6479 proposes) slides by clearing the bits of the numbers
   it skips instead of shifting the whole map. */
static int seen_get(const ss_ipsec_sa *sa, uint32_t s)
{
	uint64_t b = s % sa->seen_bits;
	return (int)((sa->seen[b / 64] >> (b % 64)) & 1u);
}

static void seen_put(ss_ipsec_sa *sa, uint32_t s, int v)
{
	uint64_t b = s % sa->seen_bits;
	if (v)
		sa->seen[b / 64] |= (uint64_t)1 << (b % 64);
	else
		sa->seen[b / 64] &= ~((uint64_t)1 << (b % 64));
}

/* 1 if seq may be accepted: right of the window, or inside it and not
   seen. 0 is never sent (RFC 4303 sec. 3.3.3: the first packet is 1). */
static int replay_ok(const ss_ipsec_sa *sa, uint32_t seq)
{
	if (!sa->cfg.replay_window)
		return 1;
	if (seq == 0)
		return 0;
	if (seq > sa->rx_top)
		return 1;
	if (sa->rx_top - seq >= sa->cfg.replay_window)
		return 0; /* left of the window */
	return !seen_get(sa, seq);
}

/* Records seq (replay_ok said yes); a new highest number slides. */
static void replay_update(ss_ipsec_sa *sa, uint32_t seq)
{
	if (!sa->cfg.replay_window)
		return;
	if (seq > sa->rx_top) {
		uint64_t d = (uint64_t)seq - sa->rx_top;
		if (d >= sa->seen_bits)
			memset(sa->seen, 0, (size_t)(sa->seen_bits / 64u) * sizeof *sa->seen);
		else
			for (uint32_t s = sa->rx_top + 1; s != seq; s++)
				seen_put(sa, s, 0);
		sa->rx_top = seq;
	}
	seen_put(sa, seq, 1);
}

/* The counter wraps past 2^32 - 1 to 1 here: a simulated SA is never
   rekeyed (RFC 4303 sec. 3.3.3 would require a new SA), and no run
   sends 4 billion datagrams on one. protect refuses instead. */
uint32_t ss_ipsec_seq_next(ss_ipsec_sa *sa)
{
	if (!sa || sa->cfg.proto == SS_IPSEC_NONE)
		return 0;
	if (++sa->tx_seq == 0)
		sa->tx_seq = 1;
	sa->st.protected_pkts++;
	return sa->tx_seq;
}

int ss_ipsec_seq_accept(ss_ipsec_sa *sa, uint32_t seq)
{
	if (!sa || sa->cfg.proto == SS_IPSEC_NONE)
		return 1;
	if (!replay_ok(sa, seq)) {
		sa->st.replay_drops++;
		return 0;
	}
	replay_update(sa, seq);
	sa->st.unprotected_pkts++;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Execute mode                                                        */

static int fail(ss_ipsec_sa *sa, int rc, const char *fmt, ...) SS_PRINTF(3, 4);

static int fail(ss_ipsec_sa *sa, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sa->err, sizeof sa->err, fmt, ap);
	va_end(ap);
	return rc;
}

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 791 header checksum: the one's complement of the one's
   complement sum of the header's 16-bit words, the checksum field 0. */
static void ip_checksum(unsigned char *h)
{
	uint32_t sum = 0;
	h[10] = h[11] = 0;
	for (int i = 0; i < IP_HDR; i += 2)
		sum += get16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	put16(h + 10, ~sum & 0xffffu);
}

/* Comparison in time independent of where the bytes differ, as an ICV
   check must be. */
static int same_bytes(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The AH ICV over the whole datagram buf[0..len), the AH at ah_off:
   TOS, flags + fragment offset, TTL and checksum are mutable in transit
   and count as zero, as does the ICV field (RFC 4302 sec. 3.3.3.1.1.1,
   3.3.3.1). They are zeroed in place and restored, so nothing is
   copied. */
static int ah_icv(ss_ipsec_sa *sa, unsigned char *buf, size_t len, size_t ah_off,
		  unsigned char *icv)
{
	unsigned char saved[6], field[ICVMAX];
	unsigned char *f = buf + ah_off + AH_FIXED;
	char why[256];
	int rc;
	saved[0] = buf[1];
	memcpy(saved + 1, buf + 6, 3);
	memcpy(saved + 4, buf + 10, 2);
	memcpy(field, f, sa->ah_icv);
	buf[1] = 0;
	memset(buf + 6, 0, 3);
	memset(buf + 10, 0, 2);
	memset(f, 0, sa->ah_icv);
	rc = ss_crypto_mac(sa->crypto, sa->ah_auth, sa->key_ah, sa->key_ah_len, buf, len, icv,
			   ICVMAX, NULL, why, sizeof why);
	buf[1] = saved[0];
	memcpy(buf + 6, saved + 1, 3);
	memcpy(buf + 10, saved + 4, 2);
	memcpy(f, field, sa->ah_icv);
	if (rc != SS_OK)
		return fail(sa, rc, "AH ICV: %s", why);
	/* ICV padding (RFC 4302 sec. 3.3.3.2.1) is zero. */
	memset(icv + sa->ah_auth->out_size, 0, sa->ah_icv - sa->ah_auth->out_size);
	return SS_OK;
}

/* The per-packet CBC IV: the cipher under the SA's key applied to a
   block holding the SPI and the sequence number (NIST SP 800-38A
   appendix C, first method: the forward cipher of a nonce). The
   sequence number never repeats within an SA (RFC 4303 sec. 3.3.3), so
   every IV is fresh, and without the key it is unpredictable, as RFC
   3602 sec. 2 asks of CBC IVs (a bare counter is predictable, which
   enables chosen-plaintext attacks on CBC). It is a pure function of
   the SA and the packet, so runs are reproducible; no clock, no
   random source. The one extra block is not charged in ss_ipsec_work:
   Linux 2.6's ESP chains the last ciphertext block as the next IV at no
   cipher cost, and the cost profiles model Linux. */
static int make_iv(ss_ipsec_sa *sa, uint32_t seq, unsigned char *iv)
{
	unsigned char nonce[BLKMAX] = { 0 }, zero[BLKMAX] = { 0 };
	char why[256];
	int rc;
	put32(nonce, sa->spi_esp);
	put32(nonce + sa->iv - 4, seq);
	rc = ss_crypto_cipher(sa->crypto, sa->cipher, 1, sa->key_cipher, sa->key_cipher_len, zero,
			      nonce, iv, sa->iv, why, sizeof why);
	return rc == SS_OK ? SS_OK : fail(sa, rc, "ESP IV: %s", why);
}

/* RFC 4106 sec. 3.1: the explicit IV only has to be unique per key
   (GCM needs no unpredictable IV, unlike CBC), so it is the sequence
   number, which never repeats within an SA, as a 64-bit big-endian
   counter (sec. 3.1 suggests a counter). It costs no cipher call. The
   nonce is salt | IV (sec. 4). */
static void gcm_iv(const ss_ipsec_sa *sa, uint32_t seq, unsigned char *iv, unsigned char *nonce)
{
	put32(iv, 0);
	put32(iv + 4, seq);
	memcpy(nonce, sa->key_cipher + sa->key_cipher_len, GCM_SALT);
	memcpy(nonce + GCM_SALT, iv, GCM_IV);
}

int ss_ipsec_protect(ss_ipsec_sa *sa, unsigned char *buf, size_t cap, size_t len, size_t *newlen)
{
	unsigned char hdr[IP_HDR];
	char why[256];
	int rc, tunnel;
	size_t out, off, ah_off = 0, esp_off = 0, data_off, inner;
	uint32_t seq;
	if (!sa)
		return SS_EINVAL;
	sa->err[0] = '\0';
	if (!buf || !newlen)
		return fail(sa, SS_EINVAL, "protect: NULL buffer or length");
	if (!sa->crypto)
		return fail(sa, SS_EINVAL, "protect: this SA has no crypto context (simulation only)");
	if (len < IP_HDR || len > IP_MAXLEN)
		return fail(sa, SS_EINVAL, "protect: a datagram of %zu bytes (20 to 65535)", len);
	if (sa->cfg.proto == SS_IPSEC_NONE) {
		*newlen = len; /* plain IP passes unchanged */
		sa->st.protected_pkts++;
		return SS_OK;
	}
	out = ss_ipsec_datagram_len(sa, (uint32_t)(len - IP_HDR));
	if (out > IP_MAXLEN)
		return fail(sa, SS_EINVAL, "protect: the protected datagram would be %zu bytes, "
			    "more than IPv4's 65535", out);
	if (out > cap)
		return fail(sa, SS_EINVAL, "protect: needs %zu bytes of room, the buffer has %zu",
			    out, cap);
	/* RFC 4303 sec. 3.3.3: the counter must not cycle within an SA. */
	if (sa->tx_seq == UINT32_MAX)
		return fail(sa, SS_EINVAL, "protect: sequence numbers exhausted; the SA needs "
			    "rekeying (RFC 4303 sec. 3.3.3)");
	seq = ++sa->tx_seq;
	tunnel = sa->cfg.mode == SS_IPSEC_TUNNEL;
	memcpy(hdr, buf, IP_HDR);

	/* Layout: IP | [AH] | [ESP hdr | IV] | payload | [pad | trailer | ICV];
	   the payload is the inner datagram (tunnel) or the segment. */
	off = IP_HDR;
	if (sa->ah) {
		ah_off = off;
		off += sa->ah_len;
	}
	if (sa->esp) {
		esp_off = off;
		off += ESP_HDR + sa->iv;
	}
	data_off = off;
	inner = tunnel ? len : len - IP_HDR;
	memmove(buf + data_off, buf + (tunnel ? 0 : IP_HDR), inner);

	if (sa->esp) {
		uint32_t pad = esp_pad(sa, inner);
		size_t ct = inner + pad + ESP_TRAILER;
		unsigned char *t = buf + data_off + inner;
		for (uint32_t i = 0; i < pad; i++)
			t[i] = (unsigned char)(i + 1); /* RFC 4303 sec. 2.4: 1, 2, 3, ... */
		t[pad] = (unsigned char)pad;
		t[pad + 1] = tunnel ? PROTO_IPIP : hdr[9];
		put32(buf + esp_off, sa->spi_esp);
		put32(buf + esp_off + 4, seq);
		if (sa->aead) {
			unsigned char nonce[GCM_SALT + GCM_IV];
			gcm_iv(sa, seq, buf + esp_off + ESP_HDR, nonce);
			/* RFC 4106 sec. 5: the AAD is the ESP header itself. The
			   tag lands right after the ciphertext: it is the ICV. */
			rc = ss_crypto_aead_seal(sa->crypto, sa->cipher, sa->key_cipher,
						 sa->key_cipher_len, nonce, sizeof nonce,
						 buf + esp_off, GCM_AAD, buf + data_off, ct,
						 buf + data_off, cap - data_off, NULL, why,
						 sizeof why);
			if (rc != SS_OK)
				return fail(sa, rc, "ESP seal: %s", why);
		} else if (sa->cipher) {
			unsigned char *iv = buf + esp_off + ESP_HDR;
			if ((rc = make_iv(sa, seq, iv)) != SS_OK)
				return rc;
			rc = ss_crypto_cipher(sa->crypto, sa->cipher, 1, sa->key_cipher,
					      sa->key_cipher_len, iv, buf + data_off, buf + data_off,
					      ct, why, sizeof why);
			if (rc != SS_OK)
				return fail(sa, rc, "ESP encrypt: %s", why);
		}
		if (sa->esp_auth) {
			/* RFC 4303 sec. 3.3.4: the ICV covers SPI, sequence, IV and
			   ciphertext. */
			rc = ss_crypto_mac(sa->crypto, sa->esp_auth, sa->key_esp, sa->key_esp_len,
					   buf + esp_off, data_off + ct - esp_off, buf + data_off + ct,
					   cap - (data_off + ct), NULL, why, sizeof why);
			if (rc != SS_OK)
				return fail(sa, rc, "ESP ICV: %s", why);
		}
	}

	/* The IP header: the original in transport mode; in tunnel mode a
	   new one as RFC 4301 sec. 5.1.2.1 builds it: TOS and DF copied from
	   the inner header, fragment offset 0, a fresh TTL; the endpoints
	   are the hosts themselves, so the addresses are the inner ones, and
	   the inner ID is reused (Linux picks a new one; the simulator wants
	   it deterministic). */
	if (tunnel) {
		memset(buf, 0, IP_HDR);
		buf[0] = 0x45;
		buf[1] = hdr[1];
		memcpy(buf + 4, hdr + 4, 2);
		buf[6] = hdr[6] & 0x40;
		buf[8] = TUNNEL_TTL;
		memcpy(buf + 12, hdr + 12, 8);
	}
	put16(buf + 2, (uint32_t)out);
	buf[9] = sa->ah ? PROTO_AH : PROTO_ESP;

	if (sa->ah) {
		unsigned char *a = buf + ah_off;
		unsigned char icv[ICVMAX];
		a[0] = sa->esp ? PROTO_ESP : tunnel ? PROTO_IPIP : hdr[9];
		a[1] = (unsigned char)(sa->ah_len / 4 - 2); /* RFC 4302 sec. 2.2 */
		a[2] = a[3] = 0;
		put32(a + 4, sa->spi_ah);
		put32(a + 8, seq);
		memset(a + AH_FIXED, 0, sa->ah_icv);
		if ((rc = ah_icv(sa, buf, out, ah_off, icv)) != SS_OK)
			return rc;
		memcpy(a + AH_FIXED, icv, sa->ah_icv);
	}
	ip_checksum(buf);
	*newlen = out;
	sa->st.protected_pkts++;
	return SS_OK;
}

/* Every length the packet claims is checked before it is used: the
   packet comes from the network. The order is RFC 4303's: SA (SPI),
   sequence number against the window, ICV, decryption and padding, and
   only then the window records the number (sec. 3.4.3: it is updated
   only once the ICV has verified; here also after the padding check,
   which for a cipher-only SA is the only check there is). */
int ss_ipsec_unprotect(ss_ipsec_sa *sa, unsigned char *buf, size_t len, size_t *newlen)
{
	char why[256];
	unsigned char icv[ICVMAX];
	int rc, tunnel;
	size_t off = IP_HDR, data_off, inner;
	uint32_t seq = 0;
	unsigned nh;
	if (!sa)
		return SS_EINVAL;
	sa->err[0] = '\0';
	if (!buf || !newlen)
		return fail(sa, SS_EINVAL, "unprotect: NULL buffer or length");
	if (!sa->crypto)
		return fail(sa, SS_EINVAL, "unprotect: this SA has no crypto context (simulation only)");
	if (len < IP_HDR || len > IP_MAXLEN)
		return fail(sa, SS_EINVAL, "unprotect: a datagram of %zu bytes (20 to 65535)", len);
	if (get16(buf + 2) != len)
		return fail(sa, SS_EINVAL, "unprotect: total length %u, but %zu bytes arrived",
			    (unsigned)get16(buf + 2), len);
	if (sa->cfg.proto == SS_IPSEC_NONE) {
		*newlen = len;
		sa->st.unprotected_pkts++;
		return SS_OK;
	}
	tunnel = sa->cfg.mode == SS_IPSEC_TUNNEL;
	if (buf[9] != (sa->ah ? PROTO_AH : PROTO_ESP))
		return fail(sa, SS_EINVAL, "unprotect: IP protocol %u, this SA expects %u",
			    buf[9], sa->ah ? PROTO_AH : PROTO_ESP);
	nh = buf[9];

	if (sa->ah) {
		const unsigned char *a = buf + off;
		if (len - off < sa->ah_len)
			return fail(sa, SS_EINVAL, "unprotect: %zu bytes cannot hold the %u-byte AH",
				    len - off, sa->ah_len);
		if (a[1] != sa->ah_len / 4 - 2)
			return fail(sa, SS_EINVAL, "unprotect: AH payload length %u, this SA's is %u",
				    a[1], sa->ah_len / 4 - 2);
		if (get32(a + 4) != sa->spi_ah)
			return fail(sa, SS_EINVAL, "unprotect: AH SPI 0x%08x is not this SA's 0x%08x",
				    (unsigned)get32(a + 4), (unsigned)sa->spi_ah);
		seq = get32(a + 8);
		if (!replay_ok(sa, seq)) {
			sa->st.replay_drops++;
			return fail(sa, SS_EVERIFY, "unprotect: AH sequence %u replayed or left of "
				    "the window", (unsigned)seq);
		}
		if ((rc = ah_icv(sa, buf, len, off, icv)) != SS_OK)
			return rc;
		if (!same_bytes(icv, a + AH_FIXED, sa->ah_icv)) {
			sa->st.auth_failures++;
			return fail(sa, SS_EVERIFY, "unprotect: AH ICV mismatch (sequence %u)",
				    (unsigned)seq);
		}
		nh = a[0];
		off += sa->ah_len;
	}

	if (sa->esp) {
		const unsigned char *e = buf + off;
		size_t fixed = ESP_HDR + sa->iv + sa->esp_icv, ct;
		unsigned char *pt;
		uint32_t pad;
		if (nh != PROTO_ESP)
			return fail(sa, SS_EINVAL, "unprotect: AH next header %u, this SA expects ESP",
				    nh);
		if (len - off < fixed + ESP_TRAILER)
			return fail(sa, SS_EINVAL, "unprotect: %zu bytes cannot hold ESP (%zu at least)",
				    len - off, fixed + ESP_TRAILER);
		ct = len - off - fixed;
		if (ct % sa->blk != 0)
			return fail(sa, SS_EINVAL, "unprotect: ESP ciphertext of %zu bytes is not a "
				    "multiple of %u", ct, sa->blk);
		if (get32(e) != sa->spi_esp)
			return fail(sa, SS_EINVAL, "unprotect: ESP SPI 0x%08x is not this SA's 0x%08x",
				    (unsigned)get32(e), (unsigned)sa->spi_esp);
		if (sa->ah) {
			/* One counter numbers both headers of a bundle. */
			if (get32(e + 4) != seq)
				return fail(sa, SS_EINVAL, "unprotect: ESP sequence %u differs from "
					    "AH's %u", (unsigned)get32(e + 4), (unsigned)seq);
		} else {
			seq = get32(e + 4);
			if (!replay_ok(sa, seq)) {
				sa->st.replay_drops++;
				return fail(sa, SS_EVERIFY, "unprotect: ESP sequence %u replayed or "
					    "left of the window", (unsigned)seq);
			}
		}
		data_off = off + ESP_HDR + sa->iv;
		if (sa->aead) {
			/* Combined mode (RFC 4303 sec. 3.4.4.2): one
			   open checks the ICV and decrypts; a failed check leaves
			   no plaintext (the crypto layer wipes it). */
			unsigned char nonce[GCM_SALT + GCM_IV];
			memcpy(nonce, sa->key_cipher + sa->key_cipher_len, GCM_SALT);
			memcpy(nonce + GCM_SALT, e + ESP_HDR, GCM_IV);
			rc = ss_crypto_aead_open(sa->crypto, sa->cipher, sa->key_cipher,
						 sa->key_cipher_len, nonce, sizeof nonce, e, GCM_AAD,
						 buf + data_off, ct + sa->esp_icv, buf + data_off,
						 ct, NULL, why, sizeof why);
			if (rc == SS_EVERIFY) {
				sa->st.auth_failures++;
				return fail(sa, SS_EVERIFY, "unprotect: ESP ICV mismatch (sequence %u)",
					    (unsigned)seq);
			}
			if (rc != SS_OK)
				return fail(sa, rc, "ESP open: %s", why);
		} else if (sa->esp_auth) {
			rc = ss_crypto_mac(sa->crypto, sa->esp_auth, sa->key_esp, sa->key_esp_len,
					   e, len - off - sa->esp_icv, icv, sizeof icv, NULL, why,
					   sizeof why);
			if (rc != SS_OK)
				return fail(sa, rc, "ESP ICV: %s", why);
			if (!same_bytes(icv, buf + len - sa->esp_icv, sa->esp_icv)) {
				sa->st.auth_failures++;
				return fail(sa, SS_EVERIFY, "unprotect: ESP ICV mismatch (sequence %u)",
					    (unsigned)seq);
			}
		}
		pt = buf + data_off;
		if (sa->cipher && !sa->aead) {
			rc = ss_crypto_cipher(sa->crypto, sa->cipher, 0, sa->key_cipher,
					      sa->key_cipher_len, e + ESP_HDR, pt, pt, ct, why,
					      sizeof why);
			if (rc != SS_OK)
				return fail(sa, rc, "ESP decrypt: %s", why);
		}
		pad = pt[ct - 2];
		nh = pt[ct - 1];
		if (pad + ESP_TRAILER > ct) {
			sa->st.pad_errors++;
			return fail(sa, SS_EVERIFY, "unprotect: ESP pad length %u in %zu bytes",
				    (unsigned)pad, ct);
		}
		inner = ct - ESP_TRAILER - pad;
		for (uint32_t i = 0; i < pad; i++) {
			if (pt[inner + i] != (unsigned char)(i + 1)) {
				sa->st.pad_errors++;
				return fail(sa, SS_EVERIFY, "unprotect: ESP pad byte %u is %u, not %u "
					    "(RFC 4303 sec. 2.4)", (unsigned)i + 1, pt[inner + i],
					    (unsigned)i + 1);
			}
		}
	} else {
		data_off = off;
		inner = len - off;
	}

	if (tunnel) {
		if (nh != PROTO_IPIP)
			return fail(sa, SS_EINVAL, "unprotect: next header %u in tunnel mode, not "
				    "IP-in-IP (4)", nh);
		if (inner < IP_HDR)
			return fail(sa, SS_EINVAL, "unprotect: an inner datagram of %zu bytes", inner);
	}
	replay_update(sa, seq);
	if (tunnel) {
		memmove(buf, buf + data_off, inner);
		*newlen = inner;
	} else {
		memmove(buf + IP_HDR, buf + data_off, inner);
		buf[9] = (unsigned char)nh;
		put16(buf + 2, (uint32_t)(IP_HDR + inner));
		ip_checksum(buf);
		*newlen = IP_HDR + inner;
	}
	sa->st.unprotected_pkts++;
	return SS_OK;
}
