/*
 * COPY text output: whatever a log line holds, the row stays one row of
 * valid UTF-8 with the right number of fields; times and dates in UTC.
 */

#include <criterion/criterion.h>

#include <string.h>

#include "copyout.h"
#include "hmap.h"
#include "sbuf.h"

static struct sbuf	b;

static void
setup(void)
{
	sbuf_init(&b);
}

static void
teardown(void)
{
	sbuf_free(&b);
}

TestSuite(stats_copyout, .init = setup, .fini = teardown);

static const char *
text(const char *s, size_t n, size_t max)
{
	sbuf_reset(&b);
	st_copy_text(&b, s, n, max);
	st_copy_end(&b);
	return (b.data);
}

Test(stats_copyout, text_is_safe)
{
	cr_assert_str_eq(text("a@b.example", 11, 100), "a@b.example\n");
	/* Separators and escapes of COPY never come through raw. */
	cr_assert_str_eq(text("a\tb\nc\rd\\e", 9, 100), "a?b?c?d\\\\e\n");
	cr_assert_str_eq(text("x\0y", 3, 100), "x?y\n");
	/* Valid UTF-8 stays, broken bytes become '?'. */
	cr_assert_str_eq(text("caf\xc3\xa9", 5, 100), "caf\xc3\xa9\n");
	cr_assert_str_eq(text("\xff\xc3(\xe2\x82", 5, 100), "?" "?(?" "?\n");
	cr_assert_str_eq(text("\xed\xa0\x80", 3, 100), "?" "?" "?\n");	/* U+D800 */
	cr_assert_str_eq(text("\xc0\xaf", 2, 100), "?" "?\n");	/* overlong */
	/* Cut at the limit, never inside a character. */
	cr_assert_str_eq(text("abcdef", 6, 4), "abcd\n");
	cr_assert_str_eq(text("ab\xc3\xa9", 4, 3), "ab\n");
	cr_assert_str_eq(text("a\\b", 3, 2), "a\n");
}

Test(stats_copyout, clean)
{
	char	buf[6];

	cr_assert_eq(st_clean(buf, sizeof(buf), "a\tb\xff" "cdefg", 9), 5);
	cr_assert_str_eq(buf, "a?b?c");
	cr_assert_eq(st_clean(buf, sizeof(buf), "\\", 1), 1);
	cr_assert_str_eq(buf, "\\");
}

/* Every byte value at every place of a string scanned a word at a time. */
Test(stats_copyout, every_byte_everywhere)
{
	char	in[24], want[64], got[64];
	size_t	i, n;
	int	v;

	for (i = 0; i < sizeof(in); i++) {
		for (v = 0; v < 256; v++) {
			memset(in, 'a', sizeof(in));
			in[i] = (char)v;
			n = 0;
			memset(want, 'a', i);
			n = i;
			if (v < 0x20 || v >= 0x7f)
				want[n++] = '?';
			else
				want[n++] = (char)v;
			memset(want + n, 'a', sizeof(in) - i - 1);
			n += sizeof(in) - i - 1;
			want[n] = '\0';
			cr_assert_eq(st_clean(got, sizeof(got), in, sizeof(in)),
			    n);
			cr_assert_str_eq(got, want, "byte %d at %zu", v, i);
			if (v == '\\') {
				memmove(want + i + 1, want + i, n - i + 1);
				n++;
			}
			want[n++] = '\n';
			want[n] = '\0';
			cr_assert_str_eq(text(in, sizeof(in), 100), want,
			    "copy: byte %d at %zu", v, i);
		}
	}
}

Test(stats_copyout, fields)
{
	sbuf_reset(&b);
	st_copy_int(&b, 0);
	st_copy_int(&b, -9223372036854775807LL - 1);
	st_copy_int(&b, 1234567);
	st_copy_null(&b);
	st_copy_bool(&b, 1);
	st_copy_bool(&b, 0);
	st_copy_str(&b, "");
	st_copy_end(&b);
	cr_assert_str_eq(b.data,
	    "0\t-9223372036854775808\t1234567\t\\N\tt\tf\t\n");
}

Test(stats_copyout, times_and_dates)
{
	sbuf_reset(&b);
	st_copy_time(&b, 0);
	st_copy_time(&b, 1798761610123456LL);
	st_copy_time(&b, -1);
	st_copy_date(&b, 0);
	st_copy_date(&b, 20779);
	st_copy_date(&b, 11016);		/* 2000-02-29 */
	st_copy_end(&b);
	cr_assert_str_eq(b.data, "1970-01-01 00:00:00.000000+00\t"
	    "2027-01-01 00:00:10.123456+00\t"
	    "1969-12-31 23:59:59.999999+00\t"
	    "1970-01-01\t2026-11-22\t2000-02-29\n");
}

static int
eq_int(const void *arg, uint32_t idx)
{
	return (idx == *(const uint32_t *)arg);
}

/* Colliding hashes are told apart by the caller's comparison. */
Test(stats_copyout, hmap)
{
	struct st_hmap	m;
	uint32_t	i, want;

	st_hmap_init(&m);
	want = 7;
	cr_assert_eq(st_hmap_find(&m, 1, eq_int, &want), ST_NONE);
	for (i = 0; i < 5000; i++)
		st_hmap_put(&m, i % 3, i);
	for (i = 0; i < 5000; i += 499) {
		want = i;
		cr_assert_eq(st_hmap_find(&m, i % 3, eq_int, &want), i);
	}
	want = 5000;
	cr_assert_eq(st_hmap_find(&m, 1, eq_int, &want), ST_NONE);
	st_hmap_clear(&m);
	want = 3;
	cr_assert_eq(st_hmap_find(&m, 0, eq_int, &want), ST_NONE);
	st_hmap_free(&m);
	cr_assert_neq(st_hash("a", 1), st_hash("b", 1));
}
