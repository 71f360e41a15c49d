-- A domain's catch-all is an address of the registry (addresses): a
-- mailbox or an alias.  The API refuses to delete an alias that a live
-- domain uses as its catch-all (409 naming the domain); this key holds
-- where that check cannot: a catch-all set while the alias is being
-- deleted, a soft-deleted domain's catch-all, and a mailbox that
-- `postroom purge` removes for good.  The catch-all is then cleared,
-- never left pointing at an address that no longer exists.
--
-- Catch-alls that already point nowhere are cleared first, each with an
-- audit entry.
WITH gone AS (SELECT d.company_id, d.id, d.name, d.catchall FROM domains d
	WHERE d.catchall IS NOT NULL AND NOT EXISTS (SELECT 1 FROM addresses a
	    WHERE a.address = d.catchall)),
upd AS (UPDATE domains d SET catchall = NULL, updated_at = now() FROM gone
	WHERE d.company_id = gone.company_id AND d.id = gone.id)
INSERT INTO audit_log (company_id, actor, action, object_type, object_id,
    before, after)
SELECT company_id, 'migration:008', 'domain.update', 'domain', name,
    jsonb_build_object('catchall', catchall),
    jsonb_build_object('catchall', NULL) FROM gone;

-- Compared byte by byte, as the addresses it names.
ALTER TABLE domains ALTER COLUMN catchall TYPE text COLLATE "C";
ALTER TABLE domains ADD CONSTRAINT domains_catchall_fkey
    FOREIGN KEY (catchall) REFERENCES addresses (address) ON DELETE SET NULL;
-- The key's check when an address goes, and the alias delete's question
-- "whose catch-all is this?".
CREATE INDEX domains_catchall ON domains (catchall)
    WHERE catchall IS NOT NULL;
