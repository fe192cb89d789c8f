-- test/bench/chain/schema.sql: a self-referencing chain of :rows rows, each
-- the parent of the next (row 1 the head), with an index on the reference,
-- as an application would have.
CREATE TABLE chain (
	id bigserial PRIMARY KEY,
	parent_id bigint REFERENCES chain,
	name text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chain_parent_id_idx ON chain (parent_id);
INSERT INTO chain (id, parent_id, name)
SELECT g, NULLIF(g - 1, 0), 'step ' || g FROM generate_series(1, :rows) g;
SELECT setval('chain_id_seq', :rows);
VACUUM ANALYZE chain;
