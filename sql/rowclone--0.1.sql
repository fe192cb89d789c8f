/* rowclone--0.1.sql: install script */

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
