-- Postroom schema v1 (DESIGN.md section 2).
--
-- Every tenant table has company_id as the leading key of its primary key,
-- so the data can be distributed by company (Citus) or split by cluster.
-- Names and addresses are ASCII and compared byte by byte: they use the "C"
-- collation, so that plain b-tree indexes serve prefix searches (LIKE
-- 'abc%') and keyset pagination whatever the database's locale.
--
-- Addresses and domain names live in one registry table each, so that an
-- address is never both a mailbox and an alias, and a name never both a
-- domain and a domain alias: the database says no, not only the API.

CREATE FUNCTION pr_valid_tz(tz text) RETURNS boolean
LANGUAGE sql STABLE AS
$$ SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz) $$;

CREATE FUNCTION pr_domain_ok(n text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT octet_length(n) <= 253
	AND n ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
	AND n !~ '\.[0-9]+$'
	AND n !~ '(^|\.)(?!xn)[a-z0-9]{2}--' $$;

CREATE FUNCTION pr_local_ok(l text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT octet_length(l) BETWEEN 1 AND 64
	AND l ~ '^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&''*+/=?^_`{|}~-]+)*$' $$;

CREATE FUNCTION pr_role_ok(r text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS
$$ SELECT r IN ('operator', 'support', 'company_admin', 'company_viewer',
	'domain_admin') $$;

CREATE TABLE settings (
	key		text PRIMARY KEY,
	value		text NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clusters (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text NOT NULL UNIQUE
			CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mailstores (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	cluster_id	bigint NOT NULL REFERENCES clusters,
	name		text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	mail_root	text NOT NULL CHECK (mail_root ~ '^/[^[:cntrl:]]*$'),
	capacity_bytes	bigint NOT NULL CHECK (capacity_bytes > 0),
	used_bytes	bigint NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
	-- Kept by the trigger on mailboxes: placement reads it, not count(*).
	mailbox_count	bigint NOT NULL DEFAULT 0 CHECK (mailbox_count >= 0),
	state		text NOT NULL DEFAULT 'enabled'
			CHECK (state IN ('enabled', 'closed', 'webmail-only',
			    'maintenance', 'offline')),
	state_reason	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (cluster_id, name),
	UNIQUE (cluster_id, id)
);

CREATE TABLE companies (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name			text NOT NULL UNIQUE
				CHECK (length(name) BETWEEN 1 AND 200
				    AND name !~ '[[:cntrl:]]'),
	status			text NOT NULL DEFAULT 'active'
				CHECK (status IN ('active', 'suspended')),
	cluster_id		bigint NOT NULL REFERENCES clusters,
	time_zone		text NOT NULL DEFAULT 'UTC'
				CHECK (pr_valid_tz(time_zone)),
	-- NULL limits mean unlimited.
	max_domains		integer CHECK (max_domains >= 0),
	max_mailboxes		integer CHECK (max_mailboxes >= 0),
	max_storage_bytes	bigint CHECK (max_storage_bytes >= 0),
	default_quota_bytes	bigint NOT NULL DEFAULT 1073741824
				CHECK (default_quota_bytes > 0),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (id, cluster_id)
);

CREATE TABLE contacts (
	company_id	bigint NOT NULL REFERENCES companies ON DELETE CASCADE,
	id		bigint GENERATED ALWAYS AS IDENTITY,
	kind		text NOT NULL CHECK (kind IN ('technical', 'emergency',
			    'maintenance', 'abuse', 'billing', 'stats')),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	email		text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	phone		text CHECK (phone ~ '^\+?[0-9 ()./-]{3,40}$'),
	PRIMARY KEY (company_id, id)
);
CREATE INDEX contacts_kind ON contacts (company_id, kind);

-- One row per domain name or domain alias name, whoever owns it.
CREATE TABLE domain_names (
	name		text COLLATE "C" PRIMARY KEY CHECK (pr_domain_ok(name)),
	kind		text NOT NULL CHECK (kind IN ('domain', 'alias')),
	company_id	bigint NOT NULL REFERENCES companies,
	UNIQUE (name, kind)
);

CREATE TABLE domains (
	company_id		bigint NOT NULL REFERENCES companies,
	id			bigint GENERATED ALWAYS AS IDENTITY,
	name			text COLLATE "C" NOT NULL UNIQUE,
	kind			text NOT NULL DEFAULT 'domain'
				CHECK (kind = 'domain'),
	status			text NOT NULL DEFAULT 'active'
				CHECK (status IN ('active', 'suspended')),
	default_quota_bytes	bigint CHECK (default_quota_bytes > 0),
	max_mailboxes		integer CHECK (max_mailboxes >= 0),
	max_storage_bytes	bigint CHECK (max_storage_bytes >= 0),
	catchall		text,
	deleted_at		timestamptz,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (company_id, id),
	FOREIGN KEY (name, kind) REFERENCES domain_names (name, kind)
);
CREATE INDEX domains_company_name ON domains (company_id, name);

CREATE TABLE domain_aliases (
	company_id	bigint NOT NULL,
	id		bigint GENERATED ALWAYS AS IDENTITY,
	domain_id	bigint NOT NULL,
	name		text COLLATE "C" NOT NULL UNIQUE,
	kind		text NOT NULL DEFAULT 'alias' CHECK (kind = 'alias'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (company_id, id),
	FOREIGN KEY (company_id, domain_id) REFERENCES domains ON DELETE CASCADE,
	FOREIGN KEY (name, kind) REFERENCES domain_names (name, kind)
);
CREATE INDEX domain_aliases_domain ON domain_aliases (company_id, domain_id);

-- One row per mailbox or alias address.
CREATE TABLE addresses (
	address		text COLLATE "C" PRIMARY KEY
			CHECK (octet_length(address) <= 254),
	kind		text NOT NULL CHECK (kind IN ('mailbox', 'alias')),
	company_id	bigint NOT NULL REFERENCES companies,
	UNIQUE (address, kind)
);

CREATE TABLE mailboxes (
	company_id		bigint NOT NULL,
	id			bigint GENERATED ALWAYS AS IDENTITY,
	domain_id		bigint NOT NULL,
	local_part		text NOT NULL CHECK (pr_local_ok(local_part)),
	-- Set by the trigger from local_part and the domain's name.
	address			text COLLATE "C" NOT NULL UNIQUE,
	kind			text NOT NULL DEFAULT 'mailbox'
				CHECK (kind = 'mailbox'),
	display_name		text NOT NULL DEFAULT ''
				CHECK (length(display_name) <= 200
				    AND display_name !~ '[[:cntrl:]]'),
	password_hash		text NOT NULL
				CHECK (password_hash ~ '^\{[A-Z0-9-]+\}.'),
	quota_bytes		bigint NOT NULL CHECK (quota_bytes > 0),
	used_bytes		bigint NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
	used_messages		bigint NOT NULL DEFAULT 0
				CHECK (used_messages >= 0),
	status			text NOT NULL DEFAULT 'active'
				CHECK (status IN ('active', 'suspended',
				    'maintenance', 'migrating')),
	cluster_id		bigint NOT NULL,
	mailstore_id		bigint NOT NULL,
	-- Each service: enabled, disabled, or suspended by a role.
	imap			text NOT NULL DEFAULT 'enabled',
	imap_suspended_by	text,
	pop3			text NOT NULL DEFAULT 'enabled',
	pop3_suspended_by	text,
	webmail			text NOT NULL DEFAULT 'enabled',
	webmail_suspended_by	text,
	send			text NOT NULL DEFAULT 'enabled',
	send_suspended_by	text,
	receive			text NOT NULL DEFAULT 'enabled',
	receive_suspended_by	text,
	send_limit_24h		integer NOT NULL DEFAULT 2000
				CHECK (send_limit_24h >= 0),
	forward_to		text[] NOT NULL DEFAULT '{}'
				CHECK (cardinality(forward_to) <= 100),
	forward_keep_copy	boolean NOT NULL DEFAULT true,
	deleted_at		timestamptz,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (company_id, id),
	FOREIGN KEY (company_id, domain_id) REFERENCES domains,
	FOREIGN KEY (company_id, cluster_id) REFERENCES companies (id, cluster_id),
	FOREIGN KEY (cluster_id, mailstore_id) REFERENCES mailstores (cluster_id, id),
	FOREIGN KEY (address, kind) REFERENCES addresses (address, kind),
	CONSTRAINT mailboxes_services CHECK (
	    imap IN ('enabled', 'disabled', 'suspended') AND
	    pop3 IN ('enabled', 'disabled', 'suspended') AND
	    webmail IN ('enabled', 'disabled', 'suspended') AND
	    send IN ('enabled', 'disabled', 'suspended') AND
	    receive IN ('enabled', 'disabled', 'suspended')),
	CONSTRAINT mailboxes_suspended_by CHECK (
	    (imap = 'suspended') = (imap_suspended_by IS NOT NULL) AND
	    (pop3 = 'suspended') = (pop3_suspended_by IS NOT NULL) AND
	    (webmail = 'suspended') = (webmail_suspended_by IS NOT NULL) AND
	    (send = 'suspended') = (send_suspended_by IS NOT NULL) AND
	    (receive = 'suspended') = (receive_suspended_by IS NOT NULL) AND
	    pr_role_ok(coalesce(imap_suspended_by, 'operator')) AND
	    pr_role_ok(coalesce(pop3_suspended_by, 'operator')) AND
	    pr_role_ok(coalesce(webmail_suspended_by, 'operator')) AND
	    pr_role_ok(coalesce(send_suspended_by, 'operator')) AND
	    pr_role_ok(coalesce(receive_suspended_by, 'operator')))
);
CREATE INDEX mailboxes_domain ON mailboxes (company_id, domain_id, address);
CREATE INDEX mailboxes_company_address ON mailboxes (company_id, address);
CREATE INDEX mailboxes_display_prefix ON mailboxes
    (company_id, lower(display_name) COLLATE "C");
CREATE INDEX mailboxes_mailstore ON mailboxes (mailstore_id);
CREATE INDEX mailboxes_status ON mailboxes (company_id, status);
CREATE INDEX mailboxes_deleted ON mailboxes (deleted_at) WHERE deleted_at IS NOT NULL;

-- Mailboxes of a company on a mailstore: placement spreads companies.
CREATE TABLE mailstore_company_counts (
	company_id	bigint NOT NULL REFERENCES companies,
	mailstore_id	bigint NOT NULL REFERENCES mailstores,
	mailboxes	bigint NOT NULL DEFAULT 0 CHECK (mailboxes >= 0),
	PRIMARY KEY (company_id, mailstore_id)
);

CREATE TABLE aliases (
	company_id	bigint NOT NULL,
	id		bigint GENERATED ALWAYS AS IDENTITY,
	domain_id	bigint NOT NULL,
	local_part	text NOT NULL CHECK (pr_local_ok(local_part)),
	address		text COLLATE "C" NOT NULL UNIQUE,
	kind		text NOT NULL DEFAULT 'alias' CHECK (kind = 'alias'),
	targets		text[] NOT NULL
			CHECK (cardinality(targets) BETWEEN 1 AND 1000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (company_id, id),
	FOREIGN KEY (company_id, domain_id) REFERENCES domains,
	FOREIGN KEY (address, kind) REFERENCES addresses (address, kind)
);
CREATE INDEX aliases_domain ON aliases (company_id, domain_id, address);
CREATE INDEX aliases_company_address ON aliases (company_id, address);

-- Admin accounts.  Provider staff (operator, support) have no company.
CREATE TABLE admins (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	company_id	bigint REFERENCES companies,
	email		text NOT NULL UNIQUE
			CHECK (email ~ '^[^@[:space:]A-Z]+@[^@[:space:]A-Z]+$'),
	password_hash	text NOT NULL CHECK (password_hash ~ '^\{[A-Z0-9-]+\}.'),
	role		text NOT NULL CHECK (pr_role_ok(role)),
	display_name	text NOT NULL DEFAULT '',
	status		text NOT NULL DEFAULT 'active'
			CHECK (status IN ('active', 'disabled')),
	totp_secret	text,
	failed_logins	integer NOT NULL DEFAULT 0,
	locked_until	timestamptz,
	last_login_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT admins_scope CHECK
	    ((role IN ('operator', 'support')) = (company_id IS NULL)),
	UNIQUE (company_id, id)
);

-- Domains a domain admin (or a domain-scoped key) may manage.
CREATE TABLE admin_domains (
	company_id	bigint NOT NULL,
	admin_id	bigint NOT NULL,
	domain_id	bigint NOT NULL,
	PRIMARY KEY (company_id, admin_id, domain_id),
	FOREIGN KEY (company_id, admin_id) REFERENCES admins (company_id, id)
	    ON DELETE CASCADE,
	FOREIGN KEY (company_id, domain_id) REFERENCES domains ON DELETE CASCADE
);

CREATE TABLE api_keys (
	key_id		text PRIMARY KEY CHECK (key_id ~ '^[a-z0-9]{16}$'),
	company_id	bigint REFERENCES companies,
	role		text NOT NULL CHECK (pr_role_ok(role)),
	-- Hex SHA-256 of the secret; the secret itself is never stored.
	secret_hash	text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
	name		text NOT NULL DEFAULT '',
	created_by	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_used_at	timestamptz,
	revoked_at	timestamptz,
	CONSTRAINT api_keys_scope CHECK
	    ((role IN ('operator', 'support')) = (company_id IS NULL)),
	UNIQUE (company_id, key_id)
);
CREATE INDEX api_keys_company ON api_keys (company_id, created_at);

CREATE TABLE api_key_domains (
	company_id	bigint NOT NULL,
	key_id		text NOT NULL,
	domain_id	bigint NOT NULL,
	PRIMARY KEY (company_id, key_id, domain_id),
	FOREIGN KEY (company_id, key_id) REFERENCES api_keys (company_id, key_id)
	    ON DELETE CASCADE,
	FOREIGN KEY (company_id, domain_id) REFERENCES domains ON DELETE CASCADE
);

-- Browser sessions live here so that the web tier stays stateless.
CREATE TABLE sessions (
	token_hash	text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
	admin_id	bigint NOT NULL REFERENCES admins ON DELETE CASCADE,
	csrf_token	text NOT NULL,
	remote_addr	inet,
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_seen_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL
);
CREATE INDEX sessions_admin ON sessions (admin_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE audit_log (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	company_id	bigint REFERENCES companies,
	at		timestamptz NOT NULL DEFAULT now(),
	actor_admin_id	bigint REFERENCES admins,
	actor_key_id	text REFERENCES api_keys,
	-- Who, as text: an admin's e-mail, "key:<id>", or "cli:<user>".
	actor		text NOT NULL,
	remote_addr	inet,
	action		text NOT NULL,
	object_type	text NOT NULL,
	object_id	text NOT NULL,
	before		jsonb,
	after		jsonb
);
CREATE INDEX audit_company_at ON audit_log (company_id, at);
CREATE INDEX audit_object ON audit_log (object_type, object_id, at);
CREATE INDEX audit_actor ON audit_log (actor, at);

-- Triggers: derived addresses, the name registries and placement counters.

CREATE FUNCTION pr_domain_register() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.name <> OLD.name THEN
		IF TG_OP = 'UPDATE' THEN
			RAISE EXCEPTION 'a domain name cannot be changed'
			    USING ERRCODE = 'check_violation';
		END IF;
		INSERT INTO domain_names (name, kind, company_id)
		    VALUES (NEW.name, NEW.kind, NEW.company_id);
	END IF;
	RETURN NEW;
END $$;

CREATE FUNCTION pr_domain_unregister() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM domain_names WHERE name = OLD.name;
	RETURN NULL;
END $$;

CREATE TRIGGER domains_register BEFORE INSERT OR UPDATE OF name ON domains
    FOR EACH ROW EXECUTE FUNCTION pr_domain_register();
CREATE TRIGGER domains_unregister AFTER DELETE ON domains
    FOR EACH ROW EXECUTE FUNCTION pr_domain_unregister();
CREATE TRIGGER domain_aliases_register BEFORE INSERT OR UPDATE OF name
    ON domain_aliases FOR EACH ROW EXECUTE FUNCTION pr_domain_register();
CREATE TRIGGER domain_aliases_unregister AFTER DELETE ON domain_aliases
    FOR EACH ROW EXECUTE FUNCTION pr_domain_unregister();

-- The address is derived, never supplied: local_part@domain.
CREATE FUNCTION pr_address_register() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	dname text;
BEGIN
	SELECT name INTO dname FROM domains
	    WHERE company_id = NEW.company_id AND id = NEW.domain_id;
	IF dname IS NULL THEN
		RAISE EXCEPTION 'domain % does not belong to company %',
		    NEW.domain_id, NEW.company_id
		    USING ERRCODE = 'foreign_key_violation';
	END IF;
	NEW.address := NEW.local_part || '@' || dname;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO addresses (address, kind, company_id)
		    VALUES (NEW.address, NEW.kind, NEW.company_id);
	ELSIF NEW.address <> OLD.address THEN
		RAISE EXCEPTION 'an address cannot be changed'
		    USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;

CREATE FUNCTION pr_address_unregister() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM addresses WHERE address = OLD.address;
	RETURN NULL;
END $$;

CREATE TRIGGER mailboxes_register BEFORE INSERT OR UPDATE OF local_part,
    domain_id, address ON mailboxes
    FOR EACH ROW EXECUTE FUNCTION pr_address_register();
CREATE TRIGGER mailboxes_unregister AFTER DELETE ON mailboxes
    FOR EACH ROW EXECUTE FUNCTION pr_address_unregister();
CREATE TRIGGER aliases_register BEFORE INSERT OR UPDATE OF local_part,
    domain_id, address ON aliases
    FOR EACH ROW EXECUTE FUNCTION pr_address_register();
CREATE TRIGGER aliases_unregister AFTER DELETE ON aliases
    FOR EACH ROW EXECUTE FUNCTION pr_address_unregister();

-- An upsert checks the proposed row before it sees the conflict, so a
-- decrement is a plain update.
CREATE FUNCTION pr_mailstore_count(store bigint, company bigint, delta int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	UPDATE mailstores SET mailbox_count = mailbox_count + delta
	    WHERE id = store;
	IF delta < 0 THEN
		UPDATE mailstore_company_counts SET mailboxes = mailboxes + delta
		    WHERE company_id = company AND mailstore_id = store;
	ELSE
		INSERT INTO mailstore_company_counts AS c
		    (company_id, mailstore_id, mailboxes)
		    VALUES (company, store, delta)
		    ON CONFLICT (company_id, mailstore_id)
		    DO UPDATE SET mailboxes = c.mailboxes + delta;
	END IF;
END $$;

CREATE FUNCTION pr_mailbox_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM pr_mailstore_count(OLD.mailstore_id, OLD.company_id, -1);
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		PERFORM pr_mailstore_count(NEW.mailstore_id, NEW.company_id, 1);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER mailboxes_counts AFTER INSERT OR DELETE OR UPDATE OF
    mailstore_id ON mailboxes
    FOR EACH ROW EXECUTE FUNCTION pr_mailbox_counts();
