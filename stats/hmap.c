/*
 * Open-addressing hash index with linear probing; see hmap.h.
 */

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xalloc.h"

#define CAP_MIN		64

/* FNV's low bits alone cluster under linear probing. */
static size_t
slot(const struct st_hmap *m, uint64_t h)
{
	return ((h ^ (h >> 31) ^ (h >> 47)) & (m->cap - 1));
}

void
st_hmap_init(struct st_hmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
st_hmap_free(struct st_hmap *m)
{
	free(m->hash);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}

void
st_hmap_clear(struct st_hmap *m)
{
	if (m->cap > 0)
		memset(m->idx, 0xff, m->cap * sizeof(*m->idx));
	m->n = 0;
}

uint32_t
st_hmap_find(const struct st_hmap *m, uint64_t h, st_hmap_eq eq,
    const void *arg)
{
	size_t	i;

	if (m->cap == 0)
		return (ST_NONE);
	for (i = slot(m, h); m->idx[i] != ST_NONE;
	    i = (i + 1) & (m->cap - 1)) {
		if (m->hash[i] == h && eq(arg, m->idx[i]))
			return (m->idx[i]);
	}
	return (ST_NONE);
}

static void
insert(struct st_hmap *m, uint64_t h, uint32_t idx)
{
	size_t	i;

	for (i = slot(m, h); m->idx[i] != ST_NONE;
	    i = (i + 1) & (m->cap - 1))
		;
	m->hash[i] = h;
	m->idx[i] = idx;
	m->n++;
}

static void
grow(struct st_hmap *m)
{
	struct st_hmap	old = *m;
	size_t		i;

	m->cap = old.cap ? old.cap * 2 : CAP_MIN;
	m->hash = st_xcalloc(m->cap, sizeof(*m->hash));
	m->idx = st_xcalloc(m->cap, sizeof(*m->idx));
	memset(m->idx, 0xff, m->cap * sizeof(*m->idx));
	m->n = 0;
	for (i = 0; i < old.cap; i++) {
		if (old.idx[i] != ST_NONE)
			insert(m, old.hash[i], old.idx[i]);
	}
	free(old.hash);
	free(old.idx);
}

/* The caller has made sure that the key is not there yet. */
void
st_hmap_put(struct st_hmap *m, uint64_t h, uint32_t idx)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	insert(m, h, idx);
}

uint64_t
st_hash_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

uint64_t
st_hash(const void *p, size_t n)
{
	return (st_hash_more(0xcbf29ce484222325ULL, p, n));
}
