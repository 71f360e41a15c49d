/*
 * /api/v1/login-locks: the client addresses locked out of logging in
 * (30 failures in 15 minutes, sql/002's login_throttle), for provider
 * staff, who may lift a lock.  A lift forgets the address's failures
 * and is audited with them.  Accounts' own locks are lifted with POST
 * /api/v1/admins/{id}/unlock.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <arpa/inet.h>
#include <string.h>

#include "api.h"
#include "params.h"
#include "path.h"

int	pr_login_locks(struct http_request *);
int	pr_login_lock(struct http_request *);

#define SEG_ADDR	3	/* /api/v1/login-locks/<address> */

/* A row of login_throttle t as the API shows it. */
#define LOCK_JSON							\
	"json_build_object('remote_addr', host(t.remote_addr), "	\
	"'failures', t.failures, 'first_failure_at', "			\
	"t.first_failure_at, 'locked_until', t.locked_until)"

static int
staff(struct pr_api *api)
{
	if (pr_role_at_least(&api->actor, PR_ROLE_SUPPORT))
		return (1);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", "only provider staff see and lift address locks");
	return (0);
}

/* Locks in force now, by address; the cursor is the last one shown. */
static void
locks_list(struct pr_api *api)
{
	struct pr_page	page;

	if (!staff(api) || !pr_param_page(api, &page))
		return;
	if (page.after[0] != '\0' && !pr_is_ip(page.after)) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "cursor is not one this server gave");
		return;
	}
	pr_api_query_custom(api, pr_api_json_row,
	    "WITH page AS (SELECT t.remote_addr AS k, " LOCK_JSON " AS j "
	    "FROM login_throttle t WHERE t.locked_until > now() "
	    "AND ($1::inet IS NULL OR t.remote_addr > $1::inet) "
	    "ORDER BY t.remote_addr LIMIT $2::int + 1) "
	    PR_PAGE_JSON("k", "host(k)", "$2::int"),
	    2, page.after[0] != '\0' ? page.after : NULL, page.limit);
}

static void
lifted(struct pr_api *api)
{
	if (strcmp(pr_api_value(api, 0, 0), "0") == 0) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no failed logins are counted for this "
		    "address");
		return;
	}
	pr_api_empty(api, HTTP_STATUS_NO_CONTENT);
}

static void
lock_lift(struct pr_api *api)
{
	char	addr[INET6_ADDRSTRLEN], remote[64];

	if (!staff(api))
		return;
	if (pr_path_segment(api->req->path, SEG_ADDR, addr,
	    sizeof(addr)) != 1 || !pr_is_ip(addr)) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "not an IP address");
		return;
	}
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, lifted,
	    "WITH t AS (DELETE FROM login_throttle WHERE remote_addr = "
	    "$1::inet RETURNING *), "
	    "l AS (INSERT INTO audit_log (actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "before) SELECT $2, nullif($3, ''), nullif($4, '')::bigint, "
	    "nullif($5, '')::inet, 'login_lock.delete', 'login_lock', "
	    "host(t.remote_addr), " LOCK_JSON "::jsonb FROM t) "
	    "SELECT count(*) FROM t",
	    5, addr, api->actor.who, api->actor.key_id, api->actor.admin_id,
	    remote);
}

int
pr_login_locks(struct http_request *req)
{
	return (pr_api_run(req, PR_GET, locks_list));
}

int
pr_login_lock(struct http_request *req)
{
	return (pr_api_run(req, PR_DELETE, lock_lift));
}
