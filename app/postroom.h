/* Shared declarations of the Kore module. */
#ifndef POSTROOM_H
#define POSTROOM_H

#include <kore/kore.h>
#include <kore/http.h>

#include "sbuf.h"

/* The name the database is registered under with kore_pgsql. */
#define PR_DB			"db"

/* Stable problem types (RFC 9457), documented in README.md. */
#define PR_PROBLEM_NOT_FOUND	"urn:postroom:problem:not-found"
#define PR_PROBLEM_METHOD	"urn:postroom:problem:method-not-allowed"

/* Send b as application/json with the given status. */
void	pr_respond_json(struct http_request *, int, struct sbuf *);

/* Send an application/problem+json answer. */
void	pr_respond_problem(struct http_request *, int, const char *type,
	    const char *title, const char *detail);

#endif
