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
/* A prefix search, lower-cased, as a LIKE pattern ("%" when absent). */
int	pr_param_prefix(struct pr_api *, const char *name, char *like,
	    size_t likelen);

#endif
