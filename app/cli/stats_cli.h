/* The `postroom stats` commands, shared by app/cli/stats*.c. */
#ifndef PR_STATS_CLI_H
#define PR_STATS_CLI_H

#include <signal.h>

int			 stats_status(void);
int			 stats_follow(const char *config);

/* SIGINT and SIGTERM set the stop flag: stop after a commit. */
void			 stats_signals(void);
volatile sig_atomic_t	*stats_stop_flag(void);

#endif
