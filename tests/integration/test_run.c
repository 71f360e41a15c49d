/*
 * `make run` end to end: a private database created on first start, demo
 * data once, and nothing left running after Ctrl-C or SIGTERM.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

static char	var[512], logpath[600], base[256];

/* Start conf/scripts/run.sh in a session of its own, as a terminal would. */
static pid_t
start_run(void)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == 0) {
		setsid();
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		unsetenv("POSTROOM_DB");
		setenv("POSTROOM_VAR", var, 1);
		setenv("POSTROOM_PORT", it_env("PR_TEST_RUN_PORT"), 1);
		setenv("POSTROOM_WORKERS", "1", 1);
		execl("conf/scripts/run.sh", "run.sh", (char *)NULL);
		_exit(127);
	}
	cr_assert(pid > 0);
	return (pid);
}

/* Ready when run.sh has printed its banner (n times in the log). */
static void
wait_ready(int n)
{
	struct sbuf	 out;
	char		 cmd[700];
	int		 i;

	snprintf(cmd, sizeof(cmd), "grep -c 'Press Ctrl-C to stop' %s",
	    logpath);
	sbuf_init(&out);
	for (i = 0; i < 1200; i++) {
		sbuf_reset(&out);
		it_run(cmd, &out);
		if (atoi(out.data) == n)
			break;
		usleep(100 * 1000);
	}
	sbuf_free(&out);
	cr_assert(i < 1200, "make run did not become ready");
}

static void
assert_ready(void)
{
	struct it_http	r;

	cr_assert_eq(it_http("GET", base, NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	it_http_free(&r);
}

/* Processes of the session sid, and postgres processes of our cluster. */
static int
leftovers(pid_t sid)
{
	char		 path[300], buf[4096];
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	size_t		 n, i;
	int		 count = 0, s;

	cr_assert((d = opendir("/proc")) != NULL);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			/* Field 6 is the session; skip past "(comm)". */
			if (fgets(buf, sizeof(buf), f) != NULL &&
			    strrchr(buf, ')') != NULL &&
			    sscanf(strrchr(buf, ')') + 2, "%*c %*d %*d %d",
			    &s) == 1 && s == sid)
				count++;
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if ((f = fopen(path, "r")) != NULL) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			for (i = 0; i < n; i++)
				if (buf[i] == '\0')
					buf[i] = ' ';
			buf[n] = '\0';
			if (strstr(buf, var) != NULL && strstr(buf, "postgres"))
				count++;
			fclose(f);
		}
	}
	closedir(d);
	return (count);
}

static void
stop_run(pid_t pid, int sig)
{
	int	st, i;

	/* Ctrl-C signals the whole foreground process group. */
	cr_assert_eq(kill(-pid, sig), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	for (i = 0; i < 50 && leftovers(pid) > 0; i++)
		usleep(100 * 1000);
	cr_assert_eq(leftovers(pid), 0, "processes left after signal %d", sig);
}

static long long
mailboxes(void)
{
	char		 conninfo[700];
	PGconn		*db;
	long long	 n;

	snprintf(conninfo, sizeof(conninfo), "host=%s/pg user=postroom "
	    "dbname=postroom", var);
	db = it_connect(conninfo);
	n = it_count(db, "SELECT count(*) FROM mailboxes", 0, NULL);
	PQfinish(db);
	return (n);
}

Test(run, private_database_lifecycle, .timeout = 300)
{
	struct sbuf	 out;
	pid_t		 pid;
	char		 cmd[700];

	snprintf(var, sizeof(var), "%s/run-var", it_env("PR_TEST_TMP"));
	snprintf(logpath, sizeof(logpath), "%s/run.log", it_env("PR_TEST_TMP"));
	snprintf(base, sizeof(base), "http://127.0.0.1:%s/readyz",
	    it_env("PR_TEST_RUN_PORT"));

	pid = start_run();
	wait_ready(1);
	assert_ready();
	cr_assert_eq(mailboxes(), 2000);
	stop_run(pid, SIGINT);

	/* Second start: same data, no second seed; then SIGTERM. */
	pid = start_run();
	wait_ready(2);
	assert_ready();
	cr_assert_eq(mailboxes(), 2000);
	stop_run(pid, SIGTERM);

	sbuf_init(&out);
	snprintf(cmd, sizeof(cmd), "cat %s", logpath);
	it_run(cmd, &out);
	cr_assert(strstr(out.data, "demo: loaded") != NULL, "%s", out.data);
	cr_assert(strstr(out.data, "has data already") != NULL, "%s", out.data);
	cr_assert(strstr(out.data, "Postroom is running at http://127.0.0.1:")
	    != NULL, "%s", out.data);
	cr_assert(strstr(out.data, "operator@postroom.example") != NULL);
	cr_assert(strstr(out.data, "stopped server and database") != NULL);
	sbuf_free(&out);
}
