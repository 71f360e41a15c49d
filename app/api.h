/*
 * The API's request driver: authentication, then a chain of asynchronous
 * queries, each read by the step that asked for it.
 */
#ifndef PR_API_H
#define PR_API_H

#include <sys/queue.h>

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>

#include <stdint.h>

#include "apikey.h"
#include "dbslot.h"
#include "json.h"
#include "postroom.h"

/* Roles, in rank order: a role may undo what a lower one did. */
enum pr_role {
	PR_ROLE_NONE = 0,
	PR_ROLE_DOMAIN_ADMIN,
	PR_ROLE_COMPANY_VIEWER,
	PR_ROLE_COMPANY_ADMIN,
	PR_ROLE_SUPPORT,
	PR_ROLE_OPERATOR
};

#define PR_DOMAINS_MAX		512	/* a domain scope as an SQL array */

struct pr_actor {
	enum pr_role	role;
	int64_t		company_id;		/* 0: provider staff */
	char		company[24];		/* company_id as text, "0" */
	char		domains[PR_DOMAINS_MAX];	/* "{1,2}", or "" */
	char		key_id[PR_KEY_ID_LEN + 1];	/* key, or "" */
	char		admin_id[24];		/* session, or "" */
	char		token_hash[PR_KEY_HASH_HEX + 1];	/* session */
	char		who[300];		/* the audit log's actor */
};

#define PR_API_MAXPARAMS	32

struct pr_api;
typedef void	(*pr_api_fn)(struct pr_api *);

struct pr_api {
	struct http_request	*req;
	struct pr_dbslot	 slot;		/* its place in the line */
	struct kore_pgsql	 sql;
	struct pr_actor		 actor;
	int			 phase;
	int			 responded;
	int			 consumed;

	/* The next query, and the step that reads its result. */
	char			*query;
	int			 nparams;
	char			*params[PR_API_MAXPARAMS];
	int			 custom;	/* plan for these params */
	pr_api_fn		 next;
	/* Called instead of the default answer when the query fails. */
	pr_api_fn		 on_error;
	char			 sqlstate[6];

	pr_api_fn		 start;
	void			*data;		/* the handler's; freed with it */
	/* Frees data instead of kore_free, when set. */
	void			(*data_free)(void *);
	/* A parked request: the step to run once woken. */
	pr_api_fn		 resume;
	int			 parked;
	struct pr_json_doc	 body;		/* the request's JSON, if read */
};

/* Methods a route takes. */
#define PR_GET		0x01
#define PR_POST		0x02
#define PR_PUT		0x04
#define PR_PATCH	0x08
#define PR_DELETE	0x10

int	pr_api_run(struct http_request *, int methods, pr_api_fn start);
/* The same without authentication: for logging in. */
int	pr_api_run_public(struct http_request *, int methods, pr_api_fn start);

/*
 * Ask for a query; params are text or NULL, copied.  The statement is
 * prepared on its connection and PostgreSQL may reuse a generic plan.
 */
void	pr_api_query(struct pr_api *, pr_api_fn next, const char *sql,
	    int n, ...);
/*
 * The same, planned anew for its parameters each time: for statements
 * whose good plan depends on them (optional filters, prefix searches),
 * where a generic plan can scan a whole table.
 */
void	pr_api_query_custom(struct pr_api *, pr_api_fn next,
	    const char *sql, int n, ...);

/*
 * Park the request, asleep, while work goes on off the event loop (a
 * kore task), and without holding a database connection; once
 * pr_api_wake() is called, next runs as a step.  The request may go
 * away meanwhile: data_free then says so to whoever works.
 */
void	pr_api_park(struct pr_api *, pr_api_fn next);
void	pr_api_wake(struct pr_api *);

/* Answers; the first one counts. */
void	pr_api_json(struct pr_api *, int status, const char *body, size_t);
void	pr_api_problem(struct pr_api *, int status, const char *type,
	    const char *title, const char *detail);
/* 429 after too many failed logins, with Retry-After (session.c). */
void	pr_api_throttled(struct pr_api *, const char *retry_after);
/* A step: 200 with the JSON its query gave in row 0, column 0 (a page). */
void	pr_api_json_row(struct pr_api *);
/* 201 with the JSON body and a Location (printf-style). */
void	pr_api_created(struct pr_api *, const char *body, size_t len,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* An answer without a body, such as 204 to a DELETE. */
void	pr_api_empty(struct pr_api *, int status);
/*
 * Answer a delete statement whose one row holds its refusal in column 0
 * (NULL when it deleted): 404 (detail not_found) without a row, 409 with
 * the refusal, else 204.
 */
void	pr_api_deleted(struct pr_api *, const char *not_found);

/* Result access for a step. */
int		 pr_api_rows(struct pr_api *);
const char	*pr_api_value(struct pr_api *, int row, int col);
int		 pr_api_isnull(struct pr_api *, int row, int col);

/*
 * The request body as a JSON object (body.c); NULL after answering 400,
 * 413 or 415.
 */
const struct pr_json	*pr_api_body(struct pr_api *);

/*
 * The body as text of the given Content-Type (415 otherwise), at most max
 * bytes (413, naming the body as name), appended to raw; 0 after
 * answering.
 */
int	pr_api_body_raw(struct pr_api *, const char *type, const char *name,
	    size_t max, struct sbuf *raw);

/*
 * Field errors, answered together as one 422 (body.c): all are counted,
 * the first PR_FIELDS_LISTED are listed.
 */
#define PR_FIELDS_LISTED	1000

struct pr_fields {
	struct sbuf	list;
	int		count;
	int		listed;
};

void	pr_fields_init(struct pr_fields *);
void	pr_fields_add(struct pr_fields *, const char *field, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* The same for a line of a file: {"line", "field", "message"}. */
void	pr_fields_add_line(struct pr_fields *, long line, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* n more errors were found and are not listed. */
void	pr_fields_unlisted(struct pr_fields *, int n);
/* Answers 422 and returns 1 when there are errors; frees f either way. */
int	pr_fields_answer(struct pr_api *, struct pr_fields *);
/* The same as a 409: the fields clash with what exists. */
int	pr_fields_conflict(struct pr_api *, struct pr_fields *);
/*
 * For an on_error step: a unique violation (SQLSTATE 23505), a value
 * taken meanwhile, answers 409 naming field with message.
 */
void	pr_fields_taken(struct pr_api *, const char *field,
	    const char *message);
/* Every member of obj must be one of names (NULL-terminated). */
void	pr_fields_known(struct pr_fields *, const struct pr_json *obj,
	    const char *const *names);

/* The client's address, trusting X-Forwarded-For only from the proxy. */
void	pr_remote_addr(struct http_request *, char *out, size_t outlen);
/* A bare IPv4 or IPv6 address, nothing else. */
int	pr_is_ip(const char *);
/* Whether the client spoke HTTPS to the proxy (X-Forwarded-Proto). */
int	pr_remote_https(struct http_request *);

/* Authentication (auth.c): fills api->actor, or answers 401. */
int	pr_auth_begin(struct pr_api *);
/* Drop a key from this worker's cache: its revocation counts at once. */
void	pr_auth_forget(const char *key_id);
int	pr_role_at_least(const struct pr_actor *, enum pr_role);
const char	*pr_role_name(enum pr_role);
/* PR_ROLE_NONE when name is no role. */
enum pr_role	 pr_role_parse(const char *name);
/* The domain scope as an SQL array parameter, or NULL for no limit. */
const char	*pr_actor_domains(const struct pr_actor *);

#define PR_PROBLEM_UNAUTHORIZED	"urn:postroom:problem:unauthorized"
#define PR_PROBLEM_FORBIDDEN	"urn:postroom:problem:forbidden"
#define PR_PROBLEM_BAD_REQUEST	"urn:postroom:problem:bad-request"
#define PR_PROBLEM_UNAVAILABLE	"urn:postroom:problem:unavailable"
#define PR_PROBLEM_INTERNAL	"urn:postroom:problem:internal"
#define PR_PROBLEM_CONFLICT	"urn:postroom:problem:conflict"
#define PR_PROBLEM_VALIDATION	"urn:postroom:problem:validation"
#define PR_PROBLEM_TOO_LARGE	"urn:postroom:problem:too-large"
#define PR_PROBLEM_THROTTLED	"urn:postroom:problem:throttled"
#define PR_PROBLEM_CSRF		"urn:postroom:problem:csrf"
#define PR_PROBLEM_TOTP_REQUIRED	"urn:postroom:problem:totp-required"

#define PR_SESSION_COOKIE	"pr_session"

/* Kore 4.1's status list stops short of it. */
#define PR_HTTP_TOO_MANY_REQUESTS	429

#endif
