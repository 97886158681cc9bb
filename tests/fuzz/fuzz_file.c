/* Scratch files of the fuzz harnesses. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One directory per process: the harness is single-threaded, and
   libFuzzer's -jobs workers are separate processes. */
static char dir[4096];
static char path[4096 + 256];

static void remove_dir(void)
{
	/* Only the names the harnesses use; anything else is left for a
	   person to see. */
	static const char *const names[] = {"fuzz.cfg", "fuzz.csv", "fuzz.db", "fuzz.db-wal", "fuzz.db-shm",
					    "fuzz.db-journal", NULL};
	char p[sizeof path];
	for (size_t i = 0; names[i]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

const char *ss_fuzz_dir(void)
{
	if (dir[0])
		return dir;
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/secsim-fuzz.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		abort();
	}
	atexit(remove_dir);
	return dir;
}

const char *ss_fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	snprintf(path, sizeof path, "%s/%s", ss_fuzz_dir(), name);
	/* A new file each time: ext4 flushes a file truncated and rewritten
	   on close (auto_da_alloc), which costs milliseconds per input. */
	unlink(path);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return NULL;
	}
	size_t w = size ? fwrite(data, 1, size, f) : 0;
	if (fclose(f) != 0 || w != size) {
		perror(path);
		return NULL;
	}
	return path;
}
