-- clone_row with cascade under READ COMMITTED: one statement, one snapshot
\set p random(1, :projects)
INSERT INTO clone_log
SELECT 'row_rc', p.id,
       clone_row('project', p.id, cascade => true, overrides => '{"is_copy": true}'),
       (source_counts(p.id)).*
  FROM project p WHERE p.id = :p;
