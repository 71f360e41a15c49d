-- The mailbox list filters by service state: the mailboxes with any
-- service not enabled are few, and this index finds them in address
-- order without reading the others.
CREATE INDEX mailboxes_services_off ON mailboxes (company_id, address)
    WHERE imap <> 'enabled' OR pop3 <> 'enabled' OR webmail <> 'enabled'
    OR send <> 'enabled' OR receive <> 'enabled';
