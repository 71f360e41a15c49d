/*
 * A mailbox as the API shows it, written from its columns (MAILBOX_COLUMNS
 * in mailbox.h).  PostgreSQL's json_build_object looks up how to write
 * each argument on every call: for a page of 50 mailboxes it took more
 * than twice the rest of the query (measured with pgbench).
 */
#include <kore/kore.h>
#include <kore/http.h>

#include <string.h>

#include "api.h"
#include "mailbox.h"
#include "sbuf.h"

enum kind {
	K_STR,		/* text, escaped */
	K_RAW,		/* a number, or JSON that PostgreSQL wrote */
	K_BOOL,		/* t or f */
	K_SERVICES	/* the five services' states, from col on */
};

/* Each name with what goes before it; the first one's comma is skipped. */
static const struct {
	const char	*name;
	int		 col;
	enum kind	 kind;
} fields[] = {
	{ ",\"address\":",		0,	K_STR },
	{ ",\"domain\":",		1,	K_STR },
	{ ",\"display_name\":",	2,	K_STR },
	{ ",\"status\":",		3,	K_STR },
	{ ",\"quota_bytes\":",		4,	K_RAW },
	{ ",\"used_bytes\":",		5,	K_RAW },
	{ ",\"used_messages\":",	6,	K_RAW },
	{ ",\"cluster\":",		7,	K_STR },
	{ ",\"mailstore\":",		8,	K_STR },
	{ ",\"services\":",		9,	K_SERVICES },
	{ ",\"send_limit_24h\":",	14,	K_RAW },
	{ ",\"forward_to\":",		15,	K_RAW },
	{ ",\"forward_keep_copy\":",	16,	K_BOOL },
	{ ",\"created_at\":",		17,	K_RAW },
	{ ",\"updated_at\":",		18,	K_RAW },
};

static const char *const service_keys[PR_MB_NSERVICES] = {
	"{\"imap\":", ",\"pop3\":", ",\"webmail\":", ",\"send\":",
	",\"receive\":"
};

static void
value(struct pr_api *api, int row, int col, enum kind kind, struct sbuf *b)
{
	const char	*v = pr_api_value(api, row, col);

	switch (kind) {
	case K_STR:
		sbuf_json_str(b, v);
		break;
	case K_BOOL:
		sbuf_puts(b, v[0] == 't' ? "true" : "false");
		break;
	default:
		sbuf_puts(b, v);
		break;
	}
}

static void
services(struct pr_api *api, int row, int col, struct sbuf *b)
{
	int	i;

	for (i = 0; i < PR_MB_NSERVICES; i++) {
		sbuf_puts(b, service_keys[i]);
		sbuf_json_str(b, pr_api_value(api, row, col + i));
	}
	sbuf_append(b, "}", 1);
}

void
pr_mailbox_render(struct pr_api *api, int row, struct sbuf *b)
{
	size_t	i;
	int	first = 1;

	sbuf_append(b, "{", 1);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		/* As json_strip_nulls did: a NULL is left out. */
		if (pr_api_isnull(api, row, fields[i].col))
			continue;
		sbuf_puts(b, fields[i].name + first);
		first = 0;
		if (fields[i].kind == K_SERVICES)
			services(api, row, fields[i].col, b);
		else
			value(api, row, fields[i].col, fields[i].kind, b);
	}
	sbuf_append(b, "}", 1);
}
