/*
 * The collector against logs written by Debian's real Postfix and Dovecot
 * (issue #4): both run on loopback on the shipped configuration (conf/,
 * the functions of sql/020_mail_views.sql, the role postroom_mail), mail
 * goes out to Postfix's smtp-sink, a known script of logins, failures and
 * mail is played against them, and `postroom stats ingest` of their own
 * log files must store exactly what the script did: per mailbox and
 * protocol, every login event, every delivery event and the roll-ups.
 *
 * The daemons run in a zone of their own (+05:30), which the collector is
 * told; a zone ignored would put every event hours off the test's window.
 */
#include <criterion/criterion.h>

#include <sys/wait.h>

#include <openssl/evp.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"
#include "mailsrv.h"
#include "stats_itest.h"

#define ZONE		"Asia/Kolkata"
#define HOST		"mx.live.test"		/* Postfix's myhostname */
#define WRONG		"Wrong-Harbour-27"
#define OUTSIDE		"127.0.0.20"		/* a client of the world */
#define NOBODY		"nobody@live1.example"	/* no such mailbox */
#define MAX_MAIL	16

/* What the script did to a mailbox: its roll-up's counters. */
struct box {
	const char	*addr;
	int		 dom;		/* in domains[] */
	long		 imap, pop3, smtp, failed, in, bytes_in, out;
	long		 bytes_out, bounces, lmtp, quota, rcpts;
};

/* A message handed to Postfix, and the recipients it took. */
struct mail {
	const char	*user;		/* SASL login, or NULL */
	const char	*from;
	const char	*rcpt[4];
	int		 taken[4];	/* accepted at RCPT */
	int		 ntaken;
	char		 qid[32];
	size_t		 len;		/* as sent, CRLF line ends */
};

static const char	*domains[] = { "live1.example", "live2.example" };
static struct box	 boxes[] = {
	{ .addr = "anna@live1.example", .dom = 0 },
	{ .addr = "bert@live1.example", .dom = 0 },
	{ .addr = "carl@live2.example", .dom = 1 },
	{ .addr = "full@live2.example", .dom = 1 },
};
#define NBOX	(sizeof(boxes) / sizeof(boxes[0]))

static PGconn		*db;
static struct mail	 mails[MAX_MAIL];
static size_t		 nmail;
static char		*logins[64], *deliveries[64];	/* expected rows */
static size_t		 nlogins, ndeliveries;
static int		 smtp_port, submission_port, sink_port, refuse_port;
static pid_t		 sinks[2];
static int		 postfix_pid, dovecot_pid;	/* the masters */

static struct box *
box(const char *addr)
{
	size_t	i;

	for (i = 0; i < NBOX; i++) {
		if (strcmp(boxes[i].addr, addr) == 0)
			return (&boxes[i]);
	}
	return (NULL);
}

static void
expect_login(const char *user, const char *proto, int ok, int attempts,
    const char *ip)
{
	struct box	*b = box(user);
	char		 row[256];

	snprintf(row, sizeof(row), "%s %s %s %d %s", user, proto,
	    ok ? "ok" : "failed", attempts, ip);
	cr_assert_lt(nlogins, sizeof(logins) / sizeof(logins[0]));
	logins[nlogins++] = strdup(row);
	if (b == NULL)
		return;
	if (!ok)
		b->failed += attempts;
	else if (strcmp(proto, "imap") == 0)
		b->imap++;
	else if (strcmp(proto, "pop3") == 0)
		b->pop3++;
	else
		b->smtp++;
}

static void
expect_delivery(const char *addr, const char *dir, const char *peer,
    const char *status, long size)
{
	char	row[512], sz[32];

	snprintf(sz, sizeof(sz), "%ld", size);
	snprintf(row, sizeof(row), "%s %s <%s> %s %s", addr, dir, peer, status,
	    size < 0 ? "-" : sz);
	cr_assert_lt(ndeliveries, sizeof(deliveries) /
	    sizeof(deliveries[0]));
	deliveries[ndeliveries++] = strdup(row);
}

/* The company, its domains and mailboxes, made through the API. */
static void
api(const char *path, const char *body)
{
	struct it_http	r;
	long		status;

	status = it_call(it_key(db, "operator", NULL, NULL, 0), "POST", path,
	    body, &r);
	cr_assert_eq(status, 201, "%s %s: %ld %s", path, body, status,
	    r.body.data);
	it_http_free(&r);
}

static void
directory(void)
{
	const char	*p[1] = { ms_dir };
	char		 body[256], *id;
	size_t		 i;

	if (it_count1(db, "SELECT count(*) FROM clusters WHERE name = 'lvc'",
	    NULL) == 0) {
		it_ok(db, "INSERT INTO clusters (name) VALUES ('lvc')", 0,
		    NULL);
		it_ok(db, "INSERT INTO mailstores (cluster_id, name, "
		    "mail_root, capacity_bytes) SELECT id, 'lvc1', "
		    "'/srv/lvc1', 10000000000 FROM clusters WHERE name = "
		    "'lvc'", 0, NULL);
	}
	it_ok(db, "UPDATE mailstores SET mail_root = $1 || '/mail' WHERE name "
	    "= 'lvc1'", 1, p);
	api("/api/v1/companies", "{\"name\": \"Live stats\", \"cluster\": "
	    "\"lvc\"}");
	id = it_company_id(db, "Live stats");
	for (i = 0; i < 2; i++) {
		snprintf(body, sizeof(body), "{\"name\": \"%s\", "
		    "\"company_id\": %s}", domains[i], id);
		api("/api/v1/domains", body);
	}
	free(id);
	/* full@ takes less than one message of the script's. */
	for (i = 0; i < NBOX; i++) {
		snprintf(body, sizeof(body), "{\"address\": \"%s\", "
		    "\"password\": \"" MS_PASSWORD "\", \"quota_bytes\": %d}",
		    boxes[i].addr, strncmp(boxes[i].addr, "full@", 5) == 0 ?
		    1000 : 10000000);
		api("/api/v1/mailboxes", body);
	}
}

/* Postfix's own files: the shipped main.cf lines, then the test's. */
static void
postfix_config(void)
{
	char	path[320];

	ms_postfix_maps();
	smtp_port = ms_free_port();
	submission_port = ms_free_port();
	sink_port = ms_free_port();
	refuse_port = ms_free_port();
	sti_sh("mkdir -p %s/postfix %s/queue %s/sink && chown nobody "
	    "%s/sink", ms_dir, ms_dir, ms_dir, ms_dir);
	snprintf(path, sizeof(path), "-e 's|/etc/postfix/postroom/|%s/|'",
	    ms_dir);
	ms_install("conf/postfix/main.cf.postroom", "postfix/main.cf", path,
	    ms_dir);
	/*
	 * A private instance on loopback: its own queue, no local domains
	 * (Postroom's are virtual), no DNS (the client's name is not
	 * looked up), mail for the world to smtp-sink, and its log in a
	 * file of its own (postlogd; no syslog daemon needed).
	 */
	ms_write("postfix/main.cf", "a", "\ncompatibility_level = 3.6\n"
	    "queue_directory = %s/queue\ndata_directory = %s/data\n"
	    "mail_owner = postfix\nsetgid_group = postdrop\n"
	    "myhostname = " HOST "\nmydomain = live.test\nmydestination =\n"
	    "inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\n"
	    "mynetworks = 127.0.0.1/32\nsmtpd_peername_lookup = no\n"
	    "alias_maps =\nalias_database =\nbiff = no\n"
	    "relayhost = [127.0.0.1]:%d\ntransport_maps = texthash:%s/"
	    "transport\nmaillog_file = %s/postfix.log\n"
	    "maillog_file_prefixes = %s\n", ms_dir, ms_dir, sink_port,
	    ms_dir, ms_dir, ms_dir);
	ms_write("transport", "w", "refused.example smtp:[127.0.0.1]:%d\n",
	    refuse_port);
}

/* master.cf: smtpd and a submission smtpd with SASL; no chroot. */
static void
postfix_master(void)
{
	static const char	*svc[] = {
		"pickup unix n - n 60 1 pickup",
		"cleanup unix n - n - 0 cleanup",
		"qmgr unix n - n 300 1 qmgr",
		"rewrite unix - - n - - trivial-rewrite",
		"bounce unix - - n - 0 bounce",
		"defer unix - - n - 0 bounce",
		"trace unix - - n - 0 bounce",
		"verify unix - - n - 1 verify",
		"flush unix n - n 1000? 0 flush",
		"proxymap unix - - n - - proxymap",
		"smtp unix - - n - - smtp",
		"showq unix n - n - - showq",
		"error unix - - n - - error",
		"retry unix - - n - - error",
		"discard unix - - n - - discard",
		"lmtp unix - - n - - lmtp",
		"anvil unix - - n - 1 anvil",
		"scache unix - - n - 1 scache",
		"postlog unix-dgram n - n - 1 postlogd",
	};
	struct sbuf	cf;
	size_t		i;

	sbuf_init(&cf);
	sbuf_printf(&cf, "127.0.0.1:%d inet n - n - - smtpd\n"
	    "127.0.0.1:%d inet n - n - - smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n",
	    smtp_port, submission_port);
	for (i = 0; i < sizeof(svc) / sizeof(svc[0]); i++)
		sbuf_printf(&cf, "%s\n", svc[i]);
	ms_write("postfix/master.cf", "w", "%s", cf.data);
	sbuf_free(&cf);
}

static void
postfix_start(void)
{
	char	check[320], start[320];

	snprintf(check, sizeof(check), "postfix -c %s/postfix check", ms_dir);
	snprintf(start, sizeof(start), "postfix -c %s/postfix start", ms_dir);
	/* Started, or perhaps half: see daemons_stop. */
	postfix_pid = -1;
	ms_start(check, start, "postfix-start.log");
	postfix_pid = ms_pid("queue/pid/master.pid");
	cr_assert_gt(postfix_pid, 0, "Postfix wrote no master.pid");
}

/* smtp-sink on port; refuse: every RCPT gets 5xx. */
static pid_t
sink(int port, int refuse)
{
	char	addr[32], dump[300];
	pid_t	pid;

	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	snprintf(dump, sizeof(dump), "%s/sink/m.", ms_dir);
	if ((pid = fork()) == 0) {
		if (refuse)
			execlp("smtp-sink", "smtp-sink", "-u", "nobody", "-f",
			    "RCPT", addr, "10", (char *)NULL);
		else
			execlp("smtp-sink", "smtp-sink", "-u", "nobody", "-d",
			    dump, addr, "10", (char *)NULL);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	/* Postfix would defer a message sent before it listens. */
	cr_assert_eq(ms_listening(port), 0, "smtp-sink: no %s", addr);
	return (pid);
}

static void
up(void)
{
	char	sockets[320];

	db = it_db();
	if (geteuid() != 0)
		cr_skip_test("Dovecot and Postfix run as root");
	ms_workspace(db, "stats-live");
	directory();
	postfix_config();
	postfix_master();
	sinks[0] = sink(sink_port, 0);
	sinks[1] = sink(refuse_port, 1);
	/* Their time stamps in a zone of their own. */
	setenv("TZ", ZONE, 1);
	postfix_start();
	/* Dovecot's LMTP and auth listeners in Postfix's private/. */
	snprintf(sockets, sizeof(sockets), "%s/queue/private", ms_dir);
	dovecot_pid = -1;
	dovecot_pid = ms_dovecot_start(sockets);
	unsetenv("TZ");
}

/* Kill what is left of a master's session; 1 when nothing was. */
static int
gone(int pid)
{
	if (pid <= 0 || ms_gone(pid))
		return (1);
	kill(-pid, SIGKILL);
	return (0);
}

/*
 * Stop Postfix and Dovecot, once; 1 when no process of theirs is left
 * (a master leads a session of its own).  A pid of -1 is a start that
 * failed on the way: its pid file, if any, tells.
 */
static int
daemons_stop(void)
{
	struct sbuf	cmd, out;
	int		ok = 1;

	if (postfix_pid == -1)
		postfix_pid = ms_pid("queue/pid/master.pid");
	if (postfix_pid > 0) {
		sbuf_init(&cmd);
		sbuf_init(&out);
		sbuf_printf(&cmd, "TZ=" ZONE " postfix -c %s/postfix stop",
		    ms_dir);
		(void)ms_run(&out, cmd.data);
		sbuf_free(&cmd);
		sbuf_free(&out);
		ok &= gone(postfix_pid);
		postfix_pid = 0;
	}
	if (dovecot_pid == -1)
		dovecot_pid = ms_pid("run/master.pid");
	if (dovecot_pid > 0) {
		ms_dovecot_stop();
		ok &= gone(dovecot_pid);
		dovecot_pid = 0;
	}
	return (ok);
}

static void
down(void)
{
	size_t	i;

	(void)daemons_stop();
	for (i = 0; i < 2; i++) {
		if (sinks[i] > 0) {
			kill(sinks[i], SIGTERM);
			waitpid(sinks[i], NULL, 0);
			sinks[i] = 0;
		}
	}
	for (i = 0; i < nlogins; i++)
		free(logins[i]);
	for (i = 0; i < ndeliveries; i++)
		free(deliveries[i]);
	PQfinish(db);
}

/* An IMAP session from ip: fails wrong passwords, or a login. */
static void
imap(const char *ip, const char *user, int fails)
{
	struct sbuf	out;
	char		cmd[256], want[16];
	int		fd, i;

	sbuf_init(&out);
	fd = ms_dial(ms_imap_port, ip);
	cr_assert_eq(ms_say(fd, NULL, "\r\n", &out), 0, "%s", out.data);
	/* Dovecot logs failures followed by a login as the login only. */
	for (i = 0; i < fails; i++) {
		snprintf(cmd, sizeof(cmd), "f%d LOGIN %s " WRONG "\r\n", i,
		    user);
		snprintf(want, sizeof(want), "f%d NO ", i);
		cr_assert_eq(ms_say(fd, cmd, want, &out), 0, "%s", out.data);
	}
	if (fails == 0) {
		snprintf(cmd, sizeof(cmd), "a LOGIN %s " MS_PASSWORD "\r\n",
		    user);
		cr_assert_eq(ms_say(fd, cmd, "a OK ", &out), 0, "%s",
		    out.data);
		cr_assert_eq(ms_say(fd, "b SELECT INBOX\r\n", "b OK ", &out),
		    0, "%s", out.data);
	}
	cr_assert_eq(ms_say(fd, "z LOGOUT\r\n", NULL, &out), 0, "%s",
	    out.data);
	close(fd);
	sbuf_free(&out);
	expect_login(user, "imap", fails == 0, fails ? fails : 1, ip);
}

/* A POP3 session from ip: a login that reads the first message, or not. */
static void
pop3(const char *ip, const char *user, int ok)
{
	struct sbuf	out;
	char		cmd[256];
	int		fd;

	sbuf_init(&out);
	fd = ms_dial(ms_pop3_port, ip);
	cr_assert_eq(ms_say(fd, NULL, "\r\n", &out), 0, "%s", out.data);
	snprintf(cmd, sizeof(cmd), "USER %s\r\n", user);
	cr_assert_eq(ms_say(fd, cmd, "+OK", &out), 0, "%s", out.data);
	snprintf(cmd, sizeof(cmd), "PASS %s\r\n", ok ? MS_PASSWORD : WRONG);
	cr_assert_eq(ms_say(fd, cmd, ok ? "+OK Logged in" : "-ERR", &out), 0,
	    "%s", out.data);
	if (ok)
		cr_assert_eq(ms_say(fd, "RETR 1\r\n", "\r\n.\r\n", &out), 0,
		    "%s", out.data);
	cr_assert_eq(ms_say(fd, "QUIT\r\n", NULL, &out), 0, "%s", out.data);
	close(fd);
	sbuf_free(&out);
	expect_login(user, "pop3", ok, 1, ip);
}

/* Send cmd (unless NULL) and read the whole SMTP reply: its code. */
static int
smtp(int fd, const char *cmd, struct sbuf *out)
{
	const char	*last;

	sbuf_reset(out);
	do {
		cr_assert_eq(ms_say(fd, cmd, "\r\n", out), 0, "%s: %s",
		    cmd ? cmd : "greeting", out->data);
		cmd = NULL;
		for (last = out->data + out->len - 2; last > out->data &&
		    last[-1] != '\n'; last--)
			;
	} while (out->len < 2 || out->data[out->len - 1] != '\n' ||
	    strlen(last) < 4 || last[3] != ' ');
	return (atoi(last));
}

static void
smtp_ok(int fd, const char *cmd, int code, struct sbuf *out)
{
	cr_assert_eq(smtp(fd, cmd, out), code, "%s: %s", cmd, out->data);
}

/* The AUTH PLAIN command of user and password. */
static void
auth_plain(char *cmd, size_t len, const char *user, const char *pw)
{
	unsigned char	raw[256], b64[400];
	int		n;

	n = snprintf((char *)raw, sizeof(raw), "%c%s%c%s", 0, user, 0, pw);
	cr_assert(n > 0 && n < (int)sizeof(raw));
	cr_assert_gt(EVP_EncodeBlock(b64, raw, n), 0);
	snprintf(cmd, len, "AUTH PLAIN %s\r\n", b64);
}

static void
greet(int fd, const char *user, const char *pw, struct sbuf *out)
{
	char	cmd[512];

	smtp_ok(fd, NULL, 220, out);
	smtp_ok(fd, "EHLO client.example\r\n", 250, out);
	if (user == NULL)
		return;
	auth_plain(cmd, sizeof(cmd), user, pw);
	smtp_ok(fd, cmd, strcmp(pw, MS_PASSWORD) == 0 ? 235 : 535, out);
}

/* Where a recipient's mail ends. */
enum fate { LOCAL, QUOTA, REMOTE, REFUSED, UNKNOWN };

static enum fate
fate(const char *rcpt)
{
	if (strcmp(rcpt, NOBODY) == 0)
		return (UNKNOWN);
	if (strncmp(rcpt, "full@", 5) == 0)
		return (QUOTA);
	if (strstr(rcpt, "@refused.example") != NULL)
		return (REFUSED);
	return (box(rcpt) != NULL ? LOCAL : REMOTE);
}

/* A message of body lines (all shorter than 128 bytes: see size()). */
static void
message(struct sbuf *msg, const struct mail *m, int lines)
{
	int	i;

	sbuf_printf(msg, "From: <%s>\r\nTo: <%s>\r\nSubject: live %zu\r\n"
	    "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
	    "Message-ID: <live%zu.%d@live.test>\r\n\r\n", m->from, m->rcpt[0],
	    nmail, nmail, (int)getpid());
	for (i = 0; i < lines; i++)
		sbuf_printf(msg, "Line %d of message %zu of the live test.\r\n",
		    i, nmail);
}

/*
 * Hand a message to Postfix on port from ip, after AUTH PLAIN as user
 * when there is one.  A refused.example recipient asks for no DSN: one
 * would come back to our sender with a size the test does not know.
 */
static void
send_mail(int port, const char *ip, const char *user, const char *from,
    const char *const *rcpt, int lines)
{
	struct mail	*m = &mails[nmail];
	struct sbuf	 out, msg;
	char		 cmd[512];
	const char	*q;
	int		 fd, i;

	cr_assert_lt(nmail, MAX_MAIL);
	m->user = user;
	m->from = from;
	sbuf_init(&out);
	sbuf_init(&msg);
	fd = ms_dial(port, ip);
	greet(fd, user, MS_PASSWORD, &out);
	snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>\r\n", from);
	smtp_ok(fd, cmd, 250, &out);
	for (i = 0; rcpt[i] != NULL; i++) {
		m->rcpt[i] = rcpt[i];
		snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>%s\r\n", rcpt[i],
		    fate(rcpt[i]) == REFUSED ? " NOTIFY=NEVER" : "");
		smtp_ok(fd, cmd, fate(rcpt[i]) == UNKNOWN ? 550 : 250, &out);
		m->taken[i] = fate(rcpt[i]) != UNKNOWN;
		m->ntaken += m->taken[i];
	}
	if (m->ntaken > 0) {
		smtp_ok(fd, "DATA\r\n", 354, &out);
		message(&msg, m, lines);
		m->len = msg.len;
		sbuf_puts(&msg, ".\r\n");
		smtp_ok(fd, msg.data, 250, &out);
		cr_assert((q = strstr(out.data, "queued as ")) != NULL, "%s",
		    out.data);
		cr_assert_eq(sscanf(q, "queued as %31[0-9A-Za-z]", m->qid), 1);
		nmail++;
	}
	smtp_ok(fd, "QUIT\r\n", 221, &out);
	close(fd);
	sbuf_free(&out);
	sbuf_free(&msg);
	if (user != NULL)
		expect_login(user, "smtp", 1, 1, ip);
}

static void
auth_fails(const char *ip, const char *user)
{
	struct sbuf	out;
	int		fd;

	sbuf_init(&out);
	fd = ms_dial(submission_port, ip);
	greet(fd, user, WRONG, &out);
	smtp_ok(fd, "QUIT\r\n", 221, &out);
	close(fd);
	sbuf_free(&out);
	expect_login(user, "smtp", 0, 1, ip);
}

static void
queue_empty(void)
{
	struct sbuf	cmd, out;
	int		i;

	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "postqueue -c %s/postfix -p", ms_dir);
	for (i = 0; i < 600; i++) {
		(void)ms_run(&out, cmd.data);
		if (strstr(out.data, "Mail queue is empty") != NULL)
			break;
		usleep(100 * 1000);
	}
	cr_assert(strstr(out.data, "Mail queue is empty") != NULL, "%s",
	    out.data);
	sbuf_free(&cmd);
	sbuf_free(&out);
}

/* The lines, CRLF-counted, of the header block at p; 0 if not qid's. */
static long
header_len(const char *p, const char *id)
{
	const char	*e = p;
	long		 len = 0;

	do {
		e = strchr(e, '\n');
		if (e == NULL)
			return (0);
		len += 1;
		e++;
	} while (*e == '\t' || *e == ' ');
	len += e - p;
	if (memmem(p, e - p, "(Postfix)", 9) == NULL ||
	    memmem(p, e - p, id, strlen(id)) == NULL)
		return (0);
	return (len);
}

/*
 * A message's size as Postfix gives it: what the test sent and the
 * Received: header that Postfix's smtpd put on top, read back from a
 * delivered copy (a Maildir file, a dump of smtp-sink, or a DSN
 * carrying it), all with CRLF line ends.  (Postfix counts the queue
 * file's records: each line and two bytes of type and length, which is
 * CRLF for lines shorter than 128 bytes.)
 */
static long
size(const struct mail *m)
{
	struct sbuf	 cmd, out, text;
	char		 id[48], buf[4096];
	const char	*p;
	long		 len = 0;
	FILE		*f;
	size_t		 n;

	snprintf(id, sizeof(id), " id %s", m->qid);
	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_init(&text);
	sbuf_printf(&cmd, "grep -rlF -e '%s' %s/mail %s/sink | head -n 1 | "
	    "tr -d '\\n'", id, ms_dir, ms_dir);
	cr_assert_eq(ms_run(&out, cmd.data), 0);
	cr_assert((f = fopen(out.data, "r")) != NULL, "no copy of %s",
	    m->qid);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_append(&text, buf, n);
	fclose(f);
	for (p = text.data; p != NULL && len == 0; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "Received: ", 10) == 0)
			len = header_len(p, id);
	}
	cr_assert_gt(len, 0, "%s: no Received: header of %s", out.data,
	    m->qid);
	sbuf_free(&cmd);
	sbuf_free(&out);
	sbuf_free(&text);
	return ((long)m->len + len);
}

/* What a message handed to Postfix must count for, for whom. */
static void
account(const struct mail *m)
{
	struct box	*u = m->user ? box(m->user) : NULL, *b;
	long		 sz = size(m);
	int		 i, bounced;

	for (i = 0; m->rcpt[i] != NULL; i++) {
		if (!m->taken[i])
			continue;
		b = box(m->rcpt[i]);
		bounced = fate(m->rcpt[i]) == REFUSED ||
		    fate(m->rcpt[i]) == QUOTA;
		if (b != NULL) {
			expect_delivery(b->addr, "in", m->from, bounced ?
			    "bounced" : "sent", sz);
			b->bounces += bounced;
			b->in += !bounced;
			b->bytes_in += bounced ? 0 : sz;
			b->lmtp += !bounced;
		}
		if (fate(m->rcpt[i]) == QUOTA) {
			/* Dovecot's line: no queue id, no size. */
			expect_delivery(b->addr, "in", "", "quota_exceeded",
			    -1);
			b->quota++;
		}
		if (u == NULL)
			continue;
		expect_delivery(u->addr, "out", m->rcpt[i], bounced ?
		    "bounced" : "sent", sz);
		u->bounces += bounced;
	}
	if (u != NULL) {
		u->out++;
		u->bytes_out += sz;
		u->rcpts += m->ntaken;
	}
}

/* build/postroom-asan stats ingest of one of the logs. */
static void
ingest(const char *source, const char *format, const char *file)
{
	sti_sh("build/postroom-asan stats ingest --source %s --format %s "
	    "--time-zone " ZONE " --quiet %s/%s", source, format, ms_dir,
	    file);
}

static int
cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The rows, sorted, one a line. */
static char *
joined(char **v, size_t n)
{
	struct sbuf	s;
	size_t		i;

	qsort(v, n, sizeof(*v), cmp);
	sbuf_init(&s);
	for (i = 0; i < n; i++)
		sbuf_printf(&s, "%s%s", i ? "\n" : "", v[i]);
	return (s.data);
}

/* What a query of one text column gives, sorted the same way. */
static char *
stored(const char *sql)
{
	struct sbuf	q;
	char		*v;

	sbuf_init(&q);
	sbuf_printf(&q, "SELECT coalesce(string_agg(r, E'\\n' ORDER BY r "
	    "COLLATE \"C\"), '') FROM (%s) t(r)", sql);
	v = it_value(db, q.data, 0, NULL);
	sbuf_free(&q);
	return (v);
}

static void
same(const char *what, char **v, size_t n, const char *sql)
{
	char	*want = joined(v, n), *got = stored(sql);

	cr_expect_str_eq(got, want, "%s:\n--- stored\n%s\n--- performed\n%s",
	    what, got, want);
	free(want);
	free(got);
}

/* The events of this test's two sources. */
#define OURS	" JOIN stats_sources s ON s.id = e.source_id WHERE s.name " \
		"IN ('live-dovecot', 'live-postfix')"

/* A roll-up's counters, as the test counted them and as stored. */
#define COUNTERS(d) \
	"imap=" d " pop3=" d " webmail=" d " smtp=" d " failed=" d " in=" d \
	"/" d " out=" d "/" d " bounces=" d " deferrals=" d " lmtp=" d \
	" quota=" d
#define COUNTERS_SQL \
	"format('" COUNTERS("%s") "', sum(imap_logins), sum(pop3_logins), " \
	"sum(webmail_logins), sum(smtp_logins), sum(failed_logins), " \
	"sum(messages_in), sum(bytes_in), sum(messages_out), " \
	"sum(bytes_out), sum(bounces), sum(deferrals), " \
	"sum(lmtp_deliveries), sum(quota_failures))"

/* No webmail logins (no webmail host), no deferrals (all went at once). */
static char *
counters(const char *name, const struct box *b)
{
	char	row[512];

	snprintf(row, sizeof(row), "%s " COUNTERS("%ld"), name, b->imap,
	    b->pop3, 0L, b->smtp, b->failed, b->in, b->bytes_in, b->out,
	    b->bytes_out, b->bounces, 0L, b->lmtp, b->quota);
	return (strdup(row));
}

static void
add(struct box *sum, const struct box *b)
{
	sum->imap += b->imap;
	sum->pop3 += b->pop3;
	sum->smtp += b->smtp;
	sum->failed += b->failed;
	sum->in += b->in;
	sum->bytes_in += b->bytes_in;
	sum->out += b->out;
	sum->bytes_out += b->bytes_out;
	sum->bounces += b->bounces;
	sum->lmtp += b->lmtp;
	sum->quota += b->quota;
}

/* Per mailbox, per domain and for the company, summed over days. */
static void
same_rollups(void)
{
	struct box	 dom[2], all;
	char		*rows[NBOX + 3], row[128];
	size_t		 i, n = 0;

	memset(dom, 0, sizeof(dom));
	memset(&all, 0, sizeof(all));
	for (i = 0; i < NBOX; i++) {
		rows[n++] = counters(boxes[i].addr, &boxes[i]);
		add(&dom[boxes[i].dom], &boxes[i]);
		add(&all, &boxes[i]);
	}
	rows[n++] = counters(domains[0], &dom[0]);
	rows[n++] = counters(domains[1], &dom[1]);
	rows[n++] = counters("company", &all);
	same("roll-ups", rows, n,
	    "SELECT m.address || ' ' || " COUNTERS_SQL " FROM "
	    "stats_mailbox_daily d JOIN mailboxes m ON m.company_id = "
	    "d.company_id AND m.id = d.mailbox_id JOIN companies c ON c.id = "
	    "d.company_id WHERE c.name = 'Live stats' GROUP BY m.address "
	    "UNION ALL SELECT o.name || ' ' || " COUNTERS_SQL " FROM "
	    "stats_domain_daily d JOIN domains o ON o.company_id = "
	    "d.company_id AND o.id = d.domain_id JOIN companies c ON c.id = "
	    "d.company_id WHERE c.name = 'Live stats' GROUP BY o.name "
	    "UNION ALL SELECT 'company ' || " COUNTERS_SQL " FROM "
	    "stats_company_daily d JOIN companies c ON c.id = d.company_id "
	    "WHERE c.name = 'Live stats'");
	for (i = 0; i < n; i++)
		free(rows[i]);
	/* Messages, recipients and bytes sent, per mailbox and minute. */
	for (n = 0, i = 0; i < NBOX; i++) {
		if (boxes[i].out == 0)
			continue;
		snprintf(row, sizeof(row), "%s %ld/%ld/%ld", boxes[i].addr,
		    boxes[i].out, boxes[i].rcpts, boxes[i].bytes_out);
		rows[n++] = strdup(row);
	}
	same("outbound per minute", rows, n,
	    "SELECT format('%s %s/%s/%s', m.address, sum(o.messages), "
	    "sum(o.recipients), sum(o.bytes)) FROM stats_outbound_minute o "
	    "JOIN mailboxes m ON m.company_id = o.company_id AND m.id = "
	    "o.mailbox_id JOIN companies c ON c.id = o.company_id WHERE "
	    "c.name = 'Live stats' GROUP BY m.address");
	for (i = 0; i < n; i++)
		free(rows[i]);
}

/* Every event between the script's start and end, to the second. */
static void
in_window(time_t t0, time_t t1)
{
	char		 a[32], b[32];
	const char	*p[2] = { a, b };

	snprintf(a, sizeof(a), "%lld", (long long)t0);
	snprintf(b, sizeof(b), "%lld", (long long)t1 + 1);
	cr_expect_eq(it_count(db, "SELECT count(*) FROM (SELECT e.at FROM "
	    "stats_login_events e" OURS " UNION ALL SELECT e.at FROM "
	    "stats_delivery_events e" OURS ") t WHERE at < to_timestamp($1) "
	    "OR at >= to_timestamp($2)", 2, p), 0,
	    "events outside the test's time: is the zone read?");
}

/*
 * Lines of the logs that the collector skips, and rightly: they count
 * nothing (a connection without a login or a message, a message's id,
 * a DSN's queue id, the daemons' start and stop).  Every other line must
 * have been read as an event.
 */
static const char *const	dovecot_skips[] = {
	" master: ",
	" lmtp\\([0-9]+\\): Info: (Connect|Disconnect) from local",
	NULL
};
static const char *const	postfix_skips[] = {
	" postfix/(master|postfix-script)\\[",
	" postfix/(submission/)?smtpd\\[[0-9]+\\]: (connect|disconnect) from ",
	" postfix/cleanup\\[[0-9]+\\]: [0-9A-F]+: message-id=",
	" postfix/bounce\\[[0-9]+\\]: [0-9A-F]+: sender non-delivery "
	    "notification: ",
	NULL
};

/* How many lines of file match one of the patterns. */
static long long
matching(const char *file, const char *const *re)
{
	struct sbuf	cmd, out;
	long long	n;
	int		i;

	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "grep -c -E");
	for (i = 0; re[i] != NULL; i++)
		sbuf_printf(&cmd, " -e '%s'", re[i]);
	sbuf_printf(&cmd, " %s/%s", ms_dir, file);
	(void)ms_run(&out, cmd.data);
	n = strtoll(out.data, NULL, 10);
	sbuf_free(&cmd);
	sbuf_free(&out);
	return (n);
}

static void
skipped(const char *source, const char *file, const char *const *re)
{
	const char	*p[1] = { source };
	char		*v, *lines, want[64];

	snprintf(want, sizeof(want), "0 0 %lld", matching(file, re));
	v = it_value(db, "SELECT format('%s %s %s', skip_toolong, skip_frame, "
	    "skip_program + skip_message) FROM stats_sources WHERE name = $1",
	    1, p);
	lines = it_value(db, "SELECT coalesce(string_agg(u.reason || ': ' || "
	    "u.line, E'\\n'), '') FROM stats_unparsed u JOIN stats_sources s "
	    "ON s.id = u.source_id WHERE s.name = $1", 1, p);
	cr_expect_str_eq(v, want, "%s: skipped (too long, no frame, other) "
	    "%s, not %s; the latest skipped:\n%s", source, v, want, lines);
	free(v);
	free(lines);
}

Test(stats_live, real_postfix_and_dovecot_logs, .init = up, .fini = down,
    .timeout = 300)
{
	const char	*m1[] = { "anna@live1.example", NULL };
	const char	*m2[] = { "carl@live2.example", NULL };
	const char	*m3[] = { "anna@live1.example", "bert@live1.example",
	    NOBODY, NULL };
	const char	*m4[] = { NOBODY, NULL };
	const char	*m5[] = { "full@live2.example", NULL };
	const char	*m6[] = { "r@remote.example", "bert@live1.example",
	    NULL };
	const char	*m7[] = { "s@remote.example", "t@refused.example",
	    NULL };
	const char	*m8[] = { "u@remote.example", NULL };
	time_t		 t0 = time(NULL), t1;
	size_t		 i;

	/* Mail from the world: delivered over LMTP, refused, over quota. */
	send_mail(smtp_port, OUTSIDE, NULL, "x@outside.example", m1, 2);
	send_mail(smtp_port, OUTSIDE, NULL, "x@outside.example", m2, 3);
	send_mail(smtp_port, OUTSIDE, NULL, "x@outside.example", m3, 1);
	send_mail(smtp_port, OUTSIDE, NULL, "x@outside.example", m4, 1);
	send_mail(smtp_port, OUTSIDE, NULL, "x@outside.example", m5, 40);
	/* Mail of our users, with SASL: out, in, and one refused outside. */
	send_mail(submission_port, "127.0.0.21", "anna@live1.example",
	    "anna@live1.example", m6, 2);
	send_mail(submission_port, "127.0.0.22", "carl@live2.example",
	    "carl@live2.example", m7, 4);
	send_mail(submission_port, "127.0.0.21", "anna@live1.example",
	    "anna@live1.example", m8, 5);
	auth_fails("127.0.0.23", "bert@live1.example");
	queue_empty();

	/* Logins; a failed one from an address of its own (no penalty). */
	imap("127.0.0.11", "anna@live1.example", 0);
	imap("127.0.0.12", "bert@live1.example", 0);
	imap("127.0.0.12", "bert@live1.example", 0);
	imap("127.0.0.13", "anna@live1.example", 2);
	imap("127.0.0.14", "carl@live2.example", 1);
	imap("127.0.0.15", NOBODY, 1);
	pop3("127.0.0.16", "bert@live1.example", 0);
	pop3("127.0.0.17", "carl@live2.example", 1);
	t1 = time(NULL);

	/* Stopped, they have written every line; none of them is left. */
	cr_assert(daemons_stop(), "a process of Postfix or Dovecot is left");
	for (i = 0; i < nmail; i++)
		account(&mails[i]);
	ingest("live-dovecot", "dovecot", "dovecot.log");
	ingest("live-postfix", "syslog", "postfix.log");

	same("login events", logins, nlogins, "SELECT format('%s %s %s %s "
	    "%s', e.address, e.protocol, CASE WHEN e.success THEN 'ok' ELSE "
	    "'failed' END, e.attempts, host(e.remote_addr)) FROM "
	    "stats_login_events e" OURS);
	same("delivery events", deliveries, ndeliveries, "SELECT format('%s "
	    "%s <%s> %s %s', e.address, e.direction, e.counterpart, e.status, "
	    "coalesce(e.size::text, '-')) FROM stats_delivery_events e" OURS);
	same_rollups();
	/* The unknown user's failure is kept as nobody's, and only it. */
	cr_expect_eq(it_count1(db, "SELECT count(*) FROM stats_login_events "
	    "e" OURS " AND (e.company_id IS NULL) <> (e.address = $1)",
	    NOBODY), 0);
	in_window(t0, t1);
	skipped("live-dovecot", "dovecot.log", dovecot_skips);
	skipped("live-postfix", "postfix.log", postfix_skips);
}
