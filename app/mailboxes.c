/*
 * /api/v1/mailboxes: read one mailbox, list and search them.
 *
 * PostgreSQL writes the JSON (mailbox.h); the handlers pass it on.
 * Every query carries the actor's
 * scope: its company (0 for provider staff) and, for domain admins, the
 * domains it may see.  Another company's mailbox is simply not found.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "mailbox.h"
#include "params.h"
#include "query.h"
#include "validate.h"

int	pr_mailbox(struct http_request *);
int	pr_mailboxes(struct http_request *);
int	pr_mailbox_restore_route(struct http_request *);

#define MAILBOX_FROM	"FROM mailboxes m " MAILBOX_JOINS

/* $2 company (0: any), $3 domain scope (NULL: any) */
#define MAILBOX_SCOPE							\
	"m.deleted_at IS NULL AND ($2::bigint = 0 OR m.company_id = $2) " \
	"AND ($3::bigint[] IS NULL OR m.domain_id = ANY($3::bigint[])) "

static const char *
staff(struct pr_api *api)
{
	return (pr_role_at_least(&api->actor, PR_ROLE_SUPPORT) ? "t" : "f");
}

static void
mailbox_found(struct pr_api *api)
{
	const char	*json;

	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", "no such mailbox");
		return;
	}
	json = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, json, strlen(json));
}

/*
 * The address named by the path ("/api/v1/mailboxes/ADDR[/suffix]"),
 * decoded and normalised; 0 when it cannot be an address.
 */
int
pr_mailbox_path_address(struct pr_api *api, const char *suffix, char *out,
    size_t outlen)
{
	char		 input[PR_ADDRESS_MAX * 3 + 1];
	const char	*raw = api->req->path + strlen("/api/v1/mailboxes/");
	size_t		 len = strlen(raw), slen = strlen(suffix);

	if (len < slen || strcmp(raw + len - slen, suffix) != 0 ||
	    len - slen >= sizeof(input))
		return (0);
	snprintf(input, sizeof(input), "%.*s", (int)(len - slen), raw);
	http_argument_urldecode(input);
	return (pr_address_check(input, out, outlen) == NULL);
}

static void
mailbox_get(struct pr_api *api)
{
	char	address[PR_ADDRESS_MAX + 1];

	/* Addresses that cannot exist are not found either. */
	if (!pr_mailbox_path_address(api, "", address, sizeof(address))) {
		mailbox_found(api);
		return;
	}
	pr_api_query(api, mailbox_found, "SELECT " MAILBOX_JSON("$1") " "
	    MAILBOX_FROM "WHERE m.address = $4 AND " MAILBOX_SCOPE,
	    4, staff(api), api->actor.company, pr_actor_domains(&api->actor),
	    address);
}

int
pr_mailbox(struct http_request *req)
{
	pr_api_fn	start = mailbox_get;

	if (req->method == HTTP_METHOD_PATCH)
		start = pr_mailbox_update;
	else if (req->method == HTTP_METHOD_DELETE)
		start = pr_mailbox_delete;
	return (pr_api_run(req, PR_GET | PR_PATCH | PR_DELETE, start));
}

int
pr_mailbox_restore_route(struct http_request *req)
{
	return (pr_api_run(req, PR_POST, pr_mailbox_restore));
}

static void
mailboxes_list(struct pr_api *api)
{
	struct pr_page	page;
	char		like[3 * PR_ADDRESS_MAX + 2];
	char		domain_in[PR_DOMAIN_MAX * 3];
	char		domain[PR_DOMAIN_MAX + 1], status[32];

	if (!pr_param_page(api, &page) ||
	    !pr_param_prefix(api, "q", like, sizeof(like)) ||
	    !pr_param(api, "domain", domain_in, sizeof(domain_in)) ||
	    !pr_param(api, "status", status, sizeof(status)))
		return;
	domain[0] = '\0';
	if (domain_in[0] != '\0' &&
	    pr_domain_check(domain_in, domain, sizeof(domain)) != NULL) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "domain is not a domain name");
		return;
	}

	/*
	 * One more row than asked tells whether there is a next page; the
	 * cursor is the last address shown, in hex.
	 */
	pr_api_query(api, pr_api_json_row,
	    "WITH page AS (SELECT m.address, " MAILBOX_JSON("$1") " AS j "
	    MAILBOX_FROM "WHERE " MAILBOX_SCOPE
	    "AND ($4 = '' OR m.address > $4) "
	    "AND ($5 = '%' OR m.address LIKE $5 OR "
	    "lower(m.display_name) COLLATE \"C\" LIKE $5) "
	    "AND ($6 = '' OR d.name = $6) AND ($7 = '' OR m.status = $7) "
	    "ORDER BY m.address LIMIT $8::int + 1) "
	    PR_PAGE_JSON("address", "address", "$8::int"),
	    8, staff(api), api->actor.company, pr_actor_domains(&api->actor),
	    page.after, like, domain, status, page.limit);
}

int
pr_mailboxes(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? pr_mailbox_create :
	    mailboxes_list));
}
