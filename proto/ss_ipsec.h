/* IPsec as Linux 2.6's native stack (XFRM) does it: AH (RFC 4302 / 2402)
   and ESP (RFC 4303 / 2406), transport and tunnel mode, ESP followed by
   AH (ESP inside, AH outside, as setkey's "esp/transport ah/transport").
   A security association (SA) knows the exact bytes each datagram gains
   (headers, IV, padding, trailer, ICV, outer IP header in tunnel mode),
   the crypto work per datagram (for the host to charge from its cost
   profiles) and, in execute mode, does the real transforms through the
   crypto layer: the receiver checks the ICV, the sequence number against
   the anti-replay window, and decrypts.

   Sizes (no IP options, IPv4, 20-byte IP header):
   - ESP: 8 bytes (SPI, sequence) + IV (the cipher's block: 8 DES/3DES,
     16 AES-CBC; 0 for the null cipher) + payload + padding so that
     payload + pad + 2 is a multiple of the cipher block (4 for null) +
     2 (pad length, next header) + ICV (12 for HMAC-MD5-96/SHA1-96, 0
     without authentication).
   - ESP with AES-GCM (RFC 4106, a combined-mode cipher): 8 bytes + an
     8-byte explicit IV + payload + padding to a multiple of 4 (GCM
     itself needs none) + 2 + a 16-byte ICV, the GCM tag; no separate
     integrity algorithm. The nonce is a 4-byte salt (the last bytes of
     the SA's key material, RFC 4106 sec. 8.1) followed by the IV; the
     AAD is the SPI and the 32-bit sequence number (8 bytes, no extended
     sequence numbers, sec. 5).
   - AH: 12 bytes + ICV (12), a multiple of 4 bytes for IPv4 (24 in all).
   - Tunnel mode adds an outer IPv4 header (20) and protects the whole
     inner datagram; transport mode protects the transport payload.
   The SA is not thread-safe: one per direction per host. */
#ifndef SS_IPSEC_H
#define SS_IPSEC_H

#include <stddef.h>
#include <stdint.h>

#include "ss_crypto.h"

typedef enum ss_ipsec_proto {
	SS_IPSEC_NONE,   /* plain IP: every size and work function gives 0 */
	SS_IPSEC_AH,
	SS_IPSEC_ESP,
	SS_IPSEC_ESP_AH  /* ESP inside, AH outside */
} ss_ipsec_proto;

typedef enum ss_ipsec_mode {
	SS_IPSEC_TRANSPORT,
	SS_IPSEC_TUNNEL
} ss_ipsec_mode;

/* Algorithms by crypto registry name ("3des-cbc", "aes128-cbc",
   "aes128-gcm", "hmac-sha1-96", ...); "" (or "null") for none. ESP needs
   a cipher or an auth (or both); an AEAD cipher (aes128-gcm, aes256-gcm)
   takes no auth; AH needs ah_auth, a MAC. */
typedef struct ss_ipsec_config {
	ss_ipsec_proto proto;
	ss_ipsec_mode mode;
	char cipher[24];   /* ESP cipher (CBC or AEAD), "" for the null cipher */
	char esp_auth[24]; /* ESP integrity, "" for none */
	char ah_auth[24];  /* AH integrity (AH and ESP_AH) */
	uint32_t replay_window; /* anti-replay window in packets (Linux setkey default 32; 0: no check) */
} ss_ipsec_config;

/* Parses a configuration as users write it in scenario files, case
   insensitive: "none" | "IP", "AH MD5", "AH SHA1", "ESP DES", "ESP 3DES",
   "ESP AES128", "ESP AES256" (cipher alone), "ESP 3DES MD5", "ESP AES128
   SHA1" (cipher + ESP integrity), "ESP NULL SHA1", "ESP 3DES AH SHA1"
   (ESP cipher, then AH), "ESP AES128-GCM", "ESP AES256-GCM" (combined
   mode; also written AES128GCM, AES256GCM), optionally followed by
   "tunnel" or "transport" (default transport). MD5 means hmac-md5-96,
   SHA1 hmac-sha1-96, DES des-cbc, 3DES 3des-cbc, AES128 aes128-cbc,
   AES256 aes256-cbc, AES128-GCM aes128-gcm, AES256-GCM aes256-gcm.
   An integrity word after a GCM cipher ("ESP AES128-GCM SHA1") is
   refused: the GCM tag is the ICV (RFC 4303 sec. 3.2.3, RFC 4106).
   SS_EINVAL with a message naming the bad word and the accepted ones. */
int ss_ipsec_config_parse(const char *text, ss_ipsec_config *c, char *err, size_t errlen);
/* The canonical text of c (the form the parser accepts; "IP" for none;
   GCM as "AES128-GCM" / "AES256-GCM"). */
void ss_ipsec_config_format(const ss_ipsec_config *c, char *buf, size_t len);

typedef struct ss_ipsec_sa ss_ipsec_sa;

/* An SA for c. crypto NULL: sizes and work only (simulation); with a
   crypto context: also protect/unprotect with fixed test keys (the same
   keys on both hosts, derived from the SPI, so a sender's SA and a
   receiver's SA built from one configuration interoperate). SS_EINVAL
   (message) for an inconsistent configuration or unknown algorithm,
   SS_ENOMEM, SS_ECRYPTO. An AEAD cipher together with esp_auth is
   SS_EINVAL. */
int ss_ipsec_sa_alloc(ss_ipsec_sa **out, const ss_ipsec_config *c, ss_crypto *crypto, char *err, size_t errlen);
void ss_ipsec_sa_free(ss_ipsec_sa *sa); /* NULL is a no-op */
const ss_ipsec_config *ss_ipsec_sa_config(const ss_ipsec_sa *sa);

/* Bytes IPsec adds to a datagram whose transport segment (TCP header +
   options + payload) has n bytes: the protected datagram is
   20 + n + overhead bytes long. Depends on n through ESP padding. */
uint32_t ss_ipsec_overhead(const ss_ipsec_sa *sa, uint32_t n);
/* 20 + n + ss_ipsec_overhead(sa, n). */
uint32_t ss_ipsec_datagram_len(const ss_ipsec_sa *sa, uint32_t n);
/* The largest transport segment n whose datagram fits in mtu bytes
   (Linux's MSS under IPsec is this less the TCP header and options). */
uint32_t ss_ipsec_max_segment(const ss_ipsec_sa *sa, uint32_t mtu);

/* The crypto work of one datagram with an n-byte transport segment, in
   the order it is done on output (input does the same items, in reverse
   order): at most 3 items (ESP cipher, ESP auth, AH auth), each an
   algorithm and the bytes it processes (the cipher: the padded payload,
   pad and trailer; ESP auth: ESP header + IV + ciphertext; AH: the whole
   outer datagram). A GCM SA has one ESP item, "esp-aead", over the
   same padded payload, pad and trailer; its 8 AAD bytes are not
   counted, since the calibrated per-call cost already includes them
   (each timed call seals with that 8-byte AAD). Returns the number of
   items written to w. */
typedef struct ss_ipsec_work {
	const ss_crypto_alg *alg;
	uint32_t bytes;
	const char *what; /* "esp-cipher", "esp-aead", "esp-auth", "ah-auth" */
} ss_ipsec_work;
size_t ss_ipsec_work_get(const ss_ipsec_sa *sa, uint32_t n, ss_ipsec_work w[3]);

/* Execute mode (the SA has a crypto context). buf holds an IPv4
   datagram of len bytes (20-byte header: the caller's own layout, of
   which protect fills total length, protocol and checksum as RFC 791
   says); protect rewrites it in place into the protected datagram
   (cap bytes of room) and sets *newlen; the sequence number is the SA's
   next. SS_EINVAL when cap is too small, SS_ECRYPTO.
   unprotect checks and strips: SS_EVERIFY for a bad ICV, a bad padding,
   or a sequence number outside the replay window or seen before
   (counted apart, see stats); SS_EINVAL for a datagram that cannot be
   this SA's. On SS_OK buf holds the original datagram (*newlen bytes).
   The inbound order is RFC 4303's: SPI, sequence number against the
   window, then the ICV (with GCM one open checks the tag and decrypts,
   leaving no plaintext if the tag is wrong), then the padding, and only
   then the window records the number. */
int ss_ipsec_protect(ss_ipsec_sa *sa, unsigned char *buf, size_t cap, size_t len, size_t *newlen);
int ss_ipsec_unprotect(ss_ipsec_sa *sa, unsigned char *buf, size_t len, size_t *newlen);

/* Sequence numbers without execute mode: the next outbound number, and
   the receiver's anti-replay decision for an inbound one (1 accepted and
   recorded, 0 refused: replayed or left of the window). */
uint32_t ss_ipsec_seq_next(ss_ipsec_sa *sa);
int ss_ipsec_seq_accept(ss_ipsec_sa *sa, uint32_t seq);

typedef struct ss_ipsec_stats {
	uint64_t protected_pkts, unprotected_pkts;
	uint64_t auth_failures;   /* ICV mismatch (corrupted in flight) */
	uint64_t replay_drops;    /* duplicate or too old */
	uint64_t pad_errors;      /* ESP padding check failed after decryption */
} ss_ipsec_stats;
void ss_ipsec_stats_get(const ss_ipsec_sa *sa, ss_ipsec_stats *s);

/* The SA's fixed test key for one transform, by the work item's name
   ("esp-cipher", "esp-aead", "esp-auth", "ah-auth"): its bytes and
   length, or NULL if the SA has no such transform. For "esp-aead" it is
   RFC 4106's key material: the AES key then the 4-byte salt (20 or 36
   bytes). For tests that recompute a packet
   with the crypto layer directly. */
const unsigned char *ss_ipsec_sa_key(const ss_ipsec_sa *sa, const char *what, size_t *len);
/* The SA's SPI for SS_IPSEC_ESP or SS_IPSEC_AH (0 if it has no such
   header): a function of the canonical configuration text. */
uint32_t ss_ipsec_sa_spi(const ss_ipsec_sa *sa, ss_ipsec_proto which);
/* Why the last protect or unprotect failed ("" if none failed); the
   per-packet calls take no message buffer. */
const char *ss_ipsec_error(const ss_ipsec_sa *sa);

#endif
