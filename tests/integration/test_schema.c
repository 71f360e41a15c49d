/*
 * The schema enforces the model (DESIGN.md section 2) by itself: every
 * test works inside one transaction that it rolls back.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "itest.h"

static PGconn	*db;
static char	*cl, *cl2, *ms, *ms2, *c1, *c2, *d1, *d2;

#define OK		"00000"
#define UNIQUE		"23505"
#define CHECK		"23514"
#define FKEY		"23503"
#define NOTNULL		"23502"

static char *
ins(const char *sql, int n, const char *const *p)
{
	char	*v = it_value(db, sql, n, p);

	cr_assert(v != NULL);
	return (v);
}

static void
setup(void)
{
	const char	*p[3];

	db = it_db();
	it_ok(db, "BEGIN", 0, NULL);
	cl = ins("INSERT INTO clusters (name) VALUES ('fx-one') RETURNING id",
	    0, NULL);
	cl2 = ins("INSERT INTO clusters (name) VALUES ('fx-two') RETURNING id",
	    0, NULL);
	p[0] = cl;
	ms = ins("INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) VALUES ($1, 's1', '/srv/s1', 1000) RETURNING id",
	    1, p);
	p[0] = cl2;
	ms2 = ins("INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) VALUES ($1, 's1', '/srv/t1', 1000) RETURNING id",
	    1, p);
	p[0] = cl;
	c1 = ins("INSERT INTO companies (name, cluster_id) VALUES "
	    "('Fixture One', $1) RETURNING id", 1, p);
	c2 = ins("INSERT INTO companies (name, cluster_id) VALUES "
	    "('Fixture Two', $1) RETURNING id", 1, p);
	p[0] = c1;
	d1 = ins("INSERT INTO domains (company_id, name) VALUES "
	    "($1, 'fixture-one.example') RETURNING id", 1, p);
	p[0] = c2;
	d2 = ins("INSERT INTO domains (company_id, name) VALUES "
	    "($1, 'fixture-two.example') RETURNING id", 1, p);
}

static void
teardown(void)
{
	it_ok(db, "ROLLBACK", 0, NULL);
	PQfinish(db);
	free(cl); free(cl2); free(ms); free(ms2);
	free(c1); free(c2); free(d1); free(d2);
}

TestSuite(schema, .init = setup, .fini = teardown);

/* company, domain, local part, mailstore, status */
static const char *
mailbox(const char *company, const char *domain, const char *local,
    const char *store, const char *status)
{
	const char	*p[5] = { company, domain, local, store, status };

	return (it_try(db, "INSERT INTO mailboxes (company_id, domain_id, "
	    "local_part, password_hash, quota_bytes, cluster_id, mailstore_id, "
	    "status) SELECT $1, $2, $3, '{SHA512-CRYPT}$6$x$y', 1000, "
	    "cluster_id, $4, $5 FROM companies WHERE id = $1", 5, p));
}

static const char *
alias(const char *company, const char *domain, const char *local)
{
	const char	*p[3] = { company, domain, local };

	return (it_try(db, "INSERT INTO aliases (company_id, domain_id, "
	    "local_part, targets) VALUES ($1, $2, $3, "
	    "ARRAY['someone@elsewhere.example'])", 3, p));
}

Test(schema, domain_has_one_owner)
{
	const char	*p[1] = { c2 };

	cr_assert_str_eq(it_try(db, "INSERT INTO domains (company_id, name) "
	    "VALUES ($1, 'fixture-one.example')", 1, p), UNIQUE);
}

Test(schema, domain_names_are_normalised_ldh)
{
	static const char *bad[] = { "Upper.Example", "a..example",
	    "-lead.example", "trail-.example", "under_score.example",
	    "nodot", "1.2.3.4", "ab--cd.example", "sp ace.example", NULL };
	const char	*p[2];
	int		 i;

	p[0] = c1;
	for (i = 0; bad[i] != NULL; i++) {
		p[1] = bad[i];
		cr_expect_str_eq(it_try(db, "INSERT INTO domains (company_id, "
		    "name) VALUES ($1, $2)", 2, p), CHECK, "%s", bad[i]);
	}
	p[1] = "xn--bcher-kva.example";
	cr_assert_str_eq(it_try(db, "INSERT INTO domains (company_id, name) "
	    "VALUES ($1, $2)", 2, p), OK);
}

Test(schema, domain_alias_cannot_shadow_a_domain)
{
	const char	*p[3] = { c2, d2, "fixture-one.example" };

	cr_assert_str_eq(it_try(db, "INSERT INTO domain_aliases (company_id, "
	    "domain_id, name) VALUES ($1, $2, $3)", 3, p), UNIQUE);
	p[2] = "alias-two.example";
	cr_assert_str_eq(it_try(db, "INSERT INTO domain_aliases (company_id, "
	    "domain_id, name) VALUES ($1, $2, $3)", 3, p), OK);
	p[0] = c1;
	p[1] = d1;
	p[2] = "alias-two.example";
	cr_assert_str_eq(it_try(db, "INSERT INTO domain_aliases (company_id, "
	    "domain_id, name) VALUES ($1, $2, $3)", 3, p), UNIQUE);
}

Test(schema, mailbox_address_is_derived)
{
	const char	*p[1] = { c1 };
	char		*a;

	cr_assert_str_eq(mailbox(c1, d1, "john.doe", ms, "active"), OK);
	a = it_value(db, "SELECT address FROM mailboxes WHERE company_id = $1",
	    1, p);
	cr_assert_str_eq(a, "john.doe@fixture-one.example");
	free(a);
}

Test(schema, address_is_never_both_mailbox_and_alias)
{
	cr_assert_str_eq(mailbox(c1, d1, "sales", ms, "active"), OK);
	cr_assert_str_eq(alias(c1, d1, "sales"), UNIQUE);
	cr_assert_str_eq(alias(c1, d1, "info"), OK);
	cr_assert_str_eq(mailbox(c1, d1, "info", ms, "active"), UNIQUE);
	cr_assert_str_eq(mailbox(c1, d1, "sales", ms, "active"), UNIQUE);
}

Test(schema, deleting_frees_the_address)
{
	const char	*p[1] = { c1 };

	cr_assert_str_eq(mailbox(c1, d1, "temp", ms, "active"), OK);
	it_ok(db, "DELETE FROM mailboxes WHERE company_id = $1", 1, p);
	cr_assert_str_eq(alias(c1, d1, "temp"), OK);
}

Test(schema, mailbox_needs_its_company_domain_and_cluster)
{
	/* A domain of another company. */
	cr_assert_str_eq(mailbox(c1, d2, "x", ms, "active"), FKEY);
	/* A mailstore of another cluster. */
	cr_assert_str_eq(mailbox(c1, d1, "x", ms2, "active"), FKEY);
}

Test(schema, states_come_from_fixed_sets)
{
	const char	*p[2];

	cr_assert_str_eq(mailbox(c1, d1, "a", ms, "frozen"), CHECK);
	cr_assert_str_eq(mailbox(c1, d1, "b", ms, "maintenance"), OK);
	p[0] = ms;
	p[1] = "broken";
	cr_assert_str_eq(it_try(db, "UPDATE mailstores SET state = $2 "
	    "WHERE id = $1", 2, p), CHECK);
	p[1] = "webmail-only";
	cr_assert_str_eq(it_try(db, "UPDATE mailstores SET state = $2 "
	    "WHERE id = $1", 2, p), OK);
	p[0] = c1;
	p[1] = "closed";
	cr_assert_str_eq(it_try(db, "UPDATE companies SET status = $2 "
	    "WHERE id = $1", 2, p), CHECK);
	p[1] = "Mars/Olympus_Mons";
	cr_assert_str_eq(it_try(db, "UPDATE companies SET time_zone = $2 "
	    "WHERE id = $1", 2, p), CHECK);
	p[1] = "Europe/Amsterdam";
	cr_assert_str_eq(it_try(db, "UPDATE companies SET time_zone = $2 "
	    "WHERE id = $1", 2, p), OK);
	p[1] = "payroll";
	cr_assert_str_eq(it_try(db, "INSERT INTO contacts (company_id, kind, "
	    "name, email) VALUES ($1, $2, 'X', 'x@example.com')", 2, p), CHECK);
}

Test(schema, services_and_who_suspended_them)
{
	const char	*p[1] = { c1 };
	static const char *upd = "UPDATE mailboxes SET %s WHERE company_id = $1";
	static const char *sets[][2] = {
		{ "imap = 'paused'", CHECK },
		{ "pop3 = 'suspended'", CHECK },	/* by whom? */
		{ "send = 'enabled', send_suspended_by = 'support'", CHECK },
		{ "send = 'suspended', send_suspended_by = 'janitor'", CHECK },
		{ "send = 'suspended', send_suspended_by = 'support'", OK },
		{ "webmail = 'disabled'", OK },
		{ "send_limit_24h = -1", CHECK },
		{ "quota_bytes = 0", CHECK },
		{ "password_hash = 'plaintext'", CHECK },
	};
	char		 sql[256];
	size_t		 i;

	cr_assert_str_eq(mailbox(c1, d1, "svc", ms, "active"), OK);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		snprintf(sql, sizeof(sql), upd, sets[i][0]);
		cr_expect_str_eq(it_try(db, sql, 1, p), sets[i][1], "%s",
		    sets[i][0]);
	}
}

Test(schema, local_parts_are_dot_atoms)
{
	static const char *bad[] = { "John", ".a", "a.", "a..b", "sp ace",
	    "\"q\"", "", "0123456789012345678901234567890123456789012345678901"
	    "2345678901234", NULL };
	int	i;

	for (i = 0; bad[i] != NULL; i++)
		cr_expect_str_eq(mailbox(c1, d1, bad[i], ms, "active"), CHECK,
		    "'%s'", bad[i]);
	cr_assert_str_eq(mailbox(c1, d1, "o'neil+tag", ms, "active"), OK);
}

Test(schema, admin_scope_fits_role)
{
	const char	*p[3];

	p[0] = c1;
	p[1] = "operator";
	p[2] = "op@fixture.example";
	cr_assert_str_eq(it_try(db, "INSERT INTO admins (company_id, role, email, "
	    "password_hash) VALUES ($1, $2, $3, '{SHA512-CRYPT}$6$x')", 3, p),
	    CHECK);
	p[0] = NULL;
	p[1] = "company_admin";
	cr_assert_str_eq(it_try(db, "INSERT INTO admins (company_id, role, email, "
	    "password_hash) VALUES ($1, $2, $3, '{SHA512-CRYPT}$6$x')", 3, p),
	    CHECK);
	p[1] = "root";
	cr_assert_str_eq(it_try(db, "INSERT INTO admins (company_id, role, email, "
	    "password_hash) VALUES ($1, $2, $3, '{SHA512-CRYPT}$6$x')", 3, p),
	    CHECK);
	p[1] = "support";
	cr_assert_str_eq(it_try(db, "INSERT INTO admins (company_id, role, email, "
	    "password_hash) VALUES ($1, $2, $3, '{SHA512-CRYPT}$6$x')", 3, p),
	    OK);
	cr_assert_str_eq(it_try(db, "INSERT INTO admins (company_id, role, email, "
	    "password_hash) VALUES ($1, $2, $3, '{SHA512-CRYPT}$6$x')", 3, p),
	    UNIQUE);
}

Test(schema, api_keys_store_only_a_hash)
{
	const char	*p[2] = { c1, "not-a-hash" };

	cr_assert_str_eq(it_try(db, "INSERT INTO api_keys (key_id, company_id, "
	    "role, secret_hash, created_by) VALUES ('abcdefghijklmnop', $1, "
	    "'company_admin', $2, 'test')", 2, p), CHECK);
	p[1] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	cr_assert_str_eq(it_try(db, "INSERT INTO api_keys (key_id, company_id, "
	    "role, secret_hash, created_by) VALUES ('abcdefghijklmnop', $1, "
	    "'company_admin', $2, 'test')", 2, p), OK);
	cr_assert_str_eq(it_try(db, "INSERT INTO api_keys (key_id, company_id, "
	    "role, secret_hash, created_by) VALUES ('qrstuvwxyz012345', NULL, "
	    "'company_admin', $1, 'test')", 1, p + 1), CHECK);
}

Test(schema, placement_counters_follow_mailboxes)
{
	const char	*p[2] = { ms, c1 };

	cr_assert_str_eq(mailbox(c1, d1, "n1", ms, "active"), OK);
	cr_assert_str_eq(mailbox(c1, d1, "n2", ms, "active"), OK);
	cr_assert_str_eq(mailbox(c2, d2, "n3", ms, "active"), OK);
	cr_assert_eq(it_count(db, "SELECT mailbox_count FROM mailstores "
	    "WHERE id = $1", 1, p), 3);
	cr_assert_eq(it_count(db, "SELECT mailboxes FROM "
	    "mailstore_company_counts WHERE mailstore_id = $1 AND "
	    "company_id = $2", 2, p), 2);
	p[1] = c1;
	it_ok(db, "DELETE FROM mailboxes WHERE local_part = 'n1' AND "
	    "company_id = $2 AND mailstore_id = $1", 2, p);
	cr_assert_eq(it_count(db, "SELECT mailbox_count FROM mailstores "
	    "WHERE id = $1", 1, p), 2);
	cr_assert_eq(it_count(db, "SELECT mailboxes FROM "
	    "mailstore_company_counts WHERE mailstore_id = $1 AND "
	    "company_id = $2", 2, p), 1);
}

/* The counters of sql/011 against a recount, after each kind of change. */
static void
usage_matches(const char *company, const char *domain, long long n,
    long long quota)
{
	const char	*p[2] = { company, domain };

	cr_assert_eq(it_count(db, "SELECT count(*) FROM mailboxes WHERE "
	    "company_id = $1 AND domain_id = $2 AND deleted_at IS NULL",
	    2, p), n);
	cr_assert_eq(it_count(db, "SELECT coalesce(sum(quota_bytes), 0) FROM "
	    "mailboxes WHERE company_id = $1 AND domain_id = $2 AND "
	    "deleted_at IS NULL", 2, p), quota);
	cr_assert_eq(it_count(db, "SELECT mailboxes FROM pr_domain_usage($1, "
	    "$2)", 2, p), n);
	cr_assert_eq(it_count(db, "SELECT quota_bytes FROM "
	    "pr_domain_usage($1, $2)", 2, p), quota);
	cr_assert_eq(it_count(db, "SELECT mailboxes FROM "
	    "pr_company_usage($1)", 1, p), n);
	cr_assert_eq(it_count(db, "SELECT quota_bytes FROM "
	    "pr_company_usage($1)", 1, p), quota);
}

Test(schema, usage_counters_follow_mailboxes)
{
	const char	*p[1] = { c1 };

	usage_matches(c1, d1, 0, 0);
	cr_assert_str_eq(mailbox(c1, d1, "u1", ms, "active"), OK);
	cr_assert_str_eq(mailbox(c1, d1, "u2", ms, "active"), OK);
	usage_matches(c1, d1, 2, 2000);
	it_ok(db, "UPDATE mailboxes SET quota_bytes = 5000 WHERE "
	    "company_id = $1 AND local_part = 'u1'", 1, p);
	usage_matches(c1, d1, 2, 6000);
	it_ok(db, "UPDATE mailboxes SET deleted_at = now() WHERE "
	    "company_id = $1 AND local_part = 'u1'", 1, p);
	usage_matches(c1, d1, 1, 1000);
	it_ok(db, "UPDATE mailboxes SET deleted_at = NULL WHERE "
	    "company_id = $1 AND local_part = 'u1'", 1, p);
	usage_matches(c1, d1, 2, 6000);
	it_ok(db, "DELETE FROM mailboxes WHERE company_id = $1 AND "
	    "local_part = 'u2'", 1, p);
	usage_matches(c1, d1, 1, 5000);
	it_ok(db, "UPDATE mailboxes SET deleted_at = now() WHERE "
	    "company_id = $1 AND local_part = 'u1'", 1, p);
	it_ok(db, "DELETE FROM mailboxes WHERE company_id = $1 AND "
	    "local_part = 'u1'", 1, p);
	usage_matches(c1, d1, 0, 0);
}
