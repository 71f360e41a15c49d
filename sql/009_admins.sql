-- Admin accounts over HTTP (issue #3): TOTP, lock durations, deletion.

-- TOTP: totp_secret (base32) is set when enrolment starts and counts only
-- once confirmed (totp_confirmed_at).  totp_last_step is the last time
-- step whose code was accepted: a code is never taken twice.
ALTER TABLE admins
    ADD COLUMN totp_confirmed_at timestamptz,
    ADD COLUMN totp_last_step bigint,
    ADD CONSTRAINT admins_totp_secret CHECK (totp_secret ~ '^[A-Z2-7]{32}$'),
    ADD CONSTRAINT admins_totp_confirmed CHECK
	(totp_confirmed_at IS NULL OR totp_secret IS NOT NULL),
    ADD CONSTRAINT admins_display_name CHECK
	(length(display_name) <= 200 AND display_name !~ '[[:cntrl:]]');

-- How long an account waits after its n-th failure in a row: from the
-- third on 1, 2, 4 ... s, from the tenth 15 minutes.  One rule for the
-- login and for the TOTP codes that session endpoints check.
CREATE FUNCTION pr_login_lock_until(failures integer) RETURNS timestamptz
LANGUAGE sql STABLE AS
$$ SELECT now() + CASE WHEN failures >= 10 THEN interval '15 minutes'
	WHEN failures >= 3 THEN make_interval(secs => power(2, failures - 3))
	END $$;

-- The active company admins of a company but one, read after the company
-- row is locked (see 004: VOLATILE, so a fresh snapshot): a company's
-- own people never remove its last admin, even two of them at once.
CREATE FUNCTION pr_company_admins_but(company bigint, admin bigint)
RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	RETURN (SELECT count(*) FROM admins a WHERE a.company_id = company
	    AND a.id <> admin AND a.role = 'company_admin'
	    AND a.status = 'active');
END $$;

-- Lists by e-mail, byte order (prefix search and keyset pages), within a
-- company or over all of them; address locks by their end.
CREATE INDEX admins_company_email ON admins (company_id, email COLLATE "C");
CREATE INDEX admins_email ON admins (email COLLATE "C");
CREATE INDEX login_throttle_locked ON login_throttle (locked_until)
    WHERE locked_until IS NOT NULL;

-- An account can be deleted: its audit entries keep the actor's e-mail
-- (audit_log.actor) and lose only the link.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_admin_id_fkey,
    ADD CONSTRAINT audit_log_actor_admin_id_fkey FOREIGN KEY
	(actor_admin_id) REFERENCES admins ON DELETE SET NULL;
