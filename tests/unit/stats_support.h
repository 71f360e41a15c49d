/*
 * Helpers shared by the collector's unit tests (test_stats_*.c): one log
 * source, line parsing that must or must not yield an event, and reading
 * a sample file line by line.
 */

#ifndef STATS_SUPPORT_H
#define STATS_SUPPORT_H

#include <criterion/criterion.h>

#include <stddef.h>
#include <stdint.h>

#include "logparse.h"

#define LPT_REF	1798761610	/* 2027-01-01T00:00:10Z: lines are 2026 */

#define STR_EQ(s, lit)							\
	cr_assert(lp_str_eq((s), (lit)), "%s is [%.*s], want [%s]", #s,	\
	    (int)(s).len, (s).len ? (s).p : "", (lit))

extern struct lp_source	lpt_src;

void	lpt_setup(void);
void	lpt_init(enum lp_format, const char *, int64_t);
void	lpt_ok(const char *, struct lp_event *);
void	lpt_skip(const char *, enum lp_skip);
long	lpt_file_lines(const char *, int (*)(const char *, size_t));

#endif /* STATS_SUPPORT_H */
