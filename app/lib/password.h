/*
 * Password hashing in the formats Dovecot verifies, and random tokens.
 * Pure code: no Kore.
 */
#ifndef PR_PASSWORD_H
#define PR_PASSWORD_H

#include <stddef.h>

enum pr_pw_scheme {
	PR_PW_SHA512_CRYPT,	/* {SHA512-CRYPT}$6$... */
	PR_PW_BLF_CRYPT		/* {BLF-CRYPT}$2y$... */
};

#define PR_PW_HASH_MAX		192

/*
 * Hash pw with a fresh random salt: SHA512-CRYPT with libxcrypt's
 * default rounds, BLF-CRYPT with cost 10.  Returns 0, or -1 on failure
 * (also when pw is over 511 octets or outlen is too small, leaving out
 * empty).
 */
int		pr_password_hash(const char *pw, enum pr_pw_scheme scheme,
		    char *out, size_t outlen);

/*
 * Verify pw against a stored "{SCHEME}hash" value in constant time.
 * Returns 1 on match, 0 on mismatch, -1 when stored is malformed or
 * its scheme is not supported.  Schemes: SHA512-CRYPT, SHA256-CRYPT,
 * BLF-CRYPT and CRYPT, case-insensitive; the hash must be of the kind
 * its tag names.  Malformed (-1) includes a NULL argument, a missing
 * or unknown "{SCHEME}", an empty hash, one crypt(3) rejects, and one
 * truncated or padded so it differs in length from what crypt(3)
 * makes.  A pw over 511 octets, never hashable, gives 0.
 */
int		pr_password_verify(const char *pw, const char *stored);

/*
 * A hash brought from elsewhere (an import): NULL when stored is
 * "{SHA512-CRYPT}$6$[rounds=N$]salt$hash" or
 * "{BLF-CRYPT}$2a|2b|2y$cost$hash", shaped exactly as crypt(3) writes
 * them (tags in upper case, as the database stores them), else the
 * reason.  Checked by shape alone: nothing is hashed.
 */
const char	*pr_password_hash_rule(const char *stored);

/*
 * Password policy: NULL when acceptable, else the rule it breaks:
 * "must be at most 511 characters" (octets: crypt(3) refuses more),
 * "must not contain control characters", "must be at least 10
 * characters" (UTF-8 characters), "must not contain the local part"
 * (ASCII case-insensitive, only for a local of 3 or more octets),
 * "is too common".  local may be NULL.  BLF-CRYPT reads only the
 * first 72 octets.
 */
const char	*pr_password_policy(const char *pw, const char *local);

/*
 * Fill out with nbytes of OpenSSL randomness encoded in base62-free
 * alphabet [A-Za-z0-9] (len chars then NUL; outlen must exceed len).
 * Returns 0, or -1 on failure.
 */
int		pr_random_string(char *out, size_t outlen, size_t len);

#endif
