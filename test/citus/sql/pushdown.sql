-- Push-down, seen from the outside: the commands Citus sends to the workers
-- (citus.log_remote_commands; citus.grep_remote_commands keeps those that
-- name a shard, "public.<table>_<shard id>", or the commits). A clone
-- inside one tenant sends each of its statements once, to the tenant's
-- shard, and commits in one phase: one COMMIT, no PREPARE TRANSACTION.
-- A statement not pruned to one shard would show once per shard.
SELECT reseed();
\set VERBOSITY terse
SET citus.log_remote_commands = on;
SET client_min_messages = notice;

-- project (1, 1) with its tasks (two levels), comments, attachments and
-- milestones: 6 closure statements, 5 INSERTs, one shard each
SET citus.grep_remote_commands = '%public.%';
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true);
-- the commit: one COMMIT (no PREPARE TRANSACTION, no COMMIT PREPARED)
SET citus.grep_remote_commands = 'PREPARE%';
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true);
SET citus.grep_remote_commands = 'COMMIT%';
SELECT clone_row('project', '{"account_id": 1, "id": 1}'::jsonb, cascade => true);

-- one row, with an override (a typed parameter, not a function call)
SET citus.grep_remote_commands = '%public.%';
SELECT clone_row('project', '{"account_id": 2, "id": 1}'::jsonb, overrides => '{"name": "Copy"}');
-- two rows of one tenant, two copies each
SELECT count(*) FROM clone_rows('task',
    ARRAY['{"account_id": 3, "id": 9}', '{"account_id": 3, "id": 10}']::jsonb[], copies => 2);
SET citus.grep_remote_commands = 'COMMIT%';
SELECT count(*) FROM clone_rows('task',
    ARRAY['{"account_id": 3, "id": 9}', '{"account_id": 3, "id": 10}']::jsonb[], copies => 2);

-- rows of two tenants: each statement goes to both tenants' shards only
SET citus.grep_remote_commands = '%public.%';
SELECT count(*) FROM clone_rows('milestone',
    ARRAY['{"account_id": 1, "id": 1}', '{"account_id": 2, "id": 3}']::jsonb[]);

RESET citus.grep_remote_commands;
RESET citus.log_remote_commands;
RESET client_min_messages;
-- the copies are right (the other files check every column)
SELECT * FROM counts ORDER BY tbl, account_id;
