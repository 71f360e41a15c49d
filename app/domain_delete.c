/*
 * DELETE /api/v1/domains/{name}[?cascade=true]: soft-delete a domain.
 *
 * A domain with mailboxes is refused unless the caller asks for the
 * cascade, which soft-deletes its mailboxes in the same statement, each
 * with its own audit entry, so that support finds who deleted a mailbox
 * by looking at the mailbox.  The name stays registered: a deleted
 * domain can be restored until it is purged.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "domain.h"
#include "mailbox.h"
#include "params.h"
#include "validate.h"

#define SEG_DOMAIN	3

static void	delete_done(struct pr_api *);

void
pr_domain_delete(struct pr_api *api)
{
	char	name[PR_DOMAIN_MAX + 1], cascade[8], remote[64];

	if (!pr_domain_writer(api, "domains"))
		return;
	if (!pr_domain_path(api, SEG_DOMAIN, "domain", name, sizeof(name)))
		return;
	if (!pr_param(api, "cascade", cascade, sizeof(cascade)))
		return;
	if (cascade[0] == '\0')
		snprintf(cascade, sizeof(cascade), "false");
	if (strcmp(cascade, "true") != 0 && strcmp(cascade, "false") != 0) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "cascade must be true or false");
		return;
	}

	/*
	 * old is locked, and the count of live mailboxes is read after the
	 * lock (sql/004_locked_counts.sql).  live, the mailboxes this
	 * statement can update, come from its snapshot, which can miss one
	 * created just before the lock: then the counts differ and nothing
	 * is done.  Mailbox audit entries show the mailbox as it was.
	 */
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, delete_done,
	    "WITH old AS (SELECT d.company_id, d.id, d.name, " DOMAIN_JSON
	    " AS doc " DOMAIN_FROM "WHERE d.name = $3 AND " DOMAIN_SCOPE
	    "FOR UPDATE OF d), "
	    "u AS (SELECT f.mailboxes AS n FROM old, pr_domain_usage("
	    "old.company_id, old.id) f), "
	    "live AS (SELECT m.* FROM mailboxes m JOIN old ON m.company_id = "
	    "old.company_id AND m.domain_id = old.id WHERE m.deleted_at IS "
	    "NULL), "
	    "why AS (SELECT CASE WHEN u.n > 0 AND NOT $4::bool THEN 'the "
	    "domain has ' || u.n || ' mailboxes: delete them first, or ask "
	    "for ?cascade=true' WHEN u.n <> (SELECT count(*) FROM live) THEN "
	    "'the domain''s mailboxes changed meanwhile: try again' END AS "
	    "reason FROM u), "
	    "mb AS (UPDATE mailboxes m SET deleted_at = now(), updated_at = "
	    "now() FROM live, why WHERE why.reason IS NULL AND m.company_id = "
	    "live.company_id AND m.id = live.id RETURNING m.company_id, m.id), "
	    "dd AS (UPDATE domains d SET deleted_at = now(), updated_at = "
	    "now() FROM old, why WHERE why.reason IS NULL AND d.company_id = "
	    "old.company_id AND d.id = old.id RETURNING d.company_id, d.name), "
	    "mdoc AS (SELECT m.company_id, m.address, " MAILBOX_JSON("$8")
	    " AS doc FROM live m JOIN mb ON mb.company_id = m.company_id AND "
	    "mb.id = m.id " MAILBOX_JOINS "), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "before, after) "
	    "SELECT dd.company_id, $5::text, nullif($6::text, ''), "
	    "nullif($9::text, '')::bigint, nullif($7::text, '')::inet, "
	    "'domain.delete', 'domain', dd.name, old.doc::jsonb, "
	    "old.doc::jsonb || jsonb_build_object('mailbox_count', 0, "
	    "'updated_at', now(), 'deleted_at', now()) FROM dd, old "
	    "UNION ALL SELECT company_id, $5, nullif($6, ''), nullif($9, "
	    "'')::bigint, nullif($7, '')::inet, 'mailbox.delete', 'mailbox', "
	    "address, doc::jsonb, "
	    "doc::jsonb || jsonb_build_object('updated_at', now(), "
	    "'deleted_at', now()) FROM mdoc) "
	    "SELECT (SELECT reason FROM why), (SELECT count(*) FROM mb) "
	    "FROM old",
	    9, api->actor.company, pr_actor_domains(&api->actor), name,
	    cascade, api->actor.who, api->actor.key_id, remote,
	    pr_role_at_least(&api->actor, PR_ROLE_SUPPORT) ? "t" : "f",
	    api->actor.admin_id);
}

static void
delete_done(struct pr_api *api)
{
	pr_api_deleted(api, "no such domain");
}
