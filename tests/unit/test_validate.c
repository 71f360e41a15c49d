/*
 * Unit tests for app/lib/validate.c.
 */

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "validate.h"

#define SHOW(r)		((r) != NULL ? (r) : "(accepted)")

static void
ok(const char *(*check)(const char *, char *, size_t), const char *in,
    const char *want)
{
	char		out[512];
	const char	*r;

	memset(out, 'x', sizeof(out));
	r = check(in, out, sizeof(out));
	cr_assert_null(r, "\"%s\" rejected: %s", in, SHOW(r));
	cr_assert_str_eq(out, want, "\"%s\" gave \"%s\"", in, out);
}

static void
bad(const char *(*check)(const char *, char *, size_t), const char *in,
    const char *reason)
{
	char		out[512];
	const char	*r;

	memset(out, 'x', sizeof(out));
	r = check(in, out, sizeof(out));
	cr_assert_not_null(r, "\"%s\" accepted as \"%s\"", in, out);
	cr_assert_str_empty(out, "out not cleared for \"%s\"", in);
	if (reason != NULL)
		cr_assert_str_eq(r, reason, "\"%s\"", in);
}

/* A string of n copies of c. */
static char *
rep(char *buf, int c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return (buf);
}

Test(domain, normalises_case_and_root_dot)
{
	ok(pr_domain_check, "Example.COM", "example.com");
	ok(pr_domain_check, "example.com.", "example.com");
	ok(pr_domain_check, "a.b", "a.b");
	ok(pr_domain_check, "mail-1.example.co.uk", "mail-1.example.co.uk");
	ok(pr_domain_check, "123.com", "123.com");
	ok(pr_domain_check, "com.123abc", "com.123abc");
}

Test(domain, only_one_root_dot)
{
	bad(pr_domain_check, "example.com..", "empty label");
	bad(pr_domain_check, ".", "domain is empty");
}

Test(domain, idna)
{
	ok(pr_domain_check, "xn--bcher-kva.example", "xn--bcher-kva.example");
	ok(pr_domain_check, "XN--BCHER-KVA.Example", "xn--bcher-kva.example");
	ok(pr_domain_check, "bücher.example", "xn--bcher-kva.example");
	ok(pr_domain_check, "BÜCHER.example.", "xn--bcher-kva.example");
	/* Decomposed u + combining diaeresis is normalised to NFC. */
	ok(pr_domain_check, "bu\xcc\x88" "cher.example",
	    "xn--bcher-kva.example");
	/* Non-transitional: sharp s is kept, not mapped to "ss". */
	ok(pr_domain_check, "faß.de", "xn--fa-hia.de");
	ok(pr_domain_check, "公司.example", "xn--55qx5d.example");
}

Test(domain, bad_idna)
{
	bad(pr_domain_check, "xn--zz.com", "invalid IDNA label");
	bad(pr_domain_check, "xn--a.com", "invalid IDNA label");
	/* Decodes to plain ASCII "abc": not a canonical A-label. */
	bad(pr_domain_check, "xn--abc-.com", NULL);
	bad(pr_domain_check, "\xff.com", "invalid UTF-8 in domain");
	bad(pr_domain_check, "bücher-.com",
	    "label starts or ends with a hyphen");
	bad(pr_domain_check, "\xf0\x9f\x92\xa9.com", "invalid IDNA label");
}

Test(domain, reserved_hyphens)
{
	bad(pr_domain_check, "ab--cd.com",
	    "label has hyphens in positions 3 and 4");
	ok(pr_domain_check, "a--b.com", "a--b.com");
	ok(pr_domain_check, "abc--d.com", "abc--d.com");
}

Test(domain, label_length)
{
	char	l63[64], l64[65], in[200];

	rep(l63, 'a', 63);
	rep(l64, 'a', 64);
	(void)snprintf(in, sizeof(in), "%s.com", l63);
	ok(pr_domain_check, in, in);
	(void)snprintf(in, sizeof(in), "%s.com", l64);
	bad(pr_domain_check, in, "label longer than 63 octets");
	(void)snprintf(in, sizeof(in), "example.%s", l64);
	bad(pr_domain_check, in, "label longer than 63 octets");
}

Test(domain, total_length)
{
	char	l63[64], last[64], in[300], want[260];

	rep(l63, 'a', 63);

	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
	rep(last, 'b', 61);
	(void)snprintf(in, sizeof(in), "%s.%s.%s.%s", l63, l63, l63, last);
	cr_assert_eq(strlen(in), 253);
	ok(pr_domain_check, in, in);

	/* The root dot does not count. */
	memcpy(want, in, strlen(in) + 1);
	(void)snprintf(in, sizeof(in), "%s.", want);
	ok(pr_domain_check, in, want);

	rep(last, 'b', 62);
	(void)snprintf(in, sizeof(in), "%s.%s.%s.%s", l63, l63, l63, last);
	cr_assert_eq(strlen(in), 254);
	bad(pr_domain_check, in, "domain longer than 253 octets");
}

Test(domain, absurdly_long)
{
	static char	in[5000];

	rep(in, 'a', sizeof(in) - 1);
	bad(pr_domain_check, in, "domain longer than 253 octets");
}

Test(domain, label_shape)
{
	bad(pr_domain_check, "-a.com", "label starts or ends with a hyphen");
	bad(pr_domain_check, "a-.com", "label starts or ends with a hyphen");
	bad(pr_domain_check, "a.-com", "label starts or ends with a hyphen");
	bad(pr_domain_check, "a..com", "empty label");
	bad(pr_domain_check, ".a.com", "empty label");
	bad(pr_domain_check, "localhost", "needs at least two labels");
	bad(pr_domain_check, "localhost.", "needs at least two labels");
}

Test(domain, characters)
{
	bad(pr_domain_check, "a_b.com", "invalid character '_' in domain");
	bad(pr_domain_check, " a.com", "invalid character ' ' in domain");
	bad(pr_domain_check, "a.com ", "invalid character ' ' in domain");
	bad(pr_domain_check, "a.com\n", "control character in domain");
	bad(pr_domain_check, "a\tb.com", "control character in domain");
	bad(pr_domain_check, "a.c\x7fm", "control character in domain");
	bad(pr_domain_check, "a@b.com", "invalid character '@' in domain");
	/* Fullwidth low line maps to '_' under UTS #46: still refused. */
	bad(pr_domain_check, "a\xef\xbc\xbf" "b.com",
	    "invalid character '_' in domain");
}

Test(domain, numeric_top_label)
{
	bad(pr_domain_check, "1.2.3.4", "top-level label is all-numeric");
	bad(pr_domain_check, "example.123", "top-level label is all-numeric");
	ok(pr_domain_check, "1.2.3.com", "1.2.3.com");
}

Test(domain, empty_and_null)
{
	char		out[16];

	bad(pr_domain_check, "", "domain is empty");
	cr_assert_str_eq(pr_domain_check(NULL, out, sizeof(out)),
	    "domain is empty");
}

Test(domain, small_buffer)
{
	char		out[12];
	const char	*r;

	/* "example.com" needs 12 bytes with its NUL. */
	memset(out, 'x', sizeof(out));
	r = pr_domain_check("example.com", out, 11);
	cr_assert_str_eq(SHOW(r), "output buffer too small");
	cr_assert_str_empty(out);
	cr_assert_eq(out[11], 'x', "wrote past outlen");

	r = pr_domain_check("example.com", out, 12);
	cr_assert_null(r);
	cr_assert_str_eq(out, "example.com");

	cr_assert_str_eq(SHOW(pr_domain_check("example.com", NULL, 0)),
	    "output buffer too small");
	cr_assert_str_eq(SHOW(pr_domain_check("example.com", out, 0)),
	    "output buffer too small");
}

Test(local, valid)
{
	ok(pr_local_check, "John.Doe", "john.doe");
	ok(pr_local_check, "a+tag", "a+tag");
	ok(pr_local_check, "!#$%&'*+-/=?^_`{|}~", "!#$%&'*+-/=?^_`{|}~");
}

Test(local, invalid)
{
	bad(pr_local_check, "", "local part is empty");
	bad(pr_local_check, ".a", "local part starts or ends with a dot");
	bad(pr_local_check, "a.", "local part starts or ends with a dot");
	bad(pr_local_check, "a..b", "local part has two consecutive dots");
	bad(pr_local_check, "\"quoted\"",
	    "quoted local parts are not supported");
	bad(pr_local_check, "ü", "non-ASCII local parts are not supported");
	bad(pr_local_check, "a b", "invalid character ' ' in local part");
	bad(pr_local_check, "a(b)", "invalid character '(' in local part");
	bad(pr_local_check, "a\nb", "control character in local part");
}

Test(local, length)
{
	char	l64[65], l65[66];

	ok(pr_local_check, rep(l64, 'a', 64), l64);
	bad(pr_local_check, rep(l65, 'a', 65),
	    "local part longer than 64 octets");
}

Test(address, valid)
{
	ok(pr_address_check, "John.Doe@Example.com", "john.doe@example.com");
	ok(pr_address_check, "a+tag@b.com", "a+tag@b.com");
	ok(pr_address_check, "o'neil@x.org", "o'neil@x.org");
	ok(pr_address_check, "!#$%&'*+-/=?^_`{|}~@x.org",
	    "!#$%&'*+-/=?^_`{|}~@x.org");
	ok(pr_address_check, "info@bücher.example",
	    "info@xn--bcher-kva.example");
	ok(pr_address_check, "a@b.com.", "a@b.com");
}

Test(address, at_signs)
{
	bad(pr_address_check, "noat", "missing @");
	bad(pr_address_check, "", "missing @");
	bad(pr_address_check, "a@b@c.com", "more than one @");
	cr_assert_str_eq(SHOW(pr_address_check(NULL, NULL, 0)), "missing @");
}

Test(address, local_part_errors)
{
	bad(pr_address_check, "@b.com", "local part is empty");
	bad(pr_address_check, ".a@b.com",
	    "local part starts or ends with a dot");
	bad(pr_address_check, "a.@b.com",
	    "local part starts or ends with a dot");
	bad(pr_address_check, "a..b@c.com",
	    "local part has two consecutive dots");
	bad(pr_address_check, "\"quoted\"@b.com",
	    "quoted local parts are not supported");
	bad(pr_address_check, "ü@b.com",
	    "non-ASCII local parts are not supported");
	bad(pr_address_check, "a b@c.com",
	    "invalid character ' ' in local part");
}

Test(address, domain_errors)
{
	bad(pr_address_check, "a@", "domain is empty");
	bad(pr_address_check, "a@localhost", "domain: needs at least two labels");
	bad(pr_address_check, "a@b..com", "domain: empty label");
	bad(pr_address_check, "a@1.2.3.4",
	    "domain: top-level label is all-numeric");
	bad(pr_address_check, "a@b_c.com", "invalid character '_' in domain");
	bad(pr_address_check, "a@xn--zz.com", "domain: invalid IDNA label");
}

Test(address, lengths)
{
	char	l64[65], l65[66], l61[62], l62[63], in[400];

	rep(l64, 'a', 64);
	rep(l65, 'a', 65);
	rep(l61, 'd', 61);
	rep(l62, 'd', 62);

	(void)snprintf(in, sizeof(in), "%s@x.org", l64);
	ok(pr_address_check, in, in);
	(void)snprintf(in, sizeof(in), "%s@x.org", l65);
	bad(pr_address_check, in, "local part longer than 64 octets");

	/* 64 + 1 + (61 + 1 + 61 + 1 + 61 + 4) = 254: the longest allowed. */
	(void)snprintf(in, sizeof(in), "%s@%s.%s.%s.org", l64, l61, l61, l61);
	cr_assert_eq(strlen(in), 254);
	ok(pr_address_check, in, in);

	/* One more octet: both parts are fine on their own. */
	(void)snprintf(in, sizeof(in), "%s@%s.%s.%s.org", l64, l62, l61, l61);
	cr_assert_eq(strlen(in), 255);
	bad(pr_address_check, in, "address longer than 254 octets");
}

Test(address, small_buffer)
{
	char		out[8];
	const char	*r;

	memset(out, 'x', sizeof(out));
	r = pr_address_check("a@b.com", out, 7);
	cr_assert_str_eq(SHOW(r), "output buffer too small");
	cr_assert_str_empty(out);
	cr_assert_eq(out[7], 'x', "wrote past outlen");
	cr_assert_null(pr_address_check("a@b.com", out, 8));
	cr_assert_str_eq(out, "a@b.com");
}

Test(time, rfc3339)
{
	static const char *const good[] = { "2026-11-22T18:00:00Z",
	    "2026-11-22t18:00:00z", "2024-02-29T00:00:00Z",
	    "2026-11-22T18:00:00.123456+05:30", "2000-02-29T23:59:59-00:00" };
	static const char *const bad[] = { "", "yesterday",
	    "2026-11-22", "2026-11-22 18:00:00Z", "2026-11-22T18:00:00",
	    "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
	    "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
	    "2026-04-31T00:00:00Z", "2026-11-22T24:00:00Z",
	    "2026-11-22T18:60:00Z", "2026-11-22T18:00:60Z",
	    "2026-11-22T18:00:00.Z", "2026-11-22T18:00:00+0530",
	    "2026-11-22T18:00:00+24:00", "2026-11-22T18:00:00Zx",
	    "0000-01-01T00:00:00Z", "+2026-11-22T18:00:00Z" };
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect_eq(pr_time_check(good[i]), 1, "%s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(pr_time_check(bad[i]), 0, "%s", bad[i]);
}
