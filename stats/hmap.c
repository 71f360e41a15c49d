/*
 * Open-addressing hash index with linear probing; see hmap.h.
 */

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xalloc.h"

#define CAP_MIN		64

/* Folds the high bits in: the slot is taken from the low ones. */
static uint32_t
tag(uint64_t h)
{
	return ((uint32_t)(h ^ (h >> 31) ^ (h >> 47)));
}

void
st_hmap_init(struct st_hmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
st_hmap_free(struct st_hmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

void
st_hmap_clear(struct st_hmap *m)
{
	if (m->cap > 0)
		memset(m->slot, 0xff, m->cap * sizeof(*m->slot));
	m->n = 0;
}

uint32_t
st_hmap_find(const struct st_hmap *m, uint64_t h, st_hmap_eq eq,
    const void *arg)
{
	const struct st_hslot	*s;
	uint32_t		 t = tag(h);
	size_t			 i;

	if (m->cap == 0)
		return (ST_NONE);
	for (i = t & (m->cap - 1); (s = &m->slot[i])->idx != ST_NONE;
	    i = (i + 1) & (m->cap - 1)) {
		if (s->tag == t && eq(arg, s->idx))
			return (s->idx);
	}
	return (ST_NONE);
}

static void
insert(struct st_hmap *m, uint32_t t, uint32_t idx)
{
	size_t	i;

	for (i = t & (m->cap - 1); m->slot[i].idx != ST_NONE;
	    i = (i + 1) & (m->cap - 1))
		;
	m->slot[i].tag = t;
	m->slot[i].idx = idx;
	m->n++;
}

static void
grow(struct st_hmap *m)
{
	struct st_hmap	old = *m;
	size_t		i;

	m->cap = old.cap ? old.cap * 2 : CAP_MIN;
	m->slot = st_xcalloc(m->cap, sizeof(*m->slot));
	memset(m->slot, 0xff, m->cap * sizeof(*m->slot));
	m->n = 0;
	for (i = 0; i < old.cap; i++) {
		if (old.slot[i].idx != ST_NONE)
			insert(m, old.slot[i].tag, old.slot[i].idx);
	}
	free(old.slot);
}

/* The caller has made sure that the key is not there yet. */
void
st_hmap_put(struct st_hmap *m, uint64_t h, uint32_t idx)
{
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	insert(m, tag(h), idx);
}

static uint64_t
mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	return (h ^ (h >> 32));
}

uint64_t
st_hash(const void *p, size_t n)
{
	const unsigned char	*s = p;
	uint64_t		 h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = mix(h, w);
	}
	w = 0;
	memcpy(&w, s, n);
	return (mix(mix(h, w), 0xc4ceb9fe1a85ec53ULL));
}
