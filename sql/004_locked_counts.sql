-- Counts that a statement reads after it has taken a row lock.
--
-- A statement that locks a row FOR UPDATE and then counts rows reads the
-- counts from the snapshot taken when it began, before it waited for the
-- lock: what the lock's holder committed meanwhile is not seen, and two
-- requests can both take the last place under a limit.  The queries of a
-- VOLATILE PL/pgSQL function take a fresh snapshot (READ COMMITTED), so
-- these counts, read once the lock is held, include it.  Never mark them
-- STABLE: that would bring the stale snapshot back.

CREATE FUNCTION pr_company_domains(company bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	RETURN (SELECT count(*) FROM domains d
	    WHERE d.company_id = company AND d.deleted_at IS NULL);
END $$;

-- The live mailboxes of a domain and the quota they hold.
CREATE FUNCTION pr_domain_usage(company bigint, domain bigint,
    OUT mailboxes bigint, OUT quota_bytes numeric)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	SELECT count(*), coalesce(sum(m.quota_bytes), 0)
	    INTO mailboxes, quota_bytes FROM mailboxes m
	    WHERE m.company_id = company AND m.domain_id = domain
	    AND m.deleted_at IS NULL;
END $$;
