-- Bad calls: each gets the SPEC's SQLSTATE and a message naming the object,
-- and writes nothing.
CREATE SCHEMA errs;
SET search_path = errs, public;
CREATE TABLE t (id serial PRIMARY KEY, v text UNIQUE);
INSERT INTO t (v) VALUES ('only');

-- NULL arguments that have no "none" meaning: 22004
SELECT clone_row(NULL, 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('t', NULL::int);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('t', NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('t', 1, cascade => NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- NULL options that mean "none" are fine
SELECT clone_row('t', 1, overrides => '{"v": "second"}', reset => NULL, skip => NULL,
                 max_depth => NULL) AS new_key;
-- bad option values: 22023, 22004
SELECT clone_row('t', 1, max_depth => -1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('t', 1, skip => ARRAY[NULL]::regclass[]);
\echo sqlstate :LAST_ERROR_SQLSTATE

-- rel must be a table: 42809 for views, materialized views, sequences,
-- indexes, foreign tables, composite types
CREATE VIEW a_view AS SELECT * FROM t;
CREATE MATERIALIZED VIEW a_matview AS SELECT * FROM t;
CREATE SEQUENCE a_sequence;
CREATE FOREIGN DATA WRAPPER rowclone_dummy_fdw;
CREATE SERVER rowclone_dummy_server FOREIGN DATA WRAPPER rowclone_dummy_fdw;
CREATE FOREIGN TABLE a_foreign_table (id int) SERVER rowclone_dummy_server;
CREATE TYPE a_type AS (id int);
SELECT clone_row('a_view', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('a_matview', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('a_sequence', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('t_pkey', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('a_foreign_table', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('a_type', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- a relation OID that does not exist
SELECT clone_row(0::regclass, 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- no primary key: 55000 with a hint
CREATE TABLE no_pk (id int UNIQUE, v text);
INSERT INTO no_pk VALUES (1, 'x');
SELECT clone_row('no_pk', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- with cascade too, a missing source row is P0002
SELECT clone_row('t', 42, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- source row absent: P0002
SELECT clone_row('t', 42);
\echo sqlstate :LAST_ERROR_SQLSTATE

-- an error from the INSERT itself (a unique violation) carries a context
-- line naming the table and key being copied
DO $$
DECLARE
    state text;
    ctx text;
BEGIN
    PERFORM clone_row('errs.t', 1);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, ctx = PG_EXCEPTION_CONTEXT;
    RAISE NOTICE 'sqlstate %, context names the row: %', state,
        ctx LIKE '%while cloning row (id)=(1) of table "t"%';
END
$$;

-- none of the failed calls wrote anything
SELECT id, v FROM t ORDER BY id;

-- The same requests through clone_rows and clone_graph (regress.three_ways,
-- sql/setup.sql): the same errors as clone_row.
SELECT * FROM regress.three_ways(NULL, 1);
SELECT * FROM regress.three_ways('t', 1, overrides => '{"v": "third"}', reset => NULL);
SELECT * FROM regress.three_ways('t', 1);
SELECT * FROM regress.three_ways('a_view', 1);
SELECT * FROM regress.three_ways('a_matview', 1);
SELECT * FROM regress.three_ways('a_sequence', 1);
SELECT * FROM regress.three_ways('t_pkey', 1);
SELECT * FROM regress.three_ways('a_foreign_table', 1);
SELECT * FROM regress.three_ways('a_type', 1);
SELECT * FROM regress.three_ways(0::regclass, 1);
SELECT * FROM regress.three_ways('no_pk', 1);
SELECT * FROM regress.three_ways('t', 42);

RESET search_path;
DROP SCHEMA errs CASCADE;
DROP SERVER rowclone_dummy_server;
DROP FOREIGN DATA WRAPPER rowclone_dummy_fdw;

-- System tables are never cloned, not even by a superuser (who may INSERT
-- into catalogs, and whose copy would corrupt them).
SELECT clone_row('pg_namespace', 'public'::regnamespace::oid);
SELECT * FROM clone_rows('pg_catalog.pg_class', ARRAY['pg_class'::regclass::oid]);
SELECT * FROM clone_plan('pg_type');
SELECT clone_row('information_schema.sql_features', '{"feature_id": "B011"}'::jsonb);
SELECT * FROM regress.three_ways('pg_namespace', 'public'::regnamespace::oid);
SELECT * FROM regress.three_ways('information_schema.sql_features', '{"feature_id": "B011"}'::jsonb);
SELECT count(*) AS public_schemas FROM pg_namespace WHERE nspname = 'public';
