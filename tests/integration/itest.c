#include <criterion/criterion.h>
#include <curl/curl.h>
#include <fcntl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apikey.h"
#include "itest.h"
#include "password.h"

const char *
it_env(const char *name)
{
	const char	*v = getenv(name);

	cr_assert(v != NULL && *v != '\0', "%s is not set: run `make test`",
	    name);
	return (v);
}

/* Notices ("already exists, skipping") are not news to the user. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

PGconn *
it_connect(const char *conninfo)
{
	PGconn	*db = PQconnectdb(conninfo);

	cr_assert(PQstatus(db) == CONNECTION_OK, "connect: %s",
	    PQerrorMessage(db));
	PQsetNoticeProcessor(db, quiet, NULL);
	return (db);
}

PGconn *
it_db(void)
{
	return (it_connect(it_env("POSTROOM_DB")));
}

/* The first column of the first row, malloc'ed; NULL for SQL NULL. */
char *
it_value(PGconn *db, const char *sql, int n, const char *const *p)
{
	PGresult	*res;
	char		*v = NULL;

	int		 ok, rows;

	res = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	rows = ok ? PQntuples(res) : -1;
	if (rows == 1 && !PQgetisnull(res, 0, 0))
		v = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	cr_assert(ok, "%s: %s", sql, PQerrorMessage(db));
	cr_assert(rows == 1, "%s: %d rows", sql, rows);
	return (v);
}

long long
it_count(PGconn *db, const char *sql, int n, const char *const *p)
{
	char		*v = it_value(db, sql, n, p);
	long long	 c;

	cr_assert(v != NULL);
	c = strtoll(v, NULL, 10);
	free(v);
	return (c);
}

long long
it_count1(PGconn *db, const char *sql, const char *param)
{
	const char	*p[1] = { param };

	return (it_count(db, sql, param != NULL ? 1 : 0, p));
}

void
it_ok(PGconn *db, const char *sql, int n, const char *const *p)
{
	PGresult	*res;

	int		 ok;

	res = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	PQclear(res);
	cr_assert(ok, "%s: %s", sql, PQerrorMessage(db));
}

/*
 * Run a statement inside a savepoint; return its SQLSTATE ("00000" when
 * it succeeded), so that one failure does not end the test's transaction.
 */
const char *
it_try(PGconn *db, const char *sql, int n, const char *const *p)
{
	static char	 state[6];
	PGresult	*res;
	const char	*s;

	it_ok(db, "SAVEPOINT t", 0, NULL);
	res = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK) {
		snprintf(state, sizeof(state), "00000");
		PQclear(res);
		it_ok(db, "RELEASE SAVEPOINT t", 0, NULL);
		return (state);
	}
	s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(state, sizeof(state), "%s", s ? s : "?????");
	PQclear(res);
	it_ok(db, "ROLLBACK TO SAVEPOINT t", 0, NULL);
	return (state);
}

/* A new database, migrated by the CLI; returns its conninfo (malloc'ed). */
char *
it_fresh_db(const char *name)
{
	struct sbuf	 cmd, out;
	PGconn		*db = it_db();
	PGresult	*res;
	char		*conninfo;

	sbuf_init(&cmd);
	sbuf_printf(&cmd, "DROP DATABASE IF EXISTS %s", name);
	PQclear(PQexec(db, cmd.data));
	sbuf_reset(&cmd);
	sbuf_printf(&cmd, "CREATE DATABASE %s", name);
	res = PQexec(db, cmd.data);
	cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK, "%s",
	    PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);

	/* In a conninfo string a later keyword wins. */
	sbuf_reset(&cmd);
	sbuf_printf(&cmd, "%s dbname=%s", it_env("POSTROOM_DB"), name);
	conninfo = strdup(cmd.data);
	sbuf_reset(&cmd);
	sbuf_printf(&cmd, "POSTROOM_DB='%s' build/postroom-asan db migrate",
	    conninfo);
	sbuf_init(&out);
	cr_assert_eq(it_run(cmd.data, &out), 0, "migrate: %s", out.data);
	sbuf_free(&out);
	sbuf_free(&cmd);
	return (conninfo);
}

const char	*it_http_cainfo;
long		 it_http_timeout_ms = 5000;

static size_t
http_body(char *ptr, size_t size, size_t n, void *arg)
{
	sbuf_append(arg, ptr, size * n);
	return (size * n);
}

static void
copy_header(char *dst, size_t len, const char *line, size_t n,
    const char *name)
{
	size_t	nl = strlen(name);

	if (n <= nl || strncasecmp(line, name, nl) != 0)
		return;
	line += nl;
	n -= nl;
	while (n > 0 && (*line == ' '))
		line++, n--;
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		n--;
	snprintf(dst, len, "%.*s", (int)n, line);
}

static size_t
http_header(char *line, size_t size, size_t n, void *arg)
{
	struct it_http	*r = arg;

	copy_header(r->content_type, sizeof(r->content_type), line, size * n,
	    "content-type:");
	copy_header(r->etag, sizeof(r->etag), line, size * n, "etag:");
	copy_header(r->allow, sizeof(r->allow), line, size * n, "allow:");
	copy_header(r->location, sizeof(r->location), line, size * n,
	    "location:");
	copy_header(r->hsts, sizeof(r->hsts), line, size * n,
	    "strict-transport-security:");
	copy_header(r->cookie, sizeof(r->cookie), line, size * n,
	    "set-cookie:");
	return (size * n);
}

static struct curl_slist *
add_headers(struct curl_slist *h, const char *lines)
{
	char	*copy, *line, *save;

	if (lines == NULL)
		return (h);
	copy = strdup(lines);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		h = curl_slist_append(h, line);
	free(copy);
	return (h);
}

/* One request; returns 0 when an answer came (any status), -1 if not. */
int
it_http(const char *method, const char *url, const char *hdr,
    struct it_http *r)
{
	return (it_http_body(method, url, hdr, NULL, NULL, r));
}

/*
 * Every answer of the API goes to $PR_TEST_RESPONSES, one JSON object a
 * line, for tests/schema_check.py to hold against the OpenAPI document.
 * One write(2) a record with O_APPEND: tests run in several processes.
 */
static void
record(const char *method, const char *url, const struct it_http *r)
{
	const char	*file = getenv("PR_TEST_RESPONSES");
	const char	*base = getenv("PR_TEST_URL");
	struct sbuf	 line;
	int		 fd;

	if (file == NULL || base == NULL ||
	    strncmp(url, base, strlen(base)) != 0 ||
	    strncmp(url + strlen(base), "/api/", 5) != 0)
		return;
	sbuf_init(&line);
	sbuf_puts(&line, "{\"method\":");
	sbuf_json_str(&line, method);
	sbuf_puts(&line, ",\"path\":");
	sbuf_json_str(&line, url + strlen(base));
	sbuf_printf(&line, ",\"status\":%ld,\"content_type\":", r->status);
	sbuf_json_str(&line, r->content_type);
	sbuf_puts(&line, ",\"body\":");
	sbuf_json_strn(&line, r->body.data ? r->body.data : "", r->body.len);
	sbuf_puts(&line, "}\n");
	if ((fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0644)) != -1) {
		if (write(fd, line.data, line.len) != (ssize_t)line.len)
			fprintf(stderr, "record: %s: short write\n", file);
		close(fd);
	}
	sbuf_free(&line);
}

int
it_http_body(const char *method, const char *url, const char *hdr,
    const char *hdr2, const char *body, struct it_http *r)
{
	struct curl_slist	*h = NULL;
	CURL			*c;
	CURLcode		 rc;

	memset(r, 0, sizeof(*r));
	sbuf_init(&r->body);
	if ((c = curl_easy_init()) == NULL)
		return (-1);
	h = add_headers(h, hdr);
	h = add_headers(h, hdr2);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, it_http_timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (it_http_cainfo != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, it_http_cainfo);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	/* Kore answers 411 to a POST or PUT without Content-Length. */
	if (body != NULL || strcmp(method, "POST") == 0 ||
	    strcmp(method, "PUT") == 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		record(method, url, r);
	} else
		fprintf(stderr, "it_http: %s %s: %s\n", method, url,
		    curl_easy_strerror(rc));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return (rc == CURLE_OK ? 0 : -1);
}

void
it_http_free(struct it_http *r)
{
	sbuf_free(&r->body);
}

/* Run a shell command; its stdout and stderr into out; its exit status. */
int
it_run(const char *cmd, struct sbuf *out)
{
	struct sbuf	 full;
	char		 buf[4096];
	size_t		 n;
	FILE		*f;
	int		 st;

	sbuf_init(&full);
	sbuf_printf(&full, "(%s) 2>&1", cmd);
	f = popen(full.data, "r");
	sbuf_free(&full);
	cr_assert(f != NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_append(out, buf, n);
	st = pclose(f);
	return (WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

const char *
it_key(PGconn *db, const char *role, const char *company, const char *domain,
    int revoked)
{
	static char		 full[8][PR_KEY_MAX];
	static int		 n;
	struct pr_apikey	 k;
	const char		*p[5];

	cr_assert_eq(pr_apikey_new(&k), 0);
	p[0] = k.id;
	p[1] = company;
	p[2] = role;
	p[3] = k.hash;
	p[4] = revoked ? "t" : "f";
	it_ok(db, "INSERT INTO api_keys (key_id, company_id, role, secret_hash, "
	    "created_by, revoked_at) SELECT $1, (SELECT id FROM companies "
	    "WHERE name = $2), $3, $4, 'test', CASE WHEN $5::bool THEN now() "
	    "END", 5, p);
	if (domain != NULL) {
		p[1] = domain;
		it_ok(db, "INSERT INTO api_key_domains (company_id, key_id, "
		    "domain_id) SELECT company_id, $1, id FROM domains WHERE "
		    "name = $2", 2, p);
	}
	n = (n + 1) % 8;
	snprintf(full[n], sizeof(full[n]), "%s", k.full);
	return (full[n]);
}

long
it_call(const char *key, const char *method, const char *path,
    const char *body, struct it_http *r)
{
	char	auth[160];

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key ? key : "");
	return (it_call_as(key ? auth : NULL, method, path, body, r));
}

long
it_call_as(const char *hdrs, const char *method, const char *path,
    const char *body, struct it_http *r)
{
	char	url[4096];

	cr_assert_lt((size_t)snprintf(url, sizeof(url), "%s%s",
	    it_env("PR_TEST_URL"), path), sizeof(url), "%s: too long", path);
	cr_assert_eq(it_http_body(method, url, hdrs, body ?
	    "Content-Type: application/json" : NULL, body, r), 0,
	    "%s %s: no answer", method, path);
	return (r->status);
}

void
it_refused(PGconn *db, const char *state_sql, const char *method,
    const char *key, const char *path, const char *body, long status,
    const char *expect)
{
	struct it_http	 r;
	char		*before = it_value(db, state_sql, 0, NULL), *after;

	cr_expect_eq(it_call(key, method, path, body, &r), status,
	    "%s %s %s: %s", method, path, body ? body : "", r.body.data);
	if (expect != NULL)
		cr_expect(it_has(&r, expect), "%s %s: want %s in %s", method,
		    path, expect, r.body.data);
	it_http_free(&r);
	after = it_value(db, state_sql, 0, NULL);
	cr_expect_str_eq(after, before, "%s %s %s changed the database",
	    method, path, body ? body : "");
	free(before);
	free(after);
}

char *
it_admin(PGconn *db, const char *email, const char *pw, const char *role,
    const char *company)
{
	char		 hash[PR_PW_HASH_MAX];
	const char	*p[4] = { email, hash, role, company };

	cr_assert_eq(pr_password_hash(pw, PR_PW_SHA512_CRYPT, hash,
	    sizeof(hash)), 0);
	return (it_value(db, "INSERT INTO admins (company_id, email, "
	    "password_hash, role) SELECT (SELECT id FROM companies WHERE "
	    "name = $4), $1, $2, $3 RETURNING id::text", 4, p));
}

long
it_login(const char *email, const char *pw, const char *totp,
    const char *xff, char *cred, size_t credlen)
{
	struct it_http	 r;
	struct sbuf	 body, hdr;
	const char	*c, *t;
	long		 status;

	sbuf_init(&body);
	sbuf_init(&hdr);
	sbuf_puts(&body, "{\"email\": ");
	sbuf_json_str(&body, email);
	sbuf_puts(&body, ", \"password\": ");
	sbuf_json_str(&body, pw);
	if (totp != NULL) {
		sbuf_puts(&body, ", \"totp\": ");
		sbuf_json_str(&body, totp);
	}
	sbuf_puts(&body, "}");
	if (xff != NULL)
		sbuf_printf(&hdr, "X-Forwarded-For: %s", xff);
	status = it_call_as(xff != NULL ? hdr.data : NULL, "POST",
	    "/api/v1/session", body.data, &r);
	if (cred != NULL && credlen > 0)
		cred[0] = '\0';
	if (status == 200 && cred != NULL) {
		c = strstr(r.cookie, "pr_session=");
		t = strstr(r.body.data, "\"csrf_token\" : \"");
		cr_assert(c != NULL && t != NULL, "%s / %s", r.cookie,
		    r.body.data);
		t += strlen("\"csrf_token\" : \"");
		snprintf(cred, credlen, "Cookie: %.*s\nX-CSRF-Token: %.*s",
		    (int)strcspn(c, ";"), c, (int)strcspn(t, "\""), t);
	}
	it_http_free(&r);
	sbuf_free(&body);
	sbuf_free(&hdr);
	return (status);
}

static void *
race_request(void *arg)
{
	struct it_race	*rc = arg;
	struct it_http	 r;

	rc->status = it_call(rc->key, rc->method, rc->path, rc->body, &r);
	snprintf(rc->answer, sizeof(rc->answer), "%s",
	    r.body.data ? r.body.data : "");
	it_http_free(&r);
	return (NULL);
}

void
it_race_start(struct it_race *rc, const char *lock_like)
{
	const char	*p[1] = { lock_like };
	PGconn		*db = it_db();
	int		 i;

	cr_assert_eq(pthread_create(&rc->thread, NULL, race_request, rc), 0);
	for (i = 0; i < 100; i++) {
		if (it_count(db, "SELECT count(*) FROM pg_stat_activity WHERE "
		    "wait_event_type = 'Lock' AND query LIKE $1", 1, p) == 1)
			break;
		usleep(50000);
	}
	PQfinish(db);
	cr_assert_lt(i, 100, "the request never waited for the lock");
}

void
it_race_finish(struct it_race *rc, PGconn *holder)
{
	it_ok(holder, "COMMIT", 0, NULL);
	pthread_join(rc->thread, NULL);
}

int
it_has(const struct it_http *r, const char *s)
{
	return (r->body.data != NULL && strstr(r->body.data, s) != NULL);
}

char *
it_company_id(PGconn *db, const char *name)
{
	const char	*p[1] = { name };

	return (it_value(db, "SELECT id::text FROM companies WHERE name = $1",
	    1, p));
}
