-- clone_rows: keys of two tenants in one call, copies => 2
SELECT reseed();

-- tasks (1, 1) > (1, 2) of tenant 1 and (2, 1) > (2, 7) of tenant 2, twice:
-- in copy k, each copied child points at copy k of its parent
SELECT * FROM clone_rows('task',
    ARRAY['{"account_id": 1, "id": 1}', '{"account_id": 1, "id": 2}',
          '{"account_id": 2, "id": 7}', '{"account_id": 2, "id": 1}']::jsonb[],
    copies => 2);
SELECT c.account_id, c.id, c.title, c.parent_task_id, p.title AS parent_title
  FROM task c LEFT JOIN task p ON p.account_id = c.account_id AND p.id = c.parent_task_id
 WHERE c.id > 1000 ORDER BY c.id;

-- a repeated key counts once, a missing one gives no row
SELECT * FROM clone_rows('project',
    ARRAY['{"account_id": 3, "id": 4}', '[3, 4]', '{"account_id": 3, "id": 1}']::jsonb[]);
SELECT * FROM project WHERE id > 100 ORDER BY id;

-- projects of two tenants with cascade, twice: each copy of a project has
-- its own copies of the tasks and comments
SELECT reseed();
SELECT * FROM clone_rows('project',
    ARRAY['{"account_id": 1, "id": 2}', '{"account_id": 3, "id": 4}']::jsonb[],
    cascade => true, copies => 2);
SELECT * FROM counts ORDER BY tbl, account_id;
SELECT t.account_id, t.id, t.project_id, t.title, t.parent_task_id,
       p.project_id AS parent_project_id
  FROM task t LEFT JOIN task p ON p.account_id = t.account_id AND p.id = t.parent_task_id
 WHERE t.id > 1000 ORDER BY t.id;
SELECT c.account_id, c.id, c.task_id, t.project_id, c.body
  FROM comment c JOIN task t ON t.account_id = c.account_id AND t.id = c.task_id
 WHERE c.id > 5000 ORDER BY c.id;
