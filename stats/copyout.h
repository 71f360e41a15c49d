/*
 * PostgreSQL COPY text format, written by hand for speed: fields end with
 * a tab, rows with a newline (st_copy_end).  Text is made safe whatever
 * the log held: invalid UTF-8, NUL and control bytes become '?', and it is
 * cut at a byte limit without splitting a character.
 */

#ifndef ST_COPYOUT_H
#define ST_COPYOUT_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

void	st_copy_text(struct sbuf *, const char *, size_t, size_t max);
void	st_copy_str(struct sbuf *, const char *);	/* NUL-terminated */
void	st_copy_null(struct sbuf *);
void	st_copy_int(struct sbuf *, int64_t);
void	st_copy_bool(struct sbuf *, int);
void	st_copy_time(struct sbuf *, int64_t us);	/* UTC timestamptz */
void	st_copy_date(struct sbuf *, int64_t day);	/* days since epoch */
void	st_copy_end(struct sbuf *);			/* ends the row */

/*
 * Safe text (as st_copy_text, without COPY's escapes) into dst of cap
 * bytes, NUL-terminated; returns its length.
 */
size_t	st_clean(char *dst, size_t cap, const char *, size_t);

#endif
