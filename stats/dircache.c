/*
 * Domain names, mailboxes found or not, and zones; see dircache.h.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memrchr */
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dircache.h"
#include "hmap.h"
#include "xalloc.h"

void
st_dir_init(struct st_dir *d, size_t max)
{
	memset(d, 0, sizeof(*d));
	d->max = max > 0 ? max : 1;
	st_hmap_init(&d->map);
	st_hmap_init(&d->dmap);
	sbuf_init(&d->keys);
	sbuf_init(&d->dkeys);
	d->zones = st_xcalloc(ST_ZONES_MAX, sizeof(*d->zones));
	/* Zone 0 is UTC, for anything without a usable zone. */
	(void)st_dir_zone(d, "UTC");
}

void
st_dir_free(struct st_dir *d)
{
	st_hmap_free(&d->map);
	st_hmap_free(&d->dmap);
	sbuf_free(&d->keys);
	sbuf_free(&d->dkeys);
	free(d->ents);
	free(d->doffs);
	free(d->zones);
	memset(d, 0, sizeof(*d));
}

void
st_dir_forget(struct st_dir *d)
{
	st_hmap_clear(&d->map);
	sbuf_reset(&d->keys);
	d->nents = 0;
}

struct key {
	const char	*arena;
	const void	*items;
	const char	*s;
	size_t		 len;
};

static int
ent_eq(const void *arg, uint32_t i)
{
	const struct key	*k = arg;
	const struct st_dir_ent	*e = k->items;

	e += i;

	return (e->len == k->len &&
	    memcmp(k->arena + e->off, k->s, k->len) == 0);
}

int
st_dir_get(const struct st_dir *d, const char *s, size_t len,
    struct st_mbox *out)
{
	struct key	k = { d->keys.data, d->ents, s, len };
	uint32_t	i;

	if ((i = st_hmap_find(&d->map, st_hash(s, len), ent_eq, &k)) ==
	    ST_NONE)
		return (0);
	*out = d->ents[i].mbox;
	return (1);
}

void
st_dir_put(struct st_dir *d, const char *s, size_t len,
    const struct st_mbox *m)
{
	struct st_dir_ent	*e;

	if (d->nents >= d->max)
		st_dir_forget(d);
	if (d->nents == d->capents) {
		d->capents = d->capents ? d->capents * 2 : 1024;
		d->ents = st_xrealloc(d->ents, d->capents, sizeof(*d->ents));
	}
	e = &d->ents[d->nents];
	e->off = (uint32_t)d->keys.len;
	e->len = (uint32_t)len;
	e->mbox = *m;
	sbuf_append(&d->keys, s, len);
	st_hmap_put(&d->map, st_hash(s, len), (uint32_t)d->nents);
	d->nents++;
}

void
st_dir_domains_clear(struct st_dir *d)
{
	st_hmap_clear(&d->dmap);
	sbuf_reset(&d->dkeys);
	d->ndoms = 0;
}

static int
dom_eq(const void *arg, uint32_t i)
{
	const struct key	*k = arg;
	const uint32_t		*offs = k->items;
	const char		*name = k->arena + offs[i];

	return (strlen(name) == k->len && memcmp(name, k->s, k->len) == 0);
}

static int
dom_find(const struct st_dir *d, const char *s, size_t len)
{
	struct key	k = { d->dkeys.data, d->doffs, s, len };

	return (st_hmap_find(&d->dmap, st_hash(s, len), dom_eq, &k) !=
	    ST_NONE);
}

void
st_dir_domain_add(struct st_dir *d, const char *s, size_t len)
{
	if (len == 0 || dom_find(d, s, len))
		return;
	if (d->ndoms == d->capdoms) {
		d->capdoms = d->capdoms ? d->capdoms * 2 : 256;
		d->doffs = st_xrealloc(d->doffs, d->capdoms, sizeof(*d->doffs));
	}
	d->doffs[d->ndoms] = (uint32_t)d->dkeys.len;
	sbuf_append(&d->dkeys, s, len);
	sbuf_append(&d->dkeys, "", 1);
	st_hmap_put(&d->dmap, st_hash(s, len), (uint32_t)d->ndoms);
	d->ndoms++;
}

int
st_dir_ours(const struct st_dir *d, const char *addr, size_t len)
{
	const char	*at;

	if ((at = memrchr(addr, '@', len)) == NULL || at == addr)
		return (0);
	at++;
	return (dom_find(d, at, addr + len - at));
}

size_t
st_dir_resolve(const struct st_dir *d, struct st_batch *b)
{
	struct st_addr	*a;
	const char	*key;
	size_t		 i, n = 0;

	for (i = 0; i < b->naddrs; i++) {
		a = &b->addrs[i];
		key = st_batch_key(b, a);
		memset(&a->mbox, 0, sizeof(a->mbox));
		a->ours = st_dir_ours(d, key, a->len);
		a->ask = a->ours && !st_dir_get(d, key, a->len, &a->mbox);
		n += a->ask;
	}
	return (n);
}

void
st_dir_remember(struct st_dir *d, const struct st_batch *b)
{
	const struct st_addr	*a;
	size_t			 i;

	for (i = 0; i < b->naddrs; i++) {
		a = &b->addrs[i];
		if (a->ask)
			st_dir_put(d, st_batch_key(b, a), a->len, &a->mbox);
	}
}

int
st_dir_zone(struct st_dir *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->nzones; i++) {
		if (strcmp(d->zone_names[i], name) == 0)
			return ((int)i);
	}
	if (d->nzones == ST_ZONES_MAX || strlen(name) >= LP_TZ_MAX ||
	    lp_source_init(&d->zones[d->nzones], LP_FMT_AUTO, name, 0) == -1)
		return (0);
	snprintf(d->zone_names[d->nzones], LP_TZ_MAX, "%s", name);
	return ((int)d->nzones++);
}

int64_t
st_dir_local_day(struct st_dir *d, int tz, int64_t us)
{
	int64_t	secs = lp_floor_div(us, 1000000);

	if (tz < 0 || (size_t)tz >= d->nzones)
		tz = 0;
	return (lp_floor_div(secs + lp_utc_offset(&d->zones[tz], secs),
	    86400));
}
