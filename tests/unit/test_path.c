#include <criterion/criterion.h>

#include "path.h"

Test(path, segments)
{
	char	v[32];

	cr_assert_eq(pr_path_segment("/api/v1/domains/a.example", 0, v,
	    sizeof(v)), 1);
	cr_assert_str_eq(v, "api");
	cr_assert_eq(pr_path_segment("/api/v1/domains/a.example", 3, v,
	    sizeof(v)), 1);
	cr_assert_str_eq(v, "a.example");
	cr_assert_eq(pr_path_segment("/api/v1/domains/a.example/aliases/b", 5,
	    v, sizeof(v)), 1);
	cr_assert_str_eq(v, "b");
	cr_assert_eq(pr_path_segment("/api/v1/domains/a.example", 4, v,
	    sizeof(v)), 0);
	cr_assert_str_eq(v, "");
	cr_assert_eq(pr_path_segment("/a//b", 1, v, sizeof(v)), 1);
	cr_assert_str_eq(v, "");
	cr_assert_eq(pr_path_segment("/a/", 1, v, sizeof(v)), 1);
	cr_assert_str_eq(v, "");
	cr_assert_eq(pr_path_segment("relative/x", 0, v, sizeof(v)), 0);
	cr_assert_eq(pr_path_segment("/a", -1, v, sizeof(v)), 0);
}

Test(path, percent_decoding)
{
	char	v[16];

	cr_assert_eq(pr_path_segment("/b%C3%BCcher.example", 0, v,
	    sizeof(v)), 1);
	cr_assert_str_eq(v, "b\xc3\xbc" "cher.example");
	/* '+' is literal in a path; an escaped '/' stays in its segment. */
	cr_assert_eq(pr_path_segment("/a+b%2fc/d", 0, v, sizeof(v)), 1);
	cr_assert_str_eq(v, "a+b/c");
	cr_assert_eq(pr_path_segment("/x/%41%4a", 1, v, sizeof(v)), 1);
	cr_assert_str_eq(v, "AJ");
}

Test(path, malformed)
{
	char	v[8];

	cr_assert_eq(pr_path_segment("/%zz", 0, v, sizeof(v)), -1);
	cr_assert_eq(pr_path_segment("/%4", 0, v, sizeof(v)), -1);
	cr_assert_eq(pr_path_segment("/%4/x", 0, v, sizeof(v)), -1);
	cr_assert_eq(pr_path_segment("/a%00b", 0, v, sizeof(v)), -1);
	cr_assert_eq(pr_path_segment("/a%0Ab", 0, v, sizeof(v)), -1);
	cr_assert_eq(pr_path_segment("/a%7f", 0, v, sizeof(v)), -1);
	cr_assert_eq(pr_path_segment("/12345678", 0, v, sizeof(v)), -1);
	cr_assert_eq(pr_path_segment("/1234567", 0, v, sizeof(v)), 1);
	cr_assert_eq(pr_path_segment("/a", 0, v, 0), -1);
	/* Only the segment asked for is decoded. */
	cr_assert_eq(pr_path_segment("/%zz/ok", 1, v, sizeof(v)), 1);
	cr_assert_str_eq(v, "ok");
}

Test(path, escaping)
{
	char	v[64], small[6];

	cr_assert_eq(pr_path_escape("sales@b.example", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "sales@b.example");
	/* Local parts may hold / ? # % and friends: one segment still. */
	cr_assert_eq(pr_path_escape("a/b?c#d%e{f}|^`@x", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "a%2Fb%3Fc%23d%25e%7Bf%7D%7C%5E%60@x");
	cr_assert_eq(pr_path_escape("!$&'*+=~", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "!$&'*+=~");
	cr_assert_eq(pr_path_escape("\xc3\xbc \x01", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "%C3%BC%20%01");
	cr_assert_eq(pr_path_segment("/a%2Fb%3Fc%23d%25e%7Bf%7D%7C%5E%60@x",
	    0, v, sizeof(v)), 1);
	cr_assert_str_eq(v, "a/b?c#d%e{f}|^`@x");
	/* Too long: nothing half-written. */
	cr_assert_eq(pr_path_escape("abcdef", small, sizeof(small)), -1);
	cr_assert_str_eq(small, "");
	cr_assert_eq(pr_path_escape("abc/", small, sizeof(small)), -1);
	cr_assert_str_eq(small, "");
	cr_assert_eq(pr_path_escape("abcde", small, sizeof(small)), 0);
	cr_assert_str_eq(small, "abcde");
	cr_assert_eq(pr_path_escape("", small, 0), -1);
}
