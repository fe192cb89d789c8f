-- clone_rows (SPEC "Keys"): many source rows copied as one set, each
-- `copies` times; one (old_key, new_key) row per copy, in the order of the
-- keys array.
CREATE SCHEMA rc_rows;
SET search_path = rc_rows, public;

-- A self-referencing tree and a table of notes owned by its nodes.
CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL,
                   parent_id int REFERENCES item ON DELETE CASCADE);
CREATE TABLE note (id serial PRIMARY KEY,
                   item_id int NOT NULL REFERENCES item ON DELETE CASCADE,
                   body text NOT NULL);
INSERT INTO item VALUES (1, 'a', NULL), (2, 'b', 1), (3, 'c', 2), (4, 'd', NULL);
INSERT INTO note VALUES (1, 1, 'a1'), (2, 2, 'b1'), (3, 2, 'b2'), (4, 4, 'd1');
SELECT setval('item_id_seq', 100), setval('note_id_seq', 200);

-- Missing keys give no row, a repeated key counts once, and rows come back
-- in the order of the array.  Item 2 references item 1, and both are
-- copied: the copy of 2 references the copy of 1.  Item 3 is not a source
-- row (no cascade), nor are the notes.
SELECT * FROM clone_rows('item', ARRAY[2, 1, 2, 99]);
SELECT * FROM item WHERE id > 100 ORDER BY id;
SELECT count(*) AS notes FROM note;

-- An empty array copies nothing; a key in another castable type works and
-- comes back in that type, as passed.
SELECT * FROM clone_rows('item', '{}'::int[]);
SELECT * FROM clone_rows('item', ARRAY['4', '04']);
SELECT pg_typeof(old_key), pg_typeof(new_key) FROM clone_rows('item', ARRAY['4']::text[]);
SELECT * FROM clone_rows('item', ARRAY[99, 98]);
SELECT count(*) AS items FROM item;

-- With cascade: the notes of every source row, and the subtree of each;
-- item 3 is reached from item 2 (a source row) and from item 1 (through 2),
-- and is copied once.
DELETE FROM item WHERE id > 100;
SELECT setval('item_id_seq', 100), setval('note_id_seq', 200);
SELECT * FROM clone_rows('item', ARRAY[1, 2], cascade => true);
SELECT i.id, i.name, i.parent_id,
       (SELECT string_agg(body, ',' ORDER BY body) FROM note WHERE item_id = i.id) AS notes
FROM item i WHERE id > 100 ORDER BY id;

-- A join row between two source rows (a diamond through two foreign keys)
-- is copied once and points at both copies.
CREATE TABLE link (id serial PRIMARY KEY,
                   from_id int NOT NULL REFERENCES item ON DELETE CASCADE,
                   to_id int NOT NULL REFERENCES item ON DELETE CASCADE);
INSERT INTO link (from_id, to_id) VALUES (4, 1);
SELECT setval('link_id_seq', 300);
DELETE FROM item WHERE id > 100;
SELECT setval('item_id_seq', 100), setval('note_id_seq', 200);
SELECT * FROM clone_rows('item', ARRAY[4, 1], cascade => true, max_depth => 1);
SELECT * FROM link ORDER BY id;

--
-- copies => n: n independent copies of each source row.  With cascade every
-- copy has its own children, and references inside copy k point into copy k.
--
DELETE FROM item WHERE id > 100;
DELETE FROM link;
SELECT setval('item_id_seq', 100), setval('note_id_seq', 200);
SELECT old_key, count(*) AS copies, count(DISTINCT new_key) AS distinct_keys
FROM clone_rows('item', ARRAY[4, 1], copies => 3) GROUP BY old_key ORDER BY old_key;
SELECT name, count(*) FROM item WHERE id > 100 GROUP BY name ORDER BY name;

DELETE FROM item WHERE id > 100;
SELECT setval('item_id_seq', 100), setval('note_id_seq', 200);
CREATE TEMP TABLE made AS
SELECT * FROM clone_rows('item', ARRAY[1], cascade => true, copies => 2,
                         overrides => '{"name": "copy", "note.body": "n"}');
SELECT count(*) AS copies_of_1 FROM made;
-- every copy of item 1 heads its own subtree of 3 items with 3 notes
SELECT m.new_key AS copy_root,
       (WITH RECURSIVE sub AS (SELECT id FROM item WHERE id = m.new_key
                               UNION ALL
                               SELECT i.id FROM item i JOIN sub ON i.parent_id = sub.id)
        SELECT count(*) FROM sub) AS subtree_items,
       (WITH RECURSIVE sub AS (SELECT id FROM item WHERE id = m.new_key
                               UNION ALL
                               SELECT i.id FROM item i JOIN sub ON i.parent_id = sub.id)
        SELECT count(*) FROM note WHERE item_id IN (SELECT id FROM sub)) AS subtree_notes
FROM made m ORDER BY 1;
-- no copy points into another copy or back at an original; "name" sets the
-- two copies of the source row only, "note.body" every copied note
SELECT count(*) AS items, count(*) FILTER (WHERE name = 'copy') AS overridden,
       count(*) FILTER (WHERE parent_id <= 100) AS pointing_at_originals
FROM item WHERE id > 100;
SELECT count(*) AS notes, bool_and(body = 'n') AS overridden,
       bool_and(item_id > 100) AS on_copies FROM note WHERE id > 200;
DROP TABLE made;

-- Copies are made by a handful of statements, not one per row or per copy
-- of a plain table: a statement-level trigger counts the INSERTs.
CREATE TABLE plain (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
INSERT INTO plain (v) SELECT 'v' || g FROM generate_series(1, 1000) g;
CREATE TABLE insert_statements (n int);
INSERT INTO insert_statements VALUES (0);
CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN UPDATE insert_statements SET n = n + 1; RETURN NULL; END$$;
CREATE TRIGGER plain_statements AFTER INSERT ON plain
    FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
SELECT count(*) AS copies, count(DISTINCT new_key) AS distinct_keys,
       count(DISTINCT old_key) AS sources
FROM clone_rows('plain', (SELECT array_agg(id) FROM plain), copies => 3);
SELECT n AS insert_statements FROM insert_statements;
SELECT count(*) AS rows, count(DISTINCT v) AS values FROM plain;

--
-- Composite keys: jsonb objects or arrays in; jsonb objects out.
--
CREATE TABLE line (order_id int, line_no int, qty int, PRIMARY KEY (order_id, line_no));
INSERT INTO line VALUES (1, 1, 5), (1, 2, 6);
SELECT * FROM clone_rows('line', ARRAY['{"order_id": 1, "line_no": 2}', '[1, 1]']::jsonb[],
                         overrides => '{"order_id": 7}');
TABLE line ORDER BY order_id, line_no;
SELECT * FROM clone_rows('line', ARRAY['[1, 2]']::text[], overrides => '{"order_id": 8}');
-- a key that cannot be made fresh: 55000 before any write
SELECT * FROM clone_rows('line', ARRAY['[1, 1]']::jsonb[]);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- two copies of a row given the same key by overrides collide; the context
-- line says what was being copied
DO $$
DECLARE ctx text;
BEGIN
  PERFORM clone_rows('line', ARRAY['[1, 1]']::jsonb[], overrides => '{"order_id": 9}',
                     copies => 2);
EXCEPTION WHEN unique_violation THEN
  GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
  RAISE NOTICE '23505 %', substring(ctx from 'while copying [^\n]*');
END$$;
SELECT count(*) AS lines FROM line;

-- is-a parents (multi-table inheritance): each copy of a restaurant gets
-- its own place copy.
CREATE TABLE place (id serial PRIMARY KEY, address text NOT NULL);
CREATE TABLE restaurant (place_ptr_id int PRIMARY KEY REFERENCES place ON DELETE CASCADE,
                         cuisine text NOT NULL);
INSERT INTO place VALUES (1, 'Main St'), (2, 'Side St');
INSERT INTO restaurant VALUES (1, 'thai'), (2, 'pizza');
SELECT setval('place_id_seq', 10);
SELECT * FROM clone_rows('restaurant', ARRAY[2, 1], copies => 2);
SELECT r.place_ptr_id, p.address, r.cuisine
FROM restaurant r JOIN place p ON p.id = r.place_ptr_id ORDER BY 1;

-- copies => NULL means one copy (or, with an overrides array, one per object)
SELECT copy FROM clone_rows('item', ARRAY[1], copies => NULL);

--
-- Bad calls: the SPEC's SQLSTATE, nothing written.
--
SELECT * FROM clone_rows('item', ARRAY[1, NULL]);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('item', NULL::int[]);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows(NULL, ARRAY[1]);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('item', ARRAY[1], copies => 0);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('item', ARRAY[1], cascade => true, max_depth => -1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('item', ARRAY[date '2026-01-01']);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('item', ARRAY['x']);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('line', ARRAY[1]);
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE VIEW item_view AS SELECT * FROM item;
SELECT * FROM clone_rows('item_view', ARRAY[1]);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('item', ARRAY[1], overrides => '{"nope": 1}');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- the check happens before the array is looked at: an empty array too
SELECT * FROM clone_rows('item', '{}'::int[], overrides => '{"nope": 1}');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- a BEFORE INSERT trigger that drops one copy: an error, nothing written
SELECT count(*) AS items FROM item;
CREATE FUNCTION drop_b() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN IF NEW.name = 'b' THEN RETURN NULL; END IF; RETURN NEW; END$$;
CREATE TRIGGER item_drop_b BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION drop_b();
\set VERBOSITY terse
SELECT * FROM clone_rows('item', ARRAY[1, 2], copies => 2);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
DROP TRIGGER item_drop_b ON item;
SELECT count(*) AS items FROM item;

-- from PL/pgSQL, with a row-level result
DO $$
DECLARE r record; n int := 0;
BEGIN
  FOR r IN SELECT * FROM clone_rows('rc_rows.item', ARRAY[4]) LOOP
    n := n + 1;
    IF r.new_key = r.old_key THEN RAISE EXCEPTION 'copy has the source key'; END IF;
  END LOOP;
  RAISE NOTICE 'copies made: %', n;
END$$;

RESET search_path;
DROP SCHEMA rc_rows CASCADE;
