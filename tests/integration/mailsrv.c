/*
 * Dovecot and Postfix's maps for the integration tests; see mailsrv.h.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"
#include "mailsrv.h"

#define TALK_MS		20000	/* a server's answer, at most */

char		ms_dir[256];
int		ms_imap_port, ms_pop3_port;
static char	dbname[128];

int
ms_run(struct sbuf *out, const char *cmd)
{
	sbuf_reset(out);
	return (it_run(cmd, out));
}

void
ms_install(const char *src, const char *name, const char *sed,
    const char *expect)
{
	struct sbuf	cmd, out;

	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "sed %s %s > %s/%s && grep -c -F '%s' %s/%s", sed,
	    src, ms_dir, name, expect, ms_dir, name);
	cr_assert_eq(ms_run(&out, cmd.data), 0, "%s: %s", cmd.data, out.data);
	sbuf_free(&cmd);
	sbuf_free(&out);
}

void
ms_write(const char *name, const char *mode, const char *fmt, ...)
{
	char	 path[320];
	FILE	*f;
	va_list	 ap;

	snprintf(path, sizeof(path), "%s/%s", ms_dir, name);
	cr_assert((f = fopen(path, mode)) != NULL, "%s: %s", path,
	    strerror(errno));
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	cr_assert_eq(fclose(f), 0);
}

int
ms_free_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof(sa);
	int			fd, port;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return (port);
}

/*
 * A hard link reaches the socket without passing the cluster's closed
 * directory; it names the socket of the running server, so it is made
 * anew by every test (another test restarts the database).
 */
static void
socket_link(PGconn *db)
{
	const char	*port = PQport(db);
	char		 src[512], dst[512];

	if (port == NULL || *port == '\0')
		port = "5432";
	snprintf(src, sizeof(src), "%s/.s.PGSQL.%s", PQhost(db), port);
	snprintf(dst, sizeof(dst), "%s/pg/.s.PGSQL.%s", ms_dir, port);
	cr_assert_eq(link(src, dst), 0, "link %s %s: %s", src, dst,
	    strerror(errno));
}

void
ms_mail_role(PGconn *db)
{
	it_ok(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE "
	    "rolname = '" MS_MAIL_ROLE "') THEN CREATE ROLE " MS_MAIL_ROLE
	    " LOGIN IN ROLE postroom_mail; END IF; END $$", 0, NULL);
}

void
ms_workspace(PGconn *db, const char *what)
{
	struct sbuf	cmd, out;

	snprintf(ms_dir, sizeof(ms_dir), "%s/%s-%d", it_env("PR_TEST_TMP"),
	    what, (int)getpid());
	snprintf(dbname, sizeof(dbname), "%s", PQdb(db));
	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, "rm -rf %s && mkdir -p %s/mail %s/pg && chown "
	    "dovenull %s/mail", ms_dir, ms_dir, ms_dir, ms_dir);
	cr_assert_eq(ms_run(&out, cmd.data), 0, "%s", out.data);
	sbuf_free(&cmd);
	sbuf_free(&out);
	ms_mail_role(db);
	socket_link(db);
}

static void
dovecot_files(const char *sockets)
{
	struct sbuf	sed;

	sbuf_init(&sed);
	sbuf_printf(&sed, "-e 's|^connect = .*|connect = host=%s/pg dbname=%s "
	    "user=" MS_MAIL_ROLE "|'", ms_dir, dbname);
	ms_install("conf/dovecot/dovecot-sql.conf.ext", "dovecot-sql.conf.ext",
	    sed.data, "user=" MS_MAIL_ROLE);
	sbuf_reset(&sed);
	sbuf_printf(&sed, "-e 's|/etc/dovecot/dovecot-sql.conf.ext|%s/"
	    "dovecot-sql.conf.ext|'", ms_dir);
	ms_install("conf/dovecot/conf.d/auth-postroom.conf.ext",
	    "auth-postroom.conf.ext", sed.data, ms_dir);
	sbuf_reset(&sed);
	sbuf_printf(&sed, "-e 's|/var/spool/postfix/private|%s|'", sockets);
	ms_install("conf/dovecot/conf.d/90-postroom.conf", "90-postroom.conf",
	    sed.data, sockets);
	sbuf_free(&sed);
}

static void
dovecot_config(const char *sockets)
{
	struct passwd	*pw = getpwnam("dovenull");

	cr_assert(pw != NULL, "no user dovenull: is dovecot-core installed?");
	dovecot_files(sockets);
	ms_imap_port = ms_free_port();
	ms_pop3_port = ms_free_port();
	/*
	 * The shipped files, then what a test needs instead: its own
	 * directories and loopback ports (without TLS, so passwords in
	 * plain text from any of them), mail owned by dovenull, and no
	 * delay after a failure.
	 */
	ms_write("dovecot.conf", "w", "!include %s/90-postroom.conf\n"
	    "!include %s/auth-postroom.conf.ext\n"
	    "base_dir = %s/run\nstate_dir = %s/state\n"
	    "log_path = %s/dovecot.log\nssl = no\n"
	    "disable_plaintext_auth = no\n"
	    "listen = 127.0.0.1\nauth_failure_delay = 0\n"
	    "mail_uid = dovenull\nmail_gid = dovenull\nfirst_valid_uid = %d\n"
	    "service imap-login {\n  inet_listener imap {\n    port = %d\n  }\n"
	    "  inet_listener imaps {\n    port = 0\n  }\n}\n"
	    "service pop3-login {\n  inet_listener pop3 {\n    port = %d\n  }\n"
	    "  inet_listener pop3s {\n    port = 0\n  }\n}\n",
	    ms_dir, ms_dir, ms_dir, ms_dir, ms_dir, (int)pw->pw_uid,
	    ms_imap_port, ms_pop3_port);
}

void
ms_start(const char *check, const char *start, const char *log)
{
	struct sbuf	cmd, out;

	sbuf_init(&cmd);
	sbuf_init(&out);
	/* The daemon must not keep it_run's pipe open. */
	sbuf_printf(&cmd, "%s && %s </dev/null >%s/%s 2>&1; rc=$?; cat %s/%s; "
	    "exit $rc", check, start, ms_dir, log, ms_dir, log);
	cr_assert_eq(ms_run(&out, cmd.data), 0, "%s", out.data);
	sbuf_free(&cmd);
	sbuf_free(&out);
}

int
ms_pid(const char *file)
{
	char	path[320];
	FILE	*f;
	int	pid = 0;

	snprintf(path, sizeof(path), "%s/%s", ms_dir, file);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid);
}

int
ms_dovecot_start(const char *sockets)
{
	char	check[320], start[320];
	int	i, pid = 0;

	dovecot_config(sockets);
	snprintf(check, sizeof(check), "dovecot -c %s/dovecot.conf -n "
	    ">/dev/null", ms_dir);
	snprintf(start, sizeof(start), "dovecot -c %s/dovecot.conf", ms_dir);
	ms_start(check, start, "start.log");
	/* The daemon writes its pid file after the command has returned. */
	for (i = 0; i < 100 && (pid = ms_pid("run/master.pid")) <= 0; i++)
		usleep(50 * 1000);
	cr_assert_gt(pid, 0, "Dovecot wrote no %s/run/master.pid", ms_dir);
	return (pid);
}

/* The session of a running process, or -1 (gone, or a zombie). */
static int
session_of(const char *pid)
{
	char	 path[300], buf[1024], state, *p;
	FILE	*f;
	int	 ppid, pgrp, sid;
	size_t	 n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold anything: its ')' is the last one. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid) != 4 ||
	    state == 'Z')
		return (-1);
	return (sid);
}

/* Does a live process of session sid remain? */
static int
session_alive(int sid)
{
	struct dirent	*e;
	DIR		*d;
	int		 found = 0;

	cr_assert((d = opendir("/proc")) != NULL);
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			found = session_of(e->d_name) == sid;
	}
	closedir(d);
	return (found);
}

int
ms_gone(int pid)
{
	int	i;

	for (i = 0; i < 100; i++) {
		if (!session_alive(pid))
			return (1);
		usleep(100 * 1000);
	}
	return (0);
}

/* Stop the Dovecot this test started: its master, by its pid file. */
void
ms_dovecot_stop(void)
{
	int	pid = ms_pid("run/master.pid");

	if (pid > 0 && kill(pid, SIGTERM) == 0)
		(void)ms_gone(pid);
}

void
ms_postfix_maps(void)
{
	struct sbuf	 sed;
	const char	*maps[] = { "virtual-domains.cf",
	    "virtual-mailboxes.cf", "virtual-aliases.cf",
	    "recipient-access.cf" };
	char		 src[320];
	size_t		 i;

	sbuf_init(&sed);
	sbuf_printf(&sed, "-e 's|^hosts = .*|hosts = unix:%s/pg|' "
	    "-e 's|^dbname = .*|dbname = %s|' "
	    "-e 's|^user = .*|user = " MS_MAIL_ROLE "|'", ms_dir, dbname);
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		snprintf(src, sizeof(src), "conf/postfix/%s", maps[i]);
		ms_install(src, maps[i], sed.data, "user = " MS_MAIL_ROLE);
	}
	sbuf_free(&sed);
}

static int
try_connect(int fd, int port)
{
	struct sockaddr_in	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	return (connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
}

int
ms_listening(int port)
{
	int	i, fd, rc = -1;

	for (i = 0; i < 100 && rc == -1; i++) {
		cr_assert((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
		if ((rc = try_connect(fd, port)) == -1)
			usleep(50 * 1000);
		close(fd);
	}
	return (rc);
}

int
ms_dial(int port, const char *src)
{
	struct sockaddr_in	sa;
	int			fd;

	cr_assert((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (src != NULL) {
		cr_assert_eq(inet_pton(AF_INET, src, &sa.sin_addr), 1);
		cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
		    "bind %s: %s", src, strerror(errno));
	}
	cr_assert_eq(try_connect(fd, port), 0, "connect %d: %s", port,
	    strerror(errno));
	return (fd);
}

static long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
ms_say(int fd, const char *text, const char *want, struct sbuf *out)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		buf[4096];
	size_t		start = out->len;
	ssize_t		n;
	long		end = now_ms() + TALK_MS, left;

	if (text != NULL)
		cr_assert_eq(write(fd, text, strlen(text)),
		    (ssize_t)strlen(text));
	while (want == NULL || strstr(out->data + start, want) == NULL) {
		if ((left = end - now_ms()) <= 0 ||
		    poll(&pfd, 1, (int)left) <= 0)
			return (-1);
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			return (want == NULL && n == 0 ? 0 : -1);
		sbuf_append(out, buf, n);
	}
	return (0);
}

void
ms_converse(struct sbuf *out, int port, const char *lines)
{
	int	fd = ms_dial(port, NULL);

	sbuf_reset(out);
	cr_assert_eq(ms_say(fd, lines, NULL, out), 0, "%s: %s", lines,
	    out->data);
	close(fd);
}
