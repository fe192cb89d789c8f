-- Fan-out (SPEC "Keys", 0.2): overrides in clone_rows may be a jsonb array
-- of objects, copy k taking object k; copies defaults to its length, and
-- each result row says which copy it is.
CREATE SCHEMA rc_fanout;
SET search_path = rc_fanout, public;

CREATE TABLE receiver (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO receiver (name) SELECT 'user ' || i FROM generate_series(1, 100) i;
CREATE TABLE notification (id bigserial PRIMARY KEY,
                           receiver_id int NOT NULL REFERENCES receiver,
                           duplicate_value int NOT NULL DEFAULT 0,
                           body text NOT NULL);
CREATE TABLE attachment (id bigserial PRIMARY KEY,
                         notification_id bigint NOT NULL REFERENCES notification ON DELETE CASCADE,
                         name text NOT NULL);
INSERT INTO notification (receiver_id, body) VALUES (1, 'release 2.0 is out');
INSERT INTO attachment (notification_id, name) VALUES (1, 'notes.pdf'), (1, 'screenshot.png');

-- One notification for each of 100 receivers, each copy with its own
-- receiver and duplicate_value, and (cascade) its own two attachments.
CREATE TEMP TABLE sent AS
SELECT * FROM clone_rows('notification', ARRAY[1], cascade => true,
    overrides => (SELECT jsonb_agg(jsonb_build_object('receiver_id', id, 'duplicate_value', id * 10)
                                   ORDER BY id)
                  FROM receiver));
SELECT count(*) AS copies, min(copy), max(copy), count(DISTINCT new_key) AS distinct_keys,
       bool_and(old_key = 1) AS all_of_1
FROM sent;
-- copy k went to receiver k, with its own value, body copied
SELECT count(*) FILTER (WHERE n.receiver_id = s.copy) AS to_their_receiver,
       count(*) FILTER (WHERE n.duplicate_value = s.copy * 10) AS own_value,
       count(*) FILTER (WHERE n.body = 'release 2.0 is out') AS body_copied
FROM sent s JOIN notification n ON n.id = s.new_key;
SELECT count(*) AS attachments, count(DISTINCT a.notification_id) AS notifications,
       count(*) FILTER (WHERE a.name = 'notes.pdf') AS notes
FROM attachment a JOIN sent s ON s.new_key = a.notification_id;
-- copies' keys in copy order (SPEC "Order")
SELECT bool_and(new_key = first_key + copy - 1) AS keys_in_copy_order
FROM sent, (SELECT min(new_key) AS first_key FROM sent) f;

-- Several source rows: copy k of every row takes object k.  A qualified
-- column sets every copied row of its table in that copy.
INSERT INTO notification (receiver_id, body) VALUES (2, 'maintenance tonight')
RETURNING id AS second \gset
-- (The copies are visible to the statements after the call, not to the
-- one that makes them: keep the result first.)
CREATE TEMP TABLE sent2 AS
SELECT * FROM clone_rows('notification', ARRAY[:second, 1], cascade => true,
                overrides => '[{"receiver_id": 50, "attachment.name": "a.txt"},
                               {"receiver_id": 60, "attachment.name": "b.txt"}]');
SELECT old_key = 1 AS of_1, copy, n.receiver_id, n.body,
       (SELECT string_agg(a.name, ', ' ORDER BY a.id) FROM attachment a
        WHERE a.notification_id = n.id) AS attachments
FROM sent2 r JOIN notification n ON n.id = r.new_key
ORDER BY old_key DESC, copy;

-- Per-copy keys: a key column in the objects gives each copy its key.
SELECT * FROM clone_rows('notification', ARRAY[1],
                         overrides => '[{"id": 1001}, {"id": 1002}, {"id": 1003}]');
SELECT id, receiver_id FROM notification WHERE id > 1000 ORDER BY id;
-- Values convert as jsonb_populate_record would; JSON null is SQL NULL
-- (here refused by the NOT NULL constraint, and nothing is kept).
SELECT count(*) FROM clone_rows('notification', ARRAY[1],
                                overrides => '[{"receiver_id": "3"}, {"receiver_id": 4}]');
SELECT * FROM clone_rows('notification', ARRAY[1],
                         overrides => '[{"receiver_id": 5}, {"receiver_id": null}]');
SELECT count(*) AS notifications FROM notification;

-- Keys as the caller spells them: a quoted mixed-case column, and a
-- qualified name longer than a column name can be (63 bytes).
ALTER TABLE notification ADD COLUMN "Read At" timestamptz,
    ADD COLUMN a_column_name_that_is_long_enough_to_need_sixty_characters int;
SELECT count(*) FROM clone_rows('notification', ARRAY[1], overrides =>
    '[{"\"Read At\"": "2026-01-02 03:04:05+00",
       "rc_fanout.notification.a_column_name_that_is_long_enough_to_need_sixty_characters": 1},
      {"\"Read At\"": null,
       "rc_fanout.notification.a_column_name_that_is_long_enough_to_need_sixty_characters": 2}]');
SELECT to_char("Read At" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS read_at, a_column_name_that_is_long_enough_to_need_sixty_characters AS n
FROM notification WHERE a_column_name_that_is_long_enough_to_need_sixty_characters IS NOT NULL ORDER BY id;
SELECT count(*) FROM clone_rows('notification', ARRAY[1], overrides =>
    '[{"\"Read At\"": "2026-01-02 03:04:05+00"}, {"\"Read At\"": "2026-02-03 04:05:06+00"}]');
SELECT to_char("Read At" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS read_at FROM notification WHERE "Read At" IS NOT NULL ORDER BY id;

-- copies: NULL is one copy, or one per object; anything else with an array
-- is an error.
SELECT copy FROM clone_rows('notification', ARRAY[1], copies => NULL);
SELECT copy FROM clone_rows('notification', ARRAY[1], overrides => '[{"body": "x"}, {"body": "y"}]',
                            copies => 2);

-- Errors, before anything is written.
\set VERBOSITY default
SELECT * FROM clone_rows('notification', ARRAY[1], overrides => '[{"body": "x"}]', copies => 3);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('notification', ARRAY[1], overrides => '[]');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('notification', ARRAY[1], overrides => '[{"body": "x"}, 7]');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('notification', ARRAY[1],
                         overrides => '[{"body": "x"}, {"body": "y", "receiver_id": 2}]');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('notification', ARRAY[1], overrides => '[{"body": "x"}, {"text": "y"}]');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('notification', ARRAY[1], overrides => '[{"nope": 1}, {"nope": 2}]');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_rows('notification', ARRAY[1], overrides => '"x"');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- an array is for clone_rows: clone_row and clone_graph take one object
SELECT clone_row('notification', 1, overrides => '[{"body": "x"}]');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('notification', 1, overrides => '[{"body": "x"}]');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- two copies given one key collide: nothing is kept
SELECT * FROM clone_rows('notification', ARRAY[1], overrides => '[{"id": 2001}, {"id": 2001}]');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT count(*) AS notifications FROM notification;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rc_fanout CASCADE;
RESET client_min_messages;
