/*
 * The API's request driver: authentication, then a chain of asynchronous
 * queries, each read by the step that asked for it.
 */
#ifndef PR_API_H
#define PR_API_H

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>

#include <stdint.h>

#include "apikey.h"
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
	char		key_id[PR_KEY_ID_LEN + 1];
	char		who[64];		/* the audit log's actor */
};

#define PR_API_MAXPARAMS	16

struct pr_api;
typedef void	(*pr_api_fn)(struct pr_api *);

struct pr_api {
	struct http_request	*req;
	struct kore_pgsql	 sql;
	struct pr_actor		 actor;
	int			 phase;
	int			 responded;
	int			 consumed;

	/* The next query, and the step that reads its result. */
	char			*query;
	int			 nparams;
	char			*params[PR_API_MAXPARAMS];
	pr_api_fn		 next;
	/* Called instead of the default answer when the query fails. */
	pr_api_fn		 on_error;
	char			 sqlstate[6];

	pr_api_fn		 start;
	void			*data;		/* the handler's; freed with it */
};

/* Methods a route takes. */
#define PR_GET		0x01
#define PR_POST		0x02
#define PR_PUT		0x04
#define PR_PATCH	0x08
#define PR_DELETE	0x10

int	pr_api_run(struct http_request *, int methods, pr_api_fn start);

/* Ask for a query; params are text or NULL, copied. */
void	pr_api_query(struct pr_api *, pr_api_fn next, const char *sql,
	    int n, ...);

/* Answers; the first one counts. */
void	pr_api_json(struct pr_api *, int status, const char *body, size_t);
void	pr_api_problem(struct pr_api *, int status, const char *type,
	    const char *title, const char *detail);

/* Result access for a step. */
int		 pr_api_rows(struct pr_api *);
const char	*pr_api_value(struct pr_api *, int row, int col);
int		 pr_api_isnull(struct pr_api *, int row, int col);

/* Authentication (auth.c): fills api->actor, or answers 401. */
int	pr_auth_begin(struct pr_api *);
int	pr_role_at_least(const struct pr_actor *, enum pr_role);

#define PR_PROBLEM_UNAUTHORIZED	"urn:postroom:problem:unauthorized"
#define PR_PROBLEM_FORBIDDEN	"urn:postroom:problem:forbidden"
#define PR_PROBLEM_BAD_REQUEST	"urn:postroom:problem:bad-request"
#define PR_PROBLEM_UNAVAILABLE	"urn:postroom:problem:unavailable"
#define PR_PROBLEM_INTERNAL	"urn:postroom:problem:internal"
#define PR_PROBLEM_CONFLICT	"urn:postroom:problem:conflict"
#define PR_PROBLEM_VALIDATION	"urn:postroom:problem:validation"

#endif
