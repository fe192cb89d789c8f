#!/usr/bin/env bash
# test/bench/rows/run.sh: the clone_rows benchmark. Run by scripts/bench.sh
# (`make bench`) inside a throwaway cluster (PGHOST etc. set by pg_virtualenv).
#
# Copies the first N rows of the 10-column table of the single-row benchmark
# (test/bench/single/schema.sql) in one call, two ways, both given the same
# key array and both returning one row per copy:
#   clone_rows    SELECT count(*) FROM clone_rows('widget', keys)
#   handwritten   WITH c AS (INSERT INTO widget (<9 columns>) SELECT <9 columns>
#                 FROM widget WHERE id = ANY (keys) RETURNING id) SELECT count(*) FROM c
# Each run is its own transaction, rolled back, with VACUUM and CHECKPOINT
# off the clock; runs are interleaved; medians are compared.
#
# Settings (environment):
#   ROWS_SIZES   numbers of rows to copy [1k 100k 1M]
#   ROWS_RUNS    runs per method and size [5]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
DB=rowclone_rows
RUNS=${ROWS_RUNS:-5}
read -r -a SIZES <<<"${ROWS_SIZES:-1k 100k 1M}"
METHODS=(clone_rows handwritten)
OUT=$(mktemp -d -t rowclone-rows.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# shellcheck source=test/bench/lib.sh
. ../lib.sh
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || { echo "ROWS_RUNS must be >= 1" >&2; exit 2; }
max=0
for s in "${SIZES[@]}"; do
	n=$(rows_of "$s" ROWS_SIZES)
	[ "$n" -le "$max" ] || max=$n
done

printf '\n==> clone_rows: %s rows of a 10-column table in one call, %s runs per method and size, interleaved\n' \
	"${SIZES[*]}" "$RUNS"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
t0=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v rows="$max" -c 'CREATE EXTENSION rowclone' \
	-f ../single/schema.sql -c CHECKPOINT >/dev/null
printf '    loaded %s rows in %ss\n' "$max" $((SECONDS - t0))

statement() { # statement METHOD ROWS
	local keys="(SELECT pg_catalog.array_agg(id) FROM widget WHERE id <= $2)"
	local cols="name, description, price, qty, tags, attrs, scores, active, created_at"
	case $1 in
	clone_rows) echo "SELECT count(*) FROM clone_rows('widget', $keys);" ;;
	handwritten) echo "WITH c AS (INSERT INTO widget ($cols) SELECT $cols FROM widget WHERE id = ANY (CAST($keys AS bigint[])) RETURNING id) SELECT count(*) FROM c;" ;;
	esac
}

# run METHOD ROWS: milliseconds of one run, rolled back; checks the count
run() {
	local got ms
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" >"$OUT/run" 2>&1 <<SQL || { cat "$OUT/run" >&2; exit 1; }
BEGIN;
SELECT pg_catalog.clock_timestamp() AS t0 \gset
$(statement "$1" "$2")
SELECT round(extract(epoch FROM pg_catalog.clock_timestamp() - :'t0') * 1000, 1);
ROLLBACK;
SQL
	got=$(sed -n 1p "$OUT/run")
	ms=$(sed -n 2p "$OUT/run")
	[ "$got" = "$2" ] || { echo "$1 copied $got rows, not $2" >&2; exit 1; }
	psql -X -q -d "$DB" -c 'VACUUM widget' -c CHECKPOINT
	echo "$ms"
}

printf '\n    %-8s %14s %14s %20s\n' rows "clone_rows ms" "handwritten ms" "clone_rows × hand"
for s in "${SIZES[@]}"; do
	n=$(rows_of "$s" ROWS_SIZES)
	for m in "${METHODS[@]}"; do
		run "$m" "$n" >/dev/null # warm-up
		: >"$OUT/ms.$m"
	done
	for ((r = 0; r < RUNS; r++)); do
		if ((r % 2)); then order=(handwritten clone_rows); else order=(clone_rows handwritten); fi
		for m in "${order[@]}"; do
			run "$m" "$n" >>"$OUT/ms.$m"
		done
	done
	c=$(median <"$OUT/ms.clone_rows")
	h=$(median <"$OUT/ms.handwritten")
	printf '    %-8s %14s %14s %20.2f\n' "$s" "$c" "$h" "$(awk -v a="$c" -v b="$h" 'BEGIN {print a / b}')"
done
dropdb "$DB"
