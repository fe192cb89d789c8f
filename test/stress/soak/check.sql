-- after the soak: one line per check, and the figures
\pset format unaligned
\pset tuples_only on
SELECT 'orphan tasks ' || count(*) FROM task t WHERE NOT EXISTS (SELECT FROM project p WHERE p.id = t.project_id);
SELECT 'orphan comments ' || count(*) FROM comment c WHERE NOT EXISTS (SELECT FROM task t WHERE t.id = c.task_id);
SELECT 'copies logged ' || count(*) FROM clone_log;
SELECT 'copies missing ' || count(*) FROM clone_log l WHERE NOT EXISTS (SELECT FROM project p WHERE p.id = l.copy AND p.is_copy);
SELECT 'copies incomplete ' || count(*) FROM clone_log l, LATERAL source_counts(l.copy) c
 WHERE (c.tasks, c.comments) IS DISTINCT FROM (l.tasks, l.comments);
SELECT 'copies unlogged ' || count(*) FROM project p WHERE p.is_copy AND NOT EXISTS (SELECT FROM clone_log l WHERE l.copy = p.id);
SELECT 'copied rows ' || coalesce(sum(1 + tasks + comments), 0) FROM clone_log;
SELECT 'copies by kind ' || string_agg(kind || ' ' || n, ', ' ORDER BY kind) FROM (SELECT kind, count(*) n FROM clone_log GROUP BY kind) k;
