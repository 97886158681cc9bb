/* Protocol stacks written as x-kernel graphs, top layer first:
   "DES/TCP/MD5/IP/FDDI". The parser checks the order: at most one cipher
   (DES, 3DES, AES) above the transport, at most one digest (MD5, SHA1)
   between transport and IP. */
#ifndef SS_STACK_H
#define SS_STACK_H

#include <stddef.h>

typedef enum ss_layer_kind {
	SS_LAYER_DES,   /* DES-CBC confidentiality */
	SS_LAYER_3DES,  /* triple DES (EDE), CBC */
	SS_LAYER_AES,   /* AES-128-CBC */
	SS_LAYER_TCP,
	SS_LAYER_UDP,
	SS_LAYER_MD5,   /* MD5 digest for integrity/authentication */
	SS_LAYER_SHA1,  /* SHA-1 digest */
	SS_LAYER_IP,
	SS_LAYER_FDDI   /* the FDDI MAC layer over an in-memory driver */
} ss_layer_kind;

#define SS_STACK_MAX 8

typedef struct ss_stack {
	ss_layer_kind layer[SS_STACK_MAX]; /* top first */
	size_t n;
	int cipher;     /* index of DES/3DES, or -1 */
	int transport;  /* index of TCP/UDP */
	int digest;     /* index of MD5, or -1 */
	int fddi;       /* has an FDDI layer */
} ss_stack;

/* Parses "3DES/TCP/MD5/IP/FDDI" (also "3-DES", any case). Returns 0, or
   SS_EINVAL with what is wrong. */
int ss_stack_parse(const char *text, ss_stack *s, char *err, size_t errlen);
/* The paper's way of writing it: "3-DES/TCP/MD5/IP" (no link layer). */
void ss_stack_label(const ss_stack *s, char *buf, size_t len);
const char *ss_layer_name(ss_layer_kind k);
/* Crypto algorithm (registry name, crypto/ss_crypto.h) of a layer, or NULL. */
const char *ss_layer_alg(ss_layer_kind k);

#endif
