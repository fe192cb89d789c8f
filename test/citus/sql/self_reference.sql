-- task references itself (account_id, parent_task_id): how its clones run
-- under Citus.
SELECT reseed();

-- clone_row without cascade: on plain PostgreSQL the one-row shape makes
-- the copy's key in its INSERT and fixes a reference to its own table up
-- afterwards with an UPDATE that joins the table to itself through key
-- arrays, which Citus refuses ("complex joins are only supported when all
-- distributed tables are co-located and joined on their distribution
-- columns"); on a distributed table that references itself the set shape
-- runs it (the key made first, no fix-up). The copies keep their parent.
SELECT clone_row('task', '{"account_id": 1, "id": 3}'::jsonb);
SELECT clone_row('task', '{"account_id": 2, "id": 1}'::jsonb);
SELECT * FROM clone_rows('task', ARRAY['{"account_id": 1, "id": 3}']::jsonb[]);
SELECT * FROM counts WHERE tbl = 'task' ORDER BY account_id;
SELECT account_id, id, parent_task_id, title FROM task WHERE id > 1000 ORDER BY id;

-- a cascade from a task: on plain PostgreSQL its subtree is found by one
-- recursive query, which Citus refuses without a filter on the
-- distribution column; on a distributed table the closure goes level by
-- level instead
SELECT clone_row('task', '{"account_id": 1, "id": 1}'::jsonb, cascade => true);
SELECT relation, old_key, depth, new_key ->> 'account_id' AS new_tenant
  FROM clone_graph('task', '{"account_id": 1, "id": 1}'::jsonb);
SELECT * FROM counts WHERE tbl IN ('task', 'comment') ORDER BY tbl, account_id;

-- the set shape makes the keys before the INSERT and needs no fix-up:
-- several keys, copies, clone_graph without cascade, or a cascade with
-- max_depth 0 work
SELECT reseed();
SELECT * FROM clone_rows('task', ARRAY['{"account_id": 1, "id": 3}', '[1, 3]']::jsonb[]);
SELECT * FROM clone_rows('task', ARRAY['{"account_id": 2, "id": 1}']::jsonb[], copies => 2);
SELECT new_key FROM clone_graph('task', '{"account_id": 1, "id": 5}'::jsonb, cascade => false);
SELECT clone_row('task', '{"account_id": 3, "id": 10}'::jsonb, cascade => true, max_depth => 0);
-- the copies keep their references (parent, project) to the originals
SELECT * FROM task WHERE id > 1000 ORDER BY id;
-- (a tree reached from above, from its project, is copied whole: clone_row.sql)
