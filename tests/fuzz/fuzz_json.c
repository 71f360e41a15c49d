/*
 * libFuzzer target for app/lib/json.c: parse, walk the whole tree
 * checking what json.h promises, free.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iapp/lib \
 *	tests/fuzz/fuzz_json.c app/lib/json.c -o /tmp/fuzz_json
 *   /tmp/fuzz_json -max_total_time=60
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

/* Members looked up by name per object: pr_json_get is linear. */
#define GET_CHECKED	64

/* Well-formed UTF-8 with no surrogates, nothing above U+10FFFF, no NUL. */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	uint32_t	cp;
	size_t		i = 0, n, k;

	while (i < len) {
		if (s[i] == 0)
			return (0);
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 2, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 4, cp = s[i] & 0x07;
		else
			return (0);
		if (len - i < n)
			return (0);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return (0);
		i += n;
	}
	return (1);
}

static void
check_string(const char *s, size_t len)
{
	CHECK(s != NULL);
	CHECK(strlen(s) == len);
	CHECK(valid_utf8((const unsigned char *)s, len));
}

static void	walk(const struct pr_json *, int, size_t);

static void
walk_children(const struct pr_json *j, size_t depth)
{
	const struct pr_json	*c;
	size_t			 n = 0;
	int			 object = j->type == PR_JSON_OBJECT;

	CHECK(depth <= PR_JSON_DEPTH_MAX);
	for (c = j->u.children.first; c != NULL; c = c->next, n++) {
		walk(c, object, depth);
		/* Names are unique, so the lookup finds this very member. */
		if (object && n < GET_CHECKED)
			CHECK(pr_json_get(j, c->key) == c);
	}
	CHECK(n == j->u.children.count);
	if (!object)
		CHECK(pr_json_get(j, "") == NULL);
}

/* Recursion is bounded: the parser refuses documents deeper than 32. */
static void
walk(const struct pr_json *j, int member, size_t depth)
{
	CHECK(pr_json_type_name(j->type) != NULL);
	if (member)
		check_string(j->key, strlen(j->key));
	else
		CHECK(j->key == NULL);
	switch (j->type) {
	case PR_JSON_NULL:
		break;
	case PR_JSON_BOOL:
		CHECK(j->u.boolean == 0 || j->u.boolean == 1);
		break;
	case PR_JSON_NUMBER:
		if (j->u.number.is_integer)
			CHECK(j->u.number.real == (double)j->u.number.integer);
		else
			CHECK(j->u.number.is_integer == 0);
		break;
	case PR_JSON_STRING:
		check_string(j->u.string.s, j->u.string.len);
		break;
	case PR_JSON_ARRAY:
	case PR_JSON_OBJECT:
		walk_children(j, depth + 1);
		break;
	default:
		abort();
	}
}

/* Messages go back to clients: "line L, column C: ...", printable. */
static void
check_message(const char *err, size_t size)
{
	size_t	i, len = strlen(err);

	CHECK(len < size);
	CHECK(strncmp(err, "line ", 5) == 0);
	for (i = 0; i < len; i++)
		CHECK(err[i] >= 0x20 && err[i] < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pr_json_doc	doc;
	char			err[256];
	size_t			small;

	if (pr_json_parse((const char *)data, size, &doc, err,
	    sizeof(err)) == -1) {
		CHECK(doc.root == NULL && doc.arena == NULL);
		check_message(err, sizeof(err));
		/* A short buffer gets a cut, terminated message. */
		small = 1 + size % 16;
		CHECK(pr_json_parse((const char *)data, size, &doc, err,
		    small) == -1);
		CHECK(strlen(err) < small);
		return (0);
	}
	CHECK(doc.root != NULL && doc.arena != NULL);
	walk(doc.root, 0, 0);
	pr_json_free(&doc);
	CHECK(doc.root == NULL && doc.arena == NULL);
	return (0);
}
