/*
 * Unit tests for app/lib/mbrules.c and app/lib/utf8.c: the mailbox
 * field rules the JSON API and the CSV import share.
 */

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "mbrules.h"
#include "utf8.h"

static const char *
dn(const char *s)
{
	return (pr_mb_display_name_rule(s, strlen(s)));
}

Test(mbrules, display_name)
{
	char	buf[1024];

	cr_assert_null(dn(""));
	cr_assert_null(dn("J\xc3\xb6rg \"Nu\" User"));
	cr_assert_str_eq(dn("a\tb"), "must not contain control characters");
	cr_assert_str_eq(dn("a\x7f"), "must not contain control characters");
	/* U+0085, a C1 control: the database's [[:cntrl:]] refuses it. */
	cr_assert_str_eq(dn("a\xc2\x85"),
	    "must not contain control characters");
	cr_assert_null(dn("a\xc2\xa0"));		/* no-break space */
	cr_assert_str_eq(dn("a\xff"), "must be UTF-8 text");
	cr_assert_str_eq(dn("\xc0\xaf"), "must be UTF-8 text");
	memset(buf, 'x', 200);
	buf[200] = '\0';
	cr_assert_null(dn(buf));
	strcpy(buf + 200, "y");
	cr_assert_str_eq(dn(buf), "at most 200 characters");
	/* 200 four-byte characters, 800 bytes: the most there is room for. */
	for (int i = 0; i < 200; i++)
		memcpy(buf + 4 * i, "\xf0\x9f\x93\xab", 4);
	buf[800] = '\0';
	cr_assert_null(dn(buf));
	cr_assert_str_eq(pr_mb_display_name_rule("a\0b", 3),
	    "must not contain control characters");
}

Test(mbrules, service)
{
	cr_assert_null(pr_mb_service_rule("enabled", 0));
	cr_assert_null(pr_mb_service_rule("disabled", 0));
	cr_assert_not_null(pr_mb_service_rule("suspended", 0));
	cr_assert_null(pr_mb_service_rule("suspended", 1));
	cr_assert_str_eq(pr_mb_service_rule("Enabled", 0),
	    "must be \"enabled\" or \"disabled\"");
	cr_assert_str_eq(pr_mb_service_rule("", 1),
	    "must be \"enabled\", \"disabled\" or \"suspended\"");
	cr_assert_str_eq(pr_mb_services_names[0], "imap");
	cr_assert_null(pr_mb_services_names[PR_MB_NSERVICES]);
}

Test(mbrules, whole)
{
	int64_t	v = 7;

	cr_assert_eq(pr_mb_whole("0", 0, 10, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(pr_mb_whole("9223372036854775807", 1, INT64_MAX, &v), 0);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_eq(pr_mb_whole("-3", -5, 5, &v), 0);
	cr_assert_eq(v, -3);
	v = 7;
	cr_assert_eq(pr_mb_whole("9223372036854775808", 1, INT64_MAX, &v), -1);
	cr_assert_eq(pr_mb_whole("11", 0, 10, &v), -1);
	cr_assert_eq(pr_mb_whole("0", 1, 10, &v), -1);
	cr_assert_eq(pr_mb_whole("", 0, 10, &v), -1);
	cr_assert_eq(pr_mb_whole(" 1", 0, 10, &v), -1);
	cr_assert_eq(pr_mb_whole("1 ", 0, 10, &v), -1);
	cr_assert_eq(pr_mb_whole("+1", 0, 10, &v), -1);
	cr_assert_eq(pr_mb_whole("1e3", 0, 10000, &v), -1);
	cr_assert_eq(pr_mb_whole("0x10", 0, 100, &v), -1);
	cr_assert_eq(pr_mb_whole("-", -5, 5, &v), -1);
	cr_assert_eq(v, 7, "a refusal leaves out alone");
}

Test(utf8, valid)
{
	cr_assert(pr_utf8_valid("", 0));
	cr_assert(pr_utf8_valid("plain", 5));
	cr_assert(pr_utf8_valid("\xf4\x8f\xbf\xbf", 4));	/* U+10FFFF */
	cr_assert(!pr_utf8_valid("\xf4\x90\x80\x80", 4));	/* beyond */
	cr_assert(!pr_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	cr_assert(!pr_utf8_valid("\xe2\x82", 2));		/* cut short */
	cr_assert(!pr_utf8_valid("\x80", 1));
	cr_assert_eq(pr_utf8_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
}
