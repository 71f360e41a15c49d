#include <string.h>

#include "path.h"

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

/* Decode [p, end) into out; -1 when malformed or too long. */
static int
decode(const char *p, const char *end, char *out, size_t outlen)
{
	size_t	n = 0;
	int	c, hi, lo;

	for (; p < end; p++) {
		c = (unsigned char)*p;
		if (c == '%') {
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
pr_path_segment(const char *path, int n, char *out, size_t outlen)
{
	const char	*p, *end;

	if (outlen == 0)
		return (-1);
	out[0] = '\0';
	if (path == NULL || *path != '/' || n < 0)
		return (0);
	for (p = path + 1; n > 0; n--) {
		if ((p = strchr(p, '/')) == NULL)
			return (0);
		p++;
	}
	if ((end = strchr(p, '/')) == NULL)
		end = p + strlen(p);
	return (decode(p, end, out, outlen) == -1 ? -1 : 1);
}
