/* Runs a fuzz harness's entry point on files, as libFuzzer would on a
   crash reproducer, without libFuzzer: make check builds each harness
   with this main and the normal compiler. Exits 0 when every input was
   run (a crash or sanitizer report ends the process instead). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "ss_grow.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		unsigned char *buf = NULL;
		size_t cap = 0, n = 0, r = 1;
		while (r > 0 && ss_grow(&buf, &cap, n + 4096, 1, 4096) == SS_OK)
			n += (r = fread(buf + n, 1, cap - n, f));
		int bad = r > 0 || ferror(f); /* out of memory or a read error */
		fclose(f);
		if (bad) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			free(buf);
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}
