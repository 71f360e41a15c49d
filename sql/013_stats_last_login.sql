-- Each mailbox's latest login changes with nearly every batch the
-- collector commits: an index on the time made every one of those updates
-- write index entries (measured: half the cost of the upsert).  "Not
-- logged in for N days" reads a company's rows by the primary key and
-- filters on the time instead.
DROP INDEX stats_last_login_at;
