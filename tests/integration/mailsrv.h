/*
 * Debian's Dovecot (and Postfix's maps) for the integration tests, on the
 * shipped files of conf/dovecot and conf/postfix with only their paths
 * and database connection changed, in a private directory, on loopback.
 */
#ifndef MAILSRV_H
#define MAILSRV_H

#include <libpq-fe.h>

#include "sbuf.h"

#define MS_PASSWORD	"Quiet-Harbour-27"
#define MS_MAIL_ROLE	"pr_test_mail"	/* a member of postroom_mail */

/* The test's directory: PR_TEST_TMP/<what>-<pid>, with mail/ and pg/. */
extern char	ms_dir[256];
extern int	ms_imap_port, ms_pop3_port;

/* Run cmd; its exit status, and its output in out (reset first). */
int	ms_run(struct sbuf *out, const char *cmd);

/* A shipped file with sed's edits into ms_dir; each edit must apply. */
void	ms_install(const char *src, const char *name, const char *sed,
	    const char *expect);

/* The file ms_dir/name, opened with mode, gets fmt's text. */
void	ms_write(const char *name, const char *mode, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

int	ms_free_port(void);

/* The role MS_MAIL_ROLE, once. */
void	ms_mail_role(PGconn *);

/*
 * A new ms_dir with mail/ (owned by dovenull) and pg/, a second name of
 * the database's socket that the mail servers' own users may reach (the
 * cluster's directory is closed to all but root and postgres); and
 * ms_mail_role.
 */
void	ms_workspace(PGconn *, const char *what);

/*
 * Start a daemon after its configuration passed check (commands of a
 * shell); its output in ms_dir/log.
 */
void	ms_start(const char *check, const char *start, const char *log);

/* The pid in the file ms_dir/file, or 0. */
int	ms_pid(const char *file);

/*
 * Dovecot on ms_dir: IMAP and POP3 on free ports, its log in
 * ms_dir/dovecot.log, and its LMTP and auth listeners for Postfix in
 * sockets (the shipped files put them in Postfix's private/).  Its
 * master's pid.
 */
int	ms_dovecot_start(const char *sockets);
void	ms_dovecot_stop(void);

/* The four Postfix maps of conf/postfix in ms_dir, as MS_MAIL_ROLE. */
void	ms_postfix_maps(void);

/*
 * Wait up to 10 s for pid, a daemon's master, and its session to end; 1
 * when they did.
 */
int	ms_gone(int pid);

/* Wait up to 5 s until something listens on a loopback port; 0 or -1. */
int	ms_listening(int port);

/* A connection to a loopback port from the address src (NULL: any). */
int	ms_dial(int port, const char *src);

/*
 * Send text (unless NULL), then read until what was read holds want (NULL:
 * until the server closes); what was read is appended to out.  0, or -1
 * when the server closed first or 20 s passed.
 */
int	ms_say(int fd, const char *text, const char *want, struct sbuf *out);

/* Lines sent to a listener on loopback at once; all it answered. */
void	ms_converse(struct sbuf *out, int port, const char *lines);

#endif
