/*
 * Mailboxes from a CSV file (csvimport.h), read with libcsv.
 *
 * libcsv calls back at the end of each field and record, and says
 * nothing of lines.  So the input goes to it one physical line at a time
 * (at most CHUNK bytes): a record that begins does so at the start of a
 * piece fed while the parser is between records, which names its line.
 * The pieces being small, a field grown past the limit is caught before
 * libcsv has buffered much of it.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* hsearch_r */
#endif

#include <csv.h>
#include <search.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "csvimport.h"
#include "password.h"
#include "sbuf.h"
#include "utf8.h"
#include "validate.h"

/* Columns: the fixed ones, then one per service. */
enum {
	COL_ADDRESS,
	COL_PASSWORD,
	COL_HASH,
	COL_DISPLAY,
	COL_QUOTA,
	COL_SEND_LIMIT,
	COL_SERVICE,
	COL_COUNT = COL_SERVICE + PR_MB_NSERVICES
};

static const char *const fixed_names[COL_SERVICE] = {
	"address", "password", "password_hash", "display_name",
	"quota_bytes", "send_limit_24h"
};

#define CHUNK			4096
/* libcsv's state between records (ROW_NOT_BEGUN in libcsv.c 3.0). */
#define CSV_ROW_NOT_BEGUN	0
#define ROWS_FIRST		256

struct cell {
	size_t		 off;		/* of its text in reader.buf */
	const char	*bad;		/* why it cannot be read, or NULL */
};

struct reader {
	struct pr_import	*imp;
	struct hsearch_data	 seen;		/* address -> its first line */
	int			 header_done;
	int			 ncols;
	int			 col[PR_IMPORT_COLS_MAX];
	long			 line;		/* where this record starts */
	struct sbuf		 buf;		/* this record's fields */
	struct cell		 cell[PR_IMPORT_COLS_MAX + 1];
	size_t			 ncells;	/* counted beyond cell[] too */
	int			 stop;
	int			 nomem;
};

static void	on_cell(void *, size_t, void *);
static void	on_record(int, void *);
static void	read_header(struct reader *);
static void	read_row(struct reader *);

static const char *
col_name(int c)
{
	return (c < COL_SERVICE ? fixed_names[c] :
	    pr_mb_services_names[c - COL_SERVICE]);
}

/* The column a header cell names, ignoring ASCII case and spaces. */
static int
col_lookup(const char *name)
{
	size_t	len;
	int	c;

	name += strspn(name, " \t");
	for (len = strlen(name); len > 0 &&
	    (name[len - 1] == ' ' || name[len - 1] == '\t'); len--)
		;
	for (c = 0; c < COL_COUNT; c++) {
		if (strlen(col_name(c)) == len &&
		    strncasecmp(name, col_name(c), len) == 0)
			return (c);
	}
	return (-1);
}

static void
verror(struct reader *r, long line, const char *field, const char *fmt,
    va_list ap)
{
	struct pr_import	*imp = r->imp;
	struct pr_import_error	*e;

	if (imp->nerrors++ >= PR_IMPORT_ERRORS_MAX)
		return;
	if (imp->errors == NULL && (imp->errors = calloc(PR_IMPORT_ERRORS_MAX,
	    sizeof(*imp->errors))) == NULL) {
		r->nomem = r->stop = 1;
		return;
	}
	e = &imp->errors[imp->nerrors - 1];
	e->line = line;
	snprintf(e->field, sizeof(e->field), "%s", field);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
}

static void __attribute__((format(printf, 4, 5)))
add_error(struct reader *r, long line, const char *field, const char *fmt,
    ...)
{
	va_list	ap;

	va_start(ap, fmt);
	verror(r, line, field, fmt, ap);
	va_end(ap);
}

/* An error of field i of the record being read. */
static void __attribute__((format(printf, 3, 4)))
cell_error(struct reader *r, size_t i, const char *fmt, ...)
{
	va_list	ap;
	char	field[24];

	if (r->header_done && i < (size_t)r->ncols)
		snprintf(field, sizeof(field), "%s", col_name(r->col[i]));
	else
		snprintf(field, sizeof(field), "column %zu", i + 1);
	va_start(ap, fmt);
	verror(r, r->line, field, fmt, ap);
	va_end(ap);
}

static const char *
cell_text(const struct reader *r, size_t i)
{
	return (r->buf.data + r->cell[i].off);
}

static void
on_cell(void *s, size_t len, void *arg)
{
	struct reader	*r = arg;
	struct cell	*c;

	if (r->stop)
		return;
	if (r->ncells <= PR_IMPORT_COLS_MAX) {
		c = &r->cell[r->ncells];
		c->off = r->buf.len;
		c->bad = NULL;
		if (len > PR_IMPORT_CELL_MAX)
			c->bad = "longer than 1024 bytes";
		else if (memchr(s, '\0', len) != NULL)
			c->bad = "must not contain NUL";
		else if (!pr_utf8_valid(s, len))
			c->bad = "must be UTF-8 text";
		sbuf_append(&r->buf, s, c->bad == NULL ? len : 0);
		sbuf_append(&r->buf, "", 1);
	}
	r->ncells++;
}

static void
on_record(int c, void *arg)
{
	struct reader	*r = arg;

	(void)c;
	if (!r->stop) {
		if (r->header_done)
			read_row(r);
		else
			read_header(r);
	}
	/* It held passwords. */
	if (r->buf.len > 0)
		OPENSSL_cleanse(r->buf.data, r->buf.len);
	sbuf_reset(&r->buf);
	r->ncells = 0;
}

/* Spaces are data (RFC 4180): libcsv would trim them. */
static int
no_space(unsigned char c)
{
	(void)c;
	return (0);
}

static void
required_columns(struct reader *r, const int *seen)
{
	if (!seen[COL_ADDRESS])
		add_error(r, r->line, "address", "required column");
	if (!seen[COL_PASSWORD] && !seen[COL_HASH])
		add_error(r, r->line, "password", "required column (or "
		    "password_hash)");
}

static void
read_header(struct reader *r)
{
	int	seen[COL_COUNT] = { 0 };
	size_t	before = r->imp->nerrors, i;
	char	name[32];
	int	c;

	r->header_done = 1;
	if (r->ncells > PR_IMPORT_COLS_MAX) {
		add_error(r, r->line, "", "at most %d columns",
		    PR_IMPORT_COLS_MAX);
		r->stop = 1;
		return;
	}
	r->ncols = (int)r->ncells;
	for (i = 0; i < r->ncells; i++) {
		r->col[i] = c = r->cell[i].bad != NULL ? -1 :
		    col_lookup(cell_text(r, i));
		if (c != -1 && seen[c]++)
			add_error(r, r->line, col_name(c), "named twice");
		if (c != -1)
			continue;
		/* Named as written when it fits, else by its place. */
		if (r->cell[i].bad != NULL || strlen(cell_text(r, i)) >=
		    sizeof(name))
			snprintf(name, sizeof(name), "column %zu", i + 1);
		else
			snprintf(name, sizeof(name), "%s", cell_text(r, i));
		add_error(r, r->line, name, "unknown column: the columns are "
		    "address, password, password_hash, display_name, "
		    "quota_bytes, send_limit_24h, imap, pop3, webmail, send, "
		    "receive");
	}
	required_columns(r, seen);
	if (r->imp->nerrors > before)
		r->stop = 1;
}

static void
check_address(struct reader *r, struct pr_import_row *row, const char *v)
{
	ENTRY		 e, *found;
	char		 out[PR_ADDRESS_MAX + 1];
	const char	*why;

	if (v == NULL)
		return;
	if (*v == '\0') {
		add_error(r, r->line, "address", "required");
		return;
	}
	if ((why = pr_address_check(v, out, sizeof(out))) != NULL) {
		add_error(r, r->line, "address", "%s", why);
		return;
	}
	if ((row->address = strdup(out)) == NULL) {
		r->nomem = r->stop = 1;
		return;
	}
	row->local_len = (size_t)(strchr(out, '@') - out);
	e.key = row->address;
	e.data = (void *)(intptr_t)row->line;
	if (hsearch_r(e, ENTER, &found, &r->seen) == 0)
		r->nomem = r->stop = 1;
	else if ((intptr_t)found->data != row->line)
		add_error(r, r->line, "address", "appears already on line %ld",
		    (long)(intptr_t)found->data);
}

/* A password to hash or a hash: one of them. */
static void
check_secret(struct reader *r, struct pr_import_row *row, const char *pw,
    const char *hash, int have_pw_column)
{
	char		 local[PR_LOCAL_MAX + 1];
	const char	*why;

	if (pw == NULL || hash == NULL)
		return;
	if (*pw != '\0' && *hash != '\0') {
		add_error(r, r->line, "password_hash", "give a password or a "
		    "password_hash, not both");
		return;
	}
	if (*pw == '\0' && *hash == '\0') {
		add_error(r, r->line, have_pw_column ? "password" :
		    "password_hash", "required");
		return;
	}
	if (*hash != '\0') {
		if ((why = pr_password_hash_rule(hash)) != NULL)
			add_error(r, r->line, "password_hash", "%s", why);
		else if ((row->hash = strdup(hash)) == NULL)
			r->nomem = r->stop = 1;
		return;
	}
	snprintf(local, sizeof(local), "%.*s", (int)row->local_len,
	    row->address != NULL ? row->address : "");
	if ((why = pr_password_policy(pw, local)) != NULL)
		add_error(r, r->line, "password", "%s", why);
	else if ((row->password = strdup(pw)) == NULL)
		r->nomem = r->stop = 1;
	else
		r->imp->to_hash++;
}

static void
check_whole(struct reader *r, int col, const char *v, int64_t min,
    int64_t max, int64_t *out)
{
	if (v == NULL || *v == '\0')
		return;
	if (pr_mb_whole(v, min, max, out) == -1)
		add_error(r, r->line, col_name(col), "must be a whole number "
		    "from %lld to %lld", (long long)min, (long long)max);
}

static void
check_rest(struct reader *r, struct pr_import_row *row, const char **v)
{
	const char	*why;
	int		 i;

	if (v[COL_DISPLAY] != NULL && (why = pr_mb_display_name_rule(
	    v[COL_DISPLAY], strlen(v[COL_DISPLAY]))) != NULL)
		add_error(r, r->line, "display_name", "%s", why);
	else if (v[COL_DISPLAY] != NULL &&
	    (row->display_name = strdup(v[COL_DISPLAY])) == NULL)
		r->nomem = r->stop = 1;
	check_whole(r, COL_QUOTA, v[COL_QUOTA], PR_MB_QUOTA_MIN, INT64_MAX,
	    &row->quota_bytes);
	check_whole(r, COL_SEND_LIMIT, v[COL_SEND_LIMIT], 0,
	    PR_MB_SEND_LIMIT_MAX, &row->send_limit);
	for (i = 0; i < PR_MB_NSERVICES; i++) {
		row->service[i] = "enabled";
		if (v[COL_SERVICE + i] == NULL || *v[COL_SERVICE + i] == '\0')
			continue;
		if ((why = pr_mb_service_rule(v[COL_SERVICE + i], 0)) != NULL)
			add_error(r, r->line, col_name(COL_SERVICE + i), "%s",
			    why);
		else if (strcmp(v[COL_SERVICE + i], "disabled") == 0)
			row->service[i] = "disabled";
	}
}

static struct pr_import_row *
new_row(struct reader *r)
{
	struct pr_import	*imp = r->imp;
	struct pr_import_row	*rows, *row;
	size_t			 cap;

	if (imp->nrows == PR_IMPORT_ROWS_MAX) {
		imp->too_many = 1;
		r->stop = 1;
		return (NULL);
	}
	/* Capacity doubles from ROWS_FIRST: grow at each power of two. */
	if (imp->nrows >= ROWS_FIRST && (imp->nrows & (imp->nrows - 1)) == 0)
		cap = imp->nrows * 2;
	else if (imp->nrows == 0)
		cap = ROWS_FIRST;
	else
		cap = 0;
	if (cap != 0) {
		if ((rows = realloc(imp->rows, cap * sizeof(*rows))) == NULL) {
			r->nomem = r->stop = 1;
			return (NULL);
		}
		imp->rows = rows;
	}
	row = &imp->rows[imp->nrows++];
	memset(row, 0, sizeof(*row));
	row->line = r->line;
	row->send_limit = -1;
	return (row);
}

static void
read_row(struct reader *r)
{
	struct pr_import_row	*row;
	const char		*v[COL_COUNT];
	size_t			 i;
	int			 have_pw = 0;

	if ((row = new_row(r)) == NULL)
		return;
	if (r->ncells != (size_t)r->ncols) {
		if (r->ncells < (size_t)r->ncols)
			cell_error(r, r->ncells, "missing: the row has %zu "
			    "fields, the header %d", r->ncells, r->ncols);
		else
			cell_error(r, r->ncols, "one too many: the row has "
			    "%zu fields, the header %d", r->ncells, r->ncols);
		return;
	}
	/* Absent columns are empty; unreadable cells NULL. */
	for (i = 0; i < COL_COUNT; i++)
		v[i] = "";
	for (i = 0; i < r->ncells; i++) {
		have_pw |= r->col[i] == COL_PASSWORD;
		v[r->col[i]] = r->cell[i].bad == NULL ? cell_text(r, i) : NULL;
		if (r->cell[i].bad != NULL)
			cell_error(r, i, "%s", r->cell[i].bad);
	}
	check_address(r, row, v[COL_ADDRESS]);
	check_secret(r, row, v[COL_PASSWORD], v[COL_HASH], have_pw);
	check_rest(r, row, v);
}

/* Bytes to the end of the line at s, at most CHUNK; *ends: it ended. */
static size_t
chunk(const char *s, size_t len, int *ends)
{
	size_t	i;

	for (i = 0; i < len && i < CHUNK; i++) {
		if (s[i] == '\n' || (s[i] == '\r' &&
		    (i + 1 == len || s[i + 1] != '\n'))) {
			*ends = 1;
			return (i + 1);
		}
	}
	*ends = 0;
	return (i);
}

static void
feed(struct reader *r, struct csv_parser *p, const char *data, size_t len)
{
	size_t	pos = 0, n;
	long	line = 1;
	int	ends;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && !r->stop) {
		n = chunk(data + pos, len - pos, &ends);
		if (p->pstate == CSV_ROW_NOT_BEGUN)
			r->line = line;
		if (csv_parse(p, data + pos, n, on_cell, on_record, r) != n) {
			if (csv_error(p) != CSV_EPARSE)
				r->nomem = 1;
			else
				cell_error(r, r->ncells, "malformed quoting: a "
				    "quote opens a field, and a closing quote "
				    "ends it or is doubled");
			r->stop = 1;
			return;
		}
		if (p->entry_pos > PR_IMPORT_CELL_MAX) {
			cell_error(r, r->ncells, "longer than 1024 bytes");
			r->stop = 1;
			return;
		}
		pos += n;
		line += ends;
	}
	if (!r->stop && csv_fini(p, on_cell, on_record, r) != 0) {
		cell_error(r, r->ncells, "a quoted field is not closed");
		r->stop = 1;
	}
}

/* Room for every row's address: no more rows than line ends, plus one. */
static size_t
table_size(const char *data, size_t len)
{
	size_t	i, n = 1;

	for (i = 0; i < len && n <= PR_IMPORT_ROWS_MAX; i++)
		n += data[i] == '\n' || data[i] == '\r';
	return (n + n / 4 + 8);
}

int
pr_import_parse(struct pr_import *imp, const char *data, size_t len)
{
	struct reader		r;
	struct csv_parser	p;
	int			none[COL_COUNT] = { 0 };

	memset(imp, 0, sizeof(*imp));
	memset(&r, 0, sizeof(r));
	r.imp = imp;
	r.line = 1;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return (-1);
	csv_set_space_func(&p, no_space);
	if (hcreate_r(table_size(data, len), &r.seen) == 0) {
		csv_free(&p);
		return (-1);
	}
	sbuf_init(&r.buf);
	feed(&r, &p, data, len);
	/* An empty file; a header cut short has said why already. */
	if (!r.header_done && !r.stop) {
		r.line = 1;
		required_columns(&r, none);
	}
	if (p.entry_buf != NULL)
		OPENSSL_cleanse(p.entry_buf, p.entry_size);
	csv_free(&p);
	hdestroy_r(&r.seen);
	if (r.buf.len > 0)
		OPENSSL_cleanse(r.buf.data, r.buf.len);
	sbuf_free(&r.buf);
	return (r.nomem ? -1 : 0);
}

static void
wipe(char *s)
{
	if (s != NULL)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

int
pr_import_hash(struct pr_import *imp, size_t from, size_t to)
{
	struct pr_import_row	*row;
	size_t			 i;

	for (i = from; i < to && i < imp->nrows; i++) {
		row = &imp->rows[i];
		if (row->password == NULL)
			continue;
		if ((row->hash = malloc(PR_PW_HASH_MAX)) == NULL ||
		    pr_password_hash(row->password, PR_PW_SHA512_CRYPT,
		    row->hash, PR_PW_HASH_MAX) == -1)
			return (-1);
		wipe(row->password);
		row->password = NULL;
	}
	return (0);
}

void
pr_import_free(struct pr_import *imp)
{
	size_t	i;

	for (i = 0; i < imp->nrows; i++) {
		free(imp->rows[i].address);
		free(imp->rows[i].display_name);
		wipe(imp->rows[i].password);
		free(imp->rows[i].hash);
	}
	free(imp->rows);
	free(imp->errors);
	memset(imp, 0, sizeof(*imp));
}
