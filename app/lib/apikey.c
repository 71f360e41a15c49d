/*
 * API keys: "pr_<id>_<secret>", stored as SHA-256(secret).
 */

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "apikey.h"
#include "password.h"

#define KEY_PREFIX	"pr_"
#define KEY_PREFIX_LEN	3

static int	new_id(char *);
static void	hash_secret(const char *, char *);
static void	make_full(struct pr_apikey *);
static int	is_id_char(int);
static int	is_secret_char(int);

int
pr_apikey_new(struct pr_apikey *key)
{
	if (key == NULL)
		return (-1);
	memset(key, 0, sizeof(*key));

	if (new_id(key->id) == -1 ||
	    pr_random_string(key->secret, sizeof(key->secret),
	    PR_KEY_SECRET_LEN) == -1) {
		OPENSSL_cleanse(key, sizeof(*key));
		return (-1);
	}
	hash_secret(key->secret, key->hash);
	make_full(key);

	return (0);
}

/*
 * Every position is checked before the next is read, so a short
 * string stops at its NUL and nothing beyond it is touched.
 */
int
pr_apikey_parse(const char *text, struct pr_apikey *key)
{
	const char	*p;
	size_t		 i;

	if (key == NULL)
		return (-1);
	memset(key, 0, sizeof(*key));
	if (text == NULL || strncmp(text, KEY_PREFIX, KEY_PREFIX_LEN) != 0)
		return (-1);

	p = text + KEY_PREFIX_LEN;
	for (i = 0; i < PR_KEY_ID_LEN; i++) {
		if (!is_id_char((unsigned char)p[i]))
			return (-1);
	}
	p += PR_KEY_ID_LEN;
	if (*p++ != '_')
		return (-1);
	for (i = 0; i < PR_KEY_SECRET_LEN; i++) {
		if (!is_secret_char((unsigned char)p[i]))
			return (-1);
	}
	if (p[PR_KEY_SECRET_LEN] != '\0')
		return (-1);

	memcpy(key->id, text + KEY_PREFIX_LEN, PR_KEY_ID_LEN);
	memcpy(key->secret, p, PR_KEY_SECRET_LEN);
	hash_secret(key->secret, key->hash);
	make_full(key);

	return (0);
}

int
pr_apikey_hash_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (0);
	/* Lengths are public; only the contents need constant time. */
	if (strnlen(a, PR_KEY_HASH_HEX + 1) != PR_KEY_HASH_HEX ||
	    strnlen(b, PR_KEY_HASH_HEX + 1) != PR_KEY_HASH_HEX)
		return (0);

	return (CRYPTO_memcmp(a, b, PR_KEY_HASH_HEX) == 0);
}

/*
 * Uniform over [a-z0-9]: keep only those characters of a uniform
 * [A-Za-z0-9] stream, which is rejection sampling without bias.
 */
static int
new_id(char *id)
{
	char	buf[33];
	size_t	i, j;

	for (i = 0; i < PR_KEY_ID_LEN;) {
		if (pr_random_string(buf, sizeof(buf), sizeof(buf) - 1) == -1)
			return (-1);
		for (j = 0; buf[j] != '\0' && i < PR_KEY_ID_LEN; j++) {
			if (is_id_char((unsigned char)buf[j]))
				id[i++] = buf[j];
		}
	}
	id[PR_KEY_ID_LEN] = '\0';
	OPENSSL_cleanse(buf, sizeof(buf));

	return (0);
}

static void
hash_secret(const char *secret, char *hex)
{
	static const char	digits[] = "0123456789abcdef";
	unsigned char		md[SHA256_DIGEST_LENGTH];
	size_t			i;

	SHA256((const unsigned char *)secret, strlen(secret), md);
	for (i = 0; i < sizeof(md); i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[2 * sizeof(md)] = '\0';
}

void
pr_token_hash(const char *token, char hex[PR_KEY_HASH_HEX + 1])
{
	hash_secret(token, hex);
}

static void
make_full(struct pr_apikey *key)
{
	char	*p;

	p = key->full;
	memcpy(p, KEY_PREFIX, KEY_PREFIX_LEN);
	p += KEY_PREFIX_LEN;
	memcpy(p, key->id, PR_KEY_ID_LEN);
	p += PR_KEY_ID_LEN;
	*p++ = '_';
	memcpy(p, key->secret, PR_KEY_SECRET_LEN);
	p[PR_KEY_SECRET_LEN] = '\0';
}

static int
is_id_char(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
}

static int
is_secret_char(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'));
}
