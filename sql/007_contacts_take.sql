-- Take a company's contacts away, read after the company row is locked
-- (see 004: VOLATILE, so a fresh snapshot): a replacement of the list
-- that waited for another one removes what that one inserted, instead of
-- leaving both lists.
CREATE FUNCTION pr_company_contacts_take(company bigint)
RETURNS SETOF contacts
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	RETURN QUERY DELETE FROM contacts k WHERE k.company_id = company
	    RETURNING k.*;
END $$;
