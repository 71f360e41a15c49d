/*
 * The mailbox as the API shows it, shared by the mailbox handlers.
 * PostgreSQL writes the JSON: json_build_object escapes and types every
 * value.  STAFF is the SQL parameter that says provider staff ask: only
 * they see the mailstore.  The row is m, with its domain d, cluster c and
 * mailstore s (MAILBOX_JOINS).
 */
#ifndef PR_MAILBOX_H
#define PR_MAILBOX_H

#include <stddef.h>
#include <stdint.h>

#include "mbrules.h"
#include "placement.h"

#define MAILBOX_JSON(STAFF)						\
	"json_strip_nulls(json_build_object("				\
	"'address', m.address, 'domain', d.name, "			\
	"'display_name', m.display_name, 'status', m.status, "		\
	"'quota_bytes', m.quota_bytes, 'used_bytes', m.used_bytes, "	\
	"'used_messages', m.used_messages, 'cluster', c.name, "		\
	"'mailstore', CASE WHEN " STAFF " THEN s.name END, "		\
	"'services', json_build_object('imap', m.imap, 'pop3', m.pop3, " \
	"'webmail', m.webmail, 'send', m.send, 'receive', m.receive), "	\
	"'send_limit_24h', m.send_limit_24h, "				\
	"'forward_to', m.forward_to, "					\
	"'forward_keep_copy', m.forward_keep_copy, "			\
	"'created_at', m.created_at, 'updated_at', m.updated_at))"

/*
 * The same mailbox as columns, for pr_mailbox_render (mailbox_render.c),
 * which writes the JSON above in C: lists and lookups, where PostgreSQL's
 * JSON functions cost more than the rest of the query.  The JSON above
 * stays the audit log's (and the writes' answers, which are audited).
 */
#define MAILBOX_COLUMNS(STAFF)						\
	"m.address, d.name, m.display_name, m.status, m.quota_bytes, "	\
	"m.used_bytes, m.used_messages, c.name, CASE WHEN " STAFF	\
	" THEN s.name END, m.imap, m.pop3, m.webmail, m.send, "		\
	"m.receive, m.send_limit_24h, to_json(m.forward_to), "		\
	"m.forward_keep_copy, to_json(m.created_at), "			\
	"to_json(m.updated_at) "

/* A number of mbrules.h as SQL text. */
#define PR_SQL_NUM(x)		PR_SQL_NUM_(x)
#define PR_SQL_NUM_(x)		#x

#define MAILBOX_JOINS							\
	"JOIN domains d ON d.company_id = m.company_id "		\
	"AND d.id = m.domain_id JOIN clusters c ON c.id = m.cluster_id " \
	"JOIN mailstores s ON s.id = m.mailstore_id "

#define MAILBOX_FROM	"FROM mailboxes m " MAILBOX_JOINS

/* $2 company (0: any), $3 domain scope (NULL: any) */
#define MAILBOX_SCOPE							\
	"m.deleted_at IS NULL AND ($2::bigint = 0 OR m.company_id = $2) " \
	"AND ($3::bigint[] IS NULL OR m.domain_id = ANY($3::bigint[])) "

/*
 * One mailbox by address: $1 staff (t/f), $2 and $3 the scope, $4 the
 * address.  `make bench` gives pgbench this very statement.
 */
#define MAILBOX_GET_SQL							\
	"SELECT " MAILBOX_JSON("$1") " " MAILBOX_FROM			\
	"WHERE m.address = $4 AND " MAILBOX_SCOPE

struct pr_api;
struct pr_fields;
struct pr_json;
struct sbuf;

/* The mailbox of a row of MAILBOX_COLUMNS as JSON, appended. */
void	pr_mailbox_render(struct pr_api *, int row, struct sbuf *);

void	pr_mb_password(struct pr_fields *, const struct pr_json *,
	    const char *local, char *hash, size_t hashlen);
void	pr_mb_display_name(struct pr_fields *, const struct pr_json *,
	    char *out, size_t outlen);
void	pr_mb_integer(struct pr_fields *, const struct pr_json *obj,
	    const char *name, int64_t min, int64_t max, char *out,
	    size_t outlen);
void	pr_mb_services(struct pr_fields *, const struct pr_json *,
	    int allow_suspended, char out[PR_MB_NSERVICES][PR_MB_STATE_LEN]);

/* Whether the actor may create mailboxes; 0 after answering 403. */
int	pr_mb_may_create(struct pr_api *);

/* Where new mailboxes of a domain go (mailbox_place.c). */
#define PR_MB_STORES_MAX	64

struct pr_mb_place {
	char		company[24];
	char		domain_id[24];
	char		cluster[24];
	int		company_active;
	struct pr_store	stores[PR_MB_STORES_MAX];
	size_t		nstores;
};

/* Ask for the domain, in the actor's scope, and its cluster's stores. */
void	pr_mb_place_query(struct pr_api *, void (*next)(struct pr_api *),
	    const char *domain);
/* Read them in next; 0 when there is no such domain. */
int	pr_mb_place_read(struct pr_api *, struct pr_mb_place *);

/* Handlers' first steps, by file. */
void	pr_mailbox_create(struct pr_api *);
void	pr_mailbox_update(struct pr_api *);
void	pr_mailbox_delete(struct pr_api *);
void	pr_mailbox_restore(struct pr_api *);

int	pr_mailbox_path_address(struct pr_api *, const char *suffix,
	    char *out, size_t outlen);

#endif
