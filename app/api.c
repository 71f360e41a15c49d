/*
 * The API request driver.  A handler names its first step; a step may
 * ask for one query with pr_api_query() and names the step that reads
 * its result, or it answers.  Each query is one statement, so each is
 * its own transaction: a change and its audit entry go in one statement.
 */
#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>

#include <stdarg.h>
#include <string.h>

#include "api.h"
#include "prepare.h"

enum {
	PH_SETUP = 1,
	PH_QUERY,
	PH_WAIT,
	PH_PARKED,
	PH_END
};

static void	api_onfree(struct http_request *);
static void	api_clear_query(struct pr_api *);
static void	api_default_error(struct pr_api *);
static int	api_method_ok(struct http_request *, int);
static int	api_wait(struct pr_api *);
static int	api_send(struct pr_api *);

static int	api_drive(struct http_request *, struct pr_api *);
static int	api_after_step(struct pr_api *);

/* The first call of a request; NULL when it was answered at once. */
static struct pr_api *
api_new(struct http_request *req, int methods, pr_api_fn start)
{
	struct pr_api	*api;

	if (!api_method_ok(req, methods))
		return (NULL);
	api = http_state_create(req, sizeof(*api), api_onfree);
	api->req = req;
	api->start = start;
	kore_pgsql_init(&api->sql);
	kore_pgsql_bind_request(&api->sql, req);
	return (api);
}

static int
api_run(struct http_request *req, int methods, pr_api_fn start, int authenticate)
{
	struct pr_api	*api;

	if ((api = req->hdlr_extra) == NULL) {
		if ((api = api_new(req, methods, start)) == NULL)
			return (KORE_RESULT_OK);
		if (!authenticate || pr_auth_begin(api) == 1)
			start(api);
		api->phase = api_after_step(api);
	}
	return (api_drive(req, api));
}

int
pr_api_run(struct http_request *req, int methods, pr_api_fn start)
{
	return (api_run(req, methods, start, 1));
}

int
pr_api_run_public(struct http_request *req, int methods, pr_api_fn start)
{
	return (api_run(req, methods, start, 0));
}

static int
api_drive(struct http_request *req, struct pr_api *api)
{
	pr_api_fn	step;

	for (;;) {
		switch (api->phase) {
		case PH_SETUP:
			if (!pr_dbslot_take(&api->slot, req))
				return (KORE_RESULT_RETRY);
			if (!kore_pgsql_setup(&api->sql, PR_DB,
			    KORE_PGSQL_ASYNC)) {
				/* Every connection busy: we are woken up. */
				if (api->sql.state == KORE_PGSQL_STATE_INIT)
					return (KORE_RESULT_RETRY);
				kore_pgsql_logerror(&api->sql);
				pr_api_problem(api, HTTP_STATUS_SERVICE_UNAVAILABLE,
				    PR_PROBLEM_UNAVAILABLE, "Service unavailable",
				    "the database does not answer");
				api->phase = PH_END;
				break;
			}
			api->phase = PH_QUERY;
			break;
		case PH_QUERY:
			if (!api_send(api)) {
				kore_log(LOG_NOTICE, "api: query not sent: %s",
				    api->sql.error != NULL ? api->sql.error :
				    "the connection failed");
				pr_api_problem(api, HTTP_STATUS_SERVICE_UNAVAILABLE,
				    PR_PROBLEM_UNAVAILABLE, "Service unavailable",
				    "the database does not answer");
				api->phase = PH_END;
				break;
			}
			api->consumed = 0;
			api->phase = PH_WAIT;
			return (KORE_RESULT_RETRY);
		case PH_WAIT:
			if (!api_wait(api))
				return (KORE_RESULT_RETRY);
			break;
		case PH_PARKED:
			if (api->parked) {
				/* Parked work holds no connection. */
				pr_dbslot_release(&api->slot);
				http_request_sleep(req);
				return (KORE_RESULT_RETRY);
			}
			step = api->resume;
			api->resume = NULL;
			if (!api->responded)
				step(api);
			api->phase = api_after_step(api);
			break;
		case PH_END:
		default:
			if (!api->responded) {
				pr_api_problem(api, HTTP_STATUS_INTERNAL_ERROR,
				    PR_PROBLEM_INTERNAL, "Internal error", NULL);
			}
			api_onfree(req);
			return (KORE_RESULT_OK);
		}
	}
}

/* Send the query: prepared, or planned for its parameters. */
static int
api_send(struct pr_api *api)
{
	if (!api->custom) {
		return (pr_prepared_send(&api->sql, api->query, api->nparams,
		    (const char **)api->params));
	}
	return (pr_custom_send(&api->sql, api->query, api->nparams,
	    (const char **)api->params));
}

/* One turn of the wait for a result; 0 when we must sleep. */
static int
api_wait(struct pr_api *api)
{
	pr_api_fn	step;
	const char	*state;

	switch (api->sql.state) {
	case KORE_PGSQL_STATE_WAIT:
		return (0);
	case KORE_PGSQL_STATE_RESULT:
	case KORE_PGSQL_STATE_DONE:
		if (!api->consumed) {
			api->consumed = 1;
			step = api->next;
			api_clear_query(api);
			if (step != NULL && !api->responded)
				step(api);
		}
		kore_pgsql_continue(&api->sql);
		return (1);
	case KORE_PGSQL_STATE_ERROR:
		if (!api->consumed) {
			api->consumed = 1;
			state = api->sql.result != NULL ? PQresultErrorField(
			    api->sql.result, PG_DIAG_SQLSTATE) : NULL;
			snprintf(api->sqlstate, sizeof(api->sqlstate), "%s",
			    state != NULL ? state : "");
			step = api->on_error;
			api_clear_query(api);
			if (step != NULL)
				step(api);
			if (!api->responded)
				api_default_error(api);
		}
		kore_pgsql_continue(&api->sql);
		return (1);
	case KORE_PGSQL_STATE_COMPLETE:
		/* The connection goes back to the pool before what is next. */
		api->phase = api->responded ? PH_END : api_after_step(api);
		if (api->phase != PH_END) {
			kore_pgsql_cleanup(&api->sql);
			kore_pgsql_init(&api->sql);
			kore_pgsql_bind_request(&api->sql, api->req);
		}
		return (1);
	default:
		kore_pgsql_continue(&api->sql);
		return (1);
	}
}

/* The database refused: say what kind of refusal, log the rest. */
static void
api_default_error(struct pr_api *api)
{
	if (!strcmp(api->sqlstate, "23505")) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", "it exists already");
		return;
	}
	if (!strncmp(api->sqlstate, "08", 2) || !strcmp(api->sqlstate, "")) {
		kore_pgsql_logerror(&api->sql);
		pr_api_problem(api, HTTP_STATUS_SERVICE_UNAVAILABLE,
		    PR_PROBLEM_UNAVAILABLE, "Service unavailable",
		    "the database does not answer");
		return;
	}
	kore_pgsql_logerror(&api->sql);
	pr_api_problem(api, HTTP_STATUS_INTERNAL_ERROR, PR_PROBLEM_INTERNAL,
	    "Internal error", NULL);
}

/* What comes after a step: a park, a query, or the end. */
static int
api_after_step(struct pr_api *api)
{
	if (api->resume != NULL && !api->responded)
		return (PH_PARKED);
	return (api->query != NULL ? PH_SETUP : PH_END);
}

void
pr_api_park(struct pr_api *api, pr_api_fn next)
{
	api->resume = next;
	api->parked = 1;
}

void
pr_api_wake(struct pr_api *api)
{
	api->parked = 0;
	http_request_wakeup(api->req);
}

static void
api_queryv(struct pr_api *api, pr_api_fn next, const char *sql, int n,
    va_list ap)
{
	const char	*p;
	int		 i;

	api_clear_query(api);
	if (n > PR_API_MAXPARAMS)
		fatal("pr_api_query: %d parameters", n);
	api->query = kore_strdup(sql);
	api->next = next;
	api->nparams = n;
	for (i = 0; i < n; i++) {
		p = va_arg(ap, const char *);
		api->params[i] = p != NULL ? kore_strdup(p) : NULL;
	}
}

void
pr_api_query(struct pr_api *api, pr_api_fn next, const char *sql, int n, ...)
{
	va_list		 ap;

	va_start(ap, n);
	api_queryv(api, next, sql, n, ap);
	va_end(ap);
}

void
pr_api_query_custom(struct pr_api *api, pr_api_fn next, const char *sql,
    int n, ...)
{
	va_list		 ap;

	va_start(ap, n);
	api_queryv(api, next, sql, n, ap);
	va_end(ap);
	api->custom = 1;
}

static void
api_clear_query(struct pr_api *api)
{
	int	i;

	kore_free(api->query);
	api->query = NULL;
	for (i = 0; i < api->nparams; i++) {
		kore_free(api->params[i]);
		api->params[i] = NULL;
	}
	api->nparams = 0;
	api->custom = 0;
	api->next = NULL;
	api->on_error = NULL;
}

/* Kore may call this twice when a request goes away: idempotent. */
static void
api_onfree(struct http_request *req)
{
	struct pr_api	*api = req->hdlr_extra;

	if (api == NULL)
		return;
	kore_pgsql_cleanup(&api->sql);
	pr_dbslot_release(&api->slot);
	api_clear_query(api);
	if (api->data_free != NULL)
		api->data_free(api->data);
	else
		kore_free(api->data);
	api->data = NULL;
	pr_json_free(&api->body);
	http_state_cleanup(req);
}

static int
api_method_ok(struct http_request *req, int methods)
{
	static const struct {
		int		 method;
		int		 flag;
		const char	*name;
	} map[] = {
		{ HTTP_METHOD_GET,	PR_GET,		"GET, HEAD" },
		{ HTTP_METHOD_HEAD,	PR_GET,		NULL },
		{ HTTP_METHOD_POST,	PR_POST,	"POST" },
		{ HTTP_METHOD_PUT,	PR_PUT,		"PUT" },
		{ HTTP_METHOD_PATCH,	PR_PATCH,	"PATCH" },
		{ HTTP_METHOD_DELETE,	PR_DELETE,	"DELETE" },
	};
	struct sbuf	allow;
	size_t		i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (req->method == map[i].method && (methods & map[i].flag))
			return (1);
	}
	sbuf_init(&allow);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if ((methods & map[i].flag) && map[i].name != NULL)
			sbuf_printf(&allow, "%s%s", allow.len ? ", " : "",
			    map[i].name);
	}
	http_response_header(req, "allow", allow.data);
	pr_respond_problem(req, HTTP_STATUS_METHOD_NOT_ALLOWED,
	    PR_PROBLEM_METHOD, "Method not allowed", NULL);
	sbuf_free(&allow);
	return (0);
}

void
pr_api_json(struct pr_api *api, int status, const char *body, size_t len)
{
	if (api->responded)
		return;
	api->responded = 1;
	http_response_header(api->req, "content-type", "application/json");
	http_response_header(api->req, "cache-control", "no-store");
	http_response(api->req, status, body, len);
}

void
pr_api_problem(struct pr_api *api, int status, const char *type,
    const char *title, const char *detail)
{
	if (api->responded)
		return;
	api->responded = 1;
	pr_respond_problem(api->req, status, type, title, detail);
}

void
pr_api_json_row(struct pr_api *api)
{
	const char	*json = pr_api_value(api, 0, 0);

	pr_api_json(api, HTTP_STATUS_OK, json, strlen(json));
}

void
pr_api_created(struct pr_api *api, const char *body, size_t len,
    const char *fmt, ...)
{
	char	location[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(location, sizeof(location), fmt, ap);
	va_end(ap);
	http_response_header(api->req, "location", location);
	pr_api_json(api, HTTP_STATUS_CREATED, body, len);
}

void
pr_api_empty(struct pr_api *api, int status)
{
	if (api->responded)
		return;
	api->responded = 1;
	http_response_header(api->req, "cache-control", "no-store");
	http_response(api->req, status, NULL, 0);
}

void
pr_api_deleted(struct pr_api *api, const char *not_found)
{
	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", not_found);
		return;
	}
	if (!pr_api_isnull(api, 0, 0)) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", pr_api_value(api, 0, 0));
		return;
	}
	pr_api_empty(api, HTTP_STATUS_NO_CONTENT);
}

int
pr_api_rows(struct pr_api *api)
{
	if (api->sql.result == NULL)
		return (0);
	return (kore_pgsql_ntuples(&api->sql));
}

const char *
pr_api_value(struct pr_api *api, int row, int col)
{
	return (kore_pgsql_getvalue(&api->sql, row, col));
}

int
pr_api_isnull(struct pr_api *api, int row, int col)
{
	return (PQgetisnull(api->sql.result, row, col));
}
