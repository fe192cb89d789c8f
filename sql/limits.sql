--
-- limits: schemas far larger than usual.  No array sized by the schema may
-- overflow; every case checks the copies and that a failing call leaves
-- nothing behind.
--
-- Tables and rows are made by generated statements (\gexec), not echoed.
CREATE SCHEMA rowclone_limits;
SET search_path = rowclone_limits, public;

-- rows of a table (by name) that satisfy a condition
CREATE FUNCTION rows_where(tbl text, cond text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %I WHERE %s', tbl, cond) INTO n;
    RETURN n;
END $$;

-- A parent referenced through 80 distinct unique columns, each the target
-- of one foreign key of a child: 80 fetched columns per parent row.
\set ECHO none
SELECT format('CREATE TABLE wide (id bigserial PRIMARY KEY, %s)',
              string_agg(format('u%s int UNIQUE', i), ', ' ORDER BY i))
FROM generate_series(1, 80) i \gexec
\set ECHO all
\set ECHO none
SELECT format('CREATE TABLE wide_child (id bigserial PRIMARY KEY, %s)',
              string_agg(format('r%s int REFERENCES wide (u%s)', i, i), ', ' ORDER BY i))
FROM generate_series(1, 80) i \gexec
\set ECHO all
\set ECHO none
SELECT format('INSERT INTO wide (%s) VALUES (%s)',
              string_agg('u' || i, ', ' ORDER BY i), string_agg(i::text, ', ' ORDER BY i))
FROM generate_series(1, 80) i \gexec
\set ECHO all
\set ECHO none
SELECT format('INSERT INTO wide_child (%s) VALUES (%s)',
              string_agg('r' || i, ', ' ORDER BY i), string_agg(i::text, ', ' ORDER BY i))
FROM generate_series(1, 80) i \gexec
\set ECHO all
-- the copy gets new unique values; the child's copy points at them
SELECT relation, depth FROM clone_graph('wide', 1,
    overrides => (SELECT jsonb_object_agg('u' || i, 1000 + i) FROM generate_series(1, 80) i))
ORDER BY depth;
SELECT count(*) AS children_pointing_at_copy FROM wide_child c
WHERE c.id <> 1 AND c.r1 = 1001 AND c.r80 = 1080;
SELECT count(*) FROM wide_child;

-- A leaf child with 150 foreign keys to the source table (3 parameters
-- each in its INSERT), cascaded into.
CREATE TABLE src (id bigserial PRIMARY KEY, name text);
\set ECHO none
SELECT format('CREATE TABLE leaf (id bigserial PRIMARY KEY, %s)',
              string_agg(format('r%s bigint REFERENCES src', i), ', ' ORDER BY i))
FROM generate_series(1, 150) i \gexec
\set ECHO all
INSERT INTO src (name) VALUES ('one'), ('two');
\set ECHO none
SELECT format('INSERT INTO leaf (%s) VALUES (%s)',
              string_agg('r' || i, ', ' ORDER BY i),
              string_agg(CASE WHEN i % 2 = 0 THEN '1' ELSE '2' END, ', ' ORDER BY i))
FROM generate_series(1, 150) i \gexec
\set ECHO all
SELECT clone_row('src', 1, cascade => true) AS src_copy \gset
-- even references point at the copy of 1; odd ones still at 2
SELECT r2 = :src_copy AS even_remapped, r150 = :src_copy AS last_remapped,
       r1 = 2 AS odd_kept, r149 = 2 AS odd_last_kept
FROM leaf WHERE id <> 1;
SELECT count(*) FROM leaf;

-- 210 self-references, through clone_rows without cascade and with it.
\set ECHO none
SELECT format('CREATE TABLE selfish (id bigserial PRIMARY KEY, %s)',
              string_agg(format('r%s bigint REFERENCES selfish', i), ', ' ORDER BY i))
FROM generate_series(1, 210) i \gexec
\set ECHO all
INSERT INTO selfish DEFAULT VALUES;
\set ECHO none
SELECT format('UPDATE selfish SET %s', string_agg(format('r%s = 1', i), ', '))
FROM generate_series(1, 210) i \gexec
\set ECHO all
SELECT old_key, new_key FROM clone_rows('selfish', ARRAY[1]);
SELECT id, r1, r105, r210 FROM selfish ORDER BY id;
SELECT clone_row('selfish', 1, cascade => true);
SELECT id, r1, r105, r210 FROM selfish ORDER BY id;

-- An is-a chain of 70 tables: the copy of the bottom row copies all 70.
CREATE TABLE chain_1 (id bigserial PRIMARY KEY, level int);
\set ECHO none
SELECT format('CREATE TABLE chain_%s (id bigint PRIMARY KEY REFERENCES chain_%s, level int)', i, i - 1)
FROM generate_series(2, 70) i \gexec
\set ECHO all
\set ECHO none
SELECT format('INSERT INTO chain_%s VALUES (1, %s)', i, i) FROM generate_series(1, 70) i \gexec
\set ECHO all
SELECT setval('chain_1_id_seq', 1);
SELECT clone_row('chain_70', 1) AS chain_copy \gset
SELECT count(*) AS tables_with_copy
FROM generate_series(1, 70) i
WHERE rows_where(format('chain_%s', i), format('id = %s AND level = %s', :chain_copy, i)) = 1;
SELECT count(*) FROM clone_plan('chain_70');
SELECT count(*) FROM clone_graph('chain_70', 1, cascade => false);

-- A cascade reaching 500 tables: a root with 499 children.
CREATE TABLE hub (id bigserial PRIMARY KEY);
INSERT INTO hub DEFAULT VALUES;
\set ECHO none
SELECT format('CREATE TABLE spoke_%s (id bigserial PRIMARY KEY, hub_id bigint REFERENCES hub)', i)
FROM generate_series(1, 499) i \gexec
\set ECHO all
\set ECHO none
SELECT format('INSERT INTO spoke_%s (hub_id) VALUES (1)', i) FROM generate_series(1, 499) i \gexec
\set ECHO all
SELECT count(*) AS tables, max(depth) FROM clone_plan('hub');
SELECT count(*) AS rows_copied FROM clone_graph('hub', 1);
SELECT count(*) AS spokes_of_copy
FROM generate_series(1, 499) i
WHERE rows_where(format('spoke_%s', i), 'hub_id = 2') = 1;
-- Dropped one table per transaction: one DROP SCHEMA of all 500 would need
-- more locks than a small server's lock table holds.
\set ECHO none
SELECT format('DROP TABLE spoke_%s', i) FROM generate_series(1, 499) i \gexec
\set ECHO all
DROP TABLE hub;

-- The plan cache keeps at most rowclone.plan_cache_size plans per backend,
-- least recently used out first.  Each distinct overrides shape is a plan.
CREATE TABLE shaped (id bigserial PRIMARY KEY, a int, b int, c int, d int);
INSERT INTO shaped (a, b, c, d) VALUES (1, 2, 3, 4);
SET rowclone.plan_cache_size = 5;
SELECT count(*) FROM (
    SELECT clone_row('shaped', 1::bigint, overrides => jsonb_build_object(k, v))
    FROM unnest(ARRAY['a', 'b', 'c', 'd', 'shaped.a', 'shaped.b', 'shaped.c', 'shaped.d',
                      'rowclone_limits.shaped.a', 'rowclone_limits.shaped.b']) k,
         generate_series(1, 2) v) q;
SELECT clone_row('shaped', 1::bigint) > 1;
SELECT count(*) AS plans_kept FROM pg_backend_memory_contexts WHERE name = 'rowclone plan';
SELECT count(*) AS copies FROM shaped;
RESET rowclone.plan_cache_size;
SHOW rowclone.plan_cache_size;

-- A plan holds what it needs, not room for the largest schema: one
-- set-shape plan of a one-table clone stays under 64 kB (two keys, the same
-- row twice: the set shape; one key would run in the one-row shape).
SET rowclone.plan_cache_size = 1;
SELECT count(*) FROM clone_rows('shaped', ARRAY[1, 1]::bigint[]);
SELECT count(*) AS plans, max(total_bytes) < 65536 AS under_64kb
  FROM pg_backend_memory_contexts WHERE name = 'rowclone plan';
RESET rowclone.plan_cache_size;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rowclone_limits CASCADE;
RESET client_min_messages;
