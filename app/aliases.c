/*
 * /api/v1/aliases: the list and one address alias, its removal; the
 * routes of the alias handlers.
 *
 * An alias is named by its address in URLs, normalised as stored (lower
 * case, A-labels), so "Sales@B%C3%BCcher.example" finds
 * sales@xn--bcher-kva.example.  Every query carries the actor's scope
 * (alias.h): another company's alias is not found, exactly like one that
 * does not exist.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "alias.h"
#include "fields.h"
#include "params.h"
#include "path.h"
#include "validate.h"

int	pr_aliases(struct http_request *);
int	pr_alias(struct http_request *);

#define SEG_ALIAS	3	/* /api/v1/aliases/<address> */


int
pr_alias_path(struct pr_api *api, char *address, size_t addresslen)
{
	/* Decoded UTF-8: a local part, '@', a domain of U-labels. */
	char	raw[PR_LOCAL_MAX + 2 + 4 * PR_DOMAIN_MAX];

	/* Addresses that cannot exist are not found either. */
	if (pr_path_segment(api->req->path, SEG_ALIAS, raw, sizeof(raw)) != 1 ||
	    pr_address_check(raw, address, addresslen) != NULL) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such alias");
		return (0);
	}
	return (1);
}

int
pr_alias_writer(struct pr_api *api)
{
	switch (api->actor.role) {
	case PR_ROLE_OPERATOR:
	case PR_ROLE_COMPANY_ADMIN:
	case PR_ROLE_DOMAIN_ADMIN:
		return (1);
	default:
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
		    "Forbidden", "this role cannot change aliases");
		return (0);
	}
}

void
pr_alias_answer(struct pr_api *api)
{
	static const char *const no_fields[] = { NULL };

	pr_field_answer_row(api, "no such alias", no_fields);
}

static void
alias_get(struct pr_api *api)
{
	char	address[PR_ADDRESS_MAX + 1];

	if (!pr_alias_path(api, address, sizeof(address)))
		return;
	pr_api_query(api, pr_alias_answer, "SELECT " ALIAS_JSON
	    " FROM aliases a " ALIAS_JOINS "WHERE a.address = $3 AND "
	    ALIAS_SCOPE,
	    3, api->actor.company, pr_actor_domains(&api->actor), address);
}

/*
 * In address order, as mailboxes: the (company_id, address) and
 * (company_id, domain_id, address) indexes serve a company's pages, the
 * unique index on address provider staff's; q is a prefix of the address
 * (addresses are "C"-collated, so LIKE 'prefix%' uses them too).
 * Planned for its parameters: a generic plan cannot use a LIKE pattern.
 */
static void
aliases_list(struct pr_api *api)
{
	struct pr_page	page;
	char		like[3 * PR_ADDRESS_MAX + 2];
	char		domain[PR_DOMAIN_MAX + 1];

	if (!pr_param_page(api, &page) ||
	    !pr_param_prefix(api, "q", like, sizeof(like)) ||
	    !pr_param_domain(api, "domain", domain, sizeof(domain)))
		return;
	pr_api_query_custom(api, pr_alias_answer,
	    "WITH page AS (SELECT a.address, " ALIAS_JSON " AS j "
	    "FROM aliases a " ALIAS_JOINS "WHERE " ALIAS_SCOPE
	    "AND ($3 = '' OR a.address > $3) "
	    "AND ($4 = '%' OR a.address LIKE $4) AND ($5 = '' OR d.name = $5) "
	    "ORDER BY a.address LIMIT $6::int + 1) "
	    PR_PAGE_JSON("address", "address", "$6::int"),
	    6, api->actor.company, pr_actor_domains(&api->actor), page.after,
	    like, domain, page.limit);
}

static void
alias_deleted(struct pr_api *api)
{
	pr_api_deleted(api, "no such alias");
}

/*
 * The address goes back to the registry with the alias (the trigger of
 * sql/001).  An alias that a live domain takes as its catch-all stays:
 * deleting it would change where all that domain's unknown addresses
 * deliver, so the answer names the domain (those outside a domain
 * admin's scope unnamed).  The key of sql/008 clears a catch-all that
 * this check cannot see (set meanwhile, or a deleted domain's).
 */
static void
alias_delete(struct pr_api *api)
{
	char	address[PR_ADDRESS_MAX + 1], remote[64];

	if (!pr_alias_writer(api))
		return;
	if (!pr_alias_path(api, address, sizeof(address)))
		return;
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, alias_deleted,
	    "WITH " ALIAS_LOCKED ", "
	    "ca AS (SELECT string_agg(DISTINCT n, ', ' ORDER BY n) AS names "
	    "FROM (SELECT CASE WHEN $2::bigint[] IS NULL OR x.id = "
	    "ANY($2::bigint[]) THEN x.name ELSE 'another domain of the "
	    "company' END AS n FROM cur JOIN domains x ON x.company_id = "
	    "cur.company_id AND x.catchall = cur.address AND x.deleted_at IS "
	    "NULL) s), "
	    "del AS (DELETE FROM aliases a USING cur, ca WHERE "
	    "ca.names IS NULL AND a.company_id = cur.company_id AND "
	    "a.id = cur.id RETURNING a.id), "
	    "au AS (" ALIAS_AUDIT "SELECT cur.company_id, $4, nullif($5, ''), "
	    "nullif($7, '')::bigint, nullif($6, '')::inet, 'alias.delete', "
	    "'alias', cur.address, cur.doc::jsonb, NULL FROM cur JOIN del ON "
	    "del.id = cur.id) "
	    "SELECT 'the catch-all of ' || ca.names || ': point it elsewhere "
	    "first' FROM cur, ca",
	    7, api->actor.company, pr_actor_domains(&api->actor), address,
	    api->actor.who, api->actor.key_id, remote, api->actor.admin_id);
}

int
pr_aliases(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? pr_alias_create : aliases_list));
}

int
pr_alias(struct http_request *req)
{
	pr_api_fn	start;

	switch (req->method) {
	case HTTP_METHOD_PATCH:
		start = pr_alias_update;
		break;
	case HTTP_METHOD_DELETE:
		start = alias_delete;
		break;
	default:
		start = alias_get;
		break;
	}
	return (pr_api_run(req, PR_GET | PR_PATCH | PR_DELETE, start));
}
