-- The live mailboxes of a company and the quota they hold, read after the
-- company row is locked (see 004: VOLATILE, so a fresh snapshot).
CREATE FUNCTION pr_company_usage(company bigint,
    OUT mailboxes bigint, OUT quota_bytes numeric)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	SELECT count(*), coalesce(sum(m.quota_bytes), 0)
	    INTO mailboxes, quota_bytes FROM mailboxes m
	    WHERE m.company_id = company AND m.deleted_at IS NULL;
END $$;
