/*
 * Unit tests for app/lib/placement.c.
 */

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "placement.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define GB		((int64_t)1 << 30)

static struct pr_store
store(int64_t id, int64_t cap, int64_t used)
{
	struct pr_store	s;

	memset(&s, 0, sizeof(s));
	s.id = id;
	s.enabled = 1;
	s.capacity_bytes = cap;
	s.used_bytes = used;

	return (s);
}

static int64_t
spread(const struct pr_store *s, size_t n, int company)
{
	int64_t	v, lo, hi;
	size_t	i;

	lo = INT64_MAX;
	hi = INT64_MIN;
	for (i = 0; i < n; i++) {
		v = company ? s[i].company_mailboxes : s[i].mailboxes;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}

	return (hi - lo);
}

Test(place, no_enabled_store)
{
	struct pr_store	s[2];
	int		out[4] = { -7, -7, -7, -7 };

	cr_assert_eq(pr_place(NULL, 0), -1);
	cr_assert_eq(pr_place(s, 0), -1);

	s[0] = store(1, GB, 0);
	s[1] = store(2, GB, 0);
	s[0].enabled = s[1].enabled = 0;
	cr_assert_eq(pr_place(s, 2), -1);
	cr_assert_eq(pr_place_many(s, 2, 4, out), -1);
	cr_assert_eq(out[0], -7, "out written without a store");
	cr_assert_eq(s[0].mailboxes + s[1].mailboxes, 0);
}

Test(place, disabled_never_chosen)
{
	struct pr_store	s[3];
	int		out[300];
	size_t		i;

	/* The disabled ones would win every other rule. */
	s[0] = store(1, GB, 0);
	s[1] = store(2, GB, GB / 2);
	s[2] = store(3, GB, 0);
	s[0].enabled = s[2].enabled = 0;
	s[1].mailboxes = s[1].company_mailboxes = 1000;

	cr_assert_eq(pr_place(s, 3), 1);
	cr_assert_eq(pr_place_many(s, 3, NELEM(out), out), 0);
	for (i = 0; i < NELEM(out); i++)
		cr_assert_eq(out[i], 1);
	cr_assert_eq(s[0].mailboxes, 0);
	cr_assert_eq(s[2].mailboxes, 0);
	cr_assert_eq(s[1].mailboxes, 1300);
	cr_assert_eq(s[1].company_mailboxes, 1300);
}

Test(place, even_for_one_company)
{
	struct pr_store	s[3];
	static int	out[2000];
	size_t		i;
	int64_t		total;

	for (i = 0; i < 3; i++)
		s[i] = store((int64_t)i + 1, 100 * GB, 10 * GB);

	cr_assert_eq(pr_place_many(s, 3, NELEM(out), out), 0);
	total = 0;
	for (i = 0; i < 3; i++) {
		cr_assert(s[i].company_mailboxes == 666 ||
		    s[i].company_mailboxes == 667, "store %zu has %lld", i,
		    (long long)s[i].company_mailboxes);
		cr_assert_eq(s[i].mailboxes, s[i].company_mailboxes);
		cr_assert_eq(s[i].used_bytes, 10 * GB, "used_bytes changed");
		total += s[i].mailboxes;
	}
	cr_assert_eq(total, 2000);
	cr_assert_leq(spread(s, 3, 1), 1);
}

/*
 * Two companies share three stores: each sees its own company count
 * but the same totals.  Copy the totals across after each pick.
 */
static void
place_for(struct pr_store *mine, struct pr_store *theirs, size_t n)
{
	int	i;

	cr_assert_eq(pr_place_many(mine, n, 1, &i), 0);
	theirs[i].mailboxes = mine[i].mailboxes;
}

Test(place, two_companies_interleaved)
{
	struct pr_store	a[3], b[3];
	size_t		i, k;

	for (i = 0; i < 3; i++)
		a[i] = b[i] = store((int64_t)i + 1, 100 * GB, 0);

	for (k = 0; k < 1000; k++) {
		place_for(a, b, 3);
		place_for(b, a, 3);
		cr_assert_leq(spread(a, 3, 1), 1, "company a at %zu", k);
		cr_assert_leq(spread(b, 3, 1), 1, "company b at %zu", k);
		cr_assert_leq(spread(a, 3, 0), 1, "totals at %zu", k);
	}
	for (i = 0; i < 3; i++) {
		cr_assert_eq(a[i].mailboxes, b[i].mailboxes);
		cr_assert_eq(a[i].mailboxes,
		    a[i].company_mailboxes + b[i].company_mailboxes);
	}
}

Test(place, company_before_fill)
{
	struct pr_store	s[2];

	/* Rule 2 beats rule 3: the emptier store already has one. */
	s[0] = store(1, 100, 0);
	s[1] = store(2, 100, 80);
	s[0].company_mailboxes = s[0].mailboxes = 1;
	cr_assert_eq(pr_place(s, 2), 1);
}

Test(place, lowest_fill)
{
	struct pr_store	s[2];

	/* 50% against 40%: the bigger store is emptier. */
	s[0] = store(1, 100 * GB, 50 * GB);
	s[1] = store(2, 1000 * GB, 400 * GB);
	cr_assert_eq(pr_place(s, 2), 1);

	s[1].used_bytes = 600 * GB;
	cr_assert_eq(pr_place(s, 2), 0);
}

Test(place, fill_compared_exactly)
{
	struct pr_store	s[2];

	/*
	 * (2^61 - 1) / (2^62 - 1) is a hair under 1/2, and a double
	 * rounds both to 0.5; only exact arithmetic picks store 1.
	 */
	s[0] = store(1, INT64_C(1) << 62, INT64_C(1) << 61);
	s[1] = store(2, (INT64_C(1) << 62) - 1, (INT64_C(1) << 61) - 1);
	cr_assert_eq(pr_place(s, 2), 1);

	/* The largest values must not overflow either. */
	s[0] = store(1, INT64_MAX, INT64_MAX / 2);
	s[1] = store(2, INT64_MAX - 1, INT64_MAX / 2);
	cr_assert_eq(pr_place(s, 2), 0);
}

Test(place, fewest_mailboxes_per_capacity)
{
	struct pr_store	s[2];

	/* Same fill; 10 per 100 bytes against 50 per 1000 bytes. */
	s[0] = store(1, 100, 0);
	s[1] = store(2, 1000, 0);
	s[0].mailboxes = 10;
	s[1].mailboxes = 50;
	cr_assert_eq(pr_place(s, 2), 1);

	s[1].mailboxes = 101;
	cr_assert_eq(pr_place(s, 2), 0);
}

Test(place, lowest_id_breaks_ties)
{
	struct pr_store	s[3];

	s[0] = store(7, GB, 0);
	s[1] = store(3, GB, 0);
	s[2] = store(5, GB, 0);
	cr_assert_eq(pr_place(s, 3), 1);
}

Test(place, avoids_nearly_full)
{
	struct pr_store	s[3];

	/* Exactly 90% counts as full; 89.99% does not. */
	s[0] = store(1, 10000, 9000);
	s[1] = store(2, 10000, 8999);
	s[2] = store(3, 10000, 9500);
	s[1].company_mailboxes = s[1].mailboxes = 50;
	cr_assert_eq(pr_place(s, 3), 1);

	/* A disabled store does not count as room. */
	s[1].enabled = 0;
	cr_assert_eq(pr_place(s, 3), 0);

	/* All full: the usual rules pick among them. */
	s[0].company_mailboxes = 2;
	cr_assert_eq(pr_place(s, 3), 2);
}

Test(place, nearly_full_stays_avoided)
{
	struct pr_store	s[2];
	int		out[500];
	size_t		i;

	s[0] = store(1, 1000, 950);
	s[1] = store(2, 1000, 100);
	cr_assert_eq(pr_place_many(s, 2, NELEM(out), out), 0);
	for (i = 0; i < NELEM(out); i++)
		cr_assert_eq(out[i], 1);
}

Test(place, bad_capacity_counts_as_one_byte)
{
	struct pr_store	s[3];

	s[0] = store(1, 0, 5);
	s[1] = store(2, -100, 1);
	s[2] = store(3, 100, 50);
	s[2].company_mailboxes = s[2].mailboxes = 9;
	cr_assert_eq(pr_place(s, 3), 2);

	/* Empty with no capacity: fill 0 of 1, so not full. */
	s[0].used_bytes = 0;
	cr_assert_eq(pr_place(s, 3), 0);
}

Test(place, deterministic)
{
	struct pr_store	s1[5], s2[5];
	static int	o1[1000], o2[1000];
	size_t		i;

	for (i = 0; i < 5; i++) {
		s1[i] = store(10 - (int64_t)i, (int64_t)(i + 1) * GB,
		    (int64_t)i * GB / 3);
		s1[i].mailboxes = (int64_t)(i * 7 % 5);
		s1[i].company_mailboxes = (int64_t)(i % 2);
	}
	s1[3].enabled = 0;
	memcpy(s2, s1, sizeof(s1));

	cr_assert_eq(pr_place_many(s1, 5, NELEM(o1), o1), 0);
	cr_assert_eq(pr_place_many(s2, 5, NELEM(o2), o2), 0);
	cr_assert_arr_eq(o1, o2, sizeof(o1));
	cr_assert_arr_eq(s1, s2, sizeof(s1));
	for (i = 0; i < NELEM(o1); i++)
		cr_assert_neq(o1[i], 3);
}

Test(place, many_counts_updates)
{
	struct pr_store	s[2];
	int		out[3];

	s[0] = store(1, GB, 0);
	s[1] = store(2, GB, 0);
	s[1].mailboxes = 5;
	cr_assert_eq(pr_place_many(s, 2, 3, out), 0);
	cr_assert_eq(out[0], 0);
	cr_assert_eq(out[1], 1);
	cr_assert_eq(out[2], 0);
	cr_assert_eq(s[0].mailboxes, 2);
	cr_assert_eq(s[0].company_mailboxes, 2);
	cr_assert_eq(s[1].mailboxes, 6);
	cr_assert_eq(s[1].company_mailboxes, 1);
	cr_assert_eq(pr_place_many(s, 2, 0, NULL), 0);
}
