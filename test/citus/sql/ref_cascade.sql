-- A cascade whose root is the reference table: copying a status with
-- cascade copies every task of every tenant that has it (and their
-- subtrees, comments, attachments). The clone finds those rows first
-- (SELECTs over all 32 shards of task, comment and attachment) and then
-- writes the copy of the status; Citus refuses a write to a reference
-- table after a parallel access, in the same transaction, to distributed
-- tables that have a foreign key to it (XX000), so a clone that writes a
-- reference table runs in Citus's sequential mode (one connection per
-- node), and the caller's setting is back afterwards.
SELECT reseed();

SELECT relation, depth, reached_by, remapped_columns, key_source FROM clone_plan('status');
SHOW citus.multi_shard_modify_mode;
SELECT clone_row('status', 1, cascade => true);
SHOW citus.multi_shard_modify_mode;
SELECT * FROM status ORDER BY id;
SELECT * FROM counts ORDER BY tbl, account_id;
-- the copies of the tasks with status 1 have the new status, their
-- children (copied through parent_task_id) keep theirs and point at the
-- copied parents; project_id still points at the original projects (not
-- copied)
SELECT t.account_id, t.id, t.project_id, t.title, t.status_id, t.parent_task_id,
       p.title AS parent_title
  FROM task t LEFT JOIN task p ON p.account_id = t.account_id AND p.id = t.parent_task_id
 WHERE t.id > 1000 ORDER BY t.account_id, t.id;
SELECT c.account_id, c.task_id, t.title, c.body
  FROM comment c JOIN task t ON t.account_id = c.account_id AND t.id = c.task_id
 WHERE c.id > 5000 ORDER BY c.account_id, c.id;
