-- Self-referencing chains and trees cloned from their top (SPEC "Cascade":
-- a tree copies as a subtree). When the self-reference is the only way rows
-- enter the source table, its rows are found by one recursive query, not
-- one query per level; the copies, their references and the depths
-- clone_graph reports are the same as level by level.
CREATE SCHEMA rc_chains;
SET search_path = rc_chains, public;

CREATE TABLE node (id bigserial PRIMARY KEY, parent_id bigint REFERENCES node, label text);
CREATE INDEX ON node (parent_id);
-- a tree: r with a, b; a with aa, ab; aa with aaa; and a chain of 500
-- rows 7 <- 8 <- ... <- 506, each the parent of the next
INSERT INTO node VALUES (1, NULL, 'r'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'aa'), (5, 2, 'ab'),
                        (6, 4, 'aaa'), (7, NULL, 'c0');
INSERT INTO node SELECT g, g - 1, 'c' || (g - 7) FROM generate_series(8, 506) g;
SELECT setval('node_id_seq', 10000);
ANALYZE node;

-- the originals' depths below a row, computed independently
CREATE FUNCTION below(top bigint) RETURNS TABLE (id bigint, depth int) LANGUAGE sql AS $$
  WITH RECURSIVE t AS (SELECT n.id, 0 AS depth FROM node n WHERE n.id = top
                       UNION ALL
                       SELECT n.id, t.depth + 1 FROM t JOIN node n ON n.parent_id = t.id)
  SELECT * FROM t $$;

-- what a clone_graph call did: (old id, new id, depth)
CREATE TABLE copied (old_id bigint, new_id bigint, depth int);
CREATE FUNCTION record_graph(top bigint, max_depth int DEFAULT NULL) RETURNS bigint
LANGUAGE sql AS $$
  DELETE FROM copied;
  INSERT INTO copied
  SELECT (old_key->>'id')::bigint, (new_key->>'id')::bigint, depth
    FROM clone_graph('node', top, max_depth => max_depth);
  SELECT count(*) FROM copied $$;

-- every copy: its label, its depth as the originals have it, and its
-- parent the copy of the original's parent (the top keeps the original's)
CREATE FUNCTION mismatches() RETURNS TABLE (old_id bigint, why text) LANGUAGE sql AS $$
  SELECT c.old_id, 'label' FROM copied c JOIN node o ON o.id = c.old_id
    JOIN node n ON n.id = c.new_id WHERE n.label IS DISTINCT FROM o.label
  UNION ALL
  SELECT c.old_id, 'parent' FROM copied c JOIN node o ON o.id = c.old_id
    JOIN node n ON n.id = c.new_id LEFT JOIN copied p ON p.old_id = o.parent_id
   WHERE n.parent_id IS DISTINCT FROM coalesce(p.new_id, o.parent_id)
  UNION ALL
  SELECT c.old_id, 'depth' FROM copied c
    LEFT JOIN below((SELECT old_id FROM copied WHERE depth = 0)) b ON b.id = c.old_id
   WHERE c.depth IS DISTINCT FROM b.depth
  ORDER BY 1 $$;

-- the tree
SELECT record_graph(1);
SELECT o.label, c.depth FROM copied c JOIN node o ON o.id = c.old_id ORDER BY c.depth, o.label;
SELECT * FROM mismatches();

-- the chain: 500 rows at depths 0 to 499
SELECT record_graph(7);
SELECT count(*), min(depth), max(depth), count(DISTINCT new_id) FROM copied;
SELECT * FROM mismatches();
-- clone_graph lists rows by depth, the source row first
SELECT (array_agg(depth ORDER BY ord))[1:5] AS first_depths
  FROM (SELECT depth, row_number() OVER () AS ord
          FROM clone_graph('node', 300::bigint)) g;

-- from the middle of the chain, and with max_depth
SELECT record_graph(500);
SELECT count(*), max(depth) FROM copied;
SELECT * FROM mismatches();
SELECT record_graph(7, 3);
SELECT o.label, c.depth FROM copied c JOIN node o ON o.id = c.old_id ORDER BY c.depth;
SELECT * FROM mismatches();
SELECT record_graph(7, 0);

-- clone_row returns the top's copy; the copied chain is complete (the
-- original has more below it by now: the copies above whose top points
-- back into it)
SELECT count(*) AS want FROM below(7) \gset
SELECT count(*) AS before FROM node \gset
SELECT clone_row('node', 7::bigint, cascade => true) AS top \gset
SELECT count(*) - :before = :want AS all_copied, :want AS rows FROM node;
SELECT count(*) = :want AS chain_complete, max(depth) FROM below(:top);

-- clone_rows of rows on one another's chain: each row is copied once, and
-- a source row below another source row points at that row's copy
SELECT count(*) AS before FROM node \gset
CREATE TABLE pairs AS SELECT * FROM clone_rows('node', ARRAY[2, 4, 2]::bigint[], cascade => true);
SELECT o.label, p.old_key, n.parent_id = o.parent_id AS parent_kept,
       n.parent_id = (SELECT new_key FROM pairs WHERE old_key = o.parent_id) AS parent_is_its_copy
  FROM pairs p JOIN node o ON o.id = p.old_key JOIN node n ON n.id = p.new_key
 ORDER BY p.old_key;
SELECT count(*) - :before AS copies FROM node;
SELECT o.label, count(*) FROM node n JOIN node o ON o.label = n.label AND o.id <= 6
 WHERE n.id > 10000 AND n.id IN (SELECT id FROM below((SELECT new_key FROM pairs WHERE old_key = 2)))
 GROUP BY o.label ORDER BY o.label;

-- several trees at once, with copies => 2
SELECT (SELECT count(*) FROM below(1)) + (SELECT count(*) FROM below(500)) AS want \gset
SELECT count(*) AS before FROM node \gset
SELECT count(*) FROM clone_rows('node', ARRAY[1, 500]::bigint[], cascade => true, copies => 2);
SELECT count(*) - :before = 2 * :want AS two_copies_each FROM node;

--
-- A cycle in the data: 21 <- 22 <- 23 <- 21. Cloned from any of its rows,
-- the three are copied once each, pointing at one another's copies.
--
CREATE TABLE ring (id int PRIMARY KEY, next_id int, label text);
INSERT INTO ring VALUES (21, 23, 'x'), (22, 21, 'y'), (23, 22, 'z');
ALTER TABLE ring ADD FOREIGN KEY (next_id) REFERENCES ring;
CREATE SEQUENCE ring_seq START 100;
ALTER TABLE ring ALTER id SET DEFAULT nextval('ring_seq');
SELECT relation, old_key, new_key, depth FROM clone_graph('ring', 22) ORDER BY depth;
SELECT r.label, n.label AS next_label, r.next_id >= 100 AS next_is_a_copy
  FROM ring r JOIN ring n ON n.id = r.next_id WHERE r.id >= 100 ORDER BY r.label;

--
-- A composite self-reference: (tenant, id) with (tenant, parent_id).
--
CREATE TABLE folder (tenant int, id int, parent_id int, name text,
                     PRIMARY KEY (tenant, id),
                     FOREIGN KEY (tenant, parent_id) REFERENCES folder);
CREATE SEQUENCE folder_seq START 500;
ALTER TABLE folder ALTER id SET DEFAULT nextval('folder_seq');
INSERT INTO folder VALUES (1, 1, NULL, 'root'), (1, 2, 1, 'docs'), (1, 3, 2, 'old'),
                          (2, 1, NULL, 'other root'), (2, 2, 1, 'other docs');
SELECT old_key, new_key, depth FROM clone_graph('folder', '{"tenant": 1, "id": 1}') ORDER BY depth;
SELECT f.tenant, f.id, f.parent_id, f.name FROM folder f WHERE f.id >= 500 ORDER BY f.id;

--
-- A source table that rows also enter another way (here: as an is-a
-- parent's children) goes level by level; the copies are the same.
--
CREATE TABLE item (id bigserial PRIMARY KEY, parent_id bigint REFERENCES item, name text);
CREATE TABLE special_item (id bigint PRIMARY KEY REFERENCES item, extra text);
INSERT INTO item VALUES (1, NULL, 'top'), (2, 1, 'mid'), (3, 2, 'low');
INSERT INTO special_item VALUES (2, 'special');
SELECT setval('item_id_seq', 100);
SELECT relation, old_key, new_key, depth FROM clone_graph('item', 1::bigint) ORDER BY depth, relation::text;
SELECT i.id, i.parent_id, i.name, s.extra FROM item i LEFT JOIN special_item s USING (id)
 WHERE i.id > 100 ORDER BY i.id;

DROP SCHEMA rc_chains CASCADE;
