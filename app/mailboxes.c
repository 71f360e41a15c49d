/*
 * /api/v1/mailboxes: read one mailbox, list and search them.
 *
 * A list's mailboxes come as columns and are written here
 * (mailbox_render.c); a single mailbox's JSON PostgreSQL writes
 * (mailbox.h).  Every query carries the actor's scope: its company (0 for provider staff) and, for domain admins, the
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
	pr_api_query(api, mailbox_found, MAILBOX_GET_SQL, 4, staff(api),
	    api->actor.company, pr_actor_domains(&api->actor), address);
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

/*
 * A page of mailboxes in address order: $1 staff, $2 and $3 the scope,
 * $4 the cursor ("" first: every address is greater), $5 a lower-cased
 * prefix of the address or the display name, $6 a domain, $7 a status,
 * $8 the limit, $9 a mailstore, $10 to $14 the state of imap, pop3,
 * webmail, send and receive.  A prefix is a range: in the "C" collation
 * every string that starts with p lies in [p, p || U+10FFFF).  Address
 * and display name are searched apart, each with its index: one OR would
 * walk the company's mailboxes until enough display names match.  The
 * display names that match are all read (OFFSET 0 keeps the planner from
 * that walk) and sorted.  One more row than asked tells whether there is
 * a next page; the cursor is the last address shown, in hex.
 */
#define MAILBOX_LIST_WHERE(SCOPE, FILTERS)				\
	SCOPE "AND m.deleted_at IS NULL AND m.address > $4 " FILTERS

/*
 * Without filters, the one variant that is prepared: parameters alone
 * are one-time checks there, where an OR of a parameter and a column
 * would make a generic plan start from the wrong index.
 */
#define MAILBOX_LIST_PLAIN						\
	"AND $3::bigint[] IS NULL AND $6 = '' AND $7 = '' AND $9 = '' "	\
	"AND $10 = '' AND $11 = '' AND $12 = '' AND $13 = '' "		\
	"AND $14 = '' "
#define MAILBOX_LIST_FILTERS						\
	"AND ($3::bigint[] IS NULL OR m.domain_id = ANY($3::bigint[])) " \
	"AND ($6 = '' OR m.domain_id = (SELECT id FROM domains "	\
	"WHERE name = $6)) AND ($7 = '' OR m.status = $7) "		\
	"AND ($9 = '' OR m.mailstore_id IN (SELECT id FROM mailstores "	\
	"WHERE name = $9)) AND ($10 = '' OR m.imap = $10) "		\
	"AND ($11 = '' OR m.pop3 = $11) AND ($12 = '' OR "		\
	"m.webmail = $12) AND ($13 = '' OR m.send = $13) "		\
	"AND ($14 = '' OR m.receive = $14) "

/* The display names that start with $5: all of them, sorted. */
#define MAILBOX_NAME_ANY(SCOPE, FILTERS)				\
	"(SELECT address FROM (SELECT m.address " MAILBOX_LIST_FROM	\
	"WHERE " MAILBOX_LIST_WHERE(SCOPE, FILTERS) "AND $5 <> '' AND "	\
	"lower(m.display_name) COLLATE \"C\" >= $5 AND "		\
	"lower(m.display_name) COLLATE \"C\" < $5 || chr(1114111) "	\
	"OFFSET 0) n ORDER BY address LIMIT $8::int + 1)"

/*
 * The same for a prefix of three letters or more: among the names with
 * its first three, in address order (sql/030), the first that match.
 */
#define MAILBOX_NAME_HEAD(SCOPE, FILTERS)				\
	"(SELECT m.address " MAILBOX_LIST_FROM "WHERE "			\
	MAILBOX_LIST_WHERE(SCOPE, FILTERS) "AND "			\
	"left(lower(m.display_name), 3) COLLATE \"C\" = left($5, 3) "	\
	"AND lower(m.display_name) COLLATE \"C\" >= $5 AND "		\
	"lower(m.display_name) COLLATE \"C\" < $5 || chr(1114111) "	\
	"ORDER BY m.address LIMIT $8::int + 1)"

#define MAILBOX_LIST_SQL(SCOPE, FILTERS, NAMES)				\
	"WITH hits AS ((SELECT m.address " MAILBOX_LIST_FROM "WHERE "	\
	MAILBOX_LIST_WHERE(SCOPE, FILTERS) "AND m.address >= $5 "		\
	"AND m.address < $5 || chr(1114111) "				\
	"ORDER BY m.address LIMIT $8::int + 1) UNION "			\
	NAMES(SCOPE, FILTERS) ") "					\
	"SELECT " MAILBOX_COLUMNS("$1") MAILBOX_FROM			\
	"WHERE m.address IN (SELECT address FROM hits) "		\
	"ORDER BY m.address LIMIT $8::int + 1"

/* No join: a generic plan would start from the company's domains. */
#define MAILBOX_LIST_FROM	"FROM mailboxes m "

/* A company's own mailboxes, by the indexes that lead with it. */
#define MAILBOX_OWN	"m.company_id = $2::bigint "
/* Provider staff's: every company's ($2 is 0). */
#define MAILBOX_ALL	"$2::bigint = 0 "

/* By scope (staff, own), filters, and a prefix of three letters. */
static const char *const mailboxes_sql[2][2][2] = {
	{ { MAILBOX_LIST_SQL(MAILBOX_ALL, MAILBOX_LIST_PLAIN, MAILBOX_NAME_ANY),
	    MAILBOX_LIST_SQL(MAILBOX_ALL, MAILBOX_LIST_PLAIN,
	    MAILBOX_NAME_HEAD) },
	  { MAILBOX_LIST_SQL(MAILBOX_ALL, MAILBOX_LIST_FILTERS,
	    MAILBOX_NAME_ANY),
	    MAILBOX_LIST_SQL(MAILBOX_ALL, MAILBOX_LIST_FILTERS,
	    MAILBOX_NAME_HEAD) } },
	{ { MAILBOX_LIST_SQL(MAILBOX_OWN, MAILBOX_LIST_PLAIN, MAILBOX_NAME_ANY),
	    MAILBOX_LIST_SQL(MAILBOX_OWN, MAILBOX_LIST_PLAIN,
	    MAILBOX_NAME_HEAD) },
	  { MAILBOX_LIST_SQL(MAILBOX_OWN, MAILBOX_LIST_FILTERS,
	    MAILBOX_NAME_ANY),
	    MAILBOX_LIST_SQL(MAILBOX_OWN, MAILBOX_LIST_FILTERS,
	    MAILBOX_NAME_HEAD) } },
};

/* Characters (not bytes) of a UTF-8 string, up to max. */
static int
chars_at_least(const char *s, int max)
{
	int	n = 0;

	for (; *s != '\0' && n < max; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return (n >= max);
}

/* The list's filters, each "" when absent. */
struct mailbox_filters {
	char	domain[PR_DOMAIN_MAX + 1];
	char	status[16];
	char	mailstore[64];
	char	service[PR_MB_NSERVICES][PR_MB_STATE_LEN];
};

static int
mailboxes_filters(struct pr_api *api, struct mailbox_filters *f)
{
	static const char *const statuses[] = { "active", "suspended",
	    "maintenance", "migrating", NULL };
	static const char *const states[] = { "enabled", "disabled",
	    "suspended", NULL };
	int	i;

	if (!pr_param_domain(api, "domain", f->domain, sizeof(f->domain)) ||
	    !pr_param_oneof(api, "status", f->status, sizeof(f->status),
	    statuses) ||
	    !pr_param(api, "mailstore", f->mailstore, sizeof(f->mailstore)))
		return (0);
	for (i = 0; i < PR_MB_NSERVICES; i++) {
		if (!pr_param_oneof(api, pr_mb_services_names[i],
		    f->service[i], sizeof(f->service[i]), states))
			return (0);
	}
	/* Mailstores are shown to provider staff only. */
	if (f->mailstore[0] != '\0' &&
	    !pr_role_at_least(&api->actor, PR_ROLE_SUPPORT)) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
		    "Forbidden", "mailstore is a filter for provider staff");
		return (0);
	}
	return (1);
}

static int
mailboxes_filtered(const struct pr_api *api, const struct mailbox_filters *f)
{
	int	i;

	if (pr_actor_domains(&api->actor) != NULL || f->domain[0] != '\0' ||
	    f->status[0] != '\0' || f->mailstore[0] != '\0')
		return (1);
	for (i = 0; i < PR_MB_NSERVICES; i++) {
		if (f->service[i][0] != '\0')
			return (1);
	}
	return (0);
}

/*
 * A step: the page, from at most limit + 1 rows of MAILBOX_COLUMNS, laid
 * out as the other lists' (PR_PAGE_JSON, by PostgreSQL).
 */
static void
mailboxes_page(struct pr_api *api)
{
	struct sbuf	b;
	int		i, n, limit = *(int *)api->data;

	n = pr_api_rows(api);
	sbuf_init(&b);
	sbuf_puts(&b, "{\"items\" : [");
	for (i = 0; i < n && i < limit; i++) {
		if (i > 0)
			sbuf_append(&b, ", ", 2);
		pr_mailbox_render(api, i, &b);
	}
	sbuf_puts(&b, "], \"next_cursor\" : ");
	if (n > limit) {
		/* The last address shown: the next page starts after it. */
		sbuf_append(&b, "\"", 1);
		pr_cursor_encode(&b, pr_api_value(api, limit - 1, 0));
		sbuf_append(&b, "\"", 1);
	} else {
		sbuf_puts(&b, "null");
	}
	sbuf_append(&b, "}", 1);
	pr_api_json(api, HTTP_STATUS_OK, b.data, b.len);
	sbuf_free(&b);
}

static void
mailboxes_list(struct pr_api *api)
{
	struct pr_page		 page;
	struct mailbox_filters	 f;
	char			 q[PR_ADDRESS_MAX + 1];
	int			 own, filtered, head;

	if (!pr_param_page(api, &page) ||
	    !pr_param_lower(api, "q", q, sizeof(q)) ||
	    !mailboxes_filters(api, &f))
		return;
	own = api->actor.company_id != 0;
	filtered = mailboxes_filtered(api, &f);
	head = chars_at_least(q, 3);
	api->data = kore_malloc(sizeof(int));
	*(int *)api->data = atoi(page.limit);

	/*
	 * A page by prefix and cursor alone keeps one plan, prepared; a
	 * filter or a domain scope is planned for its values, which decide
	 * whether an index on them beats the walk in address order.
	 */
	(filtered ? pr_api_query_custom : pr_api_query)(api,
	    mailboxes_page, mailboxes_sql[own][filtered][head], 14, staff(api),
	    api->actor.company, pr_actor_domains(&api->actor), page.after, q,
	    f.domain, f.status, page.limit, f.mailstore, f.service[0],
	    f.service[1], f.service[2], f.service[3], f.service[4]);
}

int
pr_mailboxes(struct http_request *req)
{
	return (pr_api_run(req, PR_GET | PR_POST,
	    req->method == HTTP_METHOD_POST ? pr_mailbox_create :
	    mailboxes_list));
}
