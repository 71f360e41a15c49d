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
