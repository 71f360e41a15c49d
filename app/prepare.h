/* Named prepared statements per database connection (prepare.c). */
#ifndef PR_PREPARE_H
#define PR_PREPARE_H

#include <kore/pgsql.h>

/*
 * Send query with text params on sql's (async, set up) connection, as a
 * named statement prepared on that connection the first time.  Returns
 * 1 when sent, 0 when the connection failed (sql's error is not set).
 */
int	pr_prepared_send(struct kore_pgsql *, const char *query, int n,
	    const char **params);

/*
 * Send query with text params, unnamed: planned for these values, with
 * the connection's plan_cache_mode at its default.
 */
int	pr_custom_send(struct kore_pgsql *, const char *query, int n,
	    const char **params);

#endif
