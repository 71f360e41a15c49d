/*
 * The server: health, readiness through a database outage, JSON problems
 * under /api/, the embedded console.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

static char *
url(const char *path)
{
	static char	buf[512];

	snprintf(buf, sizeof(buf), "%s%s", it_env("PR_TEST_URL"), path);
	return (buf);
}

static long
get(const char *method, const char *path, struct it_http *r)
{
	cr_assert_eq(it_http(method, url(path), NULL, r), 0, "%s %s: no answer",
	    method, path);
	return (r->status);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

Test(http, healthz_and_readyz)
{
	struct it_http	r;

	cr_assert_eq(get("GET", "/healthz", &r), 200);
	cr_assert_str_eq(r.content_type, "application/json");
	cr_assert_str_eq(r.body.data, "{\"status\":\"ok\"}\n");
	it_http_free(&r);
	cr_assert_eq(get("GET", "/readyz", &r), 200);
	cr_assert(strstr(r.body.data, "\"status\":\"ready\"") != NULL);
	it_http_free(&r);
	cr_assert_eq(get("HEAD", "/healthz", &r), 200);
	it_http_free(&r);
	cr_assert_eq(get("POST", "/readyz", &r), 405);
	cr_assert_str_eq(r.allow, "GET, HEAD");
	cr_assert_str_eq(r.content_type, "application/problem+json");
	it_http_free(&r);
}

Test(http, unknown_api_paths_are_json_problems)
{
	static const char *paths[] = { "/api/", "/api/v1/nothing",
	    "/api/v1/nothing/x%00y", "/api/v2/a/b/c?x=1" };
	struct it_http	r;
	size_t		i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		cr_assert_eq(get(i % 2 ? "DELETE" : "GET", paths[i], &r), 404,
		    "%s", paths[i]);
		cr_assert_str_eq(r.content_type, "application/problem+json");
		cr_assert(strstr(r.body.data,
		    "\"type\":\"urn:postroom:problem:not-found\"") != NULL);
		cr_assert(strstr(r.body.data, "\"status\":404") != NULL);
		it_http_free(&r);
	}
}

Test(http, console_assets)
{
	struct it_http	r;
	char		hdr[200], etag[128];

	cr_assert_eq(get("GET", "/", &r), 200);
	cr_assert_str_eq(r.content_type, "text/html; charset=utf-8");
	cr_assert(strstr(r.body.data, "<title>Postroom</title>") != NULL);
	cr_assert(r.etag[0] == '"');
	snprintf(etag, sizeof(etag), "%s", r.etag);
	it_http_free(&r);

	snprintf(hdr, sizeof(hdr), "If-None-Match: %s", etag);
	cr_assert_eq(it_http("GET", url("/"), hdr, &r), 0);
	cr_assert_eq(r.status, 304);
	it_http_free(&r);

	cr_assert_eq(get("GET", "/assets/postroom.js", &r), 200);
	cr_assert_str_eq(r.content_type, "text/javascript; charset=utf-8");
	it_http_free(&r);
	cr_assert_eq(get("GET", "/assets/nope.js", &r), 404);
	it_http_free(&r);
	cr_assert_eq(get("GET", "/assets/../Makefile", &r), 404);
	it_http_free(&r);
	cr_assert_eq(get("GET", "/assets/%2e%2e/Makefile", &r), 404);
	it_http_free(&r);
	cr_assert_eq(get("PUT", "/assets/postroom.js", &r), 405);
	it_http_free(&r);
}

static void
pg(const char *what)
{
	char	cmd[1024];

	snprintf(cmd, sizeof(cmd), "bash -c '. conf/scripts/pg.sh && pg_%s %s'",
	    what, it_env("PR_TEST_PGDIR"));
	cr_assert_eq(system(cmd), 0, "pg_%s failed", what);
}

/* Poll /readyz until it answers want; returns the seconds it took. */
static double
readyz_until(long want, double limit)
{
	struct it_http	r;
	double		start = now();
	long		got = 0;

	while (now() - start < limit) {
		if (it_http("GET", url("/readyz"), NULL, &r) == 0)
			got = r.status;
		it_http_free(&r);
		if (got == want)
			return (now() - start);
		usleep(50 * 1000);
	}
	cr_assert_fail("/readyz did not answer %ld within %.0f s (last %ld)",
	    want, limit, got);
	return (limit);
}

Test(http, readyz_follows_the_database, .timeout = 90)
{
	struct it_http	r;
	int		i;

	readyz_until(200, 5);
	pg("stop");
	/* The outage is visible at once (the issue asks: within a second). */
	cr_assert_eq(get("GET", "/readyz", &r), 503);
	cr_assert(strstr(r.body.data, "\"reason\":") != NULL);
	cr_assert_str_eq(r.content_type, "application/json");
	it_http_free(&r);
	for (i = 0; i < 20; i++) {
		cr_assert_eq(get("GET", "/readyz", &r), 503);
		it_http_free(&r);
		cr_assert_eq(get("GET", "/healthz", &r), 200);
		it_http_free(&r);
	}
	pg("start");
	/* Back without restarting the server: every worker reconnects. */
	readyz_until(200, 10);
	for (i = 0; i < 20; i++) {
		cr_assert_eq(get("GET", "/readyz", &r), 200);
		it_http_free(&r);
	}
}

/* The build check catches a module symbol that kore does not export. */
Test(http, symcheck_rejects_unknown_symbols, .timeout = 60)
{
	struct sbuf	out;
	char		cmd[1024];
	const char	*tmp = it_env("PR_TEST_TMP");

	sbuf_init(&out);
	cr_assert_eq(it_run("app/symcheck.sh build/postroom.so", &out), 0,
	    "%s", out.data);
	snprintf(cmd, sizeof(cmd), "printf 'void kore_no_such_function(void);"
	    "void f(void){kore_no_such_function();}' > %s/bad.c && "
	    "cc -fPIC -shared -o %s/bad.so %s/bad.c && app/symcheck.sh %s/bad.so",
	    tmp, tmp, tmp, tmp);
	sbuf_reset(&out);
	cr_assert_eq(it_run(cmd, &out), 1, "%s", out.data);
	cr_assert(strstr(out.data, "kore_no_such_function") != NULL, "%s",
	    out.data);
	sbuf_free(&out);
}

/* The API's description is served as kept in the repository. */
Test(http, openapi_document)
{
	struct it_http	 r;
	struct sbuf	 file;
	char		 buf[4096];
	size_t		 n;
	FILE		*f;

	cr_assert_eq(get("GET", "/api/v1/openapi.json", &r), 200);
	cr_assert_str_eq(r.content_type, "application/json");
	sbuf_init(&file);
	cr_assert((f = fopen("assets/openapi.json", "r")) != NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_append(&file, buf, n);
	fclose(f);
	cr_assert_str_eq(r.body.data, file.data);
	cr_assert(strstr(r.body.data, "\"openapi\": \"3.1.0\"") != NULL);
	sbuf_free(&file);
	it_http_free(&r);
}
