--
-- privileges_cascade: a cascade acts as the calling user in every statement
-- it runs.  Each table it reads needs SELECT (on the columns it reads), each
-- table it writes INSERT, a cycle fix-up UPDATE, a key sequence USAGE;
-- row-level security applies to every table, and errors show only what the
-- caller may see.  Single-row privileges are in privileges.sql.
--
-- Every failed clone is followed by the counts of every table: nothing of
-- it may remain.  Permission errors come from the executor running
-- generated SQL, so they are shown with terse verbosity.
--
CREATE ROLE regress_rowclone_pc_owner;
CREATE ROLE regress_rowclone_pc_user;
CREATE ROLE regress_rowclone_pc_other;
CREATE SCHEMA rowclone_pc AUTHORIZATION regress_rowclone_pc_owner;
GRANT USAGE ON SCHEMA rowclone_pc TO regress_rowclone_pc_user, regress_rowclone_pc_other;
SET search_path = rowclone_pc, public;

-- try(sql): run sql as the current user; on error, show the SQLSTATE, the
-- message, the detail and rowclone's own context lines (those starting with
-- "while"), leaving out the generated SQL and PL/pgSQL lines, and the
-- number of rows in "(N in all)".
-- error_text(sql): all of an error's text (message, detail, hint and every
-- context line, generated SQL included), to look for data in it.
CREATE FUNCTION rowclone_pc.try(cmd text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text; ctx text;
BEGIN
	EXECUTE cmd;
	RETURN NEXT 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, ctx = PG_EXCEPTION_CONTEXT;
	RETURN NEXT st || ': ' || msg;
	IF det <> '' THEN
		RETURN NEXT 'DETAIL: ' || det;
	END IF;
	RETURN QUERY SELECT 'CONTEXT: ' || pg_catalog.regexp_replace(l, ' \(\d+ in all\)', ' (N in all)')
		FROM pg_catalog.regexp_split_to_table(ctx, E'\n') AS l
		WHERE l LIKE 'while %';
END$$;
CREATE FUNCTION rowclone_pc.error_text(cmd text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	msg text; det text; hint text; ctx text;
BEGIN
	EXECUTE cmd;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
		hint = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
	RETURN pg_catalog.concat_ws(E'\n', msg, det, hint, ctx);
END$$;

--
-- project -> task -> note, and a department <-> employee cycle.  task's
-- key is an identity column (its copies' keys are made before any insert,
-- since notes reference them); project's and note's are serials.
--
SET ROLE regress_rowclone_pc_owner;
CREATE TABLE project (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE task (
	id int GENERATED ALWAYS AS IDENTITY (START 100) PRIMARY KEY,
	project_id int NOT NULL REFERENCES project ON DELETE CASCADE,
	title text NOT NULL,
	secret text,
	code text UNIQUE
);
CREATE TABLE note (
	id serial PRIMARY KEY,
	task_id int NOT NULL REFERENCES task ON DELETE CASCADE,
	body text NOT NULL,
	author name NOT NULL DEFAULT current_user
);
INSERT INTO project VALUES (1, 'apollo'), (2, 'gemini');
INSERT INTO task OVERRIDING SYSTEM VALUE VALUES
	(1, 1, 'design', 's1', NULL), (2, 1, 'build', 's2', NULL), (3, 2, 'coded', 's3', 'T-1');
INSERT INTO note VALUES (1, 1, 'first', 'ann'), (2, 2, 'second', 'bob'), (3, 3, 'third', 'cy');
SELECT setval('project_id_seq', 10), setval('note_id_seq', 30);

CREATE TABLE department (id serial PRIMARY KEY, name text NOT NULL, head_id int);
CREATE TABLE employee (
	id serial PRIMARY KEY,
	department_id int NOT NULL REFERENCES department ON DELETE CASCADE,
	name text NOT NULL
);
ALTER TABLE department ADD CONSTRAINT department_head_fkey
	FOREIGN KEY (head_id) REFERENCES employee;
INSERT INTO department VALUES (1, 'sales', NULL);
INSERT INTO employee VALUES (1, 1, 'ann'), (2, 1, 'bob');
UPDATE department SET head_id = 2;
SELECT setval('department_id_seq', 10), setval('employee_id_seq', 20);
RESET ROLE;

-- Counts of every table, read by the superuser (no row-level security).
CREATE VIEW rowclone_pc.counts AS
SELECT (SELECT count(*) FROM rowclone_pc.project) AS projects,
       (SELECT count(*) FROM rowclone_pc.task) AS tasks,
       (SELECT count(*) FROM rowclone_pc.note) AS notes,
       (SELECT count(*) FROM rowclone_pc.department) AS departments,
       (SELECT count(*) FROM rowclone_pc.employee) AS employees;

-- Everything a cascade from a project needs: SELECT and INSERT on the
-- three tables, USAGE on the two serial sequences (not on task's identity
-- sequence: an INSERT does not need it either).
GRANT SELECT, INSERT ON project, task, note TO regress_rowclone_pc_user;
GRANT USAGE ON SEQUENCE project_id_seq, note_id_seq TO regress_rowclone_pc_user;

-- Plans cached by the superuser first, reused under the role below.
SELECT clone_row('project', 1, cascade => true) = 11 AS cloned;
SELECT * FROM counts;

-- With every privilege the cascade works.
SET ROLE regress_rowclone_pc_user;
SELECT clone_row('project', 1, cascade => true) = 12 AS cloned;
RESET ROLE;
SELECT p.id, p.name, t.title, n.body, n.author
FROM project p JOIN task t ON t.project_id = p.id JOIN note n ON n.task_id = t.id
WHERE p.id IN (11, 12) ORDER BY p.id, t.title;
SELECT * FROM counts;

-- No SELECT on the child table: the cascade cannot look for its rows.
REVOKE SELECT ON task FROM regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('project', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- Without cascade the project alone is copied: task is not read.
SELECT clone_row('project', 1) IS NOT NULL AS cloned;
RESET ROLE;
GRANT SELECT ON task TO regress_rowclone_pc_user;
SELECT * FROM counts;

-- No SELECT on the grandchild table.
REVOKE SELECT ON note FROM regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
GRANT SELECT ON note TO regress_rowclone_pc_user;
SELECT * FROM counts;

-- No INSERT on the child table: the project copy is written first and
-- rolled back with the rest.  No key of task's identity is spent either:
-- the role may neither insert into task nor use its sequence.
SELECT last_value AS task_seq, is_called AS task_seq_called FROM task_id_seq \gset
REVOKE INSERT ON task FROM regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('project', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
GRANT INSERT ON task TO regress_rowclone_pc_user;
SELECT * FROM counts;
SELECT last_value = :task_seq AND is_called = :'task_seq_called' AS task_seq_unchanged
FROM task_id_seq;

-- No INSERT on the grandchild table.
REVOKE INSERT ON note FROM regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
GRANT INSERT ON note TO regress_rowclone_pc_user;
SELECT * FROM counts;

-- No USAGE on a child's key sequence, and none on the root's.
REVOKE USAGE ON SEQUENCE note_id_seq FROM regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
GRANT USAGE ON SEQUENCE note_id_seq TO regress_rowclone_pc_user;
REVOKE USAGE ON SEQUENCE project_id_seq FROM regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
GRANT USAGE ON SEQUENCE project_id_seq TO regress_rowclone_pc_user;
SELECT * FROM counts;

-- Column privileges on the child: a role that may not read task.secret
-- cannot copy it ...
REVOKE SELECT, INSERT ON task FROM regress_rowclone_pc_user;
GRANT SELECT (id, project_id, title, code), INSERT (id, project_id, title, code)
	ON task TO regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- ... nor set it (no INSERT privilege on it) ...
SELECT clone_row('project', 1, cascade => true, overrides => '{"task.secret": "mine"}');
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
SELECT * FROM counts;
-- ... and even with task.secret reset to its default, the cascade needs
-- INSERT on task.id: the keys of tasks are made before the INSERT (the
-- notes' copies need them) and written explicitly, so the INSERT names the
-- key column (a documented limit).  42501, nothing written.
REVOKE INSERT (id) ON task FROM regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
SELECT clone_row('project', 1, cascade => true, reset => '{task.secret}') IS NOT NULL AS cloned;
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT * FROM counts;
REVOKE SELECT (id, project_id, title, code), INSERT (project_id, title, code)
	ON task FROM regress_rowclone_pc_user;
GRANT SELECT, INSERT ON task TO regress_rowclone_pc_user;

--
-- The cycle: a department copy is pointed at its copied head by an UPDATE
-- once the employees are copied, so UPDATE on department is needed too.
--
GRANT SELECT, INSERT ON department, employee TO regress_rowclone_pc_user;
GRANT USAGE ON SEQUENCE department_id_seq, employee_id_seq TO regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('department', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('department', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
SELECT * FROM counts;
-- UPDATE of another column is not enough ...
GRANT UPDATE (name) ON department TO regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('department', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
SELECT * FROM counts;
-- ... UPDATE of head_id is.
GRANT UPDATE (head_id) ON department TO regress_rowclone_pc_user;
SET ROLE regress_rowclone_pc_user;
SELECT relation, depth FROM clone_graph('department', 1);
RESET ROLE;
SELECT * FROM counts;
SELECT d.name, h.name AS head, h.department_id = d.id AS head_in_copy
FROM department d JOIN employee h ON h.id = d.head_id ORDER BY d.id;

-- Row-level security on the fix-up: an UPDATE policy that does not let the
-- role update the copies.  The fix-up cannot point the copy at its head:
-- an error (42501, as for the single-row path), and nothing written.  (The
-- message is not fixed by this test, only the SQLSTATE.)
ALTER TABLE department ENABLE ROW LEVEL SECURITY;
CREATE POLICY department_all ON department FOR SELECT USING (true);
CREATE POLICY department_insert ON department FOR INSERT WITH CHECK (true);
CREATE POLICY department_update ON department FOR UPDATE USING (id = 1);
SET ROLE regress_rowclone_pc_user;
DO $$
BEGIN
	PERFORM public.clone_row('rowclone_pc.department'::regclass, 1, cascade => true);
	RAISE NOTICE 'no error';
EXCEPTION WHEN OTHERS THEN
	RAISE NOTICE 'sqlstate %', SQLSTATE;
END$$;
RESET ROLE;
SELECT * FROM counts;
SELECT d.name, h.name AS head FROM department d LEFT JOIN employee h ON h.id = d.head_id
ORDER BY d.id;
ALTER TABLE department DISABLE ROW LEVEL SECURITY;

--
-- clone_plan reads only the catalogs (which every role may read) and
-- writes nothing: a role without any privilege on the tables gets the same
-- plan as the owner, and no sequence moves.
--
CREATE TEMP TABLE owner_plan AS SELECT * FROM clone_plan('rowclone_pc.project');
GRANT SELECT ON owner_plan TO regress_rowclone_pc_other;
SELECT (SELECT last_value FROM project_id_seq) AS project_seq,
       (SELECT last_value FROM task_id_seq) AS task_seq,
       (SELECT last_value FROM note_id_seq) AS note_seq \gset
SET ROLE regress_rowclone_pc_other;
SELECT relation, depth, reached_by, fresh_columns, remapped_columns, copied_columns
FROM clone_plan('project');
SELECT count(*) AS differences FROM (
	(SELECT * FROM clone_plan('project') EXCEPT ALL SELECT * FROM owner_plan)
	UNION ALL
	(SELECT * FROM owner_plan EXCEPT ALL SELECT * FROM clone_plan('project'))) d;
-- The same role cannot read or clone the rows.
\set VERBOSITY terse
SELECT clone_row('project', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
SELECT * FROM counts;
SELECT (SELECT last_value FROM project_id_seq) = :project_seq AS project_seq_unchanged,
       (SELECT last_value FROM task_id_seq) = :task_seq AS task_seq_unchanged,
       (SELECT last_value FROM note_id_seq) = :note_seq AS note_seq_unchanged;
DROP TABLE owner_plan;

--
-- Row-level security on the children.  Boards and cards: a role sees only
-- its own, may create only its own, and no card titled "locked ...".
--
SET ROLE regress_rowclone_pc_owner;
CREATE TABLE board (
	id serial PRIMARY KEY,
	owner name NOT NULL,
	name text NOT NULL
);
CREATE TABLE card (
	id serial PRIMARY KEY,
	board_id int NOT NULL REFERENCES board ON DELETE CASCADE,
	owner name NOT NULL,
	title text NOT NULL,
	code text UNIQUE
);
INSERT INTO board VALUES
	(1, 'regress_rowclone_pc_user', 'shared board'),
	(2, 'regress_rowclone_pc_other', 'hidden board secret-name'),
	(3, 'regress_rowclone_pc_user', 'board with locked card'),
	(4, 'regress_rowclone_pc_owner', 'owner board');
INSERT INTO card VALUES
	(1, 1, 'regress_rowclone_pc_user', 'mine', NULL),
	(2, 1, 'regress_rowclone_pc_other', 'hidden card secret-title', NULL),
	(3, 1, 'regress_rowclone_pc_user', 'also mine', NULL),
	(4, 2, 'regress_rowclone_pc_other', 'other card', NULL),
	(5, 3, 'regress_rowclone_pc_user', 'locked card', NULL),
	(6, 4, 'regress_rowclone_pc_owner', 'owner card', NULL),
	(7, 4, 'regress_rowclone_pc_user', 'user card on owner board', NULL);
SELECT setval('board_id_seq', 10), setval('card_id_seq', 20);
ALTER TABLE board ENABLE ROW LEVEL SECURITY;
ALTER TABLE card ENABLE ROW LEVEL SECURITY;
CREATE POLICY board_read ON board FOR SELECT USING (owner = current_user);
CREATE POLICY board_write ON board FOR INSERT WITH CHECK (owner = current_user);
CREATE POLICY card_read ON card FOR SELECT USING (owner = current_user);
CREATE POLICY card_write ON card FOR INSERT
	WITH CHECK (owner = current_user AND title NOT LIKE 'locked%');
GRANT SELECT, INSERT ON board, card TO regress_rowclone_pc_user;
GRANT USAGE ON SEQUENCE board_id_seq, card_id_seq TO regress_rowclone_pc_user;
RESET ROLE;
CREATE VIEW rowclone_pc.card_counts AS
SELECT (SELECT count(*) FROM rowclone_pc.board) AS boards,
       (SELECT count(*) FROM rowclone_pc.card) AS cards;

-- The superuser (no policies apply) caches plans and copies every card
-- (board 11).
SELECT relation, depth FROM clone_graph('board', 1);

-- The role copies its board and only the cards it can see (board 12):
-- "mine" and "also mine", not the hidden card.
SET ROLE regress_rowclone_pc_user;
SELECT relation, depth FROM clone_graph('board', 1);
RESET ROLE;
SELECT b.id, b.name, c.owner, c.title
FROM board b JOIN card c ON c.board_id = b.id
WHERE b.id > 10 ORDER BY b.id, c.title;
SELECT * FROM card_counts;

-- A copy the INSERT policy rejects: the RLS error, and nothing written.
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT clone_row('board', 3, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- A qualified override moving the copies to another owner: rejected too.
SELECT clone_row('board', 1, cascade => true,
	overrides => '{"card.owner": "regress_rowclone_pc_other"}');
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
SELECT * FROM card_counts;
-- An override that satisfies the policy lets it through.
SET ROLE regress_rowclone_pc_user;
SELECT clone_row('board', 3, cascade => true, overrides => '{"card.title": "unlocked copy"}')
	IS NOT NULL AS cloned;
RESET ROLE;
SELECT * FROM card_counts;

-- A source row the role cannot see is "not found" (P0002), for clone_row
-- and clone_graph alike, exactly as a key that does not exist: the message
-- names the table and the key the caller passed, and nothing of the hidden
-- row (not its name, not its cards).
SET ROLE regress_rowclone_pc_user;
SELECT clone_row('board', 2, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('board', 2);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('board', 99, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT try('SELECT public.clone_row(''rowclone_pc.board''::regclass, 2, cascade => true)');
SELECT try('SELECT public.clone_row(''rowclone_pc.board''::regclass, 99, cascade => true)');
-- A key passed as text is shown as it was passed.
SELECT try('SELECT public.clone_row(''rowclone_pc.board''::regclass, ''0002''::text, cascade => true)');
-- No part of the error (generated SQL included) holds the hidden row's data.
SELECT strpos(error_text('SELECT public.clone_row(''rowclone_pc.board''::regclass, 2, cascade => true)'),
              'hidden') = 0 AS no_hidden_data;
-- Board 4 (the owner's) is hidden, though one of its cards is the role's:
-- not found either, and the visible card is not copied on its own.
SELECT clone_row('board', 4, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT * FROM card_counts;

-- Cached plans follow the current role: after the role's clones, the
-- superuser's copy of board 1 again has all three cards.
SELECT relation, depth FROM clone_graph('board', 1);
SELECT * FROM card_counts;

-- FORCE ROW LEVEL SECURITY: the table owner (not a superuser) is subject
-- to the policies too, and copies only its own card of board 4.
SET ROLE regress_rowclone_pc_owner;
ALTER TABLE card FORCE ROW LEVEL SECURITY;
SELECT relation, depth FROM clone_graph('board', 4);
ALTER TABLE card NO FORCE ROW LEVEL SECURITY;
RESET ROLE;
SELECT b.name, c.owner, c.title
FROM board b JOIN card c ON c.board_id = b.id
WHERE b.id = (SELECT max(id) FROM board) ORDER BY c.title;

--
-- Errors do not leak data.  A unique violation's detail is PostgreSQL's
-- own: it shows the key values, which the caller read and inserted itself;
-- rowclone's context line names the table being copied, how many of its
-- rows the caller's clone copies, and only the key the caller passed.
--
SET ROLE regress_rowclone_pc_user;
SELECT try('SELECT public.clone_row(''rowclone_pc.project''::regclass, 2, cascade => true)');
RESET ROLE;
SELECT * FROM counts;
-- On a table with row-level security, PostgreSQL leaves the detail out
-- altogether (it could show values of rows the caller cannot see).
SET ROLE regress_rowclone_pc_owner;
UPDATE card SET code = 'C-1' WHERE id = 1;
RESET ROLE;
SET ROLE regress_rowclone_pc_user;
SELECT try('SELECT public.clone_row(''rowclone_pc.board''::regclass, 1, cascade => true)');
-- Nothing of the hidden card of board 1 either, in any part of the error.
SELECT strpos(error_text('SELECT public.clone_row(''rowclone_pc.board''::regclass, 1, cascade => true)'),
              'hidden') = 0 AS no_hidden_data;
RESET ROLE;
SELECT * FROM card_counts;

--
-- SECURITY DEFINER: a function owned by the table owner that calls
-- clone_row lets a role without any privilege on the tables clone, and the
-- clone acts as the owner (the reset author takes the owner's name).
--
SET ROLE regress_rowclone_pc_owner;
CREATE FUNCTION rowclone_pc.copy_project(p integer) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT public.clone_row('rowclone_pc.project'::pg_catalog.regclass, p,
                              cascade => true, reset => '{note.author}') $$;
REVOKE EXECUTE ON FUNCTION rowclone_pc.copy_project(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rowclone_pc.copy_project(integer) TO regress_rowclone_pc_other;
RESET ROLE;
SET ROLE regress_rowclone_pc_other;
-- Directly: no privilege.
\set VERBOSITY terse
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- Through the definer's function, under a search_path of the caller's.
SET search_path = pg_temp, public;
SELECT rowclone_pc.copy_project(1) IS NOT NULL AS cloned;
SET search_path = rowclone_pc, public;
RESET ROLE;
SELECT t.title, n.body, n.author
FROM project p JOIN task t ON t.project_id = p.id JOIN note n ON n.task_id = t.id
WHERE p.id = (SELECT max(id) FROM project) ORDER BY t.title;
-- Others cannot run the function.
SET ROLE regress_rowclone_pc_user;
\set VERBOSITY terse
SELECT rowclone_pc.copy_project(1);
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY default
RESET ROLE;
SELECT * FROM counts;

-- Clean up.
RESET search_path;
DROP SCHEMA rowclone_pc CASCADE;
DROP OWNED BY regress_rowclone_pc_owner, regress_rowclone_pc_user, regress_rowclone_pc_other;
DROP ROLE regress_rowclone_pc_owner, regress_rowclone_pc_user, regress_rowclone_pc_other;
