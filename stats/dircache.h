/*
 * What the collector knows of the database's directory, in bounded memory:
 * the domain names of all companies (an address is looked up only when its
 * domain is one of them), the mailboxes looked up so far (found or not),
 * and the time zones of their companies.  Filled by the database code
 * (stats/db_resolve.c); forgets every mailbox when it holds max of them,
 * and when told to (new mailboxes must not stay unknown for long).
 */

#ifndef ST_DIRCACHE_H
#define ST_DIRCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "hmap.h"
#include "logparse.h"
#include "sbuf.h"

#define ST_ZONES_MAX	512

struct st_dir_ent {
	uint32_t	off;		/* key in the arena */
	uint32_t	len;
	struct st_mbox	mbox;
};

struct st_dir {
	size_t			 max;		/* mailboxes remembered */
	struct st_hmap		 map;
	struct sbuf		 keys;
	struct st_dir_ent	*ents;
	size_t			 nents;
	size_t			 capents;
	struct st_hmap		 dmap;		/* domain names */
	struct sbuf		 dkeys;
	uint32_t		*doffs;
	size_t			 ndoms;
	size_t			 capdoms;
	char			 zone_names[ST_ZONES_MAX][LP_TZ_MAX];
	struct lp_source	*zones;
	size_t			 nzones;
};

void	st_dir_init(struct st_dir *, size_t max);
void	st_dir_free(struct st_dir *);

/* Forget the mailboxes (not the domains or zones). */
void	st_dir_forget(struct st_dir *);

/* 1 and *out when the address was looked up before, else 0. */
int	st_dir_get(const struct st_dir *, const char *, size_t,
	    struct st_mbox *);
void	st_dir_put(struct st_dir *, const char *, size_t,
	    const struct st_mbox *);

void	st_dir_domains_clear(struct st_dir *);
void	st_dir_domain_add(struct st_dir *, const char *, size_t);

/* Is the domain of this (lower-case) address one of ours? */
int	st_dir_ours(const struct st_dir *, const char *, size_t);

/*
 * Match a batch's addresses: ours set, and the mailbox when the cache
 * knows it; the others of our domains get ask set.  Returns how many.
 */
size_t	st_dir_resolve(const struct st_dir *, struct st_batch *);

/* Remember what the lookup found for the asked addresses (or not). */
void	st_dir_remember(struct st_dir *, const struct st_batch *);

/* The index of a zone (added when new; UTC for a bad or extra one). */
int	st_dir_zone(struct st_dir *, const char *);

/* The UTC day of the local date at time us in zone tz. */
int64_t	st_dir_local_day(struct st_dir *, int tz, int64_t us);

#endif
