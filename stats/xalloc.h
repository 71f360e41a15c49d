/* Allocation for the collector: running out of memory ends the process. */

#ifndef ST_XALLOC_H
#define ST_XALLOC_H

#include <stddef.h>

void	*st_xcalloc(size_t, size_t);
void	*st_xrealloc(void *, size_t, size_t);

#endif
