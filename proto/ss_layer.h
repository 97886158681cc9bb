/* Protocol layers as registered types, and stacks of them.

   A layer type is a const descriptor: its name (and other spellings), its
   role in a stack, the crypto algorithm it runs, whether it takes
   arguments, and how it contributes steps to a protocol cost program.
   A registry holds the types a stack string may name: the built-in ones
   (TCP, UDP, IP, FDDI, ETH, MD5, SHA1, DES, 3DES, AES, ESP, AH) and any a
   host model adds.

   A stack string names layers top first, separated by '/':
   "DES/TCP/MD5/IP/FDDI", "TCP/ESP(3DES,SHA1,tunnel)/IP/ETH". Names are
   case-insensitive. The grammar places layers by role, top to bottom:

     cipher     at most one, above the transport (x-kernel DES over TCP)
     transport  at most one
     digest     at most one, below the transport (x-kernel MD5 under TCP)
     ipsec      any number (AH/ESP), above the network layer
     network    exactly one
     link       at most one, the bottom layer

   A cipher needs a transport below it and a digest one above it; a
   transport and an IPsec layer need the network layer below them. Any
   order these rules allow is a stack; anything else is refused with
   what is wrong. There is no limit on the number of layers. */
#ifndef SS_LAYER_H
#define SS_LAYER_H

#include <stddef.h>

#include "ss_profile.h"
#include "ss_prog.h"

typedef enum ss_layer_role {
	SS_LAYER_CIPHER,    /* confidentiality of the transport's data */
	SS_LAYER_TRANSPORT, /* TCP, UDP */
	SS_LAYER_DIGEST,    /* integrity of the transport's segments */
	SS_LAYER_IPSEC,     /* ESP, AH (RFC 4301) */
	SS_LAYER_NETWORK,   /* IP */
	SS_LAYER_LINK,      /* FDDI, Ethernet */
	SS_LAYER_NROLES
} ss_layer_role;

/* "cipher", "transport", "digest", "ipsec", "network", "link". */
const char *ss_layer_role_name(ss_layer_role r);

typedef struct ss_layer ss_layer;

/* What a host model's costs say about one layer of its stack, the input
   of a layer type's build. Times are microseconds alone on one processor
   (memory time included), as the papers give them; ss_layer_costs_init
   sets every slot to -1 (none) and the rest to 0. */
typedef struct ss_layer_costs {
	/* Where the steps go. */
	int tag;              /* accounting tag of protocol work */
	int crypto_tag;       /* of crypto work */
	int bus;              /* bus slot of memory steps */
	double cap;           /* bytes per ps one processor moves alone (> 0) */
	/* The active-map lookup (demultiplexing) the layer starts with. */
	double map_us;        /* 0: none */
	int map_lock;         /* state slot of the map's lock, -1: a private map */
	/* Protocol work outside any lock, and the memory traffic in it. */
	double us, bytes;
	/* Work under the layer's state lock (a TCP connection's), after the
	   state comes into the cache if another processor held it last. */
	int state_lock;       /* -1: none */
	double state_bytes;
	double locked_us, locked_bytes;
	/* IPsec layers: the time of their transforms' crypto work (the host
	   prices its SA's work items, proto/ss_ipsec.h, at its crypto
	   profile), charged after the layer's own work with crypto_tag. */
	double crypto_us;
	/* Crypto layers: the profile's cost of transforming payload_bytes. */
	const ss_profile *profile;
	double payload_bytes;
	int exec;             /* execute-mode transform slot, -1: none */
} ss_layer_costs;

void ss_layer_costs_init(ss_layer_costs *c);

/* Appends a layer's steps for one packet to a program. SS_OK; SS_EINVAL
   with a message (a cost the profile lacks); SS_ENOMEM. */
typedef int (*ss_layer_build_fn)(const ss_layer *l, const ss_layer_costs *c, ss_prog *p, char *err, size_t errlen);

typedef struct ss_layer_type {
	const char *name;            /* canonical spelling: "3DES" */
	const char *label;           /* as the papers print it: "3-DES" */
	const char *const *aliases;  /* other accepted spellings, NULL-terminated, or NULL */
	ss_layer_role role;
	const char *alg;             /* crypto algorithm (crypto/ss_crypto.h name), or NULL */
	size_t max_args;             /* arguments it takes in parentheses: 0 for none */
	const char *args_doc;        /* what they are, for messages: "(cipher,auth,mode)" */
	ss_layer_build_fn build;     /* its steps from its costs */
	const char *doc;             /* one line */
} ss_layer_type;

/* The built-in types. */
extern const ss_layer_type ss_layer_tcp, ss_layer_udp, ss_layer_ip, ss_layer_fddi, ss_layer_eth;
extern const ss_layer_type ss_layer_md5, ss_layer_sha1, ss_layer_des, ss_layer_3des, ss_layer_aes;
extern const ss_layer_type ss_layer_esp, ss_layer_ah;

/* A set of layer types looked up by name. A NULL registry, wherever one
   is taken, means the built-in types alone. */
typedef struct ss_layer_registry ss_layer_registry;

/* A registry holding the built-in types. SS_OK or SS_ENOMEM. */
int ss_layer_registry_alloc(ss_layer_registry **out);
void ss_layer_registry_free(ss_layer_registry *r); /* NULL is a no-op */
/* Adds a type (kept by pointer: it must outlive the registry). SS_EINVAL
   when its name or an alias is already taken, or it has no name. */
int ss_layer_registry_add(ss_layer_registry *r, const ss_layer_type *t, char *err, size_t errlen);
size_t ss_layer_registry_count(const ss_layer_registry *r);
const ss_layer_type *ss_layer_registry_at(const ss_layer_registry *r, size_t i);

/* The type named `name` (any spelling, any case), or NULL. */
const ss_layer_type *ss_layer_find(const ss_layer_registry *r, const char *name);
/* The canonical names nearest to a misspelt `name` that are close enough
   to be a typo, joined with " or " into buf ("DES or 3DES"); "" when none
   is. Returns how many. */
size_t ss_layer_nearest(const ss_layer_registry *r, const char *name, char *buf, size_t len);

/* One layer of a stack: a type and its arguments. */
const ss_layer_type *ss_layer_type_of(const ss_layer *l);
size_t ss_layer_argc(const ss_layer *l);
const char *ss_layer_arg(const ss_layer *l, size_t i); /* NULL past the last */
/* The layer as configuration text, words separated by spaces:
   "ESP 3DES SHA1 tunnel", "AH MD5", "TCP" (the form proto/ss_ipsec.h
   reads). Returns the length it needed, as snprintf does. */
size_t ss_layer_config(const ss_layer *l, char *buf, size_t len);

/* The layer type's build. The built-in types build, in order:
   every one: the map lookup (under map_lock when there is one);
   transport: with a state lock, lock, migrate state_bytes, the locked
     work ("TCP (locked)"), unlock; then the work outside the lock;
   cipher, digest: the profile's cost of payload_bytes, as memory
     traffic (a digest reads the payload, a cipher reads and writes it)
     and compute, then the execute-mode transform;
   network, link: the work;
   ipsec: the work, then crypto_us of crypto (ESP's and AH's transforms
     are the IPsec module's, proto/ss_ipsec.h, from the layer's
     arguments).
   Work is ss_prog_work: memory first, then the rest as compute. */
int ss_layer_build(const ss_layer *l, const ss_layer_costs *c, ss_prog *p, char *err, size_t errlen);

/* A parsed stack, top layer first. */
typedef struct ss_layer_stack ss_layer_stack;

/* Parses and checks a stack string against the registry's types. SS_OK;
   SS_EINVAL with what is wrong (an unknown layer with the nearest valid
   names, bad arguments, a misplaced or repeated layer); SS_ENOMEM.
   *out is NULL on failure. */
int ss_layer_stack_parse(ss_layer_stack **out, const ss_layer_registry *r, const char *text, char *err,
			 size_t errlen);
void ss_layer_stack_free(ss_layer_stack *s); /* NULL is a no-op */

size_t ss_layer_stack_len(const ss_layer_stack *s);
const ss_layer *ss_layer_stack_at(const ss_layer_stack *s, size_t i); /* NULL past the bottom */
/* Index of the first (topmost) layer with that role, or -1. */
int ss_layer_stack_find(const ss_layer_stack *s, ss_layer_role role);
/* Canonical text: "3DES/TCP/MD5/IP/FDDI", "ESP(3DES,SHA1,tunnel)/IP/ETH".
   Both return the length needed, as snprintf does. */
size_t ss_layer_stack_text(const ss_layer_stack *s, char *buf, size_t len);
/* The papers' way of writing it: labels, no link layer:
   "3-DES/TCP/MD5/IP". */
size_t ss_layer_stack_label(const ss_layer_stack *s, char *buf, size_t len);

#endif
