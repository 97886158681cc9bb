/* Scenario loader on libconfig. Every key is checked against a table (top
   level, run, output) or the model's parameter table, with "did you mean"
   hints, and every error carries the file and line. */
#include "ss_scenario.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "ss_cfgfile.h"
#include "ss_env.h"
#include "ss_err.h"
#include "ss_grow.h"
#include "ss_host.h"
#include "ss_text.h"

#define SS_SCENARIO_NAME_MAX 200

static const char *const top_keys[] = {"name", "description", "reproduces", "model",
				       "params", "sweep", "run", "output", "notes", NULL};
static const char *const run_keys[] = {"replications", "seed", "warmup", "duration", "level",
				       "precision", "max_replications", "method", NULL};
static const char *const output_keys[] = {"figure", "series", "x", "metrics", "speedup", NULL};

static const char *nearest(const char *const *keys, const char *name) { return ss_nearest(name, keys); }

static int in_list(const char *const *keys, const char *name)
{
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(keys[i], name))
			return 1;
	return 0;
}

void ss_scenario_free(ss_scenario *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->name);
	free(s->description);
	free(s->reproduces);
	ss_params_free(s->base);
	for (size_t g = 0; g < s->ngroups; g++) {
		for (size_t a = 0; a < s->groups[g].naxes; a++) {
			ss_axis *ax = &s->groups[g].axes[a];
			for (size_t i = 0; i < ax->n; i++)
				free(ax->values[i]);
			free(ax->values);
			free(ax->key);
		}
		free(s->groups[g].axes);
	}
	free(s->groups);
	free(s->figure);
	free(s->series);
	free(s->x);
	free(s->speedup);
	for (size_t i = 0; i < s->nmetrics; i++)
		free(s->metrics[i]);
	free(s->metrics);
	free(s);
}

typedef struct loader {
	const char *path;
	char *err;
	size_t errlen;
} loader;

#define FAIL(ld, st, rc, ...)                                                         \
	do {                                                                          \
		char m_[2048];                                                        \
		snprintf(m_, sizeof m_, __VA_ARGS__);                                 \
		ss_errbuf((ld)->err, (ld)->errlen, "%s:%d: %s", (ld)->path,           \
			  (st) ? config_setting_source_line(st) : 0, m_);             \
		return (rc);                                                          \
	} while (0)

static int get_number(loader *ld, const config_setting_t *st, double *v)
{
	int t = config_setting_type(st);
	if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT) {
		*v = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(st) : (double)config_setting_get_int64(st);
		return SS_OK;
	}
	FAIL(ld, st, SS_EINVAL, "'%s' must be a number", config_setting_name(st));
}

static int get_string(loader *ld, const config_setting_t *st, char **out)
{
	if (config_setting_type(st) != CONFIG_TYPE_STRING)
		FAIL(ld, st, SS_EINVAL, "'%s' must be a string in double quotes", config_setting_name(st));
	free(*out);
	if (!(*out = strdup(config_setting_get_string(st))))
		return SS_ENOMEM;
	return SS_OK;
}

/* Checks the run block's values; shared by the file and --set. */
static int run_value(ss_scenario *s, const char *key, double v, const char *text, char *msg, size_t len)
{
	if (!strcmp(key, "replications") || !strcmp(key, "max_replications")) {
		if (v != floor(v) || v < 1 || v > 1e6) {
			ss_errbuf(msg, len, "'%s' must be an integer in [1, 1000000]", key);
			return SS_EINVAL;
		}
		if (key[0] == 'r')
			s->replications = (int)v;
		else
			s->max_replications = (int)v;
	} else if (!strcmp(key, "seed")) {
		if (v != floor(v) || v < 0 || v > 9e15) {
			ss_errbuf(msg, len, "'seed' must be an integer in [0, 9e15] (exact in a double)");
			return SS_EINVAL;
		}
		s->seed = (uint64_t)v;
	} else if (!strcmp(key, "warmup")) {
		if (text && !strcmp(text, "auto")) {
			s->warmup = -1;
		} else if (!(v >= 0) || !isfinite(v)) {
			ss_errbuf(msg, len, "'warmup' must be a duration >= 0 in seconds, or \"auto\"");
			return SS_EINVAL;
		} else {
			s->warmup = v;
		}
	} else if (!strcmp(key, "duration")) {
		/* At least one tick of the picosecond clock: a shorter one
		   rounds to a measurement of nothing. */
		if (!(v >= 1e-12) || !isfinite(v) || v > 9e6) {
			ss_errbuf(msg, len, "'duration' must be between 1e-12 s (one clock tick) and 9e6 s");
			return SS_EINVAL;
		}
		s->duration = v;
	} else if (!strcmp(key, "level")) {
		if (!(v >= 0.5 && v < 1)) {
			ss_errbuf(msg, len, "'level' must be in [0.5, 1), e.g. 0.90");
			return SS_EINVAL;
		}
		s->level = v;
	} else if (!strcmp(key, "method")) {
		if (!text || (strcmp(text, "replications") && strcmp(text, "batches"))) {
			ss_errbuf(msg, len, "'method' must be \"replications\" (independent runs) or \"batches\" (batch means of one run)");
			return SS_EINVAL;
		}
		s->batch_means = !strcmp(text, "batches");
	} else if (!strcmp(key, "precision")) {
		if (!(v >= 0 && v < 1)) {
			ss_errbuf(msg, len, "'precision' must be in [0, 1): a relative half-width, e.g. 0.02");
			return SS_EINVAL;
		}
		s->precision = v;
	}
	return SS_OK;
}

/* The run settings that depend on each other, checked once all are
   known (each alone is checked by run_value): warm-up and measurement
   together must fit the simulated clock, and precision mode cannot stop
   below the replications it starts with. */
static int check_run(const ss_scenario *s, char *msg, size_t len)
{
	if (s->precision > 0 && s->max_replications < s->replications) {
		ss_errbuf(msg, len, "'max_replications' = %d is below 'replications' = %d: precision mode starts with "
			  "'replications' runs and adds up to 'max_replications'", s->max_replications, s->replications);
		return SS_EINVAL;
	}
	double span = ss_model_run_span(s->warmup, s->duration, s->batch_means ? s->replications : 1);
	if (span <= SS_RUN_MAX_S)
		return SS_OK;
	if (s->warmup < 0)
		ss_errbuf(msg, len, "an automatic warm-up (up to 15 x 'duration') and the measurement need %.6g s of simulated time; "
			  "the clock holds %.6g s: shorten 'duration'", span, SS_RUN_MAX_S);
	else
		ss_errbuf(msg, len, "'warmup' + %s'duration' = %.6g s of simulated time; the clock holds %.6g s",
			  s->batch_means ? "'replications' x " : "", span, SS_RUN_MAX_S);
	return SS_EINVAL;
}

static int load_run(loader *ld, ss_scenario *s, const config_setting_t *run)
{
	if (!config_setting_is_group(run))
		FAIL(ld, run, SS_EPARSE, "'run' must be a group { ... }");
	for (int i = 0; i < config_setting_length(run); i++) {
		config_setting_t *st = config_setting_get_elem(run, (unsigned)i);
		const char *k = config_setting_name(st);
		if (!in_list(run_keys, k)) {
			const char *n = nearest(run_keys, k);
			if (n)
				FAIL(ld, st, SS_ENOENT, "unknown key 'run.%s' (did you mean '%s'?)", k, n);
			FAIL(ld, st, SS_ENOENT, "unknown key 'run.%s'", k);
		}
		double v = 0;
		const char *text = NULL;
		if (!strcmp(k, "warmup") && config_setting_type(st) == CONFIG_TYPE_STRING) {
			text = config_setting_get_string(st);
			if (strcmp(text, "auto"))
				FAIL(ld, st, SS_EINVAL, "'warmup' must be a number of seconds or \"auto\"");
		} else if (!strcmp(k, "method")) {
			if (config_setting_type(st) != CONFIG_TYPE_STRING)
				FAIL(ld, st, SS_EINVAL, "'method' must be \"replications\" or \"batches\"");
			text = config_setting_get_string(st);
		} else if (get_number(ld, st, &v)) {
			return SS_EINVAL;
		}
		char msg[256];
		if (run_value(s, k, v, text, msg, sizeof msg))
			FAIL(ld, st, SS_EINVAL, "%s", msg);
	}
	return SS_OK;
}

static int load_params(loader *ld, ss_scenario *s, const config_setting_t *ps)
{
	if (!config_setting_is_group(ps))
		FAIL(ld, ps, SS_EPARSE, "'params' must be a group { ... }");
	for (int i = 0; i < config_setting_length(ps); i++) {
		config_setting_t *st = config_setting_get_elem(ps, (unsigned)i);
		char buf[64], msg[512];
		const char *text = ss_cfgfile_scalar_text(st, buf, sizeof buf);
		if (!text)
			FAIL(ld, st, SS_EINVAL, "parameter '%s' must be a single value (sweeps go in 'sweep')",
			     config_setting_name(st));
		int rc = ss_params_set_text(s->base, config_setting_name(st), text, msg, sizeof msg);
		if (rc)
			FAIL(ld, st, rc, "%s (model '%s')", msg, s->model->name);
	}
	return SS_OK;
}

static int load_sweep(loader *ld, ss_scenario *s, const config_setting_t *sw)
{
	if (!config_setting_is_list(sw))
		FAIL(ld, sw, SS_EPARSE, "'sweep' must be a list of groups: ( { key = [ ... ]; }, ... )");
	int ng = config_setting_length(sw);
	s->groups = calloc((size_t)(ng ? ng : 1), sizeof *s->groups);
	if (!s->groups)
		return SS_ENOMEM;
	for (int g = 0; g < ng; g++) {
		config_setting_t *grp = config_setting_get_elem(sw, (unsigned)g);
		if (!config_setting_is_group(grp))
			FAIL(ld, grp, SS_EPARSE, "each sweep entry must be a group { key = [ ... ]; ... }");
		ss_sweep_group *G = &s->groups[s->ngroups++];
		int na = config_setting_length(grp);
		if (na == 0)
			FAIL(ld, grp, SS_EPARSE, "empty sweep group");
		G->axes = calloc((size_t)na, sizeof *G->axes);
		if (!G->axes)
			return SS_ENOMEM;
		for (int a = 0; a < na; a++) {
			config_setting_t *ax = config_setting_get_elem(grp, (unsigned)a);
			const char *k = config_setting_name(ax);
			ss_axis *A = &G->axes[G->naxes++];
			if (!(A->key = strdup(k)))
				return SS_ENOMEM;
			if (ss_params_index(s->base, k) < 0) {
				const char *n = ss_params_nearest(s->base, k);
				if (n)
					FAIL(ld, ax, SS_ENOENT, "sweep over unknown parameter '%s' (did you mean '%s'?)", k, n);
				FAIL(ld, ax, SS_ENOENT, "sweep over unknown parameter '%s' of model '%s'", k, s->model->name);
			}
			for (size_t g2 = 0; g2 < s->ngroups; g2++)
				for (size_t a2 = 0; a2 < s->groups[g2].naxes; a2++) {
					ss_axis *B = &s->groups[g2].axes[a2];
					if (B != A && !strcmp(B->key, k))
						FAIL(ld, ax, SS_EINVAL, "parameter '%s' is swept twice", k);
				}
			if (!config_setting_is_array(ax) && !config_setting_is_list(ax))
				FAIL(ld, ax, SS_EPARSE, "sweep axis '%s' must be an array [ ... ]", k);
			int nv = config_setting_length(ax);
			if (nv == 0)
				FAIL(ld, ax, SS_EINVAL, "sweep axis '%s' has no values", k);
			if (a > 0 && (size_t)nv != G->n)
				FAIL(ld, ax, SS_EINVAL,
				     "axes in one group vary together and need equal lengths: '%s' has %d values, '%s' has %zu",
				     k, nv, G->axes[0].key, G->n);
			G->n = (size_t)nv;
			A->values = calloc((size_t)nv, sizeof *A->values);
			if (!A->values)
				return SS_ENOMEM;
			ss_params *scratch = NULL;
			if (ss_params_clone(&scratch, s->base) != SS_OK)
				return SS_ENOMEM;
			for (int v = 0; v < nv; v++) {
				config_setting_t *el = config_setting_get_elem(ax, (unsigned)v);
				char buf[64], msg[512];
				const char *text = ss_cfgfile_scalar_text(el, buf, sizeof buf);
				if (!text) {
					ss_params_free(scratch);
					FAIL(ld, el, SS_EINVAL, "sweep value %d of '%s' must be a scalar", v + 1, k);
				}
				int rc = ss_params_set_text(scratch, k, text, msg, sizeof msg);
				if (rc) {
					ss_params_free(scratch);
					FAIL(ld, el, rc, "sweep value %d: %s", v + 1, msg);
				}
				A->n++;
				if (!(A->values[v] = strdup(ss_params_text(scratch, k)))) {
					ss_params_free(scratch);
					return SS_ENOMEM;
				}
			}
			ss_params_free(scratch);
		}
		/* Two equal rows would be one point run twice: the store
		   refuses the second after the first ran. */
		for (size_t v = 1; v < G->n; v++)
			for (size_t w = 0; w < v; w++) {
				size_t a = 0;
				while (a < G->naxes && !strcmp(G->axes[a].values[w], G->axes[a].values[v]))
					a++;
				if (a == G->naxes)
					FAIL(ld, config_setting_get_elem(config_setting_get_elem(grp, 0), (unsigned)v), SS_EINVAL,
					     "sweep value %zu of '%s' repeats value %zu (%s)%s", v + 1, G->axes[0].key, w + 1,
					     G->axes[0].values[v], G->naxes > 1 ? " and so do the axes swept with it" : "");
			}
	}
	return SS_OK;
}

/* Checks {name} references of the series template. */
static int check_template(const ss_scenario *s, const char *tpl, char *msg, size_t len)
{
	for (const char *p = tpl; (p = strchr(p, '{'));) {
		const char *e = strchr(p, '}');
		if (!e) {
			ss_errbuf(msg, len, "unclosed '{' in series template \"%s\"", tpl);
			return SS_EINVAL;
		}
		char name[128];
		size_t n = (size_t)(e - p - 1);
		if (n >= sizeof name)
			n = sizeof name - 1; /* longer than any parameter's name: unknown */
		memcpy(name, p + 1, n);
		name[n] = '\0';
		if ((size_t)(e - p - 1) >= sizeof name || ss_params_index(s->base, name) < 0) {
			ss_errbuf(msg, len, "series template refers to unknown parameter '{%s}'", name);
			return SS_ENOENT;
		}
		p = e + 1;
	}
	return SS_OK;
}

static int load_output(loader *ld, ss_scenario *s, const config_setting_t *out)
{
	if (!config_setting_is_group(out))
		FAIL(ld, out, SS_EPARSE, "'output' must be a group { ... }");
	for (int i = 0; i < config_setting_length(out); i++) {
		config_setting_t *st = config_setting_get_elem(out, (unsigned)i);
		const char *k = config_setting_name(st);
		if (!in_list(output_keys, k)) {
			const char *n = nearest(output_keys, k);
			if (n)
				FAIL(ld, st, SS_ENOENT, "unknown key 'output.%s' (did you mean '%s'?)", k, n);
			FAIL(ld, st, SS_ENOENT, "unknown key 'output.%s'", k);
		}
		if (!strcmp(k, "metrics")) {
			if (!config_setting_is_array(st) && !config_setting_is_list(st))
				FAIL(ld, st, SS_EPARSE, "'metrics' must be an array of names [\"W\", ...]");
			int n = config_setting_length(st);
			s->metrics = calloc((size_t)(n ? n : 1), sizeof *s->metrics);
			if (!s->metrics)
				return SS_ENOMEM;
			for (int j = 0; j < n; j++) {
				config_setting_t *el = config_setting_get_elem(st, (unsigned)j);
				if (config_setting_type(el) != CONFIG_TYPE_STRING)
					FAIL(ld, el, SS_EINVAL, "metric names must be strings");
				const char *m = config_setting_get_string(el);
				/* Model metrics are checked here; resource metrics
				   ("cpu.util") are names with a dot, checked at run time. */
				int known = strchr(m, '.') != NULL;
				const char *best = NULL;
				size_t bd = (size_t)-1;
				for (size_t q = 0; q < s->model->nmetrics; q++) {
					if (!strcmp(s->model->metrics[q].name, m))
						known = 1;
					size_t d = ss_edit_distance(m, s->model->metrics[q].name);
					if (d < bd) {
						bd = d;
						best = s->model->metrics[q].name;
					}
				}
				if (!known) {
					if (best && bd <= 1 + strlen(m) / 3)
						FAIL(ld, el, SS_ENOENT, "model '%s' has no metric '%s' (did you mean '%s'?)",
						     s->model->name, m, best);
					FAIL(ld, el, SS_ENOENT, "model '%s' has no metric '%s'", s->model->name, m);
				}
				if (!(s->metrics[s->nmetrics++] = strdup(m)))
					return SS_ENOMEM;
			}
		} else {
			char **dst = !strcmp(k, "figure") ? &s->figure : !strcmp(k, "series") ? &s->series
				   : !strcmp(k, "speedup") ? &s->speedup : &s->x;
			if (get_string(ld, st, dst))
				return SS_EINVAL;
			char msg[256];
			int rc;
			if (dst == &s->series && (rc = check_template(s, s->series, msg, sizeof msg)))
				FAIL(ld, st, rc, "%s", msg);
			if (dst == &s->x) {
				int i2 = ss_params_index(s->base, s->x);
				if (i2 < 0)
					FAIL(ld, st, SS_ENOENT, "output.x names unknown parameter '%s'", s->x);
				ss_param_type t = s->base->defs[i2].type;
				if (t != SS_PARAM_INT && t != SS_PARAM_REAL)
					FAIL(ld, st, SS_EINVAL, "output.x must name a numeric parameter; '%s' is not", s->x);
			}
		}
	}
	return SS_OK;
}

int ss_scenario_load(const char *path, ss_scenario **out, char *err, size_t errlen)
{
	*out = NULL;
	struct stat sb;
	if (stat(path, &sb) != 0) {
		ss_errbuf(err, errlen, "%s: cannot open scenario: %s", path, strerror(errno));
		return SS_ENOENT;
	}
	if (!S_ISREG(sb.st_mode)) {
		ss_errbuf(err, errlen, "%s: not a regular file", path);
		return SS_ENOENT;
	}
	config_t cf;
	int rrc = ss_cfgfile_read(&cf, path, err, errlen);
	if (rrc)
		return rrc;
	loader ld = {path, err, errlen};
	ss_scenario *s = calloc(1, sizeof *s);
	int rc = SS_ENOMEM;
	if (!s || !(s->path = strdup(path)))
		goto done;
	s->replications = 10;
	s->seed = 1;
	s->warmup = 0;
	s->duration = 0;
	s->level = 0.90;
	s->max_replications = 100;
	config_setting_t *root = config_root_setting(&cf);
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *st = config_setting_get_elem(root, (unsigned)i);
		const char *k = config_setting_name(st);
		if (!in_list(top_keys, k)) {
			const char *n = nearest(top_keys, k);
			char m[256];
			if (n)
				snprintf(m, sizeof m, "unknown key '%s' (did you mean '%s'?)", k, n);
			else
				snprintf(m, sizeof m, "unknown key '%s' (expected name, description, reproduces, model, params, sweep, run, output, notes)", k);
			ss_errbuf(err, errlen, "%s:%d: %s", path, config_setting_source_line(st), m);
			rc = SS_ENOENT;
			goto done;
		}
	}
	config_setting_t *st;
	const char *need[] = {"name", "model", "run", NULL};
	for (int i = 0; need[i]; i++)
		if (!config_lookup(&cf, need[i])) {
			ss_errbuf(err, errlen, "%s:1: missing required key '%s'", path, need[i]);
			rc = SS_EPARSE;
			goto done;
		}
	if ((rc = get_string(&ld, config_lookup(&cf, "name"), &s->name)))
		goto done;
	/* results/NAME.db must be a file name the system takes (NAME_MAX 255). */
	if (!s->name[0] || strpbrk(s->name, "/\\") || s->name[0] == '.' || strlen(s->name) > SS_SCENARIO_NAME_MAX) {
		st = config_lookup(&cf, "name");
		ss_errbuf(err, errlen, "%s:%d: 'name' must be non-empty, at most %d bytes, without '/' or a leading '.' (it names the database)",
			  path, config_setting_source_line(st), SS_SCENARIO_NAME_MAX);
		rc = SS_EINVAL;
		goto done;
	}
	if ((st = config_lookup(&cf, "description")) && (rc = get_string(&ld, st, &s->description)))
		goto done;
	if ((st = config_lookup(&cf, "reproduces")) && (rc = get_string(&ld, st, &s->reproduces)))
		goto done;
	st = config_lookup(&cf, "model");
	char *model = NULL;
	if ((rc = get_string(&ld, st, &model)))
		goto done;
	s->model = ss_model_find(model);
	if (!s->model) {
		const char *n = ss_model_nearest(model);
		char list[256] = "";
		for (const ss_model_type *const *m = ss_model_all(); *m; m++) {
			strncat(list, (*m)->name, sizeof list - strlen(list) - 3);
			if (m[1])
				strncat(list, ", ", sizeof list - strlen(list) - 1);
		}
		if (n)
			ss_errbuf(err, errlen, "%s:%d: unknown model '%s' (did you mean '%s'?)", path,
				  config_setting_source_line(st), model, n);
		else
			ss_errbuf(err, errlen, "%s:%d: unknown model '%s' (models: %s)", path,
				  config_setting_source_line(st), model, list);
		free(model);
		rc = SS_ENOENT;
		goto done;
	}
	free(model);
	if ((rc = ss_params_alloc(&s->base, s->model->params, s->model->nparams)) != SS_OK) {
		if (rc != SS_ENOMEM)
			ss_errbuf(err, errlen, "%s: model '%s': a parameter default is invalid", path, s->model->name);
		goto done;
	}
	if ((st = config_lookup(&cf, "params")) && (rc = load_params(&ld, s, st)))
		goto done;
	if ((st = config_lookup(&cf, "sweep")) && (rc = load_sweep(&ld, s, st)))
		goto done;
	if ((rc = load_run(&ld, s, config_lookup(&cf, "run"))))
		goto done;
	if (s->duration <= 0) {
		st = config_lookup(&cf, "run");
		ss_errbuf(err, errlen, "%s:%d: 'run.duration' (seconds measured) is required", path,
			  config_setting_source_line(st));
		rc = SS_EINVAL;
		goto done;
	}
	if ((st = config_lookup(&cf, "output")) && (rc = load_output(&ld, s, st)))
		goto done;
	if (s->batch_means && s->precision > 0) {
		st = config_lookup(&cf, "run");
		ss_errbuf(err, errlen, "%s:%d: 'precision' adds replications; with method \"batches\" give the number of batches instead",
			  path, config_setting_source_line(st));
		rc = SS_EINVAL;
		goto done;
	}
	char spanmsg[512];
	if (check_run(s, spanmsg, sizeof spanmsg)) {
		st = config_lookup(&cf, "run");
		ss_errbuf(err, errlen, "%s:%d: %s", path, config_setting_source_line(st), spanmsg);
		rc = SS_EINVAL;
		goto done;
	}
	if (s->speedup && !s->x) {
		st = config_lookup(&cf, "output");
		ss_errbuf(err, errlen, "%s:%d: output.speedup needs an x parameter (processors)", path,
			  st ? config_setting_source_line(st) : 1);
		rc = SS_EINVAL;
		goto done;
	}
	if (!s->figure && !(s->figure = strdup(s->name))) {
		rc = SS_ENOMEM;
		goto done;
	}
	if (!s->x && s->ngroups) {
		/* Default x: the first numeric axis. */
		for (size_t g = 0; g < s->ngroups && !s->x; g++)
			for (size_t a = 0; a < s->groups[g].naxes && !s->x; a++) {
				int i = ss_params_index(s->base, s->groups[g].axes[a].key);
				ss_param_type t = s->base->defs[i].type;
				if (t == SS_PARAM_INT || t == SS_PARAM_REAL)
					s->x = strdup(s->groups[g].axes[a].key);
			}
	}
	if (!s->series) {
		/* Default series: every swept parameter other than x, so points
		   with different parameters never merge in the points view. */
		size_t len = 1;
		for (size_t g = 0; g < s->ngroups; g++)
			for (size_t a = 0; a < s->groups[g].naxes; a++)
				len += 2 * strlen(s->groups[g].axes[a].key) + 6;
		if (!(s->series = malloc(len))) {
			rc = SS_ENOMEM;
			goto done;
		}
		s->series[0] = '\0';
		for (size_t g = 0; g < s->ngroups; g++)
			for (size_t a = 0; a < s->groups[g].naxes; a++) {
				const char *k = s->groups[g].axes[a].key;
				if (s->x && !strcmp(k, s->x))
					continue;
				sprintf(s->series + strlen(s->series), "%s%s={%s}", s->series[0] ? " " : "", k, k);
			}
	}
	rc = SS_OK;
done:
	config_destroy(&cf);
	if (rc) {
		if (rc == SS_ENOMEM)
			ss_errbuf(err, errlen, "%s: out of memory", path);
		ss_scenario_free(s);
		return rc;
	}
	*out = s;
	return SS_OK;
}

/* Names compared loosely: case and hyphens ignored, so the paper's
   "3-DES/TCP/IP" and "SHA-1" meet the files' "3DES" and "SHA1". */
static int loose_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-')
			a++;
		while (*b == '-')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

/* Position in group G of the value `text` (canonical `canon`) of axis a:
   its own value first, then, loosely, its own or that of any axis swept
   with it (a label such as the paper's name of a stack). G->n when none. */
static size_t swept_index(const ss_sweep_group *G, size_t a, const char *text, const char *canon)
{
	for (size_t i = 0; i < G->n; i++)
		if (!strcmp(G->axes[a].values[i], canon))
			return i;
	for (size_t i = 0; i < G->n; i++)
		for (size_t b = 0; b < G->naxes; b++)
			if (loose_eq(G->axes[b].values[i], text))
				return i;
	return G->n;
}

/* "one of: A (label a), B (label b)" for an error message. */
static void swept_choices(const ss_sweep_group *G, size_t a, char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < G->n && w + 1 < len; i++) {
		int r = snprintf(buf + w, len - w, "%s%s", i ? ", " : "", G->axes[a].values[i]);
		for (size_t b = 0; r > 0 && b < G->naxes; b++)
			if (b != a && (size_t)r < len - w && strcmp(G->axes[b].values[i], G->axes[a].values[i])) {
				int r2 = snprintf(buf + w + (size_t)r, len - w - (size_t)r, " (%s %s)", G->axes[b].key,
						  G->axes[b].values[i]);
				if (r2 > 0)
					r += r2;
			}
		if (r < 0 || (size_t)r >= len - w)
			break;
		w += (size_t)r;
	}
}

static void axis_free(ss_axis *A)
{
	for (size_t i = 0; i < A->n; i++)
		free(A->values[i]);
	free(A->values);
	free(A->key);
}

/* Splits "[a, b, "c d"]" into items; double quotes keep commas and
   blanks. Items are malloc'd. Returns SS_OK or SS_EINVAL with msg. */
static int split_list(const char *val, char ***items, size_t *n, char *msg, size_t len)
{
	*items = NULL;
	*n = 0;
	size_t cap = 0, vl = strlen(val);
	while (vl && isspace((unsigned char)val[vl - 1]))
		vl--;
	if (vl < 2 || val[vl - 1] != ']') {
		ss_errbuf(msg, len, "a list must end with ']': [a,b,c]");
		return SS_EINVAL;
	}
	const char *p = val + 1, *end = val + vl - 1;
	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end && *n == 0) {
			ss_errbuf(msg, len, "an empty list sweeps nothing");
			return SS_EINVAL;
		}
		const char *a = p, *b;
		if (p < end && *p == '"') {
			a = ++p;
			while (p < end && *p != '"')
				p++;
			if (p == end) {
				ss_errbuf(msg, len, "unterminated '\"' in item %zu", *n + 1);
				return SS_EINVAL;
			}
			b = p++;
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p < end && *p != ',') {
				ss_errbuf(msg, len, "text after the closing '\"' of item %zu", *n + 1);
				return SS_EINVAL;
			}
		} else {
			while (p < end && *p != ',' && *p != '[' && *p != ']' && *p != '"')
				p++;
			if (p < end && *p != ',') {
				ss_errbuf(msg, len, "unexpected '%c' in item %zu (quote items that contain it)", *p, *n + 1);
				return SS_EINVAL;
			}
			b = p;
			while (b > a && isspace((unsigned char)b[-1]))
				b--;
			if (b == a) {
				ss_errbuf(msg, len, "item %zu is empty", *n + 1);
				return SS_EINVAL;
			}
		}
		char *it = malloc((size_t)(b - a) + 1);
		if (!it || ss_grow(items, &cap, *n + 1, sizeof **items, 8)) {
			free(it);
			return SS_ENOMEM;
		}
		memcpy(it, a, (size_t)(b - a));
		it[b - a] = '\0';
		(*items)[(*n)++] = it;
		if (p == end)
			return SS_OK;
		p++; /* the comma */
	}
}

/* --set KEY=[a,b,c]: sweeps KEY over the values. A parameter already
   swept alone takes the new values in place; one swept with others
   (a stack and its label) keeps them in step, so each value must be
   one of the swept ones; an unswept parameter gets a group of its own,
   varied innermost. */
static int set_list(ss_scenario *s, const char *key, const char *k, const char *val, char *err, size_t errlen)
{
	char msg[512];
	char **items = NULL;
	size_t n = 0;
	if (ss_params_index(s->base, k) < 0) {
		const char *near = ss_params_nearest(s->base, k);
		ss_errbuf(err, errlen, "--set %s: model '%s' has no parameter '%s'%s%s%s", key, s->model->name, k,
			  near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		return SS_ENOENT;
	}
	int rc = split_list(val, &items, &n, msg, sizeof msg);
	ss_params *scratch = NULL;
	if (rc == SS_OK)
		ss_params_clone(&scratch, s->base);
	char **canon = rc == SS_OK ? calloc(n, sizeof *canon) : NULL;
	if (rc == SS_OK && (!scratch || !canon))
		rc = SS_ENOMEM;
	else if (rc)
		ss_errbuf(err, errlen, "--set %s: %s", key, msg);
	for (size_t i = 0; rc == SS_OK && i < n; i++) {
		if ((rc = ss_params_set_text(scratch, k, items[i], msg, sizeof msg)))
			ss_errbuf(err, errlen, "--set %s: item %zu: %s", key, i + 1, msg);
		else if (!(canon[i] = strdup(ss_params_text(scratch, k))))
			rc = SS_ENOMEM;
		for (size_t j = 0; rc == SS_OK && j < i; j++)
			if (!strcmp(canon[i], canon[j])) {
				ss_errbuf(err, errlen, "--set %s: '%s' is listed twice", key, items[i]);
				rc = SS_EINVAL;
			}
	}
	ss_sweep_group *G = NULL;
	size_t ga = 0;
	for (size_t g = 0; g < s->ngroups && !G; g++)
		for (size_t a = 0; a < s->groups[g].naxes && !G; a++)
			if (!strcmp(s->groups[g].axes[a].key, k)) {
				G = &s->groups[g];
				ga = a;
			}
	ss_sweep_group ng = {NULL, 0, n};
	if (rc == SS_OK && !(ng.axes = calloc(G ? G->naxes : 1, sizeof *ng.axes)))
		rc = SS_ENOMEM;
	if (rc == SS_OK) {
		ng.naxes = G ? G->naxes : 1;
		for (size_t a = 0; rc == SS_OK && a < ng.naxes; a++)
			if (!(ng.axes[a].key = strdup(G ? G->axes[a].key : k)) ||
			    !(ng.axes[a].values = calloc(n, sizeof *ng.axes[a].values)))
				rc = SS_ENOMEM;
	}
	for (size_t i = 0; rc == SS_OK && i < n; i++) {
		size_t at = 0;
		if (G && G->naxes > 1) {
			at = swept_index(G, ga, items[i], canon[i]);
			if (at == G->n) {
				char choices[1024];
				swept_choices(G, ga, choices, sizeof choices);
				ss_errbuf(err, errlen, "--set %s: '%s' is not one of the swept values, so the parameters swept with it cannot follow; one of: %s",
					  key, items[i], choices);
				rc = SS_EINVAL;
				break;
			}
		}
		for (size_t a = 0; rc == SS_OK && a < ng.naxes; a++) {
			const char *v = G && G->naxes > 1 ? G->axes[a].values[at] : canon[i];
			if (!(ng.axes[a].values[i] = strdup(v)))
				rc = SS_ENOMEM;
			else
				ng.axes[a].n++;
		}
	}
	if (rc == SS_OK && !G) {
		if (ss_grow(&s->groups, &(size_t){s->ngroups}, s->ngroups + 1, sizeof *s->groups, 4))
			rc = SS_ENOMEM;
		else
			G = &s->groups[s->ngroups++];
	} else if (rc == SS_OK) {
		for (size_t a = 0; a < G->naxes; a++)
			axis_free(&G->axes[a]);
		free(G->axes);
	}
	if (rc == SS_OK) {
		*G = ng;
	} else {
		for (size_t a = 0; a < ng.naxes; a++)
			axis_free(&ng.axes[a]);
		free(ng.axes);
		if (rc == SS_ENOMEM)
			ss_errbuf(err, errlen, "--set %s: out of memory", key);
	}
	for (size_t i = 0; i < n; i++) {
		free(items[i]);
		if (canon)
			free(canon[i]);
	}
	free(items);
	free(canon);
	ss_params_free(scratch);
	return rc;
}

/* --set host=NAME (or a list of hosts): the parameters each host sets
   return to unset defaults, so the host replaces what the file gave for
   them; later --set settings still override it. */
static int release_hosts(ss_scenario *s, const char *key, const char *val, char *err, size_t errlen)
{
	char hdir[4096], msg[1024];
	char **items = NULL, *one = NULL;
	size_t n = 0;
	int rc = SS_OK;
	snprintf(hdir, sizeof hdir, "%s/hosts", ss_datadir());
	if (val[0] == '[') {
		if (split_list(val, &items, &n, msg, sizeof msg)) {
			/* set_list reports it; the items split before the
			   error are still ours. */
			for (size_t i = 0; i < n; i++)
				free(items[i]);
			free(items);
			return SS_OK;
		}
	} else if (val[0]) {
		if (!(one = strdup(val)))
			return SS_ENOMEM;
		items = &one;
		n = 1;
	}
	for (size_t i = 0; i < n && rc == SS_OK; i++)
		if ((rc = ss_host_release(s->base, items[i], hdir, msg, sizeof msg)))
			ss_errbuf(err, errlen, "--set %s: %s", key, msg);
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	if (items != &one)
		free(items);
	return rc == SS_ENOMEM || rc == SS_OK ? rc : SS_EINVAL;
}

int ss_scenario_set(ss_scenario *s, const char *assignment, char *err, size_t errlen)
{
	const char *eq = strchr(assignment, '=');
	if (!eq || eq == assignment) {
		ss_errbuf(err, errlen, "--set %s: expected KEY=VALUE", assignment);
		return SS_EINVAL;
	}
	char key[128];
	size_t kl = (size_t)(eq - assignment);
	if (kl >= sizeof key) {
		ss_errbuf(err, errlen, "--set: key too long");
		return SS_EINVAL;
	}
	memcpy(key, assignment, kl);
	key[kl] = '\0';
	const char *val = eq + 1;
	const char *k = key;
	int want_run = 0, want_param = 0;
	if (!strncmp(k, "run.", 4)) {
		k += 4;
		want_run = 1;
	} else if (!strncmp(k, "params.", 7)) {
		k += 7;
		want_param = 1;
	}
	char msg[512];
	int rc0;
	if (!want_param && in_list(run_keys, k)) {
		char *end;
		double v = strtod(val, &end);
		int ok = end != val && *end == '\0' && strcmp(k, "method");
		if (!ok && !(!strcmp(k, "warmup") && !strcmp(val, "auto")) && strcmp(k, "method")) {
			ss_errbuf(err, errlen, "--set %s: '%s' is not a number", key, val);
			return SS_EINVAL;
		}
		if (run_value(s, k, ok ? v : 0, ok ? NULL : val, msg, sizeof msg)) {
			ss_errbuf(err, errlen, "--set %s: %s", key, msg);
			return SS_EINVAL;
		}
		if (s->batch_means && s->precision > 0) {
			ss_errbuf(err, errlen, "--set %s: 'precision' adds replications; with method \"batches\" give the number of batches instead", key);
			return SS_EINVAL;
		}
		return SS_OK;
	}
	if (want_run) {
		const char *n = nearest(run_keys, k);
		ss_errbuf(err, errlen, "--set %s: unknown run setting%s%s%s", key, n ? " (did you mean 'run." : "",
			  n ? n : "", n ? "'?)" : "");
		return SS_ENOENT;
	}
	if (!strcmp(k, "host") && ss_params_index(s->base, "host") >= 0 && (rc0 = release_hosts(s, key, val, err, errlen)))
		return rc0;
	if (val[0] == '[')
		return set_list(s, key, k, val, err, errlen);
	int rc = ss_params_set_text(s->base, k, val, msg, sizeof msg);
	if (rc) {
		if (rc == SS_ENOENT && !want_param) {
			const char *n = nearest(run_keys, k);
			if (n) {
				ss_errbuf(err, errlen, "--set %s: unknown key (did you mean '%s'?)", key, n);
				return rc;
			}
		}
		ss_errbuf(err, errlen, "--set %s: %s", key, msg);
		return rc;
	}
	/* A swept parameter fixed from the command line leaves the sweep; the
	   axes that vary with it follow it to the same position. */
	for (size_t g = 0; g < s->ngroups; g++)
		for (size_t a = 0; a < s->groups[g].naxes; a++) {
			ss_sweep_group *G = &s->groups[g];
			ss_axis *A = &G->axes[a];
			if (strcmp(A->key, k))
				continue;
			const char *canon = ss_params_text(s->base, k);
			size_t at = swept_index(G, a, val, canon);
			if (G->naxes > 1 && at == G->n) {
				char choices[1024];
				swept_choices(G, a, choices, sizeof choices);
				ss_errbuf(err, errlen, "--set %s: '%s' is not one of the swept values, so the parameters swept with it cannot follow; one of: %s",
					  key, val, choices);
				return SS_EINVAL;
			}
			/* A value named by its label or another spelling runs
			   as the swept value itself: same point, same key. */
			for (size_t b2 = 0; b2 < G->naxes && at < G->n; b2++) {
				char msg2[256];
				if (ss_params_set_text(s->base, G->axes[b2].key, G->axes[b2].values[at], msg2, sizeof msg2)) {
					ss_errbuf(err, errlen, "--set %s: %s", key, msg2);
					return SS_EINVAL;
				}
			}
			for (size_t b2 = 0; b2 < G->naxes; b2++)
				axis_free(&G->axes[b2]);
			free(G->axes);
			memmove(G, G + 1, (s->ngroups - g - 1) * sizeof *G);
			s->ngroups--;
			return SS_OK;
		}
	return SS_OK;
}

/* The series label of a point: "{name}" replaced by the parameter's
   text. Two passes, the first measuring, so a template that repeats a
   long value gets room for every copy. */
static char *expand(const char *tpl, const ss_params *p)
{
	char *out = NULL;
	for (;;) {
		size_t w = 0;
		for (const char *c = tpl; *c;) {
			const char *e;
			if (*c == '{' && (e = strchr(c, '}'))) {
				char name[128];
				size_t n = (size_t)(e - c - 1);
				const char *v = NULL;
				if (n < sizeof name) {
					memcpy(name, c + 1, n);
					name[n] = '\0';
					v = ss_params_text(p, name);
				}
				size_t vl = v ? strlen(v) : 0;
				if (out && vl)
					memcpy(out + w, v, vl);
				w += vl;
				c = e + 1;
			} else {
				if (out)
					out[w] = *c;
				w++;
				c++;
			}
		}
		if (out) {
			out[w] = '\0';
			return out;
		}
		if (!(out = malloc(w + 1)))
			return NULL;
	}
}

void ss_points_free(ss_point *pts, size_t n)
{
	if (!pts)
		return;
	for (size_t i = 0; i < n; i++) {
		ss_params_free(pts[i].params);
		free(pts[i].key);
		free(pts[i].series);
	}
	free(pts);
}

/* Speedup baselines: for every point, the point with its parameters and
   x = 1, appended when the sweep lacks it (a sweep of processors = 16
   alone would otherwise divide by itself). */
static int add_baselines(const ss_scenario *s, ss_point **pts, size_t *n, size_t *cap, char *err, size_t errlen)
{
	size_t swept = *n;
	for (size_t i = 0; i < swept; i++) {
		ss_params *bp = NULL;
		char msg[256];
		if (ss_params_clone(&bp, (*pts)[i].params) != SS_OK)
			return SS_ENOMEM;
		if (ss_params_set_text(bp, s->x, "1", msg, sizeof msg)) {
			ss_params_free(bp);
			ss_errbuf(err, errlen, "%s: output.speedup divides by the point at %s = 1: %s", s->path, s->x, msg);
			return SS_EINVAL;
		}
		char *key = ss_params_key(bp);
		if (!key) {
			ss_params_free(bp);
			return SS_ENOMEM;
		}
		size_t b = 0;
		while (b < *n && strcmp((*pts)[b].key, key))
			b++;
		if (b == *n) {
			ss_point *q;
			if (ss_grow(pts, cap, *n + 1, sizeof **pts, 8)) {
				free(key);
				ss_params_free(bp);
				return SS_ENOMEM;
			}
			q = &(*pts)[(*n)++];
			memset(q, 0, sizeof *q);
			q->params = bp;
			q->key = key;
			q->x = 1;
			q->base = b;
			q->baseline_only = 1;
			const char *st = s->series && s->series[0] ? s->series : s->name;
			if (!(q->series = expand(st, bp)))
				return SS_ENOMEM;
		} else {
			free(key);
			ss_params_free(bp);
		}
		(*pts)[i].base = b;
	}
	return SS_OK;
}

int ss_scenario_points(const ss_scenario *s, ss_point **pts, size_t *n, char *err, size_t errlen)
{
	/* --set may have changed the run settings since loading. */
	char msg0[512];
	if (check_run(s, msg0, sizeof msg0)) {
		ss_errbuf(err, errlen, "%s: %s", s->path, msg0);
		return SS_EINVAL;
	}
	size_t total = 1;
	for (size_t g = 0; g < s->ngroups; g++) {
		total *= s->groups[g].n;
		if (total > 10000000) {
			ss_errbuf(err, errlen, "%s: the sweep has more than 10^7 points", s->path);
			return SS_EINVAL;
		}
	}
	ss_point *p = calloc(total, sizeof *p);
	if (!p)
		return SS_ENOMEM;
	for (size_t i = 0; i < total; i++) {
		ss_point *pt = &p[i];
		if (ss_params_clone(&pt->params, s->base) != SS_OK)
			goto nomem;
		/* Mixed-radix digits of i, first group most significant. */
		size_t rest = i;
		for (size_t g = s->ngroups; g-- > 0;) {
			size_t idx = rest % s->groups[g].n;
			rest /= s->groups[g].n;
			for (size_t a = 0; a < s->groups[g].naxes; a++) {
				const ss_axis *A = &s->groups[g].axes[a];
				char msg[256];
				if (ss_params_set_text(pt->params, A->key, A->values[idx], msg, sizeof msg)) {
					ss_errbuf(err, errlen, "%s: %s", s->path, msg);
					ss_points_free(p, total);
					return SS_EINVAL;
				}
			}
		}
		char hmsg[1024], hdir[4096];
		snprintf(hdir, sizeof hdir, "%s/hosts", ss_datadir());
		int hrc = ss_host_apply(pt->params, hdir, hmsg, sizeof hmsg);
		if (hrc) {
			ss_errbuf(err, errlen, "%s: %s", s->path, hmsg);
			ss_points_free(p, total);
			return hrc == SS_ENOMEM ? hrc : SS_EINVAL;
		}
		if (!(pt->key = ss_params_key(pt->params)))
			goto nomem;
		const char *st = s->series && s->series[0] ? s->series : s->name;
		if (!(pt->series = expand(st, pt->params)))
			goto nomem;
		pt->x = s->x ? pt->params->v[ss_params_index(pt->params, s->x)].r : (double)i;
		pt->base = i;
	}
	size_t cap = total;
	int rc = s->speedup ? add_baselines(s, &p, &total, &cap, err, errlen) : SS_OK;
	if (rc) {
		ss_points_free(p, total);
		return rc;
	}
	*pts = p;
	*n = total;
	return SS_OK;
nomem:
	ss_points_free(p, total);
	return SS_ENOMEM;
}

char *ss_scenario_describe(const ss_scenario *s)
{
	/* The parameters as they run: with the host's values (a host that
	   does not load was reported by ss_scenario_points already). */
	ss_params *eff = NULL;
	ss_params_clone(&eff, s->base);
	char hdir[4096], msg[512];
	snprintf(hdir, sizeof hdir, "%s/hosts", ss_datadir());
	if (eff)
		ss_host_apply(eff, hdir, msg, sizeof msg);
	char *pk = eff ? ss_params_key(eff) : NULL;
	ss_params_free(eff);
	if (!pk)
		return NULL;
	size_t len = strlen(pk) + 1024;
	for (size_t g = 0; g < s->ngroups; g++)
		for (size_t a = 0; a < s->groups[g].naxes; a++) {
			len += strlen(s->groups[g].axes[a].key) + 16;
			for (size_t i = 0; i < s->groups[g].axes[a].n; i++)
				len += strlen(s->groups[g].axes[a].values[i]) + 2;
		}
	char *out = malloc(len);
	if (!out) {
		free(pk);
		return NULL;
	}
	char *w = out;
	w += sprintf(w, "model=%s; params: %s; sweep:", s->model->name, pk);
	for (size_t g = 0; g < s->ngroups; g++) {
		w += sprintf(w, " (");
		for (size_t a = 0; a < s->groups[g].naxes; a++) {
			const ss_axis *A = &s->groups[g].axes[a];
			w += sprintf(w, "%s%s=[", a ? " " : "", A->key);
			for (size_t i = 0; i < A->n; i++)
				w += sprintf(w, "%s%s", i ? "," : "", A->values[i]);
			w += sprintf(w, "]");
		}
		w += sprintf(w, ")");
	}
	if (s->batch_means)
		w += sprintf(w, "; method=batches");
	if (s->warmup < 0)
		w += sprintf(w, "; run: replications=%d seed=%llu warmup=auto duration=%.17g level=%.17g precision=%.17g max_replications=%d",
			     s->replications, (unsigned long long)s->seed, s->duration, s->level, s->precision, s->max_replications);
	else
		w += sprintf(w, "; run: replications=%d seed=%llu warmup=%.17g duration=%.17g level=%.17g precision=%.17g max_replications=%d",
			     s->replications, (unsigned long long)s->seed, s->warmup, s->duration, s->level, s->precision, s->max_replications);
	free(pk);
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(const char *dir, char ***v, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return SS_ENOENT;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *path = malloc(len);
		if (!path)
			break;
		snprintf(path, len, "%s/%s", dir, e->d_name);
		struct stat sb;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			collect(path, v, n, cap);
			free(path);
		} else if (strlen(e->d_name) > 4 && !strcmp(e->d_name + strlen(e->d_name) - 4, ".cfg")) {
			if (ss_grow(v, cap, *n + 1, sizeof **v, 32)) {
				free(path);
				break;
			}
			(*v)[(*n)++] = path;
		} else {
			free(path);
		}
	}
	closedir(d);
	return SS_OK;
}

int ss_scenario_list(const char *dir, void (*fn)(const char *path, void *ud), void *ud)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc = collect(dir, &v, &n, &cap);
	if (rc == SS_OK) {
		qsort(v, n, sizeof *v, cmp_str);
		for (size_t i = 0; i < n; i++)
			fn(v[i], ud);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}
