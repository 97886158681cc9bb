/* Layer types, their registry and the stack grammar (proto/ss_layer.h). */
#include "ss_layer.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ss_err.h"
#include "ss_grow.h"
#include "ss_text.h"

/* One layer of a stack. */
struct ss_layer {
	const ss_layer_type *type;
	char **argv;
	size_t argc, cap;
};

/* ---------------- building a layer's steps ---------------- */

void ss_layer_costs_init(ss_layer_costs *c)
{
	*c = (ss_layer_costs){.map_lock = -1, .state_lock = -1, .exec = -1};
}

/* Demultiplexing: the layer's active-map lookup, under the map's lock
   when the map is shared. */
static int map_lookup(const ss_layer_costs *c, ss_prog *p)
{
	if (c->map_us <= 0)
		return SS_OK;
	if (c->map_lock >= 0)
		ss_prog_lock(p, c->map_lock, "wait map lock");
	ss_prog_compute(p, ss_time_from_us(c->map_us), c->tag, "map lookup");
	if (c->map_lock >= 0)
		ss_prog_unlock(p, c->map_lock);
	return ss_prog_status(p);
}

static const char *label_of(const ss_layer *l);

/* Network, link and IPsec layers: the lookup, then the work. */
static int build_plain(const ss_layer *l, const ss_layer_costs *c, ss_prog *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	map_lookup(c, p);
	ss_prog_work(p, label_of(l), c->us, c->bytes, c->bus, c->cap, c->tag);
	return ss_prog_status(p);
}

/* ESP, AH: the lookup, the layer's work, then its transforms' crypto. */
static int build_ipsec(const ss_layer *l, const ss_layer_costs *c, ss_prog *p, char *err, size_t errlen)
{
	int rc = build_plain(l, c, p, err, errlen);
	if (rc == SS_OK && c->crypto_us > 0)
		ss_prog_compute(p, ss_time_from_us(c->crypto_us), c->crypto_tag,
				ss_prog_label(p, "%s crypto", label_of(l)));
	return ss_prog_status(p);
}

/* A transport: the section under the connection's lock starts with the
   state coming into this processor's cache (when another one held it
   last), then the rest of the work outside it. */
static int build_transport(const ss_layer *l, const ss_layer_costs *c, ss_prog *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	const char *name = label_of(l);
	map_lookup(c, p);
	if (c->state_lock >= 0) {
		ss_prog_lock(p, c->state_lock, ss_prog_label(p, "wait %s lock", name));
		ss_prog_migrate(p, c->state_lock, c->bus, c->state_bytes);
		ss_prog_work(p, ss_prog_label(p, "%s (locked)", name), c->locked_us, c->locked_bytes, c->bus, c->cap, c->tag);
		ss_prog_unlock(p, c->state_lock);
	}
	ss_prog_work(p, name, c->us, c->bytes, c->bus, c->cap, c->tag);
	return ss_prog_status(p);
}

/* A cipher or a digest over the payload, at the profile's cost. A digest
   reads the payload, a cipher reads and writes it: that traffic is the
   memory part of the cost, the rest compute. A profile faster than the
   memory makes it all memory stall. */
static int build_crypto(const ss_layer *l, const ss_layer_costs *c, ss_prog *p, char *err, size_t errlen)
{
	const ss_layer_type *t = l->type;
	map_lookup(c, p);
	if (!c->profile) {
		ss_errbuf(err, errlen, "%s needs a crypto cost profile", t->name);
		return SS_EINVAL;
	}
	ss_time cost;
	char e[256];
	if (ss_profile_cost_by_name(c->profile, t->alg, (size_t)c->payload_bytes, &cost, e, sizeof e)) {
		ss_errbuf(err, errlen, "%s", e);
		return SS_EINVAL;
	}
	double traffic = t->role == SS_LAYER_DIGEST ? c->payload_bytes : 2 * c->payload_bytes;
	double mem_ps = traffic / c->cap;
	if (mem_ps > (double)cost)
		mem_ps = (double)cost;
	const char *what = label_of(l);
	ss_prog_mem(p, c->bus, mem_ps * c->cap, what);
	ss_prog_compute(p, (ss_time)((double)cost - mem_ps), c->crypto_tag, what);
	if (c->exec >= 0)
		ss_prog_exec(p, c->exec);
	return ss_prog_status(p);
}

/* ---------------- the built-in types ---------------- */

static const char *const aliases_3des[] = {"3-DES", NULL};
static const char *const aliases_sha1[] = {"SHA-1", NULL};
static const char *const aliases_eth[] = {"ETHERNET", NULL};

const ss_layer_type ss_layer_des = {
	.name = "DES", .label = "DES", .role = SS_LAYER_CIPHER, .alg = "des-cbc",
	.build = build_crypto,
	.doc = "DES-CBC over the transport's data (FIPS 46-3, SP 800-38A)",
};
const ss_layer_type ss_layer_3des = {
	.name = "3DES", .label = "3-DES", .aliases = aliases_3des, .role = SS_LAYER_CIPHER, .alg = "3des-cbc",
	.build = build_crypto,
	.doc = "triple DES (EDE, three keys) in CBC mode (SP 800-67)",
};
const ss_layer_type ss_layer_aes = {
	.name = "AES", .label = "AES", .role = SS_LAYER_CIPHER, .alg = "aes128-cbc",
	.build = build_crypto,
	.doc = "AES-128-CBC (FIPS 197)",
};
const ss_layer_type ss_layer_tcp = {
	.name = "TCP", .label = "TCP", .role = SS_LAYER_TRANSPORT,
	.build = build_transport,
	.doc = "TCP (RFC 793): connection state, checksum",
};
const ss_layer_type ss_layer_udp = {
	.name = "UDP", .label = "UDP", .role = SS_LAYER_TRANSPORT,
	.build = build_transport,
	.doc = "UDP (RFC 768): no connection state",
};
const ss_layer_type ss_layer_md5 = {
	.name = "MD5", .label = "MD5", .role = SS_LAYER_DIGEST, .alg = "md5",
	.build = build_crypto,
	.doc = "MD5 digest of the transport's segments (RFC 1321), keyless as in Nahum et al.",
};
const ss_layer_type ss_layer_sha1 = {
	.name = "SHA1", .label = "SHA-1", .aliases = aliases_sha1, .role = SS_LAYER_DIGEST, .alg = "sha1",
	.build = build_crypto,
	.doc = "SHA-1 digest of the transport's segments (FIPS 180)",
};
const ss_layer_type ss_layer_esp = {
	.name = "ESP", .label = "ESP", .role = SS_LAYER_IPSEC, .max_args = 3, .args_doc = "(cipher,auth,mode)",
	.build = build_ipsec,
	.doc = "IPsec Encapsulating Security Payload (RFC 4303); its arguments go to the IPsec module as text",
};
const ss_layer_type ss_layer_ah = {
	.name = "AH", .label = "AH", .role = SS_LAYER_IPSEC, .max_args = 2, .args_doc = "(auth,mode)",
	.build = build_ipsec,
	.doc = "IPsec Authentication Header (RFC 4302); its arguments go to the IPsec module as text",
};
const ss_layer_type ss_layer_ip = {
	.name = "IP", .label = "IP", .role = SS_LAYER_NETWORK,
	.build = build_plain,
	.doc = "IPv4 (RFC 791)",
};
const ss_layer_type ss_layer_fddi = {
	.name = "FDDI", .label = "FDDI", .role = SS_LAYER_LINK,
	.build = build_plain,
	.doc = "the FDDI MAC layer (ISO 9314) over an in-memory driver",
};
const ss_layer_type ss_layer_eth = {
	.name = "ETH", .label = "ETH", .aliases = aliases_eth, .role = SS_LAYER_LINK,
	.build = build_plain,
	.doc = "Ethernet framing (IEEE 802.3)",
};

static const ss_layer_type *const builtin[] = {
	&ss_layer_des, &ss_layer_3des, &ss_layer_aes, &ss_layer_tcp, &ss_layer_udp, &ss_layer_md5,
	&ss_layer_sha1, &ss_layer_esp, &ss_layer_ah, &ss_layer_ip, &ss_layer_fddi, &ss_layer_eth,
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])

/* Placement by role, top to bottom in enum order (ss_layer.h). */
static const struct role_rule {
	const char *name;
	const char *noun;  /* with its article, for messages */
	const char *plural;
	int many;          /* more than one allowed */
} rules[SS_LAYER_NROLES] = {
	[SS_LAYER_CIPHER] = {.name = "cipher", .noun = "a cipher", .plural = "ciphers"},
	[SS_LAYER_TRANSPORT] = {.name = "transport", .noun = "a transport", .plural = "transports"},
	[SS_LAYER_DIGEST] = {.name = "digest", .noun = "a digest", .plural = "digests"},
	/* AH over ESP, or nested tunnels (RFC 4301 sec. 4.5). */
	[SS_LAYER_IPSEC] = {.name = "ipsec", .noun = "an IPsec layer", .plural = "IPsec layers", .many = 1},
	[SS_LAYER_NETWORK] = {.name = "network", .noun = "a network layer", .plural = "network layers"},
	[SS_LAYER_LINK] = {.name = "link", .noun = "a link layer", .plural = "link layers"},
};

const char *ss_layer_role_name(ss_layer_role r)
{
	return (unsigned)r < SS_LAYER_NROLES ? rules[r].name : "?";
}

/* ---------------- the registry ---------------- */

struct ss_layer_registry {
	const ss_layer_type **v;
	size_t n, cap;
};

static const ss_layer_type *const *types_of(const ss_layer_registry *r, size_t *n)
{
	if (!r) {
		*n = NBUILTIN;
		return builtin;
	}
	*n = r->n;
	return r->v;
}

int ss_layer_registry_alloc(ss_layer_registry **out)
{
	*out = NULL;
	ss_layer_registry *r = calloc(1, sizeof *r);
	if (!r || ss_grow(&r->v, &r->cap, NBUILTIN, sizeof *r->v, NBUILTIN)) {
		free(r);
		return SS_ENOMEM;
	}
	for (size_t i = 0; i < NBUILTIN; i++)
		r->v[r->n++] = builtin[i];
	*out = r;
	return SS_OK;
}

void ss_layer_registry_free(ss_layer_registry *r)
{
	if (!r)
		return;
	free(r->v);
	free(r);
}

size_t ss_layer_registry_count(const ss_layer_registry *r)
{
	size_t n;
	types_of(r, &n);
	return n;
}

const ss_layer_type *ss_layer_registry_at(const ss_layer_registry *r, size_t i)
{
	size_t n;
	const ss_layer_type *const *v = types_of(r, &n);
	return i < n ? v[i] : NULL;
}

/* Whether t answers to `name` (its name or an alias, any case). */
static int answers(const ss_layer_type *t, const char *name)
{
	if (!strcasecmp(t->name, name))
		return 1;
	for (size_t a = 0; t->aliases && t->aliases[a]; a++)
		if (!strcasecmp(t->aliases[a], name))
			return 1;
	return 0;
}

const ss_layer_type *ss_layer_find(const ss_layer_registry *r, const char *name)
{
	size_t n;
	const ss_layer_type *const *v = types_of(r, &n);
	for (size_t i = 0; name && i < n; i++)
		if (answers(v[i], name))
			return v[i];
	return NULL;
}

int ss_layer_registry_add(ss_layer_registry *r, const ss_layer_type *t, char *err, size_t errlen)
{
	if (!r || !t || !t->name || !t->name[0] || (unsigned)t->role >= SS_LAYER_NROLES) {
		ss_errbuf(err, errlen, "a layer type needs a name and a role");
		return SS_EINVAL;
	}
	const ss_layer_type *dup = ss_layer_find(r, t->name);
	for (size_t a = 0; !dup && t->aliases && t->aliases[a]; a++)
		dup = ss_layer_find(r, t->aliases[a]);
	if (dup) {
		ss_errbuf(err, errlen, "layer type '%s': the name is taken by %s", t->name, dup->name);
		return SS_EINVAL;
	}
	if (ss_grow(&r->v, &r->cap, r->n + 1, sizeof *r->v, 16))
		return SS_ENOMEM;
	r->v[r->n++] = t;
	return SS_OK;
}

/* Appends to buf at *w, as snprintf does, keeping *w the length needed. */
SS_PRINTF(4, 5) static void put(char *buf, size_t len, size_t *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf && *w < len ? buf + *w : NULL, *w < len ? len - *w : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		*w += (size_t)k;
}

size_t ss_layer_nearest(const ss_layer_registry *r, const char *name, char *buf, size_t len)
{
	size_t n, best = (size_t)-1, count = 0, w = 0;
	const ss_layer_type *const *v = types_of(r, &n);
	if (len)
		buf[0] = '\0';
	size_t *d = malloc((n ? n : 1) * sizeof *d);
	if (!d)
		return 0;
	for (size_t i = 0; i < n; i++) {
		d[i] = ss_edit_distance(name, v[i]->name);
		for (size_t a = 0; v[i]->aliases && v[i]->aliases[a]; a++) {
			size_t e = ss_edit_distance(name, v[i]->aliases[a]);
			if (e < d[i])
				d[i] = e;
		}
		if (d[i] < best)
			best = d[i];
	}
	/* As ss_nearest: close enough to be a typo. */
	if (best <= 1 + strlen(name) / 3)
		for (size_t i = 0; i < n; i++)
			if (d[i] == best) {
				put(buf, len, &w, "%s%s", count ? " or " : "", v[i]->name);
				count++;
			}
	free(d);
	return count;
}

/* The canonical names of a role's types: "TCP or UDP". */
static void role_names(const ss_layer_registry *r, ss_layer_role role, char *buf, size_t len)
{
	size_t n, w = 0, k = 0;
	const ss_layer_type *const *v = types_of(r, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (v[i]->role == role)
			put(buf, len, &w, "%s%s", k++ ? " or " : "", v[i]->name);
}

/* ---------------- stacks ---------------- */

struct ss_layer_stack {
	ss_layer *v;
	size_t n, cap;
};

const ss_layer_type *ss_layer_type_of(const ss_layer *l) { return l->type; }
size_t ss_layer_argc(const ss_layer *l) { return l->argc; }
const char *ss_layer_arg(const ss_layer *l, size_t i) { return i < l->argc ? l->argv[i] : NULL; }

static const char *label_of(const ss_layer *l) { return l->type->label ? l->type->label : l->type->name; }

int ss_layer_build(const ss_layer *l, const ss_layer_costs *c, ss_prog *p, char *err, size_t errlen)
{
	if (!l->type->build) {
		ss_errbuf(err, errlen, "layer type %s has no cost model", l->type->name);
		return SS_EINVAL;
	}
	if (!(c->cap > 0)) {
		ss_errbuf(err, errlen, "%s: the processor's memory rate (cap) must be positive", l->type->name);
		return SS_EINVAL;
	}
	return l->type->build(l, c, p, err, errlen);
}

size_t ss_layer_config(const ss_layer *l, char *buf, size_t len)
{
	size_t w = 0;
	if (len)
		buf[0] = '\0';
	put(buf, len, &w, "%s", l->type->name);
	for (size_t i = 0; i < l->argc; i++)
		put(buf, len, &w, " %s", l->argv[i]);
	return w;
}

void ss_layer_stack_free(ss_layer_stack *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		for (size_t a = 0; a < s->v[i].argc; a++)
			free(s->v[i].argv[a]);
		free(s->v[i].argv);
	}
	free(s->v);
	free(s);
}

size_t ss_layer_stack_len(const ss_layer_stack *s) { return s->n; }
const ss_layer *ss_layer_stack_at(const ss_layer_stack *s, size_t i) { return i < s->n ? &s->v[i] : NULL; }

int ss_layer_stack_find(const ss_layer_stack *s, ss_layer_role role)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].type->role == role)
			return (int)i;
	return -1;
}

static size_t write_stack(const ss_layer_stack *s, char *buf, size_t len, int label)
{
	size_t w = 0, k = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		const ss_layer *l = &s->v[i];
		if (label && l->type->role == SS_LAYER_LINK)
			continue;
		put(buf, len, &w, "%s%s", k++ ? "/" : "", label && l->type->label ? l->type->label : l->type->name);
		for (size_t a = 0; a < l->argc; a++)
			put(buf, len, &w, "%s%s", a ? "," : "(", l->argv[a]);
		if (l->argc)
			put(buf, len, &w, ")");
	}
	return w;
}

size_t ss_layer_stack_text(const ss_layer_stack *s, char *buf, size_t len) { return write_stack(s, buf, len, 0); }
size_t ss_layer_stack_label(const ss_layer_stack *s, char *buf, size_t len) { return write_stack(s, buf, len, 1); }

/* A copy of [a, b) without surrounding white space. */
static char *trimmed(const char *a, const char *b)
{
	while (a < b && isspace((unsigned char)*a))
		a++;
	while (b > a && isspace((unsigned char)b[-1]))
		b--;
	char *s = malloc((size_t)(b - a) + 1);
	if (s) {
		memcpy(s, a, (size_t)(b - a));
		s[b - a] = '\0';
	}
	return s;
}

/* All layer names, for the message about an unknown one. */
static void all_names(const ss_layer_registry *r, char *buf, size_t len)
{
	size_t n, w = 0;
	const ss_layer_type *const *v = types_of(r, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		put(buf, len, &w, "%s%s", i ? ", " : "", v[i]->name);
}

/* One layer from the text [a, b): NAME or NAME(ARG,...). */
static int parse_layer(const ss_layer_registry *r, const char *text, const char *a, const char *b, ss_layer *l,
		       char *err, size_t errlen)
{
	const char *open = memchr(a, '(', (size_t)(b - a));
	char *name = trimmed(a, open ? open : b);
	if (!name)
		return SS_ENOMEM;
	int rc = SS_OK;
	if (!name[0]) {
		ss_errbuf(err, errlen, "stack '%s': a layer has no name%s", text, open ? " before '('" : " (two '/' in a row?)");
		rc = SS_EINVAL;
		goto out;
	}
	l->type = ss_layer_find(r, name);
	if (!l->type) {
		char near[256], names[512];
		ss_layer_nearest(r, name, near, sizeof near);
		all_names(r, names, sizeof names);
		if (near[0])
			ss_errbuf(err, errlen, "stack '%s': unknown layer '%s' (did you mean %s?); layers: %s", text, name, near,
				  names);
		else
			ss_errbuf(err, errlen, "stack '%s': unknown layer '%s'; layers: %s", text, name, names);
		rc = SS_EINVAL;
		goto out;
	}
	if (!open)
		goto out;
	/* Arguments: "(a,b,c)" and nothing after the ')'. */
	const char *close = memchr(open, ')', (size_t)(b - open));
	const char *nested = memchr(open + 1, '(', (size_t)(b - open - 1));
	const char *rest = close ? close + 1 : b;
	while (rest < b && isspace((unsigned char)*rest))
		rest++;
	if (!close || nested || rest != b) {
		ss_errbuf(err, errlen, "stack '%s': layer '%s': arguments are written %s(A,B,...) with one closing ')' at the end",
			  text, name, l->type->name);
		rc = SS_EINVAL;
		goto out;
	}
	if (!l->type->max_args) {
		ss_errbuf(err, errlen, "stack '%s': %s takes no arguments", text, l->type->name);
		rc = SS_EINVAL;
		goto out;
	}
	for (const char *p = open + 1; rc == SS_OK;) {
		const char *e = memchr(p, ',', (size_t)(close - p));
		const char *end = e ? e : close;
		char *arg = trimmed(p, end);
		if (!arg || ss_grow(&l->argv, &l->cap, l->argc + 1, sizeof *l->argv, 4)) {
			free(arg);
			rc = SS_ENOMEM;
			break;
		}
		l->argv[l->argc++] = arg;
		int blank = !arg[0];
		for (const char *c = arg; *c && !blank; c++)
			blank = isspace((unsigned char)*c);
		if (blank) {
			ss_errbuf(err, errlen, "stack '%s': %s: argument %zu is %s (arguments are single words: %s%s)", text,
				  l->type->name, l->argc, arg[0] ? "more than one word" : "empty", l->type->name,
				  l->type->args_doc ? l->type->args_doc : "(...)");
			rc = SS_EINVAL;
		} else if (l->argc > l->type->max_args) {
			ss_errbuf(err, errlen, "stack '%s': %s takes at most %zu argument%s %s", text, l->type->name,
				  l->type->max_args, l->type->max_args == 1 ? "" : "s", l->type->args_doc ? l->type->args_doc : "");
			rc = SS_EINVAL;
		}
		if (!e)
			break;
		p = e + 1;
	}
out:
	free(name);
	return rc;
}

/* Where a type sits, for messages: "MD5 (a digest)". */
static const char *noun(const ss_layer *l) { return rules[l->type->role].noun; }

static int check_order(const ss_layer_registry *r, const char *text, const ss_layer_stack *s, char *err, size_t errlen)
{
	int seen[SS_LAYER_NROLES];
	for (int k = 0; k < SS_LAYER_NROLES; k++)
		seen[k] = -1;
	int deepest = -1; /* the layer of the lowest role so far */
	for (size_t i = 0; i < s->n; i++) {
		const ss_layer *l = &s->v[i];
		ss_layer_role role = l->type->role;
		if (deepest >= 0 && s->v[deepest].type->role == SS_LAYER_LINK) {
			ss_errbuf(err, errlen, "stack '%s': %s is a link layer and must be the bottom one, but %s is below it", text,
				  s->v[deepest].type->name, l->type->name);
			return SS_EINVAL;
		}
		if (seen[role] >= 0 && !rules[role].many) {
			ss_errbuf(err, errlen, "stack '%s': two %s (%s and %s): a stack has at most one", text,
				  rules[role].plural, s->v[seen[role]].type->name, l->type->name);
			return SS_EINVAL;
		}
		if (deepest >= 0 && role < s->v[deepest].type->role) {
			const ss_layer *up = &s->v[deepest];
			ss_errbuf(err, errlen, "stack '%s': %s (%s) is above %s (%s): %s goes below %s", text, up->type->name,
				  noun(up), l->type->name, noun(l), noun(up), noun(l));
			return SS_EINVAL;
		}
		if (seen[role] < 0)
			seen[role] = (int)i;
		deepest = (int)i;
	}
	char names[128];
	if (seen[SS_LAYER_CIPHER] >= 0 && seen[SS_LAYER_TRANSPORT] < 0) {
		role_names(r, SS_LAYER_TRANSPORT, names, sizeof names);
		ss_errbuf(err, errlen, "stack '%s': %s (a cipher) needs a transport (%s) below it", text,
			  s->v[seen[SS_LAYER_CIPHER]].type->name, names);
		return SS_EINVAL;
	}
	if (seen[SS_LAYER_DIGEST] >= 0 && seen[SS_LAYER_TRANSPORT] < 0) {
		role_names(r, SS_LAYER_TRANSPORT, names, sizeof names);
		ss_errbuf(err, errlen, "stack '%s': %s (a digest) needs a transport (%s) above it", text,
			  s->v[seen[SS_LAYER_DIGEST]].type->name, names);
		return SS_EINVAL;
	}
	if (seen[SS_LAYER_NETWORK] < 0) {
		role_names(r, SS_LAYER_NETWORK, names, sizeof names);
		if (s->v[0].type->role < SS_LAYER_NETWORK)
			ss_errbuf(err, errlen, "stack '%s': %s (%s) needs a network layer (%s) below it", text, s->v[0].type->name,
				  noun(&s->v[0]), names);
		else
			ss_errbuf(err, errlen, "stack '%s': a stack needs a network layer (%s)", text, names);
		return SS_EINVAL;
	}
	return SS_OK;
}

int ss_layer_stack_parse(ss_layer_stack **out, const ss_layer_registry *r, const char *text, char *err,
			 size_t errlen)
{
	*out = NULL;
	if (!text) {
		ss_errbuf(err, errlen, "no stack given");
		return SS_EINVAL;
	}
	const char *p = text;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		ss_errbuf(err, errlen, "stack '%s' is empty: name its layers top first, e.g. TCP/IP/FDDI", text);
		return SS_EINVAL;
	}
	ss_layer_stack *s = calloc(1, sizeof *s);
	if (!s)
		return SS_ENOMEM;
	int rc = SS_OK;
	for (const char *a = text; rc == SS_OK;) {
		/* The next '/' outside parentheses ends the layer. */
		const char *b = a;
		int depth = 0;
		while (*b && (*b != '/' || depth > 0)) {
			depth += *b == '(' ? 1 : *b == ')' ? -1 : 0;
			b++;
		}
		if ((rc = ss_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v, 8)))
			break;
		ss_layer *l = &s->v[s->n++];
		memset(l, 0, sizeof *l);
		rc = parse_layer(r, text, a, b, l, err, errlen);
		if (!*b)
			break;
		a = b + 1;
	}
	if (rc == SS_OK)
		rc = check_order(r, text, s, err, errlen);
	if (rc) {
		ss_layer_stack_free(s);
		return rc;
	}
	*out = s;
	return SS_OK;
}
