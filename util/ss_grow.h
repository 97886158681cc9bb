/* Growable arrays: one place for the doubling every list in secsim uses. */
#ifndef SS_GROW_H
#define SS_GROW_H

#include <stddef.h>

#include "ss_err.h"

int ss_grow_slow(void *items, size_t *cap, size_t n, size_t size, size_t first);

/* Makes room for n elements of `size` bytes in the array that `items`
   points to (a pointer to the array's pointer, e.g. &list->v), whose
   capacity is *cap: doubles the capacity, starting from `first`, until n
   fit. SS_OK, or SS_ENOMEM with the array and *cap untouched.
   Inline, so that the common case (room already) costs one comparison
   on hot paths such as the event pool. */
static inline int ss_grow(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
	return n <= *cap ? SS_OK : ss_grow_slow(items, cap, n, size, first);
}

#endif
