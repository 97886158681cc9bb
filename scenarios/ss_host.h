/* Host profiles (hosts/NAME.cfg): one name for a whole machine, the
   parameters that describe it (crypto cost profile, protocol cost scale,
   memory bus and cache, scheduler), each with its source. A model with
   a `host` parameter takes them for every parameter the scenario does
   not give; a host chosen with --set replaces the file's values too. */
#ifndef SS_HOST_H
#define SS_HOST_H

#include <stddef.h>

#include "ss_param.h"

/* If p has a non-empty `host` parameter, reads DIR/NAME.cfg (or the file,
   when the name holds a '/') and sets each of its parameters that p does
   not set explicitly. Returns SS_OK (also when there is no host), or
   SS_ENOENT (no such host: err lists those in dir), SS_EPARSE/SS_EINVAL
   ("file:line: what is wrong"), SS_ENOMEM. */
int ss_host_apply(ss_params *p, const char *dir, char *err, size_t errlen);

/* Before host `name` is chosen on the command line: the parameters it
   sets return to their unset defaults in p, so the host's values replace
   those the scenario file gave (a later --set still overrides them).
   Returns as ss_host_apply. */
int ss_host_release(ss_params *p, const char *name, const char *dir, char *err, size_t errlen);

/* The value, as text, that host `name` (DIR/NAME.cfg, or the file when
   the name holds a '/') gives setting `param`, for a caller that must
   look at a host before its model does (the command line resolving a
   calibration-derived crypto profile a netpair host names). The file's
   settings are not checked against a model's parameters here. SS_OK,
   SS_ENOENT (no such host, or no such setting: out is ""), SS_EPARSE,
   SS_EINVAL (the value is not a scalar, or longer than outlen). */
int ss_host_setting(const char *dir, const char *name, const char *param, char *out, size_t outlen, char *err,
		    size_t errlen);

#endif
