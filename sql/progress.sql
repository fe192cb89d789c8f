-- Watching a clone (SPEC "Behaviour that must hold everywhere", 0.2): with
-- rowclone.progress on, each table a clone has copied is a NOTICE to the
-- calling session; other sessions see running clones in rowclone_progress
-- (test/specs/clone_progress.spec watches one).
CREATE SCHEMA rc_progress;
SET search_path = rc_progress, public;

CREATE TABLE project (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE task (id serial PRIMARY KEY,
                   project_id int NOT NULL REFERENCES project ON DELETE CASCADE);
CREATE TABLE note (task_id int NOT NULL REFERENCES task ON DELETE CASCADE, body text);
INSERT INTO project (name) VALUES ('p');
INSERT INTO task (project_id) SELECT 1 FROM generate_series(1, 5);
INSERT INTO note SELECT id, 'n' FROM task;

SHOW rowclone.progress;
-- off: no NOTICE
SELECT clone_row('project', 1, cascade => true) > 1 AS cloned;
SET rowclone.progress = on;
SELECT clone_row('project', 1, cascade => true) > 1 AS cloned;
SELECT count(*) FROM clone_rows('project', ARRAY[1], cascade => true, copies => 3);
-- a clone of one row without cascade writes one statement: no table list
SELECT clone_row('project', 1) > 1 AS cloned;

-- Nothing is running now, and a clone that failed (caught in PL/pgSQL)
-- leaves nothing behind in the view.
SELECT count(*) AS running FROM rowclone_progress;
DO $$
BEGIN
    PERFORM clone_row('project', 1, cascade => true, overrides => '{"task.project_id": 99}');
EXCEPTION WHEN foreign_key_violation THEN
    RAISE NOTICE 'caught: %', SQLERRM;
END $$;
SELECT count(*) AS running FROM rowclone_progress WHERE pid = pg_backend_pid();
RESET rowclone.progress;

-- The view's columns; every role may read it.
SELECT attname, format_type(atttypid, atttypmod)
FROM pg_attribute WHERE attrelid = 'rowclone_progress'::regclass AND attnum > 0 ORDER BY attnum;
SELECT has_table_privilege('public', 'rowclone_progress', 'SELECT') AS public_may_read;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rc_progress CASCADE;
RESET client_min_messages;
