--
-- privileges: clone_row acts as the calling user.  It needs SELECT on what
-- it reads and INSERT (and USAGE on key sequences) on what it writes, and
-- row-level security applies to it.  Permission errors come from the
-- executor running generated SQL, so they are shown with terse verbosity.
--
CREATE SCHEMA rowclone_privileges;
SET search_path = rowclone_privileges, public;

CREATE ROLE regress_rowclone_reader;
CREATE ROLE regress_rowclone_writer;
CREATE ROLE regress_rowclone_nobody;
GRANT USAGE ON SCHEMA rowclone_privileges
	TO regress_rowclone_reader, regress_rowclone_writer, regress_rowclone_nobody;

CREATE TABLE doc (id serial PRIMARY KEY, title text NOT NULL, secret text);
INSERT INTO doc VALUES (1, 'first', 's1'), (2, 'second', 's2');
SELECT setval('doc_id_seq', 10, false);
GRANT SELECT ON doc TO regress_rowclone_reader;
GRANT SELECT, INSERT ON doc TO regress_rowclone_writer;
GRANT USAGE ON SEQUENCE doc_id_seq TO regress_rowclone_writer;
GRANT INSERT ON doc TO regress_rowclone_nobody;
GRANT USAGE ON SEQUENCE doc_id_seq TO regress_rowclone_nobody;

-- A plan cached by the superuser first, reused under the roles below.
SELECT clone_row('doc', 1);

-- reader (SELECT only): 42501, and nothing is written.
SET ROLE regress_rowclone_reader;
\set VERBOSITY terse
SELECT clone_row('doc', 1);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
-- the same through clone_rows and clone_graph (regress.three_ways, sql/setup.sql)
SELECT * FROM regress.three_ways('doc', 1);
RESET ROLE;
SELECT count(*) FROM doc;

-- writer (SELECT, INSERT, USAGE on the sequence): the clone works.
SET ROLE regress_rowclone_writer;
SELECT clone_row('doc', 2);
SELECT clone_row('doc', 1, '{"title": "by writer"}');
SELECT * FROM regress.three_ways('doc', 2);
SELECT * FROM regress.three_ways('doc', 1, '{"title": "by writer"}');
RESET ROLE;
SELECT * FROM doc ORDER BY id;

-- A role with INSERT but no SELECT cannot read the source row: 42501, not
-- "not found".
SET ROLE regress_rowclone_nobody;
\set VERBOSITY terse
SELECT clone_row('doc', 1);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
-- The same error for a key that does not exist: no hint whether it does.
\set VERBOSITY terse
SELECT clone_row('doc', 42);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM regress.three_ways('doc', 1);
SELECT * FROM regress.three_ways('doc', 42);
RESET ROLE;
SELECT count(*) FROM doc;

-- Without USAGE on the key's sequence the default cannot be evaluated:
-- 42501.
REVOKE USAGE ON SEQUENCE doc_id_seq FROM regress_rowclone_writer;
SET ROLE regress_rowclone_writer;
\set VERBOSITY terse
SELECT clone_row('doc', 1);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM regress.three_ways('doc', 1);
RESET ROLE;
GRANT USAGE ON SEQUENCE doc_id_seq TO regress_rowclone_writer;
SELECT count(*) FROM doc;

-- Column privileges: a role that may not read column secret cannot copy
-- it (42501) ...
CREATE ROLE regress_rowclone_columns;
GRANT USAGE ON SCHEMA rowclone_privileges TO regress_rowclone_columns;
GRANT SELECT (id, title), INSERT (title) ON doc TO regress_rowclone_columns;
GRANT USAGE ON SEQUENCE doc_id_seq TO regress_rowclone_columns;
SET ROLE regress_rowclone_columns;
\set VERBOSITY terse
SELECT clone_row('doc', 1);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
-- ... nor set it through overrides (no INSERT privilege on it) ...
\set VERBOSITY terse
SELECT clone_row('doc', 1, '{"secret": "mine"}');
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
-- ... but when secret takes its default, the clone reads and writes only
-- columns the role may use, as a plain INSERT ... SELECT could.
SELECT clone_row('doc', 1, reset => '{secret}');
-- The set shape draws the keys itself and inserts them: without INSERT on
-- the key column every set function says so (42501) before any write,
-- whether or not it cascades.
SELECT * FROM clone_rows('doc', ARRAY[1], reset => '{secret}');
-- The same three requests three ways: where the set shape needs INSERT on
-- the key column, clone_row does not (README "Security").
SELECT * FROM regress.three_ways('doc', 1);
SELECT * FROM regress.three_ways('doc', 1, '{"secret": "mine"}');
SELECT * FROM regress.three_ways('doc', 1, reset => '{secret}');
SELECT * FROM clone_graph('doc', 1, reset => '{secret}');
SELECT clone_row('doc', 1, reset => '{secret}', cascade => true);
RESET ROLE;
SELECT last_value AS seq_before FROM doc_id_seq \gset
GRANT INSERT (id) ON doc TO regress_rowclone_columns;
SET ROLE regress_rowclone_columns;
SELECT count(*) FROM clone_rows('doc', ARRAY[1], reset => '{secret}');
SELECT * FROM regress.three_ways('doc', 1, reset => '{secret}');
RESET ROLE;
SELECT last_value - :seq_before AS keys_drawn FROM doc_id_seq;
SELECT * FROM doc WHERE id >= 10 ORDER BY id;

--
-- is-a: the parent row is written too, so INSERT on the parent is needed.
--
CREATE TABLE place (id serial PRIMARY KEY, name text);
CREATE TABLE restaurant (place_ptr_id integer PRIMARY KEY REFERENCES place, seats integer);
INSERT INTO place VALUES (1, 'diner');
INSERT INTO restaurant VALUES (1, 40);
SELECT setval('place_id_seq', 10, false);
GRANT SELECT ON place, restaurant TO regress_rowclone_writer;
GRANT INSERT ON restaurant TO regress_rowclone_writer;
GRANT USAGE ON SEQUENCE place_id_seq TO regress_rowclone_writer;
-- INSERT on the child but not on the parent: 42501, nothing written.
SET ROLE regress_rowclone_writer;
\set VERBOSITY terse
SELECT clone_row('restaurant', 1);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM regress.three_ways('restaurant', 1, shown => '{place, restaurant}');
RESET ROLE;
SELECT count(*) AS places FROM place;
SELECT count(*) AS restaurants FROM restaurant;
-- INSERT on the parent but not on the child: the parent copy is written
-- first, then the child's INSERT fails, and the parent copy is rolled back.
REVOKE INSERT ON restaurant FROM regress_rowclone_writer;
GRANT INSERT ON place TO regress_rowclone_writer;
SET ROLE regress_rowclone_writer;
\set VERBOSITY terse
SELECT clone_row('restaurant', 1);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM regress.three_ways('restaurant', 1, shown => '{place, restaurant}');
RESET ROLE;
SELECT count(*) AS places FROM place;
SELECT count(*) AS restaurants FROM restaurant;
-- With INSERT on both, it works.
GRANT INSERT ON restaurant TO regress_rowclone_writer;
SET ROLE regress_rowclone_writer;
SELECT clone_row('restaurant', 1);
SELECT * FROM regress.three_ways('restaurant', 1, shown => '{place, restaurant}');
RESET ROLE;
SELECT * FROM place ORDER BY id;
SELECT * FROM restaurant ORDER BY place_ptr_id;

--
-- Row-level security: users see and may create only their own notes, and
-- no note whose body starts with "locked".
--
CREATE TABLE note (
	id serial PRIMARY KEY,
	owner name NOT NULL DEFAULT current_user,
	body text NOT NULL
);
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_read ON note FOR SELECT USING (owner = current_user);
CREATE POLICY note_write ON note FOR INSERT
	WITH CHECK (owner = current_user AND body NOT LIKE 'locked%');
GRANT SELECT, INSERT ON note TO regress_rowclone_writer;
GRANT USAGE ON SEQUENCE note_id_seq TO regress_rowclone_writer;
INSERT INTO note VALUES
	(1, 'regress_rowclone_writer', 'mine'),
	(2, 'regress_rowclone_reader', 'not mine'),
	(3, 'regress_rowclone_writer', 'locked mine');
SELECT setval('note_id_seq', 10, false);

-- The table owner (not subject to the policies) caches a plan and can
-- clone any row.
SELECT clone_row('note', 2);

SET ROLE regress_rowclone_writer;
-- A row the role cannot see is "not found" (P0002); the message names only
-- the key that was given.
SELECT clone_row('note', 2);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- A visible row is cloned.
SELECT clone_row('note', 1);
-- A copy the INSERT policy rejects: 42501, nothing written.
\set VERBOSITY terse
SELECT clone_row('note', 3);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT clone_row('note', 1, '{"owner": "regress_rowclone_reader"}');
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
-- (the new rows are shown as the suite's superuser sees them)
SELECT * FROM regress.three_ways('note', 2);
SELECT * FROM regress.three_ways('note', 1);
SELECT * FROM regress.three_ways('note', 3);
SELECT * FROM regress.three_ways('note', 1, '{"owner": "regress_rowclone_reader"}');
SELECT * FROM regress.three_ways('note', 3, '{"body": "unlocked copy"}');
-- ... unless overrides make it acceptable.
SELECT clone_row('note', 3, '{"body": "unlocked copy"}');
SELECT * FROM note ORDER BY id;
RESET ROLE;

-- Back as the owner, the plan the role used does not hide rows.
SELECT clone_row('note', 2);
SELECT * FROM note ORDER BY id;

-- Clean up.
DROP SCHEMA rowclone_privileges CASCADE;
DROP OWNED BY regress_rowclone_reader, regress_rowclone_writer,
	regress_rowclone_nobody, regress_rowclone_columns;
DROP ROLE regress_rowclone_reader, regress_rowclone_writer,
	regress_rowclone_nobody, regress_rowclone_columns;
RESET search_path;
