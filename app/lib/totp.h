/*
 * TOTP (RFC 6238) on HOTP (RFC 4226) with HMAC-SHA-1, 6 digits and 30 s
 * steps, and base32 (RFC 4648) for the shared secret.  Pure code: no Kore.
 */
#ifndef PR_TOTP_H
#define PR_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PR_TOTP_DIGITS		6
#define PR_TOTP_PERIOD		30
#define PR_TOTP_SECRET_BYTES	20	/* 160 bits, as RFC 4226 advises */
#define PR_TOTP_SECRET_LEN	32	/* their base32: no padding needed */
#define PR_TOTP_ISSUER		"Postroom"

/*
 * Base32 of len bytes into out, with '=' padding when pad is set.
 * Returns 0, or -1 when outlen cannot hold it and the NUL (out is then
 * the empty string).
 */
int	pr_base32_encode(const unsigned char *in, size_t len, int pad,
	    char *out, size_t outlen);

/*
 * Decode base32, either case, padding optional.  Returns the number of
 * bytes written to out, or -1 when in is malformed (a character outside
 * the alphabet, padding anywhere but at the end, a length no encoding
 * has, left-over bits that are not zero) or does not fit in outlen.
 */
int	pr_base32_decode(const char *in, unsigned char *out, size_t outlen);

/*
 * The HOTP value of counter under key: digits (6 to 8) decimal digits
 * into out.  Returns 0, or -1 on bad arguments or HMAC failure.
 */
int	pr_hotp(const unsigned char *key, size_t keylen, uint64_t counter,
	    int digits, char *out, size_t outlen);

/* The time step that t falls in. */
int64_t	pr_totp_step(time_t t);

/* The 6-digit code of a base32 secret at step: 0, or -1. */
int	pr_totp_code(const char *secret, int64_t step, char out[7]);

/* A new secret: base32 of PR_TOTP_SECRET_BYTES random bytes.  0 or -1. */
int	pr_totp_secret_new(char out[PR_TOTP_SECRET_LEN + 1]);

/*
 * Check a 6-digit code against a base32 secret at time now, one step
 * either side, taking only steps after last (-1: none used yet), so that
 * no code is accepted twice.  Returns the step it matched, or -1.  Every
 * step of the window is compared, in constant time.
 */
int64_t	pr_totp_check(const char *secret, const char *code, time_t now,
	    int64_t last);

/*
 * The key URI that authenticator apps read from a QR code:
 * otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>,
 * the label and the issuer percent-encoded (RFC 3986 unreserved
 * characters and '@' stay).  Returns 0, or -1 when outlen is too small.
 */
int	pr_totp_uri(const char *issuer, const char *account,
	    const char *secret, char *out, size_t outlen);

#endif
