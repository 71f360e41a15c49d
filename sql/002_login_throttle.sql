-- Failed logins per client address.  Per account they are counted in
-- admins.failed_logins and admins.locked_until.
CREATE TABLE login_throttle (
	remote_addr	inet PRIMARY KEY,
	failures	integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
	first_failure_at timestamptz NOT NULL DEFAULT now(),
	locked_until	timestamptz
);
