/*
 * libFuzzer target for app/lib/csvimport.c: read any bytes as an import
 * and check what csvimport.h promises; the errors go back to clients.
 *
 *   make fuzz FUZZ_SECONDS=60	(builds it with every app/lib file)
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvimport.h"
#include "utf8.h"
#include "validate.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static void
check_text(const char *s, size_t max)
{
	CHECK(strlen(s) < max);
	CHECK(pr_utf8_valid(s, strlen(s)));
}

/* A file without errors yields rows the database can take as they are. */
static void
check_row(const struct pr_import_row *row, long before)
{
	char	again[PR_ADDRESS_MAX + 1];
	int	i;

	CHECK(row->line > before);
	CHECK(row->address != NULL);
	CHECK(pr_address_check(row->address, again, sizeof(again)) == NULL);
	CHECK(strcmp(again, row->address) == 0);
	CHECK(row->address[row->local_len] == '@');
	CHECK((row->password == NULL) != (row->hash == NULL));
	CHECK(row->display_name != NULL);
	CHECK(row->quota_bytes >= 0 && row->send_limit >= -1);
	for (i = 0; i < PR_MB_NSERVICES; i++)
		CHECK(strcmp(row->service[i], "enabled") == 0 ||
		    strcmp(row->service[i], "disabled") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pr_import	imp;
	size_t			i;
	long			line = 1;

	CHECK(pr_import_parse(&imp, (const char *)data, size) == 0);
	CHECK(imp.nrows <= PR_IMPORT_ROWS_MAX);
	CHECK(imp.to_hash <= imp.nrows);
	for (i = 0; i < imp.nerrors && i < PR_IMPORT_ERRORS_MAX; i++) {
		/* In the order of the file. */
		CHECK(imp.errors[i].line >= line);
		line = imp.errors[i].line;
		check_text(imp.errors[i].field, sizeof(imp.errors[i].field));
		check_text(imp.errors[i].message,
		    sizeof(imp.errors[i].message));
	}
	for (i = 0, line = 1; imp.nerrors == 0 && i < imp.nrows; i++) {
		check_row(&imp.rows[i], line);
		line = imp.rows[i].line;
	}
	pr_import_free(&imp);
	return (0);
}
