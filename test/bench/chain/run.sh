#!/usr/bin/env bash
# test/bench/chain/run.sh: the deep-chain benchmark. Run by scripts/bench.sh
# (`make bench`, BENCH_PARTS=chain) inside a throwaway cluster (PGHOST etc.
# set by pg_virtualenv).
#
# Copies a self-referencing chain of N rows (test/bench/chain/schema.sql)
# from its head, two ways (the rows copied are counted after the clock):
#   clone_row     clone_row('chain', 1, cascade => true)
#   handwritten   one recursive CTE that finds the chain, draws the new keys
#                 and inserts every copy pointing at its parent's copy
# Each run is its own transaction, rolled back, with VACUUM and CHECKPOINT
# off the clock; runs are interleaved; medians are compared.
#
# Settings (environment):
#   CHAIN_SIZES  chain lengths [100k]
#   CHAIN_RUNS   runs per method and size [5]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
DB=rowclone_chain
RUNS=${CHAIN_RUNS:-5}
read -r -a SIZES <<<"${CHAIN_SIZES:-100k}"
OUT=$(mktemp -d -t rowclone-chain.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# shellcheck source=test/bench/lib.sh
. ../lib.sh
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || { echo "CHAIN_RUNS must be >= 1" >&2; exit 2; }

statement() { # statement METHOD
	case $1 in
	clone_row) echo "SELECT clone_row('chain', 1::bigint, cascade => true) IS NOT NULL;" ;;
	handwritten) cat <<'SQL'
WITH RECURSIVE src AS (
	SELECT id, parent_id FROM chain WHERE id = 1
	UNION ALL
	SELECT c.id, c.parent_id FROM src JOIN chain c ON c.parent_id = src.id
), km AS (
	SELECT id AS old_id, nextval('chain_id_seq') AS new_id FROM src
), ins AS (
	INSERT INTO chain (id, parent_id, name, created_at)
	SELECT km.new_id, coalesce(pm.new_id, s.parent_id), s.name, s.created_at
	  FROM km JOIN chain s ON s.id = km.old_id
	  LEFT JOIN km pm ON pm.old_id = s.parent_id
	RETURNING 1
)
SELECT count(*) > 0 FROM ins;
SQL
		;;
	esac
}

# run METHOD ROWS: milliseconds of one run, rolled back; checks the count
run() {
	local got ms
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" >"$OUT/run" 2>&1 <<SQL || { cat "$OUT/run" >&2; exit 1; }
BEGIN;
SELECT pg_catalog.clock_timestamp() AS t0 \gset
$(statement "$1")
SELECT round(extract(epoch FROM pg_catalog.clock_timestamp() - :'t0') * 1000, 1);
SELECT count(*) - $2 FROM chain;
ROLLBACK;
SQL
	ms=$(sed -n 2p "$OUT/run")
	got=$(sed -n 3p "$OUT/run")
	[ "$got" = "$2" ] || { echo "$1 copied $got rows, not $2" >&2; exit 1; }
	psql -X -q -d "$DB" -c 'VACUUM chain' -c CHECKPOINT
	echo "$ms"
}

printf '\n==> deep chain: a self-referencing chain of %s rows copied from its head, %s runs per method, interleaved\n' \
	"${SIZES[*]}" "$RUNS"
printf '\n    %-8s %14s %18s %22s\n' rows "clone_row ms" "recursive CTE ms" "clone_row × CTE"
for s in "${SIZES[@]}"; do
	n=$(rows_of "$s" CHAIN_SIZES)
	dropdb --if-exists "$DB" >/dev/null 2>&1 || true
	createdb "$DB"
	psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v rows="$n" -c 'CREATE EXTENSION rowclone' \
		-f schema.sql -c CHECKPOINT >/dev/null
	for m in clone_row handwritten; do
		run "$m" "$n" >/dev/null # warm-up
		: >"$OUT/ms.$m"
	done
	for ((r = 0; r < RUNS; r++)); do
		if ((r % 2)); then order=(handwritten clone_row); else order=(clone_row handwritten); fi
		for m in "${order[@]}"; do
			run "$m" "$n" >>"$OUT/ms.$m"
		done
	done
	c=$(median <"$OUT/ms.clone_row")
	h=$(median <"$OUT/ms.handwritten")
	printf '    %-8s %14s %18s %22.2f\n' "$s" "$c" "$h" "$(awk -v a="$c" -v b="$h" 'BEGIN {print a / b}')"
	dropdb "$DB"
done
