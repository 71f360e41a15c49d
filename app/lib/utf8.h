/*
 * UTF-8 well-formedness, shared by the JSON reader and the CSV import.
 * Pure code: no Kore.
 */
#ifndef PR_UTF8_H
#define PR_UTF8_H

#include <stddef.h>

/*
 * Length of the well-formed UTF-8 sequence at s (Unicode table 3-7: no
 * overlongs, no surrogates, nothing above U+10FFFF), or 0; avail > 0.
 */
size_t	pr_utf8_len(const unsigned char *s, size_t avail);

/* Whether len bytes at s are well-formed UTF-8. */
int	pr_utf8_valid(const char *s, size_t len);

#endif
