/*
 * Unit tests for app/lib/totp.c: RFC 4648 base32 vectors, RFC 4226 HOTP
 * and RFC 6238 TOTP (SHA-1) vectors, the window and replay rules.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "totp.h"

/* The RFC 4226 and RFC 6238 SHA-1 seed, and its base32. */
#define SEED		"12345678901234567890"
#define SEED_B32	"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static const struct {
	const char	*plain;
	const char	*padded;
} rfc4648[] = {
	{ "",		"" },
	{ "f",		"MY======" },
	{ "fo",		"MZXQ====" },
	{ "foo",	"MZXW6===" },
	{ "foob",	"MZXW6YQ=" },
	{ "fooba",	"MZXW6YTB" },
	{ "foobar",	"MZXW6YTBOI======" },
};

#define NVEC	(sizeof(rfc4648) / sizeof(rfc4648[0]))

Test(totp, base32_rfc4648_encode)
{
	char	out[32];
	size_t	i;

	for (i = 0; i < NVEC; i++) {
		cr_assert_eq(pr_base32_encode((const unsigned char *)
		    rfc4648[i].plain, strlen(rfc4648[i].plain), 1, out,
		    sizeof(out)), 0);
		cr_assert_str_eq(out, rfc4648[i].padded);
		/* Unpadded: the same without the '='. */
		cr_assert_eq(pr_base32_encode((const unsigned char *)
		    rfc4648[i].plain, strlen(rfc4648[i].plain), 0, out,
		    sizeof(out)), 0);
		cr_assert_eq(strlen(out), strcspn(rfc4648[i].padded, "="));
		cr_assert(strncmp(out, rfc4648[i].padded, strlen(out)) == 0);
	}
	/* 20 bytes are 32 characters, and the NUL does not fit. */
	cr_assert_eq(pr_base32_encode((const unsigned char *)SEED,
	    strlen(SEED), 0, out, 32), -1);
	cr_assert_str_eq(out, "");
}

Test(totp, base32_rfc4648_decode)
{
	unsigned char	out[32];
	char		lower[32], *p;
	size_t		i, len;

	for (i = 0; i < NVEC; i++) {
		len = strlen(rfc4648[i].plain);
		cr_assert_eq(pr_base32_decode(rfc4648[i].padded, out,
		    sizeof(out)), (int)len, "%s", rfc4648[i].padded);
		cr_assert(memcmp(out, rfc4648[i].plain, len) == 0);
		/* Without padding, and in lower case, too. */
		snprintf(lower, sizeof(lower), "%.*s",
		    (int)strcspn(rfc4648[i].padded, "="), rfc4648[i].padded);
		for (p = lower; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		cr_assert_eq(pr_base32_decode(lower, out, sizeof(out)),
		    (int)len, "%s", lower);
		cr_assert(memcmp(out, rfc4648[i].plain, len) == 0);
	}
	cr_assert_eq(pr_base32_decode(SEED_B32, out, sizeof(out)), 20);
	cr_assert(memcmp(out, SEED, 20) == 0);
}

Test(totp, base32_refuses)
{
	unsigned char	out[32];

	cr_assert_eq(pr_base32_decode("MY=====", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode("M=Y=====", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode("M", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode("MZX", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode("MZXW6Y", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode("MZ", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode("MY1=====", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode("MZXW6YTB========", out, sizeof(out)),
	    -1);
	cr_assert_eq(pr_base32_decode("MY ", out, sizeof(out)), -1);
	cr_assert_eq(pr_base32_decode(SEED_B32, out, 19), -1);
}

/* RFC 4226, Appendix D. */
Test(totp, hotp_rfc4226)
{
	static const char *const want[] = { "755224", "287082", "359152",
	    "969429", "338314", "254676", "287922", "162583", "399871",
	    "520489" };
	char	out[9];
	size_t	i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(pr_hotp((const unsigned char *)SEED, 20, i, 6,
		    out, sizeof(out)), 0);
		cr_assert_str_eq(out, want[i], "counter %zu", i);
	}
	cr_assert_eq(pr_hotp((const unsigned char *)SEED, 20, 0, 5, out,
	    sizeof(out)), -1);
	cr_assert_eq(pr_hotp((const unsigned char *)SEED, 20, 0, 8, out, 8),
	    -1);
	cr_assert_eq(pr_hotp(NULL, 0, 0, 6, out, sizeof(out)), -1);
}

/* RFC 6238, Appendix B, the SHA-1 rows (8 digits). */
Test(totp, totp_rfc6238)
{
	static const struct {
		long long	 t;
		const char	*code;
	} want[] = {
		{ 59LL,			"94287082" },
		{ 1111111109LL,		"07081804" },
		{ 1111111111LL,		"14050471" },
		{ 1234567890LL,		"89005924" },
		{ 2000000000LL,		"69279037" },
		{ 20000000000LL,	"65353130" },
	};
	char	out[9], six[7];
	size_t	i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(pr_hotp((const unsigned char *)SEED, 20,
		    (uint64_t)pr_totp_step((time_t)want[i].t), 8, out,
		    sizeof(out)), 0);
		cr_assert_str_eq(out, want[i].code, "T %lld", want[i].t);
		/* Six digits are the last six of eight. */
		cr_assert_eq(pr_totp_code(SEED_B32, pr_totp_step(
		    (time_t)want[i].t), six), 0);
		cr_assert_str_eq(six, want[i].code + 2);
	}
}

Test(totp, check_window_and_replay)
{
	const time_t	now = 1111111111;
	int64_t		step = pr_totp_step(now);
	char		c[7];
	int		d;

	for (d = -1; d <= 1; d++) {
		cr_assert_eq(pr_totp_code(SEED_B32, step + d, c), 0);
		cr_assert_eq(pr_totp_check(SEED_B32, c, now, -1), step + d,
		    "step %+d", d);
		/* Not after that step or a later one was used. */
		cr_assert_eq(pr_totp_check(SEED_B32, c, now, step + d), -1);
		cr_assert_eq(pr_totp_check(SEED_B32, c, now, step + 1), -1);
		cr_assert_eq(pr_totp_check(SEED_B32, c, now, step + d - 1),
		    step + d);
	}
	/* Two steps away: outside the window. */
	cr_assert_eq(pr_totp_code(SEED_B32, step + 2, c), 0);
	cr_assert_eq(pr_totp_check(SEED_B32, c, now, -1), -1);
	cr_assert_eq(pr_totp_code(SEED_B32, step - 2, c), 0);
	cr_assert_eq(pr_totp_check(SEED_B32, c, now, -1), -1);
	/* The lower-case secret is the same secret. */
	cr_assert_eq(pr_totp_code(SEED_B32, step, c), 0);
	cr_assert_eq(pr_totp_check("gezdgnbvgy3tqojqgezdgnbvgy3tqojq", c, now,
	    -1), step);
}

Test(totp, check_refuses_malformed)
{
	const time_t	now = 59;

	/* 287082 is the code of step 1, T = 59 (RFC 4226 counter 1). */
	cr_assert_eq(pr_totp_check(SEED_B32, "287082", now, -1), 1);
	cr_assert_eq(pr_totp_check(SEED_B32, "28708", now, -1), -1);
	cr_assert_eq(pr_totp_check(SEED_B32, "2870820", now, -1), -1);
	cr_assert_eq(pr_totp_check(SEED_B32, " 287082", now, -1), -1);
	cr_assert_eq(pr_totp_check(SEED_B32, "28708a", now, -1), -1);
	cr_assert_eq(pr_totp_check(SEED_B32, "", now, -1), -1);
	cr_assert_eq(pr_totp_check(SEED_B32, NULL, now, -1), -1);
	cr_assert_eq(pr_totp_check("not base32!", "287082", now, -1), -1);
	cr_assert_eq(pr_totp_check("", "287082", now, -1), -1);
	cr_assert_eq(pr_totp_check(NULL, "287082", now, -1), -1);
}

Test(totp, new_secret)
{
	char		a[PR_TOTP_SECRET_LEN + 1], b[PR_TOTP_SECRET_LEN + 1];
	unsigned char	raw[32];

	cr_assert_eq(pr_totp_secret_new(a), 0);
	cr_assert_eq(pr_totp_secret_new(b), 0);
	cr_assert_eq(strlen(a), PR_TOTP_SECRET_LEN);
	cr_assert_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
	    PR_TOTP_SECRET_LEN);
	cr_assert_eq(pr_base32_decode(a, raw, sizeof(raw)),
	    PR_TOTP_SECRET_BYTES);
	cr_assert_str_neq(a, b);
}

Test(totp, key_uri)
{
	char	out[256];

	cr_assert_eq(pr_totp_uri(PR_TOTP_ISSUER, "ops@example.net", SEED_B32,
	    out, sizeof(out)), 0);
	cr_assert_str_eq(out, "otpauth://totp/Postroom:ops@example.net?secret="
	    SEED_B32 "&issuer=Postroom");
	/* Characters that mean something in a URI are escaped. */
	cr_assert_eq(pr_totp_uri("Post room", "a+b&c?d#e/f:g%@x.example",
	    "AB", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "otpauth://totp/Post%20room:"
	    "a%2Bb%26c%3Fd%23e%2Ff%3Ag%25@x.example?secret=AB&issuer="
	    "Post%20room");
	cr_assert_eq(pr_totp_uri(PR_TOTP_ISSUER, "ops@example.net", SEED_B32,
	    out, 40), -1);
	cr_assert_str_eq(out, "");
}
