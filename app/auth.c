/*
 * API key authentication.  Keys are looked up once and then served from a
 * small per-worker cache for KEY_TTL_MS, so an authenticated request costs
 * no extra round trip; a revocation takes effect within that time.  The
 * lookup also records the key's last use.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

#define KEY_CACHE_SIZE		1024	/* direct-mapped, a power of two */
#define KEY_TTL_MS		10000

struct key_entry {
	char		key_id[PR_KEY_ID_LEN + 1];
	int		usable;		/* exists, not revoked */
	char		hash[PR_KEY_HASH_HEX + 1];
	enum pr_role	role;
	int64_t		company_id;
	char		domains[PR_DOMAINS_MAX];
	u_int64_t	loaded;
};

static struct key_entry	key_cache[KEY_CACHE_SIZE];

static const struct {
	const char	*name;
	enum pr_role	 role;
} roles[] = {
	{ "operator",		PR_ROLE_OPERATOR },
	{ "support",		PR_ROLE_SUPPORT },
	{ "company_admin",	PR_ROLE_COMPANY_ADMIN },
	{ "company_viewer",	PR_ROLE_COMPANY_VIEWER },
	{ "domain_admin",	PR_ROLE_DOMAIN_ADMIN },
};

static void	auth_loaded(struct pr_api *);
static void	auth_refuse(struct pr_api *, const char *);

static enum pr_role
role_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(roles[i].name, name) == 0)
			return (roles[i].role);
	}
	return (PR_ROLE_NONE);
}

int
pr_role_at_least(const struct pr_actor *a, enum pr_role r)
{
	return (a->role >= r);
}

const char *
pr_actor_domains(const struct pr_actor *a)
{
	return (a->domains[0] != '\0' ? a->domains : NULL);
}

static struct key_entry *
cache_slot(const char *key_id)
{
	u_int32_t	h = 2166136261u;

	for (; *key_id != '\0'; key_id++)
		h = (h ^ (u_int8_t)*key_id) * 16777619u;
	return (&key_cache[h & (KEY_CACHE_SIZE - 1)]);
}

/* The key this request presents, parsed; 0 when absent or malformed. */
static int
presented_key(struct pr_api *api, struct pr_apikey *key)
{
	const char	*hdr;

	if (!http_request_header(api->req, "authorization", &hdr))
		return (0);
	if (strncasecmp(hdr, "Bearer ", 7) != 0)
		return (0);
	hdr += 7;
	while (*hdr == ' ')
		hdr++;
	return (pr_apikey_parse(hdr, key) == 0);
}

static int
actor_from(struct pr_api *api, const struct key_entry *e,
    const struct pr_apikey *key)
{
	struct pr_actor	*a = &api->actor;

	if (!e->usable || !pr_apikey_hash_equal(e->hash, key->hash))
		return (0);
	a->role = e->role;
	a->company_id = e->company_id;
	snprintf(a->company, sizeof(a->company), "%lld",
	    (long long)e->company_id);
	snprintf(a->domains, sizeof(a->domains), "%s", e->domains);
	snprintf(a->key_id, sizeof(a->key_id), "%s", key->id);
	snprintf(a->who, sizeof(a->who), "key:%s", key->id);
	return (1);
}

/*
 * 1: the actor is known; 0: answered (401); 2: a lookup is under way and
 * its step starts the handler.
 */
int
pr_auth_begin(struct pr_api *api)
{
	struct pr_apikey	 key;
	struct key_entry	*e;

	if (!presented_key(api, &key)) {
		auth_refuse(api, "send Authorization: Bearer pr_<id>_<secret>");
		return (0);
	}
	e = cache_slot(key.id);
	if (strcmp(e->key_id, key.id) == 0 &&
	    kore_time_ms() - e->loaded < KEY_TTL_MS) {
		if (actor_from(api, e, &key))
			return (1);
		auth_refuse(api, "the key is unknown or revoked");
		return (0);
	}

	/* The secret's hash travels in the step's data, not in the cache. */
	api->data = kore_strdup(key.hash);
	pr_api_query(api, auth_loaded,
	    "UPDATE api_keys k SET last_used_at = now() WHERE key_id = $1 "
	    "RETURNING k.secret_hash, k.role, coalesce(k.company_id, 0), "
	    "k.revoked_at IS NULL, coalesce((SELECT array_agg(d.domain_id "
	    "ORDER BY d.domain_id)::text FROM api_key_domains d WHERE "
	    "d.company_id = k.company_id AND d.key_id = k.key_id), '')",
	    1, key.id);
	snprintf(api->actor.key_id, sizeof(api->actor.key_id), "%s", key.id);
	return (2);
}

static void
auth_loaded(struct pr_api *api)
{
	struct pr_apikey	 key;
	struct key_entry	*e;

	memset(&key, 0, sizeof(key));
	snprintf(key.id, sizeof(key.id), "%s", api->actor.key_id);
	snprintf(key.hash, sizeof(key.hash), "%s", (char *)api->data);
	kore_free(api->data);
	api->data = NULL;

	e = cache_slot(key.id);
	memset(e, 0, sizeof(*e));
	snprintf(e->key_id, sizeof(e->key_id), "%s", key.id);
	e->loaded = kore_time_ms();
	if (pr_api_rows(api) == 1) {
		snprintf(e->hash, sizeof(e->hash), "%s", pr_api_value(api, 0, 0));
		e->role = role_parse(pr_api_value(api, 0, 1));
		e->company_id = strtoll(pr_api_value(api, 0, 2), NULL, 10);
		e->usable = pr_api_value(api, 0, 3)[0] == 't' &&
		    e->role != PR_ROLE_NONE;
		snprintf(e->domains, sizeof(e->domains), "%s",
		    pr_api_value(api, 0, 4));
		/* A domain admin without domains sees none, not all. */
		if (e->role == PR_ROLE_DOMAIN_ADMIN && e->domains[0] == '\0')
			snprintf(e->domains, sizeof(e->domains), "{}");
	}
	if (!actor_from(api, e, &key)) {
		auth_refuse(api, "the key is unknown or revoked");
		return;
	}
	api->start(api);
}

static void
auth_refuse(struct pr_api *api, const char *detail)
{
	http_response_header(api->req, "www-authenticate",
	    "Bearer realm=\"postroom\"");
	pr_api_problem(api, HTTP_STATUS_UNAUTHORIZED, PR_PROBLEM_UNAUTHORIZED,
	    "Unauthorized", detail);
}
