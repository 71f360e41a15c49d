/*
 * Password hashing in the crypt(3) formats Dovecot verifies.
 */

#include <crypt.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "password.h"

#define PW_MIN		10
/* libxcrypt refuses longer passphrases, and so would Dovecot's crypt(). */
#define PW_MAX		511
#define BLF_COST	10
#define SALT_BYTES	16

#define STR(x)		#x
#define XSTR(x)		STR(x)

_Static_assert(PW_MAX < CRYPT_MAX_PASSPHRASE_SIZE, "PW_MAX too large");

struct scheme {
	const char	*name;		/* "{SHA512-CRYPT}" */
	const char	*magic;		/* what the hash must start with */
};

/* Dovecot's names; {CRYPT} takes whatever crypt(3) understands. */
static const struct scheme schemes[] = {
	{ "{SHA512-CRYPT}",	"$6$" },
	{ "{SHA256-CRYPT}",	"$5$" },
	{ "{BLF-CRYPT}",	"$2" },
	{ "{CRYPT}",		"" },
};

/* Common passwords that would otherwise pass the length rule. */
static const char *const common[] = {
	"0000000000", "0123456789", "0987654321", "1111111111",
	"1234567890", "12345678910", "1234567891", "123456789a",
	"1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx3edc", "abc1234567",
	"abcdefghij", "asdfghjkl1", "baseball123", "changeme123",
	"football123", "iloveyou12", "iloveyou123", "letmein123",
	"passw0rd123", "password01", "password12", "password123",
	"password1234", "princess123", "q1w2e3r4t5", "qwerty1234",
	"qwerty12345", "qwerty123456", "qwertyuiop", "sunshine12",
	"welcome123", "zxcvbnm123",
};

static const char	alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static const char	*stored_hash(const char *);
static size_t		 b64_span(const char *, size_t);
static int		 sha512_shape(const char *);
static int		 blf_shape(const char *);
static int		 has_control(const char *);
static size_t		 utf8_chars(const char *);
static int		 ascii_lower(int);
static int		 prefix_icase(const char *, const char *);
static int		 contains_icase(const char *, const char *);
static int		 is_common(const char *);

int
pr_password_hash(const char *pw, enum pr_pw_scheme scheme, char *out,
    size_t outlen)
{
	struct crypt_data	*cd;
	unsigned char		 rnd[SALT_BYTES];
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*magic, *name, *h;
	unsigned long		 cost;
	size_t			 nlen, hlen;
	int			 rv;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (pw == NULL || out == NULL || strlen(pw) > PW_MAX)
		return (-1);

	switch (scheme) {
	case PR_PW_SHA512_CRYPT:
		name = "{SHA512-CRYPT}";
		magic = "$6$";
		cost = 0;		/* libxcrypt default rounds */
		break;
	case PR_PW_BLF_CRYPT:
		name = "{BLF-CRYPT}";
		magic = "$2y$";
		cost = BLF_COST;
		break;
	default:
		return (-1);
	}

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return (-1);

	rv = -1;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto done;
	if (crypt_gensalt_rn(magic, cost, (const char *)rnd, sizeof(rnd),
	    setting, sizeof(setting)) == NULL)
		goto done;
	h = crypt_rn(pw, setting, cd, (int)sizeof(*cd));
	if (h == NULL || h[0] == '*')
		goto done;

	nlen = strlen(name);
	hlen = strlen(h);
	if (nlen + hlen >= outlen)
		goto done;
	memcpy(out, name, nlen);
	memcpy(out + nlen, h, hlen + 1);
	rv = 0;

done:
	OPENSSL_cleanse(rnd, sizeof(rnd));
	OPENSSL_cleanse(setting, sizeof(setting));
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);

	return (rv);
}

int
pr_password_verify(const char *pw, const char *stored)
{
	struct crypt_data	*cd;
	const char		*hash, *h;
	size_t			 len;
	int			 rv;

	if (pw == NULL || stored == NULL)
		return (-1);
	if ((hash = stored_hash(stored)) == NULL)
		return (-1);

	/* Nothing this long was ever hashed, so it cannot match. */
	if (strlen(pw) > PW_MAX)
		return (0);

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return (-1);

	h = crypt_rn(pw, hash, cd, (int)sizeof(*cd));
	len = strlen(hash);
	if (h == NULL || h[0] == '*')
		rv = -1;
	else if (strlen(h) != len)
		rv = -1;	/* truncated or padded hash */
	else
		rv = CRYPTO_memcmp(h, hash, len) == 0;

	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);

	return (rv);
}

/* The crypt(3) string after a known "{SCHEME}", or NULL. */
static const char *
stored_hash(const char *stored)
{
	const char	*hash;
	size_t		 i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (!prefix_icase(stored, schemes[i].name))
			continue;
		hash = stored + strlen(schemes[i].name);
		if (hash[0] == '\0')
			return (NULL);
		/* No silent downgrade: the hash must be what the tag says. */
		if (strncmp(hash, schemes[i].magic,
		    strlen(schemes[i].magic)) != 0)
			return (NULL);
		return (hash);
	}

	return (NULL);
}

const char *
pr_password_hash_rule(const char *stored)
{
	if (stored != NULL && strncmp(stored, "{SHA512-CRYPT}", 14) == 0 &&
	    sha512_shape(stored + 14))
		return (NULL);
	if (stored != NULL && strncmp(stored, "{BLF-CRYPT}", 11) == 0 &&
	    blf_shape(stored + 11))
		return (NULL);
	return ("must be {SHA512-CRYPT}$6$... or {BLF-CRYPT}$2y$... as "
	    "crypt(3) writes them");
}

/* Characters of crypt(3)'s base 64 alphabet at s, at most max. */
static size_t
b64_span(const char *s, size_t max)
{
	static const char	set[] = "./0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t			n;

	for (n = 0; n < max && s[n] != '\0' && strchr(set, s[n]) != NULL; n++)
		;
	return (n);
}

/* $6$[rounds=1000..999999999$]salt(1-16)$hash(86) */
static int
sha512_shape(const char *h)
{
	size_t	n;

	if (strncmp(h, "$6$", 3) != 0)
		return (0);
	h += 3;
	if (strncmp(h, "rounds=", 7) == 0) {
		h += 7;
		n = strspn(h, "0123456789");
		if (n < 4 || n > 9 || h[0] == '0' || h[n] != '$')
			return (0);
		h += n + 1;
	}
	if ((n = b64_span(h, 16)) == 0 || h[n] != '$')
		return (0);
	h += n + 1;
	return (b64_span(h, 87) == 86 && h[86] == '\0');
}

/* $2a$, $2b$ or $2y$, a cost of 04 to 31, then 22 + 31 characters. */
static int
blf_shape(const char *h)
{
	int	cost;

	if (strncmp(h, "$2", 2) != 0 || strchr("aby", h[2]) == NULL ||
	    h[2] == '\0' || h[3] != '$' || !isdigit((unsigned char)h[4]) ||
	    !isdigit((unsigned char)h[5]) || h[6] != '$')
		return (0);
	cost = (h[4] - '0') * 10 + (h[5] - '0');
	if (cost < 4 || cost > 31)
		return (0);
	h += 7;
	return (b64_span(h, 54) == 53 && h[53] == '\0');
}

const char *
pr_password_policy(const char *pw, const char *local)
{
	if (pw == NULL)
		pw = "";
	if (strnlen(pw, PW_MAX + 1) > PW_MAX)
		return ("must be at most " XSTR(PW_MAX) " characters");
	if (has_control(pw))
		return ("must not contain control characters");
	if (utf8_chars(pw) < PW_MIN)
		return ("must be at least " XSTR(PW_MIN) " characters");
	if (local != NULL && strlen(local) >= 3 && contains_icase(pw, local))
		return ("must not contain the local part");
	if (is_common(pw))
		return ("is too common");

	return (NULL);
}

int
pr_random_string(char *out, size_t outlen, size_t len)
{
	unsigned char	buf[64];
	size_t		i, j;

	if (out == NULL || outlen <= len) {
		if (out != NULL && outlen > 0)
			out[0] = '\0';
		return (-1);
	}

	for (i = 0; i < len;) {
		if (RAND_bytes(buf, sizeof(buf)) != 1) {
			OPENSSL_cleanse(buf, sizeof(buf));
			OPENSSL_cleanse(out, outlen);
			out[0] = '\0';
			return (-1);
		}
		for (j = 0; j < sizeof(buf) && i < len; j++) {
			/* 248 = 4 * 62; higher bytes would bias the start. */
			if (buf[j] >= 248)
				continue;
			out[i++] = alphabet[buf[j] % 62];
		}
	}
	out[len] = '\0';
	OPENSSL_cleanse(buf, sizeof(buf));

	return (0);
}

/* C0 controls, DEL, and C1 controls in their UTF-8 form. */
static int
has_control(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return (1);
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return (1);
	}

	return (0);
}

/* Characters, not octets: a UTF-8 continuation byte does not count. */
static size_t
utf8_chars(const char *s)
{
	size_t	n;

	for (n = 0; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}

	return (n);
}

static int
ascii_lower(int c)
{
	return ((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
}

/* ASCII case-insensitive; a locale must not change the answer. */
static int
prefix_icase(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++) {
		if (ascii_lower((unsigned char)*s) !=
		    ascii_lower((unsigned char)*prefix))
			return (0);
	}

	return (1);
}

static int
contains_icase(const char *hay, const char *needle)
{
	for (; *hay != '\0'; hay++) {
		if (prefix_icase(hay, needle))
			return (1);
	}

	return (0);
}

static int
is_common(const char *pw)
{
	size_t	i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		if (strlen(pw) == strlen(common[i]) &&
		    prefix_icase(pw, common[i]))
			return (1);
	}

	return (0);
}
