/* Helpers shared by the integration suites (tests/run.sh sets the scene). */
#ifndef ITEST_H
#define ITEST_H

#include <libpq-fe.h>
#include <pthread.h>

#include "sbuf.h"

struct it_http {
	long		status;
	struct sbuf	body;
	char		content_type[128];
	char		etag[128];
	char		allow[64];
	char		location[512];
	char		hsts[128];
	char		cookie[256];
};

/* When set, HTTPS requests verify the server against this CA file. */
extern const char	*it_http_cainfo;
/* How long a request may take (5000 ms unless a test says otherwise). */
extern long		 it_http_timeout_ms;

const char	*it_env(const char *);
PGconn		*it_connect(const char *conninfo);
PGconn		*it_db(void);
char		*it_value(PGconn *, const char *sql, int n,
		    const char *const *p);
long long	 it_count(PGconn *, const char *sql, int n,
		    const char *const *p);
/* it_count with one parameter, or none when param is NULL. */
long long	 it_count1(PGconn *, const char *sql, const char *param);
void		 it_ok(PGconn *, const char *sql, int n, const char *const *p);
const char	*it_try(PGconn *, const char *sql, int n,
		    const char *const *p);
char		*it_fresh_db(const char *name);

/*
 * An API key made as the CLI makes it: role, company by name (NULL for
 * provider staff), an optional domain scope, revoked or not.  Returns
 * "pr_<id>_<secret>" in a buffer that the next eight calls leave alone.
 */
const char	*it_key(PGconn *, const char *role, const char *company,
		    const char *domain, int revoked);

/* Whether the answer's body contains s. */
int		 it_has(const struct it_http *, const char *s);

/* A company's id, as text (malloc'ed). */
char		*it_company_id(PGconn *, const char *name);

/* A request to the server under test with key (or none) and JSON body. */
long		 it_call(const char *key, const char *method, const char *path,
		    const char *body, struct it_http *);

/*
 * A request that must be answered with status (and, unless expect is
 * NULL, a body holding expect) and leave what state_sql prints, one
 * value, as it was.
 */
void		 it_refused(PGconn *, const char *state_sql, const char *method,
		    const char *key, const char *path, const char *body,
		    long status, const char *expect);

/* The same with header lines hdrs (such as it_login's credentials). */
long		 it_call_as(const char *hdrs, const char *method,
		    const char *path, const char *body, struct it_http *);

/*
 * An admin account with password pw, of company (by name; NULL for
 * provider staff): its id, as text (malloc'ed).
 */
char		*it_admin(PGconn *, const char *email, const char *pw,
		    const char *role, const char *company);

/*
 * POST /api/v1/session as email with pw, a TOTP code (or NULL), from the
 * client address xff (X-Forwarded-For, or NULL); the status.  When it is
 * 200, cred holds "Cookie: pr_session=...\nX-CSRF-Token: ..." for
 * it_call_as.
 */
long		 it_login(const char *email, const char *pw, const char *totp,
		    const char *xff, char *cred, size_t credlen);

int		 it_http(const char *method, const char *url, const char *hdr,
		    struct it_http *);
/* hdr and hdr2 may each hold several header lines, split by '\n'. */
int		 it_http_body(const char *method, const char *url,
		    const char *hdr, const char *hdr2, const char *body,
		    struct it_http *);
void		 it_http_free(struct it_http *);
int		 it_run(const char *cmd, struct sbuf *out);

/*
 * A request sent from a second thread while the test's own transaction
 * holds a lock: it_race_start returns once a statement LIKE lock_like
 * waits on a lock; it_race_finish commits holder and collects the answer.
 */
struct it_race {
	const char	*key;
	const char	*method;
	const char	*path;
	const char	*body;
	long		 status;
	char		 answer[1024];
	pthread_t	 thread;
};

void	it_race_start(struct it_race *, const char *lock_like);
void	it_race_finish(struct it_race *, PGconn *holder);

#endif
