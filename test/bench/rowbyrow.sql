-- test/bench/rowbyrow.sql: the row-by-row deep copy of a project, as it is
-- typically hand-rolled in PL/pgSQL: one INSERT … RETURNING per task to learn
-- its new key, and nested loops over its comments, task_tag rows and
-- attachments, one INSERT each. (It still saves the client round trips an ORM
-- would make for every row.)

CREATE FUNCTION bench_copy_rowbyrow(p_id bigint)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    new_project bigint;
    new_task    bigint;
    t record;
    c record;
    tt record;
    a record;
BEGIN
    INSERT INTO project (name, created_at, settings)
    SELECT p.name, p.created_at, p.settings
    FROM project p
    WHERE p.id = p_id
    RETURNING id INTO new_project;
    IF new_project IS NULL THEN
        RAISE EXCEPTION 'project % not found', p_id USING ERRCODE = 'no_data_found';
    END IF;

    FOR t IN SELECT * FROM task WHERE project_id = p_id LOOP
        INSERT INTO task (project_id, title, status, priority, due, payload)
        VALUES (new_project, t.title, t.status, t.priority, t.due, t.payload)
        RETURNING id INTO new_task;

        FOR c IN SELECT * FROM comment WHERE task_id = t.id LOOP
            INSERT INTO comment (task_id, author, body, created_at)
            VALUES (new_task, c.author, c.body, c.created_at);
        END LOOP;

        FOR tt IN SELECT * FROM task_tag WHERE task_id = t.id LOOP
            INSERT INTO task_tag (task_id, tag_id)
            VALUES (new_task, tt.tag_id);
        END LOOP;

        FOR a IN SELECT * FROM attachment WHERE task_id = t.id LOOP
            INSERT INTO attachment (task_id, filename, size_bytes)
            VALUES (new_task, a.filename, a.size_bytes);
        END LOOP;
    END LOOP;

    RETURN new_project;
END
$$;
