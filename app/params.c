/*
 * Query parameters, read from the raw query string: Kore's own decoder
 * drops parameters not declared in the config and values with control
 * characters without a word, and a server should say what it refuses.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "path.h"
#include "query.h"

static int
bad(struct pr_api *api, const char *detail)
{
	pr_api_problem(api, HTTP_STATUS_BAD_REQUEST, PR_PROBLEM_BAD_REQUEST,
	    "Bad request", detail);
	return (0);
}

int
pr_param(struct pr_api *api, const char *name, char *out, size_t outlen)
{
	const char	*qs = api->req->query_string;
	char		 detail[96];

	out[0] = '\0';
	if (qs == NULL || pr_query_get(qs, name, out, outlen) != -1)
		return (1);
	snprintf(detail, sizeof(detail), "query parameter '%s' is malformed, "
	    "too long or repeated", name);
	return (bad(api, detail));
}

int
pr_param_page(struct pr_api *api, struct pr_page *pg)
{
	char	limit[16], hex[2 * sizeof(pg->after)], *end;
	long	n = PR_LIST_DEFAULT;

	if (!pr_param(api, "limit", limit, sizeof(limit)) ||
	    !pr_param(api, "cursor", hex, sizeof(hex)))
		return (0);
	if (limit[0] != '\0') {
		n = strtol(limit, &end, 10);
		if (*end != '\0' || n < 1 || n > PR_LIST_MAX)
			return (bad(api, "limit must be a whole number from 1 "
			    "to 1000"));
	}
	snprintf(pg->limit, sizeof(pg->limit), "%ld", n);
	if (pr_cursor_decode(hex, pg->after, sizeof(pg->after)) == -1)
		return (bad(api, "cursor is not one this server gave"));
	return (1);
}

/* 1 to 18 digits: always fits a bigint. */
static int
is_id(const char *s)
{
	size_t	len = strlen(s);

	return (len > 0 && len <= 18 && strspn(s, "0123456789") == len);
}

int
pr_param_id(struct pr_api *api, const char *name, const char *what,
    char *out, size_t outlen)
{
	char	detail[96];

	if (!pr_param(api, name, out, outlen))
		return (0);
	if (out[0] == '\0' || is_id(out))
		return (1);
	snprintf(detail, sizeof(detail), "%s must be %s, a whole number",
	    name, what);
	return (bad(api, detail));
}

int
pr_param_path_id(struct pr_api *api, int n, const char *what, char *id,
    size_t idlen)
{
	char	detail[64];

	if (pr_path_segment(api->req->path, n, id, idlen) == 1 && is_id(id))
		return (1);
	snprintf(detail, sizeof(detail), "no such %s", what);
	pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
	    "Not found", detail);
	return (0);
}

int
pr_param_lower(struct pr_api *api, const char *name, char *out,
    size_t outlen)
{
	char	*p;

	if (!pr_param(api, name, out, outlen))
		return (0);
	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return (1);
}

int
pr_param_prefix(struct pr_api *api, const char *name, char *like,
    size_t likelen)
{
	char	q[PR_ADDRESS_MAX + 1], detail[64];

	if (!pr_param_lower(api, name, q, sizeof(q)))
		return (0);
	if (pr_like_prefix(q, like, likelen) == -1) {
		snprintf(detail, sizeof(detail), "%s is too long", name);
		return (bad(api, detail));
	}
	return (1);
}

int
pr_param_domain(struct pr_api *api, const char *name, char *domain,
    size_t domainlen)
{
	char	raw[PR_DOMAIN_MAX * 4 + 1], detail[64];

	domain[0] = '\0';
	if (!pr_param(api, name, raw, sizeof(raw)))
		return (0);
	if (raw[0] == '\0' || pr_domain_check(raw, domain, domainlen) == NULL)
		return (1);
	snprintf(detail, sizeof(detail), "%s is not a domain name", name);
	return (bad(api, detail));
}

int
pr_param_oneof(struct pr_api *api, const char *name, char *out,
    size_t outlen, const char *const *allowed)
{
	struct sbuf	detail;
	int		i;

	if (!pr_param(api, name, out, outlen))
		return (0);
	if (out[0] == '\0')
		return (1);
	for (i = 0; allowed[i] != NULL; i++) {
		if (strcmp(out, allowed[i]) == 0)
			return (1);
	}
	sbuf_init(&detail);
	sbuf_printf(&detail, "%s must be one of", name);
	for (i = 0; allowed[i] != NULL; i++)
		sbuf_printf(&detail, "%s %s", i ? "," : "", allowed[i]);
	bad(api, detail.data);
	sbuf_free(&detail);
	return (0);
}
