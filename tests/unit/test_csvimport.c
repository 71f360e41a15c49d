/*
 * Unit tests for app/lib/csvimport.c: CSV rows of new mailboxes, their
 * line numbers and every error with its line and field.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "csvimport.h"
#include "password.h"
#include "sbuf.h"

#define PW	"a long enough password"

static struct pr_import	imp;

static void
parse(const char *csv)
{
	cr_assert_eq(pr_import_parse(&imp, csv, strlen(csv)), 0);
}

static void
parse_n(const char *csv, size_t len)
{
	cr_assert_eq(pr_import_parse(&imp, csv, len), 0);
}

static void
clear(void)
{
	pr_import_free(&imp);
}

TestSuite(csvimport, .fini = clear);

/* The errors as "line field: message" lines, for messages on failure. */
static const char *
shown(void)
{
	static char	buf[8192];
	size_t		i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < imp.nerrors && i < PR_IMPORT_ERRORS_MAX &&
	    n < sizeof(buf) - 300; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%ld %s: %s\n",
		    imp.errors[i].line, imp.errors[i].field,
		    imp.errors[i].message);
	return (buf);
}

/* Error i is at line, on field, and its message starts with msg. */
static void
error_is(size_t i, long line, const char *field, const char *msg)
{
	cr_assert_gt(imp.nerrors, i, "%s", shown());
	cr_assert_eq(imp.errors[i].line, line, "error %zu: %s", i, shown());
	cr_assert_str_eq(imp.errors[i].field, field, "error %zu: %s", i,
	    shown());
	cr_assert(strncmp(imp.errors[i].message, msg, strlen(msg)) == 0,
	    "error %zu: %s", i, shown());
}

Test(csvimport, every_column)
{
	parse("address,password,display_name,quota_bytes,send_limit_24h,"
	    "imap,pop3,webmail,send,receive\n"
	    "Ann@Example.COM," PW ",Ann Example,1000000,50,,disabled,enabled,"
	    ",disabled\n"
	    "bob@example.com," PW ",,,,,,,,\n");
	cr_assert_eq(imp.nerrors, 0, "%s", shown());
	cr_assert_eq(imp.nrows, 2);
	cr_assert_eq(imp.to_hash, 2);
	cr_assert_eq(imp.rows[0].line, 2);
	cr_assert_str_eq(imp.rows[0].address, "ann@example.com");
	cr_assert_eq(imp.rows[0].local_len, 3);
	cr_assert_str_eq(imp.rows[0].display_name, "Ann Example");
	cr_assert_str_eq(imp.rows[0].password, PW);
	cr_assert_null(imp.rows[0].hash);
	cr_assert_eq(imp.rows[0].quota_bytes, 1000000);
	cr_assert_eq(imp.rows[0].send_limit, 50);
	cr_assert_str_eq(imp.rows[0].service[0], "enabled");
	cr_assert_str_eq(imp.rows[0].service[1], "disabled");
	cr_assert_str_eq(imp.rows[0].service[2], "enabled");
	cr_assert_str_eq(imp.rows[0].service[3], "enabled");
	cr_assert_str_eq(imp.rows[0].service[4], "disabled");
	/* Empty cells are the defaults. */
	cr_assert_eq(imp.rows[1].line, 3);
	cr_assert_str_eq(imp.rows[1].display_name, "");
	cr_assert_eq(imp.rows[1].quota_bytes, 0);
	cr_assert_eq(imp.rows[1].send_limit, -1);
	cr_assert_str_eq(imp.rows[1].service[1], "enabled");
}

Test(csvimport, bom_crlf_blank_lines_and_header_spelling)
{
	parse("\xef\xbb\xbf Address ,PASSWORD\r\n"
	    "\r\n"
	    "a@example.com," PW "\r\n"
	    "\r\n"
	    "\r\n"
	    "b@example.com," PW);			/* no final line end */
	cr_assert_eq(imp.nerrors, 0, "%s", shown());
	cr_assert_eq(imp.nrows, 2);
	cr_assert_eq(imp.rows[0].line, 3);
	cr_assert_eq(imp.rows[1].line, 6);
	cr_assert_str_eq(imp.rows[1].password, PW);
}

Test(csvimport, lone_cr_ends_a_line)
{
	parse("address,password\r\ra@example.com," PW "\rbad,x\r");
	cr_assert_eq(imp.nrows, 2);
	cr_assert_eq(imp.rows[0].line, 3);
	error_is(0, 4, "address", "");
	error_is(1, 4, "password", "must be at least 10");
}

/* A record is named by the line where it starts. */
Test(csvimport, quoted_fields_and_their_lines)
{
	parse("address,display_name,password\n"
	    "a@example.com,\"Smith, Ann \"\"The\"\" First\"," PW "\n"
	    "b@example.com,\"two\nlines\"," PW "\n"
	    "c@example.com,\"three\r\n\r\nlines\",\"" PW "\"\n"
	    "d@example.com,,short\n");
	cr_assert_eq(imp.nrows, 4);
	cr_assert_str_eq(imp.rows[0].display_name, "Smith, Ann \"The\" First");
	cr_assert_eq(imp.rows[1].line, 3);
	cr_assert_eq(imp.rows[2].line, 5);
	cr_assert_str_eq(imp.rows[2].password, PW);
	cr_assert_eq(imp.rows[3].line, 8);
	/* Line breaks are control characters in a display name. */
	cr_assert_eq(imp.nerrors, 3, "%s", shown());
	error_is(0, 3, "display_name", "must not contain control");
	error_is(1, 5, "display_name", "must not contain control");
	error_is(2, 8, "password", "must be at least 10 characters");
}

Test(csvimport, spaces_are_data)
{
	parse("address,password\n a@example.com,  " PW "  \n");
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 2, "address", "");
	cr_assert_str_eq(imp.rows[0].password, "  " PW "  ");
}

Test(csvimport, every_bad_field_of_every_row)
{
	parse("address,password,display_name,quota_bytes,send_limit_24h,pop3\n"
	    "ok@example.com," PW ",,,,\n"
	    "not an address,12345,\"a\tb\",0,1000001,off\n"
	    "ok2@example.com," PW ",,-1,x,\n"
	    ",,,,,\n");
	cr_assert_eq(imp.nerrors, 10, "%s", shown());
	error_is(0, 3, "address", "");
	error_is(1, 3, "password", "must be at least 10 characters");
	error_is(2, 3, "display_name", "must not contain control characters");
	error_is(3, 3, "quota_bytes", "must be a whole number from 1 to "
	    "9223372036854775807");
	error_is(4, 3, "send_limit_24h", "must be a whole number from 0 to "
	    "1000000");
	error_is(5, 3, "pop3", "must be \"enabled\" or \"disabled\"");
	error_is(6, 4, "quota_bytes", "must be a whole number");
	error_is(7, 4, "send_limit_24h", "must be a whole number");
	error_is(8, 5, "address", "required");
	error_is(9, 5, "password", "required");
}

Test(csvimport, password_policy_knows_the_local_part)
{
	parse("address,password\nmargaret@example.com,Margaret-2024!\n");
	error_is(0, 2, "password", "must not contain the local part");
}

Test(csvimport, duplicates_inside_the_file)
{
	parse("address,password\n"
	    "a@example.com," PW "\n"
	    "b@example.com," PW "\n"
	    "A@EXAMPLE.COM," PW "\n"
	    "b@example.com.," PW "\n"
	    "a@example.com," PW "\n");
	cr_assert_eq(imp.nerrors, 3, "%s", shown());
	error_is(0, 4, "address", "appears already on line 2");
	error_is(1, 5, "address", "appears already on line 3");
	error_is(2, 6, "address", "appears already on line 2");
}

Test(csvimport, header_errors_stop_the_reading)
{
	parse("address,password,colour,Address\n"
	    "a@example.com," PW ",red,x\n");
	cr_assert_eq(imp.nrows, 0);
	cr_assert_eq(imp.nerrors, 2, "%s", shown());
	error_is(0, 1, "colour", "unknown column");
	error_is(1, 1, "address", "named twice");
}

Test(csvimport, required_columns)
{
	parse("display_name\nx\n");
	cr_assert_eq(imp.nerrors, 2, "%s", shown());
	error_is(0, 1, "address", "required column");
	error_is(1, 1, "password", "required column (or password_hash)");
	pr_import_free(&imp);

	parse("");
	cr_assert_eq(imp.nerrors, 2, "%s", shown());
	error_is(0, 1, "address", "required column");
	pr_import_free(&imp);

	parse("\xef\xbb\xbf\n\n");
	error_is(0, 1, "address", "required column");
	pr_import_free(&imp);

	/* An unknown name that does not fit is named by its place. */
	parse("address,password,\"a very long column name, longer than "
	    "any\"\n");
	error_is(0, 1, "column 3", "unknown column");
}

/* A header cut short says why, and nothing about missing columns. */
Test(csvimport, broken_header)
{
	parse("\r\naddress,\"password\n");
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 2, "column 2", "a quoted field is not closed");
	pr_import_free(&imp);

	parse("addr\"ess,password\n");
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 1, "column 1", "malformed quoting");
}

Test(csvimport, header_only)
{
	parse("address,password\r\n");
	cr_assert_eq(imp.nerrors, 0, "%s", shown());
	cr_assert_eq(imp.nrows, 0);
}

Test(csvimport, field_counts)
{
	parse("address,password,display_name\n"
	    "a@example.com," PW "\n"
	    "b@example.com," PW ",B,extra\n"
	    "c@example.com," PW ",C\n");
	cr_assert_eq(imp.nerrors, 2, "%s", shown());
	error_is(0, 2, "display_name", "missing: the row has 2 fields, the "
	    "header 3");
	error_is(1, 3, "column 4", "one too many");
	cr_assert_eq(imp.nrows, 3);
}

Test(csvimport, malformed_quoting)
{
	parse("address,password,display_name\n"
	    "a@example.com," PW ",ok\n"
	    "b@example.com," PW ",\"quoted\" then text\n"
	    "c@example.com," PW ",never read\n");
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 3, "display_name", "malformed quoting");
	pr_import_free(&imp);

	parse("address,password\na@exa\"mple.com," PW "\n");
	error_is(0, 2, "address", "malformed quoting");
}

Test(csvimport, unclosed_quote)
{
	parse("address,password\n"
	    "a@example.com," PW "\n"
	    "b@example.com,\"" PW "\nand on\nand on\n");
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 3, "password", "a quoted field is not closed");
}

Test(csvimport, long_fields)
{
	struct sbuf	csv;
	size_t		i;

	sbuf_init(&csv);
	sbuf_puts(&csv, "address,password,display_name\n");
	sbuf_printf(&csv, "a@example.com," PW ",%01025d\n", 0);
	sbuf_puts(&csv, "b@example.com," PW ",fine\n");
	parse(csv.data);
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 2, "display_name", "longer than 1024 bytes");
	cr_assert_eq(imp.nrows, 2);
	pr_import_free(&imp);

	/* A field too long to hold stops the reading where it starts. */
	sbuf_reset(&csv);
	sbuf_puts(&csv, "address,password\n\n\"");
	for (i = 0; i < 100000; i++)
		sbuf_puts(&csv, i % 80 ? "x" : "\n");
	sbuf_puts(&csv, "\"," PW "\n");
	parse(csv.data);
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 3, "address", "longer than 1024 bytes");
	sbuf_free(&csv);
}

Test(csvimport, nul_and_bad_utf8)
{
	static const char	csv[] = "address,password,display_name\n"
	    "a@example.com," PW ",a\0b\n"
	    "b@example.com," PW ",\xc3\x28\n"
	    "c@example.com," PW ",J\xc3\xb6rg\n";

	parse_n(csv, sizeof(csv) - 1);
	cr_assert_eq(imp.nerrors, 2, "%s", shown());
	error_is(0, 2, "display_name", "must not contain NUL");
	error_is(1, 3, "display_name", "must be UTF-8 text");
	cr_assert_str_eq(imp.rows[2].display_name, "J\xc3\xb6rg");
}

Test(csvimport, password_hash_column)
{
	char		hash[PR_PW_HASH_MAX];
	struct sbuf	csv;

	cr_assert_eq(pr_password_hash(PW, PR_PW_SHA512_CRYPT, hash,
	    sizeof(hash)), 0);
	sbuf_init(&csv);
	sbuf_printf(&csv, "address,password,password_hash\n"
	    "a@example.com,,%s\n"
	    "b@example.com," PW ",\n"
	    "c@example.com," PW ",%s\n"
	    "d@example.com,,\n"
	    "e@example.com,,{SHA512-CRYPT}$6$x$y\n", hash, hash);
	parse(csv.data);
	cr_assert_eq(imp.to_hash, 1);
	cr_assert_str_eq(imp.rows[0].hash, hash);
	cr_assert_null(imp.rows[0].password);
	cr_assert_eq(imp.nerrors, 3, "%s", shown());
	error_is(0, 4, "password_hash", "give a password or a password_hash, "
	    "not both");
	error_is(1, 5, "password", "required");
	error_is(2, 6, "password_hash", "must be {SHA512-CRYPT}");
	pr_import_free(&imp);

	/* Without a password column: hashes only. */
	sbuf_reset(&csv);
	sbuf_printf(&csv, "password_hash,address\n%s,a@example.com\n,"
	    "b@example.com\n", hash);
	parse(csv.data);
	cr_assert_eq(imp.nerrors, 1, "%s", shown());
	error_is(0, 3, "password_hash", "required");
	sbuf_free(&csv);
}

Test(csvimport, hashing)
{
	parse("address,password\na@example.com," PW "\nb@example.com,"
	    "another long password\n");
	cr_assert_eq(pr_import_hash(&imp, 1, 2), 0);
	cr_assert_not_null(imp.rows[0].password, "outside the range");
	cr_assert_null(imp.rows[1].password);
	cr_assert_eq(pr_password_verify("another long password",
	    imp.rows[1].hash), 1);
	cr_assert_eq(pr_import_hash(&imp, 0, 5), 0);
	cr_assert_eq(pr_password_verify(PW, imp.rows[0].hash), 1);
	cr_assert_null(pr_password_hash_rule(imp.rows[0].hash));
}

/* Every error is counted; the first 1000, by line, are kept. */
Test(csvimport, errors_are_capped)
{
	struct sbuf	csv;
	int		i;

	sbuf_init(&csv);
	sbuf_puts(&csv, "address,password\n");
	for (i = 0; i < 1500; i++)
		sbuf_printf(&csv, "u%d@example.com,short\n", i);
	parse(csv.data);
	cr_assert_eq(imp.nerrors, 1500);
	cr_assert_eq(imp.errors[999].line, 1001);
	sbuf_free(&csv);
}

Test(csvimport, row_limit, .timeout = 60)
{
	struct sbuf	csv;
	int		i;

	sbuf_init(&csv);
	sbuf_puts(&csv, "address,password_hash\n");
	for (i = 0; i < PR_IMPORT_ROWS_MAX; i++)
		sbuf_puts(&csv, "x,\n");
	parse(csv.data);
	cr_assert(!imp.too_many);
	cr_assert_eq(imp.nrows, PR_IMPORT_ROWS_MAX);
	pr_import_free(&imp);
	sbuf_puts(&csv, "x,\n");
	parse(csv.data);
	cr_assert(imp.too_many);
	cr_assert_eq(imp.nrows, PR_IMPORT_ROWS_MAX);
	sbuf_free(&csv);
}
