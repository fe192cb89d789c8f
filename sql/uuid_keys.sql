-- SPEC "What a copy gets", rule 4 (0.2): a uuid primary-key column without
-- a default takes gen_random_uuid(), the default an application keeps
-- outside the database (Django's UUIDField(default=uuid.uuid4)). Every
-- shape and function gives such a copy a fresh key; a uuid key with a
-- default of its own keeps its default.
CREATE SCHEMA uuidk;
SET search_path = uuidk, public;

CREATE TABLE doc (id uuid PRIMARY KEY, title text NOT NULL);
CREATE TABLE page (id uuid PRIMARY KEY,
                   doc_id uuid NOT NULL REFERENCES doc ON DELETE CASCADE,
                   n int NOT NULL);
INSERT INTO doc VALUES ('00000000-0000-0000-0000-000000000001', 'manual');
INSERT INTO page VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001', 1),
                        ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-000000000001', 2);

-- the key is fresh: clone_plan says so, and the table is no longer refused
SELECT relation, fresh_columns, remapped_columns, copied_columns, problem
FROM clone_plan('doc') ORDER BY depth, relation::text;

-- one row (the one-row shape: the INSERT calls gen_random_uuid())
SELECT clone_row('doc', '00000000-0000-0000-0000-000000000001'::uuid)
       <> '00000000-0000-0000-0000-000000000001' AS fresh_key;
-- the key passed as text comes back as text
SELECT pg_typeof(clone_row('doc', '00000000-0000-0000-0000-000000000001'));
-- a cascade: keys made in C, children remapped to their new parent
SELECT clone_row('doc', '00000000-0000-0000-0000-000000000001'::uuid, cascade => true,
                 overrides => '{"title": "copy"}') AS copy_key \gset
SELECT count(*) AS pages, count(DISTINCT id) AS distinct_keys,
       bool_and(id NOT IN ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000a2')) AS fresh
FROM page WHERE doc_id = :'copy_key';
SELECT title FROM doc WHERE id = :'copy_key';
-- many copies in one round: every copy its own key
SELECT count(*) AS copies, count(DISTINCT new_key) AS distinct_keys
FROM clone_rows('doc', ARRAY['00000000-0000-0000-0000-000000000001'::uuid], copies => 5);
SELECT count(*) AS copies, count(DISTINCT new_key) AS distinct_keys
FROM clone_rows('doc', ARRAY['00000000-0000-0000-0000-000000000001'::uuid], copies => 3,
                cascade => true);
SELECT count(*) AS pages, count(DISTINCT id) AS distinct_keys FROM page;
-- clone_graph lists the new keys
SELECT relation, depth, (new_key ->> 'id') <> (old_key ->> 'id') AS fresh
FROM clone_graph('doc', '00000000-0000-0000-0000-000000000001'::uuid)
ORDER BY depth, old_key ->> 'id';

-- the same request three ways (regress.three_ways, sql/setup.sql); the
-- random key itself is left out of the comparison
SELECT * FROM regress.three_ways('doc', '00000000-0000-0000-0000-000000000001'::uuid,
                                 ignore => '{id}');

-- overrides still win; reset of a uuid key without a default is refused,
-- as for any key without one (the SPEC's reset takes the column default)
SELECT clone_row('doc', '00000000-0000-0000-0000-000000000001'::uuid,
                 overrides => '{"id": "00000000-0000-0000-0000-0000000000ff"}');
\set VERBOSITY default
SELECT clone_row('doc', '00000000-0000-0000-0000-000000000001'::uuid, reset => '{id}');
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- a uuid key with a default of its own takes that default
CREATE FUNCTION fixed_uuid() RETURNS uuid LANGUAGE sql
  AS $$SELECT '11111111-1111-1111-1111-111111111111'::uuid$$;
CREATE TABLE own_default (id uuid PRIMARY KEY DEFAULT fixed_uuid(), v text);
INSERT INTO own_default VALUES ('00000000-0000-0000-0000-000000000001', 'x');
SELECT clone_row('own_default', '00000000-0000-0000-0000-000000000001'::uuid);

-- a composite key with a uuid column: that column makes the key fresh
CREATE TABLE part (tenant int, id uuid, v text, PRIMARY KEY (tenant, id));
INSERT INTO part VALUES (1, '00000000-0000-0000-0000-000000000001', 'x');
SELECT (clone_row('part', '{"tenant": 1, "id": "00000000-0000-0000-0000-000000000001"}'::jsonb)
        ->> 'tenant') AS tenant;
SELECT count(*), count(DISTINCT id) FROM part;

-- a uuid key column that references another row is no such key: a line
-- keyed by (its doc, a number) whose doc is not copied has no fresh key
CREATE TABLE line (doc_id uuid REFERENCES doc, n int, PRIMARY KEY (doc_id, n));
INSERT INTO line VALUES ('00000000-0000-0000-0000-000000000001', 1);
\set VERBOSITY default
SELECT clone_row('line', '{"doc_id": "00000000-0000-0000-0000-000000000001", "n": 1}'::jsonb);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT relation, fresh_columns, problem FROM clone_plan('line');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA uuidk CASCADE;
RESET client_min_messages;
