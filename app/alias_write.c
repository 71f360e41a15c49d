/*
 * POST /api/v1/aliases and PATCH /api/v1/aliases/{address}: create an
 * address alias, replace its targets.
 *
 * The body is checked here, every bad field at once (a bad target by its
 * index, "targets[3]"); then one statement reads the domain within the
 * actor's scope, checks, writes, and writes the audit entry: all of it or
 * nothing.  An address is one thing only: the registry (addresses, kept
 * by the triggers of sql/001) refuses an address that a mailbox, even a
 * deleted one that can still be restored, or another alias holds.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "alias.h"
#include "domain.h"
#include "fields.h"
#include "path.h"
#include "validate.h"

/* The alias's address, kept for the answer. */
struct alias_new {
	char	address[PR_ADDRESS_MAX + 1];
};

static void	create_done(struct pr_api *);
static void	create_failed(struct pr_api *);

/*
 * The targets, required: 1 to 1000 addresses, not the alias itself
 * (address, "" when it is bad), into targets as a JSON array.
 */
static void
check_targets(struct pr_fields *f, const struct pr_json *body,
    const char *address, struct sbuf *targets)
{
	if (pr_field_addresses(f, body, "targets", 1, PR_ALIAS_TARGETS_MAX,
	    address[0] != '\0' ? address : NULL, targets) == PR_FIELD_ABSENT)
		pr_fields_add(f, "targets", "required, an array of addresses");
}

void
pr_alias_create(struct pr_api *api)
{
	static const char *const known[] = { "address", "targets", NULL };
	const struct pr_json	*body, *v;
	const char		*why;
	struct pr_fields	 f;
	struct alias_new	*n;
	struct sbuf		 targets;
	char			 remote[64];

	if (!pr_alias_writer(api))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	n = api->data = kore_calloc(1, sizeof(*n));
	pr_fields_init(&f);
	sbuf_init(&targets);
	pr_fields_known(&f, body, known);
	if ((v = pr_json_get(body, "address")) == NULL ||
	    v->type != PR_JSON_STRING)
		pr_fields_add(&f, "address", "required, a string");
	else if ((why = pr_address_check(v->u.string.s, n->address,
	    sizeof(n->address))) != NULL)
		pr_fields_add(&f, "address", "%s", why);
	check_targets(&f, body, n->address, &targets);
	if (pr_fields_answer(api, &f)) {
		sbuf_free(&targets);
		return;
	}
	pr_remote_addr(api->req, remote, sizeof(remote));

	/*
	 * The domain is locked FOR SHARE: a delete of it waits, or is seen.
	 * As for mailboxes, a suspended company or domain takes no new
	 * aliases.  A taken address is refused here, and by the registry's
	 * key when another request takes it meanwhile (create_failed).
	 */
	pr_api_query(api, create_done,
	    "WITH dom AS (SELECT d.company_id, d.id, d.status, co.status AS "
	    "company_status FROM domains d JOIN companies co ON co.id = "
	    "d.company_id WHERE d.name = split_part($3, '@', 2) AND "
	    DOMAIN_SCOPE "FOR SHARE OF d), "
	    "why AS (SELECT CASE "
	    "WHEN EXISTS (SELECT 1 FROM addresses WHERE address = $3) "
	    "THEN 'address' "
	    "WHEN dom.company_status <> 'active' THEN 'the company is "
	    "suspended' "
	    "WHEN dom.status <> 'active' THEN 'the domain is suspended' "
	    "END AS reason FROM dom), "
	    "ins AS (INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT dom.company_id, dom.id, split_part($3, '@', 1), "
	    ALIAS_TARGETS("$4") " FROM dom, why WHERE why.reason IS NULL "
	    "RETURNING *), "
	    "j AS (SELECT a.company_id, a.address, " ALIAS_JSON " AS doc "
	    "FROM ins a " ALIAS_JOINS "), "
	    "au AS (" ALIAS_AUDIT "SELECT company_id, $5, nullif($6, ''), "
	    "nullif($8, '')::bigint, nullif($7, '')::inet, 'alias.create', "
	    "'alias', address, NULL, doc::jsonb FROM j) "
	    "SELECT (SELECT doc FROM j), why.reason FROM why",
	    8, api->actor.company, pr_actor_domains(&api->actor), n->address,
	    targets.data, api->actor.who, api->actor.key_id, remote,
	    api->actor.admin_id);
	api->on_error = create_failed;
	sbuf_free(&targets);
}

/* The address is a mailbox's or an alias's: whose is not said. */
static void
address_taken(struct pr_api *api)
{
	struct pr_fields	f;

	pr_fields_init(&f);
	pr_fields_add(&f, "address", "exists already, as a mailbox or an "
	    "alias");
	pr_fields_conflict(api, &f);
}

static void
create_done(struct pr_api *api)
{
	struct alias_new	*n = api->data;
	struct pr_fields	 f;
	const char		*doc, *reason;
	char			 escaped[3 * PR_ADDRESS_MAX + 1];

	if (pr_api_rows(api) != 1) {
		pr_fields_init(&f);
		pr_fields_add(&f, "address", "no such domain: %s",
		    strchr(n->address, '@') + 1);
		pr_fields_answer(api, &f);
		return;
	}
	if (pr_api_isnull(api, 0, 0)) {
		reason = pr_api_isnull(api, 0, 1) ? "the domain went away" :
		    pr_api_value(api, 0, 1);
		if (strcmp(reason, "address") == 0) {
			address_taken(api);
			return;
		}
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", reason);
		return;
	}
	doc = pr_api_value(api, 0, 0);
	pr_path_escape(n->address, escaped, sizeof(escaped));
	pr_api_created(api, doc, strlen(doc), "/api/v1/aliases/%s", escaped);
}

/* Another request registered the address since this one looked. */
static void
create_failed(struct pr_api *api)
{
	if (strcmp(api->sqlstate, "23505") == 0)
		address_taken(api);
}

/*
 * The targets are replaced as a whole, in the order given.  The alias
 * row is locked, so the audit entry's before is the alias as it was; a
 * list equal to the one stored writes nothing.
 */
void
pr_alias_update(struct pr_api *api)
{
	static const char *const known[] = { "address", "targets", NULL };
	const struct pr_json	*body;
	struct pr_fields	 f;
	struct sbuf		 targets;
	char			 address[PR_ADDRESS_MAX + 1], remote[64];

	if (!pr_alias_writer(api))
		return;
	if (!pr_alias_path(api, address, sizeof(address)))
		return;
	if ((body = pr_api_body(api)) == NULL)
		return;
	pr_fields_init(&f);
	sbuf_init(&targets);
	pr_fields_known(&f, body, known);
	if (pr_json_get(body, "address") != NULL)
		pr_fields_add(&f, "address", "an alias's address cannot be "
		    "changed: create another one");
	check_targets(&f, body, address, &targets);
	if (pr_fields_answer(api, &f)) {
		sbuf_free(&targets);
		return;
	}
	pr_remote_addr(api->req, remote, sizeof(remote));

	pr_api_query(api, pr_alias_answer,
	    "WITH " ALIAS_LOCKED ", "
	    "upd AS (UPDATE aliases a SET targets = " ALIAS_TARGETS("$4") ", "
	    "updated_at = now() FROM cur WHERE a.company_id = cur.company_id "
	    "AND a.id = cur.id AND cur.targets IS DISTINCT FROM "
	    ALIAS_TARGETS("$4") " RETURNING a.*), "
	    "n AS (SELECT a.company_id, a.address, " ALIAS_JSON " AS doc "
	    "FROM upd a " ALIAS_JOINS "), "
	    "au AS (" ALIAS_AUDIT "SELECT n.company_id, $5, nullif($6, ''), "
	    "nullif($8, '')::bigint, nullif($7, '')::inet, 'alias.update', "
	    "'alias', n.address, cur.doc::jsonb, n.doc::jsonb FROM n, cur) "
	    "SELECT coalesce((SELECT doc FROM n), cur.doc) FROM cur",
	    8, api->actor.company, pr_actor_domains(&api->actor), address,
	    targets.data, api->actor.who, api->actor.key_id, remote,
	    api->actor.admin_id);
	sbuf_free(&targets);
}
