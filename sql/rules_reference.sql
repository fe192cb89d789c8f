-- Copy rules (SPEC "Copy rules"): clone_set_reference declares what a
-- foreign key means for copies where the catalog cannot say, as Django's
-- schemas (no ON DELETE in the database) need. A reference is not followed
-- by cascade and is still remapped when its target is copied; ownership is
-- followed whatever ON DELETE says. Rules are listed by clone_rules and
-- clone_plan, need ownership of the table, go with a dropped table or
-- column, and follow a renamed column.
CREATE SCHEMA rref;
SET search_path = rref, public;

-- a Django app: on_delete=SET_NULL for reviews lives in Python only
CREATE TABLE restaurant (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE customer (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE dish (id bigserial PRIMARY KEY,
                   restaurant_id bigint NOT NULL REFERENCES restaurant,
                   name text);
CREATE TABLE review (id bigserial PRIMARY KEY,
                     restaurant_id bigint REFERENCES restaurant,
                     author_id bigint REFERENCES customer,
                     dish_id bigint REFERENCES dish,
                     stars int);
-- a child that ON DELETE SET NULL says is a reference, but is owned
CREATE TABLE photo (id bigserial PRIMARY KEY,
                    restaurant_id bigint REFERENCES restaurant ON DELETE SET NULL,
                    url text);
INSERT INTO restaurant (name) VALUES ('Chez Luigi');
INSERT INTO customer (name) VALUES ('Ann');
INSERT INTO dish (restaurant_id, name) VALUES (1, 'pasta');
INSERT INTO review (restaurant_id, author_id, dish_id, stars) VALUES (1, 1, NULL, 5), (1, 1, NULL, 4);
INSERT INTO photo (restaurant_id, url) VALUES (1, 'front.jpg');
SELECT setval(s, 100) FROM unnest(ARRAY['restaurant_id_seq', 'customer_id_seq', 'review_id_seq',
                                       'dish_id_seq', 'photo_id_seq']) s;

-- without rules: reviews are copied with the restaurant, photos are not
SELECT relation, reached_by, not_followed FROM clone_plan('restaurant') ORDER BY depth, relation::text;

SELECT clone_set_reference('review', '{restaurant_id}');
SELECT clone_set_reference('photo', '{restaurant_id}', is_reference => false);
SELECT relation, kind, columns, detail FROM clone_rules() ORDER BY relation::text;
SELECT relation, reached_by, not_followed FROM clone_plan('restaurant') ORDER BY depth, relation::text;

-- a cascade copies the dish and the photo, not the reviews
SELECT clone_row('restaurant', 1, cascade => true);
SELECT id, restaurant_id, name FROM dish ORDER BY id;
SELECT id, restaurant_id, url FROM photo ORDER BY id;
SELECT count(*) AS reviews FROM review;
-- declared ownership: a cascade from the customer copies their reviews
-- (a foreign key without ON DELETE, already followed, now on record)
SELECT clone_set_reference('review', '{author_id}', false);
SELECT count(*) FROM clone_rows('restaurant', ARRAY[1]::bigint[], cascade => true);
SELECT clone_row('customer', 1, cascade => true);
SELECT id, restaurant_id, author_id, stars FROM review ORDER BY id;
-- a review of the dish is owned by the dish; copied with the restaurant,
-- its declared reference to the restaurant points at the restaurant's copy
INSERT INTO review (restaurant_id, author_id, dish_id, stars) VALUES (1, 1, 1, 3);
SELECT clone_row('restaurant', 1, cascade => true) AS restaurant_copy \gset
SELECT r.restaurant_id = :restaurant_copy AS remapped, d.restaurant_id = :restaurant_copy AS dish_copied
FROM review r JOIN dish d ON d.id = r.dish_id WHERE d.id <> 1;

-- declaring again replaces the rule
SELECT clone_set_reference('review', '{restaurant_id}', false);
SELECT relation, kind, columns FROM clone_rules() WHERE relation = 'review'::regclass ORDER BY columns;
SELECT clone_set_reference('review', '{restaurant_id}');

-- the same requests three ways
SELECT * FROM regress.three_ways('review', 1);

-- errors: no such foreign key (42704), columns of no foreign key, unknown
-- or repeated columns, NULLs, a view, not the owner (42501)
\set VERBOSITY default
SELECT clone_set_reference('review', '{stars}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', '{restaurant_id, author_id}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', '{nope}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', '{restaurant_id, restaurant_id}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', '{review.restaurant_id}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', ARRAY['restaurant id']);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', '{}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_reference('review', '{restaurant_id}', NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE VIEW review_view AS SELECT * FROM review;
SELECT clone_set_reference('review_view', '{restaurant_id}');
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE ROLE regress_rowclone_rref;
GRANT USAGE ON SCHEMA rref TO regress_rowclone_rref;
GRANT ALL ON ALL TABLES IN SCHEMA rref TO regress_rowclone_rref;
SET ROLE regress_rowclone_rref;
SELECT clone_set_reference('review', '{restaurant_id}', false);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- nor can such a role write the rule table itself
INSERT INTO rowclone_rule VALUES ('review', 'reference', '{2}', '{restaurant_id}', false);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- but every role can read the rules
SELECT count(*) > 0 AS can_read FROM rowclone_rule;
RESET ROLE;
\set VERBOSITY terse

-- a renamed column keeps its rule, under its new name
ALTER TABLE review RENAME COLUMN restaurant_id TO place_id;
SELECT relation, kind, columns FROM clone_rules() WHERE relation = 'review'::regclass ORDER BY columns;
SELECT columns FROM rowclone_rule WHERE rel = 'review'::regclass ORDER BY columns;
-- a dropped column takes its rule with it, so does a dropped table
DROP VIEW review_view;
ALTER TABLE review DROP COLUMN author_id;
SELECT relation, kind, columns FROM clone_rules() ORDER BY relation::text, columns;
DROP TABLE photo;
SELECT relation, kind, columns FROM clone_rules() ORDER BY relation::text, columns;
SELECT count(*) AS rule_rows FROM rowclone_rule;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rref CASCADE;
DROP ROLE regress_rowclone_rref;
RESET client_min_messages;
SELECT count(*) AS rule_rows_left FROM rowclone_rule;
