/*
 * A realistic mixed mail log for the collector's tests and benchmark:
 * Dovecot logins and sessions, LMTP deliveries, Postfix inbound and
 * outbound messages (interleaved, some deferred and retried much later,
 * some bounced, some through a content filter), failed logins of known
 * and unknown users, SMTP AUTH failures, rejects, Roundcube logins,
 * webmail backend logins, other programs' lines, garbage and over-long
 * lines.  Deterministic for a seed; classic syslog time stamps spread
 * over one day from START.
 *
 *   stats_genlog [-n LINES] [-m MAILBOXES] [-d DOMAINS] [-c COMPANIES]
 *	[-s SEED] [-t START] > mail.log
 *   stats_genlog -S [-m ...] [-d ...] [-c ...]	the directory, as SQL
 *
 * Mailbox k is u<k>@d<k mod DOMAINS>.gen.example; domain j belongs to
 * company "Gen <j mod COMPANIES>" (zones alternate UTC and
 * Europe/Amsterdam).  One login in twenty is typed in capitals.  The
 * webmail host is 10.0.0.5.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLIGHT		256
#define STEPS		12
#define LINE		600
#define SPAN		86400		/* seconds the log covers */
#define WEBMAIL_HOST	"10.0.0.5"

struct script {
	int	used;
	int	next;
	int	n;
	long	ready;			/* line of the next step */
	char	line[STEPS][LINE];
	long	wait[STEPS];		/* lines between steps */
};

static uint64_t		rng = 88172645463325252ULL;
static long		nmbox = 1000, ndom = 50, ncomp = 5;
static long		lines, target = 100000;
static time_t		start_t;
static struct script	flight[FLIGHT];
static unsigned long	qseq, pidseq = 1000;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

static long
pick(long n)
{
	return ((long)(rnd() % (uint64_t)n));
}

static void
user(char *buf, size_t len, long k)
{
	snprintf(buf, len, pick(20) == 0 ? "U%ld@D%ld.GEN.EXAMPLE" :
	    "u%ld@d%ld.gen.example", k, k % ndom);
}

static void
ip(char *buf, size_t len)
{
	snprintf(buf, len, "%ld.%ld.%ld.%ld", 1 + pick(223), pick(256),
	    pick(256), 1 + pick(254));
}

static void
qid(char *buf, size_t len)
{
	snprintf(buf, len, "%05lX%05lX", ++qseq & 0xfffff,
	    (unsigned long)pick(0xfffff));
}

static void
emit(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
emit(const char *fmt, ...)
{
	struct tm	tm;
	time_t		t;
	char		stamp[32];
	va_list		ap;

	t = start_t + (time_t)((double)lines * SPAN / target);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	printf("%s mail ", stamp);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	lines++;
}

static struct script *
script(void)
{
	struct script	*s = &flight[pick(FLIGHT)];
	int		 i;

	for (i = 0; i < FLIGHT && s->used; i++)
		s = &flight[(s - flight + 1) % FLIGHT];
	/* All in flight: this one ends now. */
	while (s->used && s->next < s->n)
		emit("%s", s->line[s->next++]);
	memset(s, 0, sizeof(*s));
	return (s);
}

static void
step(struct script *s, long wait, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
step(struct script *s, long wait, const char *fmt, ...)
{
	va_list	ap;

	if (s->n == STEPS)
		return;
	va_start(ap, fmt);
	vsnprintf(s->line[s->n], LINE, fmt, ap);
	va_end(ap);
	s->wait[s->n++] = wait;
}

static void
run(struct script *s)
{
	if (s->n == 0)
		return;
	s->used = 1;
	s->ready = lines + s->wait[0];
}

/* One due step of a script in flight; 0 when none is due. */
static int
advance(void)
{
	struct script	*s = &flight[pick(FLIGHT)];
	int		 i;

	for (i = 0; i < 8; i++, s = &flight[pick(FLIGHT)]) {
		if (!s->used || s->ready > lines)
			continue;
		emit("%s", s->line[s->next++]);
		if (s->next == s->n)
			s->used = 0;
		else
			s->ready = lines + s->wait[s->next];
		return (1);
	}
	return (0);
}

static void
session(int pop, const char *rip)
{
	struct script	*s = script();
	char		 u[128];
	unsigned long	 pid = ++pidseq;

	user(u, sizeof(u), pick(nmbox));
	emit("dovecot: %s-login: Login: user=<%s>, method=PLAIN, rip=%s, "
	    "lip=192.0.2.1, mpid=%lu, TLS, session=<S%lu>", pop ? "pop3" :
	    "imap", u, rip, pid, pid);
	if (pop)
		step(s, 2 + pick(50), "dovecot: pop3(%s)<%lu><S%lu>: "
		    "Disconnected: Logged out top=0/0, retr=%ld/%ld, "
		    "del=0/%ld, "
		    "size=%ld", u, pid, pid, pick(5), pick(90000), pick(9),
		    pick(900000));
	else
		step(s, 5 + pick(400), "dovecot: imap(%s)<%lu><S%lu>: Logged "
		    "out in=%ld out=%ld deleted=0 expunged=0 trashed=0 "
		    "hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0", u, pid,
		    pid, pick(5000), pick(200000));
	run(s);
}

static void
failed_login(void)
{
	char	u[128], a[64];

	ip(a, sizeof(a));
	if (pick(2))
		user(u, sizeof(u), pick(nmbox));
	else
		snprintf(u, sizeof(u), pick(2) ? "admin" :
		    "nobody%ld@d%ld.gen.example", pick(500), pick(ndom));
	emit("dovecot: imap-login: Disconnected (auth failed, %ld attempts in "
	    "%ld secs): user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, TLS, "
	    "session=<F%lu>", 1 + pick(3), 2 + pick(10), u, a, ++pidseq);
}

static void
roundcube(void)
{
	char	u[128], a[64];

	user(u, sizeof(u), pick(nmbox));
	ip(a, sizeof(a));
	if (pick(5))
		emit("roundcube: <%08lx> Successful login for %s (ID: %ld) "
		    "from "
		    "%s in session r%lu", (unsigned long)pick(1 << 30), u,
		    1 + pick(nmbox), a, ++pidseq);
	else
		emit("roundcube: <%08lx> Failed login for %s from %s in "
		    "session "
		    "r%lu", (unsigned long)pick(1 << 30), u, a, ++pidseq);
}

/* A message from outside to a mailbox, through LMTP. */
static void
inbound(void)
{
	struct script	*s = script();
	char		 q[16], u[128], a[64];
	long		 size = 800 + pick(200000);
	unsigned long	 pid = ++pidseq;
	int		 full = pick(25) == 0;

	qid(q, sizeof(q));
	user(u, sizeof(u), pick(nmbox));
	ip(a, sizeof(a));
	step(s, 0, "postfix/smtpd[%lu]: connect from mx%ld.ext.example[%s]",
	    pid, pick(100), a);
	step(s, pick(3), "postfix/smtpd[%lu]: %s: client=mx.ext.example[%s]",
	    pid, q, a);
	step(s, pick(3), "postfix/cleanup[%lu]: %s: message-id=<%s@ext>", pid,
	    q, q);
	step(s, pick(3), "postfix/qmgr[99]: %s: from=<news%ld@ext.example>, "
	    "size=%ld, nrcpt=1 (queue active)", q, pick(50), size);
	step(s, pick(3), "postfix/smtpd[%lu]: disconnect from mx.ext.example"
	    "[%s] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5", pid, a);
	if (full) {
		step(s, pick(5), "dovecot: lmtp(%s)<%lu><L%lu>: "
		    "msgid=<%s@ext>: "
		    "save failed to INBOX: Quota exceeded (mailbox for user is "
		    "full)", u, pid, pid, q);
		step(s, pick(2), "postfix/lmtp[%lu]: %s: to=<%s>, relay=mail"
		    "[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1, "
		    "dsn=5.2.2, status=bounced (host "
		    "mail[private/dovecot-lmtp] "
		    "said: 552 5.2.2 <%s> Quota exceeded (in reply to end of "
		    "DATA command))", pid, q, u, u);
	} else {
		step(s, pick(5), "dovecot: lmtp(%s)<%lu><L%lu>: "
		    "msgid=<%s@ext>: "
		    "saved mail to INBOX", u, pid, pid, q);
		step(s, pick(2), "postfix/lmtp[%lu]: %s: to=<%s>, relay=mail"
		    "[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1, "
		    "dsn=2.0.0, status=sent (250 2.0.0 <%s> Saved)", pid, q,
		    u, u);
	}
	step(s, pick(2), "postfix/qmgr[99]: %s: removed", q);
	run(s);
}

static void
recipient(char *buf, size_t len)
{
	long	k = pick(nmbox);

	if (pick(5) == 0)
		snprintf(buf, len, "u%ld@d%ld.gen.example", k, k % ndom);
	else
		snprintf(buf, len, "friend%ld@far%ld.example", pick(100000),
		    pick(1000));
}

static void
delivered(struct script *s, unsigned long pid, const char *q,
    const char *r, long wait)
{
	if (strstr(r, "gen.example") != NULL)
		step(s, wait, "postfix/lmtp[%lu]: %s: to=<%s>, relay=mail"
		    "[private/dovecot-lmtp], delay=0.2, delays=0/0/0/0.2, "
		    "dsn=2.0.0, status=sent (250 2.0.0 Saved)", pid, q, r);
	else
		step(s, wait, "postfix/smtp[%lu]: %s: to=<%s>, relay=mx.far."
		    "example[203.0.113.9]:25, delay=1.2, delays=0/0/0.5/0.7, "
		    "dsn=2.0.0, status=sent (250 2.0.0 OK)", pid, q, r);
}

/* A message a mailbox sends: deferred and retried, bounced, or sent. */
static void
outbound(void)
{
	struct script	*s = script();
	char		 q[16], u[128], a[64], r[3][128];
	long		 size = 500 + pick(100000), i, n = 1 + pick(3);
	long		 fate = pick(20);
	unsigned long	 pid = ++pidseq;

	qid(q, sizeof(q));
	user(u, sizeof(u), pick(nmbox));
	ip(a, sizeof(a));
	for (i = 0; i < n; i++)
		recipient(r[i], sizeof(r[i]));
	step(s, 0, "postfix/submission/smtpd[%lu]: %s: client=home.isp."
	    "example[%s], sasl_method=PLAIN, sasl_username=%s", pid, q, a, u);
	step(s, pick(3), "postfix/qmgr[99]: %s: from=<%s>, size=%ld, "
	    "nrcpt=%ld (queue active)", q, u, size, n);
	for (i = 0; i < n; i++) {
		if (fate == 0 && i == 0) {
			step(s, pick(5), "postfix/smtp[%lu]: %s: to=<%s>, "
			    "relay="
			    "mx.far.example[203.0.113.9]:25, delay=5, delays="
			    "0/0/5/0, dsn=4.4.1, status=deferred (connect to "
			    "mx.far.example[203.0.113.9]:25: Connection timed "
			    "out)", pid, q, r[i]);
			/* The retry comes much later. */
			step(s, 500 + pick(5000), "postfix/qmgr[99]: %s: from=<"
			    "%s>, size=%ld, nrcpt=%ld (queue active)", q, u,
			    size, n);
		}
		if (fate == 1 && i == 0 && strstr(r[i], "far") != NULL)
			step(s, pick(5), "postfix/smtp[%lu]: %s: to=<%s>, "
			    "relay="
			    "mx.far.example[203.0.113.9]:25, delay=1, delays="
			    "0/0/0.5/0.5, dsn=5.1.1, status=bounced (host "
			    "mx.far.example[203.0.113.9] said: 550 5.1.1 No "
			    "such "
			    "user (in reply to RCPT TO "
			    "command))", pid, q, r[i]);
		else
			delivered(s, pid, q, r[i], pick(5));
	}
	step(s, pick(3), "postfix/qmgr[99]: %s: removed", q);
	run(s);
}

/* Through a content filter: the re-injected copy is the same message. */
static void
filtered(void)
{
	struct script	*s = script();
	char		 q[16], c[16], u[128], r[128];
	long		 size = 500 + pick(50000);
	unsigned long	 pid = ++pidseq;

	qid(q, sizeof(q));
	qid(c, sizeof(c));
	user(u, sizeof(u), pick(nmbox));
	recipient(r, sizeof(r));
	step(s, 0, "postfix/submission/smtpd[%lu]: %s: client=home.isp."
	    "example[198.51.100.7], sasl_method=LOGIN, sasl_username=%s",
	    pid, q, u);
	step(s, pick(2), "postfix/qmgr[99]: %s: from=<%s>, size=%ld, nrcpt=1 "
	    "(queue active)", q, u, size);
	step(s, pick(2), "postfix/smtpd[%lu]: %s: client=localhost[127.0.0.1]",
	    pid + 1, c);
	step(s, pick(2), "postfix/qmgr[99]: %s: from=<%s>, size=%ld, nrcpt=1 "
	    "(queue active)", c, u, size + 800);
	step(s, pick(2), "postfix/smtp[%lu]: %s: to=<%s>, relay=127.0.0.1"
	    "[127.0.0.1]:10024, delay=0.5, delays=0/0/0/0.5, dsn=2.0.0, "
	    "status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 "
	    "2.0.0 Ok: queued as %s)", pid, q, r, c);
	step(s, pick(2), "postfix/qmgr[99]: %s: removed", q);
	delivered(s, pid + 2, c, r, pick(4));
	step(s, pick(2), "postfix/qmgr[99]: %s: removed", c);
	run(s);
}

static void
noise(void)
{
	char	a[64];

	ip(a, sizeof(a));
	switch (pick(6)) {
	case 0:
		emit("postfix/smtpd[%lu]: connect from unknown[%s]", ++pidseq,
		    a);
		break;
	case 1:
		emit("postfix/anvil[77]: statistics: max connection rate 1/60s "
		    "for (smtp:%s) at Jan  1 00:00:00", a);
		break;
	case 2:
		emit("amavis[4336]: (04336-07) Passed CLEAN {RelayedInbound}, "
		    "[%s]:34764 <a@ext.example> -> <b@gen.example>", a);
		break;
	case 3:
		emit("opendkim[289]: %05lX: no signature data", pick(0xfffff));
		break;
	case 4:
		emit("postfix/smtpd[%lu]: NOQUEUE: reject: RCPT from "
		    "unknown[%s]: "
		    "550 5.1.1 <x%ld@d%ld.gen.example>: Recipient address "
		    "rejected: User unknown in virtual mailbox table; from=<"
		    "spam@ext.example> to=<x@d.gen.example> proto=ESMTP "
		    "helo=<x>", ++pidseq, a, pick(1000), pick(ndom));
		break;
	default:
		emit("postfix/smtpd[%lu]: warning: unknown[%s]: SASL LOGIN "
		    "authentication failed: UGFzc3dvcmQ6", ++pidseq, a);
		break;
	}
}

static void
garbage(void)
{
	long	i, n;

	if (pick(40) == 0) {
		/* Longer than the parser takes: skipped as too long. */
		n = 70000;
		for (i = 0; i < n; i++)
			putchar('a' + (int)(i % 26));
		putchar('\n');
		lines++;
		return;
	}
	printf("\x01garbage \xff\xfe %lu \\ no frame\n", (unsigned long)rnd());
	lines++;
}

static void
activity(void)
{
	long	r = pick(1000);

	if (r < 300)
		session(0, "203.0.113.77");
	else if (r < 360)
		session(1, "203.0.113.78");
	else if (r < 400)
		session(0, WEBMAIL_HOST);
	else if (r < 430)
		roundcube();
	else if (r < 480)
		failed_login();
	else if (r < 660)
		inbound();
	else if (r < 740)
		outbound();
	else if (r < 760)
		filtered();
	else if (r < 995)
		noise();
	else
		garbage();
}

static void
seed_sql(void)
{
	long	i;

	printf("INSERT INTO clusters (name) VALUES ('gen');\n"
	    "INSERT INTO mailstores (cluster_id, name, mail_root, "
	    "capacity_bytes) SELECT id, 'gen1', '/srv/gen1', 1000000000000000 "
	    "FROM clusters WHERE name = 'gen';\n");
	for (i = 0; i < ncomp; i++)
		printf("INSERT INTO companies (name, cluster_id, time_zone) "
		    "SELECT 'Gen %ld', id, '%s' FROM clusters WHERE name = "
		    "'gen';\n", i, i % 2 ? "Europe/Amsterdam" : "UTC");
	printf("INSERT INTO domains (company_id, name) SELECT c.id, 'd' || g "
	    "|| '.gen.example' FROM generate_series(0, %ld) g JOIN companies c "
	    "ON c.name = 'Gen ' || (g %% %ld);\n", ndom - 1, ncomp);
	/*
	 * The mailboxes' triggers (address registry, store counters) take
	 * minutes for 100000 rows: they are done here in bulk instead.
	 */
	printf("BEGIN;\nSET LOCAL session_replication_role = replica;\n"
	    "CREATE TEMP TABLE gen_mbox AS SELECT k, d.company_id, d.id AS "
	    "domain_id, 'u' || k || '@' || d.name AS address FROM "
	    "generate_series(0, %ld) k JOIN domains d ON d.name = 'd' || "
	    "(k %% %ld) || '.gen.example';\n", nmbox - 1, ndom);
	printf("INSERT INTO addresses (address, kind, company_id) SELECT "
	    "address, 'mailbox', company_id FROM gen_mbox ORDER BY k;\n"
	    "INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "address, "
	    "password_hash, quota_bytes, cluster_id, mailstore_id) SELECT "
	    "g.company_id, g.domain_id, 'u' || k, g.address, '{PLAIN}x', "
	    "1000000000, s.cluster_id, s.id FROM gen_mbox g CROSS JOIN "
	    "mailstores s WHERE s.name = 'gen1' ORDER BY k;\n"
	    "SET LOCAL session_replication_role = origin;\n"
	    "UPDATE mailstores s SET mailbox_count = (SELECT count(*) FROM "
	    "mailboxes m WHERE m.mailstore_id = s.id) WHERE s.name = 'gen1';\n"
	    "INSERT INTO mailstore_company_counts (company_id, mailstore_id, "
	    "mailboxes) SELECT company_id, mailstore_id, count(*) FROM "
	    "mailboxes m JOIN mailstores s ON s.id = m.mailstore_id WHERE "
	    "s.name = 'gen1' GROUP BY 1, 2;\nCOMMIT;\n");
}

static void
usage(void)
{
	fprintf(stderr, "usage: stats_genlog [-S] [-n LINES] [-m MAILBOXES] "
	    "[-d DOMAINS] [-c COMPANIES] [-s SEED] [-t START]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int	ch, sql = 0;

	start_t = time(NULL) - 2 * 86400;
	while ((ch = getopt(argc, argv, "Sn:m:d:c:s:t:")) != -1) {
		switch (ch) {
		case 'S':
			sql = 1;
			break;
		case 'n':
			target = atol(optarg);
			break;
		case 'm':
			nmbox = atol(optarg);
			break;
		case 'd':
			ndom = atol(optarg);
			break;
		case 'c':
			ncomp = atol(optarg);
			break;
		case 's':
			rng ^= strtoull(optarg, NULL, 10) *
			    0x9e3779b97f4a7c15ULL;
			break;
		case 't':
			start_t = atol(optarg);
			break;
		default:
			usage();
		}
	}
	if (target < 1 || nmbox < 1 || ndom < 1 || ncomp < 1 || rng == 0)
		usage();
	if (sql) {
		seed_sql();
		return (0);
	}
	while (lines < target) {
		if (pick(100) < 45 && advance())
			continue;
		activity();
	}
	return (0);
}
