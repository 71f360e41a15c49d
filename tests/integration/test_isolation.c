/*
 * Tenant isolation, walked endpoint by endpoint from the OpenAPI document:
 * every documented operation, tried on another company's objects by
 * (a) another company's admin (session), (b) another company's key,
 * (c) a domain admin of another domain, (d) a viewer trying to write and
 * (e) no credentials, is refused, and the database does not change.
 * The victim company itself is the one object that its own domain admin
 * may read (own_company).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "itest.h"
#include "json.h"
#include "password.h"

#define VICTIM		"victim@v1.iso.example"
#define GONE		"gone@v1.iso.example"
#define VICTIM_ALIAS	"valias@v1.iso.example"
#define PW		"an attacker's long password"
#define VICTIM_KEY	"isovictimkey0001"
#define VICTIM_ADMIN	"vadmin@v1.iso.example"
#define LOCKED_ADDR	"192.0.2.66"	/* an address locked out */

static PGconn	*db;

static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Iso Victim'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('iso')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'iso1', '/srv/iso1', 1000000000 FROM "
	    "clusters WHERE name = 'iso'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT n, id FROM "
	    "clusters, unnest(ARRAY['Iso Victim', 'Iso Attacker']) n WHERE "
	    "name = 'iso'", 0, NULL);
	it_ok(db, "INSERT INTO contacts (company_id, kind, name, email) "
	    "SELECT id, 'abuse', 'Victim Abuse', 'abuse@v1.iso.example' FROM "
	    "companies WHERE name = 'Iso Victim'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT c.id, d FROM "
	    "companies c, unnest(ARRAY['v1.iso.example', 'v2.iso.example']) d "
	    "WHERE c.name = 'Iso Victim' UNION ALL SELECT id, 'a.iso.example' "
	    "FROM companies WHERE name = 'Iso Attacker'", 0, NULL);
	it_ok(db, "INSERT INTO domain_aliases (company_id, domain_id, name) "
	    "SELECT company_id, id, 'va.iso.example' FROM domains WHERE "
	    "name = 'v1.iso.example'", 0, NULL);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id, deleted_at) "
	    "SELECT d.company_id, d.id, l, '{SHA512-CRYPT}$6$x$y', 1000, "
	    "c.cluster_id, s.id, CASE WHEN l = 'gone' THEN now() - interval "
	    "'1 day' END FROM domains d JOIN companies c ON c.id = d.company_id "
	    "JOIN mailstores s ON s.name = 'iso1', unnest(ARRAY['victim', "
	    "'gone']) l WHERE d.name = 'v1.iso.example' UNION ALL SELECT "
	    "d.company_id, d.id, 'a', '{SHA512-CRYPT}$6$x$y', 1000, c.cluster_id, "
	    "s.id, NULL FROM domains d JOIN companies c ON c.id = d.company_id "
	    "JOIN mailstores s ON s.name = 'iso1' WHERE d.name = "
	    "'a.iso.example'", 0, NULL);
	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, 'valias', '{" VICTIM "}' FROM "
	    "domains WHERE name = 'v1.iso.example'", 0, NULL);
	/* A victim's key and audit entry, named so that lists give away. */
	it_ok(db, "INSERT INTO api_keys (key_id, company_id, role, "
	    "secret_hash, name, created_by) SELECT '" VICTIM_KEY "', id, "
	    "'company_admin', repeat('ab', 32), 'v1.iso.example provisioning', "
	    "'test' FROM companies WHERE name = 'Iso Victim'", 0, NULL);
	it_ok(db, "INSERT INTO audit_log (company_id, actor, action, "
	    "object_type, object_id) SELECT id, 'cli:iso', 'domain.create', "
	    "'domain', 'v1.iso.example' FROM companies WHERE name = "
	    "'Iso Victim'", 0, NULL);
	/* A victim's admin, locked out: an unlock would show. */
	it_ok(db, "INSERT INTO admins (company_id, email, password_hash, role, "
	    "failed_logins, locked_until) SELECT id, '" VICTIM_ADMIN "', "
	    "'{SHA512-CRYPT}$6$x$y', 'company_admin', 10, now() + interval "
	    "'1 day' FROM companies WHERE name = 'Iso Victim'", 0, NULL);
	it_ok(db, "INSERT INTO login_throttle (remote_addr, failures, "
	    "locked_until) VALUES ('" LOCKED_ADDR "', 30, now() + interval "
	    "'1 day')", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(isolation, .init = fixture, .fini = done);

static void
key(const char *role, const char *company, const char *domain, char *out,
    size_t outlen)
{
	snprintf(out, outlen, "Authorization: Bearer %s",
	    it_key(db, role, company, domain, 0));
}

/* Log an attacker company's admin in; its cookie and CSRF token. */
static void
session(char *out, size_t outlen)
{
	char		 hash[PR_PW_HASH_MAX];
	const char	*p[1] = { hash };

	cr_assert_eq(pr_password_hash(PW, PR_PW_SHA512_CRYPT, hash,
	    sizeof(hash)), 0);
	it_ok(db, "INSERT INTO admins (company_id, email, password_hash, role) "
	    "SELECT id, 'boss@a.iso.example', $1, 'company_admin' FROM "
	    "companies WHERE name = 'Iso Attacker' ON CONFLICT (email) DO "
	    "UPDATE SET password_hash = $1", 1, p);
	cr_assert_eq(it_login("boss@a.iso.example", PW, NULL, NULL, out,
	    outlen), 200);
}

/* Everything an endpoint could change, as one digest. */
static char *
snapshot(void)
{
	return (it_value(db, "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM ("
	    "SELECT m::text x FROM mailboxes m UNION ALL "
	    "SELECT d::text FROM domains d UNION ALL "
	    "SELECT d::text FROM domain_aliases d UNION ALL "
	    "SELECT a::text FROM aliases a UNION ALL "
	    "SELECT a::text FROM addresses a UNION ALL "
	    "SELECT c::text FROM companies c UNION ALL "
	    "SELECT c::text FROM contacts c UNION ALL "
	    "SELECT s::text FROM mailstores s UNION ALL "
	    "SELECT concat_ws(' ', key_id, company_id, role, name, revoked_at) "
	    "FROM api_keys UNION ALL "
	    "SELECT k::text FROM api_key_domains k UNION ALL "
	    "SELECT a::text FROM admins a UNION ALL "
	    "SELECT a::text FROM admin_domains a UNION ALL "
	    "SELECT t::text FROM login_throttle t UNION ALL "
	    "SELECT count(*)::text FROM audit_log) t", 0, NULL));
}

/* Minimal JSON writer for request examples. */
static void
emit(struct sbuf *b, const struct pr_json *v)
{
	const struct pr_json	*c;

	switch (v->type) {
	case PR_JSON_NULL:
		sbuf_puts(b, "null");
		break;
	case PR_JSON_BOOL:
		sbuf_puts(b, v->u.boolean ? "true" : "false");
		break;
	case PR_JSON_NUMBER:
		sbuf_printf(b, "%lld", (long long)v->u.number.integer);
		break;
	case PR_JSON_STRING:
		sbuf_json_str(b, v->u.string.s);
		break;
	case PR_JSON_ARRAY:
	case PR_JSON_OBJECT:
		sbuf_puts(b, v->type == PR_JSON_ARRAY ? "[" : "{");
		for (c = v->u.children.first; c != NULL; c = c->next) {
			if (c != v->u.children.first)
				sbuf_puts(b, ",");
			if (v->type == PR_JSON_OBJECT) {
				sbuf_json_str(b, c->key);
				sbuf_puts(b, ":");
			}
			emit(b, c);
		}
		sbuf_puts(b, v->type == PR_JSON_ARRAY ? "]" : "}");
		break;
	}
}

/* Replace every "{name}" by value in s. */
static void
substitute(struct sbuf *s, const char *name, const char *value)
{
	struct sbuf	 out;
	const char	*p = s->data, *hit;

	sbuf_init(&out);
	while ((hit = strstr(p, name)) != NULL) {
		sbuf_append(&out, p, (size_t)(hit - p));
		sbuf_puts(&out, value);
		p = hit + strlen(name);
	}
	sbuf_puts(&out, p);
	sbuf_free(s);
	*s = out;
}

struct actor {
	const char	*label;
	char		 hdr[400];
	int		 writes_only;
	int		 none;
	int		 victim;	/* of the victim company */
};

static int	cases;

/*
 * The victim company itself, read by one of its own people: theirs to
 * see, not an intrusion.
 */
static int
own_company(const struct actor *a, const char *method, const char *tmpl)
{
	return (a->victim && strcmp(method, "GET") == 0 &&
	    strcmp(tmpl, "/api/v1/companies/{id}") == 0);
}

/*
 * Another company's admin may read companies and replace contacts, and
 * manage admin accounts, only not this one's: it must be not found,
 * exactly like a missing one.
 */
static int
other_company(const struct actor *a, const char *method, const char *tmpl)
{
	if (!a->victim && strncmp(tmpl, "/api/v1/admins/{admin_id}", 25) == 0)
		return (1);
	return (!a->victim && (strcmp(method, "GET") == 0 ||
	    strcmp(method, "PUT") == 0) &&
	    strncmp(tmpl, "/api/v1/companies/{id}", 22) == 0);
}

static void
try(struct actor *a, const char *method, const char *path, const char *body,
    const char *ctype, int is_list, const char *tmpl)
{
	struct it_http	 r;
	struct sbuf	 url;
	char		*before, *after;
	int		 write = strcmp(method, "GET") != 0;

	if (a->writes_only && !write)
		return;
	sbuf_init(&url);
	sbuf_printf(&url, "%s%s", it_env("PR_TEST_URL"), path);
	before = snapshot();
	cr_assert_eq(it_http_body(method, url.data, a->none ? NULL : a->hdr,
	    body ? ctype : NULL, body, &r), 0);
	after = snapshot();
	cases++;
	cr_expect_str_eq(before, after, "%s %s %s changed the database",
	    a->label, method, path);
	if (a->none)
		cr_expect_eq(r.status, 401, "%s %s %s: %ld", a->label, method,
		    path, r.status);
	else if (a->writes_only)
		cr_expect_eq(r.status, 403, "%s %s %s: %ld %s", a->label,
		    method, path, r.status, r.body.data);
	else if (own_company(a, method, tmpl))
		cr_expect_eq(r.status, 200, "%s %s %s: %ld %s", a->label,
		    method, path, r.status, r.body.data);
	else if (other_company(a, method, tmpl))
		cr_expect_eq(r.status, 404, "%s %s %s: %ld %s", a->label,
		    method, path, r.status, r.body.data);
	else if (is_list)	/* a list, or a refusal (403), without them */
		cr_expect((r.status == 200 || r.status == 403) &&
		    strstr(r.body.data, "v1.iso.example") == NULL &&
		    strstr(r.body.data, VICTIM_KEY) == NULL && (a->victim ||
		    strstr(r.body.data, "Iso Victim") == NULL),
		    "%s %s %s: %ld %s", a->label, method, path, r.status,
		    r.body.data);
	else
		cr_expect(r.status == 404 || r.status == 403 ||
		    r.status == 422, "%s %s %s: %ld %s", a->label, method, path,
		    r.status, r.body.data);
	it_http_free(&r);
	free(before);
	free(after);
	sbuf_free(&url);
}

/* {address}: the victim's mailbox, deleted mailbox or alias. */
static const char *
victim_address(const char *path)
{
	if (strncmp(path, "/api/v1/aliases/", 16) == 0)
		return (VICTIM_ALIAS);
	return (strstr(path, "/restore") != NULL ? GONE : VICTIM);
}

/*
 * A substituted path names a real object of the victim's: an operator
 * reads it, else the intruders' refusals would prove nothing.
 */
static void
exists(const char *method, const char *path)
{
	static char	 op[PR_KEY_MAX];
	struct it_http	 r;

	if (strcmp(method, "GET") != 0)
		return;
	if (op[0] == '\0')
		snprintf(op, sizeof(op), "%s", it_key(db, "operator", NULL,
		    NULL, 0));
	cr_expect_eq(it_call(op, "GET", path, NULL, &r), 200,
	    "an operator cannot read %s: %s", path, r.body.data);
	it_http_free(&r);
}

static void
walk_operation(struct actor *actors, size_t nactors, const char *path,
    const struct pr_json *op, const char *method)
{
	const struct pr_json	*content, *ex, *csv;
	const char		*ctype = "Content-Type: application/json";
	struct sbuf		 p, body;
	size_t			 i;
	int			 is_list;
	char			*victim_id, *admin_id;

	victim_id = it_value(db, "SELECT id::text FROM companies WHERE name = "
	    "'Iso Victim'", 0, NULL);
	admin_id = it_value(db, "SELECT id::text FROM admins WHERE email = '"
	    VICTIM_ADMIN "'", 0, NULL);
	sbuf_init(&p);
	sbuf_init(&body);
	sbuf_puts(&p, path);
	substitute(&p, "{address}", victim_address(path));
	substitute(&p, "{domain}", "v1.iso.example");
	substitute(&p, "{alias}", "va.iso.example");
	substitute(&p, "{key_id}", VICTIM_KEY);
	substitute(&p, "{id}", victim_id);
	substitute(&p, "{admin_id}", admin_id);
	substitute(&p, "{remote_addr}", LOCKED_ADDR);
	content = pr_json_get(pr_json_get(op, "requestBody"), "content");
	ex = pr_json_get(pr_json_get(content, "application/json"), "example");
	/* A CSV body's example is its text. */
	csv = pr_json_get(pr_json_get(content, "text/csv"), "example");
	if (ex != NULL) {
		emit(&body, ex);
		substitute(&body, "{domain}", "v1.iso.example");
	} else if (csv != NULL) {
		cr_assert_eq(csv->type, PR_JSON_STRING, "%s", path);
		sbuf_puts(&body, csv->u.string.s);
		substitute(&body, "{domain}", "v1.iso.example");
		ctype = "Content-Type: text/csv\nExpect:";
	} else if (strcmp(method, "POST") == 0) {
		sbuf_puts(&body, "");
	}
	is_list = strcmp(method, "GET") == 0 && strchr(path, '{') == NULL;
	if (!is_list)
		exists(method, p.data);
	for (i = 0; i < nactors; i++)
		try(&actors[i], method, p.data, ex != NULL || csv != NULL ||
		    strcmp(method, "POST") == 0 ? body.data : NULL, ctype,
		    is_list, path);
	sbuf_free(&p);
	sbuf_free(&body);
	free(victim_id);
	free(admin_id);
}

Test(isolation, every_endpoint_every_role, .timeout = 300)
{
	static const char *methods[][2] = { { "get", "GET" },
	    { "post", "POST" }, { "put", "PUT" }, { "patch", "PATCH" },
	    { "delete", "DELETE" } };
	struct actor		 actors[5];
	struct pr_json_doc	 doc;
	const struct pr_json	*paths, *item, *op;
	struct sbuf		 text;
	char			 err[128];
	size_t			 i;
	FILE			*f;
	char			 buf[4096];
	size_t			 n;
	int			 endpoints = 0;

	memset(actors, 0, sizeof(actors));
	actors[0].label = "(a) other company's admin";
	session(actors[0].hdr, sizeof(actors[0].hdr));
	actors[1].label = "(b) other company's key";
	key("company_admin", "Iso Attacker", NULL, actors[1].hdr,
	    sizeof(actors[1].hdr));
	actors[2].label = "(c) domain admin of another domain";
	actors[2].victim = 1;
	key("domain_admin", "Iso Victim", "v2.iso.example", actors[2].hdr,
	    sizeof(actors[2].hdr));
	actors[3].label = "(d) viewer writing";
	actors[3].writes_only = 1;
	actors[3].victim = 1;
	key("company_viewer", "Iso Victim", NULL, actors[3].hdr,
	    sizeof(actors[3].hdr));
	actors[4].label = "(e) no credentials";
	actors[4].none = 1;

	sbuf_init(&text);
	cr_assert((f = fopen("assets/openapi.json", "r")) != NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_append(&text, buf, n);
	fclose(f);
	cr_assert_eq(pr_json_parse(text.data, text.len, &doc, err,
	    sizeof(err)), 0, "%s", err);
	paths = pr_json_get(doc.root, "paths");
	cr_assert(paths != NULL);
	for (item = paths->u.children.first; item != NULL; item = item->next) {
		/*
		 * Public by design: the document.  /api/v1/session and
		 * /api/v1/session/... act on the caller's own session and
		 * account only (log in, who am I, log out, TOTP): there is
		 * no other company's object to reach.
		 */
		if (!strcmp(item->key, "/api/v1/openapi.json") ||
		    !strncmp(item->key, "/api/v1/session", 15))
			continue;
		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
			if ((op = pr_json_get(item, methods[i][0])) == NULL)
				continue;
			endpoints++;
			walk_operation(actors, 5, item->key, op, methods[i][1]);
		}
	}
	fprintf(stderr, "isolation: %d endpoints, %d endpoint x role cases, "
	    "all refused, the database unchanged\n", endpoints, cases);
	cr_assert_geq(endpoints, 6);
	pr_json_free(&doc);
	sbuf_free(&text);
}
