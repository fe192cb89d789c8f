#!/usr/bin/env bash
# test/stress/run.sh: the body of `make stress`, run by scripts/stress.sh in
# a throwaway cluster (pg_virtualenv: PGHOST, PGPORT, PGUSER, PGPASSWORD set;
# the current directory is a work copy of the tree).
#
#   1. sqlsmith: random SQL against database "smith" (random schemas made by
#      gen.py --setup-only, plain names since sqlsmith does not quote, plus
#      the monomorphic wrappers of smith.sql that make rowclone's functions
#      reachable). Counts errors by SQLSTATE from the server log, the calls
#      that reached rowclone, and backend crashes.
#   2. gen.py: random schemas and clone calls checked by an independent
#      model, in database "gen".
#
# Environment: STRESS_SEED, STRESS_QUERIES, STRESS_CALLS, STRESS_OUT (where
# reproducers go), STRESS_AVOID (see gen.py --help), STRESS_WRAPPER_COPIES.
# Prints a summary and writes PASS or FAIL to $STRESS_OUT/result. Exits 1
# only on a backend crash or a server that is down (so pg_virtualenv shows
# the server log's tail), 2 when the harness itself fails.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seed=${STRESS_SEED:?}
queries=${STRESS_QUERIES:-25000}
calls=${STRESS_CALLS:-6000}
out=${STRESS_OUT:-/tmp/rowclone-stress}
copies=${STRESS_WRAPPER_COPIES:-150}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
mkdir -p "$out" && rm -f "$out"/finding-*.sql "$out"/sqlsmith.* "$out"/gen.* "$out"/result
started=$SECONDS

# the server log of the pg_virtualenv cluster
log=
for f in "${PG_CLUSTER_CONF_ROOT:-/nonexistent}/../log/postgresql-${PGVERSION:-15}-regress.log" \
	"/var/log/postgresql/postgresql-${PGVERSION:-15}-regress.log"; do
	if [ -r "$f" ]; then log=$f; break; fi
done
[ -n "$log" ] || { echo "stress: cannot find the server log" >&2; exit 2; }
logsize() { stat -c %s "$log"; }

q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -d postgres -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %e %a: '" \
	-c "SELECT pg_reload_conf()" >/dev/null

server_up() { psql -X -Atq -d postgres -c 'SELECT 1' >/dev/null 2>&1; }

# ---- part 1: sqlsmith
echo "==> sqlsmith: $queries queries, seed $seed"
q -d postgres -c 'CREATE DATABASE smith' -c "ALTER DATABASE smith SET log_min_error_statement = panic"
q -d smith -c 'CREATE EXTENSION rowclone'
"$py" "$here/gen.py" --dbname smith --setup-only --schemas 3 --seed "$seed" || exit 2
PGOPTIONS="-c rcw.copies=$copies" q -d smith -f "$here/smith.sql" || exit 2
smith_from=$(logsize)
smith_t0=$SECONDS
sqlsmith --target="dbname=smith" --exclude-catalog --seed="$seed" --max-queries="$queries" \
	--verbose >"$out/sqlsmith.out" 2>"$out/sqlsmith.err"
smith_rc=$?
smith_secs=$((SECONDS - smith_t0))
sleep 1
smith_up=yes; server_up || smith_up=no
# sqlsmith rolls every statement back: the wrappers count in sequences
smith_calls=$(psql -X -Atq -d smith -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM rcw.calls" 2>/dev/null || echo '?')
smith_ret=$(psql -X -Atq -d smith -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM rcw.returned" 2>/dev/null || echo '?')
"$py" "$here/logscan.py" "$log" "$smith_from" 'sqlsmith::dut' >"$out/sqlsmith.scan.json"
echo "    sqlsmith exit status $smith_rc, ${smith_secs}s; its last report:"
grep -E '^(queries|error rate)' "$out/sqlsmith.err" | tail -2 | sed 's/^/    /'

# ---- part 2: the generator
echo
echo "==> gen.py: $calls clone calls, seed $seed"
q -d postgres -c 'CREATE DATABASE gen'
q -d gen -c 'CREATE EXTENSION rowclone'
gen_from=$(logsize)
gen_t0=$SECONDS
"$py" "$here/gen.py" --dbname gen --calls "$calls" --seed "$seed" --progress --outdir "$out" \
	2>&1 | tee "$out/gen.log"
gen_secs=$((SECONDS - gen_t0))
gen_up=yes; server_up || gen_up=no
"$py" "$here/logscan.py" "$log" "$gen_from" 'rowclone-stress-gen' >"$out/gen.scan.json"

# ---- summary
echo
"$py" - "$out" "$seed" "$queries" "$smith_calls" "$smith_ret" "$smith_up" "$gen_up" \
	"$smith_secs" "$gen_secs" "$((SECONDS - started))" <<'EOF'
import json, sys
out, seed, queries, scalls, sret, sup, gup, ssecs, gsecs, total = sys.argv[1:]
smith = json.load(open(out + '/sqlsmith.scan.json'))
gscan = json.load(open(out + '/gen.scan.json'))
gen = None
for line in open(out + '/gen.log'):
    if line.startswith('STRESS-GEN-SUMMARY '):
        gen = json.loads(line[len('STRESS-GEN-SUMMARY '):])
crashes = len(smith['crashes']) + len(gscan['crashes'])
fail = []
print('==> stress summary (seed %s)' % seed)
print('sqlsmith: %s queries in %ss; %s reached rowclone (%s returned, the rest raised an error)'
      % (queries, ssecs, scalls, sret))
print('  errors by SQLSTATE class: %s' % ', '.join('%s %d' % kv for kv in smith['error_classes'].items()))
print('  errors raised inside rowclone calls: %s' % (', '.join('%s %d' % kv for kv in smith['rowclone'].items()) or 'none'))
for code, msg in smith['rowclone_samples'].items():
    print('    %s e.g. %s' % (code, msg[:150]))
for msg in smith['internal']:
    print('  internal error (XX): %s' % msg[:200])
print('  backend crashes: %d; server up afterwards: %s' % (len(smith['crashes']), sup))
for c in smith['crashes']:
    print('    CRASH: %s\n      running: %s' % (c['line'], c['query'][:2000]))
if sup != 'yes':
    fail.append('server down after sqlsmith')
if gen is None:
    print('gen.py: no summary (it failed; see %s/gen.log)' % out)
    fail.append('gen.py failed')
else:
    print('gen.py: %d clone calls in %ss (%s; made as %s), %d checked against the model '
          '(%d copied rows; %d with 2+ tables, %d with copies > 1), %d schemas / %d tables'
          % (gen['calls'], gsecs, ', '.join('%s %d' % kv for kv in sorted(gen['by_function'].items())),
             ', '.join('%s %d' % kv for kv in sorted(gen['modes'].items())),
             gen['checked'], gen['rows_checked'], gen['checked_multi_table'], gen['checked_copies_gt_1'],
             gen['schemas'], gen['tables']))
    print('  expected errors: %s' % (', '.join('%s %d' % kv for kv in gen['expected_errors'].items()) or 'none'))
    print('  unexpected errors: %s' % (', '.join('%s %d' % kv for kv in gen['unexpected_errors'].items()) or 'none'))
    print('  mismatches: %d; findings in all: %d' % (gen['mismatches'], gen['findings']))
    for k, v in gen['finding_classes'].items():
        print('    %5d  %s' % (v, k))
    print('  backend crashes: %d (%d seen by gen.py); server up afterwards: %s'
          % (len(gscan['crashes']), gen['crashes'], gup))
    for c in gscan['crashes']:
        print('    CRASH: %s\n      running: %s' % (c['line'], c['query'][:2000]))
    if gen['findings']:
        fail.append('%d findings from gen.py (reproducers in %s)' % (gen['findings'], out))
if gup != 'yes':
    fail.append('server down after gen.py')
if crashes:
    fail.append('%d backend crashes' % crashes)
print('duration: %ss' % total)
result = 'FAIL: ' + '; '.join(fail) if fail else 'PASS'
print('RESULT: %s' % result)
open(out + '/result', 'w').write(result + '\n')
sys.exit(1 if crashes or sup != 'yes' or gup != 'yes' else 0)
EOF
