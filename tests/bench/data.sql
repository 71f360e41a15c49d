-- `make bench`'s data: 10 companies, 10,000 domains, 1,000,000 mailboxes
-- (u1..u100 at d1..d10000.bench.example; company n owns the domains
-- d((n-1)*1000+1) .. d(n*1000)), spread evenly over four mailstores.
-- Loaded set-based with the triggers off, then the registries and counters
-- they keep are filled in the same way: row by row it would take minutes.
\set ON_ERROR_STOP on
BEGIN;
SET LOCAL session_replication_role = replica;

INSERT INTO clusters (name) VALUES ('bench');
INSERT INTO mailstores (cluster_id, name, mail_root, capacity_bytes)
SELECT c.id, 'bench' || n, '/srv/mail/bench' || n, 17592186044416
FROM clusters c, generate_series(1, 4) n WHERE c.name = 'bench';

INSERT INTO companies (name, cluster_id)
SELECT 'Bench ' || lpad(n::text, 2, '0'), c.id
FROM clusters c, generate_series(1, 10) n WHERE c.name = 'bench';

CREATE TEMP TABLE bench_domains AS
SELECT n, 'd' || n || '.bench.example' AS name,
    (SELECT id FROM companies
     WHERE name = 'Bench ' || lpad(((n - 1) / 1000 + 1)::text, 2, '0'))
    AS company_id
FROM generate_series(1, 10000) n;

INSERT INTO domain_names (name, kind, company_id)
SELECT name, 'domain', company_id FROM bench_domains;
INSERT INTO domains (company_id, name)
SELECT company_id, name FROM bench_domains ORDER BY n;

CREATE TEMP TABLE bench_stores AS
SELECT row_number() OVER (ORDER BY s.id) - 1 AS k, s.id, s.cluster_id
FROM mailstores s JOIN clusters c ON c.id = s.cluster_id
WHERE c.name = 'bench';

-- Display names from 100 first and 100 last names (the search looks up
-- first names: each matches about 1 % of a company).
CREATE TEMP TABLE bench_names AS SELECT string_to_array(
    'maria anna james john robert michael william david richard joseph '
    'thomas charles mary patricia jennifer linda elizabeth barbara susan '
    'jessica sarah karen lisa nancy betty sandra ashley kimberly emily '
    'donna michelle carol amanda melissa deborah stephanie rebecca laura '
    'sharon cynthia kathleen amy angela helen brenda pamela nicole emma '
    'samantha katherine christine debra rachel carolyn janet virginia '
    'daniel matthew anthony mark donald '
    'kevin brian george timothy ronald edward jason jeffrey ryan jacob '
    'gary nicholas eric jonathan stephen larry justin scott brandon '
    'benjamin samuel gregory alexander frank patrick raymond jack dennis '
    'jerry tyler aaron jose adam nathan henry zachary douglas peter kyle '
    'smith johnson williams brown jones garcia miller davis rodriguez '
    'martinez hernandez lopez gonzalez wilson anderson thomas taylor moore '
    'jackson martin lee perez thompson white harris sanchez clark ramirez '
    'lewis robinson walker young allen king wright scott torres nguyen '
    'hill flores green adams nelson baker hall rivera campbell mitchell '
    'carter roberts gomez phillips evans turner diaz parker cruz edwards '
    'collins reyes stewart morris morales murphy cook rogers gutierrez '
    'ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox '
    'ward richardson watson brooks chavez wood james bennett gray mendoza '
    'ruiz hughes price alvarez castillo sanders patel myers long ross '
    'foster jimenez', ' ') AS names;

INSERT INTO addresses (address, kind, company_id)
SELECT 'u' || u || '@' || d.name, 'mailbox', d.company_id
FROM domains d, generate_series(1, 100) u;

INSERT INTO mailboxes (company_id, domain_id, local_part, address,
    display_name, password_hash, quota_bytes, cluster_id, mailstore_id)
SELECT d.company_id, d.id, 'u' || u, 'u' || u || '@' || d.name,
    initcap(f.names[1 + (u * 7 + d.id) % 100]) || ' ' ||
    initcap(f.names[101 + (u * 13 + d.id * 3) % 100]),
    '{SHA512-CRYPT}$6$benchbenchbench$' || repeat('x', 86),
    1073741824, s.cluster_id, s.id
FROM domains d CROSS JOIN generate_series(1, 100) u
JOIN bench_stores s ON s.k = (d.id * 100 + u) % 4
CROSS JOIN bench_names f;

UPDATE mailstores s SET mailbox_count = n.c
FROM (SELECT mailstore_id, count(*) AS c FROM mailboxes
      GROUP BY mailstore_id) n
WHERE n.mailstore_id = s.id;
INSERT INTO mailstore_company_counts (company_id, mailstore_id, mailboxes)
SELECT company_id, mailstore_id, count(*) FROM mailboxes
GROUP BY company_id, mailstore_id;
INSERT INTO domain_usage (company_id, domain_id, mailboxes, quota_bytes)
SELECT company_id, domain_id, count(*), sum(quota_bytes) FROM mailboxes
GROUP BY company_id, domain_id;
COMMIT;
VACUUM ANALYZE;
-- The load's dirty pages written now, not by a checkpoint during the runs.
CHECKPOINT;
