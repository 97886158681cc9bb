/* Stack strings. */
#include "ss_stack.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ss_err.h"

static const struct {
	const char *name;
	ss_layer_kind kind;
} names[] = {
	{"DES", SS_LAYER_DES}, {"3DES", SS_LAYER_3DES}, {"3-DES", SS_LAYER_3DES},
	{"TCP", SS_LAYER_TCP}, {"UDP", SS_LAYER_UDP},   {"MD5", SS_LAYER_MD5},
	{"IP", SS_LAYER_IP},   {"FDDI", SS_LAYER_FDDI}, {"AES", SS_LAYER_AES},
	{"SHA1", SS_LAYER_SHA1}, {"SHA-1", SS_LAYER_SHA1},
};

const char *ss_layer_name(ss_layer_kind k)
{
	switch (k) {
	case SS_LAYER_DES: return "DES";
	case SS_LAYER_3DES: return "3-DES";
	case SS_LAYER_AES: return "AES";
	case SS_LAYER_SHA1: return "SHA-1";
	case SS_LAYER_TCP: return "TCP";
	case SS_LAYER_UDP: return "UDP";
	case SS_LAYER_MD5: return "MD5";
	case SS_LAYER_IP: return "IP";
	case SS_LAYER_FDDI: return "FDDI";
	}
	return "?";
}

const char *ss_layer_alg(ss_layer_kind k)
{
	switch (k) {
	case SS_LAYER_DES: return "des-cbc";
	case SS_LAYER_3DES: return "3des-cbc";
	case SS_LAYER_MD5: return "md5";
	case SS_LAYER_AES: return "aes128-cbc";
	case SS_LAYER_SHA1: return "sha1";
	default: return NULL;
	}
}

int ss_stack_parse(const char *text, ss_stack *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->cipher = s->digest = s->transport = -1;
	char buf[128];
	if (strlen(text) >= sizeof buf) {
		ss_errbuf(err, errlen, "stack '%s' is too long", text);
		return SS_EINVAL;
	}
	snprintf(buf, sizeof buf, "%s", text);
	char *save = NULL;
	for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		size_t l = strlen(tok);
		while (l && isspace((unsigned char)tok[l - 1]))
			tok[--l] = '\0';
		int found = -1;
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!strcasecmp(tok, names[i].name))
				found = (int)i;
		if (found < 0) {
			ss_errbuf(err, errlen, "stack '%s': unknown layer '%s' (layers: DES, 3DES, AES, TCP, UDP, MD5, SHA1, IP, FDDI)",
				  text, tok);
			return SS_EINVAL;
		}
		if (s->n == SS_STACK_MAX) {
			ss_errbuf(err, errlen, "stack '%s' has too many layers", text);
			return SS_EINVAL;
		}
		s->layer[s->n++] = names[found].kind;
	}
	/* Expected shape: [cipher] transport [MD5] IP [FDDI]. */
	size_t i = 0;
	if (i < s->n && (s->layer[i] == SS_LAYER_DES || s->layer[i] == SS_LAYER_3DES || s->layer[i] == SS_LAYER_AES))
		s->cipher = (int)i++;
	if (i < s->n && (s->layer[i] == SS_LAYER_TCP || s->layer[i] == SS_LAYER_UDP))
		s->transport = (int)i++;
	else {
		ss_errbuf(err, errlen, "stack '%s': expected TCP or UDP %s", text,
			  s->cipher >= 0 ? "below the cipher" : "(a cipher may sit above it)");
		return SS_EINVAL;
	}
	if (i < s->n && (s->layer[i] == SS_LAYER_MD5 || s->layer[i] == SS_LAYER_SHA1))
		s->digest = (int)i++;
	if (i >= s->n || s->layer[i] != SS_LAYER_IP) {
		ss_errbuf(err, errlen, "stack '%s': expected IP below %s", text,
			  s->digest >= 0 ? "the digest" : "the transport (MD5 or SHA1 may sit between them)");
		return SS_EINVAL;
	}
	i++;
	if (i < s->n && s->layer[i] == SS_LAYER_FDDI) {
		s->fddi = 1;
		i++;
	}
	if (i != s->n) {
		ss_errbuf(err, errlen, "stack '%s': unexpected '%s' after %s", text, ss_layer_name(s->layer[i]),
			  ss_layer_name(s->layer[i - 1]));
		return SS_EINVAL;
	}
	return SS_OK;
}

void ss_stack_label(const ss_stack *s, char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		if (s->layer[i] == SS_LAYER_FDDI)
			continue;
		int r = snprintf(buf + w, len > w ? len - w : 0, "%s%s", w ? "/" : "", ss_layer_name(s->layer[i]));
		if (r > 0)
			w += (size_t)r;
	}
}
