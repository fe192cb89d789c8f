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

-- key_source (0.2): how each table's copies get their keys; warnings: a
-- unique key the copies would repeat as it is (a slug, a forward
-- one-to-one), which makes every such clone fail with 23505.
CREATE TABLE kind_identity (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                            slug text UNIQUE, code text, region int,
                            UNIQUE (code, region));
CREATE TABLE kind_uuid (id uuid PRIMARY KEY,
                        owner_id int NOT NULL REFERENCES kind_identity ON DELETE CASCADE,
                        label text);
CREATE TABLE kind_isa (id int PRIMARY KEY REFERENCES kind_identity ON DELETE CASCADE,
                       extra text);
CREATE TABLE kind_line (owner_id int REFERENCES kind_identity ON DELETE CASCADE,
                        n int, PRIMARY KEY (owner_id, n),
                        -- unique, but with a fresh column: no collision
                        ref int GENERATED ALWAYS AS IDENTITY UNIQUE);
-- neither a partial nor an expression index binds every copy
CREATE UNIQUE INDEX kind_uuid_label ON kind_uuid (label) WHERE label IS NOT NULL;
CREATE UNIQUE INDEX kind_uuid_lower ON kind_uuid (lower(label));
-- a forward one-to-one: unique, referencing a row the clone does not copy
CREATE TABLE kind_other (id serial PRIMARY KEY);
CREATE TABLE kind_serial (id serial PRIMARY KEY,
                          owner_id int REFERENCES kind_identity ON DELETE CASCADE,
                          other_id int UNIQUE REFERENCES kind_other);
SELECT relation, key_source, warnings FROM clone_plan('kind_identity')
ORDER BY depth, relation::text;

RESET search_path;
DROP SCHEMA cplan CASCADE;
