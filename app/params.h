/*
 * Query parameters of API requests, and the page a list asks for.
 * Each answers 400 naming the parameter and returns 0 when it is
 * malformed; 1 otherwise ("" when absent).
 */
#ifndef PR_PARAMS_H
#define PR_PARAMS_H

#include <stddef.h>

#include "api.h"
#include "validate.h"

#define PR_LIST_DEFAULT		50
#define PR_LIST_MAX		1000

struct pr_page {
	char	limit[8];			/* 1 to 1000, as text */
	char	after[PR_ADDRESS_MAX + 1];	/* the cursor: "" first */
};

int	pr_param(struct pr_api *, const char *name, char *out,
	    size_t outlen);
/* limit and cursor (hex of the last key shown, as next_cursor gives). */
int	pr_param_page(struct pr_api *, struct pr_page *);
/* A parameter, lower-cased. */
int	pr_param_lower(struct pr_api *, const char *name, char *out,
	    size_t outlen);
/* A parameter that is absent or one of allowed (NULL-terminated). */
int	pr_param_oneof(struct pr_api *, const char *name, char *out,
	    size_t outlen, const char *const *allowed);
/* A prefix search, lower-cased, as a LIKE pattern ("%" when absent). */
int	pr_param_prefix(struct pr_api *, const char *name, char *like,
	    size_t likelen);

/* A domain name, normalised (lower case, A-labels); "" when absent. */
int	pr_param_domain(struct pr_api *, const char *name, char *domain,
	    size_t domainlen);

/*
 * A list's answer, {"items": [...], "next_cursor": ...}, from the CTE
 * page: its rows in ORDER, each item's JSON as j, one more row than
 * LIMIT (a parameter, "$n::int") when there is a next page.  The cursor
 * is the last item's CURSOR (text), in hex.
 */
#define PR_PAGE_ANSWER(ORDER, CURSOR, LIMIT)				\
	"SELECT json_build_object('items', coalesce((SELECT json_agg(j " \
	"ORDER BY " ORDER ") FROM (SELECT * FROM page ORDER BY " ORDER	\
	" LIMIT " LIMIT ") p), '[]'), 'next_cursor', CASE WHEN (SELECT " \
	"count(*) FROM page) > " LIMIT " THEN (SELECT encode(convert_to(" \
	CURSOR ", 'UTF8'), 'hex') FROM page ORDER BY " ORDER " OFFSET "	\
	LIMIT " - 1 LIMIT 1) END)"

#endif
