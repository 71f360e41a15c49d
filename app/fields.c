/*
 * Typed checks of body members, adding their errors to a pr_fields.
 */
#include <kore/kore.h>

#include <string.h>

#include "fields.h"
#include "validate.h"

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

/* One element of an address list; 0 when it is bad (and said so). */
static int
field_address(struct pr_fields *f, const char *field,
    const struct pr_json *e, const char *self, char *out, size_t outlen)
{
	const char	*why;

	if (e->type != PR_JSON_STRING) {
		pr_fields_add(f, field, "must be an address, a string");
		return (0);
	}
	if ((why = pr_address_check(e->u.string.s, out, outlen)) != NULL) {
		pr_fields_add(f, field, "%s", why);
		return (0);
	}
	if (self != NULL && strcmp(out, self) == 0) {
		pr_fields_add(f, field, "must not be %s itself", self);
		out[0] = '\0';
		return (0);
	}
	return (1);
}

int
pr_field_addresses(struct pr_fields *f, const struct pr_json *obj,
    const char *name, size_t min, size_t max, const char *self,
    struct sbuf *out)
{
	const struct pr_json	*v, *e;
	char			(*seen)[PR_ADDRESS_MAX + 1];
	char			 field[64];
	size_t			 i, j;
	int			 errors = f->count;

	if ((v = pr_json_get(obj, name)) == NULL)
		return (PR_FIELD_ABSENT);
	if (v->type != PR_JSON_ARRAY || v->u.children.count < min ||
	    v->u.children.count > max) {
		pr_fields_add(f, name, "must be an array of %zu to %zu "
		    "addresses", min, max);
		return (PR_FIELD_BAD);
	}
	seen = kore_calloc(v->u.children.count + 1, sizeof(*seen));
	for (i = 0, e = v->u.children.first; e != NULL; e = e->next, i++) {
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		if (!field_address(f, field, e, self, seen[i], sizeof(seen[i])))
			continue;
		for (j = 0; j < i && strcmp(seen[j], seen[i]) != 0; j++)
			;
		if (j < i)
			pr_fields_add(f, field, "the same address as %s[%zu]",
			    name, j);
	}
	if (f->count == errors) {
		sbuf_puts(out, "[");
		for (i = 0; i < v->u.children.count; i++) {
			sbuf_puts(out, i > 0 ? "," : "");
			sbuf_json_str(out, seen[i]);
		}
		sbuf_puts(out, "]");
	}
	kore_free(seen);
	return (f->count == errors ? PR_FIELD_SET : PR_FIELD_BAD);
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
