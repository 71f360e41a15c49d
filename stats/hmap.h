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

/*
 * A slot is 8 bytes, so that a probe costs one cache line: the mixed
 * hash's low 32 bits (which also place the slot) and the caller's index.
 */
struct st_hslot {
	uint32_t	tag;
	uint32_t	idx;		/* ST_NONE: empty slot */
};

struct st_hmap {
	struct st_hslot	*slot;
	size_t		 cap;		/* power of 2, at most 2^32, or 0 */
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

/* A hash of a key made of bytes, eight at a time. */
uint64_t	st_hash(const void *, size_t);

#endif
