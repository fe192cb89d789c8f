-- copies => n (SPEC "Keys"): every copy is independent, references inside
-- copy k point into copy k, and all copies are written by one round of
-- statements, however many there are.
CREATE SCHEMA rc_copies;
SET search_path = rc_copies, public;

-- A template with items that reference each other (prev_id) and the
-- template's head item (a cycle: template.head_id -> item, item ->
-- template), an item code that is unique and referenced by a unique key
-- (reset gives each copy its own), and tags without a primary key.
CREATE TABLE template (id serial PRIMARY KEY, name text NOT NULL, head_id int);
CREATE TABLE item (id serial PRIMARY KEY,
                   template_id int NOT NULL REFERENCES template ON DELETE CASCADE,
                   prev_id int REFERENCES item ON DELETE SET NULL,
                   code uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                   label text NOT NULL);
ALTER TABLE template ADD FOREIGN KEY (head_id) REFERENCES item ON DELETE SET NULL;
CREATE TABLE item_code_note (id serial PRIMARY KEY,
                             item_code uuid NOT NULL REFERENCES item (code) ON DELETE CASCADE,
                             body text NOT NULL);
CREATE TABLE tag (item_id int NOT NULL REFERENCES item ON DELETE CASCADE, tag text NOT NULL);

INSERT INTO template VALUES (1, 'onboarding', NULL);
INSERT INTO item (id, template_id, prev_id, label) VALUES
    (1, 1, NULL, 'welcome'), (2, 1, 1, 'account'), (3, 1, 2, 'first task');
UPDATE template SET head_id = 1;
INSERT INTO item_code_note (item_code, body) SELECT code, 'about ' || label FROM item;
INSERT INTO tag SELECT id, 'step' FROM item;
INSERT INTO tag VALUES (3, 'last');
SELECT setval('template_id_seq', 100), setval('item_id_seq', 100),
       setval('item_code_note_id_seq', 100);

-- Statements that write copies are counted per table by a statement trigger.
CREATE TABLE statements (tbl text, n int);
CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statements VALUES (TG_TABLE_NAME, 1);
    RETURN NULL;
END $$;
CREATE TRIGGER count_insert AFTER INSERT ON template FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
CREATE TRIGGER count_insert AFTER INSERT ON item FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
CREATE TRIGGER count_insert AFTER INSERT ON item_code_note FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
CREATE TRIGGER count_insert AFTER INSERT ON tag FOR EACH STATEMENT EXECUTE FUNCTION count_statement();

CREATE TEMP TABLE made AS
SELECT * FROM clone_rows('template', ARRAY[1], cascade => true, copies => 50,
                         reset => '{item.code}');
SELECT count(*) AS copies, count(DISTINCT new_key) AS distinct_keys, min(old_key), max(old_key)
FROM made;

-- One INSERT statement per table for all 50 copies (the cycle's fix-up is
-- an UPDATE, not counted).
SELECT tbl, count(*) AS insert_statements FROM statements GROUP BY tbl ORDER BY tbl;

-- Each copy is a whole template: its own head, three items in a chain that
-- stays inside the copy, a fresh code per item, its notes on its own
-- items' codes, and its own tags.
SELECT count(*) AS templates,
       count(*) FILTER (WHERE h.template_id = t.id AND h.label = 'welcome') AS head_in_own_copy
FROM made m JOIN template t ON t.id = m.new_key JOIN item h ON h.id = t.head_id;
SELECT count(*) AS items,
       count(*) FILTER (WHERE i.prev_id IS NULL) AS first_items,
       count(*) FILTER (WHERE p.template_id = i.template_id) AS prev_in_own_copy,
       count(DISTINCT i.code) AS distinct_codes,
       count(*) FILTER (WHERE i.code IN (SELECT code FROM item WHERE template_id = 1)) AS old_codes
FROM item i LEFT JOIN item p ON p.id = i.prev_id
WHERE i.template_id IN (SELECT new_key FROM made);
SELECT count(*) AS notes,
       count(*) FILTER (WHERE n.body = 'about ' || i.label) AS on_their_item
FROM item_code_note n JOIN item i ON i.code = n.item_code
WHERE i.template_id IN (SELECT new_key FROM made);
SELECT tag, count(*) FROM tag t JOIN item i ON i.id = t.item_id
WHERE i.template_id IN (SELECT new_key FROM made) GROUP BY tag ORDER BY tag;
-- labels of one copy in chain order, as in the original
WITH RECURSIVE c AS (
    SELECT i.id, i.label, 1 AS pos FROM item i
    JOIN template t ON t.head_id = i.id WHERE t.id = (SELECT max(new_key) FROM made)
    UNION ALL
    SELECT i.id, i.label, c.pos + 1 FROM item i JOIN c ON i.prev_id = c.id)
SELECT pos, label FROM c ORDER BY pos;
-- the original is untouched
SELECT id, template_id, prev_id, label FROM item WHERE template_id = 1 ORDER BY id;

-- Two source rows, two copies each: four templates, each with its own items.
INSERT INTO template VALUES (2, 'offboarding', NULL);
INSERT INTO item (id, template_id, prev_id, label) VALUES (4, 2, NULL, 'goodbye');
TRUNCATE statements;
CREATE TEMP TABLE made2 AS
SELECT * FROM clone_rows('template', ARRAY[2, 1], cascade => true, copies => 2,
                         reset => '{item.code}');
SELECT old_key, copy_rank, count(i.*) AS items,
       count(*) FILTER (WHERE i.template_id = m.new_key) AS own_items
FROM (SELECT *, row_number() OVER (PARTITION BY old_key ORDER BY new_key) AS copy_rank FROM made2) m
JOIN item i ON i.template_id = m.new_key
GROUP BY old_key, copy_rank ORDER BY old_key DESC, copy_rank;
SELECT tbl, count(*) AS insert_statements FROM statements GROUP BY tbl ORDER BY tbl;

-- Order (SPEC "Order"): within a table, copies get their keys in the order
-- of their source rows' keys, copy 1 of every row before copy 2, whatever
-- order the rows are read in (an UPDATE moves a row to the end of its
-- table).
CREATE TABLE project (id serial PRIMARY KEY, name text);
CREATE TABLE task (id serial PRIMARY KEY,
                   project_id int NOT NULL REFERENCES project ON DELETE CASCADE,
                   title text NOT NULL);
INSERT INTO project (name) VALUES ('p');
INSERT INTO task (project_id, title) SELECT 1, 't' || i FROM generate_series(1, 200) i;
UPDATE task SET title = title || '!' WHERE id IN (1, 77);
SELECT (SELECT array_agg(id ORDER BY ctid) FROM task)
       = (SELECT array_agg(id ORDER BY id) FROM task) AS read_in_key_order;
SELECT count(*) AS copies FROM clone_rows('project', ARRAY[1], cascade => true, copies => 2);
-- clone_graph lists every copy, so its task keys are made in C: the same order
SELECT count(*) AS rows_copied FROM clone_graph('project', 1);
SELECT p.id AS project, count(*) AS tasks,
       array_agg(t.title ORDER BY t.id) = (SELECT array_agg(title ORDER BY id) FROM task
                                           WHERE project_id = 1) AS same_order
FROM task t JOIN project p ON p.id = t.project_id
WHERE p.id > 1 GROUP BY p.id ORDER BY p.id;
SELECT max(t.id) FILTER (WHERE t.project_id = 2) < min(t.id) FILTER (WHERE t.project_id = 3)
       AS copy_1_before_copy_2
FROM task t;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rc_copies CASCADE;
RESET client_min_messages;
