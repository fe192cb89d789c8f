#!/usr/bin/env bash
# test/bench/copies/run.sh: the many-copies benchmark. Run by scripts/bench.sh
# (`make bench`, BENCH_PARTS=copies) inside a throwaway cluster (PGHOST etc.
# set by pg_virtualenv). Schema: test/bench/copies/schema.sql.
#
# Three cases, each against the hand-written set SQL for its schema:
#   fanout N      one notification copied for each of N receivers, each copy
#                 with its own receiver_id and duplicate_value:
#                 clone_rows(overrides => array of N objects) against one
#                 INSERT ... SELECT ... FROM unnest(receivers)
#   template3 N   N copies of a 3-row template (a root and two items, the
#                 second referencing the first), with cascade:
#                 clone_rows(copies => N, cascade => true) against one
#                 statement with CTEs over generate_series(1, N)
#   template100 N the same with a 100-row template (99 items in a chain)
# Every method's copies are checked once per size (counts, references
# inside each copy, per-copy values) before anything is timed. Each timed
# run is its own transaction, rolled back, with VACUUM and CHECKPOINT off
# the clock; runs of the two methods are interleaved; medians are compared.
#
# Settings (environment):
#   COPIES_FANOUT     fan-out sizes [100 10000]
#   COPIES_TEMPLATE3  copies of the 3-row template [10 100 1000 10000]
#   COPIES_TEMPLATE100 copies of the 100-row template [10 100 1000]
#   COPIES_RUNS       timed runs per method and size [5]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
DB=rowclone_copies
RUNS=${COPIES_RUNS:-5}
read -r -a FANOUT <<<"${COPIES_FANOUT:-100 10000}"
read -r -a TEMPLATE3 <<<"${COPIES_TEMPLATE3:-10 100 1000 10000}"
read -r -a TEMPLATE100 <<<"${COPIES_TEMPLATE100:-10 100 1000}"
OUT=$(mktemp -d -t rowclone-copies.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# shellcheck source=test/bench/lib.sh
. ../lib.sh
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || { echo "COPIES_RUNS must be >= 1" >&2; exit 2; }

# statement CASE METHOD N: the timed statement
statement() {
	case $1/$2 in
	fanout/rowclone) echo "SELECT count(*) FROM fanout_input f,
	LATERAL clone_rows('notification', ARRAY[1::bigint], overrides => f.overrides) WHERE f.n = $3;" ;;
	fanout/handwritten) echo "WITH ins AS (
	INSERT INTO notification (receiver_id, duplicate_value, subject, body, created_at)
	SELECT r.id, r.id * 10, s.subject, s.body, s.created_at
	  FROM fanout_input f CROSS JOIN LATERAL unnest(f.receivers) AS r(id)
	  JOIN notification s ON s.id = 1
	 WHERE f.n = $3
	RETURNING id)
SELECT count(*) FROM ins;" ;;
	template*/rowclone) echo "SELECT count(*) FROM clone_rows('template', ARRAY[1::bigint], cascade => true, copies => $3);" ;;
	template*/handwritten) echo "WITH t AS (
	SELECT g AS copy, nextval('template_id_seq') AS new_id FROM generate_series(1, $3) g
), ins_t AS (
	INSERT INTO template (id, name, created_at)
	SELECT t.new_id, s.name, s.created_at FROM t JOIN template s ON s.id = 1
	RETURNING id
), im AS (
	SELECT t.copy, t.new_id AS template_new, i.id AS old_id, nextval('template_item_id_seq') AS new_id
	  FROM t CROSS JOIN template_item i WHERE i.template_id = 1
), ins_i AS (
	INSERT INTO template_item (id, template_id, prev_id, label, position)
	SELECT im.new_id, im.template_new, coalesce(pm.new_id, s.prev_id), s.label, s.position
	  FROM im JOIN template_item s ON s.id = im.old_id
	  LEFT JOIN im pm ON pm.copy = im.copy AND pm.old_id = s.prev_id
	RETURNING id
)
SELECT (SELECT count(*) FROM ins_t);" ;;
	esac
}

# check CASE N: a query returning one line, 't', when the copies are right
check() {
	case $1 in
	fanout) echo "SELECT count(*) = $2 AND count(DISTINCT receiver_id) = $2
	        AND bool_and(duplicate_value = receiver_id * 10 AND body = (SELECT body FROM notification WHERE id = 1))
	   FROM notification WHERE id > 1;" ;;
	template*) echo "SELECT (SELECT count(*) FROM template WHERE id > 1) = $2
	   AND (SELECT count(*) FROM template_item WHERE template_id > 1) = $2 * (SELECT count(*) FROM template_item WHERE template_id = 1)
	   AND NOT EXISTS (SELECT FROM template_item i JOIN template_item p ON p.id = i.prev_id
	                   WHERE i.template_id > 1 AND p.template_id <> i.template_id)
	   AND (SELECT count(*) FROM template_item WHERE template_id > 1 AND prev_id IS NULL) = $2;" ;;
	esac
}

# run CASE METHOD N [check]: milliseconds of one run, rolled back; with
# "check", prints whether the copies are right instead
run() {
	local tail="SELECT round(extract(epoch FROM pg_catalog.clock_timestamp() - :'t0') * 1000, 1);"
	[ "${4:-}" = check ] && tail=$(check "$1" "$3")
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" >"$OUT/run" 2>&1 <<SQL || { cat "$OUT/run" >&2; exit 1; }
BEGIN;
SELECT pg_catalog.clock_timestamp() AS t0 \gset
$(statement "$1" "$2" "$3")
$tail
ROLLBACK;
SQL
	sed -n 2p "$OUT/run"
	psql -X -q -d "$DB" -c 'VACUUM notification, template, template_item' -c CHECKPOINT
}

# measure CASE ITEMS SIZES...: one table line per size
measure() {
	local case=$1 items=$2 n ok m c h rows
	shift 2
	dropdb --if-exists "$DB" >/dev/null 2>&1 || true
	createdb "$DB"
	psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v template_items="$items" \
		-c 'CREATE EXTENSION rowclone' -f schema.sql -c CHECKPOINT >/dev/null
	for n in "$@"; do
		for m in rowclone handwritten; do
			ok=$(run "$case" "$m" "$n" check)
			[ "$ok" = t ] || { echo "$case $n: the copies made by $m are wrong" >&2; exit 1; }
			run "$case" "$m" "$n" >/dev/null # warm-up
			: >"$OUT/ms.$m"
		done
		for ((r = 0; r < RUNS; r++)); do
			if ((r % 2)); then order=(handwritten rowclone); else order=(rowclone handwritten); fi
			for m in "${order[@]}"; do
				run "$case" "$m" "$n" >>"$OUT/ms.$m"
			done
		done
		c=$(median <"$OUT/ms.rowclone")
		h=$(median <"$OUT/ms.handwritten")
		if [ "$case" = fanout ]; then rows=$n; else rows=$((n * (items + 1))); fi
		printf '    %-12s %7s %9s %12s %15s %10.2f %16.1f\n' "$case" "$n" "$rows" "$c" "$h" \
			"$(awk -v a="$c" -v b="$h" 'BEGIN {print a / b}')" \
			"$(awk -v a="$c" -v r="$rows" 'BEGIN {print a * 1000 / r}')"
	done
	dropdb "$DB"
}

printf '\n==> many copies: fan-out and template copies in one call against hand-written set SQL, %s runs per method, interleaved\n' "$RUNS"
printf '\n    %-12s %7s %9s %12s %15s %10s %16s\n' case copies rows "rowclone ms" "hand-written ms" ratio "rowclone µs/row"
measure fanout 2 "${FANOUT[@]}"
measure template3 2 "${TEMPLATE3[@]}"
measure template100 99 "${TEMPLATE100[@]}"
