-- clone_row with a composite key, {"account_id": ..., "id": ...}, on
-- co-located distributed tables
SELECT reseed();

-- without cascade: one row, a fresh id in the same tenant
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb);
SELECT * FROM project ORDER BY account_id, id;
-- the key as an array in key order, and as untyped text (text comes back)
SELECT clone_row('project', '[1, 2]'::jsonb);
SELECT clone_row('project', '{"account_id": 3, "id": 4}');
SELECT clone_row('project', '{"account_id": 2, "id": 1}'::jsonb,
                 overrides => '{"name": "Intranet (copy)"}');
SELECT * FROM project WHERE id > 100 ORDER BY id;
-- a comment alone: it keeps pointing at the original task
SELECT clone_row('comment', '{"account_id": 3, "id": 7}'::jsonb);
SELECT * FROM comment WHERE id > 5000 ORDER BY id;
-- a key that no tenant has: P0002, nothing written
SELECT clone_row('project', '{"account_id": 3, "id": 1}'::jsonb);
SELECT * FROM counts ORDER BY tbl, account_id;

-- with cascade: project (1, 1) with its tasks (a tree), their comments and
-- attachments, and its milestones; tenant 2's project 1 and its rows are
-- not copied
SELECT reseed();
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true);
-- 1 project, 5 tasks, 4 comments, 2 attachments, 2 milestones more in tenant 1
SELECT * FROM counts ORDER BY tbl, account_id;
SELECT * FROM project ORDER BY account_id, id;
-- every copied task is in the new project, and its parent is a copy in it
SELECT * FROM task WHERE account_id = 1 ORDER BY id;
SELECT c.id, c.title, c.parent_task_id, p.title AS parent_title,
       p.project_id AS parent_project_id
  FROM task c LEFT JOIN task p ON p.account_id = c.account_id AND p.id = c.parent_task_id
 WHERE c.account_id = 1 AND c.project_id = 101 ORDER BY c.id;
-- comments and attachments of the copy point at copied tasks
SELECT c.id, c.task_id, t.title, t.project_id, c.body
  FROM comment c JOIN task t ON t.account_id = c.account_id AND t.id = c.task_id
 WHERE c.id > 5000 ORDER BY c.id;
SELECT a.account_id, a.task_id, t.title, t.project_id, a.filename,
       a.id::text LIKE '00000000-%' AS seed_id
  FROM attachment a JOIN task t ON t.account_id = a.account_id AND t.id = a.task_id
 ORDER BY a.account_id, t.project_id, a.task_id;
SELECT * FROM milestone ORDER BY account_id, id;
-- the source rows are as they were
SELECT * FROM task WHERE project_id = 1 AND id < 1000 ORDER BY account_id, id;

-- the same project once more, with options: skip attachments, and a
-- qualified override for every copied task
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true,
                 skip => '{attachment}',
                 overrides => '{"name": "Website v2", "task.title": "(copied)"}');
SELECT * FROM project WHERE id > 100 ORDER BY id;
SELECT * FROM task WHERE account_id = 1 AND project_id = 102 ORDER BY id;
SELECT * FROM counts ORDER BY tbl, account_id;
-- max_depth 1: tasks and milestones, no comments
SELECT clone_row('project', '{"account_id": 3, "id": 4}'::jsonb, cascade => true, max_depth => 1);
SELECT * FROM task WHERE account_id = 3 ORDER BY id;
SELECT * FROM comment WHERE account_id = 3 ORDER BY id;
