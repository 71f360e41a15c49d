#include <criterion/criterion.h>

#include "sbuf.h"

static const char *
json(const char *s, size_t len)
{
	static struct sbuf	b;

	sbuf_free(&b);
	sbuf_init(&b);
	sbuf_json_strn(&b, s, len);
	return (b.data);
}

Test(sbuf, json_plain)
{
	cr_assert_str_eq(json("abc", 3), "\"abc\"");
	cr_assert_str_eq(json("", 0), "\"\"");
}

Test(sbuf, json_escapes)
{
	cr_assert_str_eq(json("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	cr_assert_str_eq(json("\n\r\t", 3), "\"\\n\\r\\t\"");
	cr_assert_str_eq(json("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"");
	cr_assert_str_eq(json("</script>&", 10),
	    "\"\\u003c/script\\u003e\\u0026\"");
}

Test(sbuf, json_embedded_nul_and_utf8)
{
	cr_assert_str_eq(json("a\0b", 3), "\"a\\u0000b\"");
	cr_assert_str_eq(json("b\xc3\xbc", 3), "\"b\xc3\xbc\"");
}

Test(sbuf, printf_grows)
{
	struct sbuf	b;
	int		i;

	sbuf_init(&b);
	for (i = 0; i < 1000; i++)
		sbuf_printf(&b, "%d,", i);
	cr_assert_eq(b.len, strlen(b.data));
	cr_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	cr_assert(strstr(b.data, "999,") != NULL);
	sbuf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.data, "");
	sbuf_free(&b);
}
