-- clone_rows with cascade of two sources, two copies each, REPEATABLE READ
\set p random(1, :projects)
\set q random(1, :projects)
BEGIN ISOLATION LEVEL REPEATABLE READ;
INSERT INTO clone_log
SELECT 'rows_rr', r.old_key, r.new_key, (source_counts(r.old_key)).*
  FROM clone_rows('project', ARRAY[:p, :q]::bigint[], cascade => true, copies => 2,
                  overrides => '{"is_copy": true}') r;
COMMIT;
