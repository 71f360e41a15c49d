/*
 * The correlator's insides, shared by correlate.c and corrstate.c (which
 * saves and restores them) only.
 */

#ifndef CORR_INT_H
#define CORR_INT_H

#include <stdint.h>

#include "correlate.h"

#define NIL		UINT32_MAX

enum { L_SHORT = 0, L_LONG, L_NLISTS };

struct entry {
	struct lp_msg	m;
	uint64_t	ns;		/* hash of host and instance */
	uint32_t	hnext;		/* hash chain, or free list */
	uint32_t	prev;		/* LRU list */
	uint32_t	next;
	uint32_t	defer;		/* first deferred recipient slot */
	int		list;		/* L_SHORT, L_LONG, or -1: free */
};

struct dslot {
	struct lp_rcpt	r;
	uint32_t	next;
};

struct lru {
	uint32_t	head;		/* most recently used */
	uint32_t	tail;
};

struct lp_corr {
	struct lp_corr_config	 cfg;
	struct lp_corr_cb	 cb;
	struct entry		*ents;
	uint32_t		*buckets;
	uint32_t		 mask;
	uint32_t		 efree;
	struct dslot		*dslots;
	uint32_t		 dfree;
	struct lru		 lru[L_NLISTS];
	int64_t			 now_us;
	struct lp_corr_stats	 st;
};

/* Put entry i at the head of an LRU list / into its hash chain. */
void	lpc_lru_push(struct lp_corr *, uint32_t, int);
void	lpc_hash_insert(struct lp_corr *, uint32_t);

#endif
