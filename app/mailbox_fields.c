/*
 * Checks of the mailbox fields that create and update share.  Each adds
 * its complaint to f and leaves out untouched when the field is absent.
 */
#include <kore/kore.h>

#include <string.h>

#include "api.h"
#include "fields.h"
#include "mailbox.h"
#include "password.h"
#include "validate.h"

void
pr_mb_password(struct pr_fields *f, const struct pr_json *v,
    const char *local, char *hash, size_t hashlen)
{
	const char	*why;

	if (v == NULL)
		return;
	if (v->type != PR_JSON_STRING) {
		pr_fields_add(f, "password", "must be a string");
		return;
	}
	if ((why = pr_password_policy(v->u.string.s, local)) != NULL) {
		pr_fields_add(f, "password", "%s", why);
		return;
	}
	if (f->count == 0 && pr_password_hash(v->u.string.s,
	    PR_PW_SHA512_CRYPT, hash, hashlen) == -1)
		pr_fields_add(f, "password", "could not be hashed");
}

void
pr_mb_display_name(struct pr_fields *f, const struct pr_json *v, char *out,
    size_t outlen)
{
	const char	*why;

	if (v == NULL)
		return;
	if (v->type != PR_JSON_STRING) {
		pr_fields_add(f, "display_name", "must be a string");
		return;
	}
	if ((why = pr_mb_display_name_rule(v->u.string.s,
	    v->u.string.len)) != NULL) {
		pr_fields_add(f, "display_name", "%s", why);
		return;
	}
	snprintf(out, outlen, "%s", v->u.string.s);
}

/* An optional whole number, as text for a query parameter. */
void
pr_mb_integer(struct pr_fields *f, const struct pr_json *obj,
    const char *name, int64_t min, int64_t max, char *out, size_t outlen)
{
	int64_t	v;

	if (pr_field_int(f, obj, name, min, max, 0, &v) == PR_FIELD_SET)
		snprintf(out, outlen, "%lld", (long long)v);
}

/* New mailboxes' services are enabled or disabled, not suspended. */
void
pr_mb_services(struct pr_fields *f, const struct pr_json *v,
    int allow_suspended, char out[PR_MB_NSERVICES][PR_MB_STATE_LEN])
{
	const struct pr_json	*s;
	const char		*val, *why;
	char			 name[32];
	int			 i;

	if (v == NULL)
		return;
	if (v->type != PR_JSON_OBJECT) {
		pr_fields_add(f, "services", "must be an object");
		return;
	}
	pr_fields_known(f, v, pr_mb_services_names);
	for (i = 0; i < PR_MB_NSERVICES; i++) {
		if ((s = pr_json_get(v, pr_mb_services_names[i])) == NULL)
			continue;
		snprintf(name, sizeof(name), "services.%s",
		    pr_mb_services_names[i]);
		val = s->type == PR_JSON_STRING ? s->u.string.s : "";
		if ((why = pr_mb_service_rule(val, allow_suspended)) != NULL) {
			pr_fields_add(f, name, "%s", why);
			continue;
		}
		snprintf(out[i], PR_MB_STATE_LEN, "%s", val);
	}
}
