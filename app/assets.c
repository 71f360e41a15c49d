/*
 * The browser console, compiled into the module by app/embed.sh.
 */
#include <string.h>

#include "embed.h"
#include "postroom.h"

int	pr_asset(struct http_request *);
int	pr_asset_index(struct http_request *);
int	pr_openapi(struct http_request *);

static const char *
media_type(const char *name)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".html",	"text/html; charset=utf-8" },
		{ ".css",	"text/css; charset=utf-8" },
		{ ".js",	"text/javascript; charset=utf-8" },
		{ ".json",	"application/json" },
		{ ".svg",	"image/svg+xml" },
		{ ".png",	"image/png" },
		{ ".ico",	"image/x-icon" },
		{ ".txt",	"text/plain; charset=utf-8" },
	};
	const char	*dot;
	size_t		 i;

	if ((dot = strrchr(name, '.')) == NULL)
		return ("application/octet-stream");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(dot, types[i].ext) == 0)
			return (types[i].type);
	}
	return ("application/octet-stream");
}

static int
serve(struct http_request *req, const char *name)
{
	const struct pr_embedded	*a;
	const char			*inm;

	if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
		http_response_header(req, "allow", "GET, HEAD");
		pr_respond_problem(req, HTTP_STATUS_METHOD_NOT_ALLOWED,
		    PR_PROBLEM_METHOD, "Method not allowed", NULL);
		return (KORE_RESULT_OK);
	}
	if ((a = pr_embedded_find(pr_assets, name)) == NULL) {
		http_response_header(req, "content-type",
		    "text/plain; charset=utf-8");
		http_response(req, HTTP_STATUS_NOT_FOUND, "not found\n", 10);
		return (KORE_RESULT_OK);
	}

	http_response_header(req, "etag", a->etag);
	http_response_header(req, "cache-control", "no-cache");
	http_response_header(req, "x-content-type-options", "nosniff");
	if (http_request_header(req, "if-none-match", &inm) &&
	    strcmp(inm, a->etag) == 0) {
		http_response(req, HTTP_STATUS_NOT_MODIFIED, NULL, 0);
		return (KORE_RESULT_OK);
	}
	http_response_header(req, "content-type", media_type(a->name));
	if (strcmp(media_type(a->name), "text/html; charset=utf-8") == 0) {
		http_response_header(req, "content-security-policy",
		    "default-src 'self'; frame-ancestors 'none'");
		http_response_header(req, "x-frame-options", "DENY");
	}
	http_response(req, HTTP_STATUS_OK, a->data, a->len);
	return (KORE_RESULT_OK);
}

int
pr_asset_index(struct http_request *req)
{
	return (serve(req, "index.html"));
}

/* The API's description, kept as assets/openapi.json. */
int
pr_openapi(struct http_request *req)
{
	return (serve(req, "openapi.json"));
}

int
pr_asset(struct http_request *req)
{
	const char	*name = req->path + strlen("/assets/");

	/* Names are flat; no "..", no hidden files. */
	if (strstr(name, "..") != NULL || *name == '.' || *name == '\0')
		return (serve(req, ""));
	return (serve(req, name));
}
