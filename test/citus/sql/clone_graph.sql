-- clone_graph: the rows a cascade made, root first, with their depths
SELECT reseed();

CREATE TEMP TABLE g AS
    SELECT * FROM clone_graph('project', '{"account_id": 1, "id": 1}'::jsonb);
-- a new attachment's uuid is shown as <new>; that it exists is checked below
SELECT relation, depth, old_key,
       CASE WHEN relation = 'attachment'::regclass
            THEN jsonb_set(new_key, '{id}', '"<new>"') ELSE new_key END AS new_key
  FROM g ORDER BY depth, relation::text, old_key->>'id';
SELECT relation, depth, count(*) FROM g GROUP BY relation, depth ORDER BY depth, relation::text;
-- every new key is a row that exists, in the source's tenant (the temporary
-- table is local: Citus joins it to the distributed tables only through a
-- subquery)
SELECT relation, count(*) AS rows,
       count(*) FILTER (WHERE new_key->'account_id' = old_key->'account_id') AS same_tenant
  FROM g GROUP BY relation ORDER BY relation::text;
SELECT 'project' AS relation, count(*) AS found FROM project
 WHERE (account_id, id) IN (SELECT (new_key->>'account_id')::bigint, (new_key->>'id')::bigint
                              FROM g WHERE relation = 'project'::regclass)
UNION ALL
SELECT 'task', count(*) FROM task
 WHERE (account_id, id) IN (SELECT (new_key->>'account_id')::bigint, (new_key->>'id')::bigint
                              FROM g WHERE relation = 'task'::regclass)
UNION ALL
SELECT 'comment', count(*) FROM comment
 WHERE (account_id, id) IN (SELECT (new_key->>'account_id')::bigint, (new_key->>'id')::bigint
                              FROM g WHERE relation = 'comment'::regclass)
UNION ALL
SELECT 'milestone', count(*) FROM milestone
 WHERE (account_id, id) IN (SELECT (new_key->>'account_id')::bigint, (new_key->>'id')::bigint
                              FROM g WHERE relation = 'milestone'::regclass)
UNION ALL
SELECT 'attachment', count(*) FROM attachment
 WHERE (account_id, id) IN (SELECT (new_key->>'account_id')::bigint, (new_key->>'id')::uuid
                              FROM g WHERE relation = 'attachment'::regclass);
SELECT * FROM counts ORDER BY tbl, account_id;

-- tenant 2's project 1, with max_depth and skip
SELECT * FROM clone_graph('project', '{"account_id": 2, "id": 1}'::jsonb,
                          max_depth => 1, skip => '{milestone}');
-- without cascade: the row alone
SELECT * FROM clone_graph('project', '{"account_id": 3, "id": 4}'::jsonb, cascade => false);
