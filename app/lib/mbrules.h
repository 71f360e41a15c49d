/*
 * The rules of a mailbox's fields, one implementation for the JSON API
 * (create, change) and the CSV import.  Pure code: no Kore.  Each rule
 * returns NULL when the value is acceptable, else the reason.
 */
#ifndef PR_MBRULES_H
#define PR_MBRULES_H

#include <stddef.h>
#include <stdint.h>

#define PR_MB_NSERVICES		5
#define PR_MB_STATE_LEN		12

#define PR_MB_DISPLAY_CHARS	200	/* UTF-8 characters */
#define PR_MB_DISPLAY_BYTES	800	/* the most 200 of them take */
#define PR_MB_QUOTA_MIN		1
#define PR_MB_SEND_LIMIT_MAX	1000000
/* A new mailbox's 24-hour sending limit when none is given. */
#define PR_MB_SEND_LIMIT_DEFAULT 2000

/* imap pop3 webmail send receive, then NULL. */
extern const char *const	pr_mb_services_names[PR_MB_NSERVICES + 1];

/* len bytes of UTF-8 text, no control characters, at most 200 of them. */
const char	*pr_mb_display_name_rule(const char *s, size_t len);

/*
 * A service's state: "enabled" or "disabled", and "suspended" when
 * allowed (a change may suspend; a new mailbox starts unsuspended).
 */
const char	*pr_mb_service_rule(const char *state, int allow_suspended);

/*
 * A whole number in decimal, digits only (an optional '-' for a
 * negative min), from min to max.  Returns 0 with *out set, or -1.
 */
int		 pr_mb_whole(const char *s, int64_t min, int64_t max,
		    int64_t *out);

#endif
