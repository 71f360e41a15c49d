/*
 * The mail platform reads Postroom's database (sql/020_mail_views.sql):
 * Debian's real Dovecot and Postfix, configured with the shipped files
 * of conf/dovecot and conf/postfix (only their paths and database
 * connection changed), connected as a member of the read-only role
 * postroom_mail.  Suspensions are made through the API where it has
 * them.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"
#include "mailsrv.h"
#include "password.h"

#define PASSWORD	MS_PASSWORD
#define MAIL_ROLE	MS_MAIL_ROLE

static PGconn	*db;

/*
 * Cluster mvc: stores mvc1 (shared) and mvc2 (its state changes); one
 * company and domain per test, so that a failed test leaves no
 * suspension behind for another.
 */
static void
fixture(void)
{
	db = it_db();
	ms_mail_role(db);
	if (it_count(db, "SELECT count(*) FROM clusters WHERE name = 'mvc'",
	    0, NULL) == 1)
		return;
	it_ok(db, "INSERT INTO clusters (name) VALUES ('mvc')", 0, NULL);
	it_ok(db, "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, s, '/srv/' || s, 1000000000 FROM "
	    "clusters, unnest(ARRAY['mvc1', 'mvc2']) s WHERE name = 'mvc'",
	    0, NULL);
}

static void
done(void)
{
	PQfinish(db);
}

/* Company "MV <domain>" with domain (and, if alias, a domain alias). */
static void
place(const char *domain, const char *alias)
{
	const char	*p[2] = { domain, alias };

	it_ok(db, "INSERT INTO companies (name, cluster_id) SELECT 'MV ' || $1, "
	    "id FROM clusters WHERE name = 'mvc'", 1, p);
	it_ok(db, "INSERT INTO domains (company_id, name) SELECT id, $1 FROM "
	    "companies WHERE name = 'MV ' || $1", 1, p);
	if (alias != NULL)
		it_ok(db, "INSERT INTO domain_aliases (company_id, domain_id, "
		    "name) SELECT company_id, id, $2 FROM domains WHERE "
		    "name = $1", 2, p);
}

/* Mailboxes locals ("{anna,bert}") on domain and store, with PASSWORD. */
static void
mailboxes(const char *locals, const char *domain, const char *store,
    enum pr_pw_scheme scheme)
{
	char		 hash[PR_PW_HASH_MAX];
	const char	*p[4] = { locals, domain, store, hash };

	cr_assert_eq(pr_password_hash(PASSWORD, scheme, hash, sizeof(hash)),
	    0);
	it_ok(db, "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "d.company_id, d.id, l, $4, 5000000, s.cluster_id, s.id FROM "
	    "domains d, mailstores s, unnest($1::text[]) l WHERE d.name = $2 "
	    "AND s.name = $3", 4, p);
}

/* An API call as an operator that must answer 200 (or 204). */
static void
operator(const char *method, const char *path, const char *body)
{
	struct it_http	r;
	long		status;

	status = it_call(it_key(db, "operator", NULL, NULL, 0), method, path,
	    body, &r);
	cr_assert(status == 200 || status == 204, "%s %s %s: %ld %s", method,
	    path, body ? body : "", status, r.body.data);
	it_http_free(&r);
}

/* PATCH /api/v1/companies/{id} of the company "MV <domain>". */
static void
company_status(const char *domain, const char *status)
{
	const char	*p[1] = { domain };
	char		*id, path[128], body[64];

	id = it_value(db, "SELECT id::text FROM companies WHERE name = "
	    "'MV ' || $1", 1, p);
	snprintf(path, sizeof(path), "/api/v1/companies/%s", id);
	snprintf(body, sizeof(body), "{\"status\": \"%s\"}", status);
	operator("PATCH", path, body);
	free(id);
}

static void
patch(const char *kind, const char *name, const char *body)
{
	char	path[320];

	snprintf(path, sizeof(path), "/api/v1/%s/%s", kind, name);
	operator("PATCH", path, body);
}

static void
store_state(const char *store, const char *state)
{
	const char	*p[2] = { store, state };

	it_ok(db, "UPDATE mailstores SET state = $2 WHERE name = $1", 2, p);
}

static void
dovecot_up(void)
{
	fixture();
	if (geteuid() != 0)
		cr_skip_test("Dovecot's test set-up runs as root");
	ms_workspace(db, "dovecot");
	(void)ms_dovecot_start(ms_dir);
}

static void
dovecot_down(void)
{
	ms_dovecot_stop();
	done();
}

/* doveadm auth test: 0 accepted, 77 refused; the answer in out. */
static int
auth(struct sbuf *out, const char *service, const char *rip,
    const char *user, const char *password)
{
	struct sbuf	cmd;
	int		rc;

	/* Without the penalty for failures, which would slow the test. */
	sbuf_init(&cmd);
	sbuf_printf(&cmd, "doveadm -c %s/dovecot.conf auth test -x no-penalty "
	    "-x service=%s %s%s '%s' '%s'", ms_dir, service,
	    rip ? "-x rip=" : "", rip ? rip : "", user, password);
	rc = ms_run(out, cmd.data);
	sbuf_free(&cmd);
	return (rc);
}

enum login { LOGIN_OK, LOGIN_REFUSED, LOGIN_UNAVAILABLE };

/*
 * A login with the right password: accepted; refused as a wrong password
 * is (no reason given); or accepted with nologin and the reason "Service
 * Unavailable", which Dovecot's login processes answer with.  A wrong
 * password is refused and learns nothing of the mailbox's state.
 */
static void
login(enum login want, const char *service, const char *rip,
    const char *user)
{
	struct sbuf	out;

	sbuf_init(&out);
	cr_assert_eq(auth(&out, service, rip, user, PASSWORD),
	    want == LOGIN_REFUSED ? 77 : 0, "%s %s: %s", service, user,
	    out.data);
	cr_assert_eq(strstr(out.data, "  nologin\n") != NULL,
	    want == LOGIN_UNAVAILABLE, "%s %s: %s", service, user, out.data);
	cr_assert_eq(strstr(out.data, "reason=Service Unavailable\n") != NULL,
	    want == LOGIN_UNAVAILABLE, "%s %s: %s", service, user, out.data);
	cr_assert(want != LOGIN_REFUSED || strstr(out.data, "reason") == NULL,
	    "%s", out.data);
	cr_assert_eq(auth(&out, service, rip, user, "Wrong-Harbour-27"), 77,
	    "%s %s, wrong password: %s", service, user, out.data);
	cr_assert(strstr(out.data, "reason") == NULL, "%s", out.data);
	sbuf_free(&out);
}

/* doveadm user -u: the userdb's answer; 0, 67 unknown, 75 tempfail. */
static int
userdb(struct sbuf *out, const char *service, const char *user)
{
	struct sbuf	cmd;
	int		rc;

	sbuf_init(&cmd);
	sbuf_printf(&cmd, "doveadm -c %s/dovecot.conf user -u -x service=%s "
	    "'%s'", ms_dir, service, user);
	rc = ms_run(out, cmd.data);
	sbuf_free(&cmd);
	return (rc);
}

Test(mail_views, access_decisions_and_the_mail_role, .init = fixture,
    .fini = done)
{
	const char	*cases[][3] = {
		{ "ok1@mva.example", "imap", "ok" },
		{ "ok1@mva.example", "smtp", "ok" },
		{ "ok1@mva.example", "lmtp", "ok" },
		{ "ok1@mva.example", "doveadm", "service doveadm not offered" },
		{ "OK1@MVA.example", "pop3", "ok" },
		{ "nobody@mva.example", "imap", "no such mailbox" },
		{ "sus1@mva.example", "imap", "mailbox suspended" },
		{ "gone1@mva.example", "imap", "mailbox deleted" },
		{ "imap1@mva.example", "imap", "imap disabled" },
		{ "imap1@mva.example", "pop3", "ok" },
		{ "send1@mva.example", "submission", "send suspended" },
		{ "send1@mva.example", "imap", "ok" },
		{ "mnt1@mva.example", "imap", "Service Unavailable" },
		{ "mnt1@mva.example", "lmtp", "Service Unavailable" },
		{ "mnt1@mva.example", "smtp", "ok" },
		{ "mig1@mva.example", "pop3", "Service Unavailable" },
		/* The first reason, the most lasting one, is given. */
		{ "sus2@mva.example", "imap", "mailbox deleted" },
	};
	const char	*p[3];
	char		*v;
	size_t		 i;

	place("mva.example", NULL);
	mailboxes("{ok1,sus1,sus2,gone1,imap1,send1,mnt1,mig1}",
	    "mva.example", "mvc1", PR_PW_SHA512_CRYPT);
	it_ok(db, "UPDATE mailboxes SET status = 'suspended' WHERE address "
	    "IN ('sus1@mva.example', 'sus2@mva.example')", 0, NULL);
	it_ok(db, "UPDATE mailboxes SET deleted_at = now() WHERE address IN "
	    "('gone1@mva.example', 'sus2@mva.example')", 0, NULL);
	it_ok(db, "UPDATE mailboxes SET imap = 'disabled' WHERE address = "
	    "'imap1@mva.example'", 0, NULL);
	it_ok(db, "UPDATE mailboxes SET send = 'suspended', send_suspended_by "
	    "= 'support' WHERE address = 'send1@mva.example'", 0, NULL);
	it_ok(db, "UPDATE mailboxes SET status = 'maintenance' WHERE address = "
	    "'mnt1@mva.example'", 0, NULL);
	it_ok(db, "UPDATE mailboxes SET status = 'migrating' WHERE address = "
	    "'mig1@mva.example'", 0, NULL);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p[0] = cases[i][0];
		p[1] = cases[i][1];
		v = it_value(db, "SELECT coalesce(reason, verdict) FROM "
		    "pr_mail_access($1, $2)", 2, p);
		cr_expect_str_eq(v, cases[i][2], "%s %s", p[0], p[1]);
		free(v);
	}
	p[0] = "mnt1@mva.example";
	cr_expect_eq(it_count(db, "SELECT count(*) FROM pr_mail_access($1, "
	    "'imap') WHERE verdict = 'unavailable'", 1, p), 1);

	/* The mail servers' role calls the lookups and reads no table. */
	it_ok(db, "BEGIN", 0, NULL);
	it_ok(db, "SET LOCAL ROLE " MAIL_ROLE, 0, NULL);
	cr_expect_eq(it_count(db, "SELECT count(*) FROM pr_dovecot_passdb("
	    "'ok1@mva.example', 'imap', '')", 0, NULL), 1);
	cr_expect_str_eq(it_try(db, "SELECT 1 FROM pr_postfix_alias('x')", 0,
	    NULL), "00000");
	cr_expect_str_eq(it_try(db, "SELECT count(*) FROM mailboxes", 0,
	    NULL), "42501");
	cr_expect_str_eq(it_try(db, "SELECT count(*) FROM mail_homes", 0,
	    NULL), "42501");
	cr_expect_str_eq(it_try(db, "SELECT count(*) FROM api_keys", 0,
	    NULL), "42501");
	it_ok(db, "ROLLBACK", 0, NULL);

	/* The company and the domain come before the mailbox. */
	it_ok(db, "UPDATE domains SET status = 'suspended' WHERE name = "
	    "'mva.example'", 0, NULL);
	p[0] = "sus1@mva.example";
	v = it_value(db, "SELECT reason FROM pr_mail_access($1, 'imap')", 1, p);
	cr_expect_str_eq(v, "domain suspended");
	free(v);
	it_ok(db, "UPDATE companies SET status = 'suspended' WHERE name = "
	    "'MV mva.example'", 0, NULL);
	v = it_value(db, "SELECT reason FROM pr_mail_access($1, 'imap')", 1, p);
	cr_expect_str_eq(v, "company suspended");
	free(v);
	it_ok(db, "UPDATE domains SET deleted_at = now() WHERE name = "
	    "'mva.example'", 0, NULL);
	v = it_value(db, "SELECT reason FROM pr_mail_access($1, 'imap')", 1, p);
	cr_expect_str_eq(v, "domain deleted");
	free(v);

}

Test(mail_views, dovecot_logins_and_suspensions, .init = dovecot_up,
    .fini = dovecot_down, .timeout = 120)
{
	struct sbuf	out;

	place("mvl.example", NULL);
	mailboxes("{anna}", "mvl.example", "mvc1", PR_PW_SHA512_CRYPT);
	mailboxes("{bert}", "mvl.example", "mvc1", PR_PW_BLF_CRYPT);
	sbuf_init(&out);

	login(LOGIN_OK, "imap", NULL, "anna@mvl.example");
	login(LOGIN_OK, "pop3", NULL, "anna@mvl.example");
	login(LOGIN_OK, "smtp", NULL, "anna@mvl.example");
	login(LOGIN_OK, "imap", NULL, "bert@mvl.example");
	/* Any case; Dovecot then knows the address as stored. */
	cr_assert_eq(auth(&out, "imap", NULL, "Anna@MVL.Example", PASSWORD),
	    0, "%s", out.data);
	cr_assert(strstr(out.data, "user=anna@mvl.example") != NULL, "%s",
	    out.data);
	login(LOGIN_REFUSED, "imap", NULL, "nobody@mvl.example");
	/* Operators' tools are not a way in. */
	login(LOGIN_REFUSED, "doveadm", NULL, "anna@mvl.example");

	company_status("mvl.example", "suspended");
	login(LOGIN_REFUSED, "imap", NULL, "anna@mvl.example");
	login(LOGIN_REFUSED, "pop3", NULL, "bert@mvl.example");
	login(LOGIN_REFUSED, "smtp", NULL, "anna@mvl.example");
	company_status("mvl.example", "active");
	login(LOGIN_OK, "imap", NULL, "anna@mvl.example");

	patch("domains", "mvl.example", "{\"status\": \"suspended\"}");
	login(LOGIN_REFUSED, "imap", NULL, "anna@mvl.example");
	login(LOGIN_REFUSED, "pop3", NULL, "bert@mvl.example");
	patch("domains", "mvl.example", "{\"status\": \"active\"}");
	login(LOGIN_OK, "pop3", NULL, "bert@mvl.example");

	patch("mailboxes", "anna@mvl.example", "{\"status\": \"suspended\"}");
	login(LOGIN_REFUSED, "imap", NULL, "anna@mvl.example");
	login(LOGIN_OK, "imap", NULL, "bert@mvl.example");
	patch("mailboxes", "anna@mvl.example", "{\"status\": \"active\"}");
	login(LOGIN_OK, "imap", NULL, "anna@mvl.example");

	/* One protocol off, the other still on. */
	patch("mailboxes", "anna@mvl.example",
	    "{\"services\": {\"imap\": \"disabled\"}}");
	login(LOGIN_REFUSED, "imap", NULL, "anna@mvl.example");
	login(LOGIN_OK, "pop3", NULL, "anna@mvl.example");
	patch("mailboxes", "bert@mvl.example",
	    "{\"services\": {\"pop3\": \"suspended\", \"send\": "
	    "\"disabled\"}}");
	login(LOGIN_REFUSED, "pop3", NULL, "bert@mvl.example");
	login(LOGIN_REFUSED, "smtp", NULL, "bert@mvl.example");
	login(LOGIN_OK, "imap", NULL, "bert@mvl.example");

	/* A webmail host's IMAP login is a webmail login. */
	it_ok(db, "INSERT INTO webmail_hosts (net) VALUES ('192.0.2.0/28') "
	    "ON CONFLICT DO NOTHING", 0, NULL);
	login(LOGIN_OK, "imap", "192.0.2.10", "anna@mvl.example");
	login(LOGIN_REFUSED, "imap", "198.51.100.7", "anna@mvl.example");
	patch("mailboxes", "anna@mvl.example",
	    "{\"services\": {\"webmail\": \"disabled\"}}");
	login(LOGIN_REFUSED, "imap", "192.0.2.10", "anna@mvl.example");

	operator("DELETE", "/api/v1/mailboxes/bert@mvl.example", NULL);
	login(LOGIN_REFUSED, "imap", NULL, "bert@mvl.example");
	cr_assert_eq(userdb(&out, "imap", "bert@mvl.example"), 67, "%s",
	    out.data);
	sbuf_free(&out);
}

Test(mail_views, dovecot_userdb_and_unavailable, .init = dovecot_up,
    .fini = dovecot_down, .timeout = 120)
{
	struct sbuf	 out, want;
	const char	*p[1] = { ms_dir };
	char		*id, *home;

	place("mvu.example", NULL);
	mailboxes("{carl,dora}", "mvu.example", "mvc2", PR_PW_SHA512_CRYPT);
	it_ok(db, "UPDATE mailstores SET mail_root = $1 || '/mail' WHERE name "
	    "= 'mvc2'", 1, p);
	it_ok(db, "UPDATE mailboxes SET quota_bytes = 7340032 WHERE address = "
	    "'carl@mvu.example'", 0, NULL);
	sbuf_init(&out);
	sbuf_init(&want);

	/* Home and mail on the mailbox's store, quota from quota_bytes. */
	id = it_value(db, "SELECT id::text FROM mailboxes WHERE address = "
	    "'carl@mvu.example'", 0, NULL);
	sbuf_printf(&want, "%s/mail/mvu.example/%s", ms_dir, id);
	home = strdup(want.data);
	cr_assert_eq(userdb(&out, "lmtp", "carl@mvu.example"), 0, "%s",
	    out.data);
	sbuf_reset(&want);
	sbuf_printf(&want, "  home      : %s\n  mail      : maildir:%s/Maildir\n"
	    "  quota_rule: *:bytes=7340032\n", home, home);
	cr_assert(strstr(out.data, want.data) != NULL, "%s", out.data);

	/* A real IMAP session there: Dovecot makes the Maildir. */
	ms_converse(&out, ms_imap_port, "a LOGIN carl@mvu.example " PASSWORD
	    "\r\nb SELECT INBOX\r\nc LOGOUT\r\n");
	cr_assert(strstr(out.data, "a OK") != NULL, "%s", out.data);
	cr_assert(strstr(out.data, "b OK") != NULL, "%s", out.data);
	sbuf_reset(&want);
	sbuf_printf(&want, "test -d %s/Maildir/cur", home);
	cr_assert_eq(ms_run(&out, want.data), 0, "no %s/Maildir", home);

	/* Mailbox in maintenance or migrating: Service Unavailable. */
	patch("mailboxes", "carl@mvu.example", "{\"status\": \"maintenance\"}");
	login(LOGIN_UNAVAILABLE, "imap", NULL, "carl@mvu.example");
	login(LOGIN_UNAVAILABLE, "pop3", NULL, "carl@mvu.example");
	login(LOGIN_OK, "imap", NULL, "dora@mvu.example");
	ms_converse(&out, ms_imap_port, "a LOGIN carl@mvu.example " PASSWORD
	    "\r\nb LOGOUT\r\n");
	cr_assert(strstr(out.data, "a NO [CONTACTADMIN] Service Unavailable")
	    != NULL, "%s", out.data);
	ms_converse(&out, ms_pop3_port, "USER carl@mvu.example\r\nPASS "
	    PASSWORD "\r\nQUIT\r\n");
	cr_assert(strstr(out.data, "-ERR [AUTH] Service Unavailable") != NULL,
	    "%s", out.data);
	ms_converse(&out, ms_imap_port, "a LOGIN carl@mvu.example "
	    "Wrong-Harbour-27\r\nb LOGOUT\r\n");
	cr_assert(strstr(out.data, "a NO [AUTHENTICATIONFAILED]") != NULL,
	    "%s", out.data);
	/* Delivery waits (LMTP 451); operators' tools still work. */
	cr_assert_eq(userdb(&out, "lmtp", "carl@mvu.example"), 75, "%s",
	    out.data);
	cr_assert(strstr(out.data, "Service Unavailable") != NULL, "%s",
	    out.data);
	cr_assert_eq(userdb(&out, "doveadm", "carl@mvu.example"), 0, "%s",
	    out.data);
	/* Sending needs no mail store. */
	login(LOGIN_OK, "smtp", NULL, "carl@mvu.example");
	patch("mailboxes", "carl@mvu.example", "{\"status\": \"migrating\"}");
	login(LOGIN_UNAVAILABLE, "imap", NULL, "carl@mvu.example");
	patch("mailboxes", "carl@mvu.example", "{\"status\": \"active\"}");
	login(LOGIN_OK, "imap", NULL, "carl@mvu.example");

	/* The mailstore's state. */
	store_state("mvc2", "maintenance");
	login(LOGIN_UNAVAILABLE, "imap", NULL, "dora@mvu.example");
	cr_assert_eq(userdb(&out, "lmtp", "dora@mvu.example"), 75, "%s",
	    out.data);
	store_state("mvc2", "offline");
	login(LOGIN_UNAVAILABLE, "pop3", NULL, "dora@mvu.example");
	store_state("mvc2", "webmail-only");
	login(LOGIN_REFUSED, "imap", NULL, "dora@mvu.example");
	login(LOGIN_REFUSED, "pop3", NULL, "dora@mvu.example");
	cr_assert_eq(userdb(&out, "lmtp", "dora@mvu.example"), 0, "%s",
	    out.data);
	it_ok(db, "INSERT INTO webmail_hosts (net) VALUES ('192.0.2.0/28') "
	    "ON CONFLICT DO NOTHING", 0, NULL);
	login(LOGIN_OK, "imap", "192.0.2.3", "dora@mvu.example");
	store_state("mvc2", "closed");
	login(LOGIN_OK, "imap", NULL, "dora@mvu.example");
	store_state("mvc2", "enabled");

	/* A mailbox that may not receive is unknown to delivery. */
	patch("mailboxes", "dora@mvu.example",
	    "{\"services\": {\"receive\": \"disabled\"}}");
	cr_assert_eq(userdb(&out, "lmtp", "dora@mvu.example"), 67, "%s",
	    out.data);
	cr_assert_eq(userdb(&out, "imap", "dora@mvu.example"), 0, "%s",
	    out.data);
	free(id);
	free(home);
	sbuf_free(&want);
	sbuf_free(&out);
}

static void
postfix_up(void)
{
	char	path[320];
	FILE	*f;

	fixture();
	ms_workspace(db, "postfix");
	ms_postfix_maps();
	/* postmap reads main.cf: an empty one of the test's own. */
	snprintf(path, sizeof(path), "%s/main.cf", ms_dir);
	cr_assert((f = fopen(path, "w")) != NULL);
	fclose(f);
}

/* postmap -q key: the answer, or NULL when the map has none. */
static char *
postmap(const char *map, const char *key)
{
	struct sbuf	 cmd, out;
	char		*v = NULL;
	int		 rc;

	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "postmap -c %s -q \"%s\" pgsql:%s/%s.cf", ms_dir, key,
	    ms_dir, map);
	rc = ms_run(&out, cmd.data);
	cr_assert(rc == 0 || (rc == 1 && out.len == 0), "%s: %d %s", cmd.data,
	    rc, out.data);
	if (rc == 0) {
		while (out.len > 0 && out.data[out.len - 1] == '\n')
			out.data[--out.len] = '\0';
		v = strdup(out.data);
	}
	sbuf_free(&cmd);
	sbuf_free(&out);
	return (v);
}

static void
map_is(const char *map, const char *key, const char *want)
{
	char	*v = postmap(map, key);

	if (want == NULL)
		cr_expect_null(v, "%s %s: %s", map, key, v);
	else
		cr_expect(v != NULL && strcmp(v, want) == 0, "%s %s: %s, not %s",
		    map, key, v ? v : "(none)", want);
	free(v);
}

Test(mail_views, postfix_maps, .init = postfix_up, .fini = done,
    .timeout = 120)
{
	place("mvp.example", "mvp-alias.example");
	place("mvq.example", NULL);
	place("mvgone.example", NULL);
	mailboxes("{eva,fwd,copy,held,deaf}", "mvp.example", "mvc1",
	    PR_PW_SHA512_CRYPT);
	mailboxes("{gus}", "mvq.example", "mvc1", PR_PW_SHA512_CRYPT);
	it_ok(db, "INSERT INTO aliases (company_id, domain_id, local_part, "
	    "targets) SELECT company_id, id, 'team', ARRAY['eva@mvp.example', "
	    "'someone@elsewhere.example'] FROM domains WHERE name = "
	    "'mvp.example'", 0, NULL);
	it_ok(db, "UPDATE domains SET deleted_at = now() WHERE name = "
	    "'mvgone.example'", 0, NULL);
	patch("mailboxes", "fwd@mvp.example", "{\"forward_to\": "
	    "[\"out@elsewhere.example\"], \"forward_keep_copy\": false}");
	patch("mailboxes", "copy@mvp.example", "{\"forward_to\": "
	    "[\"out@elsewhere.example\", \"eva@mvp.example\"], "
	    "\"forward_keep_copy\": true}");
	patch("mailboxes", "held@mvp.example", "{\"status\": \"maintenance\"}");
	patch("mailboxes", "deaf@mvp.example",
	    "{\"services\": {\"receive\": \"disabled\"}}");

	/* Domains and domain aliases; deleted ones are not ours. */
	map_is("virtual-domains", "mvp.example", "mvp.example");
	map_is("virtual-domains", "MVP.Example", "mvp.example");
	map_is("virtual-domains", "mvp-alias.example", "mvp-alias.example");
	map_is("virtual-domains", "mvgone.example", NULL);
	map_is("virtual-domains", "elsewhere.example", NULL);

	/* Mailboxes that take mail, a held one too. */
	map_is("virtual-mailboxes", "eva@mvp.example", "eva@mvp.example");
	map_is("virtual-mailboxes", "held@mvp.example", "held@mvp.example");
	map_is("virtual-mailboxes", "deaf@mvp.example", NULL);
	map_is("virtual-mailboxes", "team@mvp.example", NULL);
	map_is("virtual-mailboxes", "nobody@mvp.example", NULL);
	map_is("virtual-mailboxes", "x'y@mvp.example", NULL);

	/* Aliases, forwarding, domain aliases, catch-all. */
	map_is("virtual-aliases", "eva@mvp.example", "eva@mvp.example");
	map_is("virtual-aliases", "team@mvp.example",
	    "eva@mvp.example,someone@elsewhere.example");
	map_is("virtual-aliases", "fwd@mvp.example", "out@elsewhere.example");
	map_is("virtual-aliases", "copy@mvp.example",
	    "copy@mvp.example,out@elsewhere.example,eva@mvp.example");
	map_is("virtual-aliases", "deaf@mvp.example", "deaf@mvp.example");
	map_is("virtual-aliases", "eva@mvp-alias.example", "eva@mvp.example");
	map_is("virtual-aliases", "team@mvp-alias.example",
	    "team@mvp.example");
	map_is("virtual-aliases", "nobody@mvp-alias.example", NULL);
	map_is("virtual-aliases", "nobody@mvp.example", NULL);
	map_is("virtual-aliases", "@mvp.example", NULL);
	patch("domains", "mvp.example", "{\"catchall\": \"team@mvp.example\"}");
	map_is("virtual-aliases", "@mvp.example", "team@mvp.example");
	map_is("virtual-aliases", "@mvp-alias.example", NULL);
	map_is("virtual-aliases", "nobody@mvp-alias.example",
	    "nobody@mvp.example");

	/* HOLD while in maintenance, 550 for what may not receive. */
	map_is("recipient-access", "held@mvp.example",
	    "HOLD Service Unavailable");
	map_is("recipient-access", "held@mvp-alias.example",
	    "HOLD Service Unavailable");
	map_is("recipient-access", "deaf@mvp.example",
	    "550 5.2.1 Mailbox disabled");
	map_is("recipient-access", "eva@mvp.example", NULL);
	map_is("recipient-access", "team@mvp.example", NULL);
	map_is("recipient-access", "mvp.example", NULL);
	patch("mailboxes", "held@mvp.example", "{\"status\": \"active\"}");
	map_is("recipient-access", "held@mvp.example", NULL);

	/* A suspended company: its mail is refused, its aliases stop. */
	company_status("mvq.example", "suspended");
	map_is("virtual-domains", "mvq.example", "mvq.example");
	map_is("virtual-mailboxes", "gus@mvq.example", NULL);
	map_is("recipient-access", "gus@mvq.example",
	    "550 5.2.1 Mailbox disabled");
	map_is("recipient-access", "anyone@mvq.example",
	    "550 5.2.1 Mailbox disabled");
	map_is("recipient-access", "mvq.example", NULL);
	company_status("mvq.example", "active");
	map_is("virtual-mailboxes", "gus@mvq.example", "gus@mvq.example");
	map_is("recipient-access", "gus@mvq.example", NULL);

	/* A suspended domain likewise: no alias, no catch-all. */
	patch("domains", "mvp.example", "{\"status\": \"suspended\"}");
	map_is("virtual-aliases", "team@mvp.example", NULL);
	map_is("virtual-aliases", "@mvp.example", NULL);
	map_is("virtual-aliases", "nobody@mvp-alias.example", NULL);
	map_is("virtual-mailboxes", "eva@mvp.example", NULL);
	map_is("recipient-access", "team@mvp.example",
	    "550 5.2.1 Mailbox disabled");
	map_is("recipient-access", "eva@mvp-alias.example",
	    "550 5.2.1 Mailbox disabled");
}
