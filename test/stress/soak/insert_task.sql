-- a new task with a comment in a source project
\set p random(1, :projects)
WITH q AS (SELECT id FROM project WHERE id = :p FOR KEY SHARE),
     t AS (INSERT INTO task (project_id, title) SELECT id, 'new task' FROM q RETURNING id)
INSERT INTO comment (task_id, body) SELECT id, 'first' FROM t;
