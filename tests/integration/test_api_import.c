/*
 * POST /api/v1/mailboxes/import: CSV files of mailboxes, all or none;
 * every bad row named by its line and field; 10,000 rows at once.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"
#include "password.h"

#define PW1	"correct horse battery"
#define PW2	"another long password"
#define BIG	10000

static PGconn	*db;

static void
fixture(void)
{
	db = it_db();
	if (it_count(db, "SELECT count(*) FROM companies WHERE name = "
	    "'Imp Big'", 0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('impc')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'impc' || n, '/srv/impc' || n, "
	    "1000000000000 FROM clusters, generate_series(1, 3) n WHERE "
	    "name = 'impc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id, max_mailboxes, "
	    "max_storage_bytes, default_quota_bytes, status) SELECT n, id, "
	    "CASE n WHEN 'Imp Small' THEN 8 END, CASE n WHEN 'Imp Small' THEN "
	    "10000000 END, 1000000, CASE n WHEN 'Imp Sus' THEN 'suspended' "
	    "ELSE 'active' END FROM clusters, unnest(ARRAY['Imp Big', "
	    "'Imp Small', 'Imp Other', 'Imp DA', 'Imp Cols', 'Imp Sus']) n "
	    "WHERE name = 'impc'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name, max_mailboxes, "
	    "default_quota_bytes, status) SELECT c.id, d.name, d.max, d.quota, "
	    "d.status FROM (VALUES ('Imp Big', 'big.imp.example', NULL, NULL, "
	    "'active'), ('Imp Small', 'one.imp.example', 3, NULL, 'active'), "
	    "('Imp Small', 'two.imp.example', NULL, NULL, 'active'), "
	    "('Imp Small', 'sus.imp.example', NULL, NULL, 'suspended'), "
	    "('Imp Other', 'other.imp.example', NULL, NULL, 'active'), "
	    "('Imp DA', 'da1.imp.example', NULL, NULL, 'active'), "
	    "('Imp DA', 'da2.imp.example', NULL, NULL, 'active'), "
	    "('Imp Cols', 'cols.imp.example', NULL, 5000000, 'active'), "
	    "('Imp Sus', 'sus-co.imp.example', NULL, NULL, 'active')) "
	    "d(company, name, max, quota, status) JOIN companies c ON "
	    "c.name = d.company", 0, NULL);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "d.company_id, d.id, 'taken', '{SHA512-CRYPT}$6$x$y', 1000000, "
	    "c.cluster_id, s.id FROM domains d JOIN companies c ON c.id = "
	    "d.company_id JOIN mailstores s ON s.name = 'impc1' WHERE d.name = "
	    "'one.imp.example'", 0, NULL);
	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, 'alias', "
	    "ARRAY['taken@one.imp.example'] FROM domains WHERE name = "
	    "'two.imp.example'", 0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

TestSuite(api_import, .init = fixture, .fini = done);

static const char *
key(const char *role, const char *company, const char *domain)
{
	return (it_key(db, role, company, domain, 0));
}

/* POST a file; "Expect:" keeps libcurl from waiting for a 100 Continue. */
static long
import(const char *k, const char *csv, const char *ctype, struct it_http *r)
{
	char	url[256], auth[160], hdr[128];

	snprintf(url, sizeof(url), "%s/api/v1/mailboxes/import",
	    it_env("PR_TEST_URL"));
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", k);
	snprintf(hdr, sizeof(hdr), "Content-Type: %s\nExpect:", ctype);
	cr_assert_eq(it_http_body("POST", url, k != NULL ? auth : NULL, hdr,
	    csv, r), 0);
	return (r->status);
}

/* The answer lists an error of line and field whose message starts so. */
static void
lists(const struct it_http *r, long line, const char *field, const char *msg)
{
	char	want[512];

	snprintf(want, sizeof(want), "{\"line\":%ld,\"field\":\"%s\","
	    "\"message\":\"%s", line, field, msg);
	cr_assert(it_has(r, want), "%s: not in %s", want, r->body.data);
}

static long long
mailboxes_of(const char *company)
{
	const char	*p[1] = { company };

	return (it_count(db, "SELECT count(*) FROM mailboxes m JOIN companies "
	    "c ON c.id = m.company_id WHERE c.name = $1", 1, p));
}

/* doveadm itself verifies a stored hash. */
static void
dovecot_verifies(const char *address, const char *pw)
{
	struct sbuf	 cmd, out;
	const char	*p[1] = { address };
	char		*hash;

	hash = it_value(db, "SELECT password_hash FROM mailboxes WHERE "
	    "address = $1", 1, p);
	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "doveadm pw -t '%s' -p '%s'", hash, pw);
	cr_assert_eq(it_run(cmd.data, &out), 0, "%s", out.data);
	cr_assert(strstr(out.data, "(verified)") != NULL, "%s", out.data);
	sbuf_free(&cmd);
	sbuf_free(&out);
	free(hash);
}

/* 10,000 rows for big.imp.example; row i is on line i + 2. */
static void
big_file(struct sbuf *csv, int bad_at, const char *bad_row)
{
	int	i;

	sbuf_puts(csv, "\xef\xbb\xbf" "address,password,display_name\r\n");
	for (i = 0; i < BIG; i++) {
		if (i + 2 == bad_at)
			sbuf_printf(csv, "%s\r\n", bad_row);
		else
			sbuf_printf(csv, "user%05d@big.imp.example,Secret-%05d-"
			    "pass,\"User %d, imported\"\r\n", i, i, i);
	}
}

struct run {
	const char	*key;
	const char	*csv;
	struct it_http	 r;
	atomic_int	 finished;
};

static void *
run_import(void *arg)
{
	struct run	*run = arg;

	import(run->key, run->csv, "text/csv", &run->r);
	atomic_store(&run->finished, 1);
	return (NULL);
}

Test(api_import, ten_thousand_all_or_none, .timeout = 900)
{
	struct it_http	 r;
	struct sbuf	 csv;
	struct run	 run;
	pthread_t	 t;
	const char	*k = key("company_admin", "Imp Big", NULL);
	int		 meanwhile = 0;

	/* One bad row in the middle: nothing, and that row named. */
	sbuf_init(&csv);
	big_file(&csv, 5001, "user04999@big.imp.example,short,Bad");
	cr_assert_eq(import(k, csv.data, "text/csv", &r), 422, "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"detail\":\"1 field failed\""), "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"errors\":[{\"line\":5001,\"field\":"
	    "\"password\",\"message\":\"must be at least 10 characters\"}]"),
	    "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Big"), 0);

	/* The database's refusal of one row: the same. */
	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, 'user04999', ARRAY['x@y.example'] "
	    "FROM domains WHERE name = 'big.imp.example'", 0, NULL);
	sbuf_reset(&csv);
	big_file(&csv, -1, NULL);
	cr_assert_eq(import(k, csv.data, "text/csv", &r), 422, "%s",
	    r.body.data);
	cr_assert(it_has(&r, "\"errors\":[{\"line\":5001,\"field\":\"address\","
	    "\"message\":\"exists already, as a mailbox or an alias\"}]"), "%s",
	    r.body.data);
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Big"), 0);
	it_ok(db, "DELETE FROM aliases WHERE address = "
	    "'user04999@big.imp.example'", 0, NULL);

	/*
	 * Without it: all 10,000.  The passwords are hashed off the event
	 * loop: the server answers others meanwhile.
	 */
	memset(&run, 0, sizeof(run));
	run.key = k;
	run.csv = csv.data;
	it_http_timeout_ms = 600000;
	cr_assert_eq(pthread_create(&t, NULL, run_import, &run), 0);
	/* A few are enough: each is a connection, and ports are finite. */
	while (!atomic_load(&run.finished) && meanwhile < 20) {
		cr_assert_eq(it_http("GET", it_env("PR_TEST_URL"), NULL, &r),
		    0);
		cr_assert_eq(r.status, 200);
		it_http_free(&r);
		cr_assert_eq(it_call(k, "GET", "/api/v1/mailboxes/"
		    "taken@one.imp.example", NULL, &r), 404);
		it_http_free(&r);
		if (!atomic_load(&run.finished))
			meanwhile++;
	}
	pthread_join(t, NULL);
	it_http_timeout_ms = 5000;
	cr_assert_eq(run.r.status, 200, "%s", run.r.body.data);
	cr_assert_str_eq(run.r.body.data, "{\"created\":10000}\n");
	it_http_free(&run.r);
	cr_assert_gt(meanwhile, 0, "nothing answered during the import");
	fprintf(stderr, "import: %d requests answered during the import of "
	    "10000 mailboxes\n", meanwhile);

	cr_assert_eq(mailboxes_of("Imp Big"), BIG);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes WHERE "
	    "address = 'user04999@big.imp.example' AND display_name = "
	    "'User 4999, imported' AND quota_bytes = 1000000 AND "
	    "send_limit_24h = 2000 AND imap = 'enabled'", 0, NULL), 1);
	/* Placed evenly on the three stores of the company's cluster. */
	cr_assert_eq(it_count(db, "SELECT max(n) - min(n) FROM (SELECT "
	    "count(*) n FROM mailboxes m JOIN mailstores s ON s.id = "
	    "m.mailstore_id JOIN clusters c ON c.id = s.cluster_id AND "
	    "c.name = 'impc' WHERE m.address LIKE '%@big.imp.example' "
	    "GROUP BY s.id) x", 0, NULL), BIG % 3 != 0);
	cr_assert_eq(it_count(db, "SELECT count(DISTINCT mailstore_id) FROM "
	    "mailboxes WHERE address LIKE '%@big.imp.example'", 0, NULL), 3);
	/* One audit entry each: who, what, from where; never the hash. */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log a JOIN "
	    "companies c ON c.id = a.company_id WHERE c.name = 'Imp Big' AND "
	    "a.action = 'mailbox.import' AND a.object_type = 'mailbox' AND "
	    "a.actor LIKE 'key:%' AND a.actor_key_id IS NOT NULL AND "
	    "a.remote_addr = '127.0.0.1' AND a.after->>'address' = a.object_id "
	    "AND a.after::text NOT LIKE '%CRYPT%'", 0, NULL), BIG);
	dovecot_verifies("user04999@big.imp.example", "Secret-04999-pass");

	/* Again: every row is taken; the first 1000 are listed. */
	cr_assert_eq(import(k, csv.data, "text/csv", &r), 422);
	cr_assert(it_has(&r, "\"detail\":\"10000 fields failed; the first "
	    "1000 are listed\""), "%s", r.body.data);
	lists(&r, 1001, "address", "exists already");
	cr_assert(!it_has(&r, "\"line\":1002,"));
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Big"), BIG);
	sbuf_free(&csv);
}

/* Every row the database refuses, in one answer; nothing applied. */
Test(api_import, database_refusals_all_at_once)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Imp Small", NULL);

	cr_assert_eq(import(k, "address,password,quota_bytes\n"
	    "taken@one.imp.example," PW1 ",\n"
	    "alias@two.imp.example," PW1 ",\n"
	    "x@other.imp.example," PW1 ",\n"
	    "x@nowhere.imp.example," PW1 ",\n"
	    "x@sus.imp.example," PW1 ",\n"
	    "a@one.imp.example," PW1 ",\n"
	    "b@one.imp.example," PW1 ",\n"
	    "c@one.imp.example," PW1 ",\n"
	    "d@two.imp.example," PW1 ",20000000\n", "text/csv", &r), 422,
	    "%s", r.body.data);
	cr_assert(it_has(&r, "\"detail\":\"7 fields failed\""), "%s",
	    r.body.data);
	lists(&r, 2, "address", "exists already, as a mailbox or an alias");
	lists(&r, 3, "address", "exists already, as a mailbox or an alias");
	/* Another company's domain is as unknown as one that is nowhere. */
	lists(&r, 4, "address", "no such domain: other.imp.example\"");
	lists(&r, 5, "address", "no such domain: nowhere.imp.example\"");
	lists(&r, 6, "address", "the domain is suspended");
	lists(&r, 9, "address", "the domain has its maximum of 3 mailboxes");
	lists(&r, 10, "quota_bytes", "more than the company's remaining "
	    "storage of 6000000 bytes");
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Small"), 1);

	/* The company's mailbox limit, counting the rows before. */
	it_ok(db, "UPDATE companies SET max_mailboxes = 2 WHERE name = "
	    "'Imp Small'", 0, NULL);
	cr_assert_eq(import(k, "address,password\na@two.imp.example," PW1 "\n"
	    "b@two.imp.example," PW1 "\n", "text/csv", &r), 422);
	cr_assert(it_has(&r, "\"errors\":[{\"line\":3,\"field\":\"address\","
	    "\"message\":\"the company has its maximum of 2 mailboxes\"}]"),
	    "%s", r.body.data);
	it_http_free(&r);
	it_ok(db, "UPDATE companies SET max_mailboxes = 8 WHERE name = "
	    "'Imp Small'", 0, NULL);
	cr_assert_eq(mailboxes_of("Imp Small"), 1);
}

/* Errors of the file itself: every one, before the database is asked. */
Test(api_import, file_errors_all_at_once)
{
	struct it_http	 r;
	const char	*k = key("company_admin", "Imp Small", NULL);

	cr_assert_eq(import(k, "address,password,pop3\n"
	    "a@two.imp.example," PW1 ",\n"
	    "not an address," PW1 ",off\n"
	    "b@two.imp.example,short,\n"
	    "A@Two.Imp.Example," PW1 ",\n"
	    "\"c@two.imp.example\",\"two\nlines\",\n"
	    "d@two.imp.example," PW1 "\n", "text/csv", &r), 422);
	cr_assert(it_has(&r, "\"detail\":\"6 fields failed\""), "%s",
	    r.body.data);
	lists(&r, 3, "address", "");
	lists(&r, 3, "pop3", "must be \\\"enabled\\\" or \\\"disabled\\\"");
	lists(&r, 4, "password", "must be at least 10 characters");
	lists(&r, 5, "address", "appears already on line 2");
	/* A record over two lines is named by the first. */
	lists(&r, 6, "password", "must not contain control characters");
	lists(&r, 8, "pop3", "missing");
	it_http_free(&r);

	cr_assert_eq(import(k, "address,password,colour,Address\n",
	    "text/csv", &r), 422);
	lists(&r, 1, "colour", "unknown column");
	lists(&r, 1, "address", "named twice");
	it_http_free(&r);
	cr_assert_eq(import(k, "address,display_name\nx@two.imp.example,X\n",
	    "text/csv", &r), 422);
	lists(&r, 1, "password", "required column (or password_hash)");
	it_http_free(&r);
	cr_assert_eq(import(k, "address,password\na@two.imp.example,\"x\"y,\n",
	    "text/csv", &r), 422);
	lists(&r, 2, "password", "malformed quoting");
	it_http_free(&r);

	/* A header and nothing else: nothing to do. */
	cr_assert_eq(import(k, "address,password\r\n", "text/csv", &r), 200);
	cr_assert_str_eq(r.body.data, "{\"created\":0}\n");
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Small"), 1);
}

/* Every column, a given hash, the defaults; audit; Dovecot's check. */
Test(api_import, columns_and_hashes)
{
	struct it_http	 r;
	struct sbuf	 csv;
	char		 hash[PR_PW_HASH_MAX], *stored;
	const char	*k = key("company_admin", "Imp Cols", NULL);

	cr_assert_eq(pr_password_hash(PW2, PR_PW_BLF_CRYPT, hash,
	    sizeof(hash)), 0);
	sbuf_init(&csv);
	sbuf_printf(&csv, "\xef\xbb\xbf" "Address, display_name ,password,"
	    "password_hash,quota_bytes,send_limit_24h,imap,pop3,webmail,send,"
	    "receive\r\n"
	    "\"Ann@Cols.Imp.Example\",\"Ann \"\"A\"\" Example\"," PW1 ",,"
	    "2000000,100,,disabled,,,\r\n"
	    "bob@cols.imp.example,,,%s,,,disabled,,,,enabled\r\n", hash);
	cr_assert_eq(import(k, csv.data, "text/csv; charset=utf-8", &r), 200,
	    "%s", r.body.data);
	cr_assert_str_eq(r.body.data, "{\"created\":2}\n");
	cr_assert_str_eq(r.content_type, "application/json");
	it_http_free(&r);
	sbuf_free(&csv);

	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes m JOIN "
	    "mailstores s ON s.id = m.mailstore_id JOIN clusters c ON c.id = "
	    "s.cluster_id WHERE c.name = 'impc' AND m.address = "
	    "'ann@cols.imp.example' AND m.display_name = 'Ann \"A\" Example' "
	    "AND m.quota_bytes = 2000000 AND m.send_limit_24h = 100 AND "
	    "m.imap = 'enabled' AND m.pop3 = 'disabled' AND m.receive = "
	    "'enabled'", 0, NULL), 1);
	/* The domain's default quota, the default sending limit. */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes WHERE "
	    "address = 'bob@cols.imp.example' AND display_name = '' AND "
	    "quota_bytes = 5000000 AND send_limit_24h = 2000 AND imap = "
	    "'disabled' AND pop3 = 'enabled'", 0, NULL), 1);
	stored = it_value(db, "SELECT password_hash FROM mailboxes WHERE "
	    "address = 'bob@cols.imp.example'", 0, NULL);
	cr_assert_str_eq(stored, hash);
	free(stored);
	dovecot_verifies("ann@cols.imp.example", PW1);
	dovecot_verifies("bob@cols.imp.example", PW2);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'mailbox.import' AND object_id IN "
	    "('ann@cols.imp.example', 'bob@cols.imp.example') AND "
	    "after->>'display_name' IS NOT NULL AND after::text NOT LIKE "
	    "'%CRYPT%'", 0, NULL), 2);

	/* The same file again: both taken, nothing changed. */
	cr_assert_eq(import(k, "address,password\nann@cols.imp.example," PW1
	    "\n", "text/csv", &r), 422);
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Cols"), 2);
}

/* Who may import, what a body must be. */
Test(api_import, roles_types_and_sizes, .timeout = 120)
{
	struct it_http	 r;
	struct sbuf	 csv;
	const char	*ok = "address,password\nz@two.imp.example," PW1 "\n";
	const char	*k = key("company_admin", "Imp Small", NULL);
	int		 i;

	cr_assert_eq(import(key("company_viewer", "Imp Small", NULL), ok,
	    "text/csv", &r), 403);
	it_http_free(&r);
	cr_assert_eq(import(key("support", NULL, NULL), ok, "text/csv", &r),
	    403);
	it_http_free(&r);
	cr_assert_eq(import(NULL, ok, "text/csv", &r), 401);
	it_http_free(&r);
	cr_assert_eq(import(k, ok, "application/json", &r), 415);
	cr_assert(it_has(&r, "send Content-Type: text/csv"));
	it_http_free(&r);
	cr_assert_eq(import(k, ok, "text/plain", &r), 415);
	it_http_free(&r);
	cr_assert_eq(it_call(k, "GET", "/api/v1/mailboxes/import", NULL, &r),
	    405);
	it_http_free(&r);

	/* Over 16 MiB. */
	sbuf_init(&csv);
	sbuf_puts(&csv, "address,password\n");
	while (csv.len <= 16 * 1024 * 1024)
		sbuf_puts(&csv, "z@two.imp.example," PW1 "\n");
	cr_assert_eq(import(k, csv.data, "text/csv", &r), 413);
	cr_assert_str_eq(r.content_type, "application/problem+json");
	cr_assert(it_has(&r, "at most 16777216 bytes"), "%s", r.body.data);
	it_http_free(&r);
	/* Over 100,000 rows. */
	sbuf_reset(&csv);
	sbuf_puts(&csv, "address,password_hash\n");
	for (i = 0; i <= 100000; i++)
		sbuf_puts(&csv, "x,\n");
	cr_assert_eq(import(k, csv.data, "text/csv", &r), 413);
	cr_assert(it_has(&r, "at most 100000 rows"), "%s", r.body.data);
	it_http_free(&r);
	/* Over 20,000 passwords to hash. */
	sbuf_reset(&csv);
	sbuf_puts(&csv, "address,password\n");
	for (i = 0; i <= 20000; i++)
		sbuf_printf(&csv, "u%d@two.imp.example," PW1 "\n", i);
	cr_assert_eq(import(k, csv.data, "text/csv", &r), 413);
	cr_assert(it_has(&r, "give password_hash"), "%s", r.body.data);
	it_http_free(&r);
	sbuf_free(&csv);
	cr_assert_eq(mailboxes_of("Imp Small"), 1);
}

/* A domain admin imports into its domains only. */
Test(api_import, domain_admin_scope)
{
	struct it_http	 r;
	const char	*k = key("domain_admin", "Imp DA", "da1.imp.example");

	cr_assert_eq(import(k, "address,password\nx@da2.imp.example," PW1 "\n",
	    "text/csv", &r), 422);
	cr_assert(it_has(&r, "\"message\":\"no such domain: "
	    "da2.imp.example\""), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(import(k, "address,password\nx@da1.imp.example," PW1 "\n",
	    "text/csv", &r), 200, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp DA"), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'mailbox.import' AND object_id = 'x@da1.imp.example'",
	    0, NULL), 1);
}

/* Provider staff import too; a file is for one company; suspended is 409. */
Test(api_import, operator_one_company_suspended)
{
	struct it_http	 r;
	const char	*k = key("operator", NULL, NULL);

	cr_assert_eq(import(k, "address,password\nop@da2.imp.example," PW1 "\n"
	    "op@other.imp.example," PW1 "\n", "text/csv", &r), 422);
	lists(&r, 3, "address", "not a domain of the company of line 2: an "
	    "import is for one company");
	it_http_free(&r);
	cr_assert_eq(import(k, "address,password\nop@sus-co.imp.example," PW1
	    "\n", "text/csv", &r), 409);
	cr_assert(it_has(&r, "the company is suspended"), "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Sus"), 0);
	cr_assert_eq(import(k, "address,password\nop@other.imp.example," PW1
	    "\n", "text/csv", &r), 200, "%s", r.body.data);
	it_http_free(&r);
	cr_assert_eq(mailboxes_of("Imp Other"), 1);
}
