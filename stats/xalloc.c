/*
 * Allocation that does not come back empty: the collector cannot do its
 * work without the memory, and its position is safe in the database.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"

static void
oom(void)
{
	fprintf(stderr, "postroom: out of memory\n");
	abort();
}

void *
st_xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		oom();
	return (p);
}

void *
st_xrealloc(void *p, size_t n, size_t size)
{
	if (n != 0 && size > SIZE_MAX / n)
		oom();
	if ((p = realloc(p, n * size)) == NULL)
		oom();
	return (p);
}
