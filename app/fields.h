/*
 * Typed checks of a JSON body's members, on top of pr_fields (api.h):
 * a bad value adds its field error, so that all are answered together.
 */
#ifndef PR_FIELDS_H
#define PR_FIELDS_H

#include <stdint.h>

#include "api.h"

#define PR_FIELD_BAD	-1	/* an error was added */
#define PR_FIELD_ABSENT	0	/* not in the body */
#define PR_FIELD_NULL	1	/* null, where null is allowed */
#define PR_FIELD_SET	2	/* a good value, in *out */

/* A whole number in [min, max]. */
int	pr_field_int(struct pr_fields *, const struct pr_json *obj,
	    const char *name, int64_t min, int64_t max, int nullable,
	    int64_t *out);
/* One of the strings in values (NULL-terminated). */
int	pr_field_oneof(struct pr_fields *, const struct pr_json *obj,
	    const char *name, const char *const *values, int nullable,
	    const char **out);

/*
 * An array of min to max addresses, normalised (lower case, A-labels)
 * into out as a JSON array.  A bad element is named by its index
 * ("targets[3]"), every one at once; so is one given twice and, when
 * self is not NULL, the address that owns the list.
 */
int	pr_field_addresses(struct pr_fields *, const struct pr_json *obj,
	    const char *name, size_t min, size_t max, const char *self,
	    struct sbuf *out);

/*
 * Answer a change statement whose one row holds the object's JSON in
 * column 0 and then, per name (NULL-terminated), that field's refusal or
 * NULL: 404 (detail not_found) without a row, 422 listing the refusals,
 * else 200 with the JSON.
 */
void	pr_field_answer_row(struct pr_api *, const char *not_found,
	    const char *const *names);

#endif
