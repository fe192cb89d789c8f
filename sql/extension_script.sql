--
-- extension_script: the install script and the objects it creates are safe
-- to install as a superuser and to call from any role:
--   * the extension is not trusted: only a superuser can create it;
--   * every function is SECURITY INVOKER, and any function that is not C
--     pins its search_path (C functions qualify the SQL they run);
--   * the script names every object it creates, type and schema it uses
--     with a qualified name, and never replaces an existing object;
--   * CREATE EXTENSION gives the same objects, working the same way, when
--     look-alike functions, operators and types are first in search_path
--     and in the target schema.
--

--
-- The objects of the extension (in contrib_regression, created by setup).
--
-- Every member of the extension is a function, but for two relations, the
-- view rowclone_progress and the configuration table rowclone_rule (and,
-- from PostgreSQL 18 on, their row types), and the two event triggers that
-- keep copy rules in step with the schema: no other table, type or
-- operator.
SELECT count(*) FILTER (WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass) AS relations,
       count(*) FILTER (WHERE d.classid NOT IN ('pg_catalog.pg_proc'::pg_catalog.regclass,
                                                'pg_catalog.pg_class'::pg_catalog.regclass)
                          AND d.classid <> 'pg_catalog.pg_event_trigger'::pg_catalog.regclass
                          AND NOT EXISTS (
                              SELECT FROM pg_catalog.pg_type t
                              JOIN pg_catalog.pg_class v
                                ON (v.relname, v.relkind) IN (('rowclone_progress', 'v'),
                                                              ('rowclone_rule', 'r'))
                              WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                                AND t.oid = d.objid
                                AND (t.typrelid = v.oid OR t.typelem = v.reltype)))
         AS other_members,
       count(*) FILTER (WHERE d.classid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass)
         AS event_triggers,
       count(*) > 0 AS has_functions
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
  AND d.deptype = 'e' AND e.extname = 'rowclone';
-- None is SECURITY DEFINER or a procedure; none that is not C lacks a
-- pinned search_path; the C functions carry no settings at all (they run
-- as the caller, with the caller's settings), and all live in the
-- extension's schema.
SELECT count(*) FILTER (WHERE p.prosecdef) AS security_definer,
       count(*) FILTER (WHERE p.prokind <> 'f') AS not_plain_functions,
       count(*) FILTER (WHERE l.lanname <> 'c' AND NOT coalesce(
           EXISTS (SELECT FROM pg_catalog.unnest(p.proconfig) AS c
                   WHERE c LIKE 'search\_path=%'), false)) AS unpinned_non_c,
       count(*) FILTER (WHERE l.lanname = 'c' AND p.proconfig IS NOT NULL) AS c_with_settings,
       count(*) FILTER (WHERE p.pronamespace <> e.extnamespace) AS outside_schema
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
JOIN pg_catalog.pg_proc p ON p.oid = d.objid
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
  AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  AND d.deptype = 'e' AND e.extname = 'rowclone';
-- The control file: not trusted, superuser only, not relocatable.
SELECT name, version, superuser, trusted, relocatable
FROM pg_catalog.pg_available_extension_versions WHERE name = 'rowclone' ORDER BY version;

--
-- The installed scripts' text: the install script of 0.2 and the update
-- from 0.1.  Comments and string literals are left out before looking at
-- them.
--
CREATE TEMP TABLE script AS
SELECT f AS file, pg_catalog.pg_read_file(c.setting || '/extension/' || f) AS raw
FROM pg_catalog.pg_config c,
     pg_catalog.unnest(ARRAY['rowclone--0.2.sql', 'rowclone--0.1--0.2.sql']) AS f
WHERE c.name = 'SHAREDIR';
ALTER TABLE script ADD COLUMN code text;
UPDATE script SET code =
       pg_catalog.lower(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
           pg_catalog.regexp_replace(raw, '/\*.*?\*/', ' ', 'g'),
           '--[^\n]*', ' ', 'g'), '''([^'']|'''')*''', ' ', 'g'));
-- Sourced by psql instead of CREATE EXTENSION, each stops at once.
SELECT file, code ~ '^\s*\\echo [^\n]*\\quit' AS stops_in_psql FROM script ORDER BY file;
-- They have only CREATE FUNCTION, CREATE VIEW (rowclone_progress), CREATE
-- TABLE (rowclone_rule) with its SELECT pg_catalog.pg_extension_config_dump
-- (pg_dump keeps its rows) and its CREATE TRIGGER (a restored rule finds its
-- columns), CREATE EVENT TRIGGER (rules follow drops and renames), the
-- GRANT SELECT that lets every role read the view and the table, and
-- COMMENT ON statements, and the update one DROP FUNCTION, of the
-- clone_rows whose result 0.2 changes: they never replace an object
-- (CREATE OR REPLACE would take over, or keep the owner of, an object
-- someone created first), and never change settings, roles, other
-- privileges or data.
SELECT DISTINCT file, (pg_catalog.regexp_match(stmt, '^\s*(\w+\s+\w+)'))[1] AS statement
FROM script, pg_catalog.regexp_split_to_table(
         pg_catalog.regexp_replace(code, '\\echo[^\n]*', ''), ';') AS stmt
WHERE stmt ~ '\S'
ORDER BY 1, 2;
SELECT file, m[1] AS dropped
FROM script, pg_catalog.regexp_matches(code, 'drop\s+function\s+([^(]+)\(', 'g') AS m;
-- Every object they create is named in the extension's schema.
SELECT file, m[1] AS unqualified_create
FROM script, pg_catalog.regexp_matches(code,
     'create\s+(?:function|procedure|aggregate|type|domain|operator|cast|table|view|sequence)\s+(?!@extschema@\.)(\S+)', 'g') AS m;
SELECT file, count(*) AS creates_functions
FROM script, pg_catalog.regexp_matches(code, 'create\s+function\s+@extschema@\.', 'g')
GROUP BY file ORDER BY file;
-- Every type they name is qualified (types are the only references in
-- them: the functions are C).
SELECT DISTINCT file, m[1] AS unqualified_type
FROM script, pg_catalog.regexp_matches(code, '(?<![.\w"])([a-z_][a-z0-9_]*)', 'g') AS m
WHERE m[1] IN (SELECT t.typname FROM pg_catalog.pg_type t
               WHERE t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
                 AND t.typtype <> 'p')
ORDER BY 1, 2;
SELECT file, count(*) > 0 AS has_qualified_types
FROM script, pg_catalog.regexp_matches(code, 'pg_catalog\.(regclass|jsonb|text|int4)', 'g')
GROUP BY file ORDER BY file;
DROP TABLE script;

--
-- CREATE EXTENSION in a scratch database.
--
CREATE ROLE regress_rowclone_es_dbowner;
CREATE ROLE regress_rowclone_es_hostile;
CREATE DATABASE regress_rowclone_es_db TEMPLATE template0 OWNER regress_rowclone_es_dbowner;
\c regress_rowclone_es_db

-- Not trusted: the owner of the database, with CREATE on it, cannot create
-- the extension (42501); only a superuser can.
SET ROLE regress_rowclone_es_dbowner;
CREATE EXTENSION rowclone;
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS installed FROM pg_catalog.pg_extension WHERE extname = 'rowclone';

-- A hostile role that may create objects in public has put a function with
-- the exact signature of clone_plan there first: CREATE EXTENSION fails
-- (42723) instead of adopting or replacing it.
GRANT CREATE ON SCHEMA public TO regress_rowclone_es_hostile;
SET ROLE regress_rowclone_es_hostile;
CREATE FUNCTION public.clone_plan(rel regclass, cascade boolean DEFAULT true,
	skip regclass[] DEFAULT NULL, max_depth integer DEFAULT NULL)
RETURNS SETOF text LANGUAGE sql AS $$ SELECT 'hostile' $$;
RESET ROLE;
\set VERBOSITY terse
CREATE EXTENSION rowclone SCHEMA public;
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT count(*) AS installed FROM pg_catalog.pg_extension WHERE extname = 'rowclone';
DROP FUNCTION public.clone_plan(regclass, boolean, regclass[], integer);

-- Look-alikes of every function, operator and type the script or the
-- generated SQL could use unqualified, in a schema first in search_path and
-- in public (the extension's schema), by the hostile role.  Any call of one
-- raises "evil called"; the look-alike types fail their check.
CREATE SCHEMA evil AUTHORIZATION regress_rowclone_es_hostile;
SET ROLE regress_rowclone_es_hostile;
DO $do$
DECLARE
	s text;
BEGIN
	FOREACH s IN ARRAY ARRAY['evil', 'public'] LOOP
		EXECUTE pg_catalog.format($$
			CREATE FUNCTION %1$I.boom() RETURNS boolean
				LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''evil called''; END';
			CREATE FUNCTION %1$I.eq4(integer, integer) RETURNS boolean
				LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''evil called''; END';
			CREATE FUNCTION %1$I.eqtext(text, text) RETURNS boolean
				LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''evil called''; END';
			CREATE OPERATOR %1$I.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = %1$I.eq4);
			CREATE OPERATOR %1$I.= (LEFTARG = text, RIGHTARG = text, FUNCTION = %1$I.eqtext);
			CREATE FUNCTION %1$I.jsonb_build_object(text, integer) RETURNS jsonb
				LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''evil called''; END';
			CREATE FUNCTION %1$I.jsonb_to_record(jsonb) RETURNS record
				LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''evil called''; END';
			CREATE FUNCTION %1$I.unnest(integer[]) RETURNS SETOF integer
				LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''evil called''; END';
			CREATE FUNCTION %1$I.nextval(regclass) RETURNS bigint
				LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''evil called''; END';
			CREATE DOMAIN %1$I.regclass AS pg_catalog.regclass CHECK (%1$I.boom());
			CREATE DOMAIN %1$I.jsonb AS pg_catalog.jsonb CHECK (%1$I.boom());
			CREATE DOMAIN %1$I.text AS pg_catalog.text CHECK (%1$I.boom());
			CREATE DOMAIN %1$I.int4 AS pg_catalog.int4 CHECK (%1$I.boom());
			CREATE DOMAIN %1$I.bool AS pg_catalog.bool CHECK (%1$I.boom());
		$$, s);
	END LOOP;
END
$do$;
RESET ROLE;

-- The superuser installs the extension with that search_path.
SET search_path = evil, public;
CREATE EXTENSION rowclone SCHEMA public;
-- The same functions as in contrib_regression (see setup): arguments,
-- results and types are the built-in ones, not the look-alikes.
\x on
SELECT p.proname, pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_function_result(p.oid) AS result
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.objid = p.oid AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rowclone'
WHERE p.proname IN ('clone_row', 'clone_graph', 'clone_plan')
ORDER BY p.proname;
\x off
SELECT count(*) AS evil_types_used
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.objid = p.oid AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rowclone'
CROSS JOIN LATERAL pg_catalog.unnest(p.proallargtypes || p.proargtypes::pg_catalog.oid[]
                                     || p.prorettype) AS t(typ)
JOIN pg_catalog.pg_type ty ON ty.oid = t.typ
WHERE ty.typnamespace <> 'pg_catalog'::pg_catalog.regnamespace;

-- It works, still under that search_path: a cascade with overrides, a
-- clone_graph, a clone_plan.
RESET search_path;
CREATE SCHEMA app;
CREATE TABLE app.project (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.task (id serial PRIMARY KEY,
	project_id int NOT NULL REFERENCES app.project ON DELETE CASCADE, title text NOT NULL);
INSERT INTO app.project VALUES (1, 'apollo');
INSERT INTO app.task VALUES (1, 1, 'design'), (2, 1, 'build');
SELECT pg_catalog.setval('app.project_id_seq', 10), pg_catalog.setval('app.task_id_seq', 20);
SET search_path = evil, public;
SELECT clone_row('app.project', 1, '{"name": "copy", "task.title": "copied"}', cascade => true);
SELECT * FROM clone_graph('app.project', 1);
SELECT relation, depth, remapped_columns FROM clone_plan('app.project');
RESET search_path;
SELECT p.id, p.name, t.id AS task_id, t.title
FROM app.project p JOIN app.task t ON t.project_id = p.id ORDER BY p.id, t.id;

-- Clean up.
\c contrib_regression
DROP DATABASE regress_rowclone_es_db;
DROP ROLE regress_rowclone_es_dbowner, regress_rowclone_es_hostile;
