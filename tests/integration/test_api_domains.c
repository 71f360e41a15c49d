/*
 * /api/v1/domains and their aliases: create, list, get, update, delete;
 * who may do what; limits; the audit log; and that a refused request
 * changes nothing.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"
#include "password.h"

static PGconn	*db;

/*
 * Cluster dmc.  "Dom One" has one.dom.example (alice, bob, the alias
 * postmaster) and uno.dom.example; "Dom Two" has two.dom.example and
 * the domain alias deux.dom.example; "Dom Three" is at its limit of one
 * domain; "Dom Race" may have one and has none.
 */
static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Dom One'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('dmc')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'dmc1', '/srv/dmc1', 1000000000 FROM "
	    "clusters WHERE name = 'dmc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id, max_domains) "
	    "SELECT n, id, CASE WHEN n IN ('Dom Three', 'Dom Race') THEN 1 "
	    "END FROM clusters, unnest(ARRAY['Dom One', 'Dom Two', "
	    "'Dom Three', 'Dom Race']) n WHERE name = 'dmc'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT c.id, d FROM "
	    "companies c, unnest(ARRAY['one.dom.example', "
	    "'uno.dom.example']) d "
	    "WHERE c.name = 'Dom One' UNION ALL SELECT id, 'two.dom.example' "
	    "FROM companies WHERE name = 'Dom Two' UNION ALL SELECT id, "
	    "'three.dom.example' FROM companies WHERE name = 'Dom Three'",
	    0, NULL);
	it_ok(db, "INSERT INTO domain_aliases (company_id, domain_id, name) "
	    "SELECT company_id, id, 'deux.dom.example' FROM domains WHERE "
	    "name = 'two.dom.example'", 0, NULL);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "d.company_id, d.id, l, '{SHA512-CRYPT}$6$x$y', 1000, "
	    "s.cluster_id, s.id FROM domains d, mailstores s, "
	    "unnest(ARRAY['alice', 'bob']) l "
	    "WHERE d.name = 'one.dom.example' AND s.name = 'dmc1'", 0, NULL);
	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, 'postmaster', "
	    "'{alice@one.dom.example}' FROM domains WHERE "
	    "name = 'one.dom.example'", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_domains, .init = fixture, .fini = done);

/* An API key, as the CLI makes it (itest.c). */
static const char *
key(const char *role, const char *company, const char *domain)
{
	return (it_key(db, role, company, domain, 0));
}

static long
req(const char *method, const char *k, const char *path, const char *body,
    struct it_http *r)
{
	return (it_call(k, method, path, body, r));
}

/*
 * What a refused request must leave as it was: row counts, and every
 * row of the domain tables and the audit log, as one fingerprint.
 */
#define STATE								\
	"SELECT concat_ws(' ', (SELECT count(*) FROM domains), "	\
	"(SELECT count(*) FROM domains WHERE deleted_at IS NULL), "	\
	"(SELECT count(*) FROM domain_names), "				\
	"(SELECT count(*) FROM domain_aliases), "			\
	"(SELECT count(*) FROM mailboxes WHERE deleted_at IS NULL), "	\
	"(SELECT count(*) FROM audit_log), "				\
	"md5(concat((SELECT string_agg(d::text, ',' ORDER BY name) FROM " \
	"domains d), (SELECT string_agg(a::text, ',' ORDER BY name) FROM " \
	"domain_aliases a), (SELECT string_agg(m.address || "		\
	"coalesce(m.deleted_at::text, ''), ',' ORDER BY address) FROM "	\
	"mailboxes m))))"

/* A request that must be answered with status and change nothing. */
static void
refused(const char *method, const char *k, const char *path,
    const char *body, long status, const char *expect)
{
	it_refused(db, STATE, method, k, path, body, status, expect);
}

static long long
count(const char *sql, const char *param)
{
	return (it_count1(db, sql, param));
}

/* A domain of company made directly, with mailboxes named in locals. */
static void
make_domain(const char *company, const char *name, const char *locals)
{
	const char	*p[3] = { company, name, locals };

	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, $2 FROM "
	    "companies WHERE name = $1", 2, p);
	if (locals == NULL)
		return;
	p[0] = name;
	p[1] = locals;
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "d.company_id, d.id, l, '{SHA512-CRYPT}$6$x$y', 1000, "
	    "s.cluster_id, s.id FROM domains d, mailstores s, "
	    "unnest(string_to_array($2, "
	    "',')) l WHERE d.name = $1 AND s.name = 'dmc1'", 2, p);
}

Test(api_domains, create_in_own_and_other_company)
{
	struct it_http	 r;
	const char	*op = key("operator", NULL, NULL);
	const char	*one = key("company_admin", "Dom One", NULL);
	char		*two = it_company_id(db, "Dom Two");
	char		 body[256];

	snprintf(body, sizeof(body), "{\"name\": \"Op.Dom.Example\", "
	    "\"company_id\": %s, \"max_mailboxes\": 20, "
	    "\"default_quota_bytes\": 5000000, \"status\": \"suspended\"}",
	    two);
	cr_assert_eq(req("POST", op, "/api/v1/domains", body, &r), 201, "%s",
	    r.body.data);
	cr_assert_str_eq(r.content_type, "application/json");
	cr_assert_str_eq(r.location, "/api/v1/domains/op.dom.example");
	cr_assert(it_has(&r, "\"name\":\"op.dom.example\""), "%s", r.body.data);
	cr_assert(it_has(&r, "\"company\":\"Dom Two\""));
	cr_assert(it_has(&r, "\"status\":\"suspended\""));
	cr_assert(it_has(&r, "\"max_mailboxes\":20"));
	cr_assert(it_has(&r, "\"default_quota_bytes\":5000000"));
	cr_assert(it_has(&r, "\"mailbox_count\":0"));
	cr_assert(it_has(&r, "\"aliases\":[]"));
	cr_assert(!it_has(&r, "max_storage_bytes"));	/* null: no limit */
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM domains d JOIN companies c "
	    "ON c.id = d.company_id WHERE d.name = 'op.dom.example' AND "
	    "c.name = 'Dom Two' AND d.status = 'suspended'", NULL), 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'domain.create' AND object_type = 'domain' AND object_id = "
	    "'op.dom.example' AND actor LIKE 'key:%' AND actor_key_id IS NOT "
	    "NULL AND remote_addr = '127.0.0.1' AND before IS NULL AND "
	    "after->>'name' = 'op.dom.example' AND (after->>'max_mailboxes')"
	    "::int = 20 AND company_id = $1::bigint", two), 1);

	/* A company admin creates in its own company, whatever it says. */
	cr_assert_eq(req("POST", one, "/api/v1/domains", "{\"name\": "
	    "\"ca.dom.example\"}", &r), 201, "%s", r.body.data);
	cr_assert(it_has(&r, "\"company\":\"Dom One\""));
	cr_assert(it_has(&r, "\"status\":\"active\""));
	it_http_free(&r);
	snprintf(body, sizeof(body), "{\"name\": \"ca2.dom.example\", "
	    "\"company_id\": %s}", two);
	refused("POST", one, "/api/v1/domains", body, 422,
	    "\"field\":\"company_id\"");
	refused("POST", op, "/api/v1/domains", "{\"name\": "
	    "\"op2.dom.example\"}", 422, "\"field\":\"company_id\",\"message\":"
	    "\"required");
	refused("POST", op, "/api/v1/domains", "{\"name\": "
	    "\"op2.dom.example\", \"company_id\": 987654321}", 422,
	    "no such company");
	refused("POST", op, "/api/v1/domains", "{\"name\": "
	    "\"op2.dom.example\", \"company_id\": \"1\"}", 422,
	    "\"field\":\"company_id\"");
	free(two);
}

Test(api_domains, idna_names_are_stored_as_a_labels)
{
	struct it_http	 r;
	const char	*one = key("company_admin", "Dom One", NULL);

	cr_assert_eq(req("POST", one, "/api/v1/domains", "{\"name\": "
	    "\"B\\u00fccher.Dom.Example\"}", &r), 201, "%s", r.body.data);
	cr_assert_str_eq(r.location,
	    "/api/v1/domains/xn--bcher-kva.dom.example");
	cr_assert(it_has(&r, "\"name\":\"xn--bcher-kva.dom.example\""));
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE name = "
	    "'xn--bcher-kva.dom.example'", NULL), 1);

	/* Found by either form, in any case. */
	cr_assert_eq(req("GET", one, "/api/v1/domains/b%C3%BCcher.dom.example",
	    NULL, &r), 200, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(req("GET", one,
	    "/api/v1/domains/XN--BCHER-KVA.dom.example", NULL, &r), 200);
	it_http_free(&r);
	/* The same name in its other form is the same name. */
	refused("POST", one, "/api/v1/domains", "{\"name\": "
	    "\"xn--bcher-kva.dom.example\"}", 409, "\"field\":\"name\"");
}

/*
 * GET path with its bytes as they are: libcurl percent-encodes what is
 * not ASCII, and some clients do not.  Returns the status.
 */
static int
raw_get(const char *k, const char *path)
{
	struct sockaddr_in	 sin;
	struct sbuf		 rq;
	char			 buf[64];
	int			 fd, port = 0, status = -1;
	ssize_t			 n;

	cr_assert_eq(sscanf(it_env("PR_TEST_URL"), "http://127.0.0.1:%d",
	    &port), 1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sbuf_init(&rq);
	sbuf_printf(&rq, "GET %s HTTP/1.1\r\nHost: localhost\r\n"
	    "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", path, k);
	cr_assert_eq(write(fd, rq.data, rq.len), (ssize_t)rq.len);
	if ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		sscanf(buf, "HTTP/1.1 %d", &status);
	}
	close(fd);
	sbuf_free(&rq);
	return (status);
}

/*
 * A name of four-octet characters: 252 octets as A-labels, 851 as UTF-8.
 * Sent as UTF-8 in the path it is found; percent-encoded it is longer
 * than Kore's 2000-octet URI limit.
 */
Test(api_domains, long_u_label_names_in_paths)
{
	static const int	 chars[] = { 55, 55, 55, 44 };
	struct it_http		 r;
	struct sbuf		 body, path, encoded;
	const char		*one = key("company_admin", "Dom One", NULL);
	size_t			 i;
	int			 j;

	sbuf_init(&body);
	sbuf_init(&path);
	sbuf_init(&encoded);
	sbuf_puts(&body, "{\"name\": \"");
	sbuf_puts(&path, "/api/v1/domains/");
	sbuf_puts(&encoded, "/api/v1/domains/");
	for (i = 0; i < sizeof(chars) / sizeof(chars[0]); i++) {
		for (j = 0; j < chars[i]; j++) {
			sbuf_puts(&body, "\\ud840\\udc00");	/* U+20000 */
			sbuf_puts(&path, "\xf0\xa0\x80\x80");
			sbuf_puts(&encoded, "%F0%A0%80%80");
		}
		sbuf_puts(&body, ".");
		sbuf_puts(&path, ".");
		sbuf_puts(&encoded, ".");
	}
	sbuf_puts(&body, "dom.example\"}");
	sbuf_puts(&path, "dom.example");
	sbuf_puts(&encoded, "dom.example");
	cr_assert_eq(req("POST", one, "/api/v1/domains", body.data, &r), 201,
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE octet_length("
	    "name) = 252 AND name LIKE 'xn--j50ia%.dom.example'", NULL), 1);
	cr_assert_eq(raw_get(one, path.data), 200);
	cr_assert_eq(req("GET", one, encoded.data, NULL, &r), 414);
	it_http_free(&r);
	sbuf_free(&body);
	sbuf_free(&path);
	sbuf_free(&encoded);
}

Test(api_domains, invalid_names_say_why)
{
	static const char *bad[][2] = {
		{ "\"\"", "domain is empty" },
		{ "\"under_score.dom.example\"", "'_'" },
		{ "\"-lead.dom.example\"", "hyphen" },
		{ "\"localhost\"", "at least two labels" },
		{ "\"a..dom.example\"", "empty label" },
		{ "\"1.2.3.4\"", "all-numeric" },
		{ "\"sp ace.dom.example\"", "' '" },
		{ "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.dom.example\"",
		    "longer than 63" },
		{ "42", "required, a string" },
		{ "null", "required, a string" },
	};
	const char	*one = key("company_admin", "Dom One", NULL);
	char		 body[256];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"name\": %s}", bad[i][0]);
		refused("POST", one, "/api/v1/domains", body, 422, bad[i][1]);
	}
	/* Every field error at once. */
	refused("POST", one, "/api/v1/domains", "{\"name\": \"x_y.example\", "
	    "\"max_mailboxes\": -1, \"max_storage_bytes\": 1.5, "
	    "\"default_quota_bytes\": 0, \"status\": \"gone\", \"colour\": 1}",
	    422, "6 fields failed");
	refused("POST", one, "/api/v1/domains", "{\"name\": \"x_y.example\", "
	    "\"max_mailboxes\": -1, \"max_storage_bytes\": 1.5, "
	    "\"default_quota_bytes\": 0, \"status\": \"gone\", \"colour\": 1}",
	    422, "\"field\":\"colour\",\"message\":\"unknown field\"");
	refused("POST", one, "/api/v1/domains", "{\"name\": ", 400, "line 1");
	refused("POST", one, "/api/v1/domains", "[]", 400, NULL);
}

Test(api_domains, names_exist_once_whoever_owns_them)
{
	const char	*one = key("company_admin", "Dom One", NULL);
	const char	*two = key("company_admin", "Dom Two", NULL);
	const char	*op = key("operator", NULL, NULL);
	char		*c1 = it_company_id(db, "Dom One");
	char		 body[128];

	/* Another company's domain, or its domain alias: 409, no owner. */
	refused("POST", two, "/api/v1/domains", "{\"name\": "
	    "\"One.Dom.Example.\"}", 409, "\"field\":\"name\",\"message\":"
	    "\"exists already\"");
	refused("POST", one, "/api/v1/domains", "{\"name\": "
	    "\"deux.dom.example\"}", 409, "\"field\":\"name\"");
	refused("POST", one, "/api/v1/domains", "{\"name\": "
	    "\"uno.dom.example\"}", 409, "exists already");
	snprintf(body, sizeof(body), "{\"name\": \"two.dom.example\", "
	    "\"company_id\": %s}", c1);
	refused("POST", op, "/api/v1/domains", body, 409,
	    "urn:postroom:problem:conflict");
	free(c1);
}

Test(api_domains, roles_that_may_not_create)
{
	const char	*body = "{\"name\": \"nope.dom.example\"}";

	refused("POST", key("company_viewer", "Dom One", NULL),
	    "/api/v1/domains", body, 403, "urn:postroom:problem:forbidden");
	refused("POST", key("domain_admin", "Dom One", "one.dom.example"),
	    "/api/v1/domains", body, 403, NULL);
	refused("POST", key("support", NULL, NULL), "/api/v1/domains", body,
	    403, NULL);
	refused("POST", "pr_nokey", "/api/v1/domains", body, 401, NULL);
}

Test(api_domains, company_domain_limit)
{
	struct it_http	 r;
	const char	*three = key("company_admin", "Dom Three", NULL);

	refused("POST", three, "/api/v1/domains", "{\"name\": "
	    "\"more.dom.example\"}", 409, "maximum of 1 domains");

	/* A deleted domain leaves its place. */
	it_ok(db, "UPDATE domains SET deleted_at = now() WHERE name = "
	    "'three.dom.example'", 0, NULL);
	refused("POST", three, "/api/v1/domains", "{\"name\": "
	    "\"three.dom.example\"}", 409, "exists already");
	it_ok(db, "UPDATE companies SET status = 'suspended' WHERE name = "
	    "'Dom Three'", 0, NULL);
	refused("POST", three, "/api/v1/domains", "{\"name\": "
	    "\"more.dom.example\"}", 409, "the company is suspended");
	it_ok(db, "UPDATE companies SET status = 'active' WHERE name = "
	    "'Dom Three'", 0, NULL);
	cr_assert_eq(req("POST", three, "/api/v1/domains", "{\"name\": "
	    "\"more.dom.example\"}", &r), 201, "%s", r.body.data);
	it_http_free(&r);
}

/*
 * Another transaction holds the company row and adds the last domain
 * allowed; the request waits for the lock and must then see that domain.
 */
Test(api_domains, limit_holds_against_a_concurrent_create)
{
	struct it_race	 rc;
	PGconn		*other = it_db();

	memset(&rc, 0, sizeof(rc));
	rc.key = key("company_admin", "Dom Race", NULL);
	rc.method = "POST";
	rc.path = "/api/v1/domains";
	rc.body = "{\"name\": \"r2.dom.example\"}";
	it_ok(other, "BEGIN", 0, NULL);
	it_ok(other, "SELECT id FROM companies WHERE name = 'Dom Race' "
	    "FOR UPDATE", 0, NULL);
	it_ok(other, "INSERT INTO domains (company_id, name) SELECT id, "
	    "'r1.dom.example' FROM companies WHERE name = 'Dom Race'", 0, NULL);
	it_race_start(&rc, "%pr_company_domains%");
	it_race_finish(&rc, other);
	PQfinish(other);
	cr_assert_eq(rc.status, 409, "%s", rc.answer);
	cr_assert(strstr(rc.answer, "maximum of 1 domains") != NULL, "%s",
	    rc.answer);
	cr_assert_eq(count("SELECT count(*) FROM domains d JOIN companies c ON "
	    "c.id = d.company_id WHERE c.name = 'Dom Race'", NULL), 1);
}

/* Walk every page; returns how many domains the pages held. */
static int
walk(const char *k, const char *filter, int limit)
{
	struct it_http	 r;
	char		 path[512], cursor[600] = "", *c, *e, *p;
	int		 total = 0, pages = 0;

	for (;;) {
		snprintf(path, sizeof(path), "/api/v1/domains?limit=%d%s%s%s",
		    limit, filter, cursor[0] ? "&cursor=" : "", cursor);
		cr_assert_eq(req("GET", k, path, NULL, &r), 200, "%s: %s", path,
		    r.body.data);
		for (p = r.body.data; (p = strstr(p, "\"name\":")); p++)
			total++;
		cr_assert(pages++ < 100);
		if ((c = strstr(r.body.data, "\"next_cursor\" : \"")) == NULL) {
			cr_assert(it_has(&r, "\"next_cursor\" : null"), "%s",
			    r.body.data);
			it_http_free(&r);
			return (total);
		}
		c += strlen("\"next_cursor\" : \"");
		e = strchr(c, '"');
		snprintf(cursor, sizeof(cursor), "%.*s", (int)(e - c), c);
		it_http_free(&r);
	}
}

Test(api_domains, list_pages_filters_and_scope)
{
	struct it_http	 r;
	const char	*one = key("company_admin", "Dom One", NULL);
	const char	*two = key("company_viewer", "Dom Two", NULL);
	const char	*dom = key("domain_admin", "Dom One",
			    "uno.dom.example");
	const char	*op = key("operator", NULL, NULL);
	char		*c1 = it_company_id(db, "Dom One");
	char		*c2 = it_company_id(db, "Dom Two");
	char		 filter[64];

	make_domain("Dom One", "list-a.dom.example", NULL);
	make_domain("Dom One", "list-b.dom.example", NULL);
	make_domain("Dom One", "list-c.dom.example", NULL);
	it_ok(db, "UPDATE domains SET status = 'suspended' WHERE name = "
	    "'list-b.dom.example'", 0, NULL);
	make_domain("Dom One", "list-gone.dom.example", NULL);
	it_ok(db, "UPDATE domains SET deleted_at = now() WHERE name = "
	    "'list-gone.dom.example'", 0, NULL);
	make_domain("Dom Two", "list-z.dom.example", NULL);

	cr_assert_eq(walk(one, "&q=list-", 1), 3);
	cr_assert_eq(walk(one, "&q=LIST-", 2), 3);
	cr_assert_eq(walk(one, "&q=list-", 3), 3);
	cr_assert_eq(walk(one, "&q=list-", 1000), 3);
	cr_assert_eq(walk(one, "&q=list-&status=suspended", 1), 1);
	cr_assert_eq(walk(one, "&q=list-&status=active", 1), 2);
	/* _ and % are not wildcards. */
	cr_assert_eq(walk(one, "&q=list_", 5), 0);
	cr_assert_eq(walk(one, "&q=list%25", 5), 0);

	/* Company A never sees company B's, even when it asks for them. */
	cr_assert_eq(walk(two, "&q=list-", 2), 1);
	snprintf(filter, sizeof(filter), "&q=list-&company=%s", c1);
	cr_assert_eq(walk(two, filter, 2), 0);
	cr_assert_eq(walk(op, filter, 2), 3);
	snprintf(filter, sizeof(filter), "&q=list-&company=%s", c2);
	cr_assert_eq(walk(op, filter, 2), 1);
	cr_assert_eq(walk(op, "&q=list-", 2), 4);
	cr_assert_eq(walk(key("support", NULL, NULL), "&q=list-", 2), 4);

	/* A domain admin sees its domains only. */
	cr_assert_eq(walk(dom, "", 1), 1);
	cr_assert_eq(req("GET", dom, "/api/v1/domains", NULL, &r), 200);
	cr_assert(it_has(&r, "\"name\":\"uno.dom.example\""), "%s", r.body.data);
	it_http_free(&r);

	cr_assert_eq(req("GET", two, "/api/v1/domains?q=list-", NULL, &r),
	    200);
	cr_assert(it_has(&r, "\"name\":\"list-z.dom.example\""), "%s",
	    r.body.data);
	cr_assert(!it_has(&r, "list-a"));
	it_http_free(&r);
	free(c1);
	free(c2);
}

Test(api_domains, list_refuses_bad_parameters)
{
	static const char *bad[][2] = {
		{ "limit=0", "limit" },
		{ "limit=1001", "limit" },
		{ "cursor=zz", "cursor" },
		{ "company=abc", "company" },
		{ "company=-1", "company" },
		{ "status=deleted", "status" },
		{ "q=%zz", "'q'" },
		{ "q=a&q=b", "'q'" },
	};
	const char	*one = key("company_admin", "Dom One", NULL);
	char		 path[128];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/domains?%s", bad[i][0]);
		refused("GET", one, path, NULL, 400, bad[i][1]);
	}
}

Test(api_domains, get_one_within_scope)
{
	struct it_http	 r;
	const char	*one = key("company_viewer", "Dom One", NULL);
	const char	*two = key("company_admin", "Dom Two", NULL);
	const char	*dom = key("domain_admin", "Dom One",
			    "uno.dom.example");

	cr_assert_eq(req("GET", one, "/api/v1/domains/one.dom.example", NULL,
	    &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"name\":\"one.dom.example\""));
	cr_assert(it_has(&r, "\"mailbox_count\":2"), "%s", r.body.data);
	cr_assert(it_has(&r, "\"aliases\":[]"));
	it_http_free(&r);
	cr_assert_eq(req("GET", two, "/api/v1/domains/two.dom.example", NULL,
	    &r), 200);
	cr_assert(it_has(&r, "\"aliases\":[\"deux.dom.example\"]"), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(req("HEAD", two, "/api/v1/domains/two.dom.example", NULL,
	    &r), 200);
	it_http_free(&r);

	/* Another company's domain is exactly like one that is not there. */
	cr_assert_eq(req("GET", two, "/api/v1/domains/one.dom.example", NULL,
	    &r), 404);
	cr_assert_str_eq(r.content_type, "application/problem+json");
	cr_assert(it_has(&r, "\"detail\":\"no such domain\""));
	it_http_free(&r);
	cr_assert_eq(req("GET", two, "/api/v1/domains/none.dom.example", NULL,
	    &r), 404);
	cr_assert(it_has(&r, "\"detail\":\"no such domain\""));
	it_http_free(&r);
	cr_assert_eq(req("GET", two, "/api/v1/domains/not_a_name", NULL, &r),
	    404);
	it_http_free(&r);
	cr_assert_eq(req("GET", two, "/api/v1/domains/a%00b.example", NULL,
	    &r), 404);
	it_http_free(&r);

	cr_assert_eq(req("GET", dom, "/api/v1/domains/uno.dom.example", NULL,
	    &r), 200);
	it_http_free(&r);
	cr_assert_eq(req("GET", dom, "/api/v1/domains/one.dom.example", NULL,
	    &r), 404);
	it_http_free(&r);
	cr_assert_eq(req("GET", key("support", NULL, NULL),
	    "/api/v1/domains/one.dom.example", NULL, &r), 200);
	it_http_free(&r);

	cr_assert_eq(req("PUT", two, "/api/v1/domains/two.dom.example", "{}",
	    &r), 405);
	cr_assert_str_eq(r.allow, "GET, HEAD, PATCH, DELETE");
	it_http_free(&r);
}

Test(api_domains, patch_checks_every_field)
{
	const char	*path = "/api/v1/domains/one.dom.example";
	const char	*one = key("company_admin", "Dom One", NULL);

	refused("PATCH", one, path, "{\"status\": \"closed\", "
	    "\"default_quota_bytes\": 0, \"max_mailboxes\": \"10\", "
	    "\"max_storage_bytes\": -5, \"catchall\": \"no at sign\", "
	    "\"name\": \"other.example\", \"colour\": \"red\"}", 422,
	    "7 fields failed");
	refused("PATCH", one, path, "{\"status\": \"closed\"}", 422,
	    "\"field\":\"status\",\"message\":\"must be \\\"active\\\" or "
	    "\\\"suspended\\\"\"");
	refused("PATCH", one, path, "{\"name\": \"other.example\"}", 422,
	    "cannot be changed");
	refused("PATCH", one, path, "{\"catchall\": 7}", 422,
	    "\"field\":\"catchall\"");
	/* A catch-all must be a mailbox or an alias of the company. */
	refused("PATCH", one, path, "{\"catchall\": "
	    "\"nobody@one.dom.example\"}", 422, "no mailbox or alias");
	refused("PATCH", one, path, "{\"catchall\": "
	    "\"alice@two.dom.example\"}", 422, "no mailbox or alias");
	/* Limits below what is used now. */
	refused("PATCH", one, path, "{\"max_mailboxes\": 1, "
	    "\"max_storage_bytes\": 1999}", 422, "2 fields failed");
	refused("PATCH", one, path, "{\"max_mailboxes\": 1}", 422,
	    "less than the domain's 2 mailboxes");
	refused("PATCH", one, path, "{\"max_storage_bytes\": 1999}", 422,
	    "2000 bytes of quota");
	refused("PATCH", one, path, "{\"status\": ", 400, NULL);
	refused("PATCH", one, path, "{\"status\": \"active\"", 400, NULL);
}

Test(api_domains, patch_changes_and_audits)
{
	struct it_http	 r;
	const char	*path = "/api/v1/domains/uno.dom.example";
	const char	*one = key("company_admin", "Dom One", NULL);
	const char	*op = key("operator", NULL, NULL);
	char		*v;

	cr_assert_eq(req("PATCH", one, path, "{\"status\": \"suspended\", "
	    "\"default_quota_bytes\": 2000000, \"max_mailboxes\": 2, "
	    "\"max_storage_bytes\": 2000, \"catchall\": "
	    "\"Alice@One.Dom.Example\"}", &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "\"status\":\"suspended\""), "%s", r.body.data);
	cr_assert(it_has(&r, "\"catchall\":\"alice@one.dom.example\""));
	cr_assert(it_has(&r, "\"max_mailboxes\":2"));
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'domain.update' AND object_id = 'uno.dom.example' AND "
	    "before->>'status' = 'active' AND after->>'status' = 'suspended' "
	    "AND NOT before ? 'catchall' AND after->>'catchall' = "
	    "'alice@one.dom.example' AND (after->>'max_storage_bytes')::int = "
	    "2000 AND actor LIKE 'key:%'", NULL), 1);

	/* null clears; an alias will do as a catch-all; operators may. */
	cr_assert_eq(req("PATCH", op, path, "{\"default_quota_bytes\": null, "
	    "\"max_storage_bytes\": null, \"status\": \"active\", "
	    "\"catchall\": \"postmaster@one.dom.example\"}", &r), 200, "%s",
	    r.body.data);
	cr_assert(!it_has(&r, "default_quota_bytes"), "%s", r.body.data);
	cr_assert(!it_has(&r, "max_storage_bytes"));
	cr_assert(it_has(&r, "\"max_mailboxes\":2"));
	it_http_free(&r);
	v = it_value(db, "SELECT concat_ws(',', status, default_quota_bytes, "
	    "max_mailboxes, max_storage_bytes, catchall) FROM domains WHERE "
	    "name = 'uno.dom.example'", 0, NULL);
	cr_assert_str_eq(v, "active,2,postmaster@one.dom.example");
	free(v);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'domain.update' AND object_id = 'uno.dom.example' AND "
	    "(before->>'default_quota_bytes')::int = 2000000 AND NOT after ? "
	    "'default_quota_bytes'", NULL), 1);

	/* Nothing to change: the domain as it is, no audit entry. */
	refused("PATCH", one, path, "{\"status\": \"active\"}", 200,
	    "\"name\":\"uno.dom.example\"");
	refused("PATCH", one, path, "{}", 200, "\"max_mailboxes\":2");
	cr_assert_eq(req("PATCH", one, path, "{\"catchall\": null}", &r), 200);
	cr_assert(!it_has(&r, "catchall"));
	it_http_free(&r);
}

Test(api_domains, patch_scope_and_roles)
{
	const char	*body = "{\"status\": \"suspended\"}";

	refused("PATCH", key("company_admin", "Dom Two", NULL),
	    "/api/v1/domains/one.dom.example", body, 404, "no such domain");
	refused("PATCH", key("company_admin", "Dom Two", NULL),
	    "/api/v1/domains/none.dom.example", body, 404, "no such domain");
	refused("PATCH", key("company_viewer", "Dom One", NULL),
	    "/api/v1/domains/one.dom.example", body, 403, NULL);
	refused("PATCH", key("domain_admin", "Dom One", "one.dom.example"),
	    "/api/v1/domains/one.dom.example", body, 403, NULL);
	refused("PATCH", key("support", NULL, NULL),
	    "/api/v1/domains/one.dom.example", body, 403, NULL);
}

Test(api_domains, delete_refused_with_mailboxes_then_cascade)
{
	struct it_http	 r;
	const char	*path = "/api/v1/domains/del.dom.example";
	const char	*one = key("company_admin", "Dom One", NULL);

	make_domain("Dom One", "del.dom.example", "ann,ben,cal");
	it_ok(db, "UPDATE mailboxes SET deleted_at = now() WHERE address = "
	    "'cal@del.dom.example'", 0, NULL);

	refused("DELETE", one, path, NULL, 409, "the domain has 2 mailboxes");
	refused("DELETE", one, "/api/v1/domains/del.dom.example?cascade=false",
	    NULL, 409, "cascade=true");
	refused("DELETE", one, "/api/v1/domains/del.dom.example?cascade=yes",
	    NULL, 400, "cascade");
	refused("DELETE", key("company_admin", "Dom Two", NULL),
	    "/api/v1/domains/del.dom.example?cascade=true", NULL, 404,
	    "no such domain");
	refused("DELETE", key("company_viewer", "Dom One", NULL),
	    "/api/v1/domains/del.dom.example?cascade=true", NULL, 403, NULL);
	refused("DELETE", key("domain_admin", "Dom One", "del.dom.example"),
	    "/api/v1/domains/del.dom.example?cascade=true", NULL, 403, NULL);

	cr_assert_eq(req("DELETE", one, "/api/v1/domains/del.dom.example"
	    "?cascade=true", NULL, &r), 204, "%s", r.body.data);
	cr_assert_eq(r.body.len, 0);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE name = "
	    "'del.dom.example' AND deleted_at IS NOT NULL", NULL), 1);
	cr_assert_eq(count("SELECT count(*) FROM mailboxes m JOIN domains d "
	    "ON d.id = m.domain_id WHERE d.name = 'del.dom.example' AND "
	    "m.deleted_at IS NULL", NULL), 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'domain.delete' AND object_id = 'del.dom.example' AND "
	    "(before->>'mailbox_count')::int = 2 AND after ? 'deleted_at' "
	    "AND before->>'name' = after->>'name'", NULL), 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'mailbox.delete' AND object_id IN ('ann@del.dom.example', "
	    "'ben@del.dom.example') AND before->>'address' = object_id AND "
	    "after ? 'deleted_at' AND NOT before ? 'mailstore'", NULL), 2);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE object_id = "
	    "'cal@del.dom.example'", NULL), 0);

	/* Gone for the API; its name stays taken until it is purged. */
	refused("GET", one, path, NULL, 404, "no such domain");
	refused("DELETE", one, path, NULL, 404, "no such domain");
	refused("POST", one, "/api/v1/domains", "{\"name\": "
	    "\"del.dom.example\"}", 409, "exists already");
	refused("POST", one, "/api/v1/mailboxes", "{\"address\": "
	    "\"dan@del.dom.example\", \"password\": \"long enough pw\"}", 422,
	    "no such domain");
}

Test(api_domains, delete_an_empty_domain)
{
	struct it_http	 r;
	const char	*op = key("operator", NULL, NULL);

	make_domain("Dom Two", "empty.dom.example", NULL);
	cr_assert_eq(req("DELETE", op, "/api/v1/domains/Empty.Dom.Example",
	    NULL, &r), 204, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'domain.delete' AND object_id = 'empty.dom.example' AND "
	    "company_id = (SELECT id FROM companies WHERE name = 'Dom Two')",
	    NULL), 1);
}

Test(api_domains, aliases_add_list_remove)
{
	struct it_http	 r;
	const char	*base = "/api/v1/domains/ali.dom.example/aliases";
	const char	*one, *dom, *two;

	make_domain("Dom One", "ali.dom.example", NULL);
	one = key("company_admin", "Dom One", NULL);
	dom = key("domain_admin", "Dom One", "ali.dom.example");
	two = key("company_admin", "Dom Two", NULL);

	cr_assert_eq(req("POST", one, base, "{\"name\": \"Alias.Dom.Example\"}",
	    &r), 201, "%s", r.body.data);
	cr_assert_str_eq(r.location, "/api/v1/domains/ali.dom.example/aliases/"
	    "alias.dom.example");
	cr_assert(it_has(&r, "\"name\":\"alias.dom.example\""), "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"domain\":\"ali.dom.example\""));
	it_http_free(&r);
	cr_assert_eq(req("POST", key("operator", NULL, NULL), base,
	    "{\"name\": \"b\\u00fccher-alias.dom.example\"}", &r), 201, "%s",
	    r.body.data);
	cr_assert(it_has(&r, "xn--bcher-alias-thb.dom.example"), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'domain_alias.create' AND object_type = 'domain_alias' AND "
	    "object_id = 'alias.dom.example' AND after->>'domain' = "
	    "'ali.dom.example'", NULL), 1);

	/* The list, and the domain that shows its aliases. */
	cr_assert_eq(req("GET", dom, base, NULL, &r), 200, "%s", r.body.data);
	cr_assert(it_has(&r, "alias.dom.example"));
	cr_assert(it_has(&r, "xn--bcher-alias-thb.dom.example"));
	cr_assert(it_has(&r, "\"next_cursor\" : null"));
	it_http_free(&r);
	cr_assert_eq(req("GET", dom, "/api/v1/domains/ali.dom.example/aliases"
	    "?limit=1", NULL, &r), 200);
	cr_assert(it_has(&r, "\"next_cursor\" : \"616c6961732e646f6d2e6578616d706c"
	    "65\""), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(req("GET", dom, "/api/v1/domains/ali.dom.example/aliases"
	    "?limit=1&cursor=616c6961732e646f6d2e6578616d706c65", NULL, &r),
	    200);
	cr_assert(it_has(&r, "xn--bcher-alias-thb") && !it_has(&r, "\"alias.dom"),
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(req("GET", one, "/api/v1/domains/ali.dom.example", NULL,
	    &r), 200);
	cr_assert(it_has(&r, "\"aliases\":[\"alias.dom.example\","
	    "\"xn--bcher-alias-thb.dom.example\"]"), "%s", r.body.data);
	it_http_free(&r);

	/* A name that exists as a domain or an alias, anyone's: 409. */
	refused("POST", one, base, "{\"name\": \"two.dom.example\"}", 409,
	    "\"field\":\"name\",\"message\":\"exists already\"");
	refused("POST", one, base, "{\"name\": \"one.dom.example\"}", 409,
	    "exists already");
	refused("POST", one, base, "{\"name\": \"deux.dom.example\"}", 409,
	    "exists already");
	refused("POST", one, base, "{\"name\": \"alias.dom.example\"}", 409,
	    "exists already");
	refused("POST", two, "/api/v1/domains", "{\"name\": "
	    "\"alias.dom.example\"}", 409, "exists already");
	refused("POST", one, base, "{\"name\": \"bad_name.example\"}", 422,
	    "'_'");
	refused("POST", one, base, "{\"alias\": \"x.example\"}", 422,
	    "2 fields failed");

	/* Scope and roles. */
	refused("GET", two, base, NULL, 404, "no such domain");
	refused("POST", two, base, "{\"name\": \"new.dom.example\"}", 404,
	    "no such domain");
	refused("POST", dom, base, "{\"name\": \"new.dom.example\"}", 403,
	    NULL);
	refused("POST", key("support", NULL, NULL), base,
	    "{\"name\": \"new.dom.example\"}", 403, NULL);
	refused("DELETE", two, "/api/v1/domains/ali.dom.example/aliases/"
	    "alias.dom.example", NULL, 404, "no such domain");
	refused("DELETE", dom, "/api/v1/domains/ali.dom.example/aliases/"
	    "alias.dom.example", NULL, 403, NULL);
	refused("DELETE", one, "/api/v1/domains/ali.dom.example/aliases/"
	    "deux.dom.example", NULL, 404, "no such domain alias");
	refused("GET", one, "/api/v1/domains/ali.dom.example/aliases/"
	    "alias.dom.example", NULL, 405, NULL);

	cr_assert_eq(req("DELETE", one, "/api/v1/domains/ali.dom.example/"
	    "aliases/ALIAS.dom.example", NULL, &r), 204, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM domain_names WHERE name = "
	    "'alias.dom.example'", NULL), 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_log WHERE action = "
	    "'domain_alias.delete' AND object_id = 'alias.dom.example' AND "
	    "before->>'domain' = 'ali.dom.example' AND after IS NULL", NULL),
	    1);
	refused("DELETE", one, "/api/v1/domains/ali.dom.example/aliases/"
	    "alias.dom.example", NULL, 404, "no such domain alias");

	/* The name is free again, for anyone. */
	make_domain("Dom Two", "ali2.dom.example", NULL);
	cr_assert_eq(req("POST", two,
	    "/api/v1/domains/ali2.dom.example/aliases",
	    "{\"name\": \"alias.dom.example\"}", &r), 201, "%s", r.body.data);
	it_http_free(&r);
}

/* Log an admin of company in; "Cookie: ...\nX-CSRF-Token: ..." in out. */
static void
session(const char *email, const char *company, char *out, size_t outlen)
{
	static const char	*pw = "a domain admin's long password";
	struct it_http		 r;
	char			 hash[PR_PW_HASH_MAX], url[256], body[256];
	const char		*p[3] = { email, company, hash };
	char			*c, *t;

	cr_assert_eq(pr_password_hash(pw, PR_PW_SHA512_CRYPT, hash,
	    sizeof(hash)), 0);
	it_ok(db, "INSERT INTO admins (company_id, email, password_hash, role) "
	    "SELECT id, $1, $3, 'company_admin' FROM companies WHERE name = $2",
	    3, p);
	snprintf(url, sizeof(url), "%s/api/v1/session", it_env("PR_TEST_URL"));
	snprintf(body, sizeof(body), "{\"email\": \"%s\", \"password\": "
	    "\"%s\"}", email, pw);
	cr_assert_eq(it_http_body("POST", url, NULL, "Content-Type: "
	    "application/json", body, &r), 0);
	cr_assert_eq(r.status, 200, "%s", r.body.data);
	c = strstr(r.cookie, "pr_session=");
	t = strstr(r.body.data, "\"csrf_token\" : \"");
	cr_assert(c != NULL && t != NULL, "%s", r.body.data);
	t += strlen("\"csrf_token\" : \"");
	snprintf(out, outlen, "Cookie: %.*s\nX-CSRF-Token: %.*s",
	    (int)strcspn(c, ";"), c, (int)strcspn(t, "\""), t);
	it_http_free(&r);
}

static long
as_session(const char *hdrs, const char *method, const char *path,
    const char *body, struct it_http *r)
{
	char	url[512];

	snprintf(url, sizeof(url), "%s%s", it_env("PR_TEST_URL"), path);
	cr_assert_eq(it_http_body(method, url, hdrs, body != NULL ?
	    "Content-Type: application/json" : NULL, body, r), 0);
	return (r->status);
}

/* A console user's changes name the admin in the audit log. */
Test(api_domains, session_changes_name_the_admin)
{
	static const char *steps[][4] = {
		{ "POST", "/api/v1/domains", "{\"name\": \"sess.dom.example\"}",
		    "201" },
		{ "PATCH", "/api/v1/domains/sess.dom.example",
		    "{\"max_mailboxes\": 3}", "200" },
		{ "POST", "/api/v1/domains/sess.dom.example/aliases",
		    "{\"name\": \"sess-alias.dom.example\"}", "201" },
		{ "DELETE", "/api/v1/domains/sess.dom.example/aliases/"
		    "sess-alias.dom.example", NULL, "204" },
		{ "DELETE", "/api/v1/domains/sess.dom.example", NULL, "204" },
	};
	struct it_http	 r;
	char		 hdrs[400], cookie[400];
	const char	*p[1] = { "boss@one.dom.example" };
	size_t		 i;

	session(p[0], "Dom One", hdrs, sizeof(hdrs));
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(hdrs, "\n"),
	    hdrs);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		cr_assert_eq(as_session(hdrs, steps[i][0], steps[i][1],
		    steps[i][2], &r), atol(steps[i][3]), "%s %s: %s",
		    steps[i][0], steps[i][1], r.body.data);
		it_http_free(&r);
	}
	cr_assert_eq(count("SELECT count(*) FROM audit_log a JOIN admins ad ON "
	    "ad.id = a.actor_admin_id WHERE ad.email = $1 AND a.actor = $1 AND "
	    "a.actor_key_id IS NULL AND a.object_id LIKE 'sess%'", p[0]), 5);

	/* Without the session's CSRF token a change is refused. */
	cr_assert_eq(as_session(cookie, "POST", "/api/v1/domains",
	    "{\"name\": \"csrf.dom.example\"}", &r), 403);
	it_http_free(&r);
	cr_assert_eq(count("SELECT count(*) FROM domains WHERE name = "
	    "'csrf.dom.example'", NULL), 0);
}
