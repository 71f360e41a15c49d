/*
 * The statistics storage (sql/012_stats.sql) on its own: day partitions
 * made on demand and dropped past the retention setting, the roll-up
 * tables' shared counters, and the rules an event row must keep.  Every
 * test works in one transaction that it rolls back.
 */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "itest.h"

#define CHECK		"23514"
#define NO_PARTITION	"23514"	/* no partition of the relation */
#define OK		"00000"

static PGconn	*db;

static void
setup(void)
{
	db = it_db();
	it_ok(db, "BEGIN", 0, NULL);
}

static void
teardown(void)
{
	PQclear(PQexec(db, "ROLLBACK"));
	PQfinish(db);
}

static long long
partitions(const char *like)
{
	const char	*p[1] = { like };

	return (it_count(db, "SELECT count(*) FROM pg_inherits i JOIN pg_class "
	    "c ON c.oid = i.inhrelid WHERE c.relname LIKE $1 AND c.relkind = "
	    "'r'", 1, p));
}

TestSuite(stats_schema, .init = setup, .fini = teardown);

Test(stats_schema, partitions_on_demand)
{
	cr_assert_eq(it_count(db, "SELECT stats_partitions_ensure(ARRAY["
	    "'2031-03-01', '2031-03-02']::date[])", 0, NULL), 4);
	/* Again: nothing new. */
	cr_assert_eq(it_count(db, "SELECT stats_partitions_ensure(ARRAY["
	    "'2031-03-02']::date[])", 0, NULL), 0);
	cr_assert_eq(partitions("stats_login_events_2031030_"), 2);
	cr_assert_eq(partitions("stats_delivery_events_2031030_"), 2);

	/* A row lands in its UTC day; a day without a partition is refused. */
	cr_assert_str_eq(it_try(db, "INSERT INTO stats_login_events (at, "
	    "address, protocol, success, attempts, source_id) VALUES "
	    "('2031-03-02 23:59:59+00', 'x@y.example', 'imap', false, 3, 1)",
	    0, NULL), OK);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM "
	    "stats_login_events_20310302", 0, NULL), 1);
	cr_assert_str_eq(it_try(db, "INSERT INTO stats_login_events (at, "
	    "address, protocol, success, attempts, source_id) VALUES "
	    "('2031-03-03 00:00:00+00', 'x@y.example', 'imap', true, 1, 1)",
	    0, NULL), NO_PARTITION);
}

Test(stats_schema, retention_drops_old_days)
{
	it_ok(db, "UPDATE settings SET value = '3' WHERE key = "
	    "'stats.retention_days'", 0, NULL);
	it_ok(db, "SELECT stats_partitions_ensure(ARRAY[(now() AT TIME ZONE "
	    "'UTC')::date - 4, (now() AT TIME ZONE 'UTC')::date - 3, "
	    "(now() AT TIME ZONE 'UTC')::date])", 0, NULL);
	cr_assert_eq(it_count(db, "SELECT (stats_horizon() = (now() AT TIME "
	    "ZONE 'UTC')::date - 3)::int", 0, NULL), 1);
	/* Ids of their own: other tests store real counters here. */
	it_ok(db, "INSERT INTO stats_outbound_minute (company_id, mailbox_id, "
	    "minute, domain_id, messages) VALUES (-7, -7, now() - interval "
	    "'15 days', -7, 1), (-7, -7, now() - interval '13 days', -7, 1)",
	    0, NULL);
	cr_assert_geq(it_count(db, "SELECT stats_prune()", 0, NULL), 2);
	/* The day before the horizon is gone, the horizon's day stays. */
	cr_assert_eq(it_count(db, "SELECT count(*) FROM pg_class WHERE relname "
	    "= 'stats_login_events_' || to_char((now() AT TIME ZONE 'UTC')::"
	    "date - 4, 'YYYYMMDD')", 0, NULL), 0);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM pg_class WHERE relname "
	    "IN ('stats_login_events_' || to_char((now() AT TIME ZONE 'UTC')::"
	    "date - 3, 'YYYYMMDD'), 'stats_delivery_events_' || to_char((now() "
	    "AT TIME ZONE 'UTC')::date, 'YYYYMMDD'))", 0, NULL), 2);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM stats_outbound_minute "
	    "WHERE company_id = -7 AND mailbox_id = -7", 0, NULL), 1);
}

/* Mailbox, domain and company roll-ups count the same things. */
Test(stats_schema, rollups_share_their_counters)
{
	cr_assert_eq(it_count(db, "SELECT count(DISTINCT t) FROM (SELECT "
	    "table_name, string_agg(column_name || ':' || data_type || ':' || "
	    "coalesce(column_default, ''), ',' ORDER BY ordinal_position) t "
	    "FROM information_schema.columns WHERE table_name IN "
	    "('stats_mailbox_daily', 'stats_domain_daily', "
	    "'stats_company_daily', 'stats_counters') AND column_name NOT IN "
	    "('company_id', 'mailbox_id', 'domain_id', 'day') GROUP BY "
	    "table_name) x", 0, NULL), 1);
	cr_assert_eq(it_count(db, "SELECT count(*) FROM "
	    "information_schema.columns WHERE table_name = 'stats_counters'",
	    0, NULL), 18);
}

Test(stats_schema, event_rules)
{
	it_ok(db, "SELECT stats_partitions_ensure(ARRAY['2031-04-01']::date[])",
	    0, NULL);
	/* A mailbox without its company, or the reverse: refused. */
	cr_assert_str_eq(it_try(db, "INSERT INTO stats_login_events (at, "
	    "company_id, address, protocol, success, attempts, source_id) "
	    "VALUES ('2031-04-01 10:00+00', 1, 'a@b.example', 'imap', true, "
	    "1, 1)", 0, NULL), CHECK);
	cr_assert_str_eq(it_try(db, "INSERT INTO stats_login_events (at, "
	    "address, protocol, success, attempts, source_id) VALUES "
	    "('2031-04-01 10:00+00', 'a@b.example', 'lmtp', true, 1, 1)", 0,
	    NULL), CHECK);
	cr_assert_str_eq(it_try(db, "INSERT INTO stats_delivery_events (at, "
	    "address, direction, counterpart, status, source_id) VALUES "
	    "('2031-04-01 10:00+00', 'a@b.example', 'sideways', '', 'sent', "
	    "1)", 0, NULL), CHECK);
	cr_assert_str_eq(it_try(db, "INSERT INTO stats_delivery_events (at, "
	    "address, direction, counterpart, status, source_id) VALUES "
	    "('2031-04-01 10:00+00', 'a@b.example', 'in', '', "
	    "'quota_exceeded', 1)", 0, NULL), OK);
	cr_assert_str_eq(it_try(db, "INSERT INTO stats_sources (name) VALUES "
	    "('bad name')", 0, NULL), CHECK);
}
