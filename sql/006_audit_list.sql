-- The audit list pages by id, newest first, within a company or overall.
CREATE INDEX audit_company_id ON audit_log (company_id, id DESC);
