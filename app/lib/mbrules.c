/*
 * The rules of a mailbox's fields (mbrules.h).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbrules.h"
#include "utf8.h"

const char *const pr_mb_services_names[PR_MB_NSERVICES + 1] = {
	"imap", "pop3", "webmail", "send", "receive", NULL
};

/* C0 controls, DEL, and C1 controls (U+0080 to U+009F) in UTF-8. */
static int
has_control(const unsigned char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return (1);
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] <= 0x9f)
			return (1);
	}
	return (0);
}

const char *
pr_mb_display_name_rule(const char *s, size_t len)
{
	size_t	i, chars = 0;

	if (!pr_utf8_valid(s, len))
		return ("must be UTF-8 text");
	if (has_control((const unsigned char *)s, len))
		return ("must not contain control characters");
	for (i = 0; i < len; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	if (chars > PR_MB_DISPLAY_CHARS || len > PR_MB_DISPLAY_BYTES)
		return ("at most 200 characters");
	return (NULL);
}

const char *
pr_mb_service_rule(const char *state, int allow_suspended)
{
	if (strcmp(state, "enabled") == 0 || strcmp(state, "disabled") == 0)
		return (NULL);
	if (allow_suspended && strcmp(state, "suspended") == 0)
		return (NULL);
	return (allow_suspended ?
	    "must be \"enabled\", \"disabled\" or \"suspended\"" :
	    "must be \"enabled\" or \"disabled\"");
}

int
pr_mb_whole(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char	*digits = s[0] == '-' ? s + 1 : s;
	char		*end;
	long long	 v;

	if (digits[0] < '0' || digits[0] > '9' ||
	    strspn(digits, "0123456789") != strlen(digits))
		return (-1);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}
