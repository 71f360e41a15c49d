/*
 * The CLI: usage, operators, API keys, and their audit entries.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "itest.h"
#include "password.h"

static int
cli(const char *args, struct sbuf *out)
{
	struct sbuf	cmd;
	int		rc;

	sbuf_init(&cmd);
	sbuf_printf(&cmd, "build/postroom-asan %s", args);
	sbuf_reset(out);
	rc = it_run(cmd.data, out);
	sbuf_free(&cmd);
	return (rc);
}

Test(cli, usage)
{
	struct sbuf	out;

	sbuf_init(&out);
	cr_assert_eq(cli("", &out), 2);
	cr_assert(strstr(out.data, "usage: postroom") != NULL);
	cr_assert_eq(cli("frobnicate", &out), 2);
	cr_assert(strstr(out.data, "unknown command 'frobnicate'") != NULL);
	cr_assert_eq(cli("--help", &out), 0);
	cr_assert_eq(cli("db", &out), 2);
	cr_assert_eq(cli("operator delete x@y.example", &out), 2);
	sbuf_free(&out);
}

Test(cli, operator_create)
{
	struct sbuf	 out;
	const char	*p[1] = { "ops.one@postroom.example" };
	char		*hash, *line, pw[64];
	PGconn		*db = it_db();

	sbuf_init(&out);
	cr_assert_eq(cli("operator create Ops.One@Postroom.Example", &out), 0,
	    "%s", out.data);
	line = strstr(out.data, "password: ");
	cr_assert(line != NULL, "%s", out.data);
	cr_assert_eq(sscanf(line, "password: %63s", pw), 1);
	cr_assert_geq(strlen(pw), 16);

	/* Stored lower-cased, as a crypt hash that verifies; never plain. */
	hash = it_value(db, "SELECT password_hash FROM admins WHERE email = $1 "
	    "AND role = 'operator' AND company_id IS NULL", 1, p);
	cr_assert(strncmp(hash, "{SHA512-CRYPT}$6$", 17) == 0, "%s", hash);
	cr_assert(strstr(hash, pw) == NULL);
	cr_assert_eq(pr_password_verify(pw, hash), 1);
	cr_assert_eq(pr_password_verify("wrong password", hash), 0);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log a JOIN "
	    "admins d ON a.object_id = d.id::text WHERE d.email = $1 AND "
	    "a.action = 'admin.create' AND a.actor LIKE 'cli:%' AND "
	    "a.after::text NOT LIKE '%password%'", 1, p), 1);

	cr_assert_eq(cli("operator create ops.one@postroom.example", &out), 1);
	cr_assert(strstr(out.data, "already exists") != NULL, "%s", out.data);
	cr_assert_eq(cli("operator create not-an-address", &out), 2);
	cr_assert(strstr(out.data, "EMAIL 'not-an-address'") != NULL);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM admins WHERE email "
	    "LIKE 'ops.one%' OR email LIKE 'not-an%'", 0, NULL), 1);
	free(hash);
	PQfinish(db);
	sbuf_free(&out);
}

Test(cli, key_create_operator)
{
	struct pr_apikey k;
	struct sbuf	 out;
	const char	*p[2];
	char		 full[128];
	PGconn		*db = it_db();

	sbuf_init(&out);
	cr_assert_eq(cli("key create --role support --name monitoring 2>/dev/null",
	    &out), 0, "%s", out.data);
	cr_assert_eq(sscanf(out.data, "%127s", full), 1);
	cr_assert_eq(pr_apikey_parse(full, &k), 0, "%s", full);
	p[0] = k.id;
	p[1] = k.hash;
	cr_assert_eq(it_count(db, "SELECT count(*) FROM api_keys WHERE key_id = "
	    "$1 AND secret_hash = $2 AND role = 'support' AND company_id IS NULL "
	    "AND name = 'monitoring'", 2, p), 1);
	/* The secret itself is nowhere in the database. */
	p[0] = k.secret;
	cr_assert_eq(it_count(db, "SELECT count(*) FROM api_keys, audit_log "
	    "WHERE api_keys::text LIKE '%' || $1 || '%' OR "
	    "audit_log::text LIKE '%' || $1 || '%'", 1, p), 0);
	p[0] = k.id;
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'key.create' AND object_id = $1", 1, p), 1);
	PQfinish(db);
	sbuf_free(&out);
}

Test(cli, key_create_company_scoped)
{
	struct pr_apikey k;
	struct sbuf	 out;
	const char	*p[1];
	char		 full[128];
	PGconn		*db = it_db();

	it_ok(db, "INSERT INTO clusters (name) VALUES ('kc') ON CONFLICT DO "
	    "NOTHING", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT 'Key Co', id "
	    "FROM clusters WHERE name = 'kc' ON CONFLICT DO NOTHING", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, "
	    "'keyco.example' FROM companies WHERE name = 'Key Co' ON CONFLICT "
	    "DO NOTHING", 0, NULL);

	sbuf_init(&out);
	cr_assert_eq(cli("key create --role company_admin --company 'Key Co' "
	    "2>/dev/null", &out), 0, "%s", out.data);
	cr_assert_eq(sscanf(out.data, "%127s", full), 1);
	cr_assert_eq(pr_apikey_parse(full, &k), 0);
	p[0] = k.id;
	cr_assert_eq(it_count(db, "SELECT count(*) FROM api_keys k JOIN "
	    "companies c ON c.id = k.company_id WHERE k.key_id = $1 AND "
	    "c.name = 'Key Co'", 1, p), 1);

	cr_assert_eq(cli("key create --role domain_admin --company 'Key Co' "
	    "--domain KeyCo.Example 2>/dev/null", &out), 0, "%s", out.data);
	cr_assert_eq(sscanf(out.data, "%127s", full), 1);
	cr_assert_eq(pr_apikey_parse(full, &k), 0);
	p[0] = k.id;
	cr_assert_eq(it_count(db, "SELECT count(*) FROM api_key_domains WHERE "
	    "key_id = $1", 1, p), 1);

	/* Refusals name what is wrong, and leave nothing behind. */
	cr_assert_eq(cli("key create --role company_admin", &out), 2);
	cr_assert(strstr(out.data, "needs --company") != NULL, "%s", out.data);
	cr_assert_eq(cli("key create --role operator --company 'Key Co'", &out),
	    2);
	cr_assert_eq(cli("key create --role wizard", &out), 2);
	cr_assert(strstr(out.data, "'wizard' is not a role") != NULL);
	cr_assert_eq(cli("key create --role domain_admin --company 'Key Co'",
	    &out), 2);
	cr_assert_eq(cli("key create --role company_admin --company Nobody",
	    &out), 1);
	cr_assert(strstr(out.data, "no company named 'Nobody'") != NULL);
	cr_assert_eq(cli("key create --role domain_admin --company 'Key Co' "
	    "--domain other.example", &out), 1);
	cr_assert(strstr(out.data, "has no domain 'other.example'") != NULL);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM api_keys k JOIN "
	    "companies c ON c.id = k.company_id WHERE c.name = 'Key Co'",
	    0, NULL), 2);
	PQfinish(db);
	sbuf_free(&out);
}

Test(cli, purge_after_30_days)
{
	struct sbuf	 out;
	PGconn		*db = it_db();

	it_ok(db, "INSERT INTO clusters (name) VALUES ('pc') ON CONFLICT DO "
	    "NOTHING", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'pc1', '/srv/pc1', 1000 FROM clusters "
	    "WHERE name = 'pc'", 0, NULL);
	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT 'Purge Co', "
	    "id FROM clusters WHERE name = 'pc'", 0, NULL);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, "
	    "'purge.example' FROM companies WHERE name = 'Purge Co'", 0, NULL);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id, deleted_at) "
	    "SELECT d.company_id, d.id, l, '{SHA512-CRYPT}$6$x$y', 100, "
	    "c.cluster_id, s.id, now() - make_interval(days => n) FROM domains d "
	    "JOIN companies c ON c.id = d.company_id JOIN mailstores s ON "
	    "s.name = 'pc1', (VALUES ('old', 31), ('recent', 29)) v(l, n) "
	    "WHERE d.name = 'purge.example'", 0, NULL);

	sbuf_init(&out);
	cr_assert_eq(cli("purge", &out), 0, "%s", out.data);
	/* Other suites' old deletions may go too: count what is ours. */
	cr_assert(strstr(out.data, "purge: ") != NULL, "%s", out.data);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes WHERE "
	    "address LIKE '%@purge.example'", 0, NULL), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM addresses WHERE "
	    "address = 'old@purge.example'", 0, NULL), 0);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'mailbox.purge' AND object_id = 'old@purge.example'",
	    0, NULL), 1);
	cr_assert_eq(cli("purge", &out), 0);
	cr_assert(strstr(out.data, "purge: 0 mailboxes") != NULL);
	PQfinish(db);
	sbuf_free(&out);
}
