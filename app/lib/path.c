#include <ctype.h>
#include <string.h>

#include "path.h"
#include "query.h"

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
	return (pr_percent_decode(p, end, 0, out, outlen) == -1 ? -1 : 1);
}

int
pr_path_escape(const char *s, char *out, size_t outlen)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	size_t			 n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x80 && (isalnum(*p) ||
		    strchr("-._~!$&'()*+,;=:@", *p) != NULL)) {
			if (n + 1 >= outlen)
				break;
			out[n++] = (char)*p;
			continue;
		}
		if (n + 3 >= outlen)
			break;
		out[n++] = '%';
		out[n++] = hex[*p >> 4];
		out[n++] = hex[*p & 0x0f];
	}
	if (outlen > 0)
		out[*p == '\0' ? n : 0] = '\0';
	return (*p == '\0' && outlen > 0 ? 0 : -1);
}
