#!/usr/bin/env bash
# test/bench/run.sh: the cascade benchmark. Run by scripts/bench.sh (`make
# bench`) in a work copy of the tree, inside a throwaway cluster (PGHOST etc.
# set by pg_virtualenv); not meant to be run by hand against a real server
# (it creates the database rowclone_bench and runs CHECKPOINT between runs).
#
# Loads test/bench/{schema,data,handwritten,rowbyrow,harness}.sql, checks that
# every method makes a correct deep copy of the 1k project, then times, for
# each size, every method side by side: runs interleaved (A B C, B C A, ...),
# each its own transaction that is rolled back, then VACUUM and CHECKPOINT
# outside the clock, so every run starts from the same tables. Reports medians,
# ratios to the best hand-written SQL, rows/s and growth with size.
#
# Settings (environment; scripts/bench.sh passes them through):
#   BENCH_SIZES     sizes to time, in this order [1k 100k spec 1M]: a number of
#                   copied rows (1k, 100k, 1M, 250000, ...: tasks = (rows-1)/9),
#                   or "spec": the SPEC's project of 20k tasks / 100k comments
#   BENCH_RUNS      timed runs per method and size [auto: 9 up to 10k rows,
#                   5 below 500k, 3 from there]
#   BENCH_METHODS   [clone_row handwritten handwritten_temp rowbyrow]
#   BENCH_ROWBYROW_MAX_ROWS  row-by-row is not timed above this size [1000000]
#   BENCH_SLOW_SECONDS       a method whose run takes longer gets no more runs
#                            at that size [120]
#   BENCH_TIMEOUT_SECONDS    statement_timeout of one run [900]
#   BENCH_NOISE_PROJECTS, BENCH_NOISE_TASKS  unrelated projects [40 x 250 tasks]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH=test/bench
DB=rowclone_bench
OUT=$(mktemp -d -t rowclone-bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

SIZES=${BENCH_SIZES:-1k 100k spec 1M}
RUNS=${BENCH_RUNS:-auto}
METHODS=${BENCH_METHODS:-clone_row handwritten handwritten_temp rowbyrow}
ROWBYROW_MAX=${BENCH_ROWBYROW_MAX_ROWS:-1000000}
SLOW_S=${BENCH_SLOW_SECONDS:-120}
TIMEOUT_S=${BENCH_TIMEOUT_SECONDS:-900}
NOISE_PROJECTS=${BENCH_NOISE_PROJECTS:-40}
NOISE_TASKS=${BENCH_NOISE_TASKS:-250}
ALL_METHODS=(clone_row handwritten handwritten_temp rowbyrow)

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
value() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

# ---- settings -------------------------------------------------------------

# size_tasks NAME: tasks of the source project of size NAME
size_tasks() {
	local n unit rows
	if [ "$1" = spec ]; then
		echo 20000
		return
	fi
	[[ $1 =~ ^([0-9]+)([kKmM]?)$ ]] || return 1
	n=${BASH_REMATCH[1]}
	unit=${BASH_REMATCH[2]}
	case $unit in
	k | K) rows=$((n * 1000)) ;;
	m | M) rows=$((n * 1000000)) ;;
	*) rows=$n ;;
	esac
	[ "$rows" -ge 10 ] || return 1
	echo $(((rows - 1 + 4) / 9))
}

read -r -a size_list <<<"$SIZES"
[ ${#size_list[@]} -gt 0 ] || die "BENCH_SIZES is empty"
declare -A TASKS=()
sizes_json=
timed_sizes=()
for s in "${size_list[@]}"; do
	t=$(size_tasks "$s") || die "BENCH_SIZES: unknown size '$s' (a number of rows like 1k, 100k, 1M, 250000, or spec)"
	[ -z "${TASKS[$s]:-}" ] || die "BENCH_SIZES: '$s' given twice"
	TASKS[$s]=$t
	timed_sizes+=("$s")
	sizes_json+="${sizes_json:+, }\"$s\": $t"
done
# always loaded: the 1k project (the correctness check) and a project of 2
# tasks that warms each method's caches up before each timed run
if [ -z "${TASKS[1k]:-}" ]; then
	TASKS[1k]=111
	sizes_json="\"1k\": 111${sizes_json:+, }$sizes_json"
fi
sizes_json="{\"warm-up\": 2, $sizes_json}"

read -r -a method_list <<<"$METHODS"
[ ${#method_list[@]} -gt 0 ] || die "BENCH_METHODS is empty"
for m in "${method_list[@]}"; do
	[[ " ${ALL_METHODS[*]} " == *" $m "* ]] || die "BENCH_METHODS: unknown method '$m' (known: ${ALL_METHODS[*]})"
done
[ "$RUNS" = auto ] || { is_uint "$RUNS" && [ "$RUNS" -ge 1 ]; } || die "BENCH_RUNS must be auto or a number >= 1"
for v in ROWBYROW_MAX SLOW_S TIMEOUT_S NOISE_PROJECTS NOISE_TASKS; do
	is_uint "${!v}" || die "$v must be a whole number, not '${!v}'"
done
[ "$NOISE_TASKS" -ge 1 ] || die "BENCH_NOISE_TASKS must be >= 1"

runs_for() { # runs_for ROWS
	if [ "$RUNS" != auto ]; then
		echo "$RUNS"
	elif [ "$1" -le 10000 ]; then
		echo 9
	elif [ "$1" -lt 500000 ]; then
		echo 5
	else
		echo 3
	fi
}

started=$SECONDS

# ---- load -----------------------------------------------------------------

step "cluster"
createdb "$DB"
psql_db -At -F ' ' <<'EOF'
SELECT '    server:  ' || version();
SELECT '    settings: ' || string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
FROM unnest(ARRAY['shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size',
                  'checkpoint_timeout', 'synchronous_commit', 'jit', 'autovacuum']) name;
EOF
printf '    machine:  %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

step "load: schema, data (sizes $sizes_json, $NOISE_PROJECTS noise projects of $NOISE_TASKS tasks), methods"
t0=$SECONDS
psql_db -c 'CREATE EXTENSION rowclone' \
	-f "$BENCH/schema.sql" \
	-v sizes="$sizes_json" -v noise_projects="$NOISE_PROJECTS" -v noise_tasks="$NOISE_TASKS" \
	-f "$BENCH/data.sql" \
	-f "$BENCH/handwritten.sql" -f "$BENCH/rowbyrow.sql" -f "$BENCH/harness.sql" >/dev/null
psql_db -c 'VACUUM ANALYZE' -c 'CHECKPOINT'
printf '    loaded and vacuumed in %ss; rows per table:' $((SECONDS - t0))
value "SELECT string_agg(format(' %s %s', tbl, nrows), ',') FROM bench_table_rows()"
value "DELETE FROM bench_method WHERE method <> ALL (string_to_array('${method_list[*]}', ' '))"

declare -A PID=() ROWS=()
while IFS='|' read -r s p r; do
	PID[$s]=$p
	ROWS[$s]=$r
done < <(value "SELECT size, project_id, rows FROM bench_source")

# ---- correctness ----------------------------------------------------------

step "correctness: each method copies the 1k project (${ROWS[1k]} rows), checked against the source, rolled back"
script=$OUT/verify.sql
: >"$script"
for m in "${method_list[@]}"; do
	cat >>"$script" <<EOF
BEGIN;
\\set ON_ERROR_STOP 0
SELECT coalesce(string_agg(p, '; '), '') AS problems FROM bench_verify('$m', ${PID[1k]}) p \\gset
\\if :ERROR
ROLLBACK;
\\set ON_ERROR_STOP 1
UPDATE bench_method
SET status = CASE WHEN method = 'clone_row' AND :'LAST_ERROR_SQLSTATE' = '0A000' THEN 'n/a' ELSE 'error' END,
    detail = :'LAST_ERROR_SQLSTATE' || ': ' || :'LAST_ERROR_MESSAGE'
WHERE method = '$m';
\\else
ROLLBACK;
\\set ON_ERROR_STOP 1
UPDATE bench_method
SET status = CASE WHEN :'problems' = '' THEN 'ok' ELSE 'wrong' END,
    detail = nullif(:'problems', '')
WHERE method = '$m';
\\endif
EOF
done
psql_db -f "$script" 2>"$OUT/verify.err" || { cat "$OUT/verify.err" >&2; exit 1; }
value "SELECT method, status, coalesce(detail, '') FROM bench_method ORDER BY ord" >"$OUT/status"
declare -A STATUS=()
failed_methods=0
while IFS='|' read -r m st detail; do
	STATUS[$m]=$st
	case $st in
	ok) printf '    %-17s ok: same rows per table, same contents and checksums, source unchanged, fresh keys\n' "$m:" ;;
	n/a) printf '    %-17s n/a (cascade not implemented: %s)\n' "$m:" "$detail" ;;
	wrong)
		printf '    %-17s WRONG, not timed: %s\n' "$m:" "$detail"
		failed_methods=$((failed_methods + 1))
		;;
	*)
		printf '    %-17s ERROR, not timed: %s\n' "$m:" "$detail"
		failed_methods=$((failed_methods + 1))
		;;
	esac
done <"$OUT/status"

# ---- timing ---------------------------------------------------------------

ok_methods=()
for m in "${method_list[@]}"; do
	[ "${STATUS[$m]}" = ok ] && ok_methods+=("$m")
done

# rotate N ARRAY...: the array rotated left by N
rotate() {
	local n=$1
	shift
	local a=("$@") i
	for ((i = 0; i < ${#a[@]}; i++)); do
		printf '%s ' "${a[(i + n) % ${#a[@]}]}"
	done
}

note() { # note SIZE METHOD TEXT (to the report)
	value "INSERT INTO bench_note VALUES ('$1', '$2', \$note\$$3\$note\$)"
}
value "CREATE TABLE bench_note (size text, method text, note text)"

if [ ${#ok_methods[@]} -eq 0 ]; then
	step "timing: no method to time"
fi
for s in "${timed_sizes[@]}"; do
	[ ${#ok_methods[@]} -gt 0 ] || break
	rows=${ROWS[$s]}
	runs=$(runs_for "$rows")
	methods=()
	for m in "${ok_methods[@]}"; do
		if [ "$m" = rowbyrow ] && [ "$rows" -gt "$ROWBYROW_MAX" ]; then
			note "$s" "$m" "skipped: more than BENCH_ROWBYROW_MAX_ROWS=$ROWBYROW_MAX rows"
			continue
		fi
		methods+=("$m")
	done
	label=$s
	[ "$s" != spec ] || label="spec (20k tasks, 100k comments)"
	step "timing $label: ${TASKS[$s]} tasks, $rows rows per copy; $runs runs of ${methods[*]}"
	for m in "${ok_methods[@]}"; do
		[[ " ${methods[*]} " == *" $m "* ]] || printf '    %s: skipped above %s rows (BENCH_ROWBYROW_MAX_ROWS)\n' "$m" "$ROWBYROW_MAX"
	done
	script=$OUT/time-$s.sql
	{
		echo "\\set size '$s'"
		echo "\\set pid ${PID[$s]}"
		for m in "${methods[@]}"; do
			echo "\\set skip_$m false"
		done
		for ((r = 1; r <= runs; r++)); do
			printf '%s\n' "\\echo -n '    run $r/$runs:'"
			# Before each run, outside the clock: VACUUM the previous run's
			# rolled-back rows away and CHECKPOINT, then warm the method up
			# on the 2-task project. DISABLE_PAGE_SKIPPING: a VACUUM that
			# skips all-visible pages extrapolates reltuples from the pages
			# it reads (here: the dead copy's), and the estimates, so the
			# plans, would drift down from run to run (-40% in 27 runs).
			for m in $(rotate $((r - 1)) "${methods[@]}"); do
				cat <<EOF
\\if :skip_$m
\\else
VACUUM (DISABLE_PAGE_SKIPPING) project, task, comment, task_tag, attachment;
CHECKPOINT;
BEGIN;
SELECT bench_call('$m', ${PID[warm-up]}) \\g /dev/null
ROLLBACK;
SET statement_timeout = '${TIMEOUT_S}s';
BEGIN;
\\set ON_ERROR_STOP 0
SELECT ms, copied, to_char(ms, 'FM999999990.0') AS ms_txt FROM bench_run('$m', :pid) \\gset
\\if :ERROR
ROLLBACK;
\\set ON_ERROR_STOP 1
RESET statement_timeout;
INSERT INTO bench_result (size, method, run, error)
VALUES (:'size', '$m', $r, :'LAST_ERROR_SQLSTATE' || ': ' || :'LAST_ERROR_MESSAGE');
\\echo -n '  $m ERROR'
\\set skip_$m true
\\else
ROLLBACK;
\\set ON_ERROR_STOP 1
RESET statement_timeout;
SELECT :copied <> $rows AS bad, :ms > $((SLOW_S * 1000)) AS slow \\gset
\\if :bad
INSERT INTO bench_result (size, method, run, copied, error)
VALUES (:'size', '$m', $r, :copied, format('the copy has %s rows, expected %s', :copied, $rows));
\\echo -n '  $m WRONG ROW COUNT'
\\set skip_$m true
\\else
INSERT INTO bench_result (size, method, run, ms, copied) VALUES (:'size', '$m', $r, :ms, :copied);
\\echo -n '  $m' :ms_txt 'ms'
\\if :slow
INSERT INTO bench_note VALUES (:'size', '$m', 'no more runs after run $r: it took over ${SLOW_S} s (BENCH_SLOW_SECONDS)');
\\set skip_$m true
\\endif
\\endif
\\endif
\\endif
EOF
			done
			printf '%s\n' '\echo'
		done
	} >"$script"
	t0=$SECONDS
	psql_db -f "$script"
	printf '    (%ss)\n' $((SECONDS - t0))
done

# ---- report ---------------------------------------------------------------

step "results: median of the runs; x best = median / median of the faster hand-written variant at that size"
psql_db -P footer=off <<'EOF'
CREATE VIEW bench_summary AS
WITH r AS (
    SELECT size, method,
           count(ms) AS runs,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med,
           min(ms) AS lo, max(ms) AS hi,
           string_agg(error, '; ' ORDER BY run) AS errors
    FROM bench_result
    GROUP BY size, method
), best AS (
    SELECT DISTINCT ON (size) size, method AS best_method, med AS best
    FROM r
    WHERE method IN ('handwritten', 'handwritten_temp') AND med IS NOT NULL
    ORDER BY size, med
)
SELECT s.ord AS size_ord, m.ord AS method_ord, s.size, s.rows, m.method, m.status,
       r.runs, r.med, r.lo, r.hi, r.errors, b.best_method, b.best,
       r.med / b.best AS ratio,
       (SELECT string_agg(n.note, '; ') FROM bench_note n
        WHERE n.size = s.size AND n.method = m.method) AS note
FROM bench_source s
CROSS JOIN bench_method m
LEFT JOIN r ON r.size = s.size AND r.method = m.method
LEFT JOIN best b ON b.size = s.size
WHERE s.size IN (SELECT size FROM bench_result UNION SELECT size FROM bench_note);

SELECT size,
       to_char(rows, 'FM9,999,999') AS "rows copied",
       method,
       runs,
       to_char(med, 'FM9,999,990.0') AS "median ms",
       to_char(lo, 'FM9,999,990.0') || ' – ' || to_char(hi, 'FM9,999,990.0') AS "min – max ms",
       CASE WHEN method = best_method THEN '1.00 (best)' ELSE to_char(ratio, 'FM990.00') END
           AS "x best hand-written",
       to_char(rows / (med / 1000), 'FM9,999,999') AS "rows/s",
       to_char(med * 1000 / rows, 'FM990.0') AS "µs/row",
       concat_ws('; ',
                 CASE status WHEN 'n/a' THEN 'n/a (cascade not implemented)'
                             WHEN 'ok' THEN NULL
                             ELSE 'not timed: failed the correctness check' END,
                 CASE WHEN errors IS NOT NULL THEN 'FAILED: ' || errors END,
                 note) AS note
FROM bench_summary
ORDER BY size_ord, method_ord;
EOF

# growth between the timed sizes given as row counts (not "spec"), in rows order
growth_sizes=$(value "SELECT count(DISTINCT size) FROM bench_result WHERE size <> 'spec' AND ms IS NOT NULL")
if [ "$growth_sizes" -ge 2 ]; then
	step "growth: time ratio against row ratio between consecutive sizes (per-row cost x1.00 = linear)"
	psql_db -P footer=off <<'EOF'
WITH med AS (
    SELECT r.size, s.rows, r.method,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms) AS med
    FROM bench_result r JOIN bench_source s USING (size)
    WHERE r.size <> 'spec' AND r.ms IS NOT NULL
    GROUP BY r.size, s.rows, r.method
), pairs AS (
    SELECT method, size, rows, med,
           lag(size) OVER w AS prev_size, lag(rows) OVER w AS prev_rows, lag(med) OVER w AS prev_med
    FROM med
    WINDOW w AS (PARTITION BY method ORDER BY rows)
)
SELECT p.method,
       p.prev_size || ' → ' || p.size AS sizes,
       'x' || to_char(p.rows::numeric / p.prev_rows, 'FM999990.0') AS "rows",
       'x' || to_char(p.med / p.prev_med, 'FM999990.0') AS "time",
       'x' || to_char((p.med / p.prev_med) / (p.rows::numeric / p.prev_rows), 'FM990.00') AS "per-row cost"
FROM pairs p JOIN bench_method m USING (method)
WHERE p.prev_size IS NOT NULL
ORDER BY m.ord, p.rows;
EOF
fi

if [ -n "${TASKS[spec]:-}" ]; then
	step "SPEC: cascade copy of 20k tasks / 100k comments in <= 1.2 x the best hand-written set-based SQL"
	if [[ " ${method_list[*]} " != *" clone_row "* ]]; then
		verdict="clone_row not measured (not in BENCH_METHODS)"
	elif [ "${STATUS[clone_row]}" = n/a ]; then
		verdict="clone_row: n/a (cascade not implemented)"
	elif [ "${STATUS[clone_row]}" != ok ]; then
		verdict="clone_row: FAIL (failed the correctness check)"
	else
		verdict=$(value "SELECT CASE WHEN ratio IS NULL THEN 'clone_row: no result (see the notes above)'
		    ELSE format('clone_row: %s x %s (%s ms against %s ms): %s',
		                to_char(ratio, 'FM990.00'), best_method,
		                to_char(med, 'FM9,999,990.0'), to_char(best, 'FM9,999,990.0'),
		                CASE WHEN ratio <= 1.2 THEN 'PASS' ELSE 'FAIL' END) END
		    FROM bench_summary WHERE size = 'spec' AND method = 'clone_row'")
	fi
	echo "    $verdict"
fi

errors=$(value "SELECT count(*) FROM bench_result WHERE error IS NOT NULL")
printf '\n    %s min %s s in all; load average now %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failed_methods" -gt 0 ] || [ "$errors" -gt 0 ]; then
	echo "    FAILED: $failed_methods method(s) failed the correctness check, $errors run(s) failed"
	exit 1
fi
