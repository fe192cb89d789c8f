-- A non-key override into a reference table. On its own the clone works
-- (one INSERT ... SELECT into the reference table, status's id from its
-- serial default on the coordinator)...
SELECT reseed();

SELECT clone_row('status', 1, overrides => '{"name": "x"}');
SELECT clone_row('status', 3);
SELECT * FROM status ORDER BY id;
-- ... and on every node: the reference table's placements have the copy
SELECT success, result FROM run_command_on_all_nodes(
    $$SELECT string_agg(id || ' ' || name, ', ' ORDER BY id) FROM status$$);

-- ... and in a transaction that cloned tenant rows first: a clone inside one
-- tenant runs each statement on the tenant's shard, over one connection, so
-- Citus still allows a write to a reference table afterwards (until every
-- statement was pruned to one shard, the clone read all 32 shards in
-- parallel and Citus refused this write with XX000 "cannot modify table
-- "status" because there was a parallel operation on a distributed table")
BEGIN;
SELECT clone_row('project', '{"account_id": 1, "id": 2}'::jsonb);
SELECT clone_row('status', 1, overrides => '{"name": "y"}');
ROLLBACK;
BEGIN;
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true);
SELECT clone_row('status', 1, overrides => '{"name": "y"}');
ROLLBACK;
-- the reference table first, then the tenant's rows: works
BEGIN;
SELECT clone_row('status', 1, overrides => '{"name": "z"}');
SELECT clone_row('project', '{"account_id": 1, "id": 2}'::jsonb, cascade => true);
COMMIT;
SELECT * FROM status ORDER BY id;
SELECT * FROM counts ORDER BY tbl, account_id;
