/*
 * Validation and normalisation of domain names and mail addresses.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <idn2.h>

#include "validate.h"

/*
 * Longest raw domain we hand to libidn2.  A UTF-8 code point takes at
 * most four octets and at least one in the A-label form, so no sane
 * name is longer; a hostile one costs no IDNA work.
 */
#define RAW_DOMAIN_MAX		(4 * PR_DOMAIN_MAX + 1)

#define IDNA_FLAGS		(IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)

static const char	*bad_char(int, const char *);
static const char	*name_part(const char *, const char *);
static const char	*emit(const char *, size_t, char *, size_t);
static const char	*idna_reason(int);
static const char	*scan_raw_domain(const char *, size_t, int *);
static const char	*to_alabels(char *, size_t);
static const char	*check_label(const char *, size_t);
static const char	*check_labels(const char *);
static const char	*domain_check(const char *, char *);
static const char	*local_check(const char *, size_t, char *);
static int		 alabel_ok(const char *, size_t);
static int		 is_ldh(int);
static int		 is_atext(int);
static int		 is_control(int);
static void		 lower(char *);

/* Reasons naming a character or a part are built here, per thread. */
static _Thread_local char	char_reason[48];
static _Thread_local char	part_reason[96];

const char *
pr_domain_check(const char *in, char *out, size_t outlen)
{
	char		buf[RAW_DOMAIN_MAX + 1];
	const char	*r;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if ((r = domain_check(in, buf)) != NULL)
		return (r);
	return (emit(buf, strlen(buf), out, outlen));
}

const char *
pr_local_check(const char *in, char *out, size_t outlen)
{
	char		buf[PR_LOCAL_MAX + 1];
	const char	*r;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (in == NULL)
		in = "";
	if ((r = local_check(in, strnlen(in, PR_LOCAL_MAX + 1), buf)) != NULL)
		return (r);
	return (emit(buf, strlen(buf), out, outlen));
}

const char *
pr_address_check(const char *in, char *out, size_t outlen)
{
	char		local[PR_LOCAL_MAX + 1];
	char		domain[RAW_DOMAIN_MAX + 1];
	char		addr[PR_LOCAL_MAX + 1 + RAW_DOMAIN_MAX + 1];
	const char	*at, *r;
	size_t		llen, dlen;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (in == NULL || (at = strchr(in, '@')) == NULL)
		return ("missing @");
	if (strchr(at + 1, '@') != NULL)
		return ("more than one @");

	llen = (size_t)(at - in);
	if ((r = local_check(in, llen, local)) != NULL)
		return (name_part("local part", r));
	if ((r = domain_check(at + 1, domain)) != NULL)
		return (name_part("domain", r));

	llen = strlen(local);
	dlen = strlen(domain);
	if (llen + 1 + dlen > PR_ADDRESS_MAX)
		return ("address longer than 254 octets");
	memcpy(addr, local, llen);
	addr[llen] = '@';
	memcpy(addr + llen + 1, domain, dlen + 1);

	return (emit(addr, llen + 1 + dlen, out, outlen));
}

/* Copy a normalised result out, or refuse without a partial write. */
static const char *
emit(const char *s, size_t len, char *out, size_t outlen)
{
	if (out == NULL || len >= outlen)
		return ("output buffer too small");
	memcpy(out, s, len + 1);
	return (NULL);
}

/* buf holds RAW_DOMAIN_MAX + 1 bytes; on success the A-label form. */
static const char *
domain_check(const char *in, char *buf)
{
	const char	*r;
	size_t		 len;
	int		 ascii;

	buf[0] = '\0';
	if (in == NULL || in[0] == '\0')
		return ("domain is empty");
	if ((len = strnlen(in, RAW_DOMAIN_MAX + 1)) > RAW_DOMAIN_MAX)
		return ("domain longer than 253 octets");
	if ((r = scan_raw_domain(in, len, &ascii)) != NULL)
		return (r);

	memcpy(buf, in, len + 1);
	if (!ascii && (r = to_alabels(buf, RAW_DOMAIN_MAX + 1)) != NULL) {
		buf[0] = '\0';
		return (r);
	}

	/* The root label: "example.com." names the same domain. */
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
	lower(buf);

	if ((r = check_labels(buf)) != NULL) {
		buf[0] = '\0';
		return (r);
	}
	return (NULL);
}

/*
 * Look at the raw octets first so that a stray space or control
 * character is reported as such rather than as an IDNA failure.
 */
static const char *
scan_raw_domain(const char *in, size_t len, int *ascii)
{
	size_t		i;
	unsigned char	c;

	*ascii = 1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c >= 0x80) {
			*ascii = 0;
			continue;
		}
		if (c != '.' && !is_ldh(c))
			return (bad_char(c, "domain"));
	}
	return (NULL);
}

/* Convert UTF-8 in buf (size bytes) to A-labels in place. */
static const char *
to_alabels(char *buf, size_t size)
{
	uint8_t		*a;
	size_t		 len;
	int		 rc;

	a = NULL;
	if ((rc = idn2_lookup_u8((const uint8_t *)buf, &a, IDNA_FLAGS))
	    != IDN2_OK)
		return (idna_reason(rc));

	len = strlen((const char *)a);
	if (len >= size) {
		idn2_free(a);
		return ("domain longer than 253 octets");
	}
	memcpy(buf, a, len + 1);
	idn2_free(a);

	return (NULL);
}

static const char *
idna_reason(int rc)
{
	switch (rc) {
	case IDN2_ENCODING_ERROR:
		return ("invalid UTF-8 in domain");
	case IDN2_TOO_BIG_DOMAIN:
		return ("domain longer than 253 octets");
	case IDN2_TOO_BIG_LABEL:
		return ("label longer than 63 octets");
	case IDN2_HYPHEN_STARTEND:
		return ("label starts or ends with a hyphen");
	case IDN2_2HYPHEN:
		return ("label has hyphens in positions 3 and 4");
	case IDN2_MALLOC:
		return ("out of memory");
	default:
		return ("invalid IDNA label");
	}
}

/* d is lower-case ASCII without a trailing dot. */
static const char *
check_labels(const char *d)
{
	const char	*p, *dot, *top;
	const char	*r;
	size_t		 n, labels;

	if (d[0] == '\0')
		return ("domain is empty");
	if (strlen(d) > PR_DOMAIN_MAX)
		return ("domain longer than 253 octets");

	labels = 0;
	top = d;
	for (p = d;; p = dot + 1) {
		dot = strchr(p, '.');
		n = (dot != NULL) ? (size_t)(dot - p) : strlen(p);
		if ((r = check_label(p, n)) != NULL)
			return (r);
		labels++;
		top = p;
		if (dot == NULL)
			break;
	}

	if (labels < 2)
		return ("needs at least two labels");

	/* RFC 3696 section 2: keeps "1.2.3.4" from passing as a name. */
	if (strspn(top, "0123456789") == strlen(top))
		return ("top-level label is all-numeric");

	return (NULL);
}

static const char *
check_label(const char *p, size_t n)
{
	size_t		i;

	if (n == 0)
		return ("empty label");
	if (n > PR_LABEL_MAX)
		return ("label longer than 63 octets");
	for (i = 0; i < n; i++) {
		if (!is_ldh((unsigned char)p[i]))
			return (bad_char((unsigned char)p[i], "domain"));
	}
	if (p[0] == '-' || p[n - 1] == '-')
		return ("label starts or ends with a hyphen");

	/* "??--" is reserved for IDNA; only real A-labels may use it. */
	if (n >= 4 && p[2] == '-' && p[3] == '-') {
		if (strncmp(p, "xn--", 4) != 0)
			return ("label has hyphens in positions 3 and 4");
		if (!alabel_ok(p, n))
			return ("invalid IDNA label");
	}

	return (NULL);
}

/*
 * An A-label is valid when it decodes and the decoded U-label encodes
 * back to exactly the same A-label under IDNA2008/UTS #46 rules; this
 * catches bad Punycode as well as disallowed or non-canonical labels.
 */
static int
alabel_ok(const char *p, size_t n)
{
	char		 label[PR_LABEL_MAX + 1];
	char		*u;
	uint8_t		*back;
	int		 ok;

	memcpy(label, p, n);
	label[n] = '\0';

	u = NULL;
	if (idn2_to_unicode_8z8z(label, &u, 0) != IDN2_OK)
		return (0);

	back = NULL;
	ok = idn2_lookup_u8((const uint8_t *)u, &back, IDNA_FLAGS) == IDN2_OK &&
	    strcmp((const char *)back, label) == 0;

	idn2_free(back);
	idn2_free(u);

	return (ok);
}

/* in has at least len bytes (or a NUL earlier); buf PR_LOCAL_MAX + 1. */
static const char *
local_check(const char *in, size_t len, char *buf)
{
	size_t		i;
	unsigned char	c;

	buf[0] = '\0';
	if (len == 0 || in[0] == '\0')
		return ("local part is empty");
	if (in[0] == '"')
		return ("quoted local parts are not supported");

	for (i = 0; i < len && in[i] != '\0'; i++) {
		c = (unsigned char)in[i];
		if (c >= 0x80)
			return ("non-ASCII local parts are not supported");
		if (c != '.' && !is_atext(c))
			return (bad_char(c, "local part"));
	}
	len = i;

	if (len > PR_LOCAL_MAX)
		return ("local part longer than 64 octets");
	if (in[0] == '.' || in[len - 1] == '.')
		return ("local part starts or ends with a dot");

	memcpy(buf, in, len);
	buf[len] = '\0';
	if (strstr(buf, "..") != NULL) {
		buf[0] = '\0';
		return ("local part has two consecutive dots");
	}
	lower(buf);

	return (NULL);
}

static const char *
bad_char(int c, const char *where)
{
	if (is_control(c))
		(void)snprintf(char_reason, sizeof(char_reason),
		    "control character in %s", where);
	else
		(void)snprintf(char_reason, sizeof(char_reason),
		    "invalid character '%c' in %s", c, where);

	return (char_reason);
}

/* Make sure a reason from a sub-check says which part it is about. */
static const char *
name_part(const char *part, const char *r)
{
	if (strstr(r, part) != NULL)
		return (r);
	(void)snprintf(part_reason, sizeof(part_reason), "%s: %s", part, r);

	return (part_reason);
}

static int
is_ldh(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-');
}

static int
is_atext(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int
is_control(int c)
{
	return (c < 0x20 || c == 0x7f);
}

/* ASCII only: a locale must not change what a name means. */
static void
lower(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	}
}

/* RFC 3339 date-times (pr_time_check). */
static int
time_digits(const char *s, int n)
{
	int	i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	return (v);
}

static int
days_in(int y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return (29);
	return (days[m - 1]);
}

int
pr_time_check(const char *s)
{
	int	y, mo, d, h, mi, sec;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return (0);
	y = time_digits(s, 4);
	mo = time_digits(s + 5, 2);
	d = time_digits(s + 8, 2);
	h = time_digits(s + 11, 2);
	mi = time_digits(s + 14, 2);
	sec = time_digits(s + 17, 2);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return (0);
	s += 19;
	if (*s == '.') {
		if (strspn(++s, "0123456789") == 0)
			return (0);
		s += strspn(s, "0123456789");
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return (1);
	return ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':' &&
	    (h = time_digits(s + 1, 2)) >= 0 && h <= 23 &&
	    (mi = time_digits(s + 4, 2)) >= 0 && mi <= 59);
}
