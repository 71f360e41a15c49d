/*
 * Typed checks of body members, adding their errors to a pr_fields.
 */
#include <kore/kore.h>

#include <string.h>

#include "fields.h"

int
pr_field_int(struct pr_fields *f, const struct pr_json *obj, const char *name,
    int64_t min, int64_t max, int nullable, int64_t *out)
{
	const struct pr_json	*v;

	if ((v = pr_json_get(obj, name)) == NULL)
		return (PR_FIELD_ABSENT);
	if (v->type == PR_JSON_NULL && nullable)
		return (PR_FIELD_NULL);
	if (v->type != PR_JSON_NUMBER || !v->u.number.is_integer ||
	    v->u.number.integer < min || v->u.number.integer > max) {
		pr_fields_add(f, name, "must be a whole number from %lld to "
		    "%lld%s", (long long)min, (long long)max,
		    nullable ? ", or null" : "");
		return (PR_FIELD_BAD);
	}
	*out = v->u.number.integer;
	return (PR_FIELD_SET);
}

int
pr_field_oneof(struct pr_fields *f, const struct pr_json *obj,
    const char *name, const char *const *values, int nullable,
    const char **out)
{
	const struct pr_json	*v;
	struct sbuf		 list;
	size_t			 i;

	if ((v = pr_json_get(obj, name)) == NULL)
		return (PR_FIELD_ABSENT);
	if (v->type == PR_JSON_NULL && nullable)
		return (PR_FIELD_NULL);
	for (i = 0; v->type == PR_JSON_STRING && values[i] != NULL; i++) {
		if (strcmp(values[i], v->u.string.s) == 0) {
			*out = values[i];
			return (PR_FIELD_SET);
		}
	}
	sbuf_init(&list);
	for (i = 0; values[i] != NULL; i++)
		sbuf_printf(&list, "%s\"%s\"", i == 0 ? "" : values[i + 1] ==
		    NULL ? " or " : ", ", values[i]);
	pr_fields_add(f, name, "must be %s%s", list.data,
	    nullable ? ", or null" : "");
	sbuf_free(&list);
	return (PR_FIELD_BAD);
}

void
pr_field_answer_row(struct pr_api *api, const char *not_found,
    const char *const *names)
{
	struct pr_fields	 f;
	const char		*doc;
	int			 i;

	if (pr_api_rows(api) != 1) {
		pr_api_problem(api, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
		    "Not found", not_found);
		return;
	}
	pr_fields_init(&f);
	for (i = 0; names[i] != NULL; i++) {
		if (!pr_api_isnull(api, 0, i + 1))
			pr_fields_add(&f, names[i], "%s",
			    pr_api_value(api, 0, i + 1));
	}
	if (pr_fields_answer(api, &f))
		return;
	doc = pr_api_value(api, 0, 0);
	pr_api_json(api, HTTP_STATUS_OK, doc, strlen(doc));
}
