-- ALTER EXTENSION rowclone UPDATE: a database created with 0.1 and
-- updated to 0.2 has the same functions as one created with 0.2, and its
-- clone_rows has the 0.2 result (a copy column) and fan-out.
SELECT current_database() AS regress_db \gset
CREATE DATABASE rowclone_upgrade;
\c rowclone_upgrade
CREATE EXTENSION rowclone VERSION '0.1';
SELECT extversion FROM pg_extension WHERE extname = 'rowclone';
CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO item (name) VALUES ('a');
SELECT * FROM clone_rows('item', ARRAY[1], copies => 2);
CREATE TEMP TABLE v01 AS
SELECT p.proname, pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND d.deptype = 'e' WHERE e.extname = 'rowclone';

ALTER EXTENSION rowclone UPDATE TO '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'rowclone';
CREATE TEMP TABLE v02 AS
SELECT p.proname, pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS result,
       obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND d.deptype = 'e' WHERE e.extname = 'rowclone';
-- what the update changed
SELECT proname, args, result FROM v02 EXCEPT SELECT * FROM v01 ORDER BY 1;
SELECT proname FROM v01 EXCEPT SELECT proname FROM v02;
SELECT * FROM clone_rows('item', ARRAY[1], overrides => '[{"name": "x"}, {"name": "y"}]');
-- the update also creates the progress view
SELECT count(*) AS running FROM rowclone_progress;
SELECT id, name FROM item ORDER BY id;

-- the same functions, arguments, results and comments as a fresh 0.2
DROP EXTENSION rowclone;
CREATE EXTENSION rowclone;
SELECT extversion FROM pg_extension WHERE extname = 'rowclone';
SELECT count(*) AS differences FROM (
    (SELECT * FROM v02
     EXCEPT
     SELECT p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
            obj_description(p.oid, 'pg_proc')
     FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
     JOIN pg_extension e ON e.oid = d.refobjid AND d.deptype = 'e' WHERE e.extname = 'rowclone')
    UNION ALL
    (SELECT p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
            obj_description(p.oid, 'pg_proc')
     FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
     JOIN pg_extension e ON e.oid = d.refobjid AND d.deptype = 'e' WHERE e.extname = 'rowclone'
     EXCEPT
     SELECT * FROM v02)) diff;

\c :regress_db
DROP DATABASE rowclone_upgrade;
