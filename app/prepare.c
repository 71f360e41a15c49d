/*
 * Named prepared statements, per database connection.
 *
 * PostgreSQL plans an unnamed statement on every execution; for the
 * API's joins that is most of a request's database time (pgbench here:
 * the mailbox read at 6.2k tps unprepared, 34.5k prepared).  The first
 * time a connection runs a statement it is prepared with one short
 * synchronous round trip; from then on it is executed by name and
 * PostgreSQL keeps its plan.
 *
 * Keeps, because the connection runs them with plan_cache_mode set to
 * force_generic_plan: left to itself PostgreSQL plans anew while its
 * estimate for the values at hand is lower than the generic plan's, and
 * a search by display name was planned on every call (pgbench, the
 * benchmark's search mix: 2,450 statements/s, 5,100 with the plan kept).
 * The statements that are meant to be planned for their values
 * (pr_custom_send) get the default back first.  Each switch is one short
 * synchronous round trip, like a prepare.
 */
#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>

#include <stdint.h>
#include <string.h>

#include "prepare.h"

/* More slots than a worker's connections (pgsql_conn_max, 2 here). */
#define PREP_CONNS	32

struct prep_conn {
	const PGconn	*db;
	int		 pid;
	unsigned int	 tick;		/* last use, for eviction */
	uint64_t	*ids;		/* prepared statements, by text hash */
	size_t		 n;
	size_t		 cap;
	int		 generic;	/* force_generic_plan set: 1, 0, -1 */
};

static struct prep_conn	prep_conns[PREP_CONNS];
static unsigned int	prep_tick;

/* FNV-1a: a statement's name is the hash of its text. */
static uint64_t
prep_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

/*
 * The slot of this connection.  A PGconn's address may be reused after
 * Kore drops a broken connection: the backend's pid tells them apart.
 */
static struct prep_conn *
prep_conn(PGconn *db)
{
	struct prep_conn	*c, *old;
	int			 pid, i;

	pid = PQbackendPID(db);
	old = &prep_conns[0];
	for (i = 0; i < PREP_CONNS; i++) {
		c = &prep_conns[i];
		if (c->db == db && c->pid == pid)
			goto found;
		if (c->tick < old->tick)
			old = c;
	}
	c = old;
	kore_free(c->ids);
	memset(c, 0, sizeof(*c));
	c->db = db;
	c->pid = pid;
	/* Unknown: a slot given up earlier may have set this session. */
	c->generic = -1;
found:
	c->tick = ++prep_tick;
	return (c);
}

static int
prep_known(const struct prep_conn *c, uint64_t id)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		if (c->ids[i] == id)
			return (1);
	}
	return (0);
}

static void
prep_add(struct prep_conn *c, uint64_t id)
{
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 32 : c->cap * 2;
		c->ids = kore_realloc(c->ids, c->cap * sizeof(*c->ids));
	}
	c->ids[c->n++] = id;
}

/* Set the connection's plan_cache_mode if it is not yet; 0 on failure. */
static int
prep_mode(PGconn *db, struct prep_conn *c, int generic)
{
	PGresult	*res;
	int		 ok;

	if (c->generic == generic)
		return (1);
	res = PQexec(db, generic ? "SET plan_cache_mode = force_generic_plan" :
	    "RESET plan_cache_mode");
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (ok)
		c->generic = generic;
	return (ok);
}

/* Prepare on this connection if needed; 0 when it cannot be. */
static int
prep_ensure(PGconn *db, const char *name, uint64_t id, const char *query,
    int n)
{
	struct prep_conn	*c;
	PGresult		*res;
	const char		*state;
	int			 ok;

	c = prep_conn(db);
	if (!prep_mode(db, c, 1))
		return (0);
	if (prep_known(c, id))
		return (1);
	res = PQprepare(db, name, query, n, NULL);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	/* Prepared before this worker forgot the connection: fine. */
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (!ok && state != NULL && strcmp(state, "42P05") == 0)
		ok = 1;
	PQclear(res);
	if (ok)
		prep_add(c, id);
	return (ok);
}

int
pr_prepared_send(struct kore_pgsql *sql, const char *query, int n,
    const char **params)
{
	PGconn		*db;
	uint64_t	 id;
	char		 name[24];

	if (sql->conn == NULL)
		return (0);
	db = sql->conn->db;
	id = prep_hash(query);
	(void)snprintf(name, sizeof(name), "pr_%016llx",
	    (unsigned long long)id);

	/*
	 * A statement that cannot be prepared (broken SQL, a lost
	 * connection) goes the unnamed way, which reports the error
	 * through the usual asynchronous result with its SQLSTATE.
	 */
	if (!prep_ensure(db, name, id, query, n)) {
		return (kore_pgsql_query_param_fields(sql, query, 0, n,
		    params, NULL, NULL));
	}
	if (!PQsendQueryPrepared(db, name, n, params, NULL, NULL, 0))
		return (0);

	/* What kore_pgsql_query_param_fields() does after sending. */
	kore_platform_schedule_read(PQsocket(db), sql->conn);
	sql->state = KORE_PGSQL_STATE_WAIT;
	sql->flags |= KORE_PGSQL_SCHEDULED;
	if (sql->req != NULL)
		http_request_sleep(sql->req);
	return (1);
}

int
pr_custom_send(struct kore_pgsql *sql, const char *query, int n,
    const char **params)
{
	if (sql->conn == NULL)
		return (0);
	/* A failed switch shows as the query's own error, if it persists. */
	(void)prep_mode(sql->conn->db, prep_conn(sql->conn->db), 0);
	return (kore_pgsql_query_param_fields(sql, query, 0, n, params, NULL,
	    NULL));
}
