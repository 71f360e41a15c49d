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

/*
 * The answer of a list, from a CTE "page" of up to LIMIT + 1 rows, each
 * with its JSON in j, in ORDER: {"items": the first LIMIT, "next_cursor":
 * KEY (as text) of the last one shown, in hex, or null on the last page}.
 * The extra row tells whether there is a next page.
 */
#define PR_PAGE_JSON(ORDER, KEY, LIMIT)					\
	"SELECT json_build_object('items', coalesce((SELECT json_agg(j "	\
	"ORDER BY " ORDER ") FROM (SELECT * FROM page ORDER BY " ORDER	\
	" LIMIT " LIMIT ") p), '[]'), 'next_cursor', CASE WHEN (SELECT "	\
	"count(*) FROM page) > " LIMIT " THEN (SELECT encode(convert_to("	\
	KEY ", 'UTF8'), 'hex') FROM page ORDER BY " ORDER " OFFSET "	\
	LIMIT " - 1 LIMIT 1) END)"

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
/* An object's id, 1 to 18 digits; what names it in the answer. */
int	pr_param_id(struct pr_api *, const char *name, const char *what,
	    char *out, size_t outlen);
/*
 * Path segment n as an object's id into id; answers 404 ("no such
 * <what>") and returns 0 when it cannot be one: ids that cannot exist
 * are not found either.
 */
int	pr_param_path_id(struct pr_api *, int n, const char *what, char *id,
	    size_t idlen);
/* A prefix search, lower-cased, as a LIKE pattern ("%" when absent). */
int	pr_param_prefix(struct pr_api *, const char *name, char *like,
	    size_t likelen);

/* A domain name, normalised (lower case, A-labels); "" when absent. */
int	pr_param_domain(struct pr_api *, const char *name, char *domain,
	    size_t domainlen);

#endif
