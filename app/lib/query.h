/*
 * Query strings, list cursors and LIKE patterns.  Pure code: no Kore.
 */
#ifndef PR_QUERY_H
#define PR_QUERY_H

#include <stddef.h>

/*
 * Percent-decode [p, end) into out ('+' is a space in query strings, not
 * in paths).  Returns 0, or -1 when malformed (a bad escape, a control
 * character or NUL) or too long for out.
 */
int	pr_percent_decode(const char *p, const char *end, int plus_is_space,
	    char *out, size_t outlen);

/*
 * Find name in a raw query string ("a=1&b=x%20y") and percent-decode its
 * value into out.  Returns 1 found, 0 absent, -1 when the value is
 * malformed (a bad escape, a control character, NUL, or too long).
 * A name given twice is malformed too: which one counts is not a guess
 * the server should make.
 */
int	pr_query_get(const char *qs, const char *name, char *out,
	    size_t outlen);

struct sbuf;

/*
 * The value of cookie name in a Cookie header ("a=1; b=2") into out.
 * Returns 1 found, 0 absent, -1 when too long.
 */
int	pr_cookie_get(const char *header, const char *name, char *out,
	    size_t outlen);

/* Hex cursors: 0 on success, -1 when malformed or too long. */
int	pr_cursor_decode(const char *hex, char *out, size_t outlen);
/* The cursor of a key, appended: its bytes in lower-case hex. */
void	pr_cursor_encode(struct sbuf *, const char *key);

/* Escape %, _ and \ and append %: a prefix pattern for LIKE. */
int	pr_like_prefix(const char *prefix, char *out, size_t outlen);

#endif
