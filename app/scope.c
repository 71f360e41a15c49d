/*
 * Roles, companies and domains of new keys and admin accounts (scope.h).
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "fields.h"
#include "scope.h"
#include "validate.h"

const char *const pr_scope_roles[] = { "operator", "support",
    "company_admin", "company_viewer", "domain_admin", NULL };

void
pr_scope_init(struct pr_scope *s)
{
	memset(s, 0, sizeof(*s));
	sbuf_init(&s->domains);
}

void
pr_scope_free(struct pr_scope *s)
{
	sbuf_free(&s->domains);
}

int
pr_scope_provider(const char *role)
{
	return (!strcmp(role, "operator") || !strcmp(role, "support"));
}

static int
forbidden(struct pr_api *api, const char *fmt, const char *what)
{
	char	detail[96];

	snprintf(detail, sizeof(detail), fmt, what);
	pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_FORBIDDEN,
	    "Forbidden", detail);
	return (0);
}

int
pr_scope_maker(struct pr_api *api, const char *what)
{
	if (api->actor.role == PR_ROLE_OPERATOR ||
	    api->actor.role == PR_ROLE_COMPANY_ADMIN)
		return (1);
	return (forbidden(api, "this role cannot create %ss", what));
}

int
pr_scope_role(struct pr_api *api, struct pr_fields *f,
    const struct pr_json *body, struct pr_scope *s, const char *what)
{
	if (pr_field_oneof(f, body, "role", pr_scope_roles, 0, &s->role) ==
	    PR_FIELD_ABSENT)
		pr_fields_add(f, "role", "required, one of operator, support, "
		    "company_admin, company_viewer, domain_admin");
	if (s->role == NULL || api->actor.role == PR_ROLE_OPERATOR ||
	    !pr_scope_provider(s->role))
		return (1);
	return (forbidden(api, "a company admin cannot create provider "
	    "staff %ss", what));
}

void
pr_scope_company(struct pr_api *api, struct pr_fields *f,
    const struct pr_json *body, struct pr_scope *s, const char *what)
{
	int64_t	id;

	if (api->actor.company_id != 0) {
		if (pr_json_get(body, "company_id") != NULL)
			pr_fields_add(f, "company_id", "only provider staff "
			    "choose the company: a company's %ss are made in "
			    "it", what);
		snprintf(s->company, sizeof(s->company), "%s",
		    api->actor.company);
		return;
	}
	switch (pr_field_int(f, body, "company_id", 1, INT64_MAX, 1, &id)) {
	case PR_FIELD_SET:
		if (s->role != NULL && pr_scope_provider(s->role))
			pr_fields_add(f, "company_id", "a %s %s has no "
			    "company", s->role, what);
		else
			snprintf(s->company, sizeof(s->company), "%lld",
			    (long long)id);
		break;
	case PR_FIELD_ABSENT:
	case PR_FIELD_NULL:
		if (s->role != NULL && !pr_scope_provider(s->role))
			pr_fields_add(f, "company_id", "required for a %s %s",
			    s->role, what);
		break;
	}
}

int
pr_scope_domain_list(struct pr_fields *f, const struct pr_json *v,
    struct pr_scope *s)
{
	const struct pr_json	*d;
	char			 fqdn[PR_DOMAIN_MAX + 1];
	const char		*why;

	if (v == NULL)
		return (0);
	if (v->type != PR_JSON_ARRAY || v->u.children.count == 0 ||
	    v->u.children.count > PR_SCOPE_DOMAINS_MAX) {
		pr_fields_add(f, "domains", "an array of 1 to %d domain names",
		    PR_SCOPE_DOMAINS_MAX);
		return (1);
	}
	sbuf_puts(&s->domains, "{");
	for (d = v->u.children.first; d != NULL; d = d->next) {
		if (d->type != PR_JSON_STRING) {
			pr_fields_add(f, "domains", "each a domain name");
			return (1);
		}
		if ((why = pr_domain_check(d->u.string.s, fqdn,
		    sizeof(fqdn))) != NULL) {
			pr_fields_add(f, "domains", "'%s': %s",
			    d->u.string.s, why);
			return (1);
		}
		/* A-labels are letters, digits, '-' and '.': no quoting. */
		sbuf_printf(&s->domains, "%s%s", s->ndomains++ ? "," : "",
		    fqdn);
	}
	sbuf_puts(&s->domains, "}");
	return (1);
}

void
pr_scope_domains(struct pr_fields *f, const struct pr_json *body,
    struct pr_scope *s, const char *what)
{
	const struct pr_json	*v = pr_json_get(body, "domains");

	if (s->role == NULL)
		return;
	if (strcmp(s->role, "domain_admin") != 0) {
		if (v != NULL)
			pr_fields_add(f, "domains", "only domain_admin %ss "
			    "have domains", what);
		return;
	}
	if (v == NULL)
		pr_fields_add(f, "domains", "required: an array of 1 to %d "
		    "domain names", PR_SCOPE_DOMAINS_MAX);
	pr_scope_domain_list(f, v, s);
}
