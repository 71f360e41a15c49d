/*
 * Validation and normalisation of domain names and mail addresses.
 * Pure code: no Kore, shared by app/, stats/ and the tests.
 */
#ifndef PR_VALIDATE_H
#define PR_VALIDATE_H

#include <stddef.h>

#define PR_DOMAIN_MAX		253	/* octets, without a trailing dot */
#define PR_LABEL_MAX		63
#define PR_LOCAL_MAX		64
#define PR_ADDRESS_MAX		254	/* RFC 5321 path limit less <> */

/*
 * Each check returns NULL when the input is valid and writes its
 * normalised form (lower case; IDNA A-labels; no trailing dot) into
 * out, which must hold outlen bytes including the NUL.  On error it
 * returns a short English reason ("label longer than 63 octets") and
 * leaves out as an empty string.
 *
 * A reason is a string constant or, when it quotes a character or
 * names the part of an address ("domain: empty label"), a per-thread
 * buffer that the next call may overwrite: copy it to keep it.  When
 * the input is valid but outlen cannot hold the result the reason is
 * "output buffer too small"; out is never written past outlen.
 * Local parts are dot-atoms only: quoted strings and non-ASCII are
 * refused.  Domains may be given as U-labels (UTF-8).
 */
const char	*pr_domain_check(const char *in, char *out, size_t outlen);
const char	*pr_local_check(const char *in, char *out, size_t outlen);
const char	*pr_address_check(const char *in, char *out, size_t outlen);

/*
 * An RFC 3339 date-time, YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM),
 * with every field in range (the day within its month), so that
 * PostgreSQL's cast of it cannot fail.  Returns 1 when it is one, else 0.
 */
int	pr_time_check(const char *);

#endif
