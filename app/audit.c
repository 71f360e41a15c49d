/*
 * GET /api/v1/audit: the audit log, newest first, filtered by object,
 * actor, action and time.  Provider staff read all of it; a company's
 * admins and viewers their company's entries.  Domain admins are
 * refused: an entry's object is not always within a domain.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "api.h"
#include "params.h"
#include "validate.h"

int	pr_audit(struct http_request *);

#define AUDIT_TEXT_MAX	320	/* object ids are addresses at most */

struct filter {
	char	company[24];
	char	object_type[64];
	char	object_id[AUDIT_TEXT_MAX];
	char	actor[AUDIT_TEXT_MAX];
	char	action[64];
	char	from[40];
	char	to[40];
};

static int
bad(struct pr_api *api, const char *detail)
{
	pr_api_problem(api, HTTP_STATUS_BAD_REQUEST, PR_PROBLEM_BAD_REQUEST,
	    "Bad request", detail);
	return (0);
}

static int
time_param(struct pr_api *api, const char *name, char *out, size_t outlen)
{
	char	detail[96];

	if (!pr_param(api, name, out, outlen))
		return (0);
	if (out[0] == '\0' || pr_time_check(out))
		return (1);
	snprintf(detail, sizeof(detail), "%s must be an RFC 3339 time, such "
	    "as 2026-11-22T18:00:00Z", name);
	return (bad(api, detail));
}

static int
filters(struct pr_api *api, struct filter *f)
{
	return (pr_param_id(api, "company", "a company's id", f->company,
	    sizeof(f->company)) &&
	    pr_param(api, "object_type", f->object_type,
	    sizeof(f->object_type)) &&
	    pr_param(api, "object_id", f->object_id, sizeof(f->object_id)) &&
	    pr_param(api, "actor", f->actor, sizeof(f->actor)) &&
	    pr_param(api, "action", f->action, sizeof(f->action)) &&
	    time_param(api, "from", f->from, sizeof(f->from)) &&
	    time_param(api, "to", f->to, sizeof(f->to)));
}

#define OR_NULL(s)	((s)[0] != '\0' ? (s) : NULL)

static void
audit_list(struct pr_api *api)
{
	struct pr_page	page;
	struct filter	f;
	size_t		len;

	if (api->actor.role == PR_ROLE_DOMAIN_ADMIN) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN,
		    PR_PROBLEM_FORBIDDEN, "Forbidden",
		    "this role cannot read the audit log");
		return;
	}
	if (!pr_param_page(api, &page) || !filters(api, &f))
		return;
	len = strlen(page.after);
	if (len > 18 || strspn(page.after, "0123456789") != len) {
		bad(api, "cursor is not one this server gave");
		return;
	}

	/* Newest first: the cursor is the last id shown, in hex. */
	pr_api_query_custom(api, pr_api_json_row,
	    "WITH page AS (SELECT l.id, json_build_object('id', l.id, "
	    "'at', l.at, 'company_id', l.company_id, 'actor', l.actor, "
	    "'actor_key_id', l.actor_key_id, 'actor_admin_id', "
	    "l.actor_admin_id, 'remote_addr', host(l.remote_addr), "
	    "'action', l.action, 'object_type', l.object_type, "
	    "'object_id', l.object_id, 'before', l.before, 'after', "
	    "l.after) AS j FROM audit_log l "
	    "WHERE ($1::bigint = 0 OR l.company_id = $1) "
	    "AND ($2::bigint IS NULL OR l.id < $2) "
	    "AND ($3::bigint IS NULL OR l.company_id = $3) "
	    "AND ($4::text IS NULL OR l.object_type = $4) "
	    "AND ($5::text IS NULL OR l.object_id = $5) "
	    "AND ($6::text IS NULL OR l.actor = $6) "
	    "AND ($7::text IS NULL OR l.action = $7) "
	    "AND ($8::timestamptz IS NULL OR l.at >= $8) "
	    "AND ($9::timestamptz IS NULL OR l.at <= $9) "
	    "ORDER BY l.id DESC LIMIT $10::int + 1) "
	    PR_PAGE_JSON("id DESC", "id::text", "$10::int"),
	    10, api->actor.company, OR_NULL(page.after), OR_NULL(f.company),
	    OR_NULL(f.object_type), OR_NULL(f.object_id), OR_NULL(f.actor),
	    OR_NULL(f.action), OR_NULL(f.from), OR_NULL(f.to), page.limit);
}

int
pr_audit(struct http_request *req)
{
	return (pr_api_run(req, PR_GET, audit_list));
}
