-- What stands in the way of a CSV import of mailboxes, row by row.
--
-- list: a JSON array of {"line", "address", "domain", "quota"} (quota
-- null: the domain's default, else the company's).  company 0 and a NULL
-- scope are no limit, as in the API's queries.  One import is for one
-- company: the company of the first row whose domain is in scope.
--
-- Each row that cannot be created yields (line, field, message): its
-- domain is unknown in scope (whether it exists elsewhere is not said),
-- of another company, or suspended; its address is taken (a mailbox or
-- an alias, live or deleted within 30 days); or, counting the rows
-- before it that could be created, it is past the domain's or the
-- company's mailbox limit or its quota past their remaining storage.
--
-- The import checks once before it hashes passwords, and again with
-- locking true in the statement that inserts, once that holds the
-- company row: then the domains are locked (FOR SHARE, as a create
-- does) before they are read.  VOLATILE, so that each query reads
-- what was committed while it waited (see 004).
CREATE FUNCTION pr_import_problems(company bigint, scope bigint[],
    list jsonb, locking boolean)
RETURNS TABLE (line integer, field text, message text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
	IF locking THEN
		PERFORM 1 FROM domains dm WHERE dm.company_id = company
		    AND dm.name IN (SELECT x.domain FROM
		    jsonb_to_recordset(list) AS x(domain text))
		    AND dm.deleted_at IS NULL ORDER BY dm.id FOR SHARE;
	END IF;
	RETURN QUERY
	WITH r AS (
		SELECT x.line, x.address, x.domain, x.quota
		FROM jsonb_to_recordset(list) AS x(line integer, address text,
		    domain text, quota bigint)
	), d AS (
		SELECT dm.id, dm.name, dm.company_id, dm.status,
		    dm.default_quota_bytes, dm.max_mailboxes,
		    dm.max_storage_bytes
		FROM domains dm
		WHERE dm.name IN (SELECT DISTINCT r.domain FROM r)
		    AND dm.deleted_at IS NULL
		    AND (company = 0 OR dm.company_id = company)
		    AND (scope IS NULL OR dm.id = ANY (scope))
	), first AS (
		SELECT r.line, d.company_id FROM r JOIN d ON d.name = r.domain
		ORDER BY r.line LIMIT 1
	), co AS (
		SELECT c.id, c.max_mailboxes, c.max_storage_bytes,
		    c.default_quota_bytes, u.mailboxes AS used,
		    u.quota_bytes AS used_bytes
		FROM first JOIN companies c ON c.id = first.company_id,
		    pr_company_usage(c.id) u
	), du AS (
		SELECT d.id, u.mailboxes AS used, u.quota_bytes AS used_bytes
		FROM co JOIN d ON d.company_id = co.id,
		    pr_domain_usage(co.id, d.id) u
	), mine AS (
		-- A subquery per row, planned on its own, is an index probe
		-- whatever the statistics say; a join planned on stale ones
		-- (after a large import or purge) read the whole registry for
		-- each row.
		SELECT r.line, d.status, d.max_mailboxes AS dmax,
		    d.max_storage_bytes AS dstore, du.used AS dused,
		    du.used_bytes AS dbytes, co.max_mailboxes AS cmax,
		    co.max_storage_bytes AS cstore, co.used AS cused,
		    co.used_bytes AS cbytes,
		    coalesce(r.quota, d.default_quota_bytes,
		    co.default_quota_bytes) AS quota, d.id AS domain_id,
		    (SELECT count(*) FROM addresses a
		    WHERE a.address = r.address) > 0 AS taken
		FROM r JOIN d ON d.name = r.domain
		    JOIN co ON co.id = d.company_id JOIN du ON du.id = d.id
	), k AS (
		-- The rows before count towards a limit, except those that
		-- could not be created anyway.
		SELECT mine.*, taken OR status <> 'active' AS blocked,
		    count(*) FILTER (WHERE NOT taken AND status = 'active')
		    OVER (ORDER BY line) AS cn,
		    count(*) FILTER (WHERE NOT taken AND status = 'active')
		    OVER (PARTITION BY domain_id ORDER BY line) AS dn,
		    sum(quota) FILTER (WHERE NOT taken AND status = 'active')
		    OVER (ORDER BY line) AS cq,
		    sum(quota) FILTER (WHERE NOT taken AND status = 'active')
		    OVER (PARTITION BY domain_id ORDER BY line) AS dq
		FROM mine
	)
	SELECT r.line, 'address', 'no such domain: ' || r.domain
	    FROM r WHERE NOT EXISTS (SELECT 1 FROM d WHERE d.name = r.domain)
	UNION ALL
	SELECT r.line, 'address', 'not a domain of the company of line ' ||
	    first.line || ': an import is for one company'
	    FROM r JOIN d ON d.name = r.domain, first
	    WHERE d.company_id <> first.company_id
	UNION ALL
	SELECT k.line, 'address', 'the domain is suspended'
	    FROM k WHERE k.status <> 'active'
	UNION ALL
	SELECT k.line, 'address', 'exists already, as a mailbox or an alias'
	    FROM k WHERE k.taken
	UNION ALL
	SELECT k.line, 'address', 'the domain has its maximum of ' ||
	    k.dmax || ' mailboxes' FROM k
	    WHERE NOT k.blocked AND k.dused + k.dn > k.dmax
	UNION ALL
	SELECT k.line, 'address', 'the company has its maximum of ' ||
	    k.cmax || ' mailboxes' FROM k
	    WHERE NOT k.blocked AND k.cused + k.cn > k.cmax
	UNION ALL
	SELECT k.line, 'quota_bytes',
	    'more than the domain''s remaining storage of ' ||
	    greatest(k.dstore - k.dbytes - k.dq + k.quota, 0) ||
	    ' bytes' FROM k WHERE NOT k.blocked AND k.dbytes + k.dq > k.dstore
	UNION ALL
	SELECT k.line, 'quota_bytes',
	    'more than the company''s remaining storage of ' ||
	    greatest(k.cstore - k.cbytes - k.cq + k.quota, 0) ||
	    ' bytes' FROM k WHERE NOT k.blocked AND k.cbytes + k.cq > k.cstore;
END $$;
