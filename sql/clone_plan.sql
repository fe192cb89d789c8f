-- clone_plan: what a clone would copy, table by table, without writing.
CREATE SCHEMA cplan;
SET search_path = cplan, public;
CREATE TABLE account (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
CREATE TABLE project (id serial PRIMARY KEY,
                      account_id int NOT NULL REFERENCES account,
                      name text, created_at timestamptz DEFAULT now(),
                      slug text GENERATED ALWAYS AS (lower(name)) STORED);
CREATE TABLE task (id bigserial PRIMARY KEY,
                   project_id int NOT NULL REFERENCES project ON DELETE CASCADE,
                   parent_id bigint REFERENCES task ON DELETE CASCADE,
                   title text);
CREATE TABLE watcher (id serial PRIMARY KEY,
                      task_id bigint REFERENCES task ON DELETE SET NULL, who text);
CREATE TABLE audit (id serial PRIMARY KEY,
                    project_id int REFERENCES project ON DELETE CASCADE, note text);
CREATE TABLE task_label (task_id bigint REFERENCES task ON DELETE CASCADE, label text,
                         PRIMARY KEY (task_id, label));
CREATE TABLE frozen (code text PRIMARY KEY,
                     project_id int REFERENCES project ON DELETE CASCADE);
INSERT INTO account (name) VALUES ('acme');
INSERT INTO project (account_id, name) VALUES (1, 'Alpha');

\x on
-- the whole cascade: depth, how each table is reached, how its columns are
-- made, the foreign keys not followed and why, and tables that cannot be copied
SELECT * FROM clone_plan('project');
\x off

-- skip and max_depth shape it; without cascade only the table itself
SELECT relation, depth, not_followed, problem FROM clone_plan('project', skip => '{frozen, audit}');
SELECT relation, depth, not_followed FROM clone_plan('project', max_depth => 0);
SELECT relation, depth, reached_by FROM clone_plan('project', cascade => false);

-- it wrote nothing, and the clone itself refuses what the plan reports
SELECT (SELECT count(*) FROM project) AS projects;
SELECT clone_row('project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('project', 1, cascade => true, skip => '{frozen}') AS new_project;

-- is-a parents are listed with the table that needs them
CREATE TABLE place (id serial PRIMARY KEY, name text);
CREATE TABLE restaurant (place_ptr_id int PRIMARY KEY REFERENCES place (id), seats int);
SELECT relation, depth, reached_by, fresh_columns, remapped_columns
FROM clone_plan('restaurant');

-- errors
SELECT * FROM clone_plan(NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_plan('project', cascade => NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_plan('project', max_depth => -1);
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE VIEW v AS SELECT 1 AS id;
SELECT * FROM clone_plan('v');
\echo sqlstate :LAST_ERROR_SQLSTATE

RESET search_path;
DROP SCHEMA cplan CASCADE;
