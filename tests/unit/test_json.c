/*
 * Unit tests for app/lib/json.c.  Every document parsed is freed: the
 * binary runs under AddressSanitizer with leak detection.
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "json.h"

#define LEN(s)	(sizeof(s) - 1)

/* Parses text (len bytes), which must be valid. */
static void
ok_len(const char *text, size_t len, struct pr_json_doc *doc)
{
	char	err[256];
	int	r;

	r = pr_json_parse(text, len, doc, err, sizeof(err));
	cr_assert_eq(r, 0, "parse of \"%.*s\": %s", (int)len, text, err);
	cr_assert_not_null(doc->root);
	cr_assert_not_null(doc->arena);
}

static void
ok(const char *text, struct pr_json_doc *doc)
{
	ok_len(text, strlen(text), doc);
}

/* Parses text (len bytes), which must fail with exactly want. */
static void
bad_len(const char *text, size_t len, const char *want)
{
	struct pr_json_doc	doc = { (void *)1, (void *)1 };
	char			err[256];

	cr_assert_eq(pr_json_parse(text, len, &doc, err, sizeof(err)), -1,
	    "\"%.*s\" was accepted", (int)len, text);
	cr_assert_null(doc.root);
	cr_assert_null(doc.arena);
	cr_assert_str_eq(err, want, "input \"%.*s\"\n got  %s\n want %s",
	    (int)len, text, err, want);
}

static void
bad(const char *text, const char *want)
{
	bad_len(text, strlen(text), want);
}

/* A string document whose value must be want (NUL-terminated). */
static void
ok_string(const char *text, const char *want)
{
	struct pr_json_doc	doc;

	ok(text, &doc);
	cr_assert_eq(doc.root->type, PR_JSON_STRING);
	cr_assert_str_eq(doc.root->u.string.s, want, "input %s", text);
	cr_assert_eq(doc.root->u.string.len, strlen(want), "input %s", text);
	pr_json_free(&doc);
}

static void
ok_integer(const char *text, int64_t want)
{
	struct pr_json_doc	doc;

	ok(text, &doc);
	cr_assert_eq(doc.root->type, PR_JSON_NUMBER);
	cr_assert_eq(doc.root->u.number.is_integer, 1, "input %s", text);
	cr_assert_eq(doc.root->u.number.integer, want, "input %s", text);
	cr_assert_eq(doc.root->u.number.real, (double)want, "input %s", text);
	pr_json_free(&doc);
}

static void
ok_real(const char *text, double want)
{
	struct pr_json_doc	doc;

	ok(text, &doc);
	cr_assert_eq(doc.root->type, PR_JSON_NUMBER);
	cr_assert_eq(doc.root->u.number.is_integer, 0, "input %s", text);
	cr_assert_eq(doc.root->u.number.real, want, "input %s: %.17g", text,
	    doc.root->u.number.real);
	pr_json_free(&doc);
}

/* n '[' then n ']', in a malloc'd buffer. */
static char *
nested(size_t n)
{
	char	*s;

	cr_assert_not_null(s = malloc(2 * n + 1));
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	return (s);
}

/* Scalars. */

Test(json_valid, null)
{
	struct pr_json_doc	doc;

	ok("null", &doc);
	cr_assert_eq(doc.root->type, PR_JSON_NULL);
	cr_assert_null(doc.root->key);
	cr_assert_null(doc.root->next);
	pr_json_free(&doc);
	cr_assert_null(doc.root);
	cr_assert_null(doc.arena);
}

Test(json_valid, booleans)
{
	struct pr_json_doc	doc;

	ok("true", &doc);
	cr_assert_eq(doc.root->type, PR_JSON_BOOL);
	cr_assert_eq(doc.root->u.boolean, 1);
	pr_json_free(&doc);

	ok(" \t\r\nfalse\n", &doc);
	cr_assert_eq(doc.root->type, PR_JSON_BOOL);
	cr_assert_eq(doc.root->u.boolean, 0);
	pr_json_free(&doc);
}

Test(json_valid, number_and_string)
{
	ok_integer("42", 42);
	ok_real("  2.5 ", 2.5);
	ok_string("\"hello\"", "hello");
	ok_string("\"\"", "");
}

Test(json_valid, empty_containers)
{
	struct pr_json_doc	doc;

	ok("[]", &doc);
	cr_assert_eq(doc.root->type, PR_JSON_ARRAY);
	cr_assert_eq(doc.root->u.children.count, 0);
	cr_assert_null(doc.root->u.children.first);
	pr_json_free(&doc);

	ok("{ \n }", &doc);
	cr_assert_eq(doc.root->type, PR_JSON_OBJECT);
	cr_assert_eq(doc.root->u.children.count, 0);
	cr_assert_null(doc.root->u.children.first);
	pr_json_free(&doc);

	ok("[ [ ] , { } ]", &doc);
	cr_assert_eq(doc.root->u.children.count, 2);
	cr_assert_eq(doc.root->u.children.first->type, PR_JSON_ARRAY);
	cr_assert_eq(doc.root->u.children.first->next->type, PR_JSON_OBJECT);
	pr_json_free(&doc);
}

Test(json_valid, object_fields)
{
	struct pr_json_doc	 doc;
	const struct pr_json	*m, *e;

	ok("{\"name\": \"bob\", \"quota\": 1024, \"ratio\": 0.5,\n"
	    " \"active\": true, \"note\": null,\n"
	    " \"aliases\": [\"a\", \"b\"], \"opts\": {\"x\": false}}", &doc);
	cr_assert_eq(doc.root->type, PR_JSON_OBJECT);
	cr_assert_eq(doc.root->u.children.count, 7);

	m = doc.root->u.children.first;
	cr_assert_str_eq(m->key, "name");
	cr_assert_eq(m->type, PR_JSON_STRING);
	cr_assert_str_eq(m->u.string.s, "bob");
	cr_assert_eq(m->u.string.len, 3);

	m = m->next;
	cr_assert_str_eq(m->key, "quota");
	cr_assert_eq(m->u.number.is_integer, 1);
	cr_assert_eq(m->u.number.integer, 1024);

	m = m->next;
	cr_assert_str_eq(m->key, "ratio");
	cr_assert_eq(m->u.number.is_integer, 0);
	cr_assert_eq(m->u.number.real, 0.5);

	m = m->next;
	cr_assert_str_eq(m->key, "active");
	cr_assert_eq(m->type, PR_JSON_BOOL);
	cr_assert_eq(m->u.boolean, 1);

	m = m->next;
	cr_assert_str_eq(m->key, "note");
	cr_assert_eq(m->type, PR_JSON_NULL);

	m = m->next;
	cr_assert_str_eq(m->key, "aliases");
	cr_assert_eq(m->type, PR_JSON_ARRAY);
	cr_assert_eq(m->u.children.count, 2);
	e = m->u.children.first;
	cr_assert_null(e->key);
	cr_assert_str_eq(e->u.string.s, "a");
	cr_assert_str_eq(e->next->u.string.s, "b");
	cr_assert_null(e->next->next);

	m = m->next;
	cr_assert_str_eq(m->key, "opts");
	cr_assert_eq(m->type, PR_JSON_OBJECT);
	cr_assert_eq(m->u.children.count, 1);
	cr_assert_str_eq(m->u.children.first->key, "x");
	cr_assert_eq(m->u.children.first->u.boolean, 0);
	cr_assert_null(m->next);
	pr_json_free(&doc);
}

Test(json_valid, type_names)
{
	cr_assert_str_eq(pr_json_type_name(PR_JSON_NULL), "null");
	cr_assert_str_eq(pr_json_type_name(PR_JSON_BOOL), "boolean");
	cr_assert_str_eq(pr_json_type_name(PR_JSON_NUMBER), "number");
	cr_assert_str_eq(pr_json_type_name(PR_JSON_STRING), "string");
	cr_assert_str_eq(pr_json_type_name(PR_JSON_ARRAY), "array");
	cr_assert_str_eq(pr_json_type_name(PR_JSON_OBJECT), "object");
}

Test(json_valid, free_is_idempotent)
{
	struct pr_json_doc	doc;

	ok("[1, 2, 3]", &doc);
	pr_json_free(&doc);
	pr_json_free(&doc);
	pr_json_free(NULL);
}

/* Numbers: RFC 8259 section 6, nothing more. */

Test(json_number, integers)
{
	ok_integer("0", 0);
	ok_integer("-0", 0);
	ok_integer("7", 7);
	ok_integer("-12", -12);
	ok_integer("123456789012345678", INT64_C(123456789012345678));
	ok_integer("9223372036854775807", INT64_MAX);
	ok_integer("-9223372036854775808", INT64_MIN);
}

Test(json_number, negative_zero_is_plain_zero)
{
	struct pr_json_doc	doc;

	ok("-0", &doc);
	cr_assert_eq(signbit(doc.root->u.number.real), 0);
	pr_json_free(&doc);
}

Test(json_number, reals)
{
	ok_real("1e5", 1e5);
	ok_real("1E-2", 1e-2);
	ok_real("1e+2", 100.0);
	ok_real("-1.25", -1.25);
	ok_real("0.0", 0.0);
	ok_real("10.0", 10.0);		/* a fraction, so not an integer */
	ok_real("2E0", 2.0);
	ok_real("9223372036854775808", 9223372036854775808.0);
	ok_real("-9223372036854775809", -9223372036854775809.0);
	ok_real("123456789012345678901234567890", 1.2345678901234568e29);
	ok_real("1e400", HUGE_VAL);	/* strtod's overflow */
}

Test(json_number, long_mantissa)
{
	struct pr_json_doc	 doc;
	char			*s;
	size_t			 n = 5000;

	/* Longer than the on-stack copy: strtod gets a malloc'd one. */
	cr_assert_not_null(s = malloc(n + 3));
	s[0] = '0';
	s[1] = '.';
	memset(s + 2, '5', n);
	s[n + 2] = '\0';
	ok(s, &doc);
	cr_assert_eq(doc.root->u.number.is_integer, 0);
	cr_assert_float_eq(doc.root->u.number.real, 0.5555555555555556, 1e-15);
	pr_json_free(&doc);
	free(s);
}

Test(json_number, refused)
{
	bad("01", "line 1, column 2: leading zero in a number");
	bad("-01", "line 1, column 3: leading zero in a number");
	bad("1.", "line 1, column 3: expected a digit after '.'");
	bad("1.e5", "line 1, column 3: expected a digit after '.'");
	bad(".1", "line 1, column 1: unexpected character '.'");
	bad("+1", "line 1, column 1: unexpected character '+'");
	bad("-", "line 1, column 2: expected a digit after '-'");
	bad("- 1", "line 1, column 2: expected a digit after '-'");
	bad("1e", "line 1, column 3: expected a digit in the exponent");
	bad("1e+", "line 1, column 4: expected a digit in the exponent");
	bad("0x10", "line 1, column 2: trailing data after the value");
	bad("NaN", "line 1, column 1: unexpected character 'N'");
	bad("Infinity", "line 1, column 1: unexpected character 'I'");
	bad("-Infinity", "line 1, column 2: expected a digit after '-'");
	bad("[1,-]", "line 1, column 5: expected a digit after '-'");
}

/* Strings. */

Test(json_string, escapes)
{
	ok_string("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
	    "\" \\ / \b \f \n \r \t");
	ok_string("\"a\\u0041\\u00e9\\u20AC\"", "aA\xc3\xa9\xe2\x82\xac");
	ok_string("\"\\u00e9\"", "\xc3\xa9");
	ok_string("\"\\u0001\\u001f\"", "\x01\x1f");
	ok_string("\"\\uffff\"", "\xef\xbf\xbf");
}

Test(json_string, surrogate_pairs)
{
	ok_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");
	ok_string("\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80");
	ok_string("\"\\ud800\\udc00\"", "\xf0\x90\x80\x80");	/* U+10000 */
	ok_string("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
}

Test(json_string, raw_utf8)
{
	ok_string("\"\xc3\xa9t\xc3\xa9\"", "\xc3\xa9t\xc3\xa9");
	ok_string("\"\xe2\x82\xac\"", "\xe2\x82\xac");
	ok_string("\"\xf0\x9f\x98\x80\"", "\xf0\x9f\x98\x80");
	ok_string("\"\xed\x9f\xbf\"", "\xed\x9f\xbf");		/* U+D7FF */
	ok_string("\"\xf4\x8f\xbf\xbf\"", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	ok_string("\"\x7f\"", "\x7f");		/* DEL is no control here */
}

Test(json_string, lone_surrogates)
{
	bad("\"\\ud83d\"",
	    "line 1, column 2: unpaired UTF-16 surrogate \\ud83d");
	bad("\"\\ude00\"",
	    "line 1, column 2: unpaired UTF-16 surrogate \\ude00");
	bad("\"\\ude00\\ud83d\"",
	    "line 1, column 2: unpaired UTF-16 surrogate \\ude00");
	bad("\"x\\ud83d\\u0041\"",
	    "line 1, column 3: unpaired UTF-16 surrogate \\ud83d");
	bad("\"\\ud83d\\ud83d\"",
	    "line 1, column 2: unpaired UTF-16 surrogate \\ud83d");
	bad("\"\\ud83dx\"",
	    "line 1, column 2: unpaired UTF-16 surrogate \\ud83d");
}

Test(json_string, invalid_utf8)
{
	bad("\"\xff\"", "line 1, column 2: invalid UTF-8");
	bad("\"a\x80\"", "line 1, column 3: invalid UTF-8");	/* stray */
	bad("\"\xc0\xaf\"", "line 1, column 2: invalid UTF-8");	/* overlong */
	bad("\"\xc1\xbf\"", "line 1, column 2: invalid UTF-8");	/* overlong */
	bad("\"\xe0\x80\xaf\"", "line 1, column 2: invalid UTF-8");
	bad("\"\xf0\x80\x80\xaf\"", "line 1, column 2: invalid UTF-8");
	bad("\"\xed\xa0\x80\"", "line 1, column 2: invalid UTF-8"); /* D800 */
	bad("\"\xed\xbf\xbf\"", "line 1, column 2: invalid UTF-8"); /* DFFF */
	bad("\"\xf4\x90\x80\x80\"", "line 1, column 2: invalid UTF-8");
	bad("\"\xf5\x80\x80\x80\"", "line 1, column 2: invalid UTF-8");
	bad("\"\xe2\x82\"", "line 1, column 2: invalid UTF-8");	/* short */
	bad("\"\xe2\x82", "line 1, column 2: invalid UTF-8");	/* at end */
	bad("\"\xc3\"", "line 1, column 2: invalid UTF-8");
	bad("{\"\xc3\":1}", "line 1, column 3: invalid UTF-8");	/* names */
}

Test(json_string, control_characters)
{
	bad("\"a\tb\"", "line 1, column 3: unescaped control character "
	    "0x09 in a string");
	bad("\"\n\"", "line 1, column 2: unescaped control character "
	    "0x0a in a string");
	bad_len("\"a\0b\"", LEN("\"a\0b\""), "line 1, column 3: unescaped "
	    "control character 0x00 in a string");
}

Test(json_string, nul_escape)
{
	bad("\"\\u0000\"", "line 1, column 2: strings must not contain U+0000");
	bad("{\"a\\u0000b\":1}",
	    "line 1, column 4: strings must not contain U+0000");
}

Test(json_string, bad_escapes)
{
	bad("\"\\q\"", "line 1, column 2: invalid escape '\\q'");
	bad("\"\\U00e9\"", "line 1, column 2: invalid escape '\\U'");
	bad("\"\\x41\"", "line 1, column 2: invalid escape '\\x'");
	bad("\"\\'\"", "line 1, column 2: invalid escape '\\''");
	bad("\"\\\xc3\xa9\"",
	    "line 1, column 2: invalid escape: '\\' before byte 0xc3");
	bad("\"\\u12\"", "line 1, column 2: invalid \\u escape");
	bad("\"\\u12g4\"", "line 1, column 2: invalid \\u escape");
}

Test(json_string, unterminated)
{
	bad("\"abc", "line 1, column 1: unterminated string");
	bad("[\"abc\\\"]", "line 1, column 2: unterminated string");
	bad("\"abc\\", "line 1, column 1: unterminated string");
	bad("\"\\u12", "line 1, column 1: unterminated string");
	bad("\"\\ud83d", "line 1, column 1: unterminated string");
	bad("\"\\ud83d\\u", "line 1, column 1: unterminated string");
	bad("{\"ab", "line 1, column 2: unterminated string");
}

/* Objects and member names. */

Test(json_object, duplicate_names)
{
	bad("{\"a\":1,\"a\":2}", "line 1, column 8: duplicate member 'a'");
	bad("{\"a\":1,\"b\":2,\n \"a\":3}",
	    "line 2, column 2: duplicate member 'a'");
	/* The same name once escaped: equal once decoded. */
	bad("{\"\\u00e9\":1,\"\xc3\xa9\":2}",
	    "line 1, column 13: duplicate member '\\xc3\\xa9'");
	bad("{\"\":1,\"\":2}", "line 1, column 7: duplicate member ''");
	bad("[{\"k\":{\"a\":1}, \"k\":2}]",
	    "line 1, column 16: duplicate member 'k'");
}

Test(json_object, duplicate_name_is_printable)
{
	bad("{\"it's\\\\\\n\":1,\"it's\\\\\\n\":2}",
	    "line 1, column 15: duplicate member 'it\\'s\\\\\\x0a'");
	bad("{\"abcdefghijklmnopqrstuvwxyz0123456789\":1,"
	    "\"abcdefghijklmnopqrstuvwxyz0123456789\":2}",
	    "line 1, column 43: duplicate member "
	    "'abcdefghijklmnopqrstuvwxyz012345...'");
}

/* Past a few members the check sorts; the earliest repeat is named. */
Test(json_object, duplicate_in_large_object)
{
	bad("{\"m0\":0,\"m1\":1,\"m2\":2,\"m3\":3,\"m4\":4,\"m5\":5,\"m6\":6,"
	    "\"m7\":7,\"z\":8,\"m9\":9,\"m1\":10,\"z\":11,\"m0\":12}",
	    "line 1, column 71: duplicate member 'm1'");
}

Test(json_object, same_name_at_other_levels)
{
	struct pr_json_doc	 doc;
	const struct pr_json	*a;

	ok("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}],"
	    "\"ab\":0,\"A\":0}", &doc);
	cr_assert_eq(doc.root->u.children.count, 4);
	a = pr_json_get(doc.root, "a");
	a = pr_json_get(a, "a");
	a = pr_json_get(a, "a");
	cr_assert_not_null(a);
	cr_assert_eq(a->u.number.integer, 1);
	pr_json_free(&doc);
}

Test(json_object, large_object_without_repeats)
{
	struct pr_json_doc	 doc;
	const struct pr_json	*m;
	char			*s, name[16];
	size_t			 i, n = 1000, off = 0, cap = 16 * n + 8;

	cr_assert_not_null(s = malloc(cap));
	s[off++] = '{';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, cap - off, "%s\"k%zu\":%zu",
		    i ? "," : "", i, i);
	s[off++] = '}';
	s[off] = '\0';
	ok(s, &doc);
	cr_assert_eq(doc.root->u.children.count, n);
	(void)snprintf(name, sizeof(name), "k%zu", n - 1);
	cr_assert_not_null(m = pr_json_get(doc.root, name));
	cr_assert_eq(m->u.number.integer, (int64_t)n - 1);
	pr_json_free(&doc);
	free(s);
}

Test(json_object, syntax)
{
	bad("{\"a\" 1}", "line 1, column 6: expected ':' after a member name");
	bad("{\"a\":1 \"b\":2}",
	    "line 1, column 8: expected ',' or '}' after an object member");
	bad("{1:2}", "line 1, column 2: expected a member name");
	bad("{a:1}", "line 1, column 2: expected a member name");
	bad("{\"a\":1,}", "line 1, column 8: trailing comma before '}'");
	bad("{\"a\":}", "line 1, column 6: unexpected character '}'");
	bad("{\"a\"", "line 1, column 5: unexpected end of input");
	bad("{\"a\":1", "line 1, column 7: unexpected end of input");
	bad("{", "line 1, column 2: unexpected end of input");
	bad("{\"a\":1]", "line 1, column 7: expected ',' or '}' after an "
	    "object member");
}

Test(json_get, found_missing_non_object)
{
	struct pr_json_doc	 doc;
	const struct pr_json	*m;

	ok("{\"id\":7,\"name\":\"x\",\"empty\":{},\"list\":[1]}", &doc);
	cr_assert_not_null(m = pr_json_get(doc.root, "name"));
	cr_assert_eq(m->type, PR_JSON_STRING);
	cr_assert_str_eq(m->u.string.s, "x");
	cr_assert_not_null(m = pr_json_get(doc.root, "id"));
	cr_assert_eq(m->u.number.integer, 7);

	cr_assert_null(pr_json_get(doc.root, "missing"));
	cr_assert_null(pr_json_get(doc.root, "i"));	/* a prefix */
	cr_assert_null(pr_json_get(doc.root, "ID"));	/* case matters */
	cr_assert_null(pr_json_get(doc.root, ""));
	cr_assert_null(pr_json_get(pr_json_get(doc.root, "empty"), "id"));

	cr_assert_null(pr_json_get(pr_json_get(doc.root, "list"), "id"));
	cr_assert_null(pr_json_get(m, "id"));		/* a number */
	cr_assert_null(pr_json_get(NULL, "id"));
	pr_json_free(&doc);

	ok("[{\"id\":1}]", &doc);
	cr_assert_null(pr_json_get(doc.root, "id"));	/* an array */
	pr_json_free(&doc);
}

/* Arrays. */

Test(json_array, elements)
{
	struct pr_json_doc	 doc;
	const struct pr_json	*e;

	ok("[1, \"two\", [3], {\"four\": 4}, true, null]", &doc);
	cr_assert_eq(doc.root->u.children.count, 6);
	e = doc.root->u.children.first;
	cr_assert_eq(e->u.number.integer, 1);
	cr_assert_str_eq((e = e->next)->u.string.s, "two");
	cr_assert_eq((e = e->next)->u.children.first->u.number.integer, 3);
	cr_assert_eq(pr_json_get(e = e->next, "four")->u.number.integer, 4);
	cr_assert_eq((e = e->next)->u.boolean, 1);
	cr_assert_eq((e = e->next)->type, PR_JSON_NULL);
	cr_assert_null(e->next);
	pr_json_free(&doc);
}

Test(json_array, syntax)
{
	bad("[1,]", "line 1, column 4: trailing comma before ']'");
	bad("[,1]", "line 1, column 2: unexpected character ','");
	bad("[1 2]",
	    "line 1, column 4: expected ',' or ']' after an array element");
	bad("[1}",
	    "line 1, column 3: expected ',' or ']' after an array element");
	bad("[", "line 1, column 2: unexpected end of input");
	bad("[1,", "line 1, column 4: unexpected end of input");
	bad("]", "line 1, column 1: unexpected character ']'");
}

Test(json_array, ten_thousand_elements)
{
	struct pr_json_doc	 doc;
	const struct pr_json	*e;
	char			*s;
	size_t			 i, n = 10000, off = 0, cap = 8 * n + 8;

	cr_assert_not_null(s = malloc(cap));
	s[off++] = '[';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, cap - off, "%s%zu",
		    i ? "," : "", i);
	s[off++] = ']';
	s[off] = '\0';
	ok(s, &doc);
	cr_assert_eq(doc.root->u.children.count, n);
	for (i = 0, e = doc.root->u.children.first; e != NULL;
	    i++, e = e->next)
		cr_assert_eq(e->u.number.integer, (int64_t)i);
	cr_assert_eq(i, n);
	pr_json_free(&doc);
	free(s);
}

/* Nesting. */

Test(json_depth, limit)
{
	struct pr_json_doc	 doc;
	const struct pr_json	*j;
	char			*s;
	size_t			 d;

	s = nested(PR_JSON_DEPTH_MAX);
	ok(s, &doc);
	for (d = 1, j = doc.root; j->u.children.first != NULL; d++)
		j = j->u.children.first;
	cr_assert_eq(d, PR_JSON_DEPTH_MAX);
	pr_json_free(&doc);
	free(s);

	s = nested(PR_JSON_DEPTH_MAX + 1);
	bad(s, "line 1, column 33: nesting deeper than 32");
	free(s);
}

/* 16 pairs of {"k":[ ... ]}, after prefix and before suffix. */
static void
mixed(char *s, size_t len, const char *prefix, const char *suffix)
{
	size_t	i;

	(void)snprintf(s, len, "%s", prefix);
	for (i = 0; i < PR_JSON_DEPTH_MAX / 2; i++)
		(void)strcat(s, "{\"k\":[");
	for (i = 0; i < PR_JSON_DEPTH_MAX / 2; i++)
		(void)strcat(s, "]}");
	(void)strcat(s, suffix);
}

Test(json_depth, objects_count_too)
{
	struct pr_json_doc	doc;
	char			s[16 * PR_JSON_DEPTH_MAX];

	mixed(s, sizeof(s), "", "");
	ok(s, &doc);
	pr_json_free(&doc);

	/* The 33rd level is the last '[', at byte 5 + 16 * 6. */
	mixed(s, sizeof(s), "{\"k\":", "}");
	bad(s, "line 1, column 101: nesting deeper than 32");
}

Test(json_depth, deep_input_fails_cleanly)
{
	char	*s;

	s = nested(100000);
	bad(s, "line 1, column 33: nesting deeper than 32");
	s[100000] = '\0';		/* only the opening half */
	bad(s, "line 1, column 33: nesting deeper than 32");
	free(s);
}

/* Documents and messages. */

Test(json_error, empty_and_blank)
{
	bad("", "line 1, column 1: unexpected end of input");
	bad_len(NULL, 0, "line 1, column 1: unexpected end of input");
	bad(" \t\r\n ", "line 2, column 2: unexpected end of input");
}

Test(json_error, only_json_white_space)
{
	bad("\f1", "line 1, column 1: unexpected byte 0x0c");
	bad("\v1", "line 1, column 1: unexpected byte 0x0b");
	bad("1\xc2\xa0", "line 1, column 2: trailing data after the value");
}

/*
 * A byte order mark is refused: RFC 8259 section 8.1 lets a reader
 * ignore one, but no client has a reason to send one in a request body.
 */
Test(json_error, byte_order_mark)
{
	bad("\xef\xbb\xbf{}",
	    "line 1, column 1: byte order mark (not allowed)");
	bad(" \xef\xbb\xbf{}", "line 1, column 2: unexpected byte 0xef");
}

Test(json_error, trailing_data)
{
	bad("{} {}", "line 1, column 4: trailing data after the value");
	bad("1 2", "line 1, column 3: trailing data after the value");
	bad("[1]]", "line 1, column 4: trailing data after the value");
	bad("nullx", "line 1, column 5: trailing data after the value");
	bad("\"a\"\"b\"", "line 1, column 4: trailing data after the value");
	bad_len("0\0", 2, "line 1, column 2: trailing data after the value");
}

Test(json_error, literals)
{
	bad("tru", "line 1, column 4: unexpected end of input");
	bad("trux", "line 1, column 4: unexpected character 'x'");
	bad("True", "line 1, column 1: unexpected character 'T'");
	bad("nul", "line 1, column 4: unexpected end of input");
	bad("fals e", "line 1, column 5: unexpected byte 0x20");
	bad("'a'", "line 1, column 1: unexpected character '''");
	bad("\xc3\xa9", "line 1, column 1: unexpected byte 0xc3");
}

Test(json_error, line_and_column)
{
	bad("{\n"
	    "  \"name\": \"bob\",\n"
	    "  \"quota\" 1024\n"
	    "}\n",
	    "line 3, column 11: expected ':' after a member name");
	bad("[\r\n  1,\r\n\t2,\r\n  x\r\n]",
	    "line 4, column 3: unexpected character 'x'");
	/* Columns count bytes: "é" is two. */
	bad("[\"\xc3\xa9\", ?]", "line 1, column 8: unexpected character '?'");
	bad("[1,\n\n\n\"abc", "line 4, column 1: unterminated string");
}

Test(json_error, message_buffer)
{
	struct pr_json_doc	doc;
	char			small[12];

	cr_assert_eq(pr_json_parse("[1,", 3, &doc, NULL, 0), -1);
	cr_assert_null(doc.root);
	cr_assert_eq(pr_json_parse("[1,", 3, &doc, small, 0), -1);
	cr_assert_eq(pr_json_parse("[1,", 3, &doc, small, sizeof(small)), -1);
	cr_assert_str_eq(small, "line 1, col");
	cr_assert_null(doc.arena);

	/* Success clears a stale message. */
	(void)strcpy(small, "stale");
	cr_assert_eq(pr_json_parse("[1]", 3, &doc, small, sizeof(small)), 0);
	cr_assert_str_eq(small, "");
	pr_json_free(&doc);
}

/* Failures late in a large document free what was built. */
Test(json_error, late_failure_frees)
{
	char	*s;
	size_t	 i, n = 20000;

	cr_assert_not_null(s = malloc(4 * n + 8));
	s[0] = '[';
	for (i = 0; i < n; i++)
		(void)memcpy(s + 1 + 4 * i, "\"x\",", 4);
	(void)memcpy(s + 1 + 4 * n, "}", 2);
	bad(s, "line 1, column 80002: unexpected character '}'");
	free(s);
}

/* Length is honoured: nothing past len is read. */
Test(json_error, length_bounds_input)
{
	struct pr_json_doc	doc;

	ok_len("[1]garbage", 3, &doc);
	cr_assert_eq(doc.root->u.children.count, 1);
	pr_json_free(&doc);
	bad_len("\"abc\"", 4, "line 1, column 1: unterminated string");
	bad_len("truex", 3, "line 1, column 4: unexpected end of input");
	ok_len("12", 1, &doc);
	cr_assert_eq(doc.root->u.number.integer, 1);
	pr_json_free(&doc);
}
