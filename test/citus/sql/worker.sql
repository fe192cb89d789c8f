-- A clone called on a worker. Citus syncs the metadata to the workers, so
-- a worker can query and write the distributed tables; a bigserial default
-- on a worker draws from that worker's own range (group id << 48). Citus
-- draws no int or smallint sequence value on a worker: such a key (status,
-- a serial) is refused before anything is written, with what to do.
SELECT reseed();
\getenv coordinator_port PGPORT
\getenv worker_port CITUS_WORKER1_PORT
\c - - - :worker_port
SELECT groupid FROM pg_dist_local_group;

SELECT clone_row('project', '{"account_id": 1, "id": 2}'::jsonb);
SELECT clone_row('project', '{"account_id": 3, "id": 4}'::jsonb, cascade => true);
SELECT * FROM project WHERE id > 100 ORDER BY id;
SELECT account_id, id, id >> 48 AS node_group, project_id, title, parent_task_id
  FROM task WHERE id > 1000 ORDER BY id;
SELECT * FROM clone_rows('comment', ARRAY['{"account_id": 1, "id": 5}']::jsonb[], copies => 2);
SELECT clone_row('status', 2);
SELECT clone_row('milestone', '{"account_id": 1, "id": 1}'::jsonb);

-- the coordinator sees what the worker wrote
\c - - - :coordinator_port
SELECT * FROM counts ORDER BY tbl, account_id;
