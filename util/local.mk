# util/: what every folder shares: status codes and messages, growable
# arrays, text helpers, the data directory.
noinst_LIBRARIES += libss_util.a
libss_util_a_SOURCES = \
	util/ss_err.h util/err.c util/ss_grow.h util/grow.c util/ss_text.h util/text.c util/ss_env.h util/env.c
