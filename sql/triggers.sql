--
-- triggers: clone_row called from trigger functions and PL/pgSQL, user
-- triggers firing for the copies, and failed clones inside an exception
-- block leaving nothing behind.
--
CREATE SCHEMA rowclone_triggers;
SET search_path = rowclone_triggers, public;

--
-- An AFTER INSERT trigger that clones a row of another table: every new
-- order request gets its own copy of the template document it names.
--
CREATE TABLE template (
	id serial PRIMARY KEY,
	title text NOT NULL,
	body text NOT NULL,
	is_template boolean NOT NULL DEFAULT true
);
CREATE TABLE order_request (
	id integer PRIMARY KEY,
	template_id integer NOT NULL,
	document_id integer
);
CREATE FUNCTION order_request_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE order_request
	   SET document_id = clone_row('template', NEW.template_id,
			jsonb_build_object('is_template', false,
							   'title', 'order ' || NEW.id))
	 WHERE id = NEW.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER order_request_document AFTER INSERT ON order_request
	FOR EACH ROW EXECUTE FUNCTION order_request_document();
INSERT INTO template VALUES (1, 'invoice', 'Pay us.'), (2, 'receipt', 'Thanks.');
SELECT setval('template_id_seq', 100);

-- One request: one copy of template 1, linked from the request.
INSERT INTO order_request (id, template_id) VALUES (1, 1);
-- A multi-row INSERT: the trigger clones once per row.
INSERT INTO order_request (id, template_id) VALUES (2, 2), (3, 1);
SELECT * FROM order_request ORDER BY id;
SELECT * FROM template ORDER BY id;

-- A request naming a template that does not exist: the clone's P0002 error
-- aborts the INSERT, which leaves no request and no copy.
INSERT INTO order_request (id, template_id) VALUES (4, 999);
SELECT count(*) AS requests FROM order_request;
SELECT count(*) AS templates FROM template;

--
-- User triggers on the cloned table fire for the copy as for any INSERT:
-- statement and row triggers, BEFORE triggers can change the copy, AFTER
-- triggers see it.
--
CREATE TABLE item (
	id bigserial PRIMARY KEY,
	name text NOT NULL,
	stamp text
);
CREATE TABLE item_log (
	n serial PRIMARY KEY,
	event text NOT NULL,
	item_id bigint,
	name text,
	stamp text,
	visible boolean
);
CREATE FUNCTION item_before_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO item_log (event, item_id, name, stamp)
		VALUES ('before row', NEW.id, NEW.name, NEW.stamp);
	NEW.stamp := 'stamped ' || NEW.name;
	-- keys above 1000 are moved up by another 1000
	IF NEW.id > 1000 THEN
		NEW.id := NEW.id + 1000;
	END IF;
	RETURN NEW;
END
$$;
CREATE FUNCTION item_after_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO item_log (event, item_id, name, stamp, visible)
		VALUES ('after row', NEW.id, NEW.name, NEW.stamp,
				EXISTS (SELECT FROM item WHERE id = NEW.id));
	RETURN NULL;
END
$$;
CREATE FUNCTION item_statement() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO item_log (event) VALUES (lower(TG_WHEN) || ' statement');
	RETURN NULL;
END
$$;
CREATE TRIGGER item_before_row BEFORE INSERT ON item
	FOR EACH ROW EXECUTE FUNCTION item_before_row();
CREATE TRIGGER item_after_row AFTER INSERT ON item
	FOR EACH ROW EXECUTE FUNCTION item_after_row();
CREATE TRIGGER item_before_statement BEFORE INSERT ON item
	FOR EACH STATEMENT EXECUTE FUNCTION item_statement();
CREATE TRIGGER item_after_statement AFTER INSERT ON item
	FOR EACH STATEMENT EXECUTE FUNCTION item_statement();
ALTER TABLE item DISABLE TRIGGER USER;
INSERT INTO item VALUES (1, 'lamp', 'original stamp');
ALTER TABLE item ENABLE TRIGGER USER;
SELECT setval('item_id_seq', 10, false);

-- The BEFORE row trigger sees the copy with its fresh key and the source's
-- values and replaces the stamp; the AFTER row trigger sees the stored
-- copy; each statement trigger fires once.
SELECT clone_row('item', 1);
SELECT * FROM item ORDER BY id;
SELECT * FROM item_log ORDER BY n;
-- the same through clone_rows and clone_graph (regress.three_ways, sql/setup.sql)
SELECT * FROM regress.three_ways('item', 1, shown => '{item, item_log}');

-- A BEFORE trigger that changes the key: the result is the key the copy
-- was stored under, not the default it was given.
SELECT setval('item_id_seq', 1001, false);
SELECT clone_row('item', 1);
SELECT id, name, stamp FROM item WHERE id > 1000 ORDER BY id;

-- overrides are applied before the BEFORE trigger runs (the trigger sees
-- the overridden name, and the stamp it sets wins over the override).
TRUNCATE item_log;
SELECT setval('item_id_seq', 20, false);
SELECT clone_row('item', 1, '{"name": "desk", "stamp": "from overrides"}');
SELECT * FROM item WHERE id = 20;
SELECT event, item_id, name, stamp, visible FROM item_log ORDER BY n;
SELECT * FROM regress.three_ways('item', 1, '{"name": "desk", "stamp": "from overrides"}',
                                 shown => '{item, item_log}');

-- A BEFORE trigger that suppresses the copy (returns NULL): nothing is
-- written, and clone_row raises an error (it has no copy whose key it could
-- return).  Only the fact that it fails is checked here: the message should
-- not claim that the source row is missing, which it is not.
CREATE FUNCTION item_skip() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RETURN NULL;
END
$$;
CREATE TRIGGER item_skip BEFORE INSERT ON item
	FOR EACH ROW EXECUTE FUNCTION item_skip();
SELECT count(*) FROM item;
DO $$
DECLARE
	k bigint;
BEGIN
	k := clone_row('item', 1);
	RAISE NOTICE 'clone_row returned %', coalesce(k::text, 'NULL');
EXCEPTION WHEN others THEN
	RAISE NOTICE 'clone_row raised an error';
END
$$;
SELECT count(*) FROM item;
SELECT * FROM regress.three_ways('item', 1);
DROP TRIGGER item_skip ON item;

--
-- Nested clones: a trigger on the cloned table clones a row of another
-- table (every new project gets a copy of the default settings), and a
-- trigger that clones rows of its own table.
--
CREATE TABLE settings (
	id serial PRIMARY KEY,
	project_id integer,
	theme text NOT NULL
);
CREATE TABLE project (id serial PRIMARY KEY, name text NOT NULL);
CREATE FUNCTION project_settings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM clone_row('settings', 1, jsonb_build_object('project_id', NEW.id));
	RETURN NULL;
END
$$;
CREATE TRIGGER project_settings AFTER INSERT ON project
	FOR EACH ROW EXECUTE FUNCTION project_settings();
INSERT INTO settings VALUES (1, NULL, 'dark');
SELECT setval('settings_id_seq', 50, false);
INSERT INTO project VALUES (1, 'alpha');
SELECT setval('project_id_seq', 10, false);
-- Cloning project 1 clones the settings row from inside the clone.
SELECT clone_row('project', 1);
SELECT clone_row('project', 1, '{"name": "beta"}');
SELECT * FROM project ORDER BY id;
SELECT * FROM settings ORDER BY id;
SELECT * FROM regress.three_ways('project', 1, '{"name": "gamma"}', shown => '{project, settings}');

-- Recursion through the same cached plan: every copy of a node whose
-- generation is below 3 clones itself once more from its AFTER trigger.
CREATE TABLE node (id serial PRIMARY KEY, generation integer NOT NULL, origin integer);
CREATE FUNCTION node_again() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.generation < 3 THEN
		PERFORM clone_row('node', NEW.id,
			jsonb_build_object('generation', NEW.generation + 1, 'origin', NEW.id));
	END IF;
	RETURN NULL;
END
$$;
INSERT INTO node VALUES (1, 0, NULL);
CREATE TRIGGER node_again AFTER INSERT ON node
	FOR EACH ROW EXECUTE FUNCTION node_again();
SELECT setval('node_id_seq', 100, false);
SELECT clone_row('node', 1, '{"generation": 1, "origin": 1}');
SELECT * FROM node ORDER BY id;
SELECT * FROM regress.three_ways('node', 1, '{"generation": 1, "origin": 1}');

--
-- A clone that fails inside a PL/pgSQL exception block leaves no rows:
-- the failing statement's subtransaction is rolled back whole.
--
CREATE TABLE place (
	id serial PRIMARY KEY,
	name text NOT NULL CHECK (name <> '')
);
CREATE TABLE restaurant (
	place_ptr_id integer PRIMARY KEY REFERENCES place,
	seats integer NOT NULL CHECK (seats > 0)
);
INSERT INTO place VALUES (1, 'diner');
INSERT INTO restaurant VALUES (1, 40);
SELECT setval('place_id_seq', 10, false);
CREATE FUNCTION try_clone(overrides jsonb) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	RETURN 'cloned as ' || clone_row('restaurant', 1, overrides);
EXCEPTION WHEN others THEN
	RETURN 'failed: ' || SQLSTATE || ' ' || SQLERRM;
END
$$;

-- The copy of the parent row itself violates a CHECK constraint.
SELECT try_clone('{"place.name": ""}');
-- The parent copy is inserted, then the child copy violates its CHECK
-- constraint: the parent copy must not remain.
SELECT try_clone('{"seats": 0}');
-- An override that does not convert to the column's type.
SELECT try_clone('{"seats": "many"}');
SELECT count(*) AS places FROM place;
SELECT count(*) AS restaurants FROM restaurant;
SELECT * FROM regress.three_ways('restaurant', 1, '{"place.name": ""}', shown => '{place, restaurant}');
SELECT * FROM regress.three_ways('restaurant', 1, '{"seats": 0}', shown => '{place, restaurant}');
SELECT * FROM regress.three_ways('restaurant', 1, '{"seats": "many"}', shown => '{place, restaurant}');
SELECT * FROM regress.three_ways('restaurant', 1, '{"seats": 12}', shown => '{place, restaurant}');
-- The same function succeeds afterwards, and the rows are exactly the
-- source and one copy.
SELECT try_clone('{"seats": 12}');
SELECT * FROM place ORDER BY id;
SELECT * FROM restaurant ORDER BY place_ptr_id;

-- Several clones in one exception block: the second fails, so the first
-- one's copy is rolled back too.
DO $$
BEGIN
	BEGIN
		PERFORM clone_row('restaurant', 1);
		PERFORM clone_row('restaurant', 1, '{"seats": -1}');
	EXCEPTION WHEN check_violation THEN
		RAISE NOTICE 'caught %', SQLSTATE;
	END;
END
$$;
SELECT count(*) AS places FROM place;
SELECT count(*) AS restaurants FROM restaurant;

-- A failure raised by a user trigger of the child table after the parent
-- copy was written also removes the parent copy.
CREATE FUNCTION restaurant_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'no more restaurants' USING ERRCODE = 'P0001';
END
$$;
CREATE TRIGGER restaurant_refuse BEFORE INSERT ON restaurant
	FOR EACH ROW EXECUTE FUNCTION restaurant_refuse();
SELECT try_clone(NULL);
SELECT count(*) AS places FROM place;
SELECT count(*) AS restaurants FROM restaurant;
SELECT * FROM regress.three_ways('restaurant', 1, shown => '{place, restaurant}');

-- A BEFORE INSERT trigger that returns NULL suppresses the copy: the error
-- says so (the source row exists), and nothing is written.
CREATE TABLE skipped (id serial PRIMARY KEY, v text);
INSERT INTO skipped VALUES (1, 'x');
CREATE FUNCTION skip_row() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE TRIGGER skip_row BEFORE INSERT ON skipped FOR EACH ROW EXECUTE FUNCTION skip_row();
SELECT clone_row('skipped', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
-- the same condition, the same message, through the set functions
SELECT * FROM clone_rows('skipped', ARRAY[1]);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT * FROM clone_graph('skipped', 1);
SELECT clone_row('skipped', 1, cascade => true);
SELECT count(*) AS skipped_rows FROM skipped;
SELECT * FROM regress.three_ways('skipped', 1);

-- A BEFORE INSERT trigger that moves the key: the one-row shape follows it
-- (clone_row, and clone_rows of one key with one copy and no cascade: the
-- key returned is the row that exists); the set shape (more keys or
-- copies, cascades, clone_graph) cannot (other copies already point at the
-- key it made) and says so, naming the table, with nothing written. A
-- trigger that leaves the key alone is fine.
CREATE TABLE moved (id serial PRIMARY KEY, v text);
CREATE TABLE moved_child (id serial PRIMARY KEY,
                          moved_id int NOT NULL REFERENCES moved ON DELETE CASCADE);
INSERT INTO moved VALUES (1, 'x');
INSERT INTO moved_child VALUES (1, 1);
SELECT setval('moved_id_seq', 10), setval('moved_child_id_seq', 10);
CREATE FUNCTION move_key() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN NEW.id := NEW.id + 1000; RETURN NEW; END$$;
CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN NEW.v := NEW.v || ' (touched)'; RETURN NEW; END$$;
CREATE TRIGGER move_key BEFORE INSERT ON moved FOR EACH ROW WHEN (NEW.id > 1)
	EXECUTE FUNCTION move_key();
SELECT clone_row('moved', 1);
SELECT * FROM clone_rows('moved', ARRAY[1]);
SELECT * FROM clone_rows('moved', ARRAY[1], copies => 2);
SELECT * FROM clone_graph('moved', 1);
SELECT clone_row('moved', 1, cascade => true);
SELECT * FROM moved ORDER BY id;
SELECT count(*) AS child_rows FROM moved_child;
-- three ways: the one-row shape (clone_row, clone_rows of one key) follows
-- the moved key, clone_graph (the set shape) refuses
SELECT * FROM regress.three_ways('moved', 1);
DROP TRIGGER move_key ON moved;
CREATE TRIGGER touch_row BEFORE INSERT ON moved FOR EACH ROW EXECUTE FUNCTION touch_row();
SELECT old_key, new_key FROM clone_rows('moved', ARRAY[1], cascade => true);
SELECT m.id, m.v, c.id AS child FROM moved m LEFT JOIN moved_child c ON c.moved_id = m.id
 ORDER BY m.id;
SELECT * FROM regress.three_ways('moved', 1);

-- A nested clone that invalidates the plan its caller is running.  The
-- outer clone of t (is-a chain t -> p -> gp) fires a trigger on gp's copy
-- that drops t's is-a link and clones t again: the nested call plans anew
-- (t alone, its key from its default), the outer one finishes with the plan
-- it started with.
CREATE TABLE nest_gp (id bigserial PRIMARY KEY, tag text);
CREATE TABLE nest_p (id bigint PRIMARY KEY REFERENCES nest_gp, tag text);
CREATE SEQUENCE nest_t_seq START 500;
CREATE TABLE nest_t (id bigint PRIMARY KEY DEFAULT nextval('nest_t_seq')
                     CONSTRAINT nest_t_isa REFERENCES nest_p, tag text);
INSERT INTO nest_gp VALUES (1, 'outer'), (2, 'inner');
INSERT INTO nest_p VALUES (1, 'outer'), (2, 'inner');
INSERT INTO nest_t VALUES (1, 'outer'), (2, 'inner');
SELECT setval('nest_gp_id_seq', 100);
CREATE TABLE nest_log (nested_key bigint);
CREATE FUNCTION nest_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tag = 'outer' THEN
        ALTER TABLE nest_t DROP CONSTRAINT nest_t_isa;
        INSERT INTO nest_log SELECT clone_row('nest_t', 2::bigint);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER nest AFTER INSERT ON nest_gp FOR EACH ROW EXECUTE FUNCTION nest_trigger();
SELECT clone_row('nest_t', 1::bigint);   -- the outer clone: a chain of three
SELECT * FROM nest_log;
SELECT 'gp' AS t, * FROM nest_gp UNION ALL SELECT 'p', * FROM nest_p
UNION ALL SELECT 't', * FROM nest_t ORDER BY 1, 2;
-- later calls run the plan the nested call built: t alone, no new gp or p rows
SELECT clone_row('nest_t', 2::bigint);
SELECT * FROM nest_t ORDER BY id;

-- A trigger that clones its own table without a guard: each level adds a
-- clone.  The error keeps its context short: no generated SQL, and in a
-- deep nest only the first and last five clones.  (Stopped here at 20
-- levels by the trigger itself; unguarded, it ends in "stack depth limit
-- exceeded" with the same shape of context.)
CREATE TABLE echo (id bigserial PRIMARY KEY, v text);
CREATE FUNCTION echo_again() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM echo) >= 20 THEN
        RAISE EXCEPTION 'echo is % rows deep', (SELECT count(*) FROM echo);
    END IF;
    PERFORM clone_row('echo', NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER echo AFTER INSERT ON echo FOR EACH ROW EXECUTE FUNCTION echo_again();
INSERT INTO echo (v) VALUES ('first');
SELECT count(*) AS echo_rows FROM echo;

-- Clean up.
DROP SCHEMA rowclone_triggers CASCADE;
RESET search_path;
