-- Statistics (DESIGN.md section 4, issue #4): what the log collector
-- (`postroom stats`, stats/) stores.
--
-- Events are partitioned by UTC day.  The collector creates the partitions
-- it needs (stats_partitions_ensure) and stats_prune() drops those older
-- than the setting stats.retention_days.  Roll-ups are by the company's
-- local day and are kept.
--
-- An event whose address is no mailbox is kept with company_id and
-- mailbox_id NULL and the address as logged (failed logins of unknown users
-- are attack signals); a known one belongs to its mailbox's company.
-- Addresses are matched lower-cased to mailboxes.address.  mailbox_id has no
-- foreign key: events outlive a purged mailbox, and a check per row would
-- cost the collector's COPY much of its rate.

INSERT INTO settings (key, value) VALUES
    ('stats.retention_days', '90'),
    ('stats.minute_retention_days', '14')
    ON CONFLICT (key) DO NOTHING;

-- One log source (a log file and its rotations) of one collector.
CREATE TABLE stats_sources (
	id		integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text COLLATE "C" NOT NULL UNIQUE
			CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
	-- The Postfix messages still open after the last committed line (the
	-- queue-id correlator's state, stats/corrstate.c), committed with the
	-- position so that a restart neither loses nor repeats a message.
	corr_state	bytea,
	-- Lines consumed, by what became of them.
	lines		bigint NOT NULL DEFAULT 0,
	events		bigint NOT NULL DEFAULT 0,
	skip_toolong	bigint NOT NULL DEFAULT 0,
	skip_frame	bigint NOT NULL DEFAULT 0,
	skip_program	bigint NOT NULL DEFAULT 0,
	skip_message	bigint NOT NULL DEFAULT 0,
	unknown_users	bigint NOT NULL DEFAULT 0,
	last_line_at	timestamptz,	-- log time of the newest line consumed
	last_error	text,
	last_error_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- Where a source stands in each file it has read.  A file is known by a
-- fingerprint of its first line, which survives renaming and compression;
-- device and inode tell a new file at the same path (rotation by rename)
-- and a truncated one (copytruncate).  byte_offset is just past the last
-- complete line consumed (of the uncompressed text for a .gz file).
CREATE TABLE stats_positions (
	source_id	integer NOT NULL REFERENCES stats_sources ON DELETE CASCADE,
	fingerprint	text COLLATE "C" NOT NULL
			CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
	path		text NOT NULL,
	device		bigint NOT NULL,
	inode		bigint NOT NULL,
	byte_offset	bigint NOT NULL CHECK (byte_offset >= 0),
	file_size	bigint CHECK (file_size >= 0),	-- when last read
	compressed	boolean NOT NULL DEFAULT false,
	last_error	text,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (source_id, fingerprint)
);
CREATE INDEX stats_positions_recent ON stats_positions (source_id, updated_at);

-- The latest lines skipped, up to 20 per source and reason (a ring: the
-- nth skipped line of a reason goes to slot n mod 20).
CREATE TABLE stats_unparsed (
	source_id	integer NOT NULL REFERENCES stats_sources ON DELETE CASCADE,
	reason		text NOT NULL
			CHECK (reason IN ('toolong', 'frame', 'program', 'message')),
	slot		smallint NOT NULL CHECK (slot BETWEEN 0 AND 19),
	line		text NOT NULL,
	seen_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (source_id, reason, slot)
);

CREATE TABLE stats_login_events (
	at		timestamptz NOT NULL,
	company_id	bigint,
	mailbox_id	bigint,
	address		text COLLATE "C" NOT NULL,
	protocol	text NOT NULL CHECK (protocol IN ('imap', 'pop3',
			    'smtp', 'webmail', 'sieve')),
	remote_addr	inet,
	success		boolean NOT NULL,
	attempts	integer NOT NULL CHECK (attempts >= 1),
	source_id	integer NOT NULL,
	CHECK ((company_id IS NULL) = (mailbox_id IS NULL))
) PARTITION BY RANGE (at);
-- A mailbox's timeline and failure bursts; a company's events of a day.
CREATE INDEX stats_login_events_mailbox ON stats_login_events
    (company_id, mailbox_id, at);
-- Unknown users, by the address tried.
CREATE INDEX stats_login_events_unknown ON stats_login_events (address, at)
    WHERE company_id IS NULL;

-- One recipient's outcome, seen from one mailbox: 'in' for the recipient,
-- 'out' for the sender (a message between two mailboxes has both rows).
CREATE TABLE stats_delivery_events (
	at		timestamptz NOT NULL,
	company_id	bigint,
	mailbox_id	bigint,
	direction	text NOT NULL CHECK (direction IN ('in', 'out')),
	address		text COLLATE "C" NOT NULL,	-- this side, as logged
	counterpart	text NOT NULL,			-- '' for <>
	queue_id	text COLLATE "C",	-- NULL: seen by Dovecot only
	size		bigint CHECK (size >= 0),
	status		text NOT NULL CHECK (status IN ('sent', 'bounced',
			    'deferred', 'expired', 'quota_exceeded')),
	deferrals	integer NOT NULL DEFAULT 0 CHECK (deferrals >= 0),
	dsn		text,
	source_id	integer NOT NULL,
	CHECK ((company_id IS NULL) = (mailbox_id IS NULL))
) PARTITION BY RANGE (at);
CREATE INDEX stats_delivery_events_mailbox ON stats_delivery_events
    (company_id, mailbox_id, at);
CREATE INDEX stats_delivery_events_unknown ON stats_delivery_events
    (address, at) WHERE company_id IS NULL;

-- The counters of every daily roll-up, defined once: the roll-up tables
-- copy these columns (LIKE).  It holds no rows.
CREATE TABLE stats_counters (
	imap_logins		bigint NOT NULL DEFAULT 0,
	pop3_logins		bigint NOT NULL DEFAULT 0,
	webmail_logins		bigint NOT NULL DEFAULT 0,
	smtp_logins		bigint NOT NULL DEFAULT 0,
	sieve_logins		bigint NOT NULL DEFAULT 0,
	failed_logins		bigint NOT NULL DEFAULT 0,
	messages_in		bigint NOT NULL DEFAULT 0,
	bytes_in		bigint NOT NULL DEFAULT 0,
	messages_out		bigint NOT NULL DEFAULT 0,
	bytes_out		bigint NOT NULL DEFAULT 0,
	bounces			bigint NOT NULL DEFAULT 0,
	deferrals		bigint NOT NULL DEFAULT 0,
	lmtp_deliveries		bigint NOT NULL DEFAULT 0,
	quota_failures		bigint NOT NULL DEFAULT 0,
	session_bytes_in	bigint NOT NULL DEFAULT 0,
	session_bytes_out	bigint NOT NULL DEFAULT 0,
	last_login_at		timestamptz,
	last_login_protocol	text
);

CREATE TABLE stats_mailbox_daily (
	company_id	bigint NOT NULL,
	mailbox_id	bigint NOT NULL,
	day		date NOT NULL,
	domain_id	bigint NOT NULL,
	LIKE stats_counters INCLUDING DEFAULTS,
	PRIMARY KEY (company_id, mailbox_id, day)
);
CREATE INDEX stats_mailbox_daily_day ON stats_mailbox_daily (company_id, day);

CREATE TABLE stats_domain_daily (
	company_id	bigint NOT NULL,
	domain_id	bigint NOT NULL,
	day		date NOT NULL,
	LIKE stats_counters INCLUDING DEFAULTS,
	PRIMARY KEY (company_id, domain_id, day)
);
CREATE INDEX stats_domain_daily_day ON stats_domain_daily (company_id, day);

CREATE TABLE stats_company_daily (
	company_id	bigint NOT NULL,
	day		date NOT NULL,
	LIKE stats_counters INCLUDING DEFAULTS,
	PRIMARY KEY (company_id, day)
);

-- Each mailbox's latest login: "not logged in for N days" without
-- reading a year of roll-ups.
CREATE TABLE stats_last_login (
	company_id	bigint NOT NULL,
	mailbox_id	bigint NOT NULL,
	at		timestamptz NOT NULL,
	protocol	text NOT NULL,
	PRIMARY KEY (company_id, mailbox_id)
);
CREATE INDEX stats_last_login_at ON stats_last_login (company_id, at);

-- Messages submitted per mailbox and minute (abuse detection); kept for
-- stats.minute_retention_days.
CREATE TABLE stats_outbound_minute (
	company_id	bigint NOT NULL,
	mailbox_id	bigint NOT NULL,
	minute		timestamptz NOT NULL,
	domain_id	bigint NOT NULL,
	messages	bigint NOT NULL DEFAULT 0,
	recipients	bigint NOT NULL DEFAULT 0,
	bytes		bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (company_id, mailbox_id, minute)
);
CREATE INDEX stats_outbound_minute_domain ON stats_outbound_minute
    (company_id, domain_id, minute);
CREATE INDEX stats_outbound_minute_recent ON stats_outbound_minute (minute);

-- The event partitions of these UTC days, created when missing.  Two
-- collectors may ask at once: the lock makes the second one wait and find
-- them.
CREATE FUNCTION stats_partitions_ensure(days date[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	d	date;
	t	text;
	part	text;
	n	integer := 0;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('stats_partitions'));
	FOREACH d IN ARRAY days LOOP
		FOREACH t IN ARRAY ARRAY['stats_login_events',
		    'stats_delivery_events'] LOOP
			part := t || '_' || to_char(d, 'YYYYMMDD');
			CONTINUE WHEN to_regclass(part) IS NOT NULL;
			EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR '
			    'VALUES FROM (%L) TO (%L)', part, t,
			    d::text || ' 00:00:00+00',
			    (d + 1)::text || ' 00:00:00+00');
			n := n + 1;
		END LOOP;
	END LOOP;
	RETURN n;
END $$;

-- The first UTC day whose events are kept.
CREATE FUNCTION stats_horizon() RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT (now() AT TIME ZONE 'UTC')::date - coalesce((SELECT
	    value::integer FROM settings WHERE key = 'stats.retention_days'), 90)
$$;

-- Drop the event partitions before the horizon and the per-minute counters
-- past theirs; returns the partitions dropped.
CREATE FUNCTION stats_prune() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	r	record;
	n	integer := 0;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('stats_partitions'));
	FOR r IN SELECT c.relname FROM pg_inherits i
	    JOIN pg_class c ON c.oid = i.inhrelid
	    JOIN pg_class p ON p.oid = i.inhparent
	    WHERE p.relname IN ('stats_login_events', 'stats_delivery_events')
	    AND c.relname ~ '_[0-9]{8}$'
	    AND to_date(right(c.relname, 8), 'YYYYMMDD') < stats_horizon()
	LOOP
		EXECUTE format('DROP TABLE %I', r.relname);
		n := n + 1;
	END LOOP;
	DELETE FROM stats_outbound_minute WHERE minute < now() -
	    make_interval(days => coalesce((SELECT value::integer FROM settings
	    WHERE key = 'stats.minute_retention_days'), 14));
	RETURN n;
END $$;
