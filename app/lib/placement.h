/*
 * Placement of a new mailbox on a mailstore (DESIGN.md section 2).
 * Pure code: no Kore.
 */
#ifndef PR_PLACEMENT_H
#define PR_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

struct pr_store {
	int64_t		id;
	int		enabled;		/* state is 'enabled' */
	int64_t		capacity_bytes;		/* > 0 */
	int64_t		used_bytes;		/* bytes stored now */
	int64_t		mailboxes;		/* all mailboxes on it */
	int64_t		company_mailboxes;	/* this company's on it */
};

/*
 * Pick the store for one new mailbox of a company, or return -1 when
 * no store is enabled.  Rule, in order:
 *  1. only enabled stores; of those, stores under 90% full when any is;
 *  2. fewest of this company's mailboxes (a company is never bunched);
 *  3. lowest fill (used/capacity, compared exactly);
 *  4. fewest mailboxes per byte of capacity;
 *  5. lowest id (deterministic).
 * Returns the index into stores.
 */
int	pr_place(const struct pr_store *stores, size_t n);

/*
 * Place count mailboxes one after another, updating the counters in
 * stores as each is placed (mailboxes, company_mailboxes) and writing
 * the chosen index of each into out[count].  Returns 0, or -1 when no
 * store is enabled.
 */
int	pr_place_many(struct pr_store *stores, size_t n, size_t count,
	    int *out);

#endif
