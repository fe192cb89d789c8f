-- test/bench/copies/schema.sql: the many-copies benchmark's schema (psql
-- variable template_items: items of the template besides its root).
--
-- A notification and the receivers it is fanned out to; a template whose
-- items reference the template (ON DELETE CASCADE: owned) and the item
-- before them (prev_id: references between the copied rows).
CREATE TABLE receiver (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO receiver (name) SELECT 'user ' || i FROM generate_series(1, 10000) i;
CREATE TABLE notification (id bigserial PRIMARY KEY,
                           receiver_id int NOT NULL REFERENCES receiver,
                           duplicate_value int NOT NULL DEFAULT 0,
                           subject text NOT NULL, body text NOT NULL,
                           created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO notification (receiver_id, subject, body)
VALUES (1, 'release 2.0', repeat('The new release is out. ', 8));
-- the fan-out's inputs, made before the clock: one object per receiver for
-- clone_rows, the receivers' ids for the hand-written INSERT
CREATE TABLE fanout_input (n int PRIMARY KEY, overrides jsonb NOT NULL, receivers int[] NOT NULL);
INSERT INTO fanout_input
SELECT n, (SELECT jsonb_agg(jsonb_build_object('receiver_id', id, 'duplicate_value', id * 10) ORDER BY id)
           FROM receiver WHERE id <= n),
          (SELECT array_agg(id ORDER BY id) FROM receiver WHERE id <= n)
FROM unnest(ARRAY[100, 10000]) n;

CREATE TABLE template (id bigserial PRIMARY KEY, name text NOT NULL,
                       created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE template_item (id bigserial PRIMARY KEY,
                            template_id bigint NOT NULL REFERENCES template ON DELETE CASCADE,
                            prev_id bigint REFERENCES template_item ON DELETE SET NULL,
                            label text NOT NULL, position int NOT NULL);
CREATE INDEX ON template_item (template_id);
CREATE INDEX ON template_item (prev_id);
INSERT INTO template (name) VALUES ('onboarding');
INSERT INTO template_item (template_id, prev_id, label, position)
SELECT 1, NULLIF(i - 1, 0), 'step ' || i, i FROM generate_series(1, :template_items) i;
ANALYZE;
