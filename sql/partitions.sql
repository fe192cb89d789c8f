--
-- partitions: partitioned tables as the cloned table and as is-a parents
-- and children; leaf partitions passed directly.
--
CREATE SCHEMA rowclone_partitions;
SET search_path = rowclone_partitions, public;

--
-- Range partitioned by its serial key: the copy's new key decides its
-- partition.
--
CREATE TABLE measurement (id serial PRIMARY KEY, v text) PARTITION BY RANGE (id);
CREATE TABLE measurement_lo PARTITION OF measurement FOR VALUES FROM (1) TO (100);
CREATE TABLE measurement_hi PARTITION OF measurement FOR VALUES FROM (100) TO (200);
INSERT INTO measurement VALUES (1, 'a'), (2, 'b');
SELECT setval('measurement_id_seq', 150, false);

-- Copies of rows in measurement_lo get keys 150 and 151 and land in
-- measurement_hi; the result comes back in the key argument's type.
SELECT clone_row('measurement', 1);
SELECT k, pg_typeof(k) FROM clone_row('measurement', 2::bigint) AS k;
-- A key given in overrides routes the copy back to measurement_lo.
SELECT clone_row('measurement', 2, '{"id": 5}');
SELECT tableoid::regclass, * FROM measurement ORDER BY id;
-- A missing row: P0002, naming the partitioned table.
SELECT clone_row('measurement', 99);
\echo sqlstate :LAST_ERROR_SQLSTATE

--
-- A composite key (id, region), list partitioned by region, with the 'eu'
-- partition partitioned again by range of id; id is an identity column.
--
CREATE TABLE sale (
	id bigint GENERATED ALWAYS AS IDENTITY (START 100),
	region text NOT NULL,
	amount numeric,
	PRIMARY KEY (id, region)
) PARTITION BY LIST (region);
CREATE TABLE sale_eu PARTITION OF sale FOR VALUES IN ('eu') PARTITION BY RANGE (id);
CREATE TABLE sale_eu_old PARTITION OF sale_eu FOR VALUES FROM (MINVALUE) TO (100);
CREATE TABLE sale_eu_new PARTITION OF sale_eu FOR VALUES FROM (100) TO (MAXVALUE);
CREATE TABLE sale_us PARTITION OF sale FOR VALUES IN ('us');
INSERT INTO sale OVERRIDING SYSTEM VALUE VALUES (1, 'eu', 10), (2, 'us', 20);

-- The key as a jsonb object and as a jsonb array; the result is a jsonb
-- object.  The copy of (1, eu) moves from sale_eu_old to sale_eu_new.
SELECT clone_row('sale', '{"id": 1, "region": "eu"}'::jsonb);
SELECT clone_row('sale', '[2, "us"]'::jsonb);
-- An override of the partition key moves the copy to another partition.
SELECT clone_row('sale', '[2, "us"]'::jsonb, '{"region": "eu", "amount": 21}');
SELECT tableoid::regclass, * FROM sale ORDER BY id;
-- A one-column key for the composite key: 22023.
SELECT clone_row('sale', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE

--
-- A leaf partition passed as rel: the copy is inserted into that leaf.
--
CREATE TABLE ticket (
	id serial,
	region text NOT NULL,
	subject text,
	PRIMARY KEY (id, region)
) PARTITION BY LIST (region);
CREATE TABLE ticket_eu PARTITION OF ticket FOR VALUES IN ('eu');
CREATE TABLE ticket_us PARTITION OF ticket FOR VALUES IN ('us');
INSERT INTO ticket VALUES (1, 'eu', 'printer'), (2, 'us', 'network');
SELECT setval('ticket_id_seq', 70, false);
SELECT clone_row('ticket_eu', '[1, "eu"]'::jsonb);
SELECT clone_row('ticket_us', '{"id": 2, "region": "us"}'::jsonb, '{"subject": "wifi"}');
-- The leaf does not hold rows of its siblings: P0002.
SELECT clone_row('ticket_eu', '[2, "us"]'::jsonb);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- A copy that does not belong in the leaf violates its partition
-- constraint (23514); nothing is written.
\set VERBOSITY terse
SELECT clone_row('ticket_eu', '[1, "eu"]'::jsonb, '{"region": "us"}');
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT tableoid::regclass, * FROM ticket ORDER BY id;

--
-- A partitioned is-a child: dog is an animal, partitioned by its key.
--
CREATE TABLE animal (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE dog (
	animal_ptr_id integer PRIMARY KEY REFERENCES animal,
	breed text
) PARTITION BY RANGE (animal_ptr_id);
CREATE TABLE dog_lo PARTITION OF dog FOR VALUES FROM (1) TO (1000);
CREATE TABLE dog_hi PARTITION OF dog FOR VALUES FROM (1000) TO (2000);
INSERT INTO animal VALUES (1, 'rex');
INSERT INTO dog VALUES (1, 'labrador');
SELECT setval('animal_id_seq', 1000, false);
-- The animal row is copied first; the dog copy takes its key and lands in
-- dog_hi.
SELECT clone_row('dog', 1);
SELECT clone_row('dog', 1, '{"breed": "poodle", "animal.name": "rex II"}');
-- Through the leaf dog_lo, the new key 1002 does not fit dog_lo (23514),
-- and the animal copy made before the error does not remain.
\set VERBOSITY terse
SELECT clone_row('dog_lo', 1);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM animal ORDER BY id;
SELECT tableoid::regclass, * FROM dog ORDER BY animal_ptr_id;

--
-- A partitioned is-a parent: restaurant's key references the partitioned
-- table place.  The copy of restaurant 1 should copy place 1 (into
-- place_hi, as its new key is 1000) and take its key.
--
-- The foreign key to a partitioned table also has one clone per partition
-- of place (restaurant_place_ptr_id_fkey1, ...): those are not further is-a
-- links, so the clone returns 1000 and both tables show the copy.
--
CREATE TABLE place (id serial PRIMARY KEY, name text) PARTITION BY RANGE (id);
CREATE TABLE place_lo PARTITION OF place FOR VALUES FROM (1) TO (1000);
CREATE TABLE place_hi PARTITION OF place FOR VALUES FROM (1000) TO (2000);
CREATE TABLE restaurant (
	place_ptr_id integer PRIMARY KEY REFERENCES place,
	seats integer
);
INSERT INTO place VALUES (1, 'diner');
INSERT INTO restaurant VALUES (1, 40);
SELECT setval('place_id_seq', 1000, false);
SELECT clone_row('restaurant', 1);
SELECT tableoid::regclass, * FROM place ORDER BY id;
SELECT * FROM restaurant ORDER BY place_ptr_id;

-- The same requests through clone_rows and clone_graph (regress.three_ways,
-- sql/setup.sql): the same copies in the same partitions, the same errors.
SELECT * FROM regress.three_ways('measurement', 1);
SELECT * FROM regress.three_ways('measurement', 2::bigint, '{"id": 6}');
SELECT * FROM regress.three_ways('measurement', 99);
SELECT * FROM regress.three_ways('sale', '{"id": 1, "region": "eu"}'::jsonb);
SELECT * FROM regress.three_ways('sale', '[2, "us"]'::jsonb, '{"region": "eu", "amount": 21}');
SELECT * FROM regress.three_ways('sale', 1);
SELECT * FROM regress.three_ways('ticket_eu', '[1, "eu"]'::jsonb);
SELECT * FROM regress.three_ways('ticket_us', '{"id": 2, "region": "us"}'::jsonb, '{"subject": "wifi"}');
SELECT * FROM regress.three_ways('ticket_eu', '[2, "us"]'::jsonb);
SELECT * FROM regress.three_ways('ticket_eu', '[1, "eu"]'::jsonb, '{"region": "us"}');
SELECT * FROM regress.three_ways('dog', 1, shown => '{animal, dog}');
SELECT * FROM regress.three_ways('dog', 1, '{"breed": "poodle", "animal.name": "rex II"}',
                                 shown => '{animal, dog}');
SELECT * FROM regress.three_ways('dog_lo', 1, shown => '{animal, dog}');
SELECT * FROM regress.three_ways('restaurant', 1, shown => '{place, restaurant}');

-- Clean up.
DROP SCHEMA rowclone_partitions CASCADE;
RESET search_path;
