#include "ss_grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int ss_grow_slow(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c = *cap ? *cap : (first ? first : 1);
	while (c < n) {
		if (c > SIZE_MAX / 2)
			return SS_ENOMEM;
		c *= 2;
	}
	if (size && c > SIZE_MAX / size)
		return SS_ENOMEM;
	/* The array's pointer is read and written as bytes, so any element
	   type's pointer can be passed without breaking aliasing rules. */
	void *old, *p;
	memcpy(&old, items, sizeof old);
	if (!(p = realloc(old, c * size)))
		return SS_ENOMEM;
	memcpy(items, &p, sizeof p);
	*cap = c;
	return SS_OK;
}
