/* Protocol organisations as data (ss_org.h): platform/orgs/NAME.cfg in
   the sourced preset format. Times are in microseconds, per-byte costs
   in nanoseconds. */
#include "ss_org.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ss_err.h"
#include "ss_specfile.h"

static const char *const domains[] = {"kernel", "server", "library"};

const char *ss_org_domain_name(int dom)
{
	return dom >= 0 && dom < 3 ? domains[dom] : "?";
}

static int domain_of(const char *v)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(v, domains[i]))
			return i;
	return -1;
}

static int check_domain(const char *v, char *msg, size_t len)
{
	if (domain_of(v) >= 0)
		return SS_OK;
	snprintf(msg, len, "\"kernel\", \"server\" or \"library\", not \"%s\"", v);
	return SS_EINVAL;
}

#define US(n, f, w) {.name = n, .kind = SS_SPEC_US, .off = offsetof(ss_org, f), .what = w}
#define NS(n, f, w) {.name = n, .kind = SS_SPEC_NUM, .off = offsetof(ss_org, f), .what = w}
static const ss_speckey keys[] = {
	{.name = "domain", .kind = SS_SPEC_STR, .off = offsetof(ss_org, domain), .strlen = sizeof ((ss_org *)0)->domain,
	 .check = check_domain, .what = "where the protocol code runs"},
	US("call_us", call, "application -> protocol per call"),
	NS("call_copy_ns_per_byte", call_copy_ns, "per byte a call moves"),
	{.name = "nocopy_min", .kind = SS_SPEC_U32, .off = offsetof(ss_org, nocopy_min),
	 .what = "calls below this size pay the extra copy"},
	NS("small_copy_ns_per_byte", small_copy_ns, "extra per byte below nocopy_min"),
	US("app_wake_us", app_wake, "waking a blocked application"),
	US("ctx_switch_us", ctx_switch, "process-level context switch"),
	US("dev_tx_us", dev_tx, "protocol -> device per packet sent"),
	US("demux_sw_us", demux_sw, "software demultiplexing per packet received"),
	US("demux_hw_us", demux_hw, "hardware demultiplexing's management per packet received"),
	US("notify_us", notify, "waking the protocol thread"),
	US("proto_run_us", proto_run, "per run of the protocol thread"),
	US("setup_active_us", setup_active, "active open before the SYN"),
	US("setup_passive_us", setup_passive, "listening side per SYN"),
	US("setup_complete_us", setup_complete, "active side after the SYN-ACK"),
	US("setup_dev_us", setup_dev, "per set-up segment, beyond the normal path"),
	US("setup_bqi_us", setup_bqi, "per side with hardware demultiplexing"),
};
#undef US
#undef NS

static const char *const required[] = {"domain", "call_us", "call_copy_ns_per_byte", "app_wake_us", "ctx_switch_us",
				       "dev_tx_us", "demux_sw_us", "demux_hw_us", "notify_us", "proto_run_us",
				       "setup_active_us", "setup_passive_us", "setup_complete_us", "setup_dev_us",
				       "setup_bqi_us", NULL};

int ss_org_check(const ss_org *o, char *msg, size_t len)
{
	if (domain_of(o->domain) < 0)
		return check_domain(o->domain, msg, len);
	/* 1e3 ns per byte is a 1 MB/s copy: far below any machine's. */
	if (!isfinite(o->call_copy_ns) || o->call_copy_ns > 1e3 || !isfinite(o->small_copy_ns) || o->small_copy_ns > 1e3) {
		snprintf(msg, len, "per-byte costs must be finite and at most 1000 ns");
		return SS_EINVAL;
	}
	if (o->small_copy_ns > 0 && o->nocopy_min == 0) {
		snprintf(msg, len, "small_copy_ns_per_byte needs nocopy_min (the size calls stop paying it at)");
		return SS_EINVAL;
	}
	return SS_OK;
}

static int check_spec(const void *s, char *msg, size_t len) { return ss_org_check(s, msg, len); }

static const ss_specformat format = {
	.label = "organisation",
	.keys = keys,
	.nkeys = sizeof keys / sizeof keys[0],
	.required = required,
	.check = check_spec,
	.size = sizeof(ss_org),
};

int ss_org_load(const char *dir, const char *name, ss_org *org, char *desc, size_t desclen, char *err, size_t errlen)
{
	int rc = ss_spec_load(&format, dir, name, org, desc, desclen, err, errlen);
	if (rc == SS_OK)
		org->dom = domain_of(org->domain);
	return rc;
}

int ss_org_get(const ss_org *o, const char *key, double *value) { return ss_spec_get(&format, o, key, value); }
