/*
 * An open-addressing hash index for the collector: it maps a 64-bit hash
 * to the indexes of the caller's own array, and asks the caller whether
 * an index holds the key it looks for.  Grows by doubling.
 */

#ifndef ST_HMAP_H
#define ST_HMAP_H

#include <stddef.h>
#include <stdint.h>

#define ST_NONE		UINT32_MAX

struct st_hmap {
	uint64_t	*hash;
	uint32_t	*idx;		/* ST_NONE: empty slot */
	size_t		 cap;		/* power of 2, or 0 */
	size_t		 n;
};

/* Does the caller's item idx hold the key looked for? */
typedef int	(*st_hmap_eq)(const void *arg, uint32_t idx);

void		st_hmap_init(struct st_hmap *);
void		st_hmap_free(struct st_hmap *);
void		st_hmap_clear(struct st_hmap *);
uint32_t	st_hmap_find(const struct st_hmap *, uint64_t, st_hmap_eq,
		    const void *);
void		st_hmap_put(struct st_hmap *, uint64_t, uint32_t);

/* FNV-1a, for keys made of bytes. */
uint64_t	st_hash(const void *, size_t);
uint64_t	st_hash_more(uint64_t, const void *, size_t);

#endif
