/* Counting OpenSSL's allocations, for tests that a per-packet call
   allocates nothing: ss_test_alloc_install() routes libcrypto's malloc,
   realloc and free through counters (call it before any other OpenSSL
   call; 0 when OpenSSL refuses, e.g. after its first allocation), and
   ss_test_allocs() is how many allocations it has made since. One
   translation unit per test program includes this. */
#ifndef SS_TEST_ALLOC_H
#define SS_TEST_ALLOC_H

#include <stdlib.h>

#include <openssl/crypto.h>

static long ss_test_n_alloc;

static void *ss_test_count_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	ss_test_n_alloc++;
	return malloc(n);
}

static void *ss_test_count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	ss_test_n_alloc++;
	return realloc(p, n);
}

static void ss_test_count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

static inline int ss_test_alloc_install(void)
{
	return CRYPTO_set_mem_functions(ss_test_count_malloc, ss_test_count_realloc, ss_test_count_free);
}

static inline long ss_test_allocs(void) { return ss_test_n_alloc; }

#endif
