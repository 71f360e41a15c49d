/*
 * `postroom demo load`: the demo data of a first `make run`.  Loaded once,
 * in one transaction, into a database that has no companies yet; placement
 * uses the same rule as the API.
 */
#include <openssl/crypto.h>

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "password.h"
#include "placement.h"

#define DEMO_PASSWORD_LEN	16
#define DEMO_MAX_STORES		16
#define DEMO_MAX_MAILBOXES	1000	/* per company */
#define GIB			(1024LL * 1024 * 1024)

struct demo_company {
	const char	*name;
	const char	*cluster;
	const char	*time_zone;
	const char	*admin;
	int		 mailboxes;	/* spread over its domains */
	const char	*domains[9];
};

static const struct demo_company demo_companies[] = {
	{ "Acme Hosting", "a", "Europe/Amsterdam", "admin@acme-hosting.example",
	  900, { "acme-hosting.example", "bakkerij-jansen.example",
	  "fietsenmaker.example", "tandarts-noord.example", "vanderberg.example",
	  "koffiehuis.example", "advocaten-west.example", "schoolplein.example",
	  NULL } },
	{ "Blue Fjord Mail", "b", "Europe/Oslo", "admin@bluefjord.example",
	  700, { "bluefjord.example", "nordlys-reiser.example",
	  "fiskebrygga.example", "bergen-bygg.example", "skogen-skole.example",
	  "havneby.example", "tromso-tannlege.example", NULL } },
	{ "Citrine Webworks", "a", "America/New_York",
	  "admin@citrine-web.example", 400, { "citrine-web.example",
	  "maple-dental.example", "hudson-bakery.example", "brooklyn-law.example",
	  "riverside-school.example", NULL } },
};

static const char *first_names[] = {
	"anna", "ben", "carla", "daan", "emma", "finn", "greta", "hugo",
	"ines", "jonas", "kim", "lars", "mia", "noah", "olga", "pieter",
	"quinn", "rosa", "sven", "tess", "ulla", "victor", "wendy", "xavier",
	"yara", "zeno", "amir", "bente", "chen", "dora",
};

static const char *last_names[] = {
	"jansen", "berg", "smith", "devries", "hansen", "olsen", "garcia",
	"muller", "kowalski", "rossi", "novak", "larsen", "bakker", "meyer",
	"nilsen", "dubois", "silva", "tanaka", "kaya", "obrien", "visser",
	"johansen", "lopez", "schmidt", "moreau",
};

#define NFIRST	(sizeof(first_names) / sizeof(first_names[0]))
#define NLAST	(sizeof(last_names) / sizeof(last_names[0]))

/* A fixed sequence: the demo data is the same on every machine. */
static uint32_t
demo_rand(void)
{
	static uint32_t	state = 20261122;

	state = state * 1103515245u + 12345u;
	return (state >> 8);
}

/* One-value query that must find its row; the value goes into out. */
static int
query_value(PGconn *db, const char *sql, int n, const char *const *p,
    char *out, size_t outlen)
{
	int	found;

	if ((found = cli_value(db, sql, n, p, out, outlen)) == 0)
		fprintf(stderr, "postroom: demo: no row from: %s\n", sql);
	return (found == 1);
}

static int
demo_clusters(PGconn *db)
{
	return (cli_exec(db,
	    "INSERT INTO clusters (name) VALUES ('a'), ('b');"
	    "INSERT INTO mailstores (cluster_id, name, mail_root, capacity_bytes) "
	    "SELECT c.id, c.name || n, '/srv/mail/' || c.name || n, "
	    "4398046511104 FROM clusters c, generate_series(1, 3) n "
	    "ORDER BY c.name, n"));
}

/* The stores of the company's cluster, with its counts, for placement. */
static int
load_stores(PGconn *db, const char *company, struct pr_store *s, size_t *n)
{
	const char	*p[1] = { company };
	PGresult	*res;
	int		 i;

	res = cli_query(db, "SELECT s.id, s.state = 'enabled', s.capacity_bytes, "
	    "s.used_bytes, s.mailbox_count, coalesce(c.mailboxes, 0) "
	    "FROM companies co JOIN mailstores s ON s.cluster_id = co.cluster_id "
	    "LEFT JOIN mailstore_company_counts c ON c.mailstore_id = s.id "
	    "AND c.company_id = co.id WHERE co.id = $1 ORDER BY s.id", 1, p);
	if (res == NULL)
		return (0);
	*n = 0;
	for (i = 0; i < PQntuples(res) && i < DEMO_MAX_STORES; i++) {
		s[i].id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		s[i].enabled = PQgetvalue(res, i, 1)[0] == 't';
		s[i].capacity_bytes = strtoll(PQgetvalue(res, i, 2), NULL, 10);
		s[i].used_bytes = strtoll(PQgetvalue(res, i, 3), NULL, 10);
		s[i].mailboxes = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		s[i].company_mailboxes = strtoll(PQgetvalue(res, i, 5), NULL, 10);
		(*n)++;
	}
	PQclear(res);
	return (1);
}

static int
demo_mailbox(PGconn *db, const char *company, const char *domain,
    int i, int64_t store, const char *hash)
{
	char		 local[80], display[80], quota[24], used[24], msgs[24];
	char		 storebuf[24];
	const char	*p[9], *first, *last;
	int64_t		 q;
	PGresult	*res;

	first = first_names[i % NFIRST];
	last = last_names[(i / NFIRST) % NLAST];
	if (i < (int)(NFIRST * NLAST))
		snprintf(local, sizeof(local), "%s.%s", first, last);
	else
		snprintf(local, sizeof(local), "%s.%s%d", first, last, i);
	snprintf(display, sizeof(display), "%c%s %c%s", first[0] - 32,
	    first + 1, last[0] - 32, last + 1);
	q = (demo_rand() % 8 == 0) ? 5 * GIB : GIB;
	snprintf(quota, sizeof(quota), "%lld", (long long)q);
	/* Most mailboxes well under quota, a few close to full. */
	snprintf(used, sizeof(used), "%lld", (long long)(demo_rand() % 20 == 0 ?
	    q / 100 * (85 + demo_rand() % 15) : q / 1000 * (demo_rand() % 700)));
	snprintf(msgs, sizeof(msgs), "%u", demo_rand() % 20000);
	snprintf(storebuf, sizeof(storebuf), "%lld", (long long)store);

	p[0] = company;
	p[1] = domain;
	p[2] = local;
	p[3] = display;
	p[4] = hash;
	p[5] = quota;
	p[6] = used;
	p[7] = storebuf;
	p[8] = msgs;
	res = PQexecPrepared(db, "demo_mailbox", 9, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "postroom: demo: %s", PQerrorMessage(db));
		PQclear(res);
		return (0);
	}
	PQclear(res);
	return (1);
}

static int
demo_mailboxes(PGconn *db, const struct demo_company *c, const char *company,
    const char *hash)
{
	struct pr_store	 stores[DEMO_MAX_STORES];
	int		 chosen[DEMO_MAX_MAILBOXES];
	char		 domain[24];
	const char	*p[2];
	size_t		 nstores;
	int		 ndomains, d, i, k = 0, per;

	if (!load_stores(db, company, stores, &nstores))
		return (0);
	if (c->mailboxes > DEMO_MAX_MAILBOXES ||
	    pr_place_many(stores, nstores, (size_t)c->mailboxes, chosen) == -1) {
		fprintf(stderr, "postroom: demo: no enabled mailstore\n");
		return (0);
	}
	for (ndomains = 0; c->domains[ndomains] != NULL; ndomains++)
		;
	for (d = 0; d < ndomains; d++) {
		p[0] = company;
		p[1] = c->domains[d];
		if (!query_value(db, "INSERT INTO domains (company_id, name) "
		    "VALUES ($1, $2) RETURNING id", 2, p, domain, sizeof(domain)))
			return (0);
		/* The first domain is the reseller's own and the largest. */
		per = d == ndomains - 1 ? c->mailboxes - k :
		    (d == 0 ? c->mailboxes / 3 :
		    (c->mailboxes - c->mailboxes / 3) / (ndomains - 1));
		for (i = 0; i < per; i++, k++) {
			if (!demo_mailbox(db, company, domain, i,
			    stores[chosen[k]].id, hash))
				return (0);
		}
	}
	return (1);
}

static int
demo_admin(PGconn *db, const char *company, const char *email,
    const char *role, FILE *logins, const char *label)
{
	char		 pw[DEMO_PASSWORD_LEN + 1], hash[PR_PW_HASH_MAX];
	const char	*p[4];
	PGresult	*res;

	if (pr_random_string(pw, sizeof(pw), DEMO_PASSWORD_LEN) == -1 ||
	    pr_password_hash(pw, PR_PW_SHA512_CRYPT, hash, sizeof(hash)) == -1)
		return (0);
	p[0] = company;
	p[1] = email;
	p[2] = hash;
	p[3] = role;
	res = cli_query(db, "INSERT INTO admins (company_id, email, "
	    "password_hash, role) VALUES ($1, $2, $3, $4)", 4, p);
	if (res == NULL)
		return (0);
	PQclear(res);
	fprintf(logins, "%-15s %-32s %s  %s\n", role, email, pw, label);
	OPENSSL_cleanse(pw, sizeof(pw));
	return (1);
}

static int
demo_company(PGconn *db, const struct demo_company *c, const char *hash,
    FILE *logins)
{
	char		 company[24];
	const char	*p[3];
	PGresult	*res;

	p[0] = c->name;
	p[1] = c->cluster;
	p[2] = c->time_zone;
	if (!query_value(db, "INSERT INTO companies (name, cluster_id, "
	    "time_zone) SELECT $1, id, $3 FROM clusters WHERE name = $2 "
	    "RETURNING id", 3, p, company, sizeof(company)))
		return (0);
	p[0] = company;
	p[1] = c->admin;
	res = cli_query(db, "INSERT INTO contacts (company_id, kind, name, email) "
	    "SELECT $1, k, initcap(k) || ' desk', $2 FROM unnest(ARRAY["
	    "'technical', 'emergency', 'abuse', 'stats']) k", 2, p);
	if (res == NULL)
		return (0);
	PQclear(res);
	if (!demo_mailboxes(db, c, company, hash))
		return (0);
	return (demo_admin(db, company, c->admin, "company_admin", logins,
	    c->name));
}

static int
demo_fill(PGconn *db, FILE *logins)
{
	char	 pw[DEMO_PASSWORD_LEN + 1], hash[PR_PW_HASH_MAX];
	size_t	 i;
	int	 ok = 0;

	/* One hash for all demo mailboxes: hashing 2,000 would take seconds. */
	if (pr_random_string(pw, sizeof(pw), DEMO_PASSWORD_LEN) == -1 ||
	    pr_password_hash(pw, PR_PW_SHA512_CRYPT, hash, sizeof(hash)) == -1)
		return (0);
	if (!demo_clusters(db))
		goto out;
	if (!demo_admin(db, NULL, "operator@postroom.example", "operator",
	    logins, "(provider)"))
		goto out;
	for (i = 0; i < sizeof(demo_companies) / sizeof(demo_companies[0]); i++) {
		if (!demo_company(db, &demo_companies[i], hash, logins))
			goto out;
	}
	fprintf(logins, "%-15s %-32s %s  %s\n", "mailbox", "(every demo mailbox)",
	    pw, "IMAP/POP3/SMTP");
	ok = cli_exec(db, "UPDATE mailstores s SET used_bytes = coalesce((SELECT "
	    "sum(used_bytes) FROM mailboxes m WHERE m.mailstore_id = s.id), 0);"
	    "INSERT INTO settings (key, value) VALUES ('demo_loaded', now())") &&
	    cli_audit(db, NULL, "demo.load", "database", "demo",
	    "{\"companies\":3}");
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	return (ok);
}

static int
demo_prepare(PGconn *db)
{
	PGresult	*res;
	int		 ok;

	res = PQprepare(db, "demo_mailbox", "INSERT INTO mailboxes (company_id, "
	    "domain_id, local_part, display_name, password_hash, quota_bytes, "
	    "used_bytes, cluster_id, mailstore_id, used_messages) SELECT $1, "
	    "$2, $3, $4, $5, $6, $7, cluster_id, $8, $9 FROM companies "
	    "WHERE id = $1", 9, NULL);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "postroom: %s", PQerrorMessage(db));
	PQclear(res);
	return (ok);
}

/* 1 when the database is empty, 0 when it has data, -1 on error. */
static int
demo_wanted(PGconn *db)
{
	char	v[8];

	if (!query_value(db, "SELECT NOT EXISTS (SELECT 1 FROM settings WHERE "
	    "key = 'demo_loaded') AND NOT EXISTS (SELECT 1 FROM companies)",
	    0, NULL, v, sizeof(v)))
		return (-1);
	return (v[0] == 't');
}

/* Show the logins, and keep them (mode 0600) for later starts to show. */
static int
demo_logins(FILE *logins, const char *path)
{
	char	 line[256];
	FILE	*f = NULL;
	mode_t	 old;

	if (path != NULL) {
		old = umask(077);
		f = fopen(path, "w");
		umask(old);
		if (f == NULL) {
			fprintf(stderr, "postroom: cannot write %s\n", path);
			return (0);
		}
	}
	rewind(logins);
	while (fgets(line, sizeof(line), logins) != NULL) {
		if (f != NULL)
			fputs(line, f);
		else
			fputs(line, stdout);
	}
	if (f != NULL && fclose(f) != 0) {
		fprintf(stderr, "postroom: cannot write %s\n", path);
		return (0);
	}
	return (1);
}

static int
demo_load(const char *path)
{
	FILE		*logins;
	PGconn		*db;
	int		 rc = CLI_FAIL, wanted;

	if ((db = cli_connect()) == NULL)
		return (CLI_FAIL);
	if ((wanted = demo_wanted(db)) != 1) {
		if (wanted == 0)
			printf("demo: the database has data already; "
			    "nothing loaded\n");
		PQfinish(db);
		return (wanted == 0 ? CLI_OK : CLI_FAIL);
	}
	if ((logins = tmpfile()) == NULL || !demo_prepare(db) ||
	    !cli_begin(db))
		goto done;
	/* Table locks: two first starts at once load the demo only once. */
	if (!cli_exec(db, "LOCK TABLE settings, companies IN EXCLUSIVE MODE") ||
	    demo_wanted(db) != 1 || !demo_fill(db, logins) || !cli_commit(db)) {
		cli_rollback(db);
		goto done;
	}
	printf("demo: loaded 2 clusters, 6 mailstores, 3 companies, "
	    "20 domains, 2000 mailboxes\n");
	rc = demo_logins(logins, path) ? CLI_OK : CLI_FAIL;
done:
	if (logins != NULL)
		fclose(logins);
	PQfinish(db);
	return (rc);
}

int
cmd_demo(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "load") == 0)
		return (demo_load(NULL));
	if (argc == 4 && strcmp(argv[1], "load") == 0 &&
	    strcmp(argv[2], "--logins") == 0)
		return (demo_load(argv[3]));
	fprintf(stderr, "usage: postroom demo load [--logins FILE]\n");
	return (CLI_USAGE);
}
