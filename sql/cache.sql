--
-- cache: rowclone keeps prepared clone plans per backend.  Everything in
-- this file runs in ONE session, so every case below reuses (or must
-- throw away) plans cached by the cases before it.
--
CREATE SCHEMA rowclone_cache;
SET search_path = rowclone_cache, public;

CREATE TABLE item (id bigserial PRIMARY KEY, a text NOT NULL);
INSERT INTO item VALUES (1, 'one'), (2, 'two');
SELECT setval('item_id_seq', 100);

-- Baseline: the first clone builds and caches the plan, the second reuses it.
SELECT clone_row('item', 1::bigint);
SELECT clone_row('item', 2::bigint);
SELECT * FROM item ORDER BY id;
-- the same through clone_rows and clone_graph (regress.three_ways, sql/setup.sql),
-- here and after each change below: each function caches plans of its own
SELECT * FROM regress.three_ways('item', 1::bigint);

-- ADD COLUMN without a default after a plan is cached: the new column is
-- copied from the source row.
ALTER TABLE item ADD COLUMN b integer;
UPDATE item SET b = 10 WHERE id = 1;
SELECT clone_row('item', 1::bigint);
SELECT * FROM item WHERE id IN (1, 103) ORDER BY id;
SELECT * FROM regress.three_ways('item', 1::bigint);

-- ADD COLUMN with a default: the copy gets the source's value, not the
-- default.
ALTER TABLE item ADD COLUMN c text DEFAULT 'c default';
UPDATE item SET c = 'c of one' WHERE id = 1;
SELECT clone_row('item', 1::bigint);
SELECT clone_row('item', 2::bigint);
SELECT * FROM item WHERE id IN (1, 2, 104, 105) ORDER BY id;
SELECT * FROM regress.three_ways('item', 1::bigint);

-- DROP COLUMN: the clone still works and the dropped column is gone.
ALTER TABLE item DROP COLUMN a;
SELECT clone_row('item', 1::bigint);
SELECT * FROM item WHERE id IN (1, 106) ORDER BY id;
SELECT * FROM regress.three_ways('item', 1::bigint);

-- SET DEFAULT on a non-key column: the copy still gets the source's value.
ALTER TABLE item ALTER COLUMN c SET DEFAULT 'new c default';
SELECT clone_row('item', 1::bigint);
SELECT * FROM item WHERE id IN (1, 107) ORDER BY id;
-- ... but reset takes the new default.
SELECT clone_row('item', 1::bigint, reset => '{c}');
SELECT * FROM item WHERE id = 108;
SELECT * FROM regress.three_ways('item', 1::bigint);
SELECT * FROM regress.three_ways('item', 1::bigint, reset => '{c}');

-- SET DEFAULT on the key column: new keys come from the other sequence.
CREATE SEQUENCE item_other_seq START 500;
ALTER TABLE item ALTER COLUMN id SET DEFAULT nextval('item_other_seq');
SELECT clone_row('item', 1::bigint);
SELECT clone_row('item', 1::bigint, reset => '{c}');
SELECT * FROM item WHERE id >= 500 ORDER BY id;
SELECT * FROM regress.three_ways('item', 1::bigint);

-- DROP DEFAULT on the key column: the cached plan must not be used; the key
-- can no longer be made fresh (55000), and nothing is written.
ALTER TABLE item ALTER COLUMN id DROP DEFAULT;
SELECT count(*) FROM item;
SELECT clone_row('item', 1::bigint);
SELECT count(*) FROM item;
SELECT * FROM regress.three_ways('item', 1::bigint);
ALTER TABLE item ALTER COLUMN id SET DEFAULT nextval('item_id_seq');

-- RENAME COLUMN: the renamed column is still copied, overrides use the new
-- name, and the old name is unknown (42703).
ALTER TABLE item RENAME COLUMN b TO b_renamed;
SELECT clone_row('item', 1::bigint);
SELECT clone_row('item', 1::bigint, '{"b_renamed": 11}');
SELECT clone_row('item', 1::bigint, '{"b": 12}');
SELECT * FROM item WHERE id IN (1, 109, 110) ORDER BY id;
SELECT * FROM regress.three_ways('item', 1::bigint, '{"b_renamed": 11}');
SELECT * FROM regress.three_ways('item', 1::bigint, '{"b": 12}');

-- ALTER COLUMN TYPE of an overridden column: the plan cached for these
-- override keys converted to integer; after the change it must convert to
-- text.
ALTER TABLE item ALTER COLUMN b_renamed TYPE text USING 'b=' || b_renamed;
SELECT clone_row('item', 1::bigint, '{"b_renamed": "not a number"}');
SELECT clone_row('item', 1::bigint);
SELECT * FROM item WHERE id IN (1, 111, 112) ORDER BY id;
SELECT * FROM regress.three_ways('item', 1::bigint, '{"b_renamed": "not a number"}');

-- ALTER COLUMN TYPE of the key column: a bigint key argument is cast to the
-- new key type, and the result still comes back as bigint.
ALTER TABLE item ALTER COLUMN id TYPE integer;
SELECT k, pg_typeof(k) FROM clone_row('item', 2::bigint) AS k;
SELECT * FROM item WHERE id IN (2, 113) ORDER BY id;
SELECT * FROM regress.three_ways('item', 2::bigint);

-- Generated column: overriding it is an error (428C9) ...
ALTER TABLE item ADD COLUMN g integer GENERATED ALWAYS AS (length(c)) STORED;
SELECT clone_row('item', 2::bigint, '{"c": "longer value"}');
SELECT clone_row('item', 2::bigint, '{"g": 1}');
SELECT * FROM regress.three_ways('item', 2::bigint, '{"c": "longer value"}');
SELECT * FROM regress.three_ways('item', 2::bigint, '{"g": 1}');
-- ... until DROP EXPRESSION makes it a plain column, which is then copied
-- as it is or overridden.
ALTER TABLE item ALTER COLUMN g DROP EXPRESSION;
UPDATE item SET g = 99 WHERE id = 2;
SELECT clone_row('item', 2::bigint);
SELECT clone_row('item', 2::bigint, '{"g": 1}');
SELECT * FROM item WHERE id IN (2, 114, 115, 116) ORDER BY id;
SELECT * FROM regress.three_ways('item', 2::bigint, '{"g": 1}');

-- Distinct option sets are distinct plans: overrides of one column, none,
-- another column, both, reset, and the first set again with other values.
-- Each copy must get exactly its own options and nothing else.
TRUNCATE item;
ALTER TABLE item DROP COLUMN g, DROP COLUMN b_renamed;
ALTER TABLE item ADD COLUMN d integer DEFAULT -1;
INSERT INTO item (id, c, d) VALUES (1, 'src', 1);
SELECT setval('item_id_seq', 200, false);
SELECT clone_row('item', 1::bigint, '{"c": "o1"}');
SELECT clone_row('item', 1::bigint);
SELECT clone_row('item', 1::bigint, '{"d": 2}');
SELECT clone_row('item', 1::bigint, '{"d": 3, "c": "o2"}');
SELECT clone_row('item', 1::bigint, '{"c": "o3", "d": 4}');
SELECT clone_row('item', 1::bigint, reset => '{d}');
SELECT clone_row('item', 1::bigint, '{"c": "o4"}', '{d}');
SELECT clone_row('item', 1::bigint, '{"c": "o5"}');
SELECT clone_row('item', 1::bigint);
SELECT * FROM item ORDER BY id;
SELECT * FROM regress.three_ways('item', 1::bigint, '{"d": 3, "c": "o2"}');
SELECT * FROM regress.three_ways('item', 1::bigint, reset => '{d}');
SELECT * FROM regress.three_ways('item', 1::bigint, '{"c": "o4"}', '{d}');

-- The key's type is part of the plan: the same row cloned with an integer,
-- a bigint, a numeric and a text key returns the new key in each type.
SELECT setval('item_id_seq', 300, false);
SELECT k, pg_typeof(k) FROM clone_row('item', 1) AS k;
SELECT k, pg_typeof(k) FROM clone_row('item', 1::bigint) AS k;
SELECT k, pg_typeof(k) FROM clone_row('item', 1::numeric) AS k;
SELECT k, pg_typeof(k) FROM clone_row('item', '1'::text) AS k;
SELECT k, pg_typeof(k) FROM clone_row('item', 1) AS k;
SELECT * FROM item WHERE id >= 300 ORDER BY id;
SELECT * FROM regress.three_ways('item', 1);
SELECT * FROM regress.three_ways('item', 1::numeric);
SELECT * FROM regress.three_ways('item', '1'::text);

-- A prepared statement, executed before and after ALTER TABLE.
TRUNCATE item;
INSERT INTO item (id, c, d) VALUES (1, 'one', 1), (2, 'two', 2);
SELECT setval('item_id_seq', 400, false);
PREPARE clone_item(bigint) AS SELECT clone_row('item', $1);
EXECUTE clone_item(1);
EXECUTE clone_item(2);
EXECUTE clone_item(1);
ALTER TABLE item ADD COLUMN e text;
UPDATE item SET e = 'e of ' || c WHERE id IN (1, 2);
EXECUTE clone_item(2);
ALTER TABLE item DROP COLUMN d;
EXECUTE clone_item(1);
SELECT * FROM item ORDER BY id;
DEALLOCATE clone_item;

-- A PL/pgSQL function calling clone_row in a loop; called before and after
-- ALTER TABLE.
CREATE FUNCTION clone_n(src bigint, n integer) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
	keys bigint[] := '{}';
	src_c text;
	new_key bigint;
BEGIN
	SELECT c INTO STRICT src_c FROM item WHERE id = src;
	FOR i IN 1..n LOOP
		new_key := clone_row('item', src, jsonb_build_object('c', src_c || ' #' || i));
		keys := keys || new_key;
	END LOOP;
	RETURN keys;
END
$$;
SELECT setval('item_id_seq', 410, false);
SELECT clone_n(1, 3);
ALTER TABLE item ADD COLUMN f integer DEFAULT 0;
UPDATE item SET f = 7 WHERE id = 2;
SELECT clone_n(2, 2);
SELECT * FROM item WHERE id IN (1, 2) OR id >= 410 ORDER BY id;

-- DROP TABLE and CREATE TABLE with the same name: the new table's columns
-- and key are used, nothing of the old table's plan.
DROP TABLE item CASCADE;
CREATE TABLE item (
	x text,
	id integer GENERATED ALWAYS AS IDENTITY (START 900) PRIMARY KEY,
	y date
);
INSERT INTO item (x, y) OVERRIDING SYSTEM VALUE
	SELECT 'new table', '2024-02-29';
SELECT clone_row('item', 900::bigint);
SELECT clone_row('item', 900::bigint, '{"y": "2000-01-01"}');
SELECT * FROM item ORDER BY id;
SELECT * FROM regress.three_ways('item', 900::bigint, '{"y": "2000-01-01"}');

-- Moving the primary key to another column: the key argument now names
-- rows by the new key column, and the old key column, an identity column,
-- still takes a fresh identity value.
ALTER TABLE item ADD COLUMN k serial;
ALTER TABLE item DROP CONSTRAINT item_pkey, ADD PRIMARY KEY (k);
SELECT clone_row('item', 2);
SELECT * FROM item ORDER BY k;
SELECT * FROM regress.three_ways('item', 2);

-- is-a: a plan cached for a child is rebuilt when its parent table changes.
CREATE TABLE place (id serial PRIMARY KEY, name text);
CREATE TABLE restaurant (
	place_ptr_id integer PRIMARY KEY REFERENCES place,
	seats integer
);
INSERT INTO place VALUES (1, 'diner');
INSERT INTO restaurant VALUES (1, 40);
SELECT setval('place_id_seq', 10, false);
SELECT clone_row('restaurant', 1);
SELECT * FROM regress.three_ways('restaurant', 1, shown => '{place, restaurant}');
ALTER TABLE place ADD COLUMN city text;
UPDATE place SET city = 'Lyon' WHERE id = 1;
SELECT clone_row('restaurant', 1);
SELECT * FROM place ORDER BY id;
SELECT * FROM restaurant ORDER BY place_ptr_id;
SELECT * FROM regress.three_ways('restaurant', 1, shown => '{place, restaurant}');

-- A table that is not is-a yet cannot be cloned (its key has no default);
-- once the is-a foreign key is added, it can.
CREATE TABLE bar (place_ptr_id integer PRIMARY KEY, beers integer);
INSERT INTO bar VALUES (1, 12);
SELECT clone_row('bar', 1);
SELECT * FROM regress.three_ways('bar', 1, shown => '{place, bar}');
ALTER TABLE bar ADD FOREIGN KEY (place_ptr_id) REFERENCES place;
SELECT clone_row('bar', 1);
SELECT * FROM regress.three_ways('bar', 1, shown => '{place, bar}');
-- ... and after the link is dropped again, it can no longer be cloned.
ALTER TABLE bar DROP CONSTRAINT bar_place_ptr_id_fkey;
SELECT clone_row('bar', 1);
SELECT * FROM regress.three_ways('bar', 1, shown => '{place, bar}');
SELECT * FROM place ORDER BY id;
SELECT * FROM bar ORDER BY place_ptr_id;

-- Clean up.
DROP SCHEMA rowclone_cache CASCADE;
RESET search_path;
