/*
 * Placement of a new mailbox on a mailstore (DESIGN.md section 2).
 */

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "placement.h"

/* int64_t * int64_t always fits, so every ratio is compared exactly. */
typedef __int128	wide_t;

static int64_t	capacity(const struct pr_store *);
static int	nearly_full(const struct pr_store *);
static int	cmp_wide(wide_t, wide_t);
static int	cmp_store(const struct pr_store *, const struct pr_store *);

int
pr_place(const struct pr_store *stores, size_t n)
{
	size_t	i;
	int	best, roomy;

	if (stores == NULL || n > INT_MAX)
		return (-1);

	roomy = 0;
	for (i = 0; i < n; i++) {
		if (stores[i].enabled && !nearly_full(&stores[i]))
			roomy = 1;
	}

	best = -1;
	for (i = 0; i < n; i++) {
		if (!stores[i].enabled)
			continue;
		if (roomy && nearly_full(&stores[i]))
			continue;
		if (best == -1 || cmp_store(&stores[i], &stores[best]) < 0)
			best = (int)i;
	}

	return (best);
}

int
pr_place_many(struct pr_store *stores, size_t n, size_t count, int *out)
{
	size_t	k;
	int	i;

	if (pr_place(stores, n) == -1)
		return (-1);

	for (k = 0; k < count; k++) {
		i = pr_place(stores, n);
		out[k] = i;
		stores[i].mailboxes++;
		stores[i].company_mailboxes++;
	}

	return (0);
}

/* A store without a sane capacity counts as one byte: always full. */
static int64_t
capacity(const struct pr_store *s)
{
	return (s->capacity_bytes > 0 ? s->capacity_bytes : 1);
}

/* used / capacity >= 90%, without rounding. */
static int
nearly_full(const struct pr_store *s)
{
	return ((wide_t)s->used_bytes * 10 >= (wide_t)capacity(s) * 9);
}

static int
cmp_wide(wide_t a, wide_t b)
{
	return ((a > b) - (a < b));
}

/* Rules 2 to 5 of placement.h: negative when a is the better store. */
static int
cmp_store(const struct pr_store *a, const struct pr_store *b)
{
	int	c;

	if ((c = cmp_wide(a->company_mailboxes, b->company_mailboxes)) != 0)
		return (c);
	if ((c = cmp_wide((wide_t)a->used_bytes * capacity(b),
	    (wide_t)b->used_bytes * capacity(a))) != 0)
		return (c);
	if ((c = cmp_wide((wide_t)a->mailboxes * capacity(b),
	    (wide_t)b->mailboxes * capacity(a))) != 0)
		return (c);

	return (cmp_wide(a->id, b->id));
}
