/*
 * Unit tests for app/lib/password.c.
 */

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "password.h"

#define SHOW(r)		((r) != NULL ? (r) : "(accepted)")

/* The SHA-crypt specification's test vectors (Drepper). */
#define VEC_PW		"Hello world!"
#define VEC_512		"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O" \
			"817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"
#define VEC_PLAIN	"{SHA512-CRYPT}" VEC_512
#define VEC_ROUNDS	"{SHA512-CRYPT}$6$rounds=10000$saltstringsaltst$OW1/O6B" \
			"YHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/" \
			"YTBmSK6H9qs/y3RnOaw5v."
#define VEC_256		"$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"

static void
round_trip(enum pr_pw_scheme scheme, const char *prefix)
{
	char	h1[PR_PW_HASH_MAX], h2[PR_PW_HASH_MAX];

	cr_assert_eq(pr_password_hash("correct horse", scheme, h1,
	    sizeof(h1)), 0);
	cr_assert_eq(strncmp(h1, prefix, strlen(prefix)), 0,
	    "\"%s\" does not start with %s", h1, prefix);
	cr_assert_eq(pr_password_verify("correct horse", h1), 1);
	cr_assert_eq(pr_password_verify("correct horsf", h1), 0);
	cr_assert_eq(pr_password_verify("Correct horse", h1), 0);
	cr_assert_eq(pr_password_verify("", h1), 0);

	/* A fresh salt each time. */
	cr_assert_eq(pr_password_hash("correct horse", scheme, h2,
	    sizeof(h2)), 0);
	cr_assert_str_neq(h1, h2);
	cr_assert_eq(pr_password_verify("correct horse", h2), 1);
}

Test(hash, sha512_round_trip)
{
	round_trip(PR_PW_SHA512_CRYPT, "{SHA512-CRYPT}$6$");
}

Test(hash, blf_round_trip)
{
	round_trip(PR_PW_BLF_CRYPT, "{BLF-CRYPT}$2y$10$");
}

Test(hash, sha512_shape)
{
	char	h[PR_PW_HASH_MAX];
	char	*salt_end;

	cr_assert_eq(pr_password_hash("x", PR_PW_SHA512_CRYPT, h,
	    sizeof(h)), 0);
	/* "$6$<salt>$<86 chars>", default rounds so no "rounds=". */
	salt_end = strchr(h + strlen("{SHA512-CRYPT}$6$"), '$');
	cr_assert_not_null(salt_end);
	cr_assert_eq(strlen(salt_end + 1), 86);
	cr_assert_null(strstr(h, "rounds="));
}

Test(hash, small_buffer)
{
	char	h[40];

	memset(h, 'x', sizeof(h));
	cr_assert_eq(pr_password_hash("x", PR_PW_SHA512_CRYPT, h,
	    sizeof(h)), -1);
	cr_assert_str_empty(h);
	cr_assert_eq(pr_password_hash("x", PR_PW_SHA512_CRYPT, NULL, 0), -1);
	cr_assert_eq(pr_password_hash(NULL, PR_PW_SHA512_CRYPT, h,
	    sizeof(h)), -1);
	cr_assert_eq(pr_password_hash("x", (enum pr_pw_scheme)42, h,
	    sizeof(h)), -1);
}

Test(hash, too_long)
{
	static char	pw[600];
	char		h[PR_PW_HASH_MAX];

	memset(pw, 'a', 511);
	cr_assert_eq(pr_password_hash(pw, PR_PW_SHA512_CRYPT, h,
	    sizeof(h)), 0);
	cr_assert_eq(pr_password_verify(pw, h), 1);
	memset(pw, 'a', 512);
	cr_assert_eq(pr_password_hash(pw, PR_PW_SHA512_CRYPT, h,
	    sizeof(h)), -1);
	cr_assert_eq(pr_password_verify(pw, VEC_PLAIN), 0);
}

Test(verify, known_vectors)
{
	cr_assert_eq(pr_password_verify(VEC_PW, VEC_PLAIN), 1);
	cr_assert_eq(pr_password_verify(VEC_PW, VEC_ROUNDS), 1);
	cr_assert_eq(pr_password_verify("Hello world", VEC_PLAIN), 0);
	cr_assert_eq(pr_password_verify("Hello world", VEC_ROUNDS), 0);
}

Test(verify, other_schemes)
{
	/* SHA-256 vector; also under {CRYPT}, as Dovecot allows. */
	cr_assert_eq(pr_password_verify(VEC_PW, "{SHA256-CRYPT}" VEC_256), 1);
	cr_assert_eq(pr_password_verify(VEC_PW, "{CRYPT}" VEC_256), 1);
	cr_assert_eq(pr_password_verify(VEC_PW, "{CRYPT}" VEC_512), 1);
	cr_assert_eq(pr_password_verify("Hello world", "{CRYPT}" VEC_256), 0);

	/* Scheme names are case-insensitive in Dovecot. */
	cr_assert_eq(pr_password_verify(VEC_PW, "{sha256-crypt}" VEC_256), 1);
}

Test(verify, malformed)
{
	static const char	*bad[] = {
		"",
		"{SHA512-CRYPT}",
		"{NOPE}x",
		"{NOPE}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl",
		"$6$nohprefix",
		"{SHA512-CRYPT",
		"{SHA512-CRYPT}*",
		"{SHA512-CRYPT}*0",
		"{SHA512-CRYPT}garbage",
		/* A truncated hash is not a hash. */
		"{SHA512-CRYPT}$6$saltstring",
		"{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8",
		"{BLF-CRYPT}$2y$04$tooshort",
		"{CRYPT}",
	};
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(pr_password_verify(VEC_PW, bad[i]), -1,
		    "\"%s\"", bad[i]);
	}
	/* Tag and hash disagree: no silent downgrade. */
	cr_assert_eq(pr_password_verify(VEC_PW, "{SHA512-CRYPT}" VEC_256), -1);
	cr_assert_eq(pr_password_verify(VEC_PW, "{BLF-CRYPT}" VEC_256), -1);
	cr_assert_eq(pr_password_verify(NULL, VEC_PLAIN), -1);
	cr_assert_eq(pr_password_verify(VEC_PW, NULL), -1);
}

Test(policy, accepts)
{
	cr_assert_null(pr_password_policy("correct horse battery", "john"));
	cr_assert_null(pr_password_policy("correct horse battery", NULL));
	cr_assert_null(pr_password_policy("correct horse battery", ""));
	/* A local part under 3 characters is not looked for. */
	cr_assert_null(pr_password_policy("zoo-keeper-xy", "xy"));
	/* Ten characters, counted as characters, not octets. */
	cr_assert_null(pr_password_policy("ääääääääää", NULL));
}

Test(policy, length)
{
	static char	pw[600];

	cr_assert_str_eq(SHOW(pr_password_policy("short", NULL)),
	    "must be at least 10 characters");
	cr_assert_str_eq(SHOW(pr_password_policy("123456789", NULL)),
	    "must be at least 10 characters");
	cr_assert_str_eq(SHOW(pr_password_policy("", NULL)),
	    "must be at least 10 characters");
	cr_assert_str_eq(SHOW(pr_password_policy(NULL, NULL)),
	    "must be at least 10 characters");
	/* Nine characters in eighteen octets. */
	cr_assert_str_eq(SHOW(pr_password_policy("ööööööööö", NULL)),
	    "must be at least 10 characters");

	memset(pw, 'q', 511);
	cr_assert_null(pr_password_policy(pw, NULL));
	memset(pw, 'q', 512);
	cr_assert_str_eq(SHOW(pr_password_policy(pw, NULL)),
	    "must be at most 511 characters");
}

Test(policy, control_characters)
{
	cr_assert_str_eq(SHOW(pr_password_policy("correct\thorse", NULL)),
	    "must not contain control characters");
	cr_assert_str_eq(SHOW(pr_password_policy("correct horse\n", NULL)),
	    "must not contain control characters");
	cr_assert_str_eq(SHOW(pr_password_policy("correct\x7fhorse", NULL)),
	    "must not contain control characters");
	/* U+0085 NEXT LINE, a C1 control. */
	cr_assert_str_eq(SHOW(pr_password_policy("correct\xc2\x85horse",
	    NULL)), "must not contain control characters");
}

Test(policy, local_part)
{
	cr_assert_str_eq(SHOW(pr_password_policy("john-secret-1", "john")),
	    "must not contain the local part");
	cr_assert_str_eq(SHOW(pr_password_policy("my-JOHN-secret", "john")),
	    "must not contain the local part");
	cr_assert_str_eq(SHOW(pr_password_policy("secret-john", "John")),
	    "must not contain the local part");
	cr_assert_null(pr_password_policy("secret-joh-n", "john"));
}

Test(policy, common)
{
	static const char	*common[] = {
		"1234567890", "qwertyuiop", "password123", "iloveyou12",
		"QWERTYUIOP", "Password123", "1q2w3e4r5t",
	};
	size_t			 i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		cr_assert_str_eq(SHOW(pr_password_policy(common[i], NULL)),
		    "is too common", "\"%s\"", common[i]);
	}
	/* Only whole matches count. */
	cr_assert_null(pr_password_policy("1234567890x", NULL));
}

Test(random, alphabet_and_length)
{
	char	a[65], b[65];
	size_t	i;

	cr_assert_eq(pr_random_string(a, sizeof(a), 64), 0);
	cr_assert_eq(strlen(a), 64);
	for (i = 0; i < 64; i++) {
		cr_assert((a[i] >= 'A' && a[i] <= 'Z') ||
		    (a[i] >= 'a' && a[i] <= 'z') ||
		    (a[i] >= '0' && a[i] <= '9'), "bad char %#x", a[i]);
	}
	cr_assert_eq(pr_random_string(b, sizeof(b), 64), 0);
	cr_assert_str_neq(a, b);

	cr_assert_eq(pr_random_string(a, sizeof(a), 0), 0);
	cr_assert_str_empty(a);
}

Test(random, buffer_too_small)
{
	char	a[16];

	memset(a, 'x', sizeof(a));
	cr_assert_eq(pr_random_string(a, 16, 16), -1);
	cr_assert_str_empty(a);
	cr_assert_eq(pr_random_string(a, 16, 15), 0);
	cr_assert_eq(strlen(a), 15);
	cr_assert_eq(pr_random_string(NULL, 0, 0), -1);
}

Test(random, covers_alphabet)
{
	char	s[4001];
	int	seen[256] = { 0 };
	size_t	i, kinds;

	/* 4000 draws miss one of 62 symbols with odds about 1e-26. */
	cr_assert_eq(pr_random_string(s, sizeof(s), 4000), 0);
	for (i = 0; i < 4000; i++)
		seen[(unsigned char)s[i]] = 1;
	for (i = 0, kinds = 0; i < 256; i++)
		kinds += seen[i];
	cr_assert_eq(kinds, 62);
}

/* Salt and hash of a bcrypt string: 22 + 31 characters, or one less. */
#define BLF52	"abcdefghijklmnopqrstuv./0123456789ABCDEFGHIJKLMNOPQR"
#define BLF53	BLF52 "S"

/* Hashes brought by an import: shaped as crypt(3) writes them. */
Test(hash_rule, accepts_what_crypt_makes)
{
	char	h[PR_PW_HASH_MAX];

	cr_assert_eq(pr_password_hash("correct horse", PR_PW_SHA512_CRYPT, h,
	    sizeof(h)), 0);
	cr_assert_null(pr_password_hash_rule(h), "%s", h);
	cr_assert_eq(pr_password_hash("correct horse", PR_PW_BLF_CRYPT, h,
	    sizeof(h)), 0);
	cr_assert_null(pr_password_hash_rule(h), "%s", h);
	cr_assert_null(pr_password_hash_rule(VEC_PLAIN));
	cr_assert_null(pr_password_hash_rule(VEC_ROUNDS));
	cr_assert_null(pr_password_hash_rule("{BLF-CRYPT}$2b$04$" BLF53));
}

Test(hash_rule, refuses_other_shapes)
{
	static const char *const bad[] = {
		"",
		VEC_512,				/* no tag */
		"{sha512-crypt}" VEC_512,		/* the database's tags */
		"{SHA256-CRYPT}" VEC_256,		/* not offered */
		"{SHA512-CRYPT}$5$saltstring$x",	/* tag and kind differ */
		"{SHA512-CRYPT}$6$saltstring$short",
		"{SHA512-CRYPT}" VEC_512 "x",		/* padded */
		"{SHA512-CRYPT}$6$$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3u"
		    "BnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
		"{SHA512-CRYPT}$6$rounds=999$salt$svn8UoSVapNtMuq1ukKS4tPQd8iKw"
		    "SMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
		"{SHA512-CRYPT}$6$salt!$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O81"
		    "7G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
		"{BLF-CRYPT}$2y$03$" BLF53,		/* cost */
		"{BLF-CRYPT}$2y$32$" BLF53,
		"{BLF-CRYPT}$2z$10$" BLF53,
		"{BLF-CRYPT}$2y$1$" BLF53,
		"{BLF-CRYPT}$2y$10$" BLF53 "S",		/* one too many */
		"{BLF-CRYPT}$2y$10$" BLF52,
		"{BLF-CRYPT}$2y$10$" BLF52 "\n",
		"{BLF-CRYPT}$2y$10$" BLF52 "!",
		"{BLF-CRYPT}$2",
		"{CRYPT}" VEC_512,
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_not_null(pr_password_hash_rule(bad[i]), "%s", bad[i]);
	cr_assert_not_null(pr_password_hash_rule(NULL));
}
