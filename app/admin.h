/*
 * Admin accounts as the API shows them, shared by the admin handlers.
 * PostgreSQL writes the JSON; the row is a.  Never the password hash or
 * the TOTP secret: whether TOTP is on is all that is shown.  Nulls are
 * left out, as for companies.
 *
 * DOMAINS is a JSON array of the account's domain names (ADMIN_DOMAINS
 * reads them; a statement that has just written them passes its own),
 * LOCKS a boolean SQL expression: whether the asker sees the account's
 * failed logins and lock (provider staff and the company's admins).
 */
#ifndef PR_ADMIN_H
#define PR_ADMIN_H

#include "api.h"

#define ADMIN_DOMAINS							\
	"coalesce((SELECT json_agg(d.name ORDER BY d.name) FROM "	\
	"admin_domains ad JOIN domains d ON d.company_id = "		\
	"ad.company_id AND d.id = ad.domain_id WHERE ad.company_id = "	\
	"a.company_id AND ad.admin_id = a.id), '[]')"

#define ADMIN_JSON(DOMAINS, LOCKS)					\
	"json_strip_nulls(json_build_object('id', a.id, "		\
	"'email', a.email, 'role', a.role, "				\
	"'company_id', a.company_id, "					\
	"'display_name', a.display_name, 'status', a.status, "		\
	"'domains', " DOMAINS ", "					\
	"'totp_enabled', a.totp_confirmed_at IS NOT NULL, "		\
	"'failed_logins', CASE WHEN " LOCKS " THEN a.failed_logins "	\
	"END, 'locked_until', CASE WHEN " LOCKS " AND "		\
	"a.locked_until > now() THEN a.locked_until END, "		\
	"'last_login_at', a.last_login_at, "				\
	"'created_at', a.created_at, 'updated_at', a.updated_at))"

/*
 * Every admin query's $1 is the actor's company (0: any): another
 * company's account is not found, exactly like one that does not exist.
 */
#define ADMIN_SCOPE	"($1::bigint = 0 OR a.company_id = $1) "

#define ADMIN_AUDIT							\
	"INSERT INTO audit_log (company_id, actor, actor_key_id, "	\
	"actor_admin_id, remote_addr, action, object_type, object_id, "	\
	"before, after) "

/*
 * Path segment 3 (/api/v1/admins/<id>) as an id, in id (text); answers
 * 404 and returns 0 when it cannot be one.
 */
int	pr_admin_path(struct pr_api *, char *id, size_t idlen);
/* Whether the actor sees failed logins and locks: "t" or "f". */
const char	*pr_admin_sees_locks(const struct pr_api *);

/* The handlers' first steps, by file. */
void	pr_admin_create(struct pr_api *);
void	pr_admin_update(struct pr_api *);
void	pr_admin_delete(struct pr_api *);

#endif
