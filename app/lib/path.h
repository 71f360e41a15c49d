/*
 * Segments of a URL path.  Pure code: no Kore.
 */
#ifndef PR_PATH_H
#define PR_PATH_H

#include <stddef.h>

/*
 * Segment n of path, counting from 0 after the leading '/' ("/api/v1/x"
 * has "api" at 0 and "x" at 2), percent-decoded into out.  A '+' stays a
 * '+': that rule is for query strings.  Returns 1 found, 0 when the path
 * has fewer segments, -1 when the segment is malformed (a bad escape, a
 * control character or NUL) or does not fit in outlen bytes.
 */
int	pr_path_segment(const char *path, int n, char *out, size_t outlen);

/*
 * s as one path segment: every octet that is not an RFC 3986 pchar
 * (unreserved, sub-delims, ':' or '@') percent-encoded, so that "a/b?c"
 * stays one segment.  Returns 0, or -1 when it does not fit in outlen
 * bytes (out is then "").
 */
int	pr_path_escape(const char *s, char *out, size_t outlen);

#endif
