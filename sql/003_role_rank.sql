-- Rank of a role: a suspended service may be lifted only by a role at
-- least as high as the one that suspended it.
CREATE FUNCTION pr_role_rank(r text) RETURNS integer
LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE r WHEN 'operator' THEN 5 WHEN 'support' THEN 4
	WHEN 'company_admin' THEN 3 WHEN 'company_viewer' THEN 2
	WHEN 'domain_admin' THEN 1 ELSE 0 END $$;
