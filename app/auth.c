/*
 * Authentication.  API keys are looked up once and then served from a
 * small per-worker cache for KEY_TTL_MS, so an authenticated request costs
 * no extra round trip; a revocation takes effect within that time (and
 * the reload's, KEY_RELOAD_MS at most).  The lookup also records the
 * key's last use.
 *
 * Browsers present a session cookie instead: the session is read on every
 * request (it may end at any moment), and a request that changes anything
 * must carry the session's CSRF token in X-CSRF-Token.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "query.h"

#define KEY_CACHE_SIZE		1024	/* direct-mapped, a power of two */
#define KEY_TTL_MS		10000
/*
 * While one request reloads an expired key, the others of the worker go
 * on with what the cache holds, for up to KEY_RELOAD_MS: every request
 * reloading at once queued on the key's row (measured: lookup p99 from
 * 8 ms to 240 ms, one stall every 10 s).
 */
#define KEY_RELOAD_MS		2000

struct key_entry {
	char		key_id[PR_KEY_ID_LEN + 1];
	int		usable;		/* exists, not revoked */
	char		hash[PR_KEY_HASH_HEX + 1];
	enum pr_role	role;
	int64_t		company_id;
	char		domains[PR_DOMAINS_MAX];
	u_int64_t	loaded;
	u_int64_t	reloading;	/* since when, or 0 */
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
static void	session_loaded(struct pr_api *);
static int	session_begin(struct pr_api *);
static void	auth_refuse(struct pr_api *, const char *);

enum pr_role
pr_role_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(roles[i].name, name) == 0)
			return (roles[i].role);
	}
	return (PR_ROLE_NONE);
}

const char *
pr_role_name(enum pr_role r)
{
	size_t	i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (roles[i].role == r)
			return (roles[i].name);
	}
	return ("none");
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

void
pr_auth_forget(const char *key_id)
{
	struct key_entry	*e = cache_slot(key_id);

	if (strcmp(e->key_id, key_id) == 0)
		memset(e, 0, sizeof(*e));
}

/* Whether e may answer: within its time, or while it is being reloaded. */
static int
cache_fresh(const struct key_entry *e)
{
	u_int64_t	now = kore_time_ms();

	if (now - e->loaded < KEY_TTL_MS)
		return (1);
	return (e->reloading != 0 && now - e->reloading < KEY_RELOAD_MS);
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
	const char		*hdr;

	if (!http_request_header(api->req, "authorization", &hdr))
		return (session_begin(api));
	if (!presented_key(api, &key)) {
		auth_refuse(api, "send Authorization: Bearer pr_<id>_<secret>");
		return (0);
	}
	e = cache_slot(key.id);
	if (strcmp(e->key_id, key.id) == 0 && cache_fresh(e)) {
		if (actor_from(api, e, &key))
			return (1);
		auth_refuse(api, "the key is unknown or revoked");
		return (0);
	}
	if (strcmp(e->key_id, key.id) == 0)
		e->reloading = kore_time_ms();

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
		e->role = pr_role_parse(pr_api_value(api, 0, 1));
		e->company_id = strtoll(pr_api_value(api, 0, 2), NULL, 10);
		e->usable = pr_api_value(api, 0, 3)[0] == 't' &&
		    e->role != PR_ROLE_NONE;
		/* A scope too long to hold is refused, never cut short. */
		if (strlen(pr_api_value(api, 0, 4)) >= sizeof(e->domains))
			e->usable = 0;
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

/*
 * Idle sessions end after 30 minutes, any after 12 hours (set at login);
 * last_seen_at is written at most once a minute.
 */
static int
session_begin(struct pr_api *api)
{
	const char	*cookies;
	char		 token[PR_KEY_SECRET_LEN + 1];

	if (!http_request_header(api->req, "cookie", &cookies) ||
	    pr_cookie_get(cookies, PR_SESSION_COOKIE, token,
	    sizeof(token)) != 1 || token[0] == '\0') {
		auth_refuse(api, "send Authorization: Bearer pr_<id>_<secret>, "
		    "or log in (POST /api/v1/session)");
		return (0);
	}
	pr_token_hash(token, api->actor.token_hash);
	pr_api_query(api, session_loaded,
	    "WITH s AS (SELECT s.token_hash, s.csrf_token, a.id, a.role, "
	    "coalesce(a.company_id, 0) AS company, a.email, coalesce((SELECT "
	    "array_agg(d.domain_id ORDER BY d.domain_id)::text FROM "
	    "admin_domains d WHERE d.company_id = a.company_id AND "
	    "d.admin_id = a.id), '') AS domains FROM sessions s JOIN admins a "
	    "ON a.id = s.admin_id WHERE s.token_hash = $1 AND a.status = "
	    "'active' AND s.expires_at > now() AND s.last_seen_at > now() - "
	    "interval '30 minutes'), "
	    "u AS (UPDATE sessions SET last_seen_at = now() WHERE token_hash = "
	    "(SELECT token_hash FROM s) AND last_seen_at < now() - "
	    "interval '1 minute') "
	    "SELECT csrf_token, id, role, company, email, domains FROM s",
	    1, api->actor.token_hash);
	return (2);
}

static int
csrf_ok(struct pr_api *api, const char *expected)
{
	const char	*got;

	if (api->req->method == HTTP_METHOD_GET ||
	    api->req->method == HTTP_METHOD_HEAD)
		return (1);
	return (http_request_header(api->req, "x-csrf-token", &got) &&
	    strlen(got) == strlen(expected) &&
	    CRYPTO_memcmp(got, expected, strlen(expected)) == 0);
}

static void
session_loaded(struct pr_api *api)
{
	struct pr_actor	*a = &api->actor;

	if (pr_api_rows(api) != 1 ||
	    (a->role = pr_role_parse(pr_api_value(api, 0, 2))) ==
	    PR_ROLE_NONE) {
		http_response_header(api->req, "set-cookie", PR_SESSION_COOKIE
		    "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
		auth_refuse(api, "the session has ended: log in again");
		return;
	}
	if (!csrf_ok(api, pr_api_value(api, 0, 0))) {
		pr_api_problem(api, HTTP_STATUS_FORBIDDEN, PR_PROBLEM_CSRF,
		    "Forbidden", "send the session's X-CSRF-Token");
		return;
	}
	snprintf(a->admin_id, sizeof(a->admin_id), "%s",
	    pr_api_value(api, 0, 1));
	a->company_id = strtoll(pr_api_value(api, 0, 3), NULL, 10);
	snprintf(a->company, sizeof(a->company), "%lld",
	    (long long)a->company_id);
	snprintf(a->who, sizeof(a->who), "%s", pr_api_value(api, 0, 4));
	if (strlen(pr_api_value(api, 0, 5)) >= sizeof(a->domains)) {
		auth_refuse(api, "this account has more domains than a "
		    "session can hold");
		return;
	}
	snprintf(a->domains, sizeof(a->domains), "%s", pr_api_value(api, 0, 5));
	if (a->role == PR_ROLE_DOMAIN_ADMIN && a->domains[0] == '\0')
		snprintf(a->domains, sizeof(a->domains), "{}");
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
