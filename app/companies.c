/*
 * /api/v1/companies: the list and one company; the routes of the company
 * handlers.
 *
 * Companies are named by their id in URLs.  Provider staff see every
 * company; a company's roles see their own only: every query carries the
 * actor's company (company.h), so another company is not found, exactly
 * like one that does not exist.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "company.h"
#include "params.h"

int	pr_companies(struct http_request *);
int	pr_company(struct http_request *);

#define SEG_COMPANY	3	/* /api/v1/companies/<id> */
#define ID_MAX		18	/* digits: always fits a bigint */

static int
is_id(const char *s)
{
	size_t	len = strlen(s);

	return (len > 0 && len <= ID_MAX && strspn(s, "0123456789") == len);
}

int
pr_company_path(struct pr_api *api, char *id, size_t idlen)
{
	return (pr_param_path_id(api, SEG_COMPANY, "company", id, idlen));
}

int
pr_company_operator(struct pr_api *api, const char *what)
{
	char	detail[96];

	if (api->actor.role == PR_ROLE_OPERATOR)
		return (1);
	snprintf(detail, sizeof(detail), "only operators %s", what);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", detail);
	return (0);
}

/* As the schema's CHECK: length in characters, [[:cntrl:]] refused. */
const char *
pr_company_name_check(const char *s)
{
	const unsigned char	*p;
	size_t			 chars = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return ("must not hold control characters");
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	if (chars < 1 || chars > 200)
		return ("must have 1 to 200 characters");
	return (NULL);
}

static void
company_found(struct pr_api *api)
{
	const char	*json;

	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such company");
		return;
	}
	json = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, json, strlen(json));
}

static void
company_get(struct pr_api *api)
{
	char	id[ID_MAX + 2];

	if (!pr_company_path(api, id, sizeof(id)))
		return;
	pr_api_query(api, company_found, "SELECT " COMPANY_JSON " "
	    COMPANY_FROM "WHERE c.id = $2 AND " COMPANY_SCOPE,
	    2, api->actor.company, id);
}

static void
companies_list(struct pr_api *api)
{
	struct pr_page	page;
	char		like[3 * 200 + 2], status[16];

	if (!pr_param_page(api, &page) ||
	    !pr_param_prefix(api, "q", like, sizeof(like)) ||
	    !pr_param(api, "status", status, sizeof(status)))
		return;
	if (page.after[0] != '\0' && !is_id(page.after)) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "cursor is not one this server gave");
		return;
	}
	if (status[0] != '\0' && strcmp(status, "active") != 0 &&
	    strcmp(status, "suspended") != 0) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "status must be active or suspended");
		return;
	}

	/*
	 * In id order: ids never change, names may.  One more row than
	 * asked tells whether there is a next page; the cursor is the last
	 * id shown, in hex, as the other lists give it.
	 */
	pr_api_query_custom(api, pr_api_json_row,
	    "WITH page AS (SELECT c.id, " COMPANY_JSON " AS j " COMPANY_FROM
	    "WHERE " COMPANY_SCOPE "AND ($2::bigint IS NULL OR c.id > $2) "
	    "AND ($3 = '%' OR lower(c.name) LIKE $3) "
	    "AND ($4::text IS NULL OR c.status = $4) "
	    "ORDER BY c.id LIMIT $5::int + 1) "
	    PR_PAGE_JSON("id", "id::text", "$5::int"),
	    5, api->actor.company, page.after[0] != '\0' ? page.after : NULL,
	    like, status[0] != '\0' ? status : NULL, page.limit);
}

int
pr_companies(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? pr_company_create :
	    companies_list));
}

int
pr_company(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_PATCH,
	    req->method == HTTP_METHOD_PATCH ? pr_company_update :
	    company_get));
}
