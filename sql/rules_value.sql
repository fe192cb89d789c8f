-- Copy rules: clone_set_value (SPEC "Copy rules", "What a copy gets" rule
-- 6). Every copy of a row of the table gets the rule's value, an SQL
-- expression over the source row: Django's auto_now_add (now()), a unique
-- slug made fresh, a key made by an expression. Rule 7 (overrides, reset)
-- beats it; it beats identities, defaults and remapping. The expression is
-- parsed once, when declared, checked like a CHECK constraint's, and kept
-- as a tree: a later search_path cannot change what it calls.
CREATE SCHEMA rval;
SET search_path = rval, public;

CREATE TABLE article (id bigserial PRIMARY KEY, title text NOT NULL,
                      slug text NOT NULL UNIQUE,
                      created_at timestamptz NOT NULL DEFAULT '2000-01-01',
                      words int GENERATED ALWAYS AS (length(title)) STORED);
CREATE TABLE para (id bigserial PRIMARY KEY,
                   article_id bigint NOT NULL REFERENCES article ON DELETE CASCADE,
                   body text, created_at timestamptz);
-- a key made by a rule: the code of the copy
CREATE TABLE label (code text PRIMARY KEY, name text);
INSERT INTO article (title, slug) VALUES ('Hello', 'hello');
INSERT INTO para (article_id, body, created_at) VALUES (1, 'p1', '2001-01-01'), (1, 'p2', '2001-01-01');
INSERT INTO label VALUES ('red', 'Red');
SELECT setval('article_id_seq', 10), setval('para_id_seq', 10);
CREATE SEQUENCE slug_seq;
CREATE SEQUENCE label_seq;

-- without rules the slug collides, and clone_plan says so
SELECT relation, key_source, warnings FROM clone_plan('article') ORDER BY depth;

SELECT clone_set_value('article', 'slug', 'slug || ''-'' || nextval(''rval.slug_seq'')');
SELECT clone_set_value('article', 'created_at', 'now()');
SELECT clone_set_value('para', 'created_at', 'now()');
SELECT clone_set_value('label', 'code', 'code || ''-'' || nextval(''rval.label_seq'')');
SELECT relation, kind, columns, detail FROM clone_rules() ORDER BY relation::text, columns;
SELECT relation, key_source, fresh_columns, copied_columns, warnings FROM clone_plan('article')
ORDER BY depth;
SELECT relation, key_source, problem FROM clone_plan('label');

-- every shape: the one-row INSERT, a cascade, many copies, clone_graph
SELECT clone_row('article', 1);
SELECT clone_row('article', 1, cascade => true);
SELECT count(*) FROM clone_rows('article', ARRAY[1]::bigint[], copies => 2, cascade => true);
SELECT count(*) FROM clone_graph('article', 1);
SELECT id, slug, created_at > now() - interval '1 hour' AS now_ish, words FROM article ORDER BY id;
SELECT article_id, body, created_at > now() - interval '1 hour' AS now_ish FROM para ORDER BY id;
-- a key by rule, made by the INSERT (one row) and in C (several rows)
SELECT clone_row('label', 'red'::text);
SELECT old_key, new_key FROM clone_rows('label', ARRAY['red'], copies => 2);
SELECT code, name FROM label ORDER BY code;
-- the same request three ways (the rule's values differ per call: leave
-- them out of the comparison)
SELECT * FROM regress.three_ways('article', 1::bigint, ignore => '{id, slug, created_at}');

-- overrides and reset beat the rule
SELECT clone_row('article', 1, overrides => '{"slug": "chosen"}', reset => '{created_at}');
SELECT slug, created_at FROM article WHERE slug = 'chosen';

-- a hostile search_path cannot redirect the declared functions: the rule
-- calls pg_catalog.now() and the sequence it named
CREATE SCHEMA evil;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '1999-01-01'::timestamptz$$;
CREATE FUNCTION evil.nextval(regclass) RETURNS bigint LANGUAGE sql AS $$SELECT -1::bigint$$;
SET search_path = evil, pg_catalog, rval, public;
SELECT clone_row('rval.article', 1) AS copy \gset
SELECT slug NOT LIKE '%--1' AS own_sequence, created_at > '2020-01-01' AS own_now
FROM rval.article WHERE id = :copy;
SET search_path = rval, public;

-- errors: unknown column (42703), wrong type (42804), subquery, aggregate,
-- more than an expression, a generated column (428C9), not the owner (42501)
\set VERBOSITY default
SELECT clone_set_value('article', 'slug', 'nosuch || ''x''');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_value('article', 'created_at', '42');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_value('article', 'title', '(SELECT ''x'')');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_value('article', 'title', 'max(title)');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_value('article', 'title', '''x'') FROM pg_class WHERE (true');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_value('article', 'words', '1');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_value('article', 'nope', '1');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT clone_set_value('article', NULL, '1');
\echo sqlstate :LAST_ERROR_SQLSTATE
CREATE ROLE regress_rowclone_rval;
GRANT USAGE ON SCHEMA rval TO regress_rowclone_rval;
SET ROLE regress_rowclone_rval;
SELECT clone_set_value('article', 'title', '''x''');
\echo sqlstate :LAST_ERROR_SQLSTATE
RESET ROLE;
\set VERBOSITY terse

-- NULL removes a rule; a dropped column takes its rule with it
SELECT clone_set_value('article', 'created_at', NULL);
ALTER TABLE para DROP COLUMN created_at;
SELECT relation, kind, columns FROM clone_rules() ORDER BY relation::text, columns;
SELECT clone_row('article', 1, cascade => true) > 0 AS copied;

-- a rule may read the whole row and tableoid, as a CHECK constraint may
CREATE TABLE note (id serial PRIMARY KEY, body text);
INSERT INTO note (body) VALUES ('n');
SELECT clone_set_value('note', 'body', 'tableoid::regclass::text || '' '' || (note.*)::text');
SELECT clone_row('note', 1) AS k1 \gset
SELECT new_key AS k2 FROM clone_rows('note', ARRAY[1]) \gset
SELECT id, body FROM note WHERE id IN (:k1, :k2) ORDER BY id;
SELECT detail FROM clone_rules() WHERE relation = 'note'::regclass;

-- rowclone_value is for the statements rowclone generates: any other call
-- is refused with an error, never evaluated over a row of another type
SELECT public.rowclone_value('article'::regclass, 3::int2, 1, NULL::text);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT public.rowclone_value('article'::regclass, 3::int2, a, NULL::int) FROM article a;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT public.rowclone_value('article'::regclass, 2::int2, a, NULL::text) FROM article a;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT public.rowclone_value(0, 2::int2, 1, NULL::text);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT public.rowclone_value(NULL, 2::int2, 1, NULL::text);
\echo sqlstate :LAST_ERROR_SQLSTATE

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rval CASCADE;
DROP SCHEMA evil CASCADE;
DROP ROLE regress_rowclone_rval;
RESET client_min_messages;
