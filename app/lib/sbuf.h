/*
 * A growable string buffer for pure code (the CLI, the collector and the
 * JSON writer), with a JSON string escaper.  No Kore.
 */
#ifndef PR_SBUF_H
#define PR_SBUF_H

#include <stddef.h>

struct sbuf {
	char	*data;		/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
};

void	sbuf_init(struct sbuf *);
void	sbuf_free(struct sbuf *);
void	sbuf_reset(struct sbuf *);
void	sbuf_append(struct sbuf *, const void *, size_t);
void	sbuf_puts(struct sbuf *, const char *);
void	sbuf_printf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Append s as a JSON string, quotes included, escaped per RFC 8259. */
void	sbuf_json_str(struct sbuf *, const char *s);
void	sbuf_json_strn(struct sbuf *, const char *s, size_t len);

#endif
