-- clone_row with cascade under REPEATABLE READ, source counts in the same snapshot
\set p random(1, :projects)
BEGIN ISOLATION LEVEL REPEATABLE READ;
INSERT INTO clone_log
SELECT 'row_rr', p.id,
       clone_row('project', p.id, cascade => true, overrides => '{"is_copy": true}'),
       (source_counts(p.id)).*
  FROM project p WHERE p.id = :p;
COMMIT;
