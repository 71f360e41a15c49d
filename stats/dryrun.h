/*
 * Files through the collector without a database: parsing, correlation and
 * batch records, the batch emptied as it fills (`postroom stats parse`:
 * check what a log yields, measure the parser).
 */

#ifndef ST_DRYRUN_H
#define ST_DRYRUN_H

#include <stdint.h>

#include "collect.h"

/* Lines read in *lines; -1 and err when a file cannot be read. */
int	st_dry_run(struct st_collector *, char **, int, uint64_t *, char *,
	    size_t);

#endif
