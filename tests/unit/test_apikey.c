/*
 * Unit tests for app/lib/apikey.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "apikey.h"

/* 43 characters, and SHA-256 of exactly that string (sha256sum). */
#define KNOWN_ID	"0123456789abcdef"
#define KNOWN_SECRET	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
#define KNOWN_HASH	"46a2199782c8827f0ac56f503be9d39e" \
			"fee97f40a736b92cc7d7c5f825cfd851"
#define KNOWN_KEY	"pr_" KNOWN_ID "_" KNOWN_SECRET

static int
all_of(const char *s, const char *set)
{
	return (strspn(s, set) == strlen(s));
}

#define LOWER_DIGITS	"abcdefghijklmnopqrstuvwxyz0123456789"
#define ALNUM		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" LOWER_DIGITS
#define HEX		"0123456789abcdef"

Test(apikey, new_shape)
{
	struct pr_apikey	k;
	char			want[PR_KEY_MAX];

	cr_assert_eq(pr_apikey_new(&k), 0);
	cr_assert_eq(strlen(k.id), PR_KEY_ID_LEN);
	cr_assert(all_of(k.id, LOWER_DIGITS), "id \"%s\"", k.id);
	cr_assert_eq(strlen(k.secret), PR_KEY_SECRET_LEN);
	cr_assert(all_of(k.secret, ALNUM), "secret \"%s\"", k.secret);
	cr_assert_eq(strlen(k.hash), PR_KEY_HASH_HEX);
	cr_assert(all_of(k.hash, HEX), "hash \"%s\"", k.hash);

	(void)snprintf(want, sizeof(want), "pr_%s_%s", k.id, k.secret);
	cr_assert_str_eq(k.full, want);
	cr_assert_eq(strlen(k.full), PR_KEY_MAX - 1);
}

Test(apikey, new_is_random)
{
	struct pr_apikey	a, b;

	cr_assert_eq(pr_apikey_new(&a), 0);
	cr_assert_eq(pr_apikey_new(&b), 0);
	cr_assert_str_neq(a.id, b.id);
	cr_assert_str_neq(a.secret, b.secret);
	cr_assert_str_neq(a.hash, b.hash);
}

Test(apikey, id_covers_alphabet)
{
	struct pr_apikey	k;
	int			seen[256] = { 0 };
	size_t			i, j, kinds;

	/* 200 ids = 3200 draws of 36 symbols: a miss has odds ~1e-37. */
	for (i = 0; i < 200; i++) {
		cr_assert_eq(pr_apikey_new(&k), 0);
		for (j = 0; j < PR_KEY_ID_LEN; j++)
			seen[(unsigned char)k.id[j]] = 1;
	}
	for (i = 0, kinds = 0; i < 256; i++)
		kinds += seen[i];
	cr_assert_eq(kinds, 36);
}

Test(apikey, round_trip)
{
	struct pr_apikey	k, p;

	cr_assert_eq(pr_apikey_new(&k), 0);
	cr_assert_eq(pr_apikey_parse(k.full, &p), 0);
	cr_assert_str_eq(p.id, k.id);
	cr_assert_str_eq(p.secret, k.secret);
	cr_assert_str_eq(p.hash, k.hash);
	cr_assert_str_eq(p.full, k.full);
	cr_assert(pr_apikey_hash_equal(p.hash, k.hash));
}

Test(apikey, known_hash)
{
	struct pr_apikey	k;

	cr_assert_eq(strlen(KNOWN_SECRET), PR_KEY_SECRET_LEN);
	cr_assert_eq(pr_apikey_parse(KNOWN_KEY, &k), 0);
	cr_assert_str_eq(k.id, KNOWN_ID);
	cr_assert_str_eq(k.secret, KNOWN_SECRET);
	cr_assert_str_eq(k.hash, KNOWN_HASH);
	cr_assert_str_eq(k.full, KNOWN_KEY);
}

Test(apikey, malformed)
{
	static const char	*bad[] = {
		"",
		"pr_",
		"pr__",
		"pr_" KNOWN_ID,
		"pr_" KNOWN_ID "_",
		"PR_" KNOWN_ID "_" KNOWN_SECRET,
		"px_" KNOWN_ID "_" KNOWN_SECRET,
		"pr-" KNOWN_ID "_" KNOWN_SECRET,
		"_" KNOWN_ID "_" KNOWN_SECRET,
		"Bearer pr_" KNOWN_ID "_" KNOWN_SECRET,
		/* id: short, long, upper case, symbol */
		"pr_0123456789abcde_" KNOWN_SECRET,
		"pr_0123456789abcdef0_" KNOWN_SECRET,
		"pr_0123456789abcdeF_" KNOWN_SECRET,
		"pr_0123456789abcde-_" KNOWN_SECRET,
		/* separator */
		"pr_" KNOWN_ID "-" KNOWN_SECRET,
		"pr_" KNOWN_ID KNOWN_SECRET,
		/* secret: 42 and 44 characters, symbol */
		"pr_" KNOWN_ID "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP",
		"pr_" KNOWN_ID "_" KNOWN_SECRET "R",
		"pr_" KNOWN_ID "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO_",
		"pr_" KNOWN_ID "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO/",
		/* trailing or leading junk */
		"pr_" KNOWN_ID "_" KNOWN_SECRET " ",
		"pr_" KNOWN_ID "_" KNOWN_SECRET "\n",
		" pr_" KNOWN_ID "_" KNOWN_SECRET,
	};
	struct pr_apikey	 k;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&k, 'x', sizeof(k));
		cr_assert_eq(pr_apikey_parse(bad[i], &k), -1, "\"%s\"",
		    bad[i]);
		cr_assert_str_empty(k.secret, "secret left in \"%s\"", bad[i]);
	}
	cr_assert_eq(pr_apikey_parse(NULL, &k), -1);
	cr_assert_eq(pr_apikey_parse(KNOWN_KEY, NULL), -1);
}

Test(apikey, parse_stops_at_nul)
{
	struct pr_apikey	 k;
	char			*p;
	size_t			 n;

	/*
	 * Each prefix of a valid key in a buffer of exactly its size:
	 * AddressSanitizer catches any read past the NUL.
	 */
	for (n = 0; n < strlen(KNOWN_KEY); n++) {
		cr_assert_not_null(p = malloc(n + 1));
		memcpy(p, KNOWN_KEY, n);
		p[n] = '\0';
		cr_assert_eq(pr_apikey_parse(p, &k), -1, "length %zu", n);
		free(p);
	}
}

Test(apikey, hash_equal)
{
	char	other[] = KNOWN_HASH;

	cr_assert_eq(pr_apikey_hash_equal(KNOWN_HASH, KNOWN_HASH), 1);
	other[63] = '0';
	cr_assert_eq(pr_apikey_hash_equal(KNOWN_HASH, other), 0);
	other[63] = '1';
	other[0] = '5';
	cr_assert_eq(pr_apikey_hash_equal(KNOWN_HASH, other), 0);

	/* Only full-length hashes compare equal. */
	cr_assert_eq(pr_apikey_hash_equal("abc", "abc"), 0);
	cr_assert_eq(pr_apikey_hash_equal("", ""), 0);
	cr_assert_eq(pr_apikey_hash_equal(KNOWN_HASH "0", KNOWN_HASH "0"), 0);
	cr_assert_eq(pr_apikey_hash_equal(KNOWN_HASH, KNOWN_HASH "0"), 0);
	cr_assert_eq(pr_apikey_hash_equal(NULL, KNOWN_HASH), 0);
	cr_assert_eq(pr_apikey_hash_equal(KNOWN_HASH, NULL), 0);
}
