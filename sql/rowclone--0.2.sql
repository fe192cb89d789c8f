/* rowclone--0.2.sql: install script */

\echo Use "CREATE EXTENSION rowclone" to load this file. \quit

CREATE FUNCTION @extschema@.clone_row(
    rel         pg_catalog.regclass,
    key         anycompatible,
    overrides   pg_catalog.jsonb DEFAULT NULL,
    reset       pg_catalog.text[] DEFAULT NULL,
    cascade     pg_catalog.bool DEFAULT false,
    skip        pg_catalog.regclass[] DEFAULT NULL,
    max_depth   pg_catalog.int4 DEFAULT NULL)
RETURNS anycompatible
AS 'MODULE_PATHNAME', 'rowclone_clone_row'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_row(pg_catalog.regclass, anycompatible, pg_catalog.jsonb,
    pg_catalog.text[], pg_catalog.bool, pg_catalog.regclass[], pg_catalog.int4)
IS 'copy one row (and its is-a parent rows) with a fresh key; returns the key of the copy';

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

CREATE FUNCTION @extschema@.clone_graph(
    rel         pg_catalog.regclass,
    key         anycompatible,
    overrides   pg_catalog.jsonb DEFAULT NULL,
    reset       pg_catalog.text[] DEFAULT NULL,
    cascade     pg_catalog.bool DEFAULT true,
    skip        pg_catalog.regclass[] DEFAULT NULL,
    max_depth   pg_catalog.int4 DEFAULT NULL)
RETURNS TABLE (relation pg_catalog.regclass, old_key pg_catalog.jsonb,
               new_key pg_catalog.jsonb, depth pg_catalog.int4)
AS 'MODULE_PATHNAME', 'rowclone_clone_graph'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_graph(pg_catalog.regclass, anycompatible, pg_catalog.jsonb,
    pg_catalog.text[], pg_catalog.bool, pg_catalog.regclass[], pg_catalog.int4)
IS 'clone a row with its foreign-key children and is-a parents; returns every row created, root first';

CREATE FUNCTION @extschema@.clone_plan(
    rel         pg_catalog.regclass,
    cascade     pg_catalog.bool DEFAULT true,
    skip        pg_catalog.regclass[] DEFAULT NULL,
    max_depth   pg_catalog.int4 DEFAULT NULL)
RETURNS TABLE (relation pg_catalog.regclass, depth pg_catalog.int4, reached_by pg_catalog.text,
               fresh_columns pg_catalog.text[], remapped_columns pg_catalog.text[],
               copied_columns pg_catalog.text[], not_followed pg_catalog.text[],
               problem pg_catalog.text)
AS 'MODULE_PATHNAME', 'rowclone_clone_plan'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_plan(pg_catalog.regclass, pg_catalog.bool,
    pg_catalog.regclass[], pg_catalog.int4)
IS 'describe, without writing anything, the tables a clone would copy rows of and how';

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
