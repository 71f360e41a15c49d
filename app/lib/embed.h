/* Files compiled into a binary by app/embed.sh. */
#ifndef PR_EMBED_H
#define PR_EMBED_H

#include <stddef.h>

struct pr_embedded {
	const char		*name;	/* path below its root, no leading / */
	const unsigned char	*data;	/* NUL-terminated for text use */
	size_t			 len;
	const char		*etag;	/* quoted, for HTTP */
};

/* Tables end with an entry whose name is NULL. */
extern const struct pr_embedded	pr_assets[];
extern const struct pr_embedded	pr_migrations[];

const struct pr_embedded	*pr_embedded_find(const struct pr_embedded *,
				    const char *name);

#endif
