/*
 * A strict JSON (RFC 8259) reader for request bodies.  Pure code: no Kore.
 *
 * Kore 4.1's own parser refuses \u escapes, which most JSON writers emit
 * for non-ASCII text, so request bodies are read with this one instead.
 */
#ifndef PR_JSON_H
#define PR_JSON_H

#include <stddef.h>
#include <stdint.h>

enum pr_json_type {
	PR_JSON_NULL,
	PR_JSON_BOOL,
	PR_JSON_NUMBER,
	PR_JSON_STRING,
	PR_JSON_ARRAY,
	PR_JSON_OBJECT
};

struct pr_json {
	enum pr_json_type	 type;
	const char		*key;		/* member name, or NULL */
	struct pr_json		*next;		/* next member or element */
	union {
		int		 boolean;
		struct {
			int	 is_integer;	/* no fraction or exponent,
						   and fits in int64 */
			int64_t	 integer;
			double	 real;
		} number;
		struct {
			const char	*s;	/* UTF-8, NUL-terminated */
			size_t		 len;
		} string;
		struct {
			struct pr_json	*first;
			size_t		 count;
		} children;			/* arrays and objects */
	} u;
};

struct pr_json_doc {
	struct pr_json	*root;
	void		*arena;		/* every allocation of the document */
};

#define PR_JSON_DEPTH_MAX	32

/*
 * Parse len bytes of text.  Returns 0, or -1 with a message in err naming
 * the line and column ("line 3, column 14: expected ':' after a member
 * name").  Refused: invalid UTF-8 (also in escapes: lone surrogates),
 * U+0000 in strings or names, a name given twice in one object, nesting
 * deeper than PR_JSON_DEPTH_MAX, anything after the value but white space.
 */
int			 pr_json_parse(const char *text, size_t len,
			    struct pr_json_doc *doc, char *err, size_t errlen);
void			 pr_json_free(struct pr_json_doc *doc);

/* The member named key of an object, or NULL (also for non-objects). */
const struct pr_json	*pr_json_get(const struct pr_json *obj,
			    const char *key);

/* "string", "number", ... for messages. */
const char		*pr_json_type_name(enum pr_json_type);

#endif
