-- Cascade through cycles (SPEC "Cascade"): cycles between tables are copied
-- completely and correctly; a reference into the copied set that cannot be
-- set at insert time is set once its target copy exists.  Is-a parents of
-- every copied row are copied first, and with cascade their own children
-- are in the set too.
CREATE SCHEMA rc_cycles;
SET search_path = rc_cycles, public;

--
-- department.head_id -> employee, employee.department_id -> department.
-- head_id is nullable and not deferrable: the copied department is
-- inserted first and pointed at its copied head afterwards.
--
CREATE TABLE department (id serial PRIMARY KEY, name text NOT NULL, head_id int);
CREATE TABLE employee (id serial PRIMARY KEY,
                       department_id int NOT NULL REFERENCES department ON DELETE CASCADE,
                       name text NOT NULL);
ALTER TABLE department ADD CONSTRAINT department_head_fkey
    FOREIGN KEY (head_id) REFERENCES employee;
INSERT INTO department VALUES (1, 'sales', NULL), (2, 'ops', NULL);
INSERT INTO employee VALUES (1, 1, 'ann'), (2, 1, 'bob'), (3, 2, 'cy');
UPDATE department SET head_id = 2 WHERE id = 1;
UPDATE department SET head_id = 3 WHERE id = 2;
SELECT setval('department_id_seq', 10), setval('employee_id_seq', 20);

-- sales and its two employees; the copy's head is bob's copy
SELECT clone_row('department', 1, cascade => true);
TABLE department ORDER BY id;
TABLE employee ORDER BY id;

-- From the head's side: bob heads sales, so sales references bob and is
-- his child (head_id has no ON DELETE SET NULL); sales' employees come with
-- it.  Bob's copy works in the copied department and heads it.
SELECT clone_row('employee', 2, cascade => true);
SELECT * FROM department WHERE id > 11 ORDER BY id;
SELECT * FROM employee WHERE id > 22 ORDER BY id;

-- With head_id ON DELETE SET NULL, a department is not owned by its head:
-- cloning bob copies bob alone (25), and his copy stays in sales.  Cloning
-- sales then copies its three employees (ann, bob and 25) and still points
-- the copy at bob's copy (remapping applies to every foreign key whose
-- target is in the set).
ALTER TABLE department DROP CONSTRAINT department_head_fkey;
ALTER TABLE department ADD CONSTRAINT department_head_fkey
    FOREIGN KEY (head_id) REFERENCES employee ON DELETE SET NULL;
SELECT clone_row('employee', 2, cascade => true);
SELECT clone_row('department', 1, cascade => true);
SELECT * FROM department WHERE id > 12 ORDER BY id;
SELECT * FROM employee WHERE id > 24 ORDER BY id;

--
-- The reference that closes the cycle is NOT NULL and DEFERRABLE INITIALLY
-- DEFERRED: the copied author is inserted with the source's value (the
-- column is NOT NULL) and pointed at the copied book by the fix-up UPDATE.
--
CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL, first_book_id int NOT NULL);
CREATE TABLE book (id serial PRIMARY KEY,
                   author_id int NOT NULL REFERENCES author ON DELETE CASCADE,
                   title text NOT NULL);
ALTER TABLE author ADD FOREIGN KEY (first_book_id) REFERENCES book
    DEFERRABLE INITIALLY DEFERRED;
BEGIN;
INSERT INTO author VALUES (1, 'ann', 2), (2, 'bob', 3);
INSERT INTO book VALUES (1, 1, 'sequel'), (2, 1, 'debut'), (3, 2, 'other');
COMMIT;
SELECT setval('author_id_seq', 10), setval('book_id_seq', 20);
SELECT clone_row('author', 1, cascade => true);
TABLE author ORDER BY id;
TABLE book ORDER BY id;

--
-- A NOT NULL, NOT DEFERRABLE reference on one side of the cycle
-- (album.opener_id) and a nullable one on the other (track.album_id).
--
CREATE TABLE track (id serial PRIMARY KEY, album_id int, title text NOT NULL);
CREATE TABLE album (id serial PRIMARY KEY, name text NOT NULL,
                    opener_id int NOT NULL REFERENCES track);
ALTER TABLE track ADD FOREIGN KEY (album_id) REFERENCES album ON DELETE CASCADE;
INSERT INTO track VALUES (1, NULL, 'intro'), (2, NULL, 'song'), (3, NULL, 'single');
INSERT INTO album VALUES (1, 'first', 1);
UPDATE track SET album_id = 1 WHERE id IN (1, 2);
SELECT setval('album_id_seq', 10), setval('track_id_seq', 20);
SELECT clone_row('album', 1, cascade => true);
TABLE album ORDER BY id;
TABLE track ORDER BY id;

--
-- Both references of the cycle NOT NULL and NOT DEFERRABLE (the foreign
-- keys were added after the data): the copies are still made, and point
-- at each other.
--
CREATE TABLE hen (id serial PRIMARY KEY, egg_id int NOT NULL, name text NOT NULL);
CREATE TABLE egg (id serial PRIMARY KEY, hen_id int NOT NULL, label text NOT NULL);
INSERT INTO hen VALUES (1, 1, 'henny'), (2, 3, 'penny');
INSERT INTO egg VALUES (1, 1, 'first'), (2, 1, 'second'), (3, 2, 'other');
ALTER TABLE hen ADD FOREIGN KEY (egg_id) REFERENCES egg;
ALTER TABLE egg ADD FOREIGN KEY (hen_id) REFERENCES hen ON DELETE CASCADE;
SELECT setval('hen_id_seq', 10), setval('egg_id_seq', 20);
SELECT clone_row('hen', 1, cascade => true);
TABLE hen ORDER BY id;
TABLE egg ORDER BY id;

--
-- A 3-table cycle: cyc_a -> cyc_c -> cyc_b -> cyc_a (cyc_a.c_id nullable).
-- Row a3 references c2, which is copied: a3 is a child of c2 and is copied
-- too, pointing at c2's copy.  a2, b3 and c3 are not reached.
--
CREATE TABLE cyc_a (id serial PRIMARY KEY, c_id int, name text NOT NULL);
CREATE TABLE cyc_b (id serial PRIMARY KEY, a_id int NOT NULL REFERENCES cyc_a, name text NOT NULL);
CREATE TABLE cyc_c (id serial PRIMARY KEY, b_id int NOT NULL REFERENCES cyc_b, name text NOT NULL);
ALTER TABLE cyc_a ADD FOREIGN KEY (c_id) REFERENCES cyc_c;
INSERT INTO cyc_a VALUES (1, NULL, 'a1'), (2, NULL, 'a2'), (3, NULL, 'a3');
INSERT INTO cyc_b VALUES (1, 1, 'b1'), (2, 1, 'b2'), (3, 2, 'b3');
INSERT INTO cyc_c VALUES (1, 1, 'c1'), (2, 2, 'c2'), (3, 3, 'c3');
UPDATE cyc_a SET c_id = 1 WHERE id = 1;
UPDATE cyc_a SET c_id = 2 WHERE id = 3;
SELECT setval('cyc_a_id_seq', 10), setval('cyc_b_id_seq', 20), setval('cyc_c_id_seq', 30);
SELECT clone_row('cyc_a', 1, cascade => true);
TABLE cyc_a ORDER BY id;
TABLE cyc_b ORDER BY id;
TABLE cyc_c ORDER BY id;

--
-- Django multi-table inheritance with cascade: restaurant is a place
-- (place_ptr_id is its key and references place).  menu_item hangs off the
-- restaurant, review off the place; a restaurant has an owner.
--
CREATE TABLE person (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE place (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE restaurant (
    place_ptr_id int PRIMARY KEY REFERENCES place DEFERRABLE INITIALLY DEFERRED,
    serves_pizza boolean NOT NULL,
    owner_id int NOT NULL REFERENCES person);
CREATE TABLE menu_item (id serial PRIMARY KEY,
                        restaurant_id int NOT NULL REFERENCES restaurant DEFERRABLE INITIALLY DEFERRED,
                        dish text NOT NULL);
CREATE TABLE review (id serial PRIMARY KEY,
                     place_id int NOT NULL REFERENCES place DEFERRABLE INITIALLY DEFERRED,
                     stars int NOT NULL);
INSERT INTO person VALUES (1, 'ann');
INSERT INTO place VALUES (1, 'Luigi'), (2, 'Park');
INSERT INTO restaurant VALUES (1, true, 1);
INSERT INTO menu_item VALUES (1, 1, 'pizza'), (2, 1, 'pasta');
INSERT INTO review VALUES (1, 1, 5), (2, 2, 3), (3, 1, 4);
SELECT setval('person_id_seq', 10), setval('place_id_seq', 10), setval('menu_item_id_seq', 20),
       setval('review_id_seq', 30);

-- A restaurant reached by the cascade (through its owner): its place is
-- copied first (place 11), the restaurant copy takes that key and points
-- at the owner's copy, and the menu items and the place's reviews follow.
SELECT clone_row('person', 1, cascade => true);
-- Cloning the restaurant copies its place first; the restaurant copy takes
-- the new place id as its key and keeps its owner (outside the set); the
-- menu items follow the restaurant copy and the reviews follow the place
-- copy.
SELECT clone_row('restaurant', 1, cascade => true);
-- Cloning the place: the restaurant references it, so it is a child and is
-- copied with the same new key, and its menu items with it.
SELECT clone_row('place', 1, cascade => true);
TABLE person ORDER BY id;
TABLE place ORDER BY id;
TABLE restaurant ORDER BY place_ptr_id;
TABLE menu_item ORDER BY id;
TABLE review ORDER BY id;

-- A one-to-one cycle: the closing key is UNIQUE and nullable.  The copy's
-- reference is written as NULL first (the source's value would collide on
-- the unique key) and set to the copied head once it exists.
CREATE TABLE unit (id serial PRIMARY KEY, name text NOT NULL, head_id int UNIQUE);
CREATE TABLE member (id serial PRIMARY KEY, unit_id int NOT NULL REFERENCES unit ON DELETE CASCADE,
                     name text NOT NULL);
ALTER TABLE unit ADD FOREIGN KEY (head_id) REFERENCES member;
INSERT INTO unit VALUES (1, 'sales', NULL);
INSERT INTO member VALUES (1, 1, 'ann'), (2, 1, 'bob');
UPDATE unit SET head_id = 2;
SELECT setval('unit_id_seq', 10), setval('member_id_seq', 20);
SELECT clone_row('unit', 1, cascade => true);
TABLE unit ORDER BY id;
TABLE member ORDER BY id;

-- A nullable reference that closes a cycle is inserted as NULL and restored
-- afterwards: also when it points at a row outside the copied set (a.1 ->
-- b.1, while b.1 references a.2, not a.1), where it keeps the original.
CREATE TABLE outref_a (id serial PRIMARY KEY, b_id int);
CREATE TABLE outref_b (id serial PRIMARY KEY, a_id int NOT NULL REFERENCES outref_a);
ALTER TABLE outref_a ADD FOREIGN KEY (b_id) REFERENCES outref_b;
INSERT INTO outref_a DEFAULT VALUES;
INSERT INTO outref_a DEFAULT VALUES;
INSERT INTO outref_b (a_id) VALUES (2);
UPDATE outref_a SET b_id = 1 WHERE id = 1;
SELECT clone_row('outref_a', 1, cascade => true);
TABLE outref_a ORDER BY id;
TABLE outref_b ORDER BY id;

-- A cycle closed by a foreign key to a unique key other than the primary
-- key: ring_node.d_uk -> ring_link.uk, ring_link.node_id -> ring_node.
-- Cloning node 2 reaches link 1 (depth 1), and node 1 references link 1
-- through uk (depth 2); node 1's copy references link 1's copy's uk.
CREATE TABLE ring_node (id serial PRIMARY KEY, d_uk bigint);
CREATE TABLE ring_link (id serial PRIMARY KEY, node_id int NOT NULL REFERENCES ring_node,
                        uk bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE);
ALTER TABLE ring_node ADD FOREIGN KEY (d_uk) REFERENCES ring_link (uk);
INSERT INTO ring_node DEFAULT VALUES;
INSERT INTO ring_node DEFAULT VALUES;
INSERT INTO ring_link (node_id, uk) VALUES (2, 100);
UPDATE ring_node SET d_uk = 100 WHERE id = 1;
SELECT * FROM clone_graph('ring_node', 2);
TABLE ring_node ORDER BY id;
TABLE ring_link ORDER BY id;

RESET search_path;
DROP SCHEMA rc_cycles CASCADE;
