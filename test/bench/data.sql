-- test/bench/data.sql: data of the cascade benchmark (`make bench`).
--
-- psql variables (all optional):
--   sizes           JSON object {"size name": number of tasks, ...}: one source
--                   project per entry [default {"1k": 111}]
--   noise_projects  unrelated projects, half loaded before the sources and half
--                   after, so the tables hold more than the copied data [40]
--   noise_tasks     tasks per noise project [250]
--
-- Each task has 5 comments, 2 task_tag rows (2 of 200 shared tags) and 1
-- attachment, so a project of T tasks is 1 + 9*T rows to copy: 111 tasks =
-- 1,000 rows; 11,111 = 100,000; 20,000 tasks / 100,000 comments = 180,001
-- (the SPEC's data point); 111,111 = 1,000,000.
-- Comments are inserted in rounds (every task's first comment, then every
-- task's second, ...), so one task's comments are spread over the table as in
-- an application that has been running for a while.
--
-- Records the source projects in bench_source (size, tasks, project_id, rows).
--   psql -X -v ON_ERROR_STOP=1 -v sizes='{"1k": 111}' -f test/bench/data.sql

\if :{?sizes}
\else
\set sizes '{"1k": 111}'
\endif
\if :{?noise_projects}
\else
\set noise_projects 40
\endif
\if :{?noise_tasks}
\else
\set noise_tasks 250
\endif

CREATE TABLE bench_source (
    size       text PRIMARY KEY,
    tasks      integer NOT NULL,
    project_id bigint NOT NULL,
    rows       bigint NOT NULL,        -- rows a deep copy makes: 1 + 9 * tasks
    ord        integer NOT NULL        -- order of the sizes as given
);

INSERT INTO tag (name)
SELECT format('tag-%s', to_char(g, 'FM000')) FROM generate_series(1, 200) g;

-- bench_make_project(name, tasks): one project with its tasks, comments,
-- task_tag rows and attachments; returns the project's id
CREATE FUNCTION bench_make_project(p_name text, p_tasks integer)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    pid  bigint;
    ntag integer := (SELECT count(*) FROM tag);
BEGIN
    INSERT INTO project (name, created_at, settings)
    VALUES (p_name,
            timestamptz '2024-01-01 00:00:00+00' + make_interval(days => length(p_name)),
            jsonb_build_object('visibility', 'team', 'tasks', p_tasks,
                               'features', jsonb_build_array('board', 'gantt')))
    RETURNING id INTO pid;

    INSERT INTO task (project_id, title, status, priority, due, payload)
    SELECT pid,
           format('task %s of %s', i, p_name),
           (ARRAY['open', 'doing', 'review', 'done'])[1 + i % 4],
           i % 5,
           CASE WHEN i % 3 <> 0 THEN date '2024-01-01' + i % 365 END,
           jsonb_build_object('estimate', i % 13,
                              'labels', jsonb_build_array(format('l%s', i % 7), format('m%s', i % 11)),
                              'notes', repeat('n', i % 40))
    FROM generate_series(1, p_tasks) i;

    INSERT INTO comment (task_id, author, body, created_at)
    SELECT t.id,
           format('user%s', (t.id * k) % 97),
           format('comment %s on task %s: %s', k, t.id, repeat('lorem ipsum ', (1 + (t.id + k) % 8)::int)),
           timestamptz '2024-01-01 00:00:00+00' + make_interval(mins => (t.id % 100000)::int * 5 + k)
    FROM generate_series(1, 5) k
    CROSS JOIN task t
    WHERE t.project_id = pid
    ORDER BY k, t.id;

    -- two different tags per task: offsets 1..ntag-1 apart
    INSERT INTO task_tag (task_id, tag_id)
    SELECT t.id, tg
    FROM task t,
         LATERAL (VALUES (1 + t.id % ntag),
                         (1 + (t.id + 1 + t.id % (ntag - 1)) % ntag)) v(tg)
    WHERE t.project_id = pid;

    INSERT INTO attachment (task_id, filename, size_bytes)
    SELECT t.id, format('file-%s.pdf', t.id), (t.id * 7919) % 10000000
    FROM task t
    WHERE t.project_id = pid;

    RETURN pid;
END
$$;

SELECT count(bench_make_project(format('noise %s', g), :noise_tasks)) AS noise_projects_before
FROM generate_series(1, :noise_projects / 2) g;

INSERT INTO bench_source (size, tasks, project_id, rows, ord)
SELECT s.key, s.value::integer,
       bench_make_project(format('source %s', s.key), s.value::integer),
       1 + 9 * s.value::bigint,
       s.ord
FROM json_each_text(:'sizes'::json) WITH ORDINALITY s(key, value, ord)
ORDER BY s.ord;

SELECT count(bench_make_project(format('noise %s', g), :noise_tasks)) AS noise_projects_after
FROM generate_series(:noise_projects / 2 + 1, :noise_projects) g;
