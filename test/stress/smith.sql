-- test/stress/smith.sql: makes rowclone's functions reachable for sqlsmith.
--
-- sqlsmith only calls functions that return a single value (it skips every
-- set-returning function: clone_rows, clone_graph, clone_plan) and cannot
-- produce an argument for a polymorphic (anycompatible) parameter, so it
-- never calls clone_row itself. These monomorphic wrappers make all four
-- reachable, with every option passed through unchanged from whatever
-- sqlsmith generates (NULLs, random columns, random jsonb, huge copies ...).
-- sqlsmith picks a function uniformly from the ~3000 in the catalog, so each
-- wrapper exists in :copies numbered copies (rcw.clone_row_int8_1, _2, ...)
-- to make calls to rowclone a sizable share of the generated queries.
-- gen.py --setup-only has made the schemas, the data and public.rc_target,
-- a table of valid (rel, key, options) that sqlsmith reads arguments from.

CREATE SCHEMA rcw;
-- non-transactional counters (sqlsmith rolls every statement back): calls
-- that reached rowclone, and calls that returned
CREATE SEQUENCE rcw.calls;
CREATE SEQUENCE rcw.returned;

-- row i (modulo their number) of public.rc_target
CREATE FUNCTION rcw.target(i int8) RETURNS SETOF public.rc_target LANGUAGE sql STABLE AS $$
    SELECT * FROM public.rc_target
    ORDER BY ctid OFFSET (abs(coalesce(i, 0)) % greatest((SELECT count(*) FROM public.rc_target), 1))
    LIMIT 1
$$;

DO $do$
DECLARE
    n int := current_setting('rcw.copies')::int;
    i int;
    w record;
    opts text := 'overrides jsonb, reset text[], cascade bool, skip regclass[], max_depth int4';
    pass text := 'overrides, reset, cascade, skip, max_depth';
BEGIN
    FOR w IN SELECT * FROM (VALUES
        -- name, arguments, result type, expression
        ('clone_row_int8', 'rel regclass, key int8, ' || opts, 'int8',
         'public.clone_row(rel, key, ' || pass || ')'),
        ('clone_row_text', 'rel regclass, key text, ' || opts, 'text',
         'public.clone_row(rel, key, ' || pass || ')'),
        ('clone_row_jsonb', 'rel regclass, key jsonb, ' || opts, 'jsonb',
         'public.clone_row(rel, key, ' || pass || ')'),
        ('clone_row_ok', 'rel regclass, key int8', 'bool',
         'public.clone_row(rel, key, cascade => true) IS NOT NULL'),
        ('clone_rows_int8', 'rel regclass, keys int8[], ' || opts || ', copies int4', 'int8',
         '(SELECT count(*) FROM public.clone_rows(rel, keys, ' || pass || ', copies))'),
        ('clone_rows_text', 'rel regclass, keys text[], ' || opts || ', copies int4', 'jsonb',
         '(SELECT jsonb_agg(r) FROM public.clone_rows(rel, keys, ' || pass || ', copies) r)'),
        ('clone_graph_text', 'rel regclass, key text, ' || opts, 'jsonb',
         '(SELECT jsonb_agg(g) FROM public.clone_graph(rel, key, ' || pass || ') g)'),
        ('clone_graph_int8', 'rel regclass, key int8, ' || opts, 'int8',
         '(SELECT count(*) FROM public.clone_graph(rel, key, ' || pass || '))'),
        ('clone_plan', 'rel regclass, cascade bool, skip regclass[], max_depth int4', 'jsonb',
         '(SELECT jsonb_agg(p) FROM public.clone_plan(rel, cascade, skip, max_depth) p)'),
        -- guided: a valid (rel, key) from rc_target picked by i, the options
        -- as sqlsmith makes them
        ('clone_target', 'i int8, overrides jsonb, cascade bool, max_depth int4', 'text',
         '(SELECT public.clone_row(t.rel, t.kt, overrides, NULL, coalesce(cascade, true), t.sk, max_depth)
           FROM rcw.target(i) t)'),
        ('clone_target_rows', 'i int8, overrides jsonb, copies int4', 'int8',
         '(SELECT count(*) FROM rcw.target(i) t, public.clone_rows(t.rel, ARRAY[t.kt, t.kt], overrides,
           t.rs, t.cas, t.sk, t.md, coalesce(copies, t.n)))'),
        ('clone_target_graph', 'i int8, reset text[], skip regclass[]', 'int8',
         '(SELECT count(*) FROM rcw.target(i) t, public.clone_graph(t.rel, t.kj, t.ov, reset, true,
           skip, t.md))')
    ) AS v(name, args, rettype, expr)
    LOOP
        FOR i IN 1..n LOOP
            EXECUTE format($f$CREATE FUNCTION rcw.%I(%s) RETURNS %s LANGUAGE plpgsql VOLATILE AS $b$
DECLARE result_ %s;
BEGIN
    PERFORM nextval('rcw.calls');
    result_ := %s;
    PERFORM nextval('rcw.returned');
    RETURN result_;
END
$b$$f$, w.name || '_' || i, w.args, w.rettype, w.rettype, w.expr);
        END LOOP;
    END LOOP;
END
$do$;
