/*
 * The address alias as the API shows it, shared by the alias handlers.
 * PostgreSQL writes the JSON (as for mailboxes, mailbox.h; compact, as
 * json_strip_nulls prints it): the row is a, with its domain d
 * (ALIAS_JOINS).
 */
#ifndef PR_ALIAS_H
#define PR_ALIAS_H

#include <stddef.h>

#include "api.h"

#define ALIAS_JSON							\
	"json_strip_nulls(json_build_object('address', a.address, "	\
	"'domain', d.name, 'targets', a.targets, "			\
	"'created_at', a.created_at, 'updated_at', a.updated_at))"

#define ALIAS_JOINS							\
	"JOIN domains d ON d.company_id = a.company_id "		\
	"AND d.id = a.domain_id "

/*
 * Every alias query's $1 is the actor's company (0: any) and $2 its
 * domain scope (NULL: any): another company's alias is not found.  An
 * alias of a deleted domain is gone with it.
 */
#define ALIAS_SCOPE							\
	"d.deleted_at IS NULL AND ($1::bigint = 0 OR a.company_id = $1) " \
	"AND ($2::bigint[] IS NULL OR a.domain_id = ANY($2::bigint[])) "

/* The alias named by $3, locked: cur, with its JSON as doc. */
#define ALIAS_LOCKED							\
	"cur AS (SELECT a.company_id, a.id, a.address, a.targets, "	\
	ALIAS_JSON " AS doc FROM aliases a " ALIAS_JOINS		\
	"WHERE a.address = $3 AND " ALIAS_SCOPE "FOR UPDATE OF a)"

/* $N, a JSON array of addresses, as text[] in its order. */
#define ALIAS_TARGETS(N)						\
	"ARRAY(SELECT t FROM jsonb_array_elements_text(" N "::jsonb) "	\
	"WITH ORDINALITY e(t, i) ORDER BY i)"

/* An entry of the audit log; its values follow. */
#define ALIAS_AUDIT							\
	"INSERT INTO audit_log (company_id, actor, actor_key_id, "	\
	"actor_admin_id, remote_addr, action, object_type, object_id, "	\
	"before, after) "

#define PR_ALIAS_TARGETS_MAX	1000

/*
 * Path segment 3 (/api/v1/aliases/<address>) as an address, normalised
 * (lower case, A-labels); answers 404 and returns 0 when it cannot be one.
 */
int	pr_alias_path(struct pr_api *, char *address, size_t addresslen);
/*
 * Operators, company admins and domain admins (in their domains) change
 * aliases; viewers and support get 403.
 */
int	pr_alias_writer(struct pr_api *);

/* Answer the one row of an alias query: 404 without it, else its JSON. */
void	pr_alias_answer(struct pr_api *);

/* The handlers' steps, by file. */
void	pr_alias_create(struct pr_api *);
void	pr_alias_update(struct pr_api *);

#endif
