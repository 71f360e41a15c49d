/*
 * JSON and problem (RFC 9457) responses.
 */
#include "postroom.h"

void
pr_respond_json(struct http_request *req, int status, struct sbuf *b)
{
	http_response_header(req, "content-type", "application/json");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, status, b->data, b->len);
}

void
pr_respond_problem(struct http_request *req, int status, const char *type,
    const char *title, const char *detail)
{
	struct sbuf	b;

	sbuf_init(&b);
	sbuf_puts(&b, "{\"type\":");
	sbuf_json_str(&b, type);
	sbuf_puts(&b, ",\"title\":");
	sbuf_json_str(&b, title);
	sbuf_printf(&b, ",\"status\":%d", status);
	if (detail != NULL) {
		sbuf_puts(&b, ",\"detail\":");
		sbuf_json_str(&b, detail);
	}
	sbuf_puts(&b, ",\"instance\":");
	sbuf_json_str(&b, req->path);
	sbuf_puts(&b, "}\n");

	http_response_header(req, "content-type", "application/problem+json");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, status, b.data, b.len);
	sbuf_free(&b);
}
