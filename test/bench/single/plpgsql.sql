\set id random(1, 1000)
SELECT generic_clone('widget', :id);
