/*
 * The domain as the API shows it, shared by the domain handlers.
 * PostgreSQL writes the JSON (as for mailboxes, mailbox.h): the row is d,
 * with its company co (DOMAIN_FROM).  Nulls are left out: a limit that is
 * absent is no limit, a default quota that is absent is the company's.
 */
#ifndef PR_DOMAIN_H
#define PR_DOMAIN_H

#include "api.h"

/* Mailboxes that are not deleted. */
/* Live mailboxes, from the counters of sql/011. */
#define DOMAIN_MAILBOXES						\
	"coalesce((SELECT u.mailboxes FROM domain_usage u WHERE "	\
	"u.company_id = d.company_id AND u.domain_id = d.id), 0)"

#define DOMAIN_ALIAS_NAMES						\
	"coalesce((SELECT json_agg(a.name ORDER BY a.name) FROM "	\
	"domain_aliases a WHERE a.company_id = d.company_id AND "	\
	"a.domain_id = d.id), '[]')"

#define DOMAIN_JSON							\
	"json_strip_nulls(json_build_object("				\
	"'name', d.name, 'company_id', d.company_id, "			\
	"'company', co.name, 'status', d.status, "			\
	"'default_quota_bytes', d.default_quota_bytes, "		\
	"'max_mailboxes', d.max_mailboxes, "				\
	"'max_storage_bytes', d.max_storage_bytes, "			\
	"'catchall', d.catchall, "					\
	"'mailbox_count', " DOMAIN_MAILBOXES ", "			\
	"'aliases', " DOMAIN_ALIAS_NAMES ", "				\
	"'created_at', d.created_at, 'updated_at', d.updated_at))"

#define DOMAIN_FROM							\
	"FROM domains d JOIN companies co ON co.id = d.company_id "

/*
 * Every domain query's $1 is the actor's company (0: any) and $2 its
 * domain scope (NULL: any): another company's domain is not found.
 */
#define DOMAIN_SCOPE							\
	"d.deleted_at IS NULL AND ($1::bigint = 0 OR d.company_id = $1) " \
	"AND ($2::bigint[] IS NULL OR d.id = ANY($2::bigint[])) "

/* A domain alias; a is the alias, d its domain.  Compact, as the rest. */
#define DOMAIN_ALIAS_JSON						\
	"json_strip_nulls(json_build_object('name', a.name, "		\
	"'domain', d.name, 'created_at', a.created_at))"

/*
 * Path segment n as a domain name, normalised (lower case, A-labels);
 * answers 404 ("no such <what>") and returns 0 when it cannot be one.
 */
int	pr_domain_path(struct pr_api *, int n, const char *what, char *name,
	    size_t namelen);
/* Operators and company admins change domains; others get 403. */
int	pr_domain_writer(struct pr_api *, const char *what);

/* The handlers' steps, by file. */
void	pr_domain_create(struct pr_api *);
void	pr_domain_update(struct pr_api *);
void	pr_domain_delete(struct pr_api *);

#endif
