/*
 * The company as the API shows it, shared by the company handlers.
 * PostgreSQL writes the JSON: the row is c, with its cluster cl
 * (COMPANY_FROM).  Nulls are left out, as for domains: a limit that is
 * absent is no limit.
 */
#ifndef PR_COMPANY_H
#define PR_COMPANY_H

#include "api.h"

#define COMPANY_JSON							\
	"json_strip_nulls(json_build_object('id', c.id, "		\
	"'name', c.name, "						\
	"'status', c.status, 'cluster', cl.name, "			\
	"'time_zone', c.time_zone, 'max_domains', c.max_domains, "	\
	"'max_mailboxes', c.max_mailboxes, "				\
	"'max_storage_bytes', c.max_storage_bytes, "			\
	"'default_quota_bytes', c.default_quota_bytes, "		\
	"'created_at', c.created_at, 'updated_at', c.updated_at))"

#define COMPANY_FROM							\
	"FROM companies c JOIN clusters cl ON cl.id = c.cluster_id "

/*
 * Every company query's $1 is the actor's company (0: any): another
 * company is not found, exactly like one that does not exist.
 */
#define COMPANY_SCOPE	"($1::bigint = 0 OR c.id = $1) "

/*
 * Path segment 3 (/api/v1/companies/<id>) as an id, in id (text);
 * answers 404 and returns 0 when it cannot be one.
 */
int	pr_company_path(struct pr_api *, char *id, size_t idlen);
/* Only operators change companies; others get 403. */
int	pr_company_operator(struct pr_api *, const char *what);
/* A company's name: 1 to 200 characters, no control characters. */
const char	*pr_company_name_check(const char *);

/* The handlers' steps, by file. */
void	pr_company_create(struct pr_api *);
void	pr_company_update(struct pr_api *);

#endif
