/* Shared by the fuzz harnesses (tests/fuzz/fuzz_*.c): the libFuzzer entry
   point each one defines, and a scratch file for loaders that read a
   path. The same harness links with libFuzzer (make fuzz) or with
   replay.c (make check replays the kept inputs). */
#ifndef SS_FUZZ_H
#define SS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to NAME in a directory private to this process (made on
   the first call, removed at exit) and returns the file's path, or NULL
   (with a message on stderr) when it cannot be written. The path stays
   valid until the next call with the same name. */
const char *ss_fuzz_file(const char *name, const uint8_t *data, size_t size);

/* The same directory, for a harness that keeps other files there. */
const char *ss_fuzz_dir(void);

#endif
