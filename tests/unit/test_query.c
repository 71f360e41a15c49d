#include <criterion/criterion.h>

#include "query.h"
#include "sbuf.h"

Test(query, get_values)
{
	char	v[32];

	cr_assert_eq(pr_query_get("a=1&bb=x%20y+z&c", "bb", v, sizeof(v)), 1);
	cr_assert_str_eq(v, "x y z");
	cr_assert_eq(pr_query_get("a=1&bb=2", "b", v, sizeof(v)), 0);
	cr_assert_eq(pr_query_get("a=1&c", "c", v, sizeof(v)), 1);
	cr_assert_str_eq(v, "");
	cr_assert_eq(pr_query_get("", "a", v, sizeof(v)), 0);
	cr_assert_eq(pr_query_get("q=%40%41", "q", v, sizeof(v)), 1);
	cr_assert_str_eq(v, "@A");
	cr_assert_eq(pr_query_get("a=&b=1", "a", v, sizeof(v)), 1);
	cr_assert_str_eq(v, "");
}

Test(query, malformed_values)
{
	char	v[8];

	cr_assert_eq(pr_query_get("a=%zz", "a", v, sizeof(v)), -1);
	cr_assert_eq(pr_query_get("a=%4", "a", v, sizeof(v)), -1);
	cr_assert_eq(pr_query_get("a=%00", "a", v, sizeof(v)), -1);
	cr_assert_eq(pr_query_get("a=%0a", "a", v, sizeof(v)), -1);
	cr_assert_eq(pr_query_get("a=12345678", "a", v, sizeof(v)), -1);
	cr_assert_eq(pr_query_get("a=1&a=2", "a", v, sizeof(v)), -1);
	cr_assert_eq(pr_query_get("a=1234567", "a", v, sizeof(v)), 1);
}

Test(query, cursors)
{
	char	v[16];

	cr_assert_eq(pr_cursor_decode("61406263", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "a@bc");
	cr_assert_eq(pr_cursor_decode("614", v, sizeof(v)), -1);
	cr_assert_eq(pr_cursor_decode("6x", v, sizeof(v)), -1);
	cr_assert_eq(pr_cursor_decode("0061", v, sizeof(v)), -1);
	cr_assert_eq(pr_cursor_decode("", v, sizeof(v)), 0);
	cr_assert_eq(pr_cursor_decode(
	    "6161616161616161616161616161616161", v, sizeof(v)), -1);
}

/* What a page's next_cursor says, the next request reads back. */
Test(query, cursor_round_trip)
{
	struct sbuf	b;
	char		v[64];

	sbuf_init(&b);
	pr_cursor_encode(&b, "a@bc");
	cr_assert_str_eq(b.data, "61406263");
	sbuf_reset(&b);
	pr_cursor_encode(&b, "j\xc3\xb6rg@\xe4\xbe\x8b.example");
	cr_assert_eq(pr_cursor_decode(b.data, v, sizeof(v)), 0);
	cr_assert_str_eq(v, "j\xc3\xb6rg@\xe4\xbe\x8b.example");
	sbuf_free(&b);
}

Test(query, like_prefix)
{
	char	v[16];

	cr_assert_eq(pr_like_prefix("ann", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "ann%");
	cr_assert_eq(pr_like_prefix("a_b%c\\", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "a\\_b\\%c\\\\%");
	cr_assert_eq(pr_like_prefix("", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "%");
	cr_assert_eq(pr_like_prefix("0123456789abcdef", v, sizeof(v)), -1);
}

Test(query, cookies)
{
	char	v[8];

	cr_assert_eq(pr_cookie_get("a=1; pr_session=abc; b=2", "pr_session",
	    v, sizeof(v)), 1);
	cr_assert_str_eq(v, "abc");
	cr_assert_eq(pr_cookie_get("xpr_session=abc", "pr_session", v,
	    sizeof(v)), 0);
	cr_assert_eq(pr_cookie_get("pr_session", "pr_session", v, sizeof(v)), 0);
	cr_assert_eq(pr_cookie_get("a=1;pr_session=", "pr_session", v,
	    sizeof(v)), 1);
	cr_assert_str_eq(v, "");
	cr_assert_eq(pr_cookie_get("pr_session=12345678", "pr_session", v,
	    sizeof(v)), -1);
	cr_assert_eq(pr_cookie_get("", "a", v, sizeof(v)), 0);
}
