/*
 * `postroom key create`: an API key, printed once; only its hash is kept.
 */
#include <openssl/crypto.h>

#include <stdio.h>
#include <string.h>

#include "apikey.h"
#include "cli.h"
#include "sbuf.h"
#include "validate.h"

#define KEY_MAX_DOMAINS		64

struct key_args {
	const char	*role;
	const char	*company;
	const char	*name;
	const char	*domains[KEY_MAX_DOMAINS];
	int		 ndomains;
};

static void
key_usage(void)
{
	fprintf(stderr, "usage: postroom key create --role ROLE "
	    "[--company NAME] [--domain FQDN ...] [--name LABEL]\n"
	    "  operator and support keys have no company; company_admin, "
	    "company_viewer\n  and domain_admin keys need --company; "
	    "domain_admin keys need --domain.\n");
}

static int
key_parse(int argc, char **argv, struct key_args *a)
{
	int	i;

	memset(a, 0, sizeof(*a));
	a->name = "";
	for (i = 2; i < argc; i++) {
		if (i + 1 >= argc) {
			fprintf(stderr, "postroom: %s needs a value\n", argv[i]);
			return (0);
		}
		if (!strcmp(argv[i], "--role"))
			a->role = argv[++i];
		else if (!strcmp(argv[i], "--company"))
			a->company = argv[++i];
		else if (!strcmp(argv[i], "--name"))
			a->name = argv[++i];
		else if (!strcmp(argv[i], "--domain") &&
		    a->ndomains < KEY_MAX_DOMAINS)
			a->domains[a->ndomains++] = argv[++i];
		else {
			fprintf(stderr, "postroom: unknown option '%s'\n",
			    argv[i]);
			return (0);
		}
	}
	return (1);
}

/* The role and the scope must fit together, as the schema also says. */
static int
key_check(const struct key_args *a)
{
	int	provider;

	if (a->role == NULL) {
		fprintf(stderr, "postroom: --role is required\n");
		return (0);
	}
	provider = !strcmp(a->role, "operator") || !strcmp(a->role, "support");
	if (!provider && strcmp(a->role, "company_admin") &&
	    strcmp(a->role, "company_viewer") && strcmp(a->role, "domain_admin")) {
		fprintf(stderr, "postroom: --role '%s' is not a role\n",
		    a->role);
		return (0);
	}
	if (provider && (a->company != NULL || a->ndomains > 0)) {
		fprintf(stderr, "postroom: a %s key has no --company or "
		    "--domain\n", a->role);
		return (0);
	}
	if (!provider && a->company == NULL) {
		fprintf(stderr, "postroom: a %s key needs --company\n", a->role);
		return (0);
	}
	if (!strcmp(a->role, "domain_admin") != (a->ndomains > 0)) {
		fprintf(stderr, "postroom: --domain goes with, and only with, "
		    "--role domain_admin\n");
		return (0);
	}
	return (1);
}

/* Company id by name into out; 0 with a message when there is none. */
static int
company_lookup(PGconn *db, const char *name, char *out, size_t outlen)
{
	const char	*p[1] = { name };
	int		 found;

	found = cli_value(db, "SELECT id FROM companies WHERE name = $1", 1, p,
	    out, outlen);
	if (found == 0)
		fprintf(stderr, "postroom: --company: no company named '%s'\n",
		    name);
	return (found == 1);
}

static int
key_domain(PGconn *db, const char *company, const char *key_id,
    const char *input)
{
	char		 fqdn[PR_DOMAIN_MAX + 1];
	const char	*why, *p[3];
	PGresult	*res;
	int		 ok;

	if ((why = pr_domain_check(input, fqdn, sizeof(fqdn))) != NULL) {
		fprintf(stderr, "postroom: --domain '%s': %s\n", input, why);
		return (0);
	}
	p[0] = company;
	p[1] = key_id;
	p[2] = fqdn;
	res = cli_query(db, "INSERT INTO api_key_domains (company_id, key_id, "
	    "domain_id) SELECT $1, $2, id FROM domains WHERE company_id = $1 "
	    "AND name = $3 AND deleted_at IS NULL", 3, p);
	if (res == NULL)
		return (0);
	if ((ok = strcmp(PQcmdTuples(res), "1") == 0) == 0)
		fprintf(stderr, "postroom: --domain: the company has no domain "
		    "'%s'\n", fqdn);
	PQclear(res);
	return (ok);
}

static int
key_insert(PGconn *db, const struct key_args *a, const struct pr_apikey *k)
{
	char		 company[32];
	const char	*p[6], *cid = NULL;
	struct sbuf	 after;
	PGresult	*res;
	int		 i, ok = 0;

	if (a->company != NULL) {
		if (!company_lookup(db, a->company, company, sizeof(company)))
			return (0);
		cid = company;
	}
	p[0] = k->id;
	p[1] = cid;
	p[2] = a->role;
	p[3] = k->hash;
	p[4] = a->name;
	p[5] = cli_actor();
	res = cli_query(db, "INSERT INTO api_keys (key_id, company_id, role, "
	    "secret_hash, name, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
	    6, p);
	if (res == NULL)
		return (0);
	PQclear(res);
	for (i = 0; i < a->ndomains; i++) {
		if (!key_domain(db, cid, k->id, a->domains[i]))
			return (0);
	}
	sbuf_init(&after);
	sbuf_puts(&after, "{\"key_id\":");
	sbuf_json_str(&after, k->id);
	sbuf_puts(&after, ",\"role\":");
	sbuf_json_str(&after, a->role);
	sbuf_puts(&after, ",\"name\":");
	sbuf_json_str(&after, a->name);
	sbuf_puts(&after, "}");
	ok = cli_audit(db, cid, "key.create", "api_key", k->id, after.data);
	sbuf_free(&after);
	return (ok);
}

int
cmd_key(int argc, char **argv)
{
	struct key_args	 a;
	struct pr_apikey k;
	PGconn		*db;
	int		 rc = CLI_FAIL;

	if (argc < 2 || strcmp(argv[1], "create") != 0 ||
	    !key_parse(argc, argv, &a) || !key_check(&a)) {
		key_usage();
		return (CLI_USAGE);
	}
	if (pr_apikey_new(&k) == -1) {
		fprintf(stderr, "postroom: cannot make a key\n");
		return (CLI_FAIL);
	}
	if ((db = cli_connect()) == NULL)
		goto out;
	if (!cli_begin(db))
		goto done;
	if (!key_insert(db, &a, &k)) {
		cli_rollback(db);
		goto done;
	}
	if (!cli_commit(db))
		goto done;
	printf("%s\n", k.full);
	fprintf(stderr, "postroom: key %s created (%s); it is shown only "
	    "this once\n", k.id, a.role);
	rc = CLI_OK;
done:
	PQfinish(db);
out:
	OPENSSL_cleanse(&k, sizeof(k));
	return (rc);
}
