/*
 * API keys: "pr_<id>_<secret>".  Only SHA-256(secret) is stored; the
 * secret has 256 bits of entropy, so a fast hash is enough and an
 * authenticated request costs no extra work.  Pure code: no Kore.
 */
#ifndef PR_APIKEY_H
#define PR_APIKEY_H

#include <stddef.h>

#define PR_KEY_ID_LEN		16	/* [a-z0-9] */
#define PR_KEY_SECRET_LEN	43	/* [A-Za-z0-9], >= 256 bits */
#define PR_KEY_HASH_HEX		64
#define PR_KEY_MAX		(3 + PR_KEY_ID_LEN + 1 + PR_KEY_SECRET_LEN + 1)

struct pr_apikey {
	char	id[PR_KEY_ID_LEN + 1];
	char	secret[PR_KEY_SECRET_LEN + 1];
	char	hash[PR_KEY_HASH_HEX + 1];	/* hex SHA-256 of secret */
	char	full[PR_KEY_MAX];		/* pr_<id>_<secret> */
};

/* Make a new random key.  Returns 0, or -1 on failure. */
int	pr_apikey_new(struct pr_apikey *key);

/*
 * Parse "pr_<id>_<secret>" (as sent after "Bearer ") and compute the
 * hash of its secret.  Returns 0, or -1 when malformed.
 */
int	pr_apikey_parse(const char *text, struct pr_apikey *key);

/*
 * Hex SHA-256 of a random token (an API key's secret, a session token):
 * what is stored instead of the token.
 */
void	pr_token_hash(const char *token, char hex[PR_KEY_HASH_HEX + 1]);

/* Constant-time comparison of two hex hashes: 1 equal, 0 not. */
int	pr_apikey_hash_equal(const char *a, const char *b);

#endif
