\set id random(1, 1000)
INSERT INTO widget (name, description, price, qty, tags, attrs, scores, active, created_at)
SELECT name, description, price, qty, tags, attrs, scores, active, created_at
FROM widget WHERE id = :id RETURNING id;
