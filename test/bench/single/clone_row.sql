\set id random(1, 1000)
SELECT clone_row('widget', :id::bigint);
