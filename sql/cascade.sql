-- Cascade (SPEC "Cascade"): with cascade => true the copied set is closed
-- under foreign-key children; every foreign key whose target row is in the
-- set points at the copy, every other reference keeps the original.
CREATE SCHEMA rc_cascade;
SET search_path = rc_cascade, public;

--
-- project -> task -> comment, and the join table task_tag -> (task, tag).
-- Tags are referenced, not owned: they are not copied, and the copied
-- task_tag rows point at the copied tasks and the original tags.
--
CREATE TABLE project (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE task (id serial PRIMARY KEY,
                   project_id int NOT NULL REFERENCES project ON DELETE CASCADE,
                   title text NOT NULL);
CREATE TABLE comment (id serial PRIMARY KEY,
                      task_id int NOT NULL REFERENCES task ON DELETE CASCADE,
                      body text NOT NULL);
CREATE TABLE tag (id serial PRIMARY KEY, label text NOT NULL UNIQUE);
CREATE TABLE task_tag (task_id int REFERENCES task ON DELETE CASCADE,
                       tag_id int REFERENCES tag ON DELETE CASCADE,
                       PRIMARY KEY (task_id, tag_id));
INSERT INTO project VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO task VALUES (1, 1, 'design'), (2, 1, 'build'), (3, 2, 'other');
INSERT INTO comment VALUES (1, 1, 'looks good'), (2, 1, 'ship it'), (3, 2, 'blocked'),
                           (4, 3, 'elsewhere');
INSERT INTO tag VALUES (1, 'urgent'), (2, 'easy');
INSERT INTO task_tag VALUES (1, 1), (1, 2), (2, 1), (3, 2);
SELECT setval('project_id_seq', 10), setval('task_id_seq', 20),
       setval('comment_id_seq', 30), setval('tag_id_seq', 40);

-- project 1 with its two tasks, their three comments and three tag links;
-- nothing of project 2, no new tag
SELECT clone_row('project', 1, cascade => true);
TABLE project ORDER BY id;
TABLE task ORDER BY id;
TABLE comment ORDER BY id;
TABLE tag ORDER BY id;
TABLE task_tag ORDER BY task_id, tag_id;

-- from the middle of the tree: the task's project is outside the set, so the
-- copy stays in project 1; its comment and tag link follow it
SELECT clone_row('task', 2, cascade => true);
SELECT * FROM task WHERE id > 22 ORDER BY id;
SELECT * FROM comment WHERE id > 33 ORDER BY id;
SELECT * FROM task_tag WHERE task_id > 22 ORDER BY task_id, tag_id;

--
-- A self-referencing tree copied as a subtree from a middle node: the
-- subtree's parent pointers point at the copies, the subtree root's parent
-- pointer keeps the original parent outside the set.
--
--   1 root
--   +-- 2 a          <- cloned
--   |   +-- 4 a1
--   |   |   +-- 6 a1x
--   |   +-- 5 a2
--   +-- 3 b
--       +-- 7 b1
--
CREATE TABLE node (id serial PRIMARY KEY, parent_id int REFERENCES node, name text NOT NULL);
INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'),
                        (5, 2, 'a2'), (6, 4, 'a1x'), (7, 3, 'b1');
SELECT setval('node_id_seq', 100);
SELECT clone_row('node', 2, cascade => true);
TABLE node ORDER BY id;

--
-- A diamond: task 1 hangs off project 1 directly and through milestone 1,
-- which also belongs to project 1.  It is copied once, and both its foreign
-- keys point at the copies.  Task 4 belongs to project 1 but to a milestone
-- of project 2: its milestone is outside the set and is kept.
--
CREATE TABLE d_project (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE milestone (id serial PRIMARY KEY,
                        project_id int NOT NULL REFERENCES d_project,
                        name text NOT NULL);
CREATE TABLE d_task (id serial PRIMARY KEY,
                     project_id int NOT NULL REFERENCES d_project,
                     milestone_id int REFERENCES milestone,
                     title text NOT NULL);
INSERT INTO d_project VALUES (1, 'p'), (2, 'q');
INSERT INTO milestone VALUES (1, 1, 'm1'), (2, 2, 'm2');
INSERT INTO d_task VALUES (1, 1, 1, 't1'), (2, 1, NULL, 't2'), (3, 2, 2, 't3'), (4, 1, 2, 't4');
SELECT setval('d_project_id_seq', 10), setval('milestone_id_seq', 20), setval('d_task_id_seq', 30);
SELECT clone_row('d_project', 1, cascade => true);
TABLE d_project ORDER BY id;
TABLE milestone ORDER BY id;
TABLE d_task ORDER BY id;

--
-- Two foreign keys from one child table to the same parent: a match is
-- copied once whether the cloned club plays at home, away or both, and
-- each of its references points at the copy where the target is the
-- cloned club.
--
CREATE TABLE club (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE match (id serial PRIMARY KEY,
                    home_id int NOT NULL REFERENCES club,
                    away_id int NOT NULL REFERENCES club);
INSERT INTO club VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO match VALUES (1, 1, 2), (2, 2, 1), (3, 1, 1), (4, 2, 3);
SELECT setval('club_id_seq', 10), setval('match_id_seq', 20);
SELECT clone_row('club', 1, cascade => true);
SELECT count(*) AS matches FROM match;
SELECT home_id, away_id FROM match WHERE id > 20 ORDER BY home_id, away_id;

--
-- ON DELETE SET NULL and ON DELETE SET DEFAULT are references, not
-- ownership: they do not pull rows into the set.  But a SET NULL reference
-- between two rows that are both copied points at the copy.
--
CREATE TABLE team (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE member (id serial PRIMARY KEY,
                     team_id int NOT NULL REFERENCES team ON DELETE CASCADE,
                     name text NOT NULL,
                     mentor_id int REFERENCES member ON DELETE SET NULL);
CREATE TABLE ticket (id serial PRIMARY KEY,
                     team_id int NOT NULL REFERENCES team ON DELETE CASCADE,
                     assignee_id int REFERENCES member ON DELETE SET NULL,
                     subject text NOT NULL);
CREATE TABLE badge (id serial PRIMARY KEY,
                    team_id int DEFAULT 1 REFERENCES team ON DELETE SET DEFAULT,
                    name text NOT NULL);
INSERT INTO team VALUES (1, 'pool'), (2, 'red'), (3, 'blue');
INSERT INTO member VALUES (1, 1, 'ann', NULL), (2, 2, 'bob', 1), (3, 2, 'cat', 2),
                          (4, 3, 'dan', 2);
INSERT INTO ticket VALUES (1, 2, 3, 'fix'), (2, 2, 1, 'help'), (3, 3, 2, 'review');
INSERT INTO badge VALUES (1, 2, 'gold');
SELECT setval('team_id_seq', 10), setval('member_id_seq', 20), setval('ticket_id_seq', 30),
       setval('badge_id_seq', 40);
-- team 2: bob (mentored by ann, outside) and cat (mentored by bob, inside);
-- dan is mentored by bob but in team 3: not copied.  Ticket 1 (assigned to
-- cat) points at cat's copy, ticket 2 at ann; ticket 3 (team 3, assigned to
-- bob) and the badge are not copied.
SELECT clone_row('team', 2, cascade => true);
TABLE team ORDER BY id;
TABLE member ORDER BY id;
TABLE ticket ORDER BY id;
TABLE badge ORDER BY id;

--
-- Composite foreign keys: invoice_item references invoice (region, num).
-- Invoices ('eu', 1) and ('us', 1) share num: only the items of the cloned
-- one are copied, and they point at both new key columns.
--
CREATE TABLE invoice (region text,
                      num int GENERATED BY DEFAULT AS IDENTITY (START 50),
                      customer text NOT NULL,
                      PRIMARY KEY (region, num));
CREATE TABLE invoice_item (id serial PRIMARY KEY, region text NOT NULL, num int NOT NULL,
                           product text NOT NULL,
                           FOREIGN KEY (region, num) REFERENCES invoice);
INSERT INTO invoice VALUES ('eu', 1, 'ann'), ('us', 1, 'bob');
INSERT INTO invoice_item VALUES (1, 'eu', 1, 'pen'), (2, 'eu', 1, 'ink'), (3, 'us', 1, 'pad');
SELECT setval('invoice_item_id_seq', 10);
SELECT clone_row('invoice', '{"region": "eu", "num": 1}'::jsonb, cascade => true);
TABLE invoice ORDER BY region, num;
TABLE invoice_item ORDER BY id;

--
-- Children whose primary key includes the foreign key.  order_line
-- (order_id, line_no) has no default on line_no: the remapped order_id makes
-- the key fresh and line numbers are kept.  shipment (order_id, seq) has a
-- serial seq, which takes fresh values (rule 4).  Their own children
-- reference them through composite keys and point at the copies.
--
CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL);
CREATE TABLE order_line (order_id int REFERENCES orders, line_no int, product text NOT NULL,
                         PRIMARY KEY (order_id, line_no));
CREATE TABLE line_discount (id serial PRIMARY KEY, order_id int NOT NULL, line_no int NOT NULL,
                            percent int NOT NULL,
                            FOREIGN KEY (order_id, line_no) REFERENCES order_line);
CREATE TABLE shipment (order_id int REFERENCES orders, seq serial, carrier text NOT NULL,
                       PRIMARY KEY (order_id, seq));
CREATE TABLE shipment_item (order_id int, seq int, product text,
                            PRIMARY KEY (order_id, seq, product),
                            FOREIGN KEY (order_id, seq) REFERENCES shipment);
INSERT INTO orders VALUES (1, 'ann'), (2, 'bob');
INSERT INTO order_line VALUES (1, 1, 'pen'), (1, 2, 'ink'), (2, 1, 'pad');
INSERT INTO line_discount VALUES (1, 1, 2, 10), (2, 2, 1, 5);
INSERT INTO shipment VALUES (1, 1, 'dhl'), (1, 2, 'ups'), (2, 1, 'dhl');
INSERT INTO shipment_item VALUES (1, 1, 'pen'), (1, 2, 'ink'), (2, 1, 'pad');
SELECT setval('orders_id_seq', 10), setval('line_discount_id_seq', 20),
       setval('shipment_seq_seq', 30);
SELECT clone_row('orders', 1, cascade => true);
TABLE orders ORDER BY id;
TABLE order_line ORDER BY order_id, line_no;
TABLE line_discount ORDER BY id;
TABLE shipment ORDER BY order_id, seq;
TABLE shipment_item ORDER BY order_id, seq, product;

--
-- Identity keys (GENERATED ALWAYS) and a child whose foreign key column is
-- integer while the parent's key is bigint.
--
CREATE TABLE big_parent (id bigint GENERATED ALWAYS AS IDENTITY (START 100) PRIMARY KEY,
                         name text NOT NULL);
CREATE TABLE small_child (id int GENERATED ALWAYS AS IDENTITY (START 200) PRIMARY KEY,
                          parent_id int NOT NULL REFERENCES big_parent, name text NOT NULL);
INSERT INTO big_parent OVERRIDING SYSTEM VALUE VALUES (1, 'p');
INSERT INTO small_child OVERRIDING SYSTEM VALUE VALUES (1, 1, 'c'), (2, 1, 'd');
SELECT clone_row('big_parent', 1, cascade => true);
TABLE big_parent ORDER BY id;
TABLE small_child ORDER BY id;

--
-- uuid keys from gen_random_uuid(): the copies get new uuids, and the
-- references between them point at the copies (compared through joins, as
-- the uuids are random).
--
CREATE TABLE folder (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE document (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                       folder_id int NOT NULL REFERENCES folder, title text NOT NULL);
CREATE TABLE revision (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                       document_id uuid NOT NULL REFERENCES document, n int NOT NULL);
INSERT INTO folder VALUES (1, 'docs');
INSERT INTO document VALUES ('00000000-0000-0000-0000-00000000000a', 1, 'spec'),
                            ('00000000-0000-0000-0000-00000000000b', 1, 'notes');
INSERT INTO revision VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-00000000000a', 1),
                            ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-00000000000a', 2),
                            ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-00000000000b', 1);
SELECT setval('folder_id_seq', 1);
SELECT clone_row('folder', 1, cascade => true);
SELECT (SELECT count(*) FROM document) AS documents, (SELECT count(*) FROM revision) AS revisions;
-- the copies' keys are new
SELECT count(*) AS new_uuids FROM document
WHERE folder_id = 2 AND id::text NOT LIKE '00000000-0000-0000-0000-%';
SELECT count(*) AS new_uuids FROM revision
WHERE id::text NOT LIKE '00000000-0000-0000-0000-%';
-- each copied revision belongs to a copied document of the copied folder
SELECT f.id AS folder, d.title, r.n
FROM revision r JOIN document d ON d.id = r.document_id JOIN folder f ON f.id = d.folder_id
ORDER BY f.id, d.title, r.n;
-- the root a uuid, the key given as text: the result is text
SELECT k AS new_doc, pg_typeof(k) AS new_doc_type
FROM clone_row('document', '00000000-0000-0000-0000-00000000000a', cascade => true) AS k \gset
SELECT :'new_doc_type' AS result_type, :'new_doc' <> '00000000-0000-0000-0000-00000000000a' AS is_new;
SELECT d.folder_id, d.title, r.n
FROM revision r JOIN document d ON d.id = r.document_id
WHERE d.id = :'new_doc'
ORDER BY r.n;

--
-- Partitioned tables as the root (p_project), as a child that is also a
-- parent (p_task) and as the parent of a plain table (p_comment).  The
-- foreign keys that partitions inherit are followed once, at the
-- partitioned table: each row is copied once.  The new keys (>= 100) route
-- the copies to the _hi partitions.
--
CREATE TABLE p_project (id serial PRIMARY KEY, name text NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE p_project_lo PARTITION OF p_project FOR VALUES FROM (1) TO (100);
CREATE TABLE p_project_hi PARTITION OF p_project FOR VALUES FROM (100) TO (MAXVALUE);
CREATE TABLE p_task (id serial PRIMARY KEY,
                     project_id int NOT NULL REFERENCES p_project,
                     title text NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE p_task_lo PARTITION OF p_task FOR VALUES FROM (1) TO (100);
CREATE TABLE p_task_hi PARTITION OF p_task FOR VALUES FROM (100) TO (MAXVALUE);
CREATE TABLE p_comment (id serial PRIMARY KEY, task_id int NOT NULL REFERENCES p_task,
                        body text NOT NULL);
INSERT INTO p_project VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO p_task VALUES (1, 1, 't1'), (2, 1, 't2'), (3, 2, 't3');
INSERT INTO p_comment VALUES (1, 1, 'c1'), (2, 2, 'c2'), (3, 3, 'c3');
SELECT setval('p_project_id_seq', 100, false), setval('p_task_id_seq', 100, false),
       setval('p_comment_id_seq', 10);
SELECT clone_row('p_project', 1, cascade => true);
-- a partitioned table that is a child as the root
SELECT clone_row('p_task', 3, cascade => true);
SELECT tableoid::regclass, * FROM p_project ORDER BY id;
SELECT tableoid::regclass, * FROM p_task ORDER BY id;
TABLE p_comment ORDER BY id;

--
-- Atomicity: a cascade that fails at its last table (a unique violation in
-- the grandchild a_note) leaves nothing behind.  The error comes from the
-- generated INSERT, so it is shown terse; its context line names the table
-- being copied.
--
CREATE TABLE a_project (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE a_task (id serial PRIMARY KEY, project_id int NOT NULL REFERENCES a_project,
                     title text NOT NULL);
CREATE TABLE a_note (id serial PRIMARY KEY, task_id int NOT NULL REFERENCES a_task,
                     body text NOT NULL UNIQUE);
INSERT INTO a_project VALUES (1, 'alpha');
INSERT INTO a_task VALUES (1, 1, 't1'), (2, 1, 't2');
INSERT INTO a_note VALUES (1, 1, 'n1'), (2, 2, 'n2');
SELECT setval('a_project_id_seq', 10), setval('a_task_id_seq', 20), setval('a_note_id_seq', 30);
\set VERBOSITY terse
SELECT clone_row('a_project', 1, cascade => true);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT (SELECT count(*) FROM a_project) AS projects, (SELECT count(*) FROM a_task) AS tasks,
       (SELECT count(*) FROM a_note) AS notes;
DO $$
DECLARE
    state text;
    ctx text;
BEGIN
    PERFORM clone_row('rc_cascade.a_project', 1, cascade => true);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, ctx = PG_EXCEPTION_CONTEXT;
    RAISE NOTICE 'sqlstate %, context names the table: %, and the root row: %', state,
        ctx LIKE '%of table "a_note"%',
        ctx LIKE '%(id)=(1) of table "a_project"%';
END
$$;
-- a CHECK that the copies of the last table violate (their ids are > 30)
ALTER TABLE a_note DROP CONSTRAINT a_note_body_key;
ALTER TABLE a_note ADD CHECK (id < 30);
\set VERBOSITY terse
SELECT clone_row('a_project', 1, cascade => true);
\set VERBOSITY default
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT (SELECT count(*) FROM a_project) AS projects, (SELECT count(*) FROM a_task) AS tasks,
       (SELECT count(*) FROM a_note) AS notes;

--
-- A table reached by the cascade whose key cannot be made fresh (a text key
-- with no default that is not a foreign key): 55000 before anything is
-- written (the trigger on k_project says nothing), with a hint that names
-- skip.  Skipping the table, stopping above it with max_depth, or
-- overriding its key makes the clone work.  k_label has such a key too,
-- but its reference is ON DELETE SET NULL: it is not reached.
--
CREATE TABLE k_project (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE k_setting (name text PRIMARY KEY, project_id int NOT NULL REFERENCES k_project,
                        value text);
CREATE TABLE k_label (name text PRIMARY KEY,
                      project_id int REFERENCES k_project ON DELETE SET NULL);
INSERT INTO k_project VALUES (1, 'alpha');
INSERT INTO k_setting VALUES ('color', 1, 'blue');
INSERT INTO k_label VALUES ('starred', 1);
SELECT setval('k_project_id_seq', 10);
CREATE FUNCTION k_project_said() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'inserting k_project %', NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER k_project_said BEFORE INSERT ON k_project
    FOR EACH ROW EXECUTE FUNCTION k_project_said();
SELECT clone_row('k_project', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_row('k_project', 1, cascade => true, skip => '{k_setting}');
SELECT clone_row('k_project', 1, cascade => true, max_depth => 0);
SELECT clone_row('k_project', 1, cascade => true, overrides => '{"k_setting.name": "colour"}');
TABLE k_project ORDER BY id;
TABLE k_setting ORDER BY name;
TABLE k_label ORDER BY name;

-- A key made fresh only by its reference to a copied row (season_part
-- keyed by (season_id, n)) is fresh for rows whose season is copied.  A
-- row reached along another key (league_id) whose season is not copied
-- would keep its key: 55000 naming the row and the column, before anything
-- is written (sequences aside), also from clone_rows.  Skipping the table,
-- or without such a row, the clone works.
CREATE TABLE league (id serial PRIMARY KEY);
CREATE TABLE season (id serial PRIMARY KEY, league_id int REFERENCES league);
CREATE TABLE season_part (season_id int REFERENCES season, n int,
                          league_id int REFERENCES league, PRIMARY KEY (season_id, n));
INSERT INTO league VALUES (1), (2);
INSERT INTO season VALUES (1, 1), (2, 2);
INSERT INTO season_part VALUES (1, 1, 1), (1, 2, 1), (2, 1, 1);
SELECT setval('league_id_seq', 10), setval('season_id_seq', 10);
SELECT clone_row('league', 1, cascade => true);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('league', '{1}', cascade => true, copies => 2);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT (SELECT count(*) FROM league) AS leagues, (SELECT count(*) FROM season) AS seasons,
       (SELECT count(*) FROM season_part) AS parts;
SELECT * FROM clone_graph('league', 1, skip => '{season_part}');
DELETE FROM season_part WHERE season_id = 2;
SELECT * FROM clone_graph('league', 1);
TABLE season_part ORDER BY season_id, n;

-- A single partition as the source of a cascade: foreign keys that
-- reference its partitioned table are followed from the partition too.
CREATE TABLE leafed (id serial PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE leafed_all PARTITION OF leafed DEFAULT;
CREATE TABLE leafed_child (id serial PRIMARY KEY, leafed_id int NOT NULL REFERENCES leafed ON DELETE CASCADE);
INSERT INTO leafed VALUES (1);
INSERT INTO leafed_child VALUES (1, 1);
SELECT setval('leafed_id_seq', 10), setval('leafed_child_id_seq', 20);
SELECT clone_row('leafed_all', 1, cascade => true);
SELECT tableoid::regclass, * FROM leafed ORDER BY id;
TABLE leafed_child ORDER BY id;

-- Children without a primary key (join tables nothing references): every
-- row that references a copied row through a followed key is copied once,
-- with its references remapped (a row referencing two copied rows is one
-- copy); clone_graph lists them without keys; a key referencing such a
-- table is not followed (clone_plan says why).
CREATE TABLE article (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE article_keyword (article_id int NOT NULL REFERENCES article ON DELETE CASCADE,
                              keyword text NOT NULL);
CREATE TABLE article_link (a int REFERENCES article ON DELETE CASCADE,
                           b int REFERENCES article ON DELETE CASCADE, note text UNIQUE);
CREATE TABLE link_vote (id serial PRIMARY KEY, note text REFERENCES article_link (note) ON DELETE CASCADE);
INSERT INTO article VALUES (1, 'intro'), (2, 'other');
INSERT INTO article_keyword VALUES (1, 'db'), (1, 'sql'), (2, 'x');
INSERT INTO article_link VALUES (1, 1, NULL), (1, 2, NULL), (2, 2, 'kept');
SELECT setval('article_id_seq', 10);
SELECT * FROM clone_graph('article', 1);
TABLE article_keyword;
TABLE article_link;
SELECT relation, remapped_columns, copied_columns, not_followed FROM clone_plan('article');

-- Foreign keys to a unique key other than the primary key are followed
-- and remapped just the same: the copies reference the copy's new value
-- (an override here, a default there), also within one table.
CREATE SEQUENCE code_seq START 100;
CREATE TABLE coded (id serial PRIMARY KEY,
                    code text NOT NULL UNIQUE DEFAULT 'C' || nextval('rc_cascade.code_seq'));
CREATE TABLE by_code (id serial PRIMARY KEY,
                      coded_code text NOT NULL REFERENCES coded (code) ON DELETE CASCADE,
                      tag text UNIQUE DEFAULT 'T' || nextval('rc_cascade.code_seq'),
                      sibling_tag text REFERENCES by_code (tag));
INSERT INTO coded VALUES (1, 'A');
INSERT INTO by_code VALUES (1, 'A', 't1', NULL), (2, 'A', 't2', 't1');
SELECT setval('coded_id_seq', 10), setval('by_code_id_seq', 20);
SELECT clone_row('coded', 1, cascade => true, overrides => '{"code": "B"}',
                 reset => '{by_code.tag}');
TABLE coded ORDER BY id;
TABLE by_code ORDER BY id;

-- Rows reached through a self-reference are followed through a unique
-- key too: dir 2 (a subdirectory of dir 1) is reached at depth 1, and
-- its file, which references it by uk, at depth 2.
CREATE TABLE dir (id serial PRIMARY KEY, parent_id int REFERENCES dir,
                  uk bigint GENERATED BY DEFAULT AS IDENTITY UNIQUE);
CREATE TABLE dir_file (id serial PRIMARY KEY, dir_uk bigint NOT NULL REFERENCES dir (uk));
INSERT INTO dir (id, parent_id, uk) VALUES (1, NULL, 501), (2, 1, 502);
INSERT INTO dir_file VALUES (1, 502);
SELECT setval('dir_id_seq', 10), setval('dir_file_id_seq', 20);
SELECT * FROM clone_graph('dir', 1);
TABLE dir ORDER BY id;
TABLE dir_file ORDER BY id;

RESET search_path;
DROP SCHEMA rc_cascade CASCADE;
