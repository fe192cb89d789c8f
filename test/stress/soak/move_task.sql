-- move a task of one source project to another, and change a task
\set p random(1, :projects)
\set q random(1, :projects)
WITH target AS (SELECT id FROM project WHERE id = :q FOR KEY SHARE),
     moved AS (SELECT id FROM task WHERE project_id = :p ORDER BY id LIMIT 1)
UPDATE task SET project_id = target.id FROM target, moved WHERE task.id = moved.id;
UPDATE task SET done = NOT done, title = title || '.'
 WHERE id = (SELECT id FROM task WHERE project_id = :q ORDER BY id DESC LIMIT 1);
