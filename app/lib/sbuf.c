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

/*
 * Control characters, quote and backslash are escaped; so are < > &
 * so that JSON embedded in HTML cannot close a script element.  Bytes
 * >= 0x80 pass through: the caller's strings are UTF-8.
 */
void
sbuf_json_strn(struct sbuf *b, const char *s, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	char			esc[6];
	size_t			i;

	sbuf_append(b, "\"", 1);
	for (i = 0; i < len; i++) {
		switch (p[i]) {
		case '"':
			sbuf_append(b, "\\\"", 2);
			continue;
		case '\\':
			sbuf_append(b, "\\\\", 2);
			continue;
		case '\n':
			sbuf_append(b, "\\n", 2);
			continue;
		case '\r':
			sbuf_append(b, "\\r", 2);
			continue;
		case '\t':
			sbuf_append(b, "\\t", 2);
			continue;
		}
		if (p[i] < 0x20 || p[i] == '<' || p[i] == '>' ||
		    p[i] == '&' || p[i] == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			sbuf_append(b, esc, 6);
			continue;
		}
		sbuf_append(b, &p[i], 1);
	}
	sbuf_append(b, "\"", 1);
}
