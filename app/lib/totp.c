/*
 * TOTP (RFC 6238, RFC 4226) and base32 (RFC 4648).
 */

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "totp.h"

#define KEY_MAX		64	/* bytes of a decoded secret */

static const char	b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int
b32_value(int c)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= '2' && c <= '7')
		return (c - '2' + 26);
	return (-1);
}

int
pr_base32_encode(const unsigned char *in, size_t len, int pad, char *out,
    size_t outlen)
{
	size_t		need, i, o = 0;
	uint32_t	buf = 0;
	int		bits = 0;

	if (outlen == 0)
		return (-1);
	out[0] = '\0';
	need = pad ? (len + 4) / 5 * 8 : (len * 8 + 4) / 5;
	if (need >= outlen)
		return (-1);
	for (i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32[(buf >> bits) & 31];
		}
		buf &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[o++] = b32[(buf << (5 - bits)) & 31];
	while (o < need)
		out[o++] = '=';
	out[o] = '\0';
	return (0);
}

int
pr_base32_decode(const char *in, unsigned char *out, size_t outlen)
{
	size_t		len, n, i, o = 0;
	uint32_t	buf = 0;
	int		bits = 0, v;

	len = strlen(in);
	for (n = len; n > 0 && in[n - 1] == '='; n--)
		;
	/* Padding, when there is any, fills the last group of eight. */
	if (n != len && (len % 8 != 0 || len - n >= 8))
		return (-1);
	/* 1, 3 or 6 characters in a group are no whole number of bytes. */
	if (n % 8 == 1 || n % 8 == 3 || n % 8 == 6)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((v = b32_value((unsigned char)in[i])) == -1)
			return (-1);
		buf = (buf << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= outlen)
				return (-1);
			bits -= 8;
			out[o++] = (buf >> bits) & 0xff;
		}
		buf &= (1u << bits) - 1;
	}
	return (buf == 0 ? (int)o : -1);
}

int
pr_hotp(const unsigned char *key, size_t keylen, uint64_t counter,
    int digits, char *out, size_t outlen)
{
	unsigned char	msg[8], md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	uint32_t	bin, mod = 1;
	int		i, off;

	if (key == NULL || keylen == 0 || keylen > KEY_MAX || digits < 6 ||
	    digits > 8 || out == NULL || outlen <= (size_t)digits)
		return (-1);
	for (i = 7; i >= 0; i--) {
		msg[i] = counter & 0xff;
		counter >>= 8;
	}
	if (HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), md,
	    &mdlen) == NULL || mdlen != 20)
		return (-1);
	/* Dynamic truncation (RFC 4226, 5.3). */
	off = md[19] & 0x0f;
	bin = (uint32_t)(md[off] & 0x7f) << 24 | (uint32_t)md[off + 1] << 16 |
	    (uint32_t)md[off + 2] << 8 | (uint32_t)md[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	snprintf(out, outlen, "%0*u", digits, (unsigned int)(bin % mod));
	OPENSSL_cleanse(md, sizeof(md));
	return (0);
}

int64_t
pr_totp_step(time_t t)
{
	return (t < 0 ? -1 : (int64_t)t / PR_TOTP_PERIOD);
}

int
pr_totp_code(const char *secret, int64_t step, char out[PR_TOTP_DIGITS + 1])
{
	unsigned char	key[KEY_MAX];
	int		n, rc;

	out[0] = '\0';
	if (secret == NULL || step < 0 ||
	    (n = pr_base32_decode(secret, key, sizeof(key))) <= 0)
		return (-1);
	rc = pr_hotp(key, (size_t)n, (uint64_t)step, PR_TOTP_DIGITS, out,
	    PR_TOTP_DIGITS + 1);
	OPENSSL_cleanse(key, sizeof(key));
	return (rc);
}

int
pr_totp_secret_new(char out[PR_TOTP_SECRET_LEN + 1])
{
	unsigned char	raw[PR_TOTP_SECRET_BYTES];
	int		rc = -1;

	out[0] = '\0';
	if (RAND_bytes(raw, sizeof(raw)) == 1)
		rc = pr_base32_encode(raw, sizeof(raw), 0, out,
		    PR_TOTP_SECRET_LEN + 1);
	OPENSSL_cleanse(raw, sizeof(raw));
	return (rc);
}

int64_t
pr_totp_check(const char *secret, const char *code, time_t now,
    int64_t last)
{
	char		want[PR_TOTP_DIGITS + 1];
	int64_t		step, found = -1;
	int		i;

	if (code == NULL || strlen(code) != PR_TOTP_DIGITS ||
	    strspn(code, "0123456789") != PR_TOTP_DIGITS)
		return (-1);
	step = pr_totp_step(now);
	for (i = -1; i <= 1; i++) {
		if (pr_totp_code(secret, step + i, want) == -1)
			continue;
		if (CRYPTO_memcmp(want, code, PR_TOTP_DIGITS) == 0 &&
		    step + i > last && found == -1)
			found = step + i;
	}
	OPENSSL_cleanse(want, sizeof(want));
	return (found);
}

/* Append s, percent-encoded when escape is set; -1 when out is full. */
static int
uri_put(char *out, size_t outlen, size_t *o, const char *s, int escape)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	int			 plain;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		plain = !escape || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~@", c) != NULL;
		if (*o + (plain ? 1 : 3) >= outlen)
			return (-1);
		if (plain) {
			out[(*o)++] = (char)c;
			continue;
		}
		out[(*o)++] = '%';
		out[(*o)++] = hex[c >> 4];
		out[(*o)++] = hex[c & 15];
	}
	out[*o] = '\0';
	return (0);
}

int
pr_totp_uri(const char *issuer, const char *account, const char *secret,
    char *out, size_t outlen)
{
	size_t	o = 0;

	if (outlen == 0)
		return (-1);
	out[0] = '\0';
	if (uri_put(out, outlen, &o, "otpauth://totp/", 0) == -1 ||
	    uri_put(out, outlen, &o, issuer, 1) == -1 ||
	    uri_put(out, outlen, &o, ":", 0) == -1 ||
	    uri_put(out, outlen, &o, account, 1) == -1 ||
	    uri_put(out, outlen, &o, "?secret=", 0) == -1 ||
	    uri_put(out, outlen, &o, secret, 1) == -1 ||
	    uri_put(out, outlen, &o, "&issuer=", 0) == -1 ||
	    uri_put(out, outlen, &o, issuer, 1) == -1) {
		out[0] = '\0';
		return (-1);
	}
	return (0);
}
