/*
 * Request bodies: JSON objects and CSV text, and the field errors they
 * earn.
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"

static int
content_type_is(struct http_request *req, const char *type)
{
	const char	*ct;
	size_t		 n = strlen(type);

	if (!http_request_header(req, "content-type", &ct))
		return (0);
	return (strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '));
}

static void
too_large(struct pr_api *api, const char *name, size_t max)
{
	char	detail[80];

	snprintf(detail, sizeof(detail), "a %s body may have at most %zu bytes",
	    name, max);
	pr_api_problem(api, HTTP_STATUS_REQUEST_ENTITY_TOO_LARGE,
	    PR_PROBLEM_TOO_LARGE, "Body too large", detail);
}

int
pr_api_body_raw(struct pr_api *api, const char *type, const char *name,
    size_t max, struct sbuf *raw)
{
	char		buf[8192], detail[80];
	ssize_t		n = 0;

	if (api->req->content_length > max) {
		too_large(api, name, max);
		return (0);
	}
	if (!content_type_is(api->req, type)) {
		snprintf(detail, sizeof(detail), "send Content-Type: %s", type);
		pr_api_problem(api, HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE,
		    PR_PROBLEM_BAD_REQUEST, "Unsupported media type", detail);
		return (0);
	}
	while (raw->len <= max &&
	    (n = http_body_read(api->req, buf, sizeof(buf))) > 0)
		sbuf_append(raw, buf, (size_t)n);
	if (n == -1) {
		pr_api_problem(api, HTTP_STATUS_BAD_REQUEST,
		    PR_PROBLEM_BAD_REQUEST, "Bad request",
		    "the body could not be read");
		return (0);
	}
	/* A body without Content-Length (chunked) is held to it too. */
	if (raw->len > max) {
		too_large(api, name, max);
		return (0);
	}
	return (1);
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
	char		 err[160];

	sbuf_init(&raw);
	if (!pr_api_body_raw(api, "application/json", "JSON", JSON_BODY_MAX,
	    &raw)) {
		sbuf_free(&raw);
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
	f->listed = 0;
}

static void
fields_vadd(struct pr_fields *f, long line, const char *field,
    const char *fmt, va_list ap)
{
	char	msg[256];

	if (f->count++ >= PR_FIELDS_LISTED)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	sbuf_puts(&f->list, f->listed++ ? ",{" : "{");
	if (line > 0)
		sbuf_printf(&f->list, "\"line\":%ld,", line);
	sbuf_puts(&f->list, "\"field\":");
	sbuf_json_str(&f->list, field);
	sbuf_puts(&f->list, ",\"message\":");
	sbuf_json_str(&f->list, msg);
	sbuf_puts(&f->list, "}");
}

void
pr_fields_add(struct pr_fields *f, const char *field, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fields_vadd(f, 0, field, fmt, ap);
	va_end(ap);
}

void
pr_fields_add_line(struct pr_fields *f, long line, const char *field,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fields_vadd(f, line, field, fmt, ap);
	va_end(ap);
}

void
pr_fields_unlisted(struct pr_fields *f, int n)
{
	f->count += n;
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
		    "\"status\":%d,\"detail\":\"%d field%s failed", type, title,
		    status, f->count, f->count == 1 ? "" : "s");
		if (f->listed < f->count)
			sbuf_printf(&b, "; the first %d are listed", f->listed);
		sbuf_puts(&b, "\",\"instance\":");
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
