-- Cascade options (SPEC "Cascade", "What a copy gets"): skip and max_depth
-- shape the copied set but never stop an is-a parent that a copy needs;
-- qualified overrides and reset apply to every copied row of their table.
CREATE SCHEMA rc_opts;
SET search_path = rc_opts, public;

-- entity <- project (is-a) -> task -> comment -> reaction, task -> attachment
CREATE TABLE entity (id serial PRIMARY KEY, kind text NOT NULL);
CREATE TABLE project (entity_ptr_id int PRIMARY KEY REFERENCES entity,
                      name text NOT NULL, status text NOT NULL DEFAULT 'new');
CREATE TABLE task (id serial PRIMARY KEY, project_id int NOT NULL REFERENCES project,
                   title text NOT NULL DEFAULT 'untitled', status text NOT NULL DEFAULT 'new');
CREATE TABLE comment (id serial PRIMARY KEY, task_id int NOT NULL REFERENCES task,
                      body text NOT NULL);
CREATE TABLE reaction (id serial PRIMARY KEY, comment_id int NOT NULL REFERENCES comment,
                       emoji text NOT NULL DEFAULT '?');
CREATE TABLE attachment (id serial PRIMARY KEY, task_id int NOT NULL REFERENCES task,
                         file text NOT NULL);
INSERT INTO entity VALUES (1, 'project');
INSERT INTO project VALUES (1, 'alpha', 'active');
INSERT INTO task VALUES (1, 1, 't1', 'done'), (2, 1, 't2', 'open');
INSERT INTO comment VALUES (1, 1, 'c1'), (2, 2, 'c2');
INSERT INTO reaction VALUES (1, 1, '+1'), (2, 2, 'heart');
INSERT INTO attachment VALUES (1, 1, 'a.pdf');
SELECT setval('entity_id_seq', 10), setval('task_id_seq', 20), setval('comment_id_seq', 30),
       setval('reaction_id_seq', 40), setval('attachment_id_seq', 50);
-- what each project holds
CREATE VIEW summary AS
SELECT p.entity_ptr_id AS project, e.kind, p.name, p.status,
       (SELECT count(*) FROM task t WHERE t.project_id = p.entity_ptr_id) AS tasks,
       (SELECT count(*) FROM comment c JOIN task t ON t.id = c.task_id
        WHERE t.project_id = p.entity_ptr_id) AS comments,
       (SELECT count(*) FROM reaction r JOIN comment c ON c.id = r.comment_id
        JOIN task t ON t.id = c.task_id WHERE t.project_id = p.entity_ptr_id) AS reactions,
       (SELECT count(*) FROM attachment a JOIN task t ON t.id = a.task_id
        WHERE t.project_id = p.entity_ptr_id) AS attachments
FROM project p JOIN entity e ON e.id = p.entity_ptr_id;

--
-- skip: a skipped table is not copied, nor what hangs only off it.
--
-- comment skipped: the tasks and the attachment are copied, the comments
-- and their reactions are not
SELECT clone_row('project', 1, cascade => true, skip => '{comment}');
-- task skipped: the project alone (with its is-a parent)
SELECT clone_row('project', 1, cascade => true, skip => '{rc_opts.task}');
-- the is-a parent skipped: it is still copied, because the project copy's
-- key is the entity copy's key; everything below is copied too
SELECT clone_row('project', 1, cascade => true, skip => '{entity}');
TABLE entity ORDER BY id;
TABLE summary ORDER BY project;

--
-- max_depth (the root is depth 0): 0 copies the root and its is-a parent,
-- 1 adds the tasks, 2 adds the comments and the attachment, not the
-- reactions.
--
SELECT clone_row('project', 1, cascade => true, max_depth => 0);
SELECT clone_row('project', 1, cascade => true, max_depth => 1);
SELECT clone_row('project', 1, cascade => true, max_depth => 2);
TABLE entity ORDER BY id;
TABLE summary ORDER BY project;
TABLE task ORDER BY id;
TABLE comment ORDER BY id;
TABLE attachment ORDER BY id;

--
-- max_depth in a self-referencing tree limits the depth of the copied
-- subtree.
--
--   1 root
--   +-- 2 a
--   |   +-- 4 a1
--   |       +-- 6 a1x
--   +-- 3 b
--       +-- 5 b1
--
CREATE TABLE node (id serial PRIMARY KEY, parent_id int REFERENCES node, name text NOT NULL);
INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'),
                        (5, 3, 'b1'), (6, 4, 'a1x');
SELECT setval('node_id_seq', 100);
-- the root and its children
SELECT clone_row('node', 1, cascade => true, max_depth => 1);
-- three levels: all but a1x
SELECT clone_row('node', 1, cascade => true, max_depth => 2);
-- a and its child a1, under the original root
SELECT clone_row('node', 2, cascade => true, max_depth => 1);
TABLE node ORDER BY id;

--
-- Qualified overrides and reset (table.column, schema.table.column) apply
-- to every copied row of that table; an unqualified name is a column of
-- the root only (task.status keeps its value where only "status" is
-- given).  The is-a parent is reachable too.
--
SELECT clone_row('project', 1, cascade => true,
                 overrides => '{"status": "draft", "entity.kind": "copy",
                                "task.status": "copied", "rc_opts.comment.body": "copied too"}',
                 reset => '{task.title, rc_opts.reaction.emoji}');
SELECT clone_row('project', 1, cascade => true, overrides => '{"status": "draft"}');
TABLE summary ORDER BY project;
SELECT * FROM task WHERE id > 28 ORDER BY id;
SELECT * FROM comment WHERE id > 34 ORDER BY id;
SELECT * FROM reaction ORDER BY id;

--
-- An override of a child's foreign key column beats remapping (rule 6
-- before rule 5): the task copies go to project 2, the comment copies still
-- point at the task copies.  Generated columns of copied rows are computed
-- again (from the overridden title); overriding one is 428C9.
--
ALTER TABLE task ADD COLUMN slug text GENERATED ALWAYS AS (lower(title)) STORED;
INSERT INTO entity VALUES (2, 'project');
INSERT INTO project VALUES (2, 'beta', 'active');
SELECT clone_row('project', 1, cascade => true, max_depth => 2,
                 overrides => '{"task.project_id": 2, "task.title": "T"}');
SELECT * FROM task WHERE id > 32 ORDER BY id;
SELECT * FROM comment WHERE id > 38 ORDER BY id;
SELECT clone_row('project', 1, cascade => true, overrides => '{"task.slug": "x"}');
\echo sqlstate :LAST_ERROR_SQLSTATE

--
-- Errors: each writes nothing.
--
-- a table the clone does not reach, because it is skipped, beyond
-- max_depth, or without cascade: 42P01
SELECT clone_row('project', 1, cascade => true, skip => '{comment}',
                 overrides => '{"comment.body": "x"}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('project', 1, cascade => true, max_depth => 2,
                 reset => '{reaction.emoji}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('project', 1, overrides => '{"task.status": "x"}');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- an unknown column of a reached table: 42703
SELECT clone_row('project', 1, cascade => true, overrides => '{"task.priority": 1}');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- a NULL skip element: 22004
SELECT clone_row('project', 1, cascade => true, skip => ARRAY['task', NULL]::regclass[]);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- a negative max_depth: 22023
SELECT clone_row('project', 1, cascade => true, max_depth => -1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT count(*) AS projects, count(*) FILTER (WHERE entity_ptr_id > 19) AS after_19
FROM project;

-- An is-a parent table is at the depth of its child, also when it is
-- reached deeper first: from o_root, o_mid (1) -> o_base (2) by foreign
-- keys, but o_sub (1) is-a o_base, so o_base is at 1 and its children at
-- 2, which max_depth 2 copies and max_depth 1 does not.
CREATE TABLE o_root (id serial PRIMARY KEY);
CREATE TABLE o_mid (id serial PRIMARY KEY, root_id int REFERENCES o_root);
CREATE TABLE o_base (id serial PRIMARY KEY, mid_id int REFERENCES o_mid);
CREATE TABLE o_sub (base_ptr int PRIMARY KEY REFERENCES o_base, root_id int REFERENCES o_root);
CREATE TABLE o_base_note (id serial PRIMARY KEY, base_id int REFERENCES o_base);
INSERT INTO o_root VALUES (1);
INSERT INTO o_base VALUES (1, NULL);
INSERT INTO o_sub VALUES (1, 1);
INSERT INTO o_base_note VALUES (1, 1);
SELECT setval('o_root_id_seq', 10), setval('o_base_id_seq', 10), setval('o_base_note_id_seq', 10);
SELECT relation, depth, reached_by FROM clone_plan('o_root');
SELECT * FROM clone_graph('o_root', 1, max_depth => 2);
SELECT * FROM clone_graph('o_root', 1, max_depth => 1);
SELECT relation, depth, not_followed FROM clone_plan('o_root', max_depth => 1);
TABLE o_base_note ORDER BY id;

RESET search_path;
DROP SCHEMA rc_opts CASCADE;
