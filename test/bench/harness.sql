-- test/bench/harness.sql: functions and tables the benchmark driver
-- (test/bench/run.sh) uses: one entry point per method, a correctness check,
-- a timed run, and the result tables the report is computed from.

-- the methods, in the order they are listed in the report
CREATE TABLE bench_method (
    method text PRIMARY KEY,
    ord    integer NOT NULL,
    what   text NOT NULL,
    status text,            -- ok | n/a | error | wrong (set by the correctness check)
    detail text
);
INSERT INTO bench_method (method, ord, what) VALUES
    ('clone_row',        1, 'SELECT clone_row(''project'', id, cascade => true)'),
    ('handwritten',      2, 'hand-written set-based SQL, key map in a CTE'),
    ('handwritten_temp', 3, 'hand-written set-based SQL, key map in a temp table'),
    ('rowbyrow',         4, 'row-by-row PL/pgSQL deep copy');

-- one row per timed run (kept: the runs themselves are rolled back)
CREATE TABLE bench_result (
    size   text NOT NULL,
    method text NOT NULL,
    run    integer NOT NULL,
    ms     double precision,   -- NULL when the run failed
    copied bigint,             -- rows of the copy, counted after the clock stopped
    error  text,
    PRIMARY KEY (size, method, run)
);

-- bench_call(method, project id): make one deep copy, return the copy's id
CREATE FUNCTION bench_call(p_method text, p_id bigint)
RETURNS bigint
LANGUAGE plpgsql
AS $$
BEGIN
    CASE p_method
    WHEN 'clone_row' THEN
        RETURN clone_row('project', p_id, cascade => true);
    WHEN 'handwritten' THEN
        RETURN bench_copy_handwritten(p_id);
    WHEN 'handwritten_temp' THEN
        RETURN bench_copy_handwritten_temp(p_id);
    WHEN 'rowbyrow' THEN
        RETURN bench_copy_rowbyrow(p_id);
    ELSE
        RAISE EXCEPTION 'unknown benchmark method "%"', p_method;
    END CASE;
END
$$;

-- bench_count(project id): rows of the project's tree, per table
CREATE FUNCTION bench_count(p_id bigint,
    OUT projects bigint, OUT tasks bigint, OUT comments bigint,
    OUT task_tags bigint, OUT attachments bigint, OUT total bigint)
LANGUAGE sql STABLE
AS $$
    SELECT p.n, t.n, c.n, tt.n, a.n, p.n + t.n + c.n + tt.n + a.n
    FROM (SELECT count(*) AS n FROM project WHERE id = p_id) p,
         (SELECT count(*) AS n FROM task WHERE project_id = p_id) t,
         (SELECT count(*) AS n FROM task x JOIN comment y ON y.task_id = x.id
          WHERE x.project_id = p_id) c,
         (SELECT count(*) AS n FROM task x JOIN task_tag y ON y.task_id = x.id
          WHERE x.project_id = p_id) tt,
         (SELECT count(*) AS n FROM task x JOIN attachment y ON y.task_id = x.id
          WHERE x.project_id = p_id) a
$$;

-- bench_fingerprint(project id): per table, the number of rows of the
-- project's tree and a digest of their contents without the keys; and a
-- digest of the whole tree (each task with its own comments, tag ids and
-- attachments), so a copy that attaches a child to the wrong task, drops a
-- row, changes a value or points task_tag at a copied tag does not match
CREATE FUNCTION bench_fingerprint(p_id bigint)
RETURNS TABLE (tbl text, nrows bigint, digest text, checksum numeric)
LANGUAGE sql STABLE
AS $$
    WITH p AS (
        SELECT ROW(p.name, p.created_at, p.settings)::text AS r
        FROM project p WHERE p.id = p_id
    ), t AS (
        SELECT t.id, t.priority, ROW(t.title, t.status, t.priority, t.due, t.payload)::text AS r
        FROM task t WHERE t.project_id = p_id
    ), c AS (
        SELECT c.task_id, length(c.body) AS len, ROW(c.author, c.body, c.created_at)::text AS r
        FROM t JOIN comment c ON c.task_id = t.id
    ), tt AS (
        SELECT tt.task_id, tt.tag_id
        FROM t JOIN task_tag tt ON tt.task_id = t.id
    ), a AS (
        SELECT a.task_id, a.size_bytes, ROW(a.filename, a.size_bytes)::text AS r
        FROM t JOIN attachment a ON a.task_id = t.id
    ), tree AS (
        SELECT md5(concat_ws('|', t.r, cs.s, ts.s, ats.s)) AS f
        FROM t
        LEFT JOIN (SELECT task_id, string_agg(r, ',' ORDER BY r) AS s
                   FROM c GROUP BY task_id) cs ON cs.task_id = t.id
        LEFT JOIN (SELECT task_id, string_agg(tag_id::text, ',' ORDER BY tag_id) AS s
                   FROM tt GROUP BY task_id) ts ON ts.task_id = t.id
        LEFT JOIN (SELECT task_id, string_agg(r, ',' ORDER BY r) AS s
                   FROM a GROUP BY task_id) ats ON ats.task_id = t.id
    )
    SELECT 'project', count(*), md5(string_agg(r, ',' ORDER BY r)), 0 FROM p
    UNION ALL
    SELECT 'task', count(*), md5(string_agg(r, ',' ORDER BY r)), sum(priority) FROM t
    UNION ALL
    SELECT 'comment', count(*), md5(string_agg(r, ',' ORDER BY r)), sum(len) FROM c
    UNION ALL
    SELECT 'task_tag', count(*), md5(string_agg(tag_id::text, ',' ORDER BY tag_id)),
           (SELECT sum(n) FROM (SELECT count(DISTINCT tag_id) AS n FROM tt GROUP BY task_id) d)
    FROM tt
    UNION ALL
    SELECT 'attachment', count(*), md5(string_agg(r, ',' ORDER BY r)), sum(size_bytes) FROM a
    UNION ALL
    SELECT 'tree', count(*), md5(string_agg(f, ',' ORDER BY f)), 0 FROM tree
$$;

-- bench_table_rows(): rows per table, whole tables
CREATE FUNCTION bench_table_rows()
RETURNS TABLE (tbl text, nrows bigint)
LANGUAGE sql STABLE
AS $$
    SELECT 'project', count(*) FROM project
    UNION ALL SELECT 'task', count(*) FROM task
    UNION ALL SELECT 'comment', count(*) FROM comment
    UNION ALL SELECT 'tag', count(*) FROM tag
    UNION ALL SELECT 'task_tag', count(*) FROM task_tag
    UNION ALL SELECT 'attachment', count(*) FROM attachment
$$;

-- bench_verify(method, project id): copy the project with the method and
-- return what is wrong with the copy, no row when it is right. The caller
-- rolls the transaction back. Checks: a new project; every table's rows of
-- the copy match the source's (count, digest, checksum) and so does the
-- tree; the source is unchanged; each table grew by exactly the copy's rows
-- (nothing else copied, tags shared not copied); the copy's keys are new
-- (no task, comment or attachment key of the source reused).
CREATE FUNCTION bench_verify(p_method text, p_id bigint)
RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
    copy_id bigint;
    r record;
BEGIN
    CREATE TEMP TABLE bench_v_src ON COMMIT DROP AS SELECT * FROM bench_fingerprint(p_id);
    CREATE TEMP TABLE bench_v_rows ON COMMIT DROP AS SELECT * FROM bench_table_rows();

    copy_id := bench_call(p_method, p_id);

    IF copy_id IS NULL OR copy_id = p_id THEN
        RETURN NEXT format('returned %s for source project %s', coalesce(copy_id::text, 'NULL'), p_id);
        RETURN;
    END IF;

    FOR r IN
        SELECT s.tbl, s.nrows AS src_rows, c.nrows AS copy_rows,
               s.digest IS NOT DISTINCT FROM c.digest AS same_digest,
               s.checksum IS NOT DISTINCT FROM c.checksum AS same_checksum
        FROM bench_v_src s
        JOIN bench_fingerprint(copy_id) c USING (tbl)
        WHERE s.nrows <> c.nrows
           OR s.digest IS DISTINCT FROM c.digest
           OR s.checksum IS DISTINCT FROM c.checksum
    LOOP
        RETURN NEXT format('copy differs from source in %s: %s rows vs %s%s%s', r.tbl,
                           r.copy_rows, r.src_rows,
                           CASE WHEN NOT r.same_digest THEN ', contents differ' ELSE '' END,
                           CASE WHEN NOT r.same_checksum THEN ', checksum differs' ELSE '' END);
    END LOOP;

    FOR r IN
        SELECT s.tbl FROM bench_v_src s JOIN bench_fingerprint(p_id) n USING (tbl)
        WHERE (s.nrows, s.digest, s.checksum) IS DISTINCT FROM (n.nrows, n.digest, n.checksum)
    LOOP
        RETURN NEXT format('source changed in %s', r.tbl);
    END LOOP;

    FOR r IN
        SELECT b.tbl, a.nrows - b.nrows AS grew,
               coalesce((SELECT f.nrows FROM bench_v_src f WHERE f.tbl = b.tbl), 0) AS expected
        FROM bench_v_rows b JOIN bench_table_rows() a USING (tbl)
        WHERE a.nrows - b.nrows
              <> coalesce((SELECT f.nrows FROM bench_v_src f WHERE f.tbl = b.tbl), 0)
    LOOP
        RETURN NEXT format('table %s grew by %s rows, expected %s', r.tbl, r.grew, r.expected);
    END LOOP;

    IF EXISTS (SELECT 1 FROM task n JOIN task o ON o.id = n.id
               WHERE n.project_id = copy_id AND o.project_id = p_id) THEN
        RETURN NEXT 'a task of the copy has the key of a source task';
    END IF;
    IF EXISTS (SELECT 1 FROM task n JOIN comment c ON c.task_id = n.id
               WHERE n.project_id = copy_id
                 AND c.id IN (SELECT c2.id FROM task o JOIN comment c2 ON c2.task_id = o.id
                              WHERE o.project_id = p_id)) THEN
        RETURN NEXT 'a comment of the copy has the key of a source comment';
    END IF;
    IF EXISTS (SELECT 1 FROM task n JOIN attachment a ON a.task_id = n.id
               WHERE n.project_id = copy_id
                 AND a.id IN (SELECT a2.id FROM task o JOIN attachment a2 ON a2.task_id = o.id
                              WHERE o.project_id = p_id)) THEN
        RETURN NEXT 'an attachment of the copy has the key of a source attachment';
    END IF;

    DROP TABLE bench_v_src, bench_v_rows;
END
$$;

-- bench_run(method, project id): one timed deep copy. The clock is read
-- around the copy only; the copy's rows are counted afterwards (a run whose
-- copy is incomplete is reported, not timed). The caller rolls back.
CREATE FUNCTION bench_run(p_method text, p_id bigint,
    OUT ms double precision, OUT copied bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    t0 timestamptz;
    t1 timestamptz;
    copy_id bigint;
BEGIN
    t0 := clock_timestamp();
    copy_id := bench_call(p_method, p_id);
    t1 := clock_timestamp();
    ms := extract(epoch FROM t1 - t0) * 1000;
    copied := (SELECT total FROM bench_count(copy_id));
END
$$;
