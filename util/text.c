/* Text helpers: edit distance and nearest-name hints. */
#include "ss_text.h"

#include <ctype.h>
#include <string.h>

size_t ss_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return la > lb ? la : lb;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *ss_nearest(const char *name, const char *const *list)
{
	const char *best = NULL;
	size_t bd = (size_t)-1;
	for (; *list; list++) {
		size_t d = ss_edit_distance(name, *list);
		if (d < bd) {
			bd = d;
			best = *list;
		}
	}
	return bd <= 1 + strlen(name) / 3 ? best : NULL;
}
