#!/usr/bin/env bash
# test/bench/single/run.sh: the single-row benchmark. Run by scripts/bench.sh
# (`make bench`) inside a throwaway cluster (PGHOST etc. set by pg_virtualenv).
#
# One row of a 10-column table (text, numeric, text[], int[], jsonb, ...) is
# copied per transaction by pgbench, one client, prepared protocol, four ways:
#   clone_row     SELECT clone_row('widget', $1)
#   handwritten   INSERT ... SELECT <the 9 columns> ... WHERE id = $1 RETURNING id
#   plpgsql       a generic PL/pgSQL clone: catalog lookups + EXECUTE format()
#   client        SELECT the row into the client, INSERT it back (two round trips)
# Two measurements:
#   rounds  interleaved runs (each round runs every method alone, in a
#           rotating order); the median TPS of each method is compared with
#           handwritten's
#   mixed   for the close calls, clone_row against handwritten, and
#           clone_rows_one (clone_rows with a one-key array) against
#           clone_row: one pgbench run of the three scripts, each
#           transaction picking one at random, so that all meet the same
#           load from the rest of the machine (on a shared machine that load
#           shifts within seconds); a method's throughput alone, with one
#           client, is 1 / its mean latency
#           (mixing in plpgsql and client slows every script down: their
#           catalog work and round trips are not neutral neighbours)
#
# Settings (environment):
#   SINGLE_SECONDS        length of one pgbench run of the rounds [10]
#   SINGLE_ROUNDS         rounds [5]
#   SINGLE_MIXED_SECONDS  length of the mixed run [4 x SINGLE_SECONDS]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
DB=rowclone_single
SECS=${SINGLE_SECONDS:-10}
ROUNDS=${SINGLE_ROUNDS:-5}
MIXED_SECS=${SINGLE_MIXED_SECONDS:-$((4 * SECS))}
METHODS=(clone_row handwritten plpgsql client)
OUT=$(mktemp -d -t rowclone-single.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 ]] || { echo "SINGLE_SECONDS must be >= 1" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 ]] || { echo "SINGLE_ROUNDS must be >= 1" >&2; exit 2; }
[[ $MIXED_SECS =~ ^[0-9]+$ && $MIXED_SECS -ge 1 ]] || { echo "SINGLE_MIXED_SECONDS must be >= 1" >&2; exit 2; }

printf '\n==> single row: pgbench, 1 client, -M prepared, %s rounds of %ss per method, interleaved\n' \
	"$ROUNDS" "$SECS"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
# commits without waiting for the WAL flush: the run measures the work of
# copying a row, not the disk's fsync latency, which is the same for all four
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c 'CREATE EXTENSION rowclone' -f schema.sql \
	-c "ALTER DATABASE $DB SET synchronous_commit = off" >/dev/null
printf '    server settings: %s\n' "$(psql -X -At -d "$DB" -c \
	"SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
	 FROM unnest(ARRAY['synchronous_commit', 'fsync', 'shared_buffers', 'jit']) name")"

# correctness first: every method copies row 1 with every column equal
for m in "${METHODS[@]}"; do
	sed 's/^\\set id .*/\\set id 1/' "$m.sql" >"$OUT/check.$m.sql"
	pgbench -n -M prepared -c 1 -t 1 -f "$OUT/check.$m.sql" "$DB" >"$OUT/check.$m" 2>&1 ||
		{ cat "$OUT/check.$m" >&2; exit 1; }
done
bad=$(psql -X -At -d "$DB" -c "
	SELECT count(*) FROM widget c, widget s
	WHERE s.id = 1 AND c.id > 1000
	  AND (c.name, c.description, c.price, c.qty, c.tags, c.attrs, c.scores, c.active, c.created_at)
	      IS DISTINCT FROM
	      (s.name, s.description, s.price, s.qty, s.tags, s.attrs, s.scores, s.active, s.created_at)")
made=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM widget WHERE id > 1000")
if [ "$bad" != 0 ] || [ "$made" != "${#METHODS[@]}" ]; then
	echo "correctness check failed: $made copies of row 1, $bad differ from it" >&2
	exit 1
fi
printf '    correctness: each method made one copy of row 1 equal to it in all 9 copied columns\n'
psql -X -q -d "$DB" -c 'DELETE FROM widget WHERE id > 1000' -c 'VACUUM ANALYZE widget'

# warm-up: one short run per method (plans, caches)
for m in "${METHODS[@]}"; do
	pgbench -n -M prepared -c 1 -T 2 -f "$m.sql" "$DB" >/dev/null 2>&1
done

n=${#METHODS[@]}
for ((r = 0; r < ROUNDS; r++)); do
	order=()
	for ((k = 0; k < n; k++)); do
		order+=("${METHODS[$(((r + k) % n))]}")
	done
	line="    round $((r + 1)):"
	for m in "${order[@]}"; do
		pgbench -n -M prepared -c 1 -T "$SECS" -f "$m.sql" "$DB" >"$OUT/run" 2>&1 ||
			{ cat "$OUT/run" >&2; exit 1; }
		tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$OUT/run" | tail -n 1)
		[ -n "$tps" ] || { cat "$OUT/run" >&2; exit 1; }
		echo "$tps" >>"$OUT/tps.$m"
		line+=$(printf ' %s %.0f' "$m" "$tps")
	done
	echo "$line"
	# the table grows by every copy: put it back between rounds, off the clock
	psql -X -q -d "$DB" -c 'DELETE FROM widget WHERE id > 1000' -c 'VACUUM ANALYZE widget'
done

# the mixed run: per-script mean latency from pgbench's per-script report
MIXED=(clone_row handwritten clone_rows_one)
printf '    mixed: one run of %ss, each transaction clone_row, handwritten or clone_rows_one at random\n' "$MIXED_SECS"
pgbench -n -M prepared -c 1 -T "$MIXED_SECS" -f clone_row.sql@1 -f handwritten.sql@1 \
	-f clone_rows_one.sql@1 "$DB" \
	>"$OUT/mixed" 2>&1 || { cat "$OUT/mixed" >&2; exit 1; }
for m in "${MIXED[@]}"; do
	# "SQL script N: m.sql" ... " - latency average = X ms"
	lat=$(awk -v s="$m.sql" '$1 == "SQL" && $2 == "script" { cur = $4 }
		cur == s && /latency average/ { print $(NF - 1); exit }' "$OUT/mixed")
	cnt=$(awk -v s="$m.sql" '$1 == "SQL" && $2 == "script" { cur = $4 }
		cur == s && / transactions \(/ { print $2; exit }' "$OUT/mixed")
	[ -n "$lat" ] && [ -n "$cnt" ] || { cat "$OUT/mixed" >&2; exit 1; }
	echo "$lat" >"$OUT/lat.$m"
	echo "$cnt" >"$OUT/cnt.$m"
done
psql -X -q -d "$DB" -c 'DELETE FROM widget WHERE id > 1000' -c 'VACUUM ANALYZE widget'

median() { sort -g "$1" | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
base=$(median "$OUT/tps.handwritten")
printf '\n    %-12s %12s %22s\n' method "median tps" "× handwritten tps"
for m in "${METHODS[@]}"; do
	med=$(median "$OUT/tps.$m")
	printf '    %-12s %12.0f %22.2f\n' "$m" "$med" "$(awk -v a="$med" -v b="$base" 'BEGIN {print a / b}')"
done
lbase=$(cat "$OUT/lat.handwritten")
printf '\n    %-12s %14s %14s %24s\n' method "mixed: calls" "mean latency" "× handwritten throughput"
for m in "${MIXED[@]}"; do
	printf '    %-12s %14s %11.3f ms %24.2f\n' "$m" "$(cat "$OUT/cnt.$m")" "$(cat "$OUT/lat.$m")" \
		"$(awk -v a="$(cat "$OUT/lat.$m")" -v b="$lbase" 'BEGIN {print b / a}')"
done
cr=$(median "$OUT/tps.clone_row")
echo
# ratios of clone_row's throughput to the others': rounds (median tps), mixed (1 / mean latency)
awk -v c="$cr" -v h="$base" -v p="$(median "$OUT/tps.plpgsql")" -v o="$(median "$OUT/tps.client")" \
	-v lc="$(cat "$OUT/lat.clone_row")" -v lh="$lbase" -v lr="$(cat "$OUT/lat.clone_rows_one")" 'BEGIN {
	printf "    targets:\n"
	printf "      clone_row >= 0.95 x handwritten: rounds %.2f %s, mixed %.2f %s\n", c / h, (c / h >= 0.95 ? "PASS" : "MISS"), lh / lc, (lh / lc >= 0.95 ? "PASS" : "MISS")
	printf "      clone_rows one key <= 1.5 x clone_row per call: mixed %.2f %s\n", lr / lc, (lr / lc <= 1.5 ? "PASS" : "MISS")
	printf "      clone_row >= 1.8 x plpgsql:     rounds %.2f %s\n", c / p, (c / p >= 1.8 ? "PASS" : "MISS")
	printf "      clone_row >= 3 x client:        rounds %.2f %s\n", c / o, (c / o >= 3 ? "PASS" : "MISS")
}'
dropdb "$DB"
