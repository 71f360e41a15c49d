/*
 * /api/v1/domains: the list and one domain; the routes of the domain
 * handlers.
 *
 * Domains are named by their name in URLs, normalised as stored (lower
 * case, A-labels), so "B%C3%BCcher.example" finds xn--bcher-kva.example.
 * Every query carries the actor's scope (domain.h): another company's
 * domain is not found, exactly like one that does not exist.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "domain.h"
#include "params.h"
#include "path.h"
#include "validate.h"

int	pr_domains(struct http_request *);
int	pr_domain(struct http_request *);

#define SEG_DOMAIN	3	/* /api/v1/domains/<name> */

int
pr_domain_path(struct pr_api *api, int n, const char *what, char *name,
    size_t namelen)
{
	/* Decoded UTF-8: up to 4 octets a character, as pr_domain_check. */
	char	raw[4 * PR_DOMAIN_MAX + 2], detail[64];

	/* Names that cannot exist are not found either. */
	if (pr_path_segment(api->req->path, n, raw, sizeof(raw)) != 1 ||
	    pr_domain_check(raw, name, namelen) != NULL) {
		snprintf(detail, sizeof(detail), "no such %s", what);
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", detail);
		return (0);
	}
	return (1);
}

/* Support reads everything but changes no domain. */
int
pr_domain_writer(struct pr_api *api, const char *what)
{
	char	detail[96];

	if (api->actor.role == PR_ROLE_OPERATOR ||
	    api->actor.role == PR_ROLE_COMPANY_ADMIN)
		return (1);
	snprintf(detail, sizeof(detail), "this role cannot change %s", what);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", detail);
	return (0);
}

static void
domain_found(struct pr_api *api)
{
	const char	*json;

	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such domain");
		return;
	}
	json = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, json, strlen(json));
}

static void
domain_get(struct pr_api *api)
{
	char	name[PR_DOMAIN_MAX + 1];

	if (!pr_domain_path(api, SEG_DOMAIN, "domain", name, sizeof(name)))
		return;
	pr_api_query(api, domain_found, "SELECT " DOMAIN_JSON " " DOMAIN_FROM
	    "WHERE d.name = $3 AND " DOMAIN_SCOPE,
	    3, api->actor.company, pr_actor_domains(&api->actor), name);
}

/* company: a company's id, as text; "" when absent. */
static int
company_param(struct pr_api *api, char *out, size_t outlen)
{
	size_t	len;

	if (!pr_param(api, "company", out, outlen))
		return (0);
	len = strlen(out);
	if (len == 0)
		return (1);
	if (len > 18 || strspn(out, "0123456789") != len) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "company must be a company's id, a whole number");
		return (0);
	}
	return (1);
}

static void
domains_list(struct pr_api *api)
{
	struct pr_page	page;
	char		like[3 * PR_DOMAIN_MAX + 2];
	char		company[24], status[16];

	if (!pr_param_page(api, &page) ||
	    !pr_param_prefix(api, "q", like, sizeof(like)) ||
	    !company_param(api, company, sizeof(company)) ||
	    !pr_param(api, "status", status, sizeof(status)))
		return;
	if (status[0] != '\0' && strcmp(status, "active") != 0 &&
	    strcmp(status, "suspended") != 0) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "status must be active or suspended");
		return;
	}

	/*
	 * One more row than asked tells whether there is a next page; the
	 * cursor is the last name shown, in hex.  A company filter narrows
	 * the actor's scope, never widens it.
	 */
	pr_api_query_custom(api, pr_api_json_row,
	    "WITH page AS (SELECT d.name, " DOMAIN_JSON " AS j " DOMAIN_FROM
	    "WHERE " DOMAIN_SCOPE "AND ($3 = '' OR d.name > $3) "
	    "AND ($4 = '%' OR d.name LIKE $4) "
	    "AND ($5::bigint IS NULL OR d.company_id = $5) "
	    "AND ($6::text IS NULL OR d.status = $6) "
	    "ORDER BY d.name LIMIT $7::int + 1) "
	    PR_PAGE_JSON("name", "name", "$7::int"),
	    7, api->actor.company, pr_actor_domains(&api->actor), page.after,
	    like, company[0] != '\0' ? company : NULL,
	    status[0] != '\0' ? status : NULL, page.limit);
}

int
pr_domains(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? pr_domain_create :
	    domains_list));
}

int
pr_domain(struct http_request *req)
{
	pr_api_fn	start;

	switch (req->method) {
	case HTTP_METHOD_PATCH:
		start = pr_domain_update;
		break;
	case HTTP_METHOD_DELETE:
		start = pr_domain_delete;
		break;
	default:
		start = domain_get;
		break;
	}
	return (pr_api_run(req, PR_GET | PR_PATCH | PR_DELETE, start));
}
