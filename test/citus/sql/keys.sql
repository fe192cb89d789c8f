-- identity and uuid keys in the tenant tables
SELECT reseed();

-- milestone: (account_id, id bigint GENERATED ALWAYS AS IDENTITY)
SELECT clone_row('milestone', '{"account_id": 1, "id": 2}'::jsonb);
SELECT clone_row('milestone', '{"account_id": 2, "id": 3}'::jsonb, overrides => '{"name": "Go live again"}');
SELECT * FROM clone_rows('milestone',
    ARRAY['{"account_id": 1, "id": 1}', '{"account_id": 2, "id": 3}']::jsonb[], copies => 2);
SELECT * FROM milestone ORDER BY id;

-- attachment: (account_id, id uuid DEFAULT gen_random_uuid())
SELECT jsonb_typeof(k->'id') AS id_type, k->'account_id' AS account_id,
       k->>'id' <> '00000000-0000-4000-8000-000000000001' AS new_id
  FROM clone_row('attachment',
                 '{"account_id": 1, "id": "00000000-0000-4000-8000-000000000001"}'::jsonb) k;
SELECT account_id, task_id, filename, id::text LIKE '00000000-%' AS seed_id
  FROM attachment ORDER BY account_id, seed_id DESC, filename;
-- every copy got its own uuid
SELECT count(*) AS copies, count(DISTINCT new_key->>'id') AS distinct_ids
  FROM clone_rows('attachment',
      ARRAY['{"account_id": 1, "id": "00000000-0000-4000-8000-000000000002"}',
            '{"account_id": 2, "id": "00000000-0000-4000-8000-000000000003"}']::jsonb[],
      copies => 3);
SELECT account_id, filename, count(*) FROM attachment GROUP BY 1, 2 ORDER BY 1, 2;
