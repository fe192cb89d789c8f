-- The schema of test/citus: a multi-tenant application on Citus. Every table of
-- the tenants is distributed by account_id and co-located with account; status
-- is a reference table (a copy on every node). Each test file starts from the
-- same data: reseed() empties the tables and loads three tenants, with the
-- sequences set so that copies get ids from 101 (project), 1001 (task), 5001
-- (comment), 101 (milestone, an identity) and 101 (status).
SELECT extname, extversion FROM pg_extension WHERE extname IN ('citus', 'rowclone') ORDER BY 1;
SELECT count(*) AS workers FROM citus_get_active_worker_nodes();
-- Citus propagated rowclone to both workers
SELECT success, result FROM run_command_on_workers(
    $$SELECT extversion FROM pg_extension WHERE extname = 'rowclone'$$);

SET citus.shard_count = 32;
CREATE TABLE status (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE account (account_id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE project (
    account_id bigint NOT NULL,
    id bigserial,
    name text NOT NULL,
    PRIMARY KEY (account_id, id));
CREATE TABLE task (
    account_id bigint NOT NULL,
    id bigserial,
    project_id bigint NOT NULL,
    title text NOT NULL,
    status_id int NOT NULL,
    parent_task_id bigint,
    PRIMARY KEY (account_id, id));
CREATE TABLE comment (
    account_id bigint NOT NULL,
    id bigserial,
    task_id bigint NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (account_id, id));
-- an identity key
CREATE TABLE milestone (
    account_id bigint NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    project_id bigint NOT NULL,
    name text NOT NULL,
    PRIMARY KEY (account_id, id));
-- a uuid key
CREATE TABLE attachment (
    account_id bigint NOT NULL,
    id uuid DEFAULT gen_random_uuid(),
    task_id bigint NOT NULL,
    filename text NOT NULL,
    PRIMARY KEY (account_id, id));

-- distributed first, foreign keys after: Citus refuses a foreign key from a
-- local table to a distributed one
SELECT create_reference_table('status');
SELECT create_distributed_table('account', 'account_id');
SELECT create_distributed_table('project', 'account_id', colocate_with => 'account');
SELECT create_distributed_table('task', 'account_id', colocate_with => 'account');
SELECT create_distributed_table('comment', 'account_id', colocate_with => 'account');
SELECT create_distributed_table('milestone', 'account_id', colocate_with => 'account');
SELECT create_distributed_table('attachment', 'account_id', colocate_with => 'account');
ALTER TABLE project ADD FOREIGN KEY (account_id) REFERENCES account;
ALTER TABLE task ADD FOREIGN KEY (account_id, project_id) REFERENCES project ON DELETE CASCADE;
ALTER TABLE task ADD FOREIGN KEY (account_id, parent_task_id) REFERENCES task;
ALTER TABLE task ADD FOREIGN KEY (status_id) REFERENCES status;
ALTER TABLE comment ADD FOREIGN KEY (account_id, task_id) REFERENCES task ON DELETE CASCADE;
ALTER TABLE milestone ADD FOREIGN KEY (account_id, project_id) REFERENCES project ON DELETE CASCADE;
ALTER TABLE attachment ADD FOREIGN KEY (account_id, task_id) REFERENCES task ON DELETE CASCADE;

SELECT table_name, citus_table_type, distribution_column, shard_count,
       colocation_id = (SELECT colocation_id FROM citus_tables WHERE table_name = 'account'::regclass)
           AS colocated_with_account
  FROM citus_tables ORDER BY table_name::text;

CREATE FUNCTION reseed() RETURNS void LANGUAGE sql AS $$
TRUNCATE attachment, comment, milestone, task, project, account, status;
INSERT INTO status VALUES (1, 'todo'), (2, 'doing'), (3, 'done');
INSERT INTO account VALUES (1, 'Acme'), (2, 'Globex'), (3, 'Initech');
-- tenant 2 has a project 1 and a task 1 too: keys are (account_id, id)
INSERT INTO project VALUES
    (1, 1, 'Website'), (1, 2, 'Mobile app'),
    (2, 1, 'Intranet'), (2, 3, 'Wiki'),
    (3, 4, 'Shop');
-- a tree in project (1, 1): 1 > 2 > 3 and 4 > 5
INSERT INTO task VALUES
    (1, 1, 1, 'Design', 1, NULL),
    (1, 2, 1, 'Mockups', 2, 1),
    (1, 3, 1, 'Review mockups', 1, 2),
    (1, 4, 1, 'Build', 1, NULL),
    (1, 5, 1, 'Deploy', 1, 4),
    (1, 6, 2, 'Prototype', 3, NULL),
    (2, 1, 1, 'Intranet design', 1, NULL),
    (2, 7, 1, 'Intranet build', 2, 1),
    (2, 8, 3, 'Wiki pages', 1, NULL),
    (3, 9, 4, 'Catalogue', 1, NULL),
    (3, 10, 4, 'Checkout', 2, 9);
INSERT INTO comment VALUES
    (1, 1, 1, 'Looks good'), (1, 2, 2, 'Needs colour'), (1, 3, 3, 'Approved'),
    (1, 4, 5, 'Friday'), (1, 5, 6, 'Spike first'),
    (2, 1, 1, 'Same id, other tenant'), (2, 6, 7, 'Blocked'),
    (3, 7, 9, 'Prices?');
INSERT INTO milestone (account_id, id, project_id, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, 1, 'Beta'), (1, 2, 1, 'Launch'), (2, 3, 1, 'Go live');
INSERT INTO attachment VALUES
    (1, '00000000-0000-4000-8000-000000000001', 1, 'design.pdf'),
    (1, '00000000-0000-4000-8000-000000000002', 3, 'review.png'),
    (2, '00000000-0000-4000-8000-000000000003', 1, 'intranet.pdf');
SELECT setval('status_id_seq', 100);
SELECT setval('project_id_seq', 100);
SELECT setval('task_id_seq', 1000);
SELECT setval('comment_id_seq', 5000);
SELECT setval(pg_get_serial_sequence('milestone', 'id'), 100);
$$;

-- rows per table and tenant (status: every row, account_id NULL)
CREATE VIEW counts AS
    SELECT 'project' AS tbl, account_id, count(*) FROM project GROUP BY account_id
    UNION ALL SELECT 'task', account_id, count(*) FROM task GROUP BY account_id
    UNION ALL SELECT 'comment', account_id, count(*) FROM comment GROUP BY account_id
    UNION ALL SELECT 'milestone', account_id, count(*) FROM milestone GROUP BY account_id
    UNION ALL SELECT 'attachment', account_id, count(*) FROM attachment GROUP BY account_id
    UNION ALL SELECT 'status', NULL, count(*) FROM status;

SELECT reseed();
SELECT * FROM counts ORDER BY tbl, account_id;

-- the three tenants live on three different shards (of 32), on both workers
SELECT a AS account_id,
       (SELECT count(*) FROM pg_dist_shard s
         WHERE s.logicalrelid = 'project'::regclass
           AND s.shardid <= get_shard_id_for_distribution_column('project', a)) AS shard_number,
       (SELECT groupid FROM pg_dist_placement p
         WHERE p.shardid = get_shard_id_for_distribution_column('project', a)) AS node_group
  FROM generate_series(1, 3) a ORDER BY a;
