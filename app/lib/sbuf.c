#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

/* Out of memory is not recoverable for any caller of this buffer. */
static void
sbuf_grow(struct sbuf *b, size_t need)
{
	size_t	cap;
	char	*p;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		fprintf(stderr, "postroom: out of memory\n");
		abort();
	}
	b->data = p;
	b->cap = cap;
}

void
sbuf_init(struct sbuf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	sbuf_grow(b, 0);
	b->data[0] = '\0';
}

void
sbuf_free(struct sbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
sbuf_append(struct sbuf *b, const void *d, size_t len)
{
	sbuf_grow(b, len);
	memcpy(b->data + b->len, d, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_append(b, s, strlen(s));
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list	ap;
	size_t	room;
	int	n;

	sbuf_grow(b, 64);
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		sbuf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
sbuf_json_str(struct sbuf *b, const char *s)
{
	sbuf_json_strn(b, s, strlen(s));
}

static int
json_plain(unsigned char c)
{
	return (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' &&
	    c != '&' && c != 0x7f);
}

static void
json_escape(struct sbuf *b, unsigned char c)
{
	static const char	hex[] = "0123456789abcdef";
	char			esc[6];

	switch (c) {
	case '"':
		sbuf_append(b, "\\\"", 2);
		return;
	case '\\':
		sbuf_append(b, "\\\\", 2);
		return;
	case '\n':
		sbuf_append(b, "\\n", 2);
		return;
	case '\r':
		sbuf_append(b, "\\r", 2);
		return;
	case '\t':
		sbuf_append(b, "\\t", 2);
		return;
	}
	memcpy(esc, "\\u00", 4);
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 0xf];
	sbuf_append(b, esc, 6);
}

/*
 * Control characters, quote and backslash are escaped; so are < > &
 * so that JSON embedded in HTML cannot close a script element.  Bytes
 * >= 0x80 pass through: the caller's strings are UTF-8.  Runs of plain
 * bytes are appended at once (a list page writes thousands of strings).
 */
void
sbuf_json_strn(struct sbuf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, j;

	sbuf_append(b, "\"", 1);
	while (i < len) {
		for (j = i; j < len && json_plain(p[j]); j++)
			;
		if (j > i) {
			sbuf_append(b, p + i, j - i);
			i = j;
			continue;
		}
		json_escape(b, p[i++]);
	}
	sbuf_append(b, "\"", 1);
}
