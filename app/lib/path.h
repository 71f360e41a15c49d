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

#endif
