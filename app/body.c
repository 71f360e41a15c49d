/*
 * Request bodies: JSON objects, and the field errors they earn.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"

static int
json_content_type(struct http_request *req)
{
	const char	*ct;
	size_t		 n = strlen("application/json");

	if (!http_request_header(req, "content-type", &ct))
		return (0);
	return (strncasecmp(ct, "application/json", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '));
}

/*
 * JSON bodies are small; the server's own limit (POSTROOM_BODY_MAX) is
 * for CSV imports.  A parsed document takes some 25 times its text.
 */
#define JSON_BODY_MAX	(1024 * 1024)

const struct pr_json *
pr_api_body(struct pr_api *api)
{
	struct sbuf	 raw;
	char		 buf[8192], err[160];
	ssize_t		 n;

	if (api->req->content_length > JSON_BODY_MAX) {
		pr_api_problem(api, HTTP_STATUS_REQUEST_ENTITY_TOO_LARGE,
		    PR_PROBLEM_TOO_LARGE, "Body too large",
		    "a JSON body may have at most 1048576 bytes");
		return (NULL);
	}

	if (!json_content_type(api->req)) {
		pr_api_problem(api, HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE,
		    PR_PROBLEM_BAD_REQUEST, "Unsupported media type",
		    "send Content-Type: application/json");
		return (NULL);
	}
	sbuf_init(&raw);
	while ((n = http_body_read(api->req, buf, sizeof(buf))) > 0)
		sbuf_append(&raw, buf, (size_t)n);
	if (n == -1) {
		sbuf_free(&raw);
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "the body could not be read");
		return (NULL);
	}
	if (pr_json_parse(raw.data, raw.len, &api->body, err,
	    sizeof(err)) == -1) {
		sbuf_free(&raw);
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Malformed JSON", err);
		return (NULL);
	}
	sbuf_free(&raw);
	if (api->body.root->type != PR_JSON_OBJECT) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "the body must be a JSON object");
		return (NULL);
	}
	return (api->body.root);
}

void
pr_fields_init(struct pr_fields *f)
{
	sbuf_init(&f->list);
	f->count = 0;
}

void
pr_fields_add(struct pr_fields *f, const char *field, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sbuf_puts(&f->list, f->count++ ? ",{\"field\":" : "{\"field\":");
	sbuf_json_str(&f->list, field);
	sbuf_puts(&f->list, ",\"message\":");
	sbuf_json_str(&f->list, msg);
	sbuf_puts(&f->list, "}");
}

void
pr_fields_known(struct pr_fields *f, const struct pr_json *obj,
    const char *const *names)
{
	const struct pr_json	*m;
	size_t			 i;

	for (m = obj->u.children.first; m != NULL; m = m->next) {
		for (i = 0; names[i] != NULL; i++) {
			if (strcmp(names[i], m->key) == 0)
				break;
		}
		if (names[i] == NULL)
			pr_fields_add(f, m->key, "unknown field");
	}
}

static int
fields_answer(struct pr_api *api, struct pr_fields *f, int status,
    const char *type, const char *title)
{
	struct sbuf	b;
	int		failed = f->count > 0;

	if (failed && !api->responded) {
		sbuf_init(&b);
		sbuf_printf(&b, "{\"type\":\"%s\",\"title\":\"%s\","
		    "\"status\":%d,\"detail\":\"%d field%s failed\","
		    "\"instance\":", type, title, status, f->count,
		    f->count == 1 ? "" : "s");
		sbuf_json_str(&b, api->req->path);
		sbuf_printf(&b, ",\"errors\":[%s]}\n", f->list.data);
		api->responded = 1;
		http_response_header(api->req, "content-type",
		    "application/problem+json");
		http_response_header(api->req, "cache-control", "no-store");
		http_response(api->req, status, b.data, b.len);
		sbuf_free(&b);
	}
	sbuf_free(&f->list);
	return (failed);
}

int
pr_fields_answer(struct pr_api *api, struct pr_fields *f)
{
	return (fields_answer(api, f, 422, PR_PROBLEM_VALIDATION,
	    "Invalid fields"));
}

int
pr_fields_conflict(struct pr_api *api, struct pr_fields *f)
{
	return (fields_answer(api, f, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
	    "Conflict"));
}

void
pr_fields_taken(struct pr_api *api, const char *field, const char *message)
{
	struct pr_fields	f;

	if (strcmp(api->sqlstate, "23505") != 0)
		return;
	pr_fields_init(&f);
	pr_fields_add(&f, field, "%s", message);
	pr_fields_conflict(api, &f);
}
