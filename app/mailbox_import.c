/*
 * POST /api/v1/mailboxes/import: mailboxes from a CSV file, all or none.
 *
 * Steps: read the file (csvimport.c) and answer every bad row at once;
 * ask the database what stands in the way of each row
 * (pr_import_problems, sql/010) and answer that; read where mailboxes
 * of the company go and place each (placement.c); hash the passwords in
 * kore tasks, off the event loop, while the request is parked; then one
 * statement locks the company, asks pr_import_problems again, and
 * inserts every mailbox with its audit entry, or nothing.
 */
#include <kore/kore.h>
#include <kore/http.h>
#include <kore/tasks.h>

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "csvimport.h"
#include "mailbox.h"

int	pr_mailbox_import(struct http_request *);

/* 100,000 rows with hashes fit in 16 MiB. */
#define IMPORT_BODY_MAX		(16 * 1024 * 1024)
/*
 * A SHA512-CRYPT hash costs some 3 ms of CPU: 20,000 passwords take
 * half a minute on two threads, well within a proxy's timeout.  Files of
 * more are imported with password_hash, or in parts.
 */
#define IMPORT_HASH_MAX		20000
/* Kore runs a worker's tasks on two threads: each hashes a part. */
#define HASH_PARTS		2

struct import_job;

struct hash_part {
	struct kore_task	 task;		/* first: the callback gets it */
	struct import_job	*job;
	size_t			 from, to;
};

/*
 * Owned by the request (api->data) and, while hashing, by the tasks too:
 * the last of them to let go frees it.
 */
struct import_job {
	struct pr_import	 file;
	struct pr_api		*api;		/* NULL once the request is gone */
	struct hash_part	 part[HASH_PARTS];
	int			 running;	/* tasks not finished */
	int			 failed;
	struct pr_mb_place	 place;
	int			*pick;		/* each row's index in stores */
};

static void	import_start(struct pr_api *);
static void	import_checked(struct pr_api *);
static void	import_placed(struct pr_api *);
static void	import_hashed(struct pr_api *);
static void	import_insert(struct pr_api *);
static void	import_done(struct pr_api *);
static void	import_failed(struct pr_api *);

int
pr_mailbox_import(struct http_request *req)
{
	return (pr_api_run(req, PR_POST, import_start));
}

static void
job_free(struct import_job *job)
{
	pr_import_free(&job->file);
	kore_free(job->pick);
	kore_free(job);
}

/* The request is done with the job: it goes now, or with its last task. */
static void
job_release(void *arg)
{
	struct import_job	*job = arg;

	job->api = NULL;
	if (job->running == 0)
		job_free(job);
}

static void
wipe(struct sbuf *b)
{
	if (b->len > 0)
		OPENSSL_cleanse(b->data, b->len);
	sbuf_free(b);
}

/* 422 with the file's errors; 0 when it has none. */
static int
file_errors(struct pr_api *api, const struct pr_import *file)
{
	struct pr_fields		 f;
	const struct pr_import_error	*e;
	size_t				 i;

	pr_fields_init(&f);
	for (i = 0; i < file->nerrors && i < PR_IMPORT_ERRORS_MAX; i++) {
		e = &file->errors[i];
		pr_fields_add_line(&f, e->line, e->field, "%s", e->message);
	}
	pr_fields_unlisted(&f, (int)(file->nerrors - i));
	return (pr_fields_answer(api, &f));
}

/*
 * 422 with the rows the database refuses, from columns col on: line,
 * field, message, and how many there are in all; 0 when none.
 */
static int
problems(struct pr_api *api, int col)
{
	struct pr_fields	f;
	int			i, rows = pr_api_rows(api), total = 0;

	pr_fields_init(&f);
	for (i = 0; i < rows; i++) {
		if (pr_api_isnull(api, i, col))
			continue;
		pr_fields_add_line(&f, strtol(pr_api_value(api, i, col), NULL,
		    10), pr_api_value(api, i, col + 1), "%s",
		    pr_api_value(api, i, col + 2));
		total = atoi(pr_api_value(api, i, col + 3));
	}
	if (total > f.count)
		pr_fields_unlisted(&f, total - f.count);
	return (pr_fields_answer(api, &f));
}

/*
 * The rows as a JSON array for the database: what pr_import_problems
 * reads, and with full what the insert needs too.
 */
static void
rows_json(const struct import_job *job, int full, struct sbuf *b)
{
	const struct pr_import_row	*row;
	size_t				 i;
	int				 k;

	sbuf_puts(b, "[");
	for (i = 0; i < job->file.nrows; i++) {
		row = &job->file.rows[i];
		sbuf_printf(b, "%s{\"line\":%ld,\"address\":", i ? "," : "",
		    row->line);
		sbuf_json_str(b, row->address);
		sbuf_puts(b, ",\"domain\":");
		sbuf_json_str(b, row->address + row->local_len + 1);
		if (row->quota_bytes > 0)
			sbuf_printf(b, ",\"quota\":%lld",
			    (long long)row->quota_bytes);
		if (full) {
			sbuf_puts(b, ",\"local\":");
			sbuf_json_strn(b, row->address, row->local_len);
			sbuf_puts(b, ",\"display_name\":");
			sbuf_json_str(b, row->display_name != NULL ?
			    row->display_name : "");
			sbuf_puts(b, ",\"hash\":");
			sbuf_json_str(b, row->hash);
			if (row->send_limit >= 0)
				sbuf_printf(b, ",\"send_limit\":%lld",
				    (long long)row->send_limit);
			for (k = 0; k < PR_MB_NSERVICES; k++)
				sbuf_printf(b, ",\"%s\":\"%s\"",
				    pr_mb_services_names[k], row->service[k]);
			sbuf_printf(b, ",\"store\":%lld", (long long)
			    job->place.stores[job->pick[i]].id);
		}
		sbuf_puts(b, "}");
	}
	sbuf_puts(b, "]");
}

static void
import_start(struct pr_api *api)
{
	struct import_job	*job;
	struct sbuf		 raw, rows;
	int			 rc;

	if (!pr_mb_may_create(api))
		return;
	sbuf_init(&raw);
	if (!pr_api_body_raw(api, "text/csv", "CSV", IMPORT_BODY_MAX, &raw)) {
		wipe(&raw);
		return;
	}
	job = api->data = kore_calloc(1, sizeof(*job));
	api->data_free = job_release;
	job->api = api;
	rc = pr_import_parse(&job->file, raw.data != NULL ? raw.data : "",
	    raw.len);
	wipe(&raw);
	if (rc == -1)
		return;		/* 500 */
	if (job->file.too_many) {
		pr_api_problem(api, HTTP_STATUS_REQUEST_ENTITY_TOO_LARGE,
		    PR_PROBLEM_TOO_LARGE, "Too many rows",
		    "an import may have at most 100000 rows");
		return;
	}
	if (file_errors(api, &job->file))
		return;
	if (job->file.to_hash > IMPORT_HASH_MAX) {
		pr_api_problem(api, HTTP_STATUS_REQUEST_ENTITY_TOO_LARGE,
		    PR_PROBLEM_TOO_LARGE, "Too many passwords",
		    "an import may hash at most 20000 passwords: give "
		    "password_hash, or import in parts");
		return;
	}
	if (job->file.nrows == 0) {
		pr_api_json(api, HTTP_STATUS_OK, "{\"created\":0}\n", 14);
		return;
	}
	sbuf_init(&rows);
	rows_json(job, 0, &rows);
	pr_api_query(api, import_checked,
	    "SELECT line, field, message, count(*) OVER () "
	    "FROM pr_import_problems($1::bigint, $2::bigint[], $3::jsonb, "
	    "false) ORDER BY line, field LIMIT " PR_SQL_NUM(PR_FIELDS_LISTED),
	    3, api->actor.company, pr_actor_domains(&api->actor), rows.data);
	sbuf_free(&rows);
}

static void
import_checked(struct pr_api *api)
{
	struct import_job		*job = api->data;
	const struct pr_import_row	*first = &job->file.rows[0];

	if (problems(api, 0))
		return;
	pr_mb_place_query(api, import_placed,
	    first->address + first->local_len + 1);
}

/* Each part of the rows hashed on a task thread: no Kore in here. */
static int
hash_run(struct kore_task *t)
{
	struct hash_part	*part = (struct hash_part *)t;

	return (pr_import_hash(&part->job->file, part->from, part->to) == 0 ?
	    KORE_RESULT_OK : KORE_RESULT_ERROR);
}

/* Back on the worker's event loop: the last part to end wakes the request. */
static void
hash_done(struct kore_task *t)
{
	struct hash_part	*part = (struct hash_part *)t;
	struct import_job	*job = part->job;

	if (!kore_task_finished(t))
		return;
	if (kore_task_result(t) != KORE_RESULT_OK)
		job->failed = 1;
	kore_task_destroy(t);
	if (--job->running > 0)
		return;
	if (job->api == NULL)
		job_free(job);
	else
		pr_api_wake(job->api);
}

static void
hash_start(struct pr_api *api, struct import_job *job)
{
	struct hash_part	*part;
	size_t			 n = job->file.nrows;
	int			 i;

	for (i = 0; i < HASH_PARTS; i++) {
		part = &job->part[i];
		part->job = job;
		part->from = n * (size_t)i / HASH_PARTS;
		part->to = n * (size_t)(i + 1) / HASH_PARTS;
		if (part->from == part->to)
			continue;
		kore_task_create(&part->task, hash_run);
		kore_task_bind_callback(&part->task, hash_done);
		job->running++;
		kore_task_run(&part->task);
	}
	pr_api_park(api, import_hashed);
}

static void
import_placed(struct pr_api *api)
{
	struct import_job	*job = api->data;

	if (!pr_mb_place_read(api, &job->place)) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", "the domains changed during the import: "
		    "nothing was applied");
		return;
	}
	if (!job->place.company_active) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", "the company is suspended");
		return;
	}
	job->pick = kore_calloc(job->file.nrows, sizeof(*job->pick));
	if (pr_place_many(job->place.stores, job->place.nstores,
	    job->file.nrows, job->pick) == -1) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "No mailstore", "no mailstore of this company's cluster "
		    "takes new mailboxes");
		return;
	}
	if (job->file.to_hash == 0)
		import_insert(api);
	else
		hash_start(api, job);
}

static void
import_hashed(struct pr_api *api)
{
	struct import_job	*job = api->data;

	if (job->failed) {
		pr_api_problem(api, HTTP_STATUS_INTERNAL_ERROR,
		    PR_PROBLEM_INTERNAL, "Internal error",
		    "a password could not be hashed");
		return;
	}
	import_insert(api);
}

/*
 * Under the company row's lock, pr_import_problems reads again what it
 * read before the hashing, and the rows go in only if it finds nothing
 * and every row has its domain: all of them or none, each with its
 * audit entry.
 */
static void
import_insert(struct pr_api *api)
{
	struct import_job	*job = api->data;
	struct sbuf		 rows;
	char			 remote[64];

	sbuf_init(&rows);
	rows_json(job, 1, &rows);
	pr_remote_addr(api->req, remote, sizeof(remote));
	pr_api_query(api, import_done,
	    "WITH co AS (SELECT id, status, cluster_id, default_quota_bytes "
	    "FROM companies WHERE id = $1 FOR UPDATE), "
	    "bad AS (SELECT p.* FROM co, pr_import_problems(co.id, "
	    "$2::bigint[], $3::jsonb, true) p), "
	    "why AS (SELECT CASE WHEN co.status <> 'active' THEN 'the company "
	    "is suspended' END AS reason FROM co), "
	    "r AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS r(line int, "
	    "local text, domain text, display_name text, hash text, "
	    "quota bigint, send_limit int, imap text, pop3 text, "
	    "webmail text, send text, receive text, store bigint)), "
	    "dom AS (SELECT d.id, d.name, d.default_quota_bytes FROM co "
	    "JOIN domains d ON d.company_id = co.id WHERE d.name IN (SELECT "
	    "r.domain FROM r) AND d.deleted_at IS NULL FOR SHARE OF d), "
	    "m AS (INSERT INTO mailboxes (company_id, domain_id, local_part, "
	    "display_name, password_hash, quota_bytes, cluster_id, "
	    "mailstore_id, imap, pop3, webmail, send, receive, send_limit_24h) "
	    "SELECT co.id, dom.id, r.local, r.display_name, r.hash, "
	    "coalesce(r.quota, dom.default_quota_bytes, "
	    "co.default_quota_bytes), co.cluster_id, r.store, r.imap, "
	    "r.pop3, r.webmail, r.send, r.receive, coalesce(r.send_limit, "
	    PR_SQL_NUM(PR_MB_SEND_LIMIT_DEFAULT) ") "
	    "FROM co JOIN why ON why.reason IS NULL CROSS JOIN r "
	    "JOIN dom ON dom.name = r.domain "
	    "WHERE NOT EXISTS (SELECT 1 FROM bad) AND (SELECT count(*) FROM r) "
	    "= (SELECT count(*) FROM r JOIN dom ON dom.name = r.domain) "
	    "ORDER BY r.line RETURNING *), "
	    "j AS (SELECT m.company_id, m.address, " MAILBOX_JSON("$4")
	    " AS doc FROM m " MAILBOX_JOINS "), "
	    "a AS (INSERT INTO audit_log (company_id, actor, actor_key_id, "
	    "actor_admin_id, remote_addr, action, object_type, object_id, "
	    "after) SELECT company_id, $5, nullif($6, ''), "
	    "nullif($8, '')::bigint, nullif($7, '')::inet, 'mailbox.import', "
	    "'mailbox', address, doc::jsonb FROM j), "
	    "n AS (SELECT count(*) AS created FROM j) "
	    "SELECT n.created, (SELECT reason FROM why), b.line, b.field, "
	    "b.message, b.total FROM n LEFT JOIN (SELECT bad.*, count(*) OVER "
	    "() AS total FROM bad ORDER BY line, field LIMIT "
	    PR_SQL_NUM(PR_FIELDS_LISTED) ") b ON true",
	    8, job->place.company, pr_actor_domains(&api->actor), rows.data,
	    pr_role_at_least(&api->actor, PR_ROLE_SUPPORT) ? "t" : "f",
	    api->actor.who, api->actor.key_id, remote, api->actor.admin_id);
	api->on_error = import_failed;
	OPENSSL_cleanse(rows.data, rows.len);
	sbuf_free(&rows);
}

static void
import_done(struct pr_api *api)
{
	struct import_job	*job = api->data;
	char			 body[48];
	long long		 created;

	if (pr_api_rows(api) < 1 || problems(api, 2))
		return;
	if (!pr_api_isnull(api, 0, 1)) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", pr_api_value(api, 0, 1));
		return;
	}
	created = strtoll(pr_api_value(api, 0, 0), NULL, 10);
	if (created != (long long)job->file.nrows) {
		pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
		    "Conflict", "the domains changed during the import: "
		    "nothing was applied");
		return;
	}
	snprintf(body, sizeof(body), "{\"created\":%lld}\n", created);
	pr_api_json(api, HTTP_STATUS_OK, body, strlen(body));
}

/* An address taken between the check and the insert. */
static void
import_failed(struct pr_api *api)
{
	if (strcmp(api->sqlstate, "23505") != 0)
		return;
	pr_api_problem(api, HTTP_STATUS_CONFLICT, PR_PROBLEM_CONFLICT,
	    "Conflict", "an address was taken during the import: nothing was "
	    "applied");
}
