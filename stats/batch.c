/*
 * The collector's batch: records, interned addresses, an arena of strings
 * and the unparsed-line sample; see batch.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "copyout.h"
#include "hmap.h"
#include "xalloc.h"

void
st_batch_init(struct st_batch *b)
{
	memset(b, 0, sizeof(*b));
	sbuf_init(&b->arena);
	sbuf_init(&b->keys);
	st_hmap_init(&b->addrmap);
	st_batch_reset(b);
}

void
st_batch_free(struct st_batch *b)
{
	sbuf_free(&b->arena);
	sbuf_free(&b->keys);
	free(b->recs);
	free(b->addrs);
	st_hmap_free(&b->addrmap);
	memset(b, 0, sizeof(*b));
}

void
st_batch_reset(struct st_batch *b)
{
	size_t	r, s;

	sbuf_reset(&b->arena);
	sbuf_append(&b->arena, "", 1);		/* offset 0: "" */
	b->nrecs = 0;
	b->naddrs = 0;
	sbuf_reset(&b->keys);
	st_hmap_clear(&b->addrmap);
	for (r = 0; r < LP_SKIP__COUNT; r++) {
		for (s = 0; s < ST_SAMPLE_SLOTS; s++)
			b->sample[r][s].used = 0;
	}
}

const char *
st_batch_at(const struct st_batch *b, uint32_t off)
{
	return (b->arena.data + off);
}

struct st_rec *
st_batch_rec(struct st_batch *b, enum st_rec_kind kind, int64_t at)
{
	struct st_rec	*r;

	if (b->nrecs == b->caprecs) {
		b->caprecs = b->caprecs ? b->caprecs * 2 : 1024;
		b->recs = st_xrealloc(b->recs, b->caprecs, sizeof(*b->recs));
	}
	r = &b->recs[b->nrecs++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->at = at;
	r->addr = r->acct = ST_NONE;
	return (r);
}

uint32_t
st_batch_str(struct st_batch *b, const char *s, size_t n, size_t max)
{
	char		buf[ST_SAMPLE_MAX + 1];
	uint32_t	off;
	size_t		len;

	if (n == 0)
		return (0);
	if (max > ST_SAMPLE_MAX)
		max = ST_SAMPLE_MAX;
	len = st_clean(buf, max + 1, s, n);
	off = (uint32_t)b->arena.len;
	sbuf_append(&b->arena, buf, len + 1);
	return (off);
}

struct addr_key {
	const char	*keys;
	const char	*s;
	uint32_t	 len;
};

/* Index and length in front of the key at off. */
#define KEY_HDR		(2 * sizeof(uint32_t))

static int
addr_eq(const void *arg, uint32_t off)
{
	const struct addr_key	*k = arg;
	uint32_t		 len;

	memcpy(&len, k->keys + off + sizeof(uint32_t), sizeof(len));
	return (len == k->len && memcmp(k->keys + off + KEY_HDR, k->s,
	    len) == 0);
}

static uint32_t
addr_new(struct st_batch *b, uint64_t h, const char *low, uint32_t len)
{
	struct st_addr	*a;
	uint32_t	 idx, off;

	if (b->naddrs == b->capaddrs) {
		b->capaddrs = b->capaddrs ? b->capaddrs * 2 : 256;
		b->addrs = st_xrealloc(b->addrs, b->capaddrs,
		    sizeof(*b->addrs));
	}
	idx = (uint32_t)b->naddrs++;
	off = (uint32_t)b->keys.len;
	sbuf_append(&b->keys, &idx, sizeof(idx));
	sbuf_append(&b->keys, &len, sizeof(len));
	sbuf_append(&b->keys, low, len + 1);
	a = &b->addrs[idx];
	memset(a, 0, sizeof(*a));
	a->off = off + KEY_HDR;
	a->len = len;
	st_hmap_put(&b->addrmap, h, off);
	return (idx);
}

uint32_t
st_batch_addr(struct st_batch *b, const char *s, size_t n)
{
	struct addr_key	 k;
	char		 low[ST_ADDR_MAX + 1];
	size_t		 i, len;
	uint32_t	 off, idx;
	uint64_t	 h;

	len = st_clean(low, sizeof(low), s, n);
	for (i = 0; i < len; i++) {
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] += 'a' - 'A';
	}
	h = st_hash(low, len);
	k.keys = b->keys.data;
	k.s = low;
	k.len = (uint32_t)len;
	if ((off = st_hmap_find(&b->addrmap, h, addr_eq, &k)) == ST_NONE)
		return (addr_new(b, h, low, (uint32_t)len));
	memcpy(&idx, b->keys.data + off, sizeof(idx));
	return (idx);
}

const char *
st_batch_key(const struct st_batch *b, const struct st_addr *a)
{
	return (b->keys.data + a->off);
}

int
st_batch_full(const struct st_batch *b, size_t pending, size_t batch_lines)
{
	return (pending >= batch_lines || b->arena.len + b->nrecs *
	    sizeof(*b->recs) >= ST_BATCH_BYTES);
}

void
st_batch_sample(struct st_batch *b, enum lp_skip why, uint64_t n,
    const char *line, size_t len)
{
	struct st_sample	*s;

	if ((int)why <= LP_SKIP_NONE || why >= LP_SKIP__COUNT)
		return;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	s = &b->sample[why][n % ST_SAMPLE_SLOTS];
	s->used = 1;
	s->len = len < sizeof(s->line) ? len : sizeof(s->line);
	memcpy(s->line, line, s->len);
}
