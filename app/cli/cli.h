/* The postroom command-line tool. */
#ifndef PR_CLI_H
#define PR_CLI_H

#include <stddef.h>

#include <libpq-fe.h>

/* Exit statuses: 0 done, 1 failed, 2 usage. */
#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

PGconn		*cli_connect(void);
int		 cli_exec(PGconn *, const char *sql);
PGresult	*cli_query(PGconn *, const char *sql, int n,
		    const char *const *params);
int		 cli_value(PGconn *, const char *sql, int n,
		    const char *const *params, char *out, size_t outlen);
int		 cli_begin(PGconn *);
int		 cli_commit(PGconn *);
void		 cli_rollback(PGconn *);
const char	*cli_actor(void);
int		 cli_audit(PGconn *, const char *company_id, const char *action,
		    const char *object_type, const char *object_id,
		    const char *after_json);

int	cmd_db(int, char **);
int	cmd_operator(int, char **);
int	cmd_key(int, char **);
int	cmd_demo(int, char **);
int	cmd_purge(int, char **);
int	cmd_stats(int, char **);

#endif
