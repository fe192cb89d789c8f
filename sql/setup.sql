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
