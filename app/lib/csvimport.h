/*
 * Mailboxes from a CSV file, for POST /api/v1/mailboxes/import.
 * Pure code: no Kore.
 *
 * The file is RFC 4180 as libcsv reads it strictly: fields separated by
 * commas, records by CRLF, LF or a lone CR; a field in double quotes may
 * hold commas, line breaks and doubled quotes; spaces are data.  A UTF-8
 * byte order mark is skipped and blank lines are ignored.  The first
 * record is the header: it names the columns (ASCII case and the spaces
 * around a name do not matter).  Columns are the fields of a new mailbox:
 * address, and password or password_hash, are required; display_name,
 * quota_bytes, send_limit_24h and one per service (imap, pop3, webmail,
 * send, receive) are optional, and an empty cell is the default.
 *
 * Lines are counted as an editor counts them (CRLF, LF or a lone CR ends
 * one); a record is named by the line where it starts, also when a
 * quoted field carries it over several lines.
 */
#ifndef PR_CSVIMPORT_H
#define PR_CSVIMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "mbrules.h"

#define PR_IMPORT_ROWS_MAX	100000
#define PR_IMPORT_ERRORS_MAX	1000	/* listed; all are counted */
#define PR_IMPORT_CELL_MAX	1024	/* bytes in one field */
#define PR_IMPORT_COLS_MAX	16

struct pr_import_row {
	long		 line;
	char		*address;	/* normalised; NULL when bad */
	size_t		 local_len;	/* address[0, local_len): local part */
	char		*display_name;	/* "" when not given */
	char		*password;	/* to hash, or NULL */
	char		*hash;		/* given, or made by pr_import_hash() */
	int64_t		 quota_bytes;	/* 0: the domain's or company's */
	int64_t		 send_limit;	/* -1: the default */
	const char	*service[PR_MB_NSERVICES];	/* "enabled", ... */
};

struct pr_import_error {
	long		 line;
	char		 field[40];	/* the column; "" for the record */
	char		 message[200];
};

struct pr_import {
	struct pr_import_row	*rows;		/* every record after the header */
	size_t			 nrows;
	size_t			 to_hash;	/* rows with a password */
	struct pr_import_error	*errors;	/* the first ERRORS_MAX, by line */
	size_t			 nerrors;	/* all of them */
	int			 too_many;	/* over ROWS_MAX: reading stopped */
};

/*
 * Read len bytes of CSV into imp: every row, and the errors of the bad
 * ones (when there are any, no row may be used).  Reading stops at an
 * error in the header, at malformed quoting, at a field over
 * PR_IMPORT_CELL_MAX and after PR_IMPORT_ROWS_MAX rows (too_many).
 * Returns 0, or -1 when out of memory; imp is to be freed either way.
 */
int	pr_import_parse(struct pr_import *imp, const char *data, size_t len);

/*
 * Hash the passwords of rows [from, to) into their hash and wipe them.
 * Touches nothing else, so disjoint ranges may run in threads at once.
 * Returns 0, or -1 when a hash could not be made.
 */
int	pr_import_hash(struct pr_import *imp, size_t from, size_t to);

void	pr_import_free(struct pr_import *imp);

#endif
