-- Moving a copy to another tenant: overrides => '{"account_id": 2}'.
-- account_id is part of every key and foreign key, so a copy in another
-- tenant is a row in another shard (here: on the other worker).
SELECT reseed();

-- without cascade: the copy is in tenant 3 (project's only reference is to
-- account, which tenant 3 has)
SELECT clone_row('project', '{"account_id": 1, "id": 2}'::jsonb, overrides => '{"account_id": 3}');
SELECT * FROM project ORDER BY account_id, id;

-- with cascade, an unqualified override sets the copy of the source row
-- (SPEC "What a copy gets"), and the copied tasks, milestones, comments and
-- attachments follow it through their keys into the copy: the whole
-- project moves to tenant 2, every reference inside the copy pointing at a
-- copy (a task's parent too)
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true,
                 overrides => '{"account_id": 2}') AS moved \gset
SELECT t.account_id, t.id, t.project_id, t.parent_task_id, t.title
  FROM task t WHERE t.account_id = 2 AND t.project_id = (:'moved'::jsonb ->> 'id')::bigint
 ORDER BY t.id;
SELECT count(*) AS parents_outside_the_copy
  FROM task t JOIN task p ON p.account_id = t.account_id AND p.id = t.parent_task_id
 WHERE t.project_id = (:'moved'::jsonb ->> 'id')::bigint AND p.project_id <> t.project_id;
-- (The context lines below, which name the worker's address, are left out.)
\set SHOW_CONTEXT never
-- qualifying the override for every table instead is the pitfall: an
-- override of one column of a composite foreign key leaves the whole key
-- unmapped, so parent_task_id keeps the source's value, and (2, 2) is no
-- task of tenant 2
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true,
                 overrides => '{"account_id": 2, "task.account_id": 2, "comment.account_id": 2,
                                "milestone.account_id": 2, "attachment.account_id": 2}');
\set SHOW_CONTEXT errors
SELECT * FROM counts ORDER BY tbl, account_id;

-- the same, with no parent links in the way (removed for this transaction
-- only): the task copies are in tenant 2, but project_id was not remapped
-- either, and 1 is also a project of tenant 2: the copies belong to
-- tenant 2's "Intranet", not to the new project (2, 104), and no error says so
BEGIN;
UPDATE task SET parent_task_id = NULL WHERE account_id = 1 AND project_id = 1;
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true, max_depth => 1,
                 overrides => '{"account_id": 2, "task.account_id": 2, "milestone.account_id": 2}');
SELECT t.account_id, t.id, t.project_id, p.name AS project_name, t.title
  FROM task t JOIN project p ON p.account_id = t.account_id AND p.id = t.project_id
 WHERE t.account_id = 2 ORDER BY t.id;
SELECT * FROM milestone WHERE account_id = 2 ORDER BY id;
ROLLBACK;
