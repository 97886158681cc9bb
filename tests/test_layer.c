/* Layer types and stacks (proto/ss_layer.h): the registry (lookup by any
   spelling, roles, nearest names for a misspelt one, types a host adds),
   the grammar's accepted orders and its refusals with what is wrong,
   canonical text and labels, the arguments of ESP and AH as the IPsec
   module reads them, stacks with no cap on their length, and the steps
   the built-in types build from their costs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_err.h"
#include "ss_layer.h"
#include "ss_profile.h"
#include "ss_prog.h"
#include "ss_test.h"

static void registry(void)
{
	static const struct {
		const char *name;
		const ss_layer_type *type;
		ss_layer_role role;
		const char *alg;
	} want[] = {
		{.name = "tcp", .type = &ss_layer_tcp, .role = SS_LAYER_TRANSPORT},
		{.name = "UDP", .type = &ss_layer_udp, .role = SS_LAYER_TRANSPORT},
		{.name = "Ip", .type = &ss_layer_ip, .role = SS_LAYER_NETWORK},
		{.name = "FDDI", .type = &ss_layer_fddi, .role = SS_LAYER_LINK},
		{.name = "ethernet", .type = &ss_layer_eth, .role = SS_LAYER_LINK},
		{.name = "md5", .type = &ss_layer_md5, .role = SS_LAYER_DIGEST, .alg = "md5"},
		{.name = "SHA-1", .type = &ss_layer_sha1, .role = SS_LAYER_DIGEST, .alg = "sha1"},
		{.name = "des", .type = &ss_layer_des, .role = SS_LAYER_CIPHER, .alg = "des-cbc"},
		{.name = "3-des", .type = &ss_layer_3des, .role = SS_LAYER_CIPHER, .alg = "3des-cbc"},
		{.name = "AES", .type = &ss_layer_aes, .role = SS_LAYER_CIPHER, .alg = "aes128-cbc"},
		{.name = "esp", .type = &ss_layer_esp, .role = SS_LAYER_IPSEC},
		{.name = "AH", .type = &ss_layer_ah, .role = SS_LAYER_IPSEC},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const ss_layer_type *t = ss_layer_find(NULL, want[i].name);
		SS_CHECK(t == want[i].type && t->role == want[i].role &&
				 (want[i].alg ? t->alg && !strcmp(t->alg, want[i].alg) : !t->alg) && t->build,
			 "'%s' is %s, role %s%s%s", want[i].name, t ? t->name : "nothing",
			 ss_layer_role_name(want[i].role), want[i].alg ? " running " : "", want[i].alg ? want[i].alg : "");
	}
	SS_CHECK(ss_layer_find(NULL, "TPC") == NULL && ss_layer_registry_count(NULL) == 12,
		 "an unknown name finds nothing; 12 built-in types");
	char near[128];
	static const struct {
		const char *typo, *near;
	} typos[] = {{"MD4", "MD5"}, {"SHA", "SHA1"}, {"ESPP", "ESP"}, {"3DEZ", "3DES"}, {"UDPP", "UDP"}};
	for (size_t i = 0; i < sizeof typos / sizeof typos[0]; i++) {
		size_t n = ss_layer_nearest(NULL, typos[i].typo, near, sizeof near);
		SS_CHECK(n == 1 && !strcmp(near, typos[i].near), "'%s': the nearest name is %s (%s)", typos[i].typo,
			 typos[i].near, near);
	}
	/* TPC is two edits from TCP and from IP (TPC -> IPC -> IP), three
	   from the rest: both are offered. */
	size_t n = ss_layer_nearest(NULL, "TPC", near, sizeof near);
	SS_CHECK(n == 2 && !strcmp(near, "TCP or IP"), "'TPC': the nearest names, all at the least distance (%s)", near);
	SS_CHECK(ss_layer_nearest(NULL, "QUIC-TLS", near, sizeof near) == 0 && !near[0],
		 "a name close to none gets no suggestion");

	/* A host adds its own type. */
	static const ss_layer_type hmac = {.name = "HMAC", .label = "HMAC", .role = SS_LAYER_DIGEST, .alg = "hmac-sha1"};
	static const char *const tcp_alias[] = {"TCP", NULL};
	static const ss_layer_type clash = {.name = "TCP2", .aliases = tcp_alias, .role = SS_LAYER_TRANSPORT};
	ss_layer_registry *r = NULL;
	char err[512];
	SS_MUST(ss_layer_registry_alloc(&r));
	SS_CHECK(ss_layer_registry_add(r, &hmac, err, sizeof err) == SS_OK && ss_layer_registry_count(r) == 13 &&
			 ss_layer_registry_at(r, 12) == &hmac && ss_layer_find(r, "hmac") == &hmac,
		 "a registry takes a new type and finds it");
	SS_CHECK(ss_layer_registry_add(r, &clash, err, sizeof err) == SS_EINVAL && strstr(err, "taken by TCP"),
		 "a type whose alias is taken is refused: %s", err);
	ss_layer_stack *s = NULL;
	SS_CHECK(ss_layer_stack_parse(&s, r, "TCP/HMAC/IP", err, sizeof err) == SS_OK, "its stacks use it");
	ss_layer_stack_free(s);
	SS_CHECK(ss_layer_stack_parse(&s, NULL, "TCP/HMAC/IP", err, sizeof err) == SS_EINVAL && !s &&
			 strstr(err, "unknown layer 'HMAC'"),
		 "the built-in types alone do not know it: %s", err);
	ss_layer_registry_free(r);
	ss_layer_registry_free(NULL);
	ss_layer_stack_free(NULL);
}

static void grammar(void)
{
	static const struct {
		const char *text, *canon, *label;
	} ok[] = {
		{"ESP/IP/ETH", "ESP/IP/ETH", "ESP/IP"},
		{"AH/ESP/IP/ETH", "AH/ESP/IP/ETH", "AH/ESP/IP"},
		{"TCP/ESP/IP/ETH", "TCP/ESP/IP/ETH", "TCP/ESP/IP"},
		{"TCP/MD5/IP/FDDI", "TCP/MD5/IP/FDDI", "TCP/MD5/IP"},
		{"DES/TCP/MD5/IP/FDDI", "DES/TCP/MD5/IP/FDDI", "DES/TCP/MD5/IP"},
		{"3-des/tcp/ip/fddi", "3DES/TCP/IP/FDDI", "3-DES/TCP/IP"},
		{" aes / udp / sha-1 / ip ", "AES/UDP/SHA1/IP", "AES/UDP/SHA-1/IP"},
		{"IP", "IP", "IP"},
		{"TCP/ESP( 3DES , SHA1, tunnel )/IP/ETH", "TCP/ESP(3DES,SHA1,tunnel)/IP/ETH", "TCP/ESP(3DES,SHA1,tunnel)/IP"},
		{"AES/TCP/SHA1/AH(SHA1,transport)/ESP(AES)/IP/Ethernet", "AES/TCP/SHA1/AH(SHA1,transport)/ESP(AES)/IP/ETH",
		 "AES/TCP/SHA-1/AH(SHA1,transport)/ESP(AES)/IP"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		ss_layer_stack *s = NULL;
		char err[512] = "", canon[256] = "", label[256] = "";
		int rc = ss_layer_stack_parse(&s, NULL, ok[i].text, err, sizeof err);
		if (s) {
			ss_layer_stack_text(s, canon, sizeof canon);
			ss_layer_stack_label(s, label, sizeof label);
		}
		SS_CHECK(rc == SS_OK && !strcmp(canon, ok[i].canon) && !strcmp(label, ok[i].label),
			 "'%s' is a stack: %s, labelled %s%s", ok[i].text, canon, label, err);
		ss_layer_stack_free(s);
	}
	static const struct {
		const char *text, *says;
	} bad[] = {
		{"TCP/UDP/IP", "two transports (TCP and UDP): a stack has at most one"},
		{"TCP/ETH/IP", "ETH is a link layer and must be the bottom one, but IP is below it"},
		{"TCP/IP/FDDI/ETH", "FDDI is a link layer and must be the bottom one"},
		{"MD5/TCP/IP", "MD5 (a digest) is above TCP (a transport): a digest goes below a transport"},
		{"TCP/DES/IP", "TCP (a transport) is above DES (a cipher)"},
		{"ESP/TCP/IP", "ESP (an IPsec layer) is above TCP (a transport)"},
		{"DES/AES/TCP/IP", "two ciphers (DES and AES)"},
		{"IP/IP", "two network layers (IP and IP)"},
		{"DES/IP", "DES (a cipher) needs a transport (TCP or UDP) below it"},
		{"MD5/IP", "MD5 (a digest) needs a transport (TCP or UDP) above it"},
		{"TCP", "TCP (a transport) needs a network layer (IP) below it"},
		{"ESP/ETH", "ESP (an IPsec layer) needs a network layer (IP) below it"},
		{"ETH", "a stack needs a network layer (IP)"},
		{"TCP/IPX", "unknown layer 'IPX' (did you mean IP?)"},
		{"TCP(x)/IP", "TCP takes no arguments"},
		{"AH(MD5,transport,x)/IP", "AH takes at most 2 arguments (auth,mode)"},
		{"ESP(3DES,,tunnel)/IP", "argument 2 is empty"},
		{"ESP(3DES SHA1)/IP", "argument 1 is more than one word"},
		{"ESP(3DES/IP", "arguments are written ESP(A,B,...)"},
		{"ESP(3DES)x/IP", "arguments are written ESP(A,B,...)"},
		{"TCP//IP", "a layer has no name"},
		{"  ", "is empty"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ss_layer_stack *s = (ss_layer_stack *)1;
		char err[512] = "";
		int rc = ss_layer_stack_parse(&s, NULL, bad[i].text, err, sizeof err);
		SS_CHECK(rc == SS_EINVAL && !s && strstr(err, bad[i].says), "'%s' refused: %s", bad[i].text, err);
	}
}

static void layers(void)
{
	ss_layer_stack *s = NULL;
	char err[512], buf[128];
	SS_MUST(ss_layer_stack_parse(&s, NULL, "TCP/AH(MD5)/ESP(3DES,SHA1,tunnel)/IP/ETH", err, sizeof err));
	const ss_layer *esp = ss_layer_stack_at(s, 2), *ah = ss_layer_stack_at(s, 1), *tcp = ss_layer_stack_at(s, 0);
	SS_CHECK(ss_layer_type_of(esp) == &ss_layer_esp && ss_layer_argc(esp) == 3 && !strcmp(ss_layer_arg(esp, 0), "3DES") &&
			 !strcmp(ss_layer_arg(esp, 1), "SHA1") && !strcmp(ss_layer_arg(esp, 2), "tunnel") && !ss_layer_arg(esp, 3),
		 "ESP(3DES,SHA1,tunnel) keeps its three arguments as text");
	ss_layer_config(esp, buf, sizeof buf);
	SS_CHECK(!strcmp(buf, "ESP 3DES SHA1 tunnel"), "ESP as configuration text for the IPsec module: %s", buf);
	ss_layer_config(ah, buf, sizeof buf);
	SS_CHECK(!strcmp(buf, "AH MD5") && ss_layer_argc(ah) == 1, "AH(MD5) as configuration text: %s", buf);
	size_t need = ss_layer_config(tcp, buf, 3);
	SS_CHECK(need == 3 && !strcmp(buf, "TC"), "a short buffer is cut, and the length needed returned, as snprintf does");
	SS_CHECK(ss_layer_stack_find(s, SS_LAYER_TRANSPORT) == 0 && ss_layer_stack_find(s, SS_LAYER_IPSEC) == 1 &&
			 ss_layer_stack_find(s, SS_LAYER_NETWORK) == 3 && ss_layer_stack_find(s, SS_LAYER_LINK) == 4 &&
			 ss_layer_stack_find(s, SS_LAYER_CIPHER) == -1 && !ss_layer_stack_at(s, 5),
		 "each role's topmost layer is found; absent roles give -1");
	ss_layer_stack_free(s);
	/* No cap on the number of layers: TCP, 100 IPsec layers, IP, ETH. */
	size_t len = 0;
	char *big = malloc(1024);
	len += (size_t)snprintf(big + len, 1024 - len, "TCP");
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(big + len, 1024 - len, "/%s", i % 2 ? "AH" : "ESP");
	snprintf(big + len, 1024 - len, "/IP/ETH");
	int rc = ss_layer_stack_parse(&s, NULL, big, err, sizeof err);
	SS_CHECK(rc == SS_OK && ss_layer_stack_len(s) == 103 && ss_layer_type_of(ss_layer_stack_at(s, 102)) == &ss_layer_eth,
		 "a stack of 103 layers parses (%s)", rc ? err : "ok");
	ss_layer_stack_free(s);
	free(big);
}

/* The built-in types' steps from their cost inputs. */
static void builds(void)
{
	char err[512];
	ss_layer_stack *s = NULL;
	SS_MUST(ss_layer_stack_parse(&s, NULL, "DES/TCP/MD5/IP/FDDI", err, sizeof err));
	ss_prog *p = NULL;
	SS_MUST(ss_prog_alloc(&p));
	ss_layer_costs c;
	ss_layer_costs_init(&c);
	SS_CHECK(c.map_lock == -1 && c.state_lock == -1 && c.exec == -1 && c.us == 0 && !c.profile,
		 "costs start with no slots and no work");
	/* TCP with a shared map and a state lock: lookup under the map lock,
	   then lock, migrate, the locked work, unlock, the rest. */
	c.cap = 128e-6; /* 128 MB/s */
	c.map_us = 2;
	c.map_lock = 1;
	c.state_lock = 0;
	c.state_bytes = 4096;
	c.locked_us = 100;
	c.locked_bytes = 1280; /* 10 us */
	c.us = 50;
	SS_MUST(ss_layer_build(ss_layer_stack_at(s, 1), &c, p, err, sizeof err));
	static const ss_prog_kind want[] = {SS_PROG_LOCK, SS_PROG_COMPUTE, SS_PROG_UNLOCK, SS_PROG_LOCK, SS_PROG_MIGRATE,
					    SS_PROG_MEM, SS_PROG_COMPUTE, SS_PROG_UNLOCK, SS_PROG_COMPUTE};
	int same = ss_prog_len(p) == sizeof want / sizeof want[0];
	for (size_t i = 0; same && i < ss_prog_len(p); i++)
		same = ss_prog_at(p, i)->kind == want[i];
	SS_CHECK(same, "TCP under PLP: map lock, lookup, unlock, lock, migrate, memory, locked work, unlock, work");
	SS_CHECK(!strcmp(ss_prog_at(p, 3)->what, "wait TCP lock") && !strcmp(ss_prog_at(p, 6)->what, "TCP (locked)") &&
			 !strcmp(ss_prog_at(p, 8)->what, "TCP") && !strcmp(ss_prog_at(p, 1)->what, "map lookup"),
		 "with the activities a trace shows");
	SS_CHECK(ss_prog_at(p, 1)->dur == 2000000 && ss_prog_at(p, 6)->dur == 90000000 && ss_prog_at(p, 8)->dur == 50000000 &&
			 ss_prog_at(p, 4)->bytes == 4096,
		 "the locked work less its memory time (90 us), the lookup and the rest as given");
	ss_prog_free(p);

	/* DES over 4096 bytes on the R4400 profile: 7200 us (N95-050), of which
	   the 8192 bytes read and written at 128 MB/s are 64 us. */
	const char *src = getenv("SS_SRCDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/crypto/profiles", src ? src : ".");
	ss_profile *prof = NULL;
	SS_MUST(ss_profile_load(dir, "r4400-100", NULL, &prof, err, sizeof err));
	SS_MUST(ss_prog_alloc(&p));
	ss_layer_costs_init(&c);
	c.cap = 128e-6;
	c.crypto_tag = 1;
	c.profile = prof;
	c.payload_bytes = 4096;
	c.exec = 0;
	SS_MUST(ss_layer_build(ss_layer_stack_at(s, 0), &c, p, err, sizeof err));
	SS_CHECK(ss_prog_len(p) == 3 && ss_prog_at(p, 0)->kind == SS_PROG_MEM && ss_prog_at(p, 2)->kind == SS_PROG_EXEC &&
			 fabs(ss_prog_at(p, 0)->bytes - 8192) < 1e-6 && ss_prog_at(p, 1)->tag == 1 &&
			 llabs((long long)ss_prog_at(p, 1)->dur - 7136000000LL) <= 1,
		 "DES: 8192 bytes of traffic, 7136 us of crypto compute, then the transform (%lld ps)",
		 (long long)ss_prog_at(p, 1)->dur);
	ss_prog_free(p);
	SS_MUST(ss_prog_alloc(&p));
	SS_MUST(ss_layer_build(ss_layer_stack_at(s, 2), &c, p, err, sizeof err));
	SS_CHECK(ss_prog_len(p) >= 1 && fabs(ss_prog_at(p, 0)->bytes - 4096) < 1e-6 &&
			 llabs((long long)ss_prog_at(p, 1)->dur - (1500000000LL - 32000000LL)) <= 1,
		 "MD5 reads the payload once: 4096 bytes, 1500 us less 32 us of compute (N95-049)");
	ss_prog_free(p);
	ss_layer_stack_free(s);
	SS_MUST(ss_layer_stack_parse(&s, NULL, "AES/TCP/IP", err, sizeof err));
	SS_MUST(ss_prog_alloc(&p));
	int rc = ss_layer_build(ss_layer_stack_at(s, 0), &c, p, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "aes128-cbc"), "a cost the profile lacks is refused: %s", err);
	c.profile = NULL;
	rc = ss_layer_build(ss_layer_stack_at(s, 0), &c, p, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "needs a crypto cost profile"), "and so is a crypto layer without one: %s", err);
	c.cap = 0;
	rc = ss_layer_build(ss_layer_stack_at(s, 2), &c, p, err, sizeof err);
	SS_CHECK(rc == SS_EINVAL && strstr(err, "cap"), "and costs without a memory rate: %s", err);
	ss_prog_free(p);
	ss_layer_stack_free(s);
	ss_profile_free(prof);
	/* ESP and AH: the layer's work, then the host's price of its
	   transforms as compute with the crypto tag; summed by tag. */
	SS_MUST(ss_layer_stack_parse(&s, NULL, "TCP/ESP(3DES,SHA1)/AH(MD5)/IP/ETH", err, sizeof err));
	SS_MUST(ss_prog_alloc(&p));
	ss_layer_costs_init(&c);
	c.cap = 1;
	c.tag = 0;
	c.crypto_tag = 1;
	c.us = 2.5;
	c.crypto_us = 40;
	SS_MUST(ss_layer_build(ss_layer_stack_at(s, 1), &c, p, err, sizeof err));
	c.crypto_us = 0; /* none: no crypto step */
	SS_MUST(ss_layer_build(ss_layer_stack_at(s, 2), &c, p, err, sizeof err));
	SS_CHECK(ss_prog_len(p) == 3 && ss_prog_at(p, 1)->tag == 1 && ss_prog_compute_tag(p, 0) == 5000000 &&
			 ss_prog_compute_tag(p, 1) == 40000000 && ss_prog_compute_time(p) == 45000000,
		 "ESP: 2.5 us of work then 40 us of crypto; AH: 2.5 us and no crypto step (%zu steps)", ss_prog_len(p));
	ss_prog_free(p);
	ss_layer_stack_free(s);
}

int main(void)
{
	ss_test_plan(72);
	registry();
	grammar();
	layers();
	builds();
	return ss_test_done();
}
