-- What the mail servers read (DESIGN.md section 3): Dovecot's passdb and
-- userdb (dovecot-pgsql) and Postfix's maps (postfix-pgsql) call the
-- functions below; conf/dovecot/ and conf/postfix/ hold their queries.
--
-- One function, pr_mail_access, decides whether a mailbox may use a
-- service now, and if not why: the passdb (logins), the userdb (LMTP
-- delivery) and the Postfix maps (which recipients are taken, held or
-- refused) all ask it, so "a suspended company suspends its mailboxes"
-- holds in one place.  Every lookup goes through a unique index
-- (mailboxes, aliases, domains and domain_aliases by address or name).
--
-- The mail servers need no table: they connect as a member of the role
-- postroom_mail, which may only EXECUTE these SECURITY DEFINER functions
-- (see the end of this file and README.md).

-- Hosts whose IMAP logins are webmail logins.  An IMAP login from one of
-- these networks is judged as the `webmail` service (a mailbox whose IMAP
-- is disabled can still use webmail, and a webmail-only mailstore admits
-- it).  Empty: every IMAP login is an IMAP login.
CREATE TABLE webmail_hosts (
	net	cidr PRIMARY KEY,
	note	text NOT NULL DEFAULT ''
);

-- The mailboxes column that governs a protocol (as Dovecot names it in
-- %s, or Postfix's SASL client: smtp), and whether the protocol needs
-- the mailbox's mail on its mailstore.  NULL: not a service offered.
CREATE FUNCTION pr_mail_service(protocol text, OUT service text,
    OUT on_store boolean)
LANGUAGE sql IMMUTABLE AS
$$ SELECT v.service, v.on_store FROM (VALUES
	('imap', 'imap', true), ('pop3', 'pop3', true),
	('webmail', 'webmail', true),
	('lmtp', 'receive', true), ('lda', 'receive', true),
	('smtp', 'send', false), ('submission', 'send', false))
    AS v (protocol, service, on_store)
    WHERE v.protocol = pr_mail_service.protocol $$;

-- Home and mail location of every mailbox, deleted ones too (their mail
-- stays for 30 days).  The path holds the mailbox's id, not its local
-- part: a local part may contain '/', and an address freed by a purge
-- and taken again must not find the old mail.
CREATE VIEW mail_homes AS
SELECT m.company_id, m.id, m.address, m.deleted_at, m.quota_bytes,
    s.mail_root || '/' || d.name || '/' || m.id AS home
FROM mailboxes m
JOIN domains d ON d.company_id = m.company_id AND d.id = m.domain_id
JOIN mailstores s ON s.id = m.mailstore_id;

-- May the mailbox at addr use protocol now, from address rip (NULL:
-- unknown)?  verdict 'ok'; 'unavailable' with reason "Service
-- Unavailable" while the mailbox or its mailstore is being worked on
-- (logins refused, mail held, nothing bounced); 'refused' with the
-- first reason that applies, the most lasting first.
CREATE FUNCTION pr_mail_access(addr text, protocol text, rip inet DEFAULT NULL,
    OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	m		record;
	service		text;
	on_store	boolean;
	state		text;
	proto		text := protocol;
BEGIN
	verdict := 'refused';
	SELECT mb.deleted_at, mb.status, mb.imap, mb.pop3, mb.webmail,
	    mb.send, mb.receive, d.deleted_at AS domain_deleted,
	    d.status AS domain_status, c.status AS company_status,
	    s.state AS store_state INTO m
	    FROM mailboxes mb
	    JOIN domains d ON d.company_id = mb.company_id AND d.id = mb.domain_id
	    JOIN companies c ON c.id = mb.company_id
	    JOIN mailstores s ON s.id = mb.mailstore_id
	    WHERE mb.address = lower(addr);
	IF NOT FOUND THEN
		reason := 'no such mailbox';
		RETURN;
	END IF;
	IF proto = 'imap' AND rip IS NOT NULL AND EXISTS (SELECT 1
	    FROM webmail_hosts w WHERE rip <<= w.net) THEN
		proto := 'webmail';
	END IF;
	SELECT s.service, s.on_store INTO service, on_store
	    FROM pr_mail_service(proto) s;
	state := CASE service WHEN 'imap' THEN m.imap WHEN 'pop3' THEN m.pop3
	    WHEN 'webmail' THEN m.webmail WHEN 'send' THEN m.send
	    WHEN 'receive' THEN m.receive END;
	reason := CASE
	    WHEN m.deleted_at IS NOT NULL THEN 'mailbox deleted'
	    WHEN m.domain_deleted IS NOT NULL THEN 'domain deleted'
	    WHEN m.company_status <> 'active' THEN 'company suspended'
	    WHEN m.domain_status <> 'active' THEN 'domain suspended'
	    WHEN m.status = 'suspended' THEN 'mailbox suspended'
	    WHEN service IS NULL THEN 'service ' || coalesce(proto, '')
		|| ' not offered'
	    WHEN state <> 'enabled' THEN service || ' ' || state
	    WHEN m.store_state = 'webmail-only' AND
		service IN ('imap', 'pop3') THEN 'mailstore webmail-only'
	    END;
	IF reason IS NOT NULL THEN
		RETURN;
	END IF;
	IF on_store AND (m.status IN ('maintenance', 'migrating') OR
	    m.store_state IN ('maintenance', 'offline')) THEN
		verdict := 'unavailable';
		reason := 'Service Unavailable';
		RETURN;
	END IF;
	verdict := 'ok';
END $$;

-- Dovecot passdb (password_query): the canonical address as user, the
-- stored {SCHEME} hash, and for a mailbox that is unavailable now
-- nologin=Y with reason "Service Unavailable".  A refused login is no
-- row: Dovecot then answers exactly as for a wrong password, to every
-- client, whereas nologin is honoured only by its login processes
-- (imap-login, pop3-login, submission-login), not by an SMTP server
-- using Dovecot SASL, which would take it for a success.
CREATE FUNCTION pr_dovecot_passdb(login text, protocol text, rip text)
RETURNS TABLE ("user" text, password text, nologin text, reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT m.address, m.password_hash,
	CASE a.verdict WHEN 'unavailable' THEN 'Y' END,
	CASE a.verdict WHEN 'unavailable' THEN a.reason END
    FROM mailboxes m,
	pr_mail_access(m.address, protocol, nullif(rip, '')::inet) a
    WHERE m.address = lower(login) AND a.verdict <> 'refused' $$;

-- Dovecot userdb (user_query): home and mail on the mailbox's mailstore
-- and its quota.  LMTP delivery looks up the userdb only, so delivery is
-- decided here: a mailbox that may not receive is no row (550), one that
-- is unavailable answers tempfail (LMTP 451: Postfix keeps the mail in
-- its queue and retries).  Other protocols (doveadm, indexer-worker, a
-- login already judged by the passdb) get the mailbox as it is.
CREATE FUNCTION pr_dovecot_userdb(login text, protocol text)
RETURNS TABLE ("user" text, home text, mail text, quota_rule text,
    tempfail text, reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT h.address, h.home, 'maildir:' || h.home || '/Maildir',
	'*:bytes=' || h.quota_bytes,
	CASE a.verdict WHEN 'unavailable' THEN 'Y' END,
	CASE a.verdict WHEN 'unavailable' THEN a.reason END
    FROM mail_homes h
    LEFT JOIN LATERAL pr_mail_access(h.address, protocol) a
	ON protocol IN ('lmtp', 'lda')
    WHERE h.address = lower(login) AND h.deleted_at IS NULL
	AND a.verdict IS DISTINCT FROM 'refused' $$;

-- Dovecot userdb (iterate_query): every live mailbox, for doveadm -A.
CREATE FUNCTION pr_dovecot_users()
RETURNS TABLE ("user" text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT h.address FROM mail_homes h WHERE h.deleted_at IS NULL $$;

-- Names Postfix takes mail for: domains and domain aliases, each with the
-- domain it belongs to and whether that domain and its company are
-- active.  Deleted domains are not ours any more.
CREATE VIEW mail_domains AS
SELECT d.name, d.name AS domain, d.company_id, d.id AS domain_id,
    d.catchall, d.status = 'active' AND c.status = 'active' AS live
FROM domains d JOIN companies c ON c.id = d.company_id
WHERE d.deleted_at IS NULL
UNION ALL
SELECT a.name, d.name, d.company_id, d.id, d.catchall,
    d.status = 'active' AND c.status = 'active'
FROM domain_aliases a
JOIN domains d ON d.company_id = a.company_id AND d.id = a.domain_id
JOIN companies c ON c.id = d.company_id
WHERE d.deleted_at IS NULL;

-- An address on a domain alias as the address on its domain.
CREATE FUNCTION pr_mail_canonical(addr text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT coalesce((SELECT substring(k FROM '^(.*)@') || '@' || md.domain
	FROM mail_domains md WHERE md.name = substring(k FROM '@([^@]*)$')), k)
    FROM lower(addr) k $$;

-- Postfix virtual_mailbox_domains.  Suspended domains stay ours, so that
-- mail to them is refused as ours (550 5.2.1 from the recipient access
-- map) rather than relayed to their MX, which is us.
CREATE FUNCTION pr_postfix_domain(key text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT md.name FROM mail_domains md WHERE md.name = lower(key) $$;

-- Postfix virtual_mailbox_maps: the mailboxes that take mail now (an
-- unavailable one too: the access map holds its mail).  With delivery
-- over LMTP the value is not used; it is the address.
CREATE FUNCTION pr_postfix_mailbox(key text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT m.address FROM mailboxes m, pr_mail_access(m.address, 'lmtp') a
    WHERE m.address = lower(key) AND m.deleted_at IS NULL
	AND a.verdict <> 'refused' $$;

-- Postfix virtual_alias_maps, one target a row (Postfix joins them), as
-- Postfix asks: the full address, then "@domain" for a catch-all.
--   mailbox: itself, or its forwarding targets (with itself when it
--     keeps a copy).  Every live mailbox answers at least itself, or the
--     catch-all would take its mail; one that may not receive is refused
--     by the access map, and forwards nothing.
--   alias: its targets, while its domain and company are active.
--   local@alias.example: local@example.com when that address exists or
--     the domain has a catch-all; Postfix then resolves that.
--   @example.com: the domain's catch-all.
CREATE FUNCTION pr_postfix_alias(key text) RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	k	text := lower(key);
	m	record;
BEGIN
	IF k LIKE '@%' THEN
		RETURN QUERY SELECT md.catchall::text FROM mail_domains md
		    WHERE md.name = substr(k, 2) AND md.name = md.domain
		    AND md.live AND md.catchall IS NOT NULL;
		RETURN;
	END IF;
	SELECT mb.address, mb.forward_to, mb.forward_keep_copy, a.verdict
	    INTO m FROM mailboxes mb, pr_mail_access(mb.address, 'lmtp') a
	    WHERE mb.address = k AND mb.deleted_at IS NULL;
	IF FOUND THEN
		IF m.verdict = 'refused' OR cardinality(m.forward_to) = 0 OR
		    m.forward_keep_copy THEN
			RETURN NEXT m.address;
		END IF;
		IF m.verdict <> 'refused' THEN
			RETURN QUERY SELECT unnest(m.forward_to);
		END IF;
		RETURN;
	END IF;
	RETURN QUERY SELECT unnest(al.targets) FROM aliases al
	    JOIN mail_domains md ON md.company_id = al.company_id
	    AND md.domain_id = al.domain_id AND md.name = md.domain
	    WHERE al.address = k AND md.live;
	IF FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT c.address FROM mail_domains md,
	    pr_mail_canonical(k) c (address)
	    WHERE md.name = substring(k FROM '@([^@]*)$')
	    AND md.name <> md.domain AND md.live
	    AND (md.catchall IS NOT NULL OR EXISTS (SELECT 1 FROM addresses ad
	    WHERE ad.address = c.address));
END $$;

-- Postfix check_recipient_access: HOLD for a mailbox (or its address on
-- a domain alias) that is unavailable now, so its mail waits in the hold
-- queue until released (postsuper -H); 550 5.2.1 for a mailbox that may
-- not receive, and for any address on a suspended domain or company.
-- Nothing (DUNNO) otherwise: never OK, so it opens no relay.  Keys that
-- are bare domains get nothing: Postfix would match a parent domain's
-- answer against its subdomains, which may be someone else's.
CREATE FUNCTION pr_postfix_recipient(key text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT r.answer FROM (
	SELECT 1 AS rank, CASE a.verdict WHEN 'unavailable'
	    THEN 'HOLD ' || a.reason ELSE '550 5.2.1 Mailbox disabled' END
	    FROM mailboxes m, pr_mail_access(m.address, 'lmtp') a
	    WHERE m.address = pr_mail_canonical(key) AND m.deleted_at IS NULL
	    AND a.verdict <> 'ok'
	UNION ALL
	SELECT 2, '550 5.2.1 Mailbox disabled' FROM mail_domains md
	    WHERE md.name = substring(lower(key) FROM '@([^@]*)$')
	    AND NOT md.live) AS r (rank, answer)
    ORDER BY r.rank LIMIT 1 $$;

-- Only the mail servers' role calls these; the Postroom owner keeps
-- its rights.  The role is made when the migrating user may make roles
-- (else README.md says how); a member of it logs in: CREATE ROLE dovecot
-- LOGIN IN ROLE postroom_mail.
REVOKE EXECUTE ON FUNCTION pr_mail_access(text, text, inet),
    pr_dovecot_passdb(text, text, text), pr_dovecot_userdb(text, text),
    pr_dovecot_users(), pr_mail_canonical(text), pr_postfix_domain(text),
    pr_postfix_mailbox(text), pr_postfix_alias(text),
    pr_postfix_recipient(text) FROM PUBLIC;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postroom_mail')
	    AND (SELECT rolsuper OR rolcreaterole FROM pg_roles
	    WHERE rolname = current_user) THEN
		CREATE ROLE postroom_mail NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postroom_mail')
	    THEN
		RAISE NOTICE 'role postroom_mail not made: see README.md';
		RETURN;
	END IF;
	-- The functions' owner may grant them; CONNECT on the database and
	-- USAGE on schema public are PUBLIC's by default.
	GRANT EXECUTE ON FUNCTION pr_mail_access(text, text, inet),
	    pr_dovecot_passdb(text, text, text), pr_dovecot_userdb(text, text),
	    pr_dovecot_users(), pr_postfix_domain(text),
	    pr_postfix_mailbox(text), pr_postfix_alias(text),
	    pr_postfix_recipient(text) TO postroom_mail;
END $$;
