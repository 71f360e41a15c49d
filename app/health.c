/*
 * GET /healthz: the process answers.
 * GET /readyz: the database answers too; 503 with the reason when not.
 * It waits for a connection in line with the API's requests (dbslot.c),
 * or Kore's own queue would let newcomers overtake it.
 */
#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>

#include "dbslot.h"
#include "postroom.h"

int	pr_healthz(struct http_request *);
int	pr_readyz(struct http_request *);

static int	readyz_setup(struct http_request *);
static int	readyz_query(struct http_request *);
static int	readyz_wait(struct http_request *);
static int	readyz_done(struct http_request *);
static int	readyz_error(struct http_request *);

enum {
	READYZ_SETUP,
	READYZ_QUERY,
	READYZ_WAIT,
	READYZ_DONE,
	READYZ_ERROR
};

static struct http_state	readyz_states[] = {
	{ "READYZ_SETUP",	readyz_setup },
	{ "READYZ_QUERY",	readyz_query },
	{ "READYZ_WAIT",	readyz_wait },
	{ "READYZ_DONE",	readyz_done },
	{ "READYZ_ERROR",	readyz_error },
};

#define READYZ_NSTATES	(sizeof(readyz_states) / sizeof(readyz_states[0]))

struct readyz {
	struct kore_pgsql	sql;
	struct pr_dbslot	slot;
};

/* Kore may call this twice when a request goes away: idempotent. */
static void
readyz_free(struct http_request *req)
{
	struct readyz	*r = http_state_get(req);

	if (r == NULL)
		return;
	kore_pgsql_cleanup(&r->sql);
	pr_dbslot_release(&r->slot);
}

static int
method_ok(struct http_request *req)
{
	if (req->method == HTTP_METHOD_GET || req->method == HTTP_METHOD_HEAD)
		return (1);
	http_response_header(req, "allow", "GET, HEAD");
	pr_respond_problem(req, HTTP_STATUS_METHOD_NOT_ALLOWED,
	    PR_PROBLEM_METHOD, "Method not allowed", NULL);
	return (0);
}

int
pr_healthz(struct http_request *req)
{
	struct sbuf	b;

	if (!method_ok(req))
		return (KORE_RESULT_OK);
	sbuf_init(&b);
	sbuf_puts(&b, "{\"status\":\"ok\"}\n");
	pr_respond_json(req, HTTP_STATUS_OK, &b);
	sbuf_free(&b);
	return (KORE_RESULT_OK);
}

int
pr_readyz(struct http_request *req)
{
	if (req->fsm_state == READYZ_SETUP && !http_state_exists(req) &&
	    !method_ok(req))
		return (KORE_RESULT_OK);
	return (http_state_run(readyz_states, READYZ_NSTATES, req));
}

static int
readyz_setup(struct http_request *req)
{
	struct readyz	*r;

	if (!http_state_exists(req)) {
		r = http_state_create(req, sizeof(*r), readyz_free);
		kore_pgsql_init(&r->sql);
		kore_pgsql_bind_request(&r->sql, req);
	} else {
		r = http_state_get(req);
	}

	if (!pr_dbslot_take(&r->slot, req))
		return (HTTP_STATE_RETRY);
	if (!kore_pgsql_setup(&r->sql, PR_DB, KORE_PGSQL_ASYNC)) {
		/* All connections busy: the pgsql layer wakes us up. */
		if (r->sql.state == KORE_PGSQL_STATE_INIT)
			return (HTTP_STATE_RETRY);
		req->fsm_state = READYZ_ERROR;
	} else {
		req->fsm_state = READYZ_QUERY;
	}
	return (HTTP_STATE_CONTINUE);
}

static int
readyz_query(struct http_request *req)
{
	struct readyz	*r = http_state_get(req);

	if (!kore_pgsql_query(&r->sql, "SELECT 1")) {
		req->fsm_state = READYZ_ERROR;
		return (HTTP_STATE_CONTINUE);
	}
	req->fsm_state = READYZ_WAIT;
	return (HTTP_STATE_RETRY);
}

static int
readyz_wait(struct http_request *req)
{
	struct readyz	*r = http_state_get(req);

	switch (r->sql.state) {
	case KORE_PGSQL_STATE_WAIT:
		return (HTTP_STATE_RETRY);
	case KORE_PGSQL_STATE_COMPLETE:
		req->fsm_state = READYZ_DONE;
		break;
	case KORE_PGSQL_STATE_ERROR:
		req->fsm_state = READYZ_ERROR;
		break;
	default:
		kore_pgsql_continue(&r->sql);
		break;
	}
	return (HTTP_STATE_CONTINUE);
}

static int
readyz_done(struct http_request *req)
{
	struct sbuf	b;

	readyz_free(req);
	http_state_cleanup(req);

	sbuf_init(&b);
	sbuf_puts(&b, "{\"status\":\"ready\",\"database\":\"ok\"}\n");
	pr_respond_json(req, HTTP_STATUS_OK, &b);
	sbuf_free(&b);
	return (HTTP_STATE_COMPLETE);
}

/* The reason goes to the log in full; the answer stays generic. */
static int
readyz_error(struct http_request *req)
{
	struct readyz	*r = http_state_get(req);
	struct sbuf	 b;

	kore_pgsql_logerror(&r->sql);
	readyz_free(req);
	http_state_cleanup(req);

	sbuf_init(&b);
	sbuf_puts(&b, "{\"status\":\"unavailable\",\"database\":\"down\","
	    "\"reason\":\"the database does not answer\"}\n");
	http_response_header(req, "retry-after", "1");
	pr_respond_json(req, HTTP_STATUS_SERVICE_UNAVAILABLE, &b);
	sbuf_free(&b);
	return (HTTP_STATE_COMPLETE);
}
