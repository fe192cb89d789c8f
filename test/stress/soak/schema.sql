-- test/stress/soak/schema.sql: the soak's tables. Projects 1 .. :projects
-- are sources (the workload deletes, recreates and changes them); every copy
-- is marked is_copy and never changed afterwards, so each copy can be checked
-- against the source counts logged in the snapshot it was cloned from.
CREATE EXTENSION IF NOT EXISTS rowclone;
CREATE TABLE project (
	id bigserial PRIMARY KEY,
	name text NOT NULL,
	is_copy boolean NOT NULL DEFAULT false
);
CREATE TABLE task (
	id bigserial PRIMARY KEY,
	project_id bigint NOT NULL REFERENCES project ON DELETE CASCADE,
	title text NOT NULL,
	done boolean NOT NULL DEFAULT false
);
CREATE INDEX ON task (project_id);
CREATE TABLE comment (
	id bigserial PRIMARY KEY,
	task_id bigint NOT NULL REFERENCES task ON DELETE CASCADE,
	body text NOT NULL
);
CREATE INDEX ON comment (task_id);
-- one row per copy: what its source had in the clone's snapshot
CREATE TABLE clone_log (
	kind text NOT NULL,
	source bigint NOT NULL,
	copy bigint NOT NULL,
	tasks bigint NOT NULL,
	comments bigint NOT NULL
);
CREATE FUNCTION source_counts(p bigint, OUT tasks bigint, OUT comments bigint)
LANGUAGE sql STABLE AS $$
	SELECT (SELECT count(*) FROM task WHERE project_id = p),
	       (SELECT count(*) FROM comment c JOIN task t ON t.id = c.task_id WHERE t.project_id = p)
$$;
INSERT INTO project (id, name) SELECT g, 'project ' || g FROM generate_series(1, :projects) g;
SELECT setval('project_id_seq', :projects);
INSERT INTO task (project_id, title) SELECT p, 'task ' || t
  FROM generate_series(1, :projects) p, generate_series(1, 20) t;
INSERT INTO comment (task_id, body) SELECT t.id, 'comment ' || c FROM task t, generate_series(1, 2) c;
VACUUM ANALYZE;
