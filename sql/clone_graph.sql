-- clone_graph: performs the clone (cascade by default) and returns every
-- row it created as (relation, old_key, new_key, depth), root first.
CREATE SCHEMA graph;
SET search_path = graph, public;
CREATE TABLE project (id serial PRIMARY KEY, name text);
CREATE TABLE task (id serial PRIMARY KEY,
                   project_id int NOT NULL REFERENCES project ON DELETE CASCADE,
                   title text);
CREATE TABLE comment (id serial PRIMARY KEY,
                      task_id int NOT NULL REFERENCES task ON DELETE CASCADE,
                      body text);
CREATE TABLE tag (id serial PRIMARY KEY, name text);
CREATE TABLE task_tag (task_id int REFERENCES task ON DELETE CASCADE,
                       tag_id int REFERENCES tag ON DELETE CASCADE,
                       PRIMARY KEY (task_id, tag_id));
INSERT INTO project VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO task VALUES (1, 1, 'design'), (2, 1, 'build'), (3, 2, 'other');
INSERT INTO comment VALUES (1, 1, 'first'), (2, 1, 'second'), (3, 2, 'third'), (4, 3, 'elsewhere');
INSERT INTO tag VALUES (1, 'red'), (2, 'blue');
INSERT INTO task_tag VALUES (1, 1), (1, 2), (2, 2), (3, 1);
SELECT setval('project_id_seq', 10), setval('task_id_seq', 20), setval('comment_id_seq', 30);

-- every created row, root first, then by depth; keys as jsonb objects
SELECT * FROM clone_graph('project', 1);

-- what it says was created is exactly what is in the tables
SELECT t.id, t.project_id, t.title FROM task t WHERE t.project_id = 11 ORDER BY t.id;
SELECT c.id, c.task_id, c.body FROM comment c WHERE c.task_id IN (21, 22) ORDER BY c.id;
SELECT * FROM task_tag WHERE task_id IN (21, 22) ORDER BY task_id, tag_id;

-- options as clone_row's: cascade => false copies the row alone,
-- max_depth limits, skip leaves a table out, overrides reach any table
SELECT * FROM clone_graph('project', 2, cascade => false);
SELECT * FROM clone_graph('project', 2, max_depth => 1);
SELECT * FROM clone_graph('project', 2, skip => '{comment}');
SELECT relation, new_key FROM clone_graph('project', 2,
    overrides => '{"name": "gamma", "task.title": "copied", "comment.body": "copied too"}')
ORDER BY depth, relation::text;
SELECT p.name, t.title, c.body
FROM project p JOIN task t ON t.project_id = p.id JOIN comment c ON c.task_id = t.id
WHERE p.name = 'gamma';

-- a composite root key: a join-table row has no fresh key of its own (55000)
-- unless an override gives one; the key argument in any castable type
SELECT * FROM clone_graph('task_tag', '{"task_id": 1, "tag_id": 2}'::jsonb);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('task_tag', '{"task_id": 1, "tag_id": 2}'::jsonb, overrides => '{"task_id": 3}');
SELECT relation, old_key, depth FROM clone_graph('task', '3');

-- errors as clone_row's, and nothing written
SELECT * FROM clone_graph('project', 99);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('project', NULL::int);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('project', 1, overrides => '{"task.nope": 1}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT (SELECT count(*) FROM project) AS projects, (SELECT count(*) FROM task) AS tasks,
       (SELECT count(*) FROM comment) AS comments;

RESET search_path;
DROP SCHEMA graph CASCADE;
