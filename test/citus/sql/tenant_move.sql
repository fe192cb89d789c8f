-- Moving a copy to another tenant: overrides => '{"account_id": 2}'.
-- account_id is part of every key and foreign key, so a copy in another
-- tenant is a row in another shard (here: on the other worker).
SELECT reseed();

-- without cascade: the copy is in tenant 3 (project's only reference is to
-- account, which tenant 3 has)
SELECT clone_row('project', '{"account_id": 1, "id": 2}'::jsonb, overrides => '{"account_id": 3}');
SELECT * FROM project ORDER BY account_id, id;

-- with cascade, an unqualified override sets the copy of the source row
-- only (SPEC "What a copy gets"): the project copy is (2, 102), but the
-- copied tasks keep account_id 1 and get project_id 102 from the copy:
-- (1, 102) is no project, 23503 (DETAIL names the shards). The same
-- happens on PostgreSQL without Citus. (The context line, which names the
-- worker's address, is left out.)
\set SHOW_CONTEXT never
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true,
                 overrides => '{"account_id": 2}');
-- a qualified override for every table: an override of one column of a
-- composite foreign key leaves the whole key unmapped, so parent_task_id
-- keeps the source's value, and (2, 2) is no task of tenant 2
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
