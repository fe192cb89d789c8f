\set id random(1, 1000)
SELECT new_key FROM clone_rows('widget', ARRAY[:id::bigint]);
