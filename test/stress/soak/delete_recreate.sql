-- delete a source project with its tasks and comments, and make it again
\set p random(1, :projects)
\set n random(1, 30)
BEGIN;
DELETE FROM project WHERE id = :p;
INSERT INTO project (id, name) VALUES (:p, 'again') ON CONFLICT (id) DO NOTHING;
WITH q AS (SELECT id FROM project WHERE id = :p FOR KEY SHARE)
INSERT INTO task (project_id, title) SELECT q.id, 'task ' || g FROM q, generate_series(1, :n) g;
INSERT INTO comment (task_id, body)
SELECT t.id, 'comment' FROM task t WHERE t.project_id = :p AND t.title LIKE 'task %' LIMIT :n;
COMMIT;
