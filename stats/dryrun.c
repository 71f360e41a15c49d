/*
 * The collector without a database; see dryrun.h.
 */

#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "dryrun.h"
#include "reader.h"

/*
 * Nothing waits for a commit here: a batch only bounds memory, and a
 * small one keeps its interned addresses in cache.
 */
#define DRY_BATCH_LINES	65536

static int
one(struct st_collector *c, const char *path, uint64_t *lines, char *err,
    size_t errlen)
{
	struct st_file	 f;
	const char	*line;
	size_t		 len, pending = 0;
	uint64_t	 end;
	int		 rc;

	if (st_file_open(&f, path, err, errlen) == -1)
		return (-1);
	st_collector_ref(c, f.mtime);
	while ((rc = st_file_line(&f, &line, &len, &end)) == 1) {
		st_collect_line(c, line, len);
		(*lines)++;
		if (st_batch_full(&c->batch, ++pending, DRY_BATCH_LINES)) {
			st_batch_reset(&c->batch);
			pending = 0;
		}
	}
	st_file_close(&f);
	if (rc == -1)
		snprintf(err, errlen, "%s: read error", path);
	return (rc);
}

int
st_dry_run(struct st_collector *c, char **files, int n, uint64_t *lines,
    char *err, size_t errlen)
{
	int	i;

	*lines = 0;
	for (i = 0; i < n; i++) {
		if (one(c, files[i], lines, err, errlen) == -1)
			return (-1);
	}
	st_batch_reset(&c->batch);
	return (0);
}
