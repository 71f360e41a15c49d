#include <string.h>

#include "query.h"
#include "sbuf.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

int
pr_percent_decode(const char *p, const char *end, int plus_is_space,
    char *out, size_t outlen)
{
	size_t	n = 0;
	int	c, hi, lo;

	if (outlen == 0)
		return (-1);
	for (; p < end; p++) {
		c = (unsigned char)*p;
		if (c == '+' && plus_is_space)
			c = ' ';
		else if (c == '%') {
			if (end - p < 3 || (hi = hexval(p[1])) < 0 ||
			    (lo = hexval(p[2])) < 0)
				return (-1);
			c = hi << 4 | lo;
			p += 2;
		}
		if (c < 0x20 || c == 0x7f || n + 1 >= outlen)
			return (-1);
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return (0);
}

int
pr_query_get(const char *qs, const char *name, char *out, size_t outlen)
{
	const char	*p, *amp, *eq;
	size_t		 nlen = strlen(name);
	int		 found = 0;

	if (outlen == 0)
		return (-1);
	out[0] = '\0';
	for (p = qs; p != NULL && *p != '\0'; p = amp ? amp + 1 : NULL) {
		amp = strchr(p, '&');
		eq = memchr(p, '=', amp ? (size_t)(amp - p) : strlen(p));
		if ((size_t)((eq ? eq : amp ? amp : p + strlen(p)) - p) != nlen ||
		    strncmp(p, name, nlen) != 0)
			continue;
		if (found++)
			return (-1);
		if (eq == NULL)
			continue;
		if (pr_percent_decode(eq + 1, amp ? amp : eq + 1 +
		    strlen(eq + 1), 1, out, outlen) == -1)
			return (-1);
	}
	return (found);
}

int
pr_cursor_decode(const char *hex, char *out, size_t outlen)
{
	size_t	len = strlen(hex), i;
	int	hi, lo;

	if (len % 2 != 0 || len / 2 + 1 > outlen)
		return (-1);
	for (i = 0; i < len; i += 2) {
		if ((hi = hexval(hex[i])) < 0 || (lo = hexval(hex[i + 1])) < 0)
			return (-1);
		out[i / 2] = (char)(hi << 4 | lo);
		if (out[i / 2] == '\0')
			return (-1);
	}
	out[len / 2] = '\0';
	return (0);
}

void
pr_cursor_encode(struct sbuf *b, const char *key)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)key;
	char			 two[2];

	for (; *p != '\0'; p++) {
		two[0] = hex[*p >> 4];
		two[1] = hex[*p & 0xf];
		sbuf_append(b, two, 2);
	}
}

int
pr_like_prefix(const char *prefix, char *out, size_t outlen)
{
	size_t	n = 0;

	for (; *prefix != '\0'; prefix++) {
		if (n + 3 >= outlen)
			return (-1);
		if (*prefix == '%' || *prefix == '_' || *prefix == '\\')
			out[n++] = '\\';
		out[n++] = *prefix;
	}
	if (n + 2 > outlen)
		return (-1);
	out[n++] = '%';
	out[n] = '\0';
	return (0);
}

int
pr_cookie_get(const char *header, const char *name, char *out, size_t outlen)
{
	const char	*p = header, *end;
	size_t		 nlen = strlen(name), vlen;

	while (*p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		end = p + strcspn(p, ";");
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			vlen = (size_t)(end - p) - nlen - 1;
			while (vlen > 0 && p[nlen + vlen] == ' ')
				vlen--;
			if (vlen + 1 > outlen)
				return (-1);
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return (1);
		}
		p = end;
	}
	return (0);
}
