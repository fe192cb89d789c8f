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
               problem pg_catalog.text, key_source pg_catalog.text,
               warnings pg_catalog.text[])
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

-- Copy rules (SPEC "Copy rules"), src/rules.c.  One row per rule: the
-- table, the kind, its columns by number (their identity in this database)
-- and by name (what pg_dump carries to another one, where a trigger finds
-- the numbers again).  The rule functions write it; every role may read it,
-- so that pg_dump of a database by its owner works.
CREATE TABLE @extschema@.rowclone_rule (
    rel          pg_catalog.regclass NOT NULL,
    kind         pg_catalog.text NOT NULL,
    attnums      pg_catalog.int2[] NOT NULL,
    columns      pg_catalog.name[] NOT NULL,
    is_reference pg_catalog.bool,
    expression   pg_catalog.text,
    expression_tree pg_catalog.text,
    -- a link (clone_add_link): columns -> target.target_columns, pairwise,
    -- for the rows where when_column = when_value (or all)
    target       pg_catalog.regclass,
    target_attnums pg_catalog.int2[],
    target_columns pg_catalog.name[],
    when_attnum  pg_catalog.int2,
    when_column  pg_catalog.name,
    when_value   pg_catalog.text,
    -- one rule per table, kind and columns; links: per target too
    UNIQUE NULLS NOT DISTINCT (rel, kind, attnums, target)
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rowclone_rule', '');
GRANT SELECT ON @extschema@.rowclone_rule TO PUBLIC;
COMMENT ON TABLE @extschema@.rowclone_rule
IS 'copy rules of rowclone (declared with clone_set_reference, clone_add_link, clone_set_value and clone_set_filter, listed by clone_rules)';

CREATE FUNCTION @extschema@.rowclone_rules_on_insert() RETURNS trigger
AS 'MODULE_PATHNAME', 'rowclone_rules_on_insert'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;
CREATE TRIGGER rowclone_rule_restored BEFORE INSERT ON @extschema@.rowclone_rule
FOR EACH ROW EXECUTE FUNCTION @extschema@.rowclone_rules_on_insert();

CREATE FUNCTION @extschema@.rowclone_rules_on_drop() RETURNS event_trigger
AS 'MODULE_PATHNAME', 'rowclone_rules_on_drop'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;
CREATE EVENT TRIGGER rowclone_rules_on_drop ON sql_drop
EXECUTE FUNCTION @extschema@.rowclone_rules_on_drop();

CREATE FUNCTION @extschema@.rowclone_rules_on_alter() RETURNS event_trigger
AS 'MODULE_PATHNAME', 'rowclone_rules_on_alter'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;
CREATE EVENT TRIGGER rowclone_rules_on_alter ON ddl_command_end
WHEN TAG IN ('ALTER TABLE')
EXECUTE FUNCTION @extschema@.rowclone_rules_on_alter();

CREATE FUNCTION @extschema@.clone_set_reference(
    rel          pg_catalog.regclass,
    columns      pg_catalog.text[],
    is_reference pg_catalog.bool DEFAULT true)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'rowclone_set_reference'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_set_reference(pg_catalog.regclass, pg_catalog.text[],
    pg_catalog.bool)
IS 'declare the foreign key of rel on these columns a reference (not followed by cascade) or, with false, ownership (followed whatever ON DELETE says)';

CREATE FUNCTION @extschema@.clone_add_link(
    rel            pg_catalog.regclass,
    columns        pg_catalog.text[],
    target         pg_catalog.regclass,
    target_columns pg_catalog.text[] DEFAULT NULL,
    when_column    pg_catalog.text DEFAULT NULL,
    when_value     pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'rowclone_add_link'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_add_link(pg_catalog.regclass, pg_catalog.text[],
    pg_catalog.regclass, pg_catalog.text[], pg_catalog.text, pg_catalog.text)
IS 'a foreign key the catalog does not have: rel.columns -> target.target_columns (its primary key by default), for the rows where when_column = when_value; followed and remapped as a foreign key';

CREATE FUNCTION @extschema@.clone_drop_link(
    rel          pg_catalog.regclass,
    columns      pg_catalog.text[])
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'rowclone_drop_link'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_drop_link(pg_catalog.regclass, pg_catalog.text[])
IS 'remove the links of rel on exactly these columns (clone_add_link), one per target';

CREATE FUNCTION @extschema@.clone_set_value(
    rel          pg_catalog.regclass,
    column_name  pg_catalog.text,
    expression   pg_catalog.text)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'rowclone_set_value'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_set_value(pg_catalog.regclass, pg_catalog.text,
    pg_catalog.text)
IS 'every copy of a row of rel gets this value in the column: an SQL expression over the source row, kept as a parsed tree; NULL removes the rule';

CREATE FUNCTION @extschema@.clone_set_filter(
    rel          pg_catalog.regclass,
    condition    pg_catalog.text)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'rowclone_set_filter'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_set_filter(pg_catalog.regclass, pg_catalog.text)
IS 'rows of rel that a cascade reaches are copied only where condition holds on the row; NULL removes the rule';

-- Evaluates a value rule (attnum > 0) or the filter rule (attnum 0) over a
-- row, in the statements clones run.
CREATE FUNCTION @extschema@.rowclone_value(
    rel      pg_catalog.oid,
    attnum   pg_catalog.int2,
    source   anyelement,
    type_of  anycompatible)
RETURNS anycompatible
AS 'MODULE_PATHNAME', 'rowclone_value'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY INVOKER;

CREATE FUNCTION @extschema@.clone_rules()
RETURNS TABLE (relation pg_catalog.regclass, kind pg_catalog.text, columns pg_catalog.text[],
               detail pg_catalog.text)
AS 'MODULE_PATHNAME', 'rowclone_rules'
LANGUAGE C STABLE PARALLEL RESTRICTED SECURITY INVOKER;

COMMENT ON FUNCTION @extschema@.clone_rules()
IS 'every copy rule of a table that exists: its table, kind, columns and what it applies to';
