-- Copy rules: clone_add_link and clone_drop_link (SPEC "Copy rules").
-- A link is a foreign key the catalog does not have: a Rails polymorphic
-- association or a Django GenericForeignKey (a type column and an id
-- column), or a schema without constraints. It is followed and remapped
-- exactly as a foreign key; with a discriminator (when_column =
-- when_value) only for the rows that have it.
CREATE SCHEMA lnk;
SET search_path = lnk, public;

CREATE TABLE project (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE task (id bigserial PRIMARY KEY,
                   project_id bigint NOT NULL REFERENCES project ON DELETE CASCADE,
                   title text NOT NULL);
-- polymorphic: owner_type says which table owner_id points at
CREATE TABLE attachment (id bigserial PRIMARY KEY, owner_type text NOT NULL,
                         owner_id integer NOT NULL, file text NOT NULL);
-- a link that is a reference: not followed, remapped when its row is copied
CREATE TABLE activity (id bigserial PRIMARY KEY,
                       project_id bigint NOT NULL REFERENCES project ON DELETE CASCADE,
                       task_ref bigint, note text);
INSERT INTO project (name) VALUES ('Apollo'), ('Gemini');
INSERT INTO task (project_id, title) VALUES (1, 'design'), (1, 'build'), (2, 'orbit');
-- attachment 3 is a task's whose id equals project 1's: never taken for the project's
INSERT INTO attachment (owner_type, owner_id, file)
VALUES ('Project', 1, 'plan.pdf'), ('Task', 2, 'build.png'), ('Task', 1, 'design.png'),
       ('Project', 2, 'gemini.pdf'), ('Comment', 1, 'other.txt');
INSERT INTO activity (project_id, task_ref, note) VALUES (1, 2, 'started build'), (1, 3, 'saw orbit');
SELECT setval('project_id_seq', 100), setval('task_id_seq', 200),
       setval('attachment_id_seq', 300), setval('activity_id_seq', 400);

-- without links the attachments are never copied
SELECT relation, depth, reached_by FROM clone_plan('project') ORDER BY depth, relation::text;

SELECT clone_add_link('attachment', '{owner_id}', 'project',
                      when_column => 'owner_type', when_value => 'Project');
SELECT clone_add_link('attachment', '{owner_id}', 'task',
                      when_column => 'owner_type', when_value => 'Task');
SELECT clone_add_link('activity', '{task_ref}', 'task');
SELECT clone_set_reference('activity', '{task_ref}');
SELECT relation, kind, columns, detail FROM clone_rules() ORDER BY relation::text, kind, detail;
SELECT relation, depth, reached_by, remapped_columns, not_followed
FROM clone_plan('project') ORDER BY depth, relation::text;

-- clone_row with cascade: the project's and its tasks' attachments, each
-- pointing at its own copy; the activity's task_ref points at the copy of
-- the task (remapped, though the link is not followed)
SELECT clone_row('project', 1, cascade => true) AS p \gset
SELECT t.id, t.title FROM task t WHERE t.project_id = :p ORDER BY t.id;
SELECT a.id, a.owner_type, a.owner_id, a.file FROM attachment a WHERE a.id > 300 ORDER BY a.id;
SELECT id, project_id, task_ref, note FROM activity WHERE id > 400 ORDER BY id;

-- clone_rows, two copies: each copy's attachments point at that copy
SELECT old_key, new_key, copy FROM clone_rows('project', ARRAY[2], cascade => true, copies => 2)
ORDER BY copy;
SELECT a.owner_type, a.owner_id, a.file FROM attachment a
WHERE a.file = 'gemini.pdf' ORDER BY a.id;

-- without cascade a link is not followed, and a row's link to another row
-- the call copies points at its copy
SELECT clone_row('attachment', 2) AS a \gset
SELECT owner_type, owner_id FROM attachment WHERE id = :a;
SELECT new_key AS t FROM clone_rows('task', ARRAY[2], cascade => true) \gset
SELECT owner_type, owner_id = :t AS points_at_copy, file FROM attachment
WHERE id > 300 AND owner_id = :t;

-- composite links, in any order of the columns, and to a unique key
CREATE TABLE part (a int, b int, name text, PRIMARY KEY (a, b));
CREATE TABLE part_use (id serial PRIMARY KEY, pb int, pa int, qty int);
CREATE TABLE product (id serial PRIMARY KEY, sku text NOT NULL UNIQUE);
CREATE TABLE line (id serial PRIMARY KEY, sku text, qty int);
INSERT INTO part VALUES (1, 1, 'bolt');
INSERT INTO part_use (pb, pa, qty) VALUES (1, 1, 4);
INSERT INTO product (sku) VALUES ('A-1');
INSERT INTO line (sku, qty) VALUES ('A-1', 2);
SELECT clone_add_link('part_use', '{pb,pa}', 'part', '{b,a}');
SELECT clone_add_link('line', '{sku}', 'product', '{sku}');
SELECT clone_row('part', '{"a": 1, "b": 1}'::jsonb, overrides => '{"b": 2}', cascade => true);
SELECT pa, pb, qty FROM part_use ORDER BY id;
SELECT clone_row('product', 1, overrides => '{"sku": "A-2"}', cascade => true);
SELECT sku, qty FROM line ORDER BY id;

-- links make cycles like any foreign key
CREATE TABLE step (id serial PRIMARY KEY, next_id int, name text);
INSERT INTO step (next_id, name) VALUES (2, 'one'), (1, 'two');
SELECT clone_add_link('step', '{next_id}', 'step');
SELECT old_key, new_key FROM clone_rows('step', ARRAY[1, 2]) ORDER BY old_key;
SELECT id, next_id, name FROM step ORDER BY id;
SELECT clone_row('step', 1, cascade => true) AS s \gset
SELECT s.name, n.name AS next FROM step s JOIN step n ON n.id = s.next_id
WHERE s.id >= :s ORDER BY s.id;

-- a diamond: a note hangs off its project (a foreign key) and off one of
-- its tasks (a link); it is copied once, both references at the copies
CREATE TABLE note (id serial PRIMARY KEY,
                   project_id bigint NOT NULL REFERENCES project ON DELETE CASCADE,
                   task_ref bigint, body text);
INSERT INTO note (project_id, task_ref, body) VALUES (1, 1, 'design notes');
SELECT clone_add_link('note', '{task_ref}', 'task');
SELECT clone_row('project', 1, cascade => true) AS p2 \gset
SELECT n.body, t.title FROM note n JOIN task t ON t.id = n.task_ref
WHERE n.project_id = :p2 AND t.project_id = :p2;

-- a hostile search_path cannot change how a discriminator compares: the
-- generated SQL names pg_catalog's operator and type
CREATE SCHEMA evil;
CREATE FUNCTION evil.always(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.always);
SET search_path = evil, pg_catalog, lnk, public;
SELECT count(*) AS before FROM attachment \gset
SELECT clone_row('project', 2, cascade => true) > 0 AS copied;
SELECT count(*) - :before AS attachments_copied FROM attachment;
SET search_path = lnk, public;
SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
RESET client_min_messages;

-- errors: nothing is stored
\set VERBOSITY default
SELECT clone_add_link('attachment', '{owner_id}', 'activity');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{owner_id}', 'activity',
                      when_column => 'owner_type', when_value => 'Task');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{file}', 'project');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{id}', 'project');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{owner_id}', 'project', '{name}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{owner_id,file}', 'project');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('task', '{project_id}', 'project');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{owner_id}', 'project', when_column => 'owner_type');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{owner_id}', 'project',
                      when_column => 'nope', when_value => 'x');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{owner_id}', 'project',
                      when_column => 'owner_id', when_value => 'x');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{nope}', 'project');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_add_link('attachment', '{owner_id}', NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE TABLE nokey (id int);
SELECT clone_add_link('attachment', '{owner_id}', 'nokey');
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE VIEW project_view AS SELECT * FROM project;
SELECT clone_add_link('attachment', '{owner_id}', 'project_view');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_drop_link('attachment', '{file}');
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE ROLE regress_rowclone_lnk;
GRANT USAGE ON SCHEMA lnk TO regress_rowclone_lnk;
SET ROLE regress_rowclone_lnk;
SELECT clone_add_link('line', '{qty}', 'product');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_drop_link('line', '{sku}');
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET ROLE;
\set VERBOSITY terse
SELECT count(*) AS links FROM rowclone_rule WHERE kind = 'link';

-- renames are followed; a dropped column (of the link, its discriminator
-- or its target) or table takes the link with it
ALTER TABLE attachment RENAME COLUMN owner_type TO kind;
ALTER TABLE task RENAME COLUMN id TO task_id;
SELECT relation, columns, detail FROM clone_rules() WHERE kind = 'link'
ORDER BY relation::text, detail;
ALTER TABLE attachment DROP COLUMN kind;
DROP TABLE part;
ALTER TABLE product DROP COLUMN sku CASCADE;
SELECT relation, columns, detail FROM clone_rules() WHERE kind = 'link'
ORDER BY relation::text, detail;

-- clone_drop_link removes every link on the columns
SELECT clone_drop_link('activity', '{task_ref}');
SELECT relation, kind, columns FROM clone_rules() WHERE relation = 'activity'::regclass;
SELECT relation, depth, reached_by, not_followed FROM clone_plan('project')
ORDER BY depth, relation::text;

-- rowclone_rule is written by the rule functions and pg_restore; a row
-- written by hand that is not a rule is refused, never read
\set VERBOSITY default
INSERT INTO rowclone_rule (rel) VALUES ('step');
INSERT INTO rowclone_rule (rel, kind, attnums, columns) VALUES ('step', 'x', '{2}', '{next_id}');
INSERT INTO rowclone_rule (rel, kind, attnums, columns) VALUES ('step', 'link', '{2}', '{next_id}');
INSERT INTO rowclone_rule (rel, kind, attnums, columns, target, target_attnums, target_columns)
VALUES ('step', 'link', '{2}', '{next_id}', 'step', '{1,2}', '{id}');
INSERT INTO rowclone_rule (rel, kind, attnums, columns) VALUES ('step', 'reference', '{2}', '{NULL}');
\set VERBOSITY terse
SELECT count(*) FROM rowclone_rule WHERE rel = 'step'::regclass;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA lnk CASCADE;
DROP ROLE regress_rowclone_lnk;
RESET client_min_messages;
