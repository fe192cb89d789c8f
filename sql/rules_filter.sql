-- Copy rules: clone_set_filter (SPEC "Copy rules", "Cascade"). Rows of a
-- table that a cascade reaches are copied only where the condition holds on
-- the source row (soft-deleted rows stay behind); rows a call names are
-- always copied, and so is an is-a parent a copy needs.
CREATE SCHEMA rfil;
SET search_path = rfil, public;

CREATE TABLE folder (id bigserial PRIMARY KEY, name text, parent_id bigint REFERENCES folder,
                     deleted_at timestamptz);
CREATE TABLE note (id bigserial PRIMARY KEY, folder_id bigint NOT NULL REFERENCES folder,
                   body text, deleted_at timestamptz);
-- a keyless child: found by its INSERT, filtered there
CREATE TABLE note_log (note_id bigint NOT NULL REFERENCES note, line text, hidden boolean);
INSERT INTO folder (name, parent_id, deleted_at) VALUES
    ('root', NULL, NULL), ('kept', 1, NULL), ('trashed', 1, now()), ('under trashed', 3, NULL);
INSERT INTO note (folder_id, body, deleted_at) VALUES
    (1, 'a', NULL), (1, 'b (deleted)', now()), (2, 'c', NULL), (3, 'd', NULL);
INSERT INTO note_log VALUES (1, 'shown', false), (1, 'hidden', true), (3, 'shown', false);
SELECT setval('folder_id_seq', 100), setval('note_id_seq', 100);

SELECT clone_set_filter('note', 'deleted_at IS NULL');
SELECT clone_set_filter('folder', 'deleted_at IS NULL');
SELECT clone_set_filter('note_log', 'NOT hidden');
SELECT relation, kind, columns, detail FROM clone_rules() ORDER BY relation::text;

-- the subtree without the trashed folder (and what is below it), the
-- notes without the deleted one, the logs without the hidden line
SELECT clone_row('folder', 1, cascade => true);
SELECT id, name, parent_id FROM folder WHERE id > 100 ORDER BY id;
SELECT id, folder_id, body FROM note WHERE id > 100 ORDER BY id;
SELECT note_id, line FROM note_log WHERE note_id > 100 ORDER BY note_id, line;
-- a row the call names is copied, filter or not
SELECT clone_row('folder', 3) > 100 AS named_row_copied;
SELECT count(*) FROM clone_rows('note', ARRAY[2]::bigint[]);
-- the same three ways
SELECT * FROM regress.three_ways('folder', 3::bigint, ignore => '{id, deleted_at}');

-- errors: not boolean (42804), unknown column (42703)
\set VERBOSITY default
SELECT clone_set_filter('note', 'body');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_filter('note', 'gone IS NULL');
\echo sqlstate :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- NULL removes it; a dropped column the filter reads leaves it unused
SELECT clone_set_filter('note_log', NULL);
ALTER TABLE note DROP COLUMN deleted_at;
SELECT count(*) AS notes_before FROM note \gset
SELECT clone_row('folder', 1, cascade => true) > 0 AS copied;
SELECT count(*) - :notes_before AS notes_copied FROM note;
SELECT relation, kind, detail FROM clone_rules() ORDER BY relation::text;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rfil CASCADE;
RESET client_min_messages;
