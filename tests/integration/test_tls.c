/*
 * TLS through nginx with the shipped conf/nginx/postroom.conf: the only
 * edits are the lines it marks "test:" (ports, certificate).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static char	dir[512];

static void
sh(const char *fmt, const char *a, const char *b, const char *c)
{
	struct sbuf	cmd, out;
	int		rc;

	sbuf_init(&cmd);
	sbuf_init(&out);
	sbuf_printf(&cmd, fmt, a, b, c);
	rc = it_run(cmd.data, &out);
	cr_assert_eq(rc, 0, "%s: %s", cmd.data, out.data);
	sbuf_free(&cmd);
	sbuf_free(&out);
}

static void
nginx_up(void)
{
	const char	*upstream = strrchr(it_env("PR_TEST_URL"), ':') + 1;
	const char	*tls = it_env("PR_TEST_TLS_PORT");
	char		 plain[16];
	FILE		*f;
	char		 path[2048];

	snprintf(dir, sizeof(dir), "%s/nginx", it_env("PR_TEST_TMP"));
	snprintf(plain, sizeof(plain), "%d", atoi(tls) + 1);
	sh("mkdir -p %s/logs && openssl req -x509 -newkey rsa:2048 -nodes "
	    "-days 1 -subj /CN=localhost -addext "
	    "subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout %s/key.pem "
	    "-out %s/cert.pem", dir, dir, dir);
	snprintf(path, sizeof(path), "sed -e 's|^.*# test: upstream$|"
	    "server 127.0.0.1:%%s;|' -e 's|^.*# test: listen$|"
	    "listen 127.0.0.1:%s ssl http2;|' -e '/# test: listen6$/d' "
	    "-e '/# test: listen80v6$/d' -e 's|^.*# test: listen80$|"
	    "listen 127.0.0.1:%s;|' -e 's|^.*# test: cert$|"
	    "ssl_certificate %%s/cert.pem;|' -e 's|^.*# test: key$|"
	    "ssl_certificate_key %%s/key.pem;|' conf/nginx/postroom.conf "
	    "> %s/site.conf", tls, plain, dir);
	sh(path, upstream, dir, dir);

	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	cr_assert((f = fopen(path, "w")) != NULL);
	fprintf(f, "%s"
	    "pid %s/nginx.pid;\nerror_log %s/logs/error.log;\n"
	    "events { worker_connections 64; }\n"
	    "http {\n access_log off;\n client_body_temp_path %s/body;\n"
	    " proxy_temp_path %s/proxy;\n include %s/site.conf;\n}\n",
	    geteuid() == 0 ? "user root;\n" : "", dir, dir, dir, dir, dir);
	fclose(f);
	sh("nginx -p %s -c %s/nginx.conf -t -q && nginx -p %s -c "
	    "nginx.conf", dir, dir, dir);
}

static void
nginx_down(void)
{
	char	cmd[1200];

	snprintf(cmd, sizeof(cmd), "nginx -p %s -c %s/nginx.conf -s stop "
	    ">/dev/null 2>&1", dir, dir);
	(void)system(cmd);
}

Test(tls, nginx_front, .init = nginx_up, .fini = nginx_down, .timeout = 60)
{
	struct it_http	r;
	char		url[128], ca[600];
	int		i, got = -1;

	snprintf(ca, sizeof(ca), "%s/cert.pem", dir);
	it_http_cainfo = ca;
	snprintf(url, sizeof(url), "https://localhost:%s/readyz",
	    it_env("PR_TEST_TLS_PORT"));
	for (i = 0; i < 50 && got != 0; i++) {
		if ((got = it_http("GET", url, NULL, &r)) != 0)
			usleep(100 * 1000);
		else
			break;
		it_http_free(&r);
	}
	cr_assert_eq(got, 0, "no TLS answer from nginx");
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body.data, "\"status\":\"ready\"") != NULL);
	cr_assert(strstr(r.hsts, "max-age=") != NULL);
	it_http_free(&r);

	snprintf(url, sizeof(url), "https://localhost:%s/api/v1/none",
	    it_env("PR_TEST_TLS_PORT"));
	cr_assert_eq(it_http("GET", url, NULL, &r), 0);
	cr_assert_eq(r.status, 404);
	cr_assert_str_eq(r.content_type, "application/problem+json");
	it_http_free(&r);

	/* Plain HTTP redirects to HTTPS. */
	snprintf(url, sizeof(url), "http://localhost:%d/healthz",
	    atoi(it_env("PR_TEST_TLS_PORT")) + 1);
	cr_assert_eq(it_http("GET", url, NULL, &r), 0);
	cr_assert_eq(r.status, 301);
	cr_assert(strncmp(r.location, "https://", 8) == 0, "%s", r.location);
	it_http_free(&r);
	it_http_cainfo = NULL;
}
