/*
 * The parser's substring search (stats/lp_scan.h) against a plain
 * reference, at every length and position: lines are not NUL-terminated
 * and the search must never read past their end.  Likewise the parser's
 * IP address check.
 */
#include <criterion/criterion.h>

#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lp_scan.h"

static const char *
ref_first(const char *p, const char *end, const char *s, size_t n)
{
	const char	*q;

	for (q = p; q + n <= end; q++) {
		if (memcmp(q, s, n) == 0)
			return (q);
	}
	return (NULL);
}

static const char *
ref_last(const char *p, const char *end, const char *s, size_t n)
{
	const char	*q, *last = NULL;

	for (q = p; q + n <= end; q++) {
		if (memcmp(q, s, n) == 0)
			last = q;
	}
	return (last);
}

/* Every prefix of every suffix of text, copied so that ASan sees its end. */
static void
check(const char *text, const char *needle)
{
	size_t	 len = strlen(text), n = strlen(needle), i, j;
	char	*buf;

	for (i = 0; i <= len; i++) {
		for (j = i; j <= len; j++) {
			buf = malloc(j - i + 1);
			cr_assert_not_null(buf);
			memcpy(buf, text + i, j - i);
			cr_expect_eq(lp_find(buf, buf + (j - i), needle, n),
			    j == i ? NULL :
			    ref_first(buf, buf + (j - i), needle, n),
			    "first \"%s\" in \"%.*s\"", needle, (int)(j - i),
			    text + i);
			cr_expect_eq(lp_find_last(buf, buf + (j - i), needle,
			    n), j == i ? NULL :
			    ref_last(buf, buf + (j - i), needle, n),
			    "last \"%s\" in \"%.*s\"", needle, (int)(j - i),
			    text + i);
			free(buf);
		}
	}
}

Test(stats_scan, find_matches_a_plain_search)
{
	const char	*line = "to=<a@b.example>, relay=x[1.2.3.4]:25, "
	    "delay=1, status=sent (250 2.0.0 Ok: queued as 4A1B2)";
	const char	*needles[] = { ", ", " ", ", status=", "status=",
	    "queued as ", "<", "<a@", "=", ", ,", "4A1B2)", "x", "zz",
	    " in session " };
	size_t		 i;

	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		check(line, needles[i]);
	check("   ,, ,,= ,, =", ", ,");
	check("aaaaaaa", "aa");
	check("a, a, a, ", ", a");
}

Test(stats_scan, find_null_and_short)
{
	const char	*s = "abc";

	cr_expect_null(lp_find(NULL, s + 3, "a", 1));
	cr_expect_null(lp_find(s, s + 2, "abc", 3));
	cr_expect_eq(lp_find(s, s + 3, "abc", 3), s);
	cr_expect_null(lp_find_last(NULL, s + 3, "a", 1));
	cr_expect_eq(lp_find_last(s, s + 3, "c", 1), s + 2);
}

/* lp_ip_parse takes what inet_pton(3) takes, IPv4-mapped made IPv4. */
Test(stats_scan, ip_parse_agrees_with_inet_pton)
{
	const char		*in[] = { "1.2.3.4", "0.0.0.0", "255.255.255.255",
	    "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.4 ", "1..3.4",
	    "1.2.3.", ".1.2.3", "10.0.0.05", "1.2.3.400", "", "a.b.c.d",
	    "::1", "2001:db8::1", "::ffff:10.0.0.5", "::ffff:1.2.3", "fe80::1%1",
	    "1.2.3.4:25", "[::1]", "::", "unknown", "12345678901234567890" };
	struct lp_webmail	 a;
	unsigned char		 bin[16];
	size_t			 i;
	int			 want;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		want = inet_pton(AF_INET, in[i], bin) == 1 ||
		    inet_pton(AF_INET6, in[i], bin) == 1;
		cr_expect_eq(lp_ip_parse(in[i], strlen(in[i]), &a) == 0, want,
		    "%s", in[i]);
	}
	cr_assert_eq(lp_ip_parse("::ffff:10.0.0.5", 15, &a), 0);
	cr_expect_eq(a.family, AF_INET);
	cr_expect_eq(memcmp(a.addr, "\x0a\x00\x00\x05", 4), 0);
	cr_assert_eq(lp_ip_parse("10.0.0.5x", 8, &a), 0, "length, not NUL");
}
