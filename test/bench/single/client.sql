\set id random(1, 1000)
SELECT name, description, price, qty, tags, attrs, scores, active, created_at
FROM widget WHERE id = :id \gset
INSERT INTO widget (name, description, price, qty, tags, attrs, scores, active, created_at)
VALUES (:name, :description, :price, :qty, :tags, :attrs, :scores, :active, :created_at)
RETURNING id;
