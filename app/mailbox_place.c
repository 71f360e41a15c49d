/*
 * New mailboxes, for create and import alike: who may make them, and
 * where they go: the domain (in the actor's scope), its company and
 * cluster, and the cluster's mailstores with the counts placement.c
 * weighs.
 */
#include <kore/kore.h>

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "mailbox.h"

int
pr_mb_may_create(struct pr_api *api)
{
	if (api->actor.role != PR_ROLE_COMPANY_VIEWER &&
	    api->actor.role != PR_ROLE_SUPPORT)
		return (1);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", "this role cannot create mailboxes");
	return (0);
}

void
pr_mb_place_query(struct pr_api *api, pr_api_fn next, const char *domain)
{
	pr_api_query(api, next,
	    "SELECT d.company_id, d.id, co.cluster_id, co.status = 'active', "
	    "s.id, s.state = 'enabled', s.capacity_bytes, s.used_bytes, "
	    "s.mailbox_count, coalesce(cc.mailboxes, 0) "
	    "FROM domains d JOIN companies co ON co.id = d.company_id "
	    "LEFT JOIN mailstores s ON s.cluster_id = co.cluster_id "
	    "LEFT JOIN mailstore_company_counts cc ON cc.company_id = co.id "
	    "AND cc.mailstore_id = s.id WHERE d.name = $1 AND "
	    "d.deleted_at IS NULL AND ($2::bigint = 0 OR d.company_id = $2) "
	    "AND ($3::bigint[] IS NULL OR d.id = ANY($3::bigint[])) "
	    "ORDER BY s.id",
	    3, domain, api->actor.company, pr_actor_domains(&api->actor));
}

static int64_t
num(struct pr_api *api, int row, int col)
{
	return (strtoll(pr_api_value(api, row, col), NULL, 10));
}

int
pr_mb_place_read(struct pr_api *api, struct pr_mb_place *p)
{
	struct pr_store	*s;
	int		 i, rows;

	memset(p, 0, sizeof(*p));
	if ((rows = pr_api_rows(api)) == 0)
		return (0);
	snprintf(p->company, sizeof(p->company), "%s", pr_api_value(api, 0, 0));
	snprintf(p->domain_id, sizeof(p->domain_id), "%s",
	    pr_api_value(api, 0, 1));
	snprintf(p->cluster, sizeof(p->cluster), "%s", pr_api_value(api, 0, 2));
	p->company_active = pr_api_value(api, 0, 3)[0] == 't';
	for (i = 0; i < rows && i < PR_MB_STORES_MAX &&
	    !pr_api_isnull(api, i, 4); i++) {
		s = &p->stores[i];
		s->id = num(api, i, 4);
		s->enabled = pr_api_value(api, i, 5)[0] == 't';
		s->capacity_bytes = num(api, i, 6);
		s->used_bytes = num(api, i, 7);
		s->mailboxes = num(api, i, 8);
		s->company_mailboxes = num(api, i, 9);
	}
	p->nstores = (size_t)i;
	return (1);
}
