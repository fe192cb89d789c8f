-- test/bench/handwritten.sql: the baseline of the cascade benchmark — the best
-- hand-written set-based deep copy of a project for this exact schema (one
-- INSERT … SELECT per table), as a careful developer would write it.
--
-- Only task keys are referenced by other copied rows, so only tasks need an
-- old → new key map: it is made up front by calling nextval() once per source
-- task (concurrency-safe, unlike reserving a block of ids with setval), then
-- every child table is copied with one INSERT … SELECT joined to the map.
-- The project takes its identity value, comments their bigserial default,
-- attachments gen_random_uuid(); task_tag keeps the original tag_id.
-- Columns with defaults other than keys (project.created_at, task.status, …)
-- are copied as they are, as clone_row does.
--
-- Two variants, both correct (test/bench/run.sh checks every method):
--   bench_copy_handwritten(id)       one statement after the project row: the
--                                    map is a MATERIALIZED CTE read by four
--                                    data-modifying CTEs; no catalog work,
--                                    so it is the quicker on small copies
--   bench_copy_handwritten_temp(id)  the map is an ON COMMIT DROP temp table
--                                    with a primary key, ANALYZEd, then one
--                                    INSERT … SELECT per table: costs a few
--                                    ms of catalog work, but the planner
--                                    knows the map's size and order and
--                                    merge-joins it with the children's
--                                    foreign-key indexes, so it is the
--                                    quicker on large copies
-- Neither wins everywhere, so the benchmark's baseline ("best hand-written")
-- is, at each size, whichever of the two has the lower median.
-- (Also tried: the map in two arrays, joined with unnest(), one statement
-- per table: no better than the CTE. ORDER BY new key on each INSERT: no
-- gain either.)
--
-- The statements that select the source project's rows are run with EXECUTE
-- … USING, so every call is planned for its own project (index scans for a
-- small one, hash joins for a big one), as the same statements sent as text by
-- a client would be: a cached generic plan, which PL/pgSQL may switch to after
-- five calls, would be right for one size and wrong for the next. (Not by
-- SET plan_cache_mode = force_custom_plan on the function: that setting also
-- applies to the foreign-key checks, which would then plan their query again
-- for every inserted row and make the copy twice as slow.)

CREATE FUNCTION bench_copy_handwritten(p_id bigint)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    new_project bigint;
BEGIN
    INSERT INTO project (name, created_at, settings)
    SELECT p.name, p.created_at, p.settings
    FROM project p
    WHERE p.id = p_id
    RETURNING id INTO new_project;
    IF new_project IS NULL THEN
        RAISE EXCEPTION 'project % not found', p_id USING ERRCODE = 'no_data_found';
    END IF;

    EXECUTE $sql$
        WITH task_map AS MATERIALIZED (
            SELECT t.id AS old_id, nextval('task_id_seq'::regclass) AS new_id
            FROM task t
            WHERE t.project_id = $1
        ), ins_task AS (
            INSERT INTO task (id, project_id, title, status, priority, due, payload)
            SELECT m.new_id, $2, t.title, t.status, t.priority, t.due, t.payload
            FROM task_map m
            JOIN task t ON t.id = m.old_id
        ), ins_comment AS (
            INSERT INTO comment (task_id, author, body, created_at)
            SELECT m.new_id, c.author, c.body, c.created_at
            FROM task_map m
            JOIN comment c ON c.task_id = m.old_id
        ), ins_task_tag AS (
            INSERT INTO task_tag (task_id, tag_id)
            SELECT m.new_id, tt.tag_id
            FROM task_map m
            JOIN task_tag tt ON tt.task_id = m.old_id
        )
        INSERT INTO attachment (task_id, filename, size_bytes)
        SELECT m.new_id, a.filename, a.size_bytes
        FROM task_map m
        JOIN attachment a ON a.task_id = m.old_id
    $sql$ USING p_id, new_project;

    RETURN new_project;
END
$$;

CREATE FUNCTION bench_copy_handwritten_temp(p_id bigint)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    new_project bigint;
BEGIN
    INSERT INTO project (name, created_at, settings)
    SELECT p.name, p.created_at, p.settings
    FROM project p
    WHERE p.id = p_id
    RETURNING id INTO new_project;
    IF new_project IS NULL THEN
        RAISE EXCEPTION 'project % not found', p_id USING ERRCODE = 'no_data_found';
    END IF;

    CREATE TEMP TABLE bench_task_map (old_id bigint PRIMARY KEY, new_id bigint NOT NULL)
        ON COMMIT DROP;
    EXECUTE $sql$
        INSERT INTO bench_task_map (old_id, new_id)
        SELECT t.id, nextval('task_id_seq'::regclass)
        FROM task t
        WHERE t.project_id = $1
    $sql$ USING p_id;
    ANALYZE bench_task_map;

    INSERT INTO task (id, project_id, title, status, priority, due, payload)
    SELECT m.new_id, new_project, t.title, t.status, t.priority, t.due, t.payload
    FROM bench_task_map m
    JOIN task t ON t.id = m.old_id;

    INSERT INTO comment (task_id, author, body, created_at)
    SELECT m.new_id, c.author, c.body, c.created_at
    FROM bench_task_map m
    JOIN comment c ON c.task_id = m.old_id;

    INSERT INTO task_tag (task_id, tag_id)
    SELECT m.new_id, tt.tag_id
    FROM bench_task_map m
    JOIN task_tag tt ON tt.task_id = m.old_id;

    INSERT INTO attachment (task_id, filename, size_bytes)
    SELECT m.new_id, a.filename, a.size_bytes
    FROM bench_task_map m
    JOIN attachment a ON a.task_id = m.old_id;

    DROP TABLE bench_task_map;
    RETURN new_project;
END
$$;
