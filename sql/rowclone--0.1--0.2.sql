/* rowclone--0.1--0.2.sql: upgrade script */

\echo Use "ALTER EXTENSION rowclone UPDATE TO '0.2'" to load this file. \quit

-- clone_rows gains a copy column (fan-out: overrides may be an array of
-- objects, one per copy) and copies defaults to NULL (one copy, or one per
-- object).  A result type cannot be replaced: drop and create again.  Views
-- or functions that depend on the 0.1 clone_rows make this DROP fail;
-- drop them first and create them again after the update.
DROP FUNCTION @extschema@.clone_rows(pg_catalog.regclass, anycompatiblearray, pg_catalog.jsonb,
    pg_catalog.text[], pg_catalog.bool, pg_catalog.regclass[], pg_catalog.int4, pg_catalog.int4);

CREATE FUNCTION @extschema@.clone_rows(
    rel         pg_catalog.regclass,
    keys        anycompatiblearray,
    overrides   pg_catalog.jsonb DEFAULT NULL,
    reset       pg_catalog.text[] DEFAULT NULL,
    cascade     pg_catalog.bool DEFAULT false,
    skip        pg_catalog.regclass[] DEFAULT NULL,
    max_depth   pg_catalog.int4 DEFAULT NULL,
    copies      pg_catalog.int4 DEFAULT NULL)
RETURNS TABLE (old_key anycompatible, new_key anycompatible, copy pg_catalog.int4)
AS 'MODULE_PATHNAME', 'rowclone_clone_rows'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_rows(pg_catalog.regclass, anycompatiblearray, pg_catalog.jsonb,
    pg_catalog.text[], pg_catalog.bool, pg_catalog.regclass[], pg_catalog.int4, pg_catalog.int4)
IS 'copy many rows as one set, each copies times (or once per object of an overrides array); returns one (old key, new key, copy) row per copy';

-- Clones running now, one row per backend (src/progress.c): the source
-- table, the table being written, tables done of all, rows copied so far.
-- pg_stat_get_progress_info shows other roles' backends only to members of
-- pg_read_all_stats, as for every progress view.
CREATE VIEW @extschema@.rowclone_progress AS
SELECT p.pid,
       p.datid,
       p.relid::pg_catalog.regclass AS relation,
       NULLIF(p.param4, 0)::pg_catalog.oid::pg_catalog.regclass AS copying,
       p.param1::pg_catalog.int4 AS tables_done,
       p.param2::pg_catalog.int4 AS tables,
       p.param3 AS rows_copied
FROM pg_catalog.pg_stat_get_progress_info('COPY') AS p
WHERE p.param5 = 7302;

COMMENT ON VIEW @extschema@.rowclone_progress
IS 'clones running now: source table, table being copied, tables done, rows copied so far';

GRANT SELECT ON @extschema@.rowclone_progress TO PUBLIC;
