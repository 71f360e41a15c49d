/*
 * Civil time to UTC for the log parser: calendar arithmetic, year
 * inference and a per-source cache of zone offsets keyed on the local hour.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem, tm_gmtoff */
#endif

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logparse.h"
#include "lp_scan.h"

#define TZ_SAVE_MAX	256
#define OFF_LIMIT	(26 * 3600)	/* no zone is further than this */

struct tz_saved {
	int	had;
	char	buf[TZ_SAVE_MAX];
	char	*heap;
};

int
lp_month(const char *p)
{
	static const char	months[] =
	    "JanFebMarAprMayJunJulAugSepOctNovDec";
	int			 i;

	for (i = 0; i < 12; i++) {
		if (memcmp(p, months + i * 3, 3) == 0)
			return (i + 1);
	}
	return (0);
}

/* After Howard Hinnant's days_from_civil: exact for any Gregorian date. */
int64_t
lp_days_from_civil(int64_t y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static int64_t
naive_secs(int64_t y, int mon, int mday, int hour, int min, int sec)
{
	return (lp_days_from_civil(y, mon, mday) * 86400 + hour * 3600 +
	    min * 60 + sec);
}

int64_t
lp_floor_div(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return (q);
}

/*
 * TZ is the process's: while one thread converts in a zone, no other may
 * change or read the environment (ingestion commits a batch in a thread
 * of its own, with companies' zones, while the next one is parsed in the
 * source's).
 */
static pthread_mutex_t	tz_lock = PTHREAD_MUTEX_INITIALIZER;

void
lp_env_lock(void)
{
	pthread_mutex_lock(&tz_lock);
}

void
lp_env_unlock(void)
{
	pthread_mutex_unlock(&tz_lock);
}

/* Switch TZ to the zone, remembering the old value; until tz_leave(). */
static void
tz_enter(const char *tz, struct tz_saved *sv)
{
	const char	*old;
	size_t		 len;

	lp_env_lock();
	sv->heap = NULL;
	sv->buf[0] = '\0';
	old = getenv("TZ");
	sv->had = old != NULL;
	if (old != NULL) {
		len = strlen(old);
		if (len < sizeof(sv->buf))
			memcpy(sv->buf, old, len + 1);
		else
			sv->heap = strdup(old);
	}
	setenv("TZ", tz, 1);
	tzset();
}

static void
tz_leave(struct tz_saved *sv)
{
	if (sv->had) {
		setenv("TZ", sv->heap != NULL ? sv->heap : sv->buf, 1);
		free(sv->heap);
	} else
		unsetenv("TZ");
	tzset();
	lp_env_unlock();
}

/* Offset (seconds east) of a local naive time in the zone. */
static int32_t
tz_offset_local(const char *tz, int64_t naive)
{
	struct tz_saved	 sv;
	struct tm	 tm;
	time_t		 t, u;
	int64_t		 off;

	t = (time_t)naive;
	if (gmtime_r(&t, &tm) == NULL)
		return (0);
	tm.tm_isdst = -1;
	tz_enter(tz, &sv);
	u = mktime(&tm);
	tz_leave(&sv);
	off = naive - (int64_t)u;
	if (off < -OFF_LIMIT || off > OFF_LIMIT)
		return (0);
	return ((int32_t)off);
}

/* Offset (seconds east) of the zone at a UTC instant. */
static int32_t
tz_offset_utc(const char *tz, int64_t utc)
{
	struct tz_saved	 sv;
	struct tm	 tm;
	time_t		 t;
	long		 off = 0;

	t = (time_t)utc;
	tz_enter(tz, &sv);
	if (localtime_r(&t, &tm) != NULL)
		off = tm.tm_gmtoff;
	tz_leave(&sv);
	if (off < -OFF_LIMIT || off > OFF_LIMIT)
		return (0);
	return ((int32_t)off);
}

/* A zone offset through a cache keyed on the hour of t. */
static int32_t
cached(struct lp_source *src, struct lp_tzcache *cache, int64_t t,
    int32_t (*compute)(const char *, int64_t))
{
	struct lp_tzcache	*c;
	int64_t			 hour;

	if (src->tz_utc)
		return (0);
	hour = lp_floor_div(t, 3600);
	/* Direct-mapped: lines a few hours out of order still hit. */
	c = &cache[hour & (LP_TZ_CACHE - 1)];
	if (c->valid && c->hour == hour)
		return (c->off);
	src->tz_misses++;
	c->off = compute(src->tz, t);
	c->hour = hour;
	c->valid = 1;
	return (c->off);
}

int32_t
lp_tz_offset(struct lp_source *src, int64_t naive)
{
	return (cached(src, src->cache, naive, tz_offset_local));
}

/*
 * The year is the reference's, unless that puts the time more than a day
 * after the reference (then the year before: the log is older), or the
 * next year is still not after it.  Log lines come in date order, so the
 * three candidate day numbers are worked out once per date.
 */
int64_t
lp_yearless_naive(struct lp_source *src, int mon, int mday, int hour,
    int min, int sec)
{
	int64_t	limit = src->ref_local + 86400, t;
	int	key = mon * 32 + mday, i;

	if (src->day_key != key || src->day_year != src->ref_year) {
		for (i = 0; i < 3; i++)
			src->day_num[i] = lp_days_from_civil(src->ref_year +
			    i - 1, mon, mday);
		src->day_key = key;
		src->day_year = src->ref_year;
	}
	t = hour * 3600 + min * 60 + sec;
	if (src->day_num[1] * 86400 + t > limit)
		return (src->day_num[0] * 86400 + t);
	if (src->day_num[2] * 86400 + t <= limit)
		return (src->day_num[2] * 86400 + t);
	return (src->day_num[1] * 86400 + t);
}

int64_t
lp_naive_to_utc(struct lp_source *src, int64_t naive)
{
	return (naive - lp_tz_offset(src, naive));
}

int64_t
lp_local_to_utc(struct lp_source *src, int year, int mon, int mday,
    int hour, int min, int sec)
{
	return (lp_naive_to_utc(src, naive_secs(year, mon, mday, hour, min,
	    sec)));
}

/* Howard Hinnant's civil_from_days, the inverse of lp_days_from_civil. */
void
lp_civil_from_days(int64_t days, int *year, int *mon, int *mday)
{
	int64_t	y, m, doe, yoe, doy, mp, era;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*mon = (int)m;
	*mday = (int)(doy - (153 * mp + 2) / 5 + 1);
}

void
lp_source_set_ref(struct lp_source *src, int64_t ref)
{
	int	mon, mday;

	src->ref = ref;
	src->ref_local = ref + (src->tz_utc ? 0 : tz_offset_utc(src->tz, ref));
	lp_civil_from_days(lp_floor_div(src->ref_local, 86400),
	    &src->ref_year, &mon, &mday);
}

/* Offset (seconds east) of the source's zone at a UTC instant, cached. */
int32_t
lp_utc_offset(struct lp_source *src, int64_t utc)
{
	return (cached(src, src->ucache, utc, tz_offset_utc));
}
