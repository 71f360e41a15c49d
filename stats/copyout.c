/*
 * COPY text format output; see copyout.h.
 */

#include <stdint.h>
#include <string.h>

#include "copyout.h"
#include "logparse.h"
#include "sbuf.h"
#include "utf8.h"

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * Does the word hold a byte below 0x20 or above 0x7e (or, with copy, a
 * backslash)?  May say yes for a word that has none, never no for one
 * that has: a borrow only flags bytes above a flagged one.
 */
static int
word_special(uint64_t w, int copy)
{
	uint64_t	x = (w - ONES * 0x20) | (w + ONES);

	if (copy)
		x |= (w ^ (ONES * '\\')) - ONES;
	return (((x | w) & HIGHS) != 0);
}

/* Bytes at p that need nothing done: printable ASCII (no backslash). */
static size_t
plain(const unsigned char *p, size_t n, int copy)
{
	uint64_t	w;
	size_t		i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (word_special(w, copy))
			break;
	}
	for (; i < n; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f || (copy && p[i] == '\\'))
			break;
	}
	return (i);
}

static void
put(struct sbuf *b, char *dst, size_t at, const void *s, size_t n)
{
	if (b != NULL)
		sbuf_append(b, s, n);
	else
		memcpy(dst + at, s, n);
}

/*
 * s as safe text, at most max bytes of it, appended to b or (b NULL)
 * written to dst; with copy set, a backslash is doubled as COPY wants.
 * Returns the bytes written.
 */
static size_t
walk(const char *s, size_t n, size_t max, int copy, struct sbuf *b,
    char *dst)
{
	const unsigned char	*p = (const unsigned char *)s;
	const void		*emit;
	size_t			 i = 0, out = 0, len, w;

	while (i < n && out < max) {
		if ((w = plain(p + i, n - i, copy)) > 0) {
			w = w < max - out ? w : max - out;
			put(b, dst, out, p + i, w);
			out += w;
			i += w;
			continue;
		}
		len = pr_utf8_len(p + i, n - i);
		if (len == 1 && (p[i] < 0x20 || p[i] == 0x7f))
			len = 0;
		if (len == 0) {
			emit = "?";
			w = 1;
		} else if (len == 1) {
			emit = "\\\\";	/* a backslash, for COPY */
			w = 2;
		} else {
			emit = p + i;
			w = len;
		}
		if (out + w > max)
			break;
		put(b, dst, out, emit, w);
		out += w;
		i += len ? len : 1;
	}
	return (out);
}

void
st_copy_text(struct sbuf *b, const char *s, size_t n, size_t max)
{
	(void)walk(s, n, max, 1, b, NULL);
	sbuf_append(b, "\t", 1);
}

void
st_copy_str(struct sbuf *b, const char *s)
{
	st_copy_text(b, s, strlen(s), SIZE_MAX);
}

size_t
st_clean(char *dst, size_t cap, const char *s, size_t n)
{
	size_t	len;

	if (cap == 0)
		return (0);
	len = walk(s, n, cap - 1, 0, NULL, dst);
	dst[len] = '\0';
	return (len);
}

void
st_copy_null(struct sbuf *b)
{
	sbuf_append(b, "\\N\t", 3);
}

/* Decimal digits of v, right-aligned at the end of buf; returns start. */
static char *
digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return (end);
}

void
st_copy_int(struct sbuf *b, int64_t v)
{
	char	 buf[24], *p;

	p = digits(buf + sizeof(buf) - 1, v < 0 ? -(uint64_t)v : (uint64_t)v);
	buf[sizeof(buf) - 1] = '\t';
	if (v < 0)
		*--p = '-';
	sbuf_append(b, p, buf + sizeof(buf) - p);
}

void
st_copy_bool(struct sbuf *b, int v)
{
	sbuf_append(b, v ? "t\t" : "f\t", 2);
}

/* n digits of v, zero-padded, at p. */
static void
pad(char *p, int64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* "YYYY-MM-DD" at p (10 bytes); years outside 0..9999 are clamped. */
static void
date_at(char *p, int64_t day)
{
	int	y, m, d;

	lp_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(p, y < 0 ? "0000-01-01" : "9999-12-31", 10);
		return;
	}
	pad(p, y, 4);
	p[4] = '-';
	pad(p + 5, m, 2);
	p[7] = '-';
	pad(p + 8, d, 2);
}

void
st_copy_date(struct sbuf *b, int64_t day)
{
	char	buf[11];

	date_at(buf, day);
	buf[10] = '\t';
	sbuf_append(b, buf, sizeof(buf));
}

void
st_copy_time(struct sbuf *b, int64_t us)
{
	char	buf[31];
	int64_t	secs = lp_floor_div(us, 1000000), sod;

	date_at(buf, lp_floor_div(secs, 86400));
	sod = secs - lp_floor_div(secs, 86400) * 86400;
	buf[10] = ' ';
	pad(buf + 11, sod / 3600, 2);
	buf[13] = ':';
	pad(buf + 14, sod / 60 % 60, 2);
	buf[16] = ':';
	pad(buf + 17, sod % 60, 2);
	buf[19] = '.';
	pad(buf + 20, us - secs * 1000000, 6);
	memcpy(buf + 26, "+00\t", 4);
	sbuf_append(b, buf, 30);
}

void
st_copy_end(struct sbuf *b)
{
	/* The last field's tab becomes the row's newline. */
	if (b->len > 0 && b->data[b->len - 1] == '\t')
		b->data[b->len - 1] = '\n';
	else
		sbuf_append(b, "\n", 1);
}
