/*
 * Helpers shared by the collector's unit tests; see stats_support.h.
 */

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logparse.h"
#include "stats_support.h"

struct lp_source	lpt_src;

/* The usual source: any format, UTC, read on LPT_REF. */
void
lpt_setup(void)
{
	cr_assert_eq(lp_source_init(&lpt_src, LP_FMT_AUTO, "UTC", LPT_REF), 0);
}

void
lpt_init(enum lp_format fmt, const char *tz, int64_t ref)
{
	cr_assert_eq(lp_source_init(&lpt_src, fmt, tz, ref), 0, "tz %s", tz);
}

/* The line must yield an event, in ev. */
void
lpt_ok(const char *line, struct lp_event *ev)
{
	int	r = lp_parse_line(&lpt_src, line, strlen(line), ev);

	cr_assert_eq(r, 1, "not parsed (%s): %s", lp_skip_name(ev->skip),
	    line);
}

/* The line must be skipped, for the reason why. */
void
lpt_skip(const char *line, enum lp_skip why)
{
	struct lp_event	ev;

	cr_assert_eq(lp_parse_line(&lpt_src, line, strlen(line), &ev), 0,
	    "parsed as %s: %s", lp_kind_name(ev.kind), line);
	cr_assert_eq(ev.skip, why, "skip %s, want %s: %s",
	    lp_skip_name(ev.skip), lp_skip_name(why), line);
}

/*
 * Call fn on every line of the file at path, with the line's length (its
 * newline included): the sum of what fn returned, or -1 when the file
 * cannot be opened.  It asserts nothing itself: robust calls it from an
 * nftw walk.
 */
long
lpt_file_lines(const char *path, int (*fn)(const char *, size_t))
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	long	 sum = 0;
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return (-1);
	while ((n = getline(&line, &cap, fp)) > 0)
		sum += fn(line, (size_t)n);
	free(line);
	fclose(fp);
	return (sum);
}
