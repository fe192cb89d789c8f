-- rowclone regression tests start here: every later test assumes the extension.
CREATE EXTENSION rowclone;

-- The SQL interface is the contract: names, argument names, defaults, volatility.
\x on
SELECT p.proname,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       p.provolatile, p.proparallel, p.prosecdef, p.proisstrict
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.objid = p.oid AND d.classid = 'pg_catalog.pg_proc'::regclass
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rowclone'
ORDER BY p.proname;
\x off

--
-- regress.three_ways(rel, key, overrides, reset, shown, ignore): one request
-- made three ways, clone_row(rel, key, ...), clone_rows(rel, ARRAY[key], ...)
-- and clone_graph(rel, key, ..., cascade => false), which must give the same
-- copies or the same error (SPEC "one rule set"). Each call runs in its own
-- subtransaction, which is rolled back, and the sequences are then set back
-- to where they were: each call draws the same keys, and none leaves anything
-- behind. The result has one row per distinct outcome: a single row with
-- ways = 'all three' when they agree, otherwise one row per group of ways.
-- An outcome is either the rows the call created in the tables of shown
-- (default: rel alone; name the is-a parents too), one line per row,
-- "table: {columns in order, without those in ignore}", or the error:
-- SQLSTATE, message, detail, hint (not the context line).
--
CREATE SCHEMA regress;
GRANT USAGE ON SCHEMA regress TO PUBLIC;

-- The snapshot and the new rows are read by the suite's superuser (SECURITY
-- DEFINER), so that a role under test that may not read a table, or not all
-- of its rows, still has its copies shown. A relation that is no table (a
-- view, an index ... passed as rel) has no rows to show.
CREATE FUNCTION regress.snapshot(tables regclass[]) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    t regclass;
    s jsonb;
    tids jsonb := '[]';
    seqs jsonb := '{}';
BEGIN
    FOR t IN SELECT u.t FROM unnest(tables) WITH ORDINALITY AS u(t, n) JOIN pg_class c ON c.oid = u.t
             WHERE c.relkind IN ('r', 'p') ORDER BY u.n LOOP
        EXECUTE format('SELECT jsonb_agg(format(''%%s:%%s'', tableoid, ctid)) FROM %s', t) INTO s;
        tids := tids || coalesce(s, '[]');
    END LOOP;
    FOR t IN SELECT oid FROM pg_class
             WHERE relkind = 'S' AND NOT pg_is_other_temp_schema(relnamespace) LOOP
        EXECUTE format('SELECT jsonb_build_array(last_value, is_called) FROM %s', t) INTO s;
        seqs := seqs || jsonb_build_object(t::oid::text, s);
    END LOOP;
    RETURN jsonb_build_object('tids', tids, 'sequences', seqs);
END $$;

-- setval is not rolled back: put every sequence back where the snapshot saw it
CREATE FUNCTION regress.restore_sequences(snapshot jsonb) RETURNS void
LANGUAGE sql SECURITY DEFINER AS $$
    SELECT setval(s.seq::oid, (s.v ->> 0)::bigint, (s.v ->> 1)::boolean)
    FROM jsonb_each(snapshot -> 'sequences') AS s(seq, v);
$$;

-- the rows of the tables that the snapshot did not see, one line each, named
-- by the table (leaf partition) that holds them
CREATE FUNCTION regress.new_rows(tables regclass[], snapshot jsonb, ignore text[]) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    t regclass;
    lines text[];
    found text[] := '{}';
BEGIN
    FOR t IN SELECT u.t FROM unnest(tables) WITH ORDINALITY AS u(t, n) JOIN pg_class c ON c.oid = u.t
             WHERE c.relkind IN ('r', 'p') ORDER BY u.n LOOP
        EXECUTE format($q$
            SELECT array_agg(line ORDER BY line) FROM (
                SELECT new_row.tableoid::regclass || ': ' || (
                    SELECT '{' || string_agg(to_json(c.name) || ': ' || c.value, ', ' ORDER BY c.n) || '}'
                    FROM json_each(row_to_json(new_row)) WITH ORDINALITY AS c(name, value, n)
                    WHERE c.name <> ALL ($2)) AS line
                FROM %s AS new_row
                WHERE NOT $1 ? format('%%s:%%s', new_row.tableoid, new_row.ctid)) AS l$q$, t)
            INTO lines USING snapshot -> 'tids', ignore;
        found := found || lines;
    END LOOP;
    RETURN coalesce(nullif(array_to_string(found, E'\n'), ''), 'no new rows');
END $$;

CREATE FUNCTION regress.three_ways(rel regclass, key anycompatible,
                                   overrides jsonb DEFAULT NULL, reset text[] DEFAULT NULL,
                                   shown regclass[] DEFAULT NULL, ignore text[] DEFAULT '{}')
RETURNS TABLE (ways text, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
    fn text;
    before jsonb;
    got text;
    results text[] := '{}';
    rows_returned bigint;
    e_state text;
    e_message text;
    e_detail text;
    e_hint text;
BEGIN
    shown := coalesce(shown, ARRAY[rel]);
    FOREACH fn IN ARRAY ARRAY['clone_row', 'clone_rows', 'clone_graph'] LOOP
        before := regress.snapshot(shown);
        BEGIN
            CASE fn
            WHEN 'clone_row' THEN
                PERFORM public.clone_row(rel, key, overrides, reset);
            WHEN 'clone_rows' THEN
                SELECT count(*) INTO rows_returned
                FROM public.clone_rows(rel, ARRAY[key], overrides, reset);
            ELSE
                PERFORM * FROM public.clone_graph(rel, key, overrides, reset, cascade => false);
            END CASE;
            got := regress.new_rows(shown, before, ignore);
            RAISE SQLSTATE 'RWAY0';     -- roll the copies back
        EXCEPTION
            WHEN SQLSTATE 'RWAY0' THEN
                NULL;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_message = MESSAGE_TEXT,
                                        e_detail = PG_EXCEPTION_DETAIL, e_hint = PG_EXCEPTION_HINT;
                got := 'ERROR ' || e_state || ': ' || e_message
                       || coalesce(E'\nDETAIL: ' || nullif(e_detail, ''), '')
                       || coalesce(E'\nHINT: ' || nullif(e_hint, ''), '');
        END;
        PERFORM regress.restore_sequences(before);
        results := results || got;
    END LOOP;
    -- SPEC: where clone_row and clone_graph find no row (P0002), clone_rows
    -- returns no row for that key; that is the same answer, said here
    IF results[1] LIKE 'ERROR P0002:%' AND results[3] = results[1]
       AND results[2] = 'no new rows' AND rows_returned = 0 THEN
        results := array_fill(results[1] || E'\n(clone_rows: no row returned)', ARRAY[3]);
    END IF;
    RETURN QUERY
        SELECT CASE WHEN count(*) = 3 THEN 'all three'
                    ELSE string_agg(r.fn, ', ' ORDER BY r.n) END,
               r.outcome
        FROM unnest(ARRAY['clone_row', 'clone_rows', 'clone_graph'], results)
             WITH ORDINALITY AS r(fn, outcome, n)
        GROUP BY r.outcome
        ORDER BY min(r.n);
END $$;
