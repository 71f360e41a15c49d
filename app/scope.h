/*
 * The role and scope of a new API key or admin account, as a request body
 * gives them: who may grant which role, the company (chosen by provider
 * staff only; a company's actors make things in their own) and the
 * domains (for, and only for, domain_admin).  "what" names the thing
 * made in messages: "key", "account".
 */
#ifndef PR_SCOPE_H
#define PR_SCOPE_H

#include "api.h"

#define PR_SCOPE_DOMAINS_MAX	64

struct pr_scope {
	const char	*role;		/* NULL: absent or bad */
	char		 company[24];	/* "": provider staff */
	struct sbuf	 domains;	/* "{a,b}", A-labels */
	int		 ndomains;
};

/* The five roles, NULL-terminated, for pr_field_oneof(). */
extern const char *const	pr_scope_roles[];

void	pr_scope_init(struct pr_scope *);
void	pr_scope_free(struct pr_scope *);
/* operator and support: the provider's staff, of no company. */
int	pr_scope_provider(const char *role);

/* Operators and company admins make keys and accounts; others get 403. */
int	pr_scope_maker(struct pr_api *, const char *what);
/*
 * role: required.  Returns 0 after answering 403 when the actor may not
 * grant it (company admins grant no provider staff role); the caller
 * still frees f.
 */
int	pr_scope_role(struct pr_api *, struct pr_fields *,
	    const struct pr_json *body, struct pr_scope *, const char *what);
void	pr_scope_company(struct pr_api *, struct pr_fields *,
	    const struct pr_json *body, struct pr_scope *, const char *what);
/* domains: required for a domain_admin, refused for other roles. */
void	pr_scope_domains(struct pr_fields *, const struct pr_json *body,
	    struct pr_scope *, const char *what);
/* A domains member alone, whatever the role (changes): 1 when given. */
int	pr_scope_domain_list(struct pr_fields *, const struct pr_json *v,
	    struct pr_scope *);

#endif
