/*
 * Private scanning helpers of the log parser.  Every helper takes an
 * explicit end pointer and never reads at or past it: lines are not
 * NUL-terminated.
 */

#ifndef LP_SCAN_H
#define LP_SCAN_H

#include <stdint.h>
#include <string.h>

#include "logparse.h"

/* 1 when [p, end) starts with the string literal lit. */
#define LP_HAS(p, end, lit)						\
	((size_t)((end) - (p)) >= sizeof(lit) - 1 &&			\
	    memcmp((p), (lit), sizeof(lit) - 1) == 0)

#define LP_LEN(lit)	(sizeof(lit) - 1)

/* First occurrence of lit in [p, end), or NULL. */
#define LP_FIND(p, end, lit)	lp_find((p), (end), (lit), LP_LEN(lit))

/*
 * The needle's byte that memchr looks for: the first one that is not a
 * separator, which would stop memchr at every field of the line.
 */
static inline size_t
lp_anchor(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != ',' && s[i] != '=' && s[i] != '<')
			return (i);
	}
	return (0);
}

/*
 * glibc's memmem sets up a shift table per call, which costs more than
 * the search itself on a log line; memchr on one byte and a memcmp do not.
 */
static inline const char *
lp_find(const char *p, const char *end, const char *s, size_t n)
{
	const char	*q, *last;
	size_t		 a;

	if (p == NULL || p >= end || (size_t)(end - p) < n)
		return (NULL);
	if (n == 0)
		return (p);
	a = lp_anchor(s, n);
	last = end - n + a;		/* the anchor's last possible place */
	for (q = p + a; q <= last; q++) {
		if ((q = memchr(q, s[a], last - q + 1)) == NULL)
			return (NULL);
		if (memcmp(q - a, s, n) == 0)
			return (q - a);
	}
	return (NULL);
}

/* Last occurrence of s in [p, end), or NULL. */
static inline const char *
lp_find_last(const char *p, const char *end, const char *s, size_t n)
{
	const char	*q;
	size_t		 a;

	if (p == NULL || p >= end || (size_t)(end - p) < n)
		return (NULL);
	if (n == 0)
		return (end);
	a = lp_anchor(s, n);
	end = end - n + a + 1;		/* past the anchor's last place */
	while ((q = memrchr(p + a, s[a], end - (p + a))) != NULL) {
		if (memcmp(q - a, s, n) == 0)
			return (q - a);
		end = q;
	}
	return (NULL);
}

static inline const char *
lp_chr(const char *p, const char *end, int c)
{
	if (p == NULL || p >= end)
		return (NULL);
	return (memchr(p, c, end - p));
}

static inline int
lp_isdigit(int c)
{
	return (c >= '0' && c <= '9');
}

/* ASCII letters and digits, by table: a queue id is read a byte a time. */
extern const unsigned char	lp_alnum[256];

static inline int
lp_isalnum(int c)
{
	return (lp_alnum[(unsigned char)c]);
}

static inline struct lp_str
lp_mkstr(const char *p, const char *e)
{
	struct lp_str	s;

	s.p = p;
	s.len = e > p ? (size_t)(e - p) : 0;
	return (s);
}

/*
 * Parse decimal digits at *pp into *out, advancing *pp.  At most 18
 * digits are taken (no overflow); more are consumed and ignored.
 * Returns 0, or -1 when no digit is there.
 */
static inline int
lp_num(const char **pp, const char *end, int64_t *out)
{
	const char	*p = *pp;
	int64_t		 v = 0;
	int		 n = 0;

	while (p < end && lp_isdigit(*p)) {
		if (n < 18)
			v = v * 10 + (*p - '0');
		n++;
		p++;
	}
	if (n == 0)
		return (-1);
	*pp = p;
	*out = v;
	return (0);
}

/* Two digits at p (p + 2 <= end checked by caller), or -1. */
static inline int
lp_2dig(const char *p)
{
	if (!lp_isdigit(p[0]) || !lp_isdigit(p[1]))
		return (-1);
	return ((p[0] - '0') * 10 + (p[1] - '0'));
}

/* End of a token that stops at any of ", " or end; for key=value lists. */
static inline const char *
lp_comma_end(const char *p, const char *end)
{
	const char	*q;

	while ((q = lp_chr(p, end, ',')) != NULL) {
		if (q + 1 >= end || q[1] == ' ')
			return (q);
		p = q + 1;
	}
	return (end);
}

/*
 * host[ip] or host[ip]:port starting at p.  Sets host and ip and returns
 * the pointer after ']' (and after a :port), or NULL.
 */
static inline const char *
lp_host_ip(const char *p, const char *end, struct lp_str *host,
    struct lp_str *ip)
{
	const char	*lb, *rb;

	if ((lb = lp_chr(p, end, '[')) == NULL)
		return (NULL);
	if ((rb = lp_chr(lb + 1, end, ']')) == NULL)
		return (NULL);
	*host = lp_mkstr(p, lb);
	*ip = lp_mkstr(lb + 1, rb);
	p = rb + 1;
	if (p < end && *p == ':' && p + 1 < end && lp_isdigit(p[1])) {
		p++;
		while (p < end && lp_isdigit(*p))
			p++;
	}
	return (p);
}

/* Month from its English abbreviation, 1-12, or 0. */
int	lp_month(const char *p);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t	lp_days_from_civil(int64_t y, int m, int d);

/* The environment (TZ) is changed under this lock (lptime.c). */
void	lp_env_lock(void);
void	lp_env_unlock(void);

/* Local naive seconds to UTC offset (seconds east), via the cache. */
int32_t	lp_tz_offset(struct lp_source *, int64_t naive);

/*
 * Local naive seconds of a yearless local timestamp, its year inferred
 * (see logparse.h); day numbers are cached per date.
 */
int64_t	lp_yearless_naive(struct lp_source *, int mon, int mday, int hour,
	    int min, int sec);

/* Local naive seconds of this source to UTC seconds. */
int64_t	lp_naive_to_utc(struct lp_source *, int64_t naive);

/* Per-program message parsers.  msg..end is the text after "prog: ". */
int	lp_postfix_parse(struct lp_source *, const char *, const char *,
	    struct lp_event *);
int	lp_dovecot_parse(struct lp_source *, const char *, const char *,
	    const char *, const char *, struct lp_event *);
int	lp_roundcube_parse(struct lp_source *, const char *, const char *,
	    struct lp_event *);
const char	*lp_roundcube_time(struct lp_source *, const char *,
		    const char *, struct lp_event *);
int	lp_dovecot_service(const char *, const char *);

void	lp_addr_unmap(struct lp_webmail *);
int	lp_is_webmail(const struct lp_source *, struct lp_str);

#endif
