#!/usr/bin/env bash
# test/bench/memory.sh: backend memory and time of a cascade as it grows from
# 10k to 1M copied rows. Run by scripts/bench.sh (`make bench`, part
# "memory") inside a throwaway cluster; reads /proc of the server's backends,
# so the server must run on this machine as a user whose /proc we can read.
#
# For each size (a project of the cascade benchmark's schema: tasks,
# comments, task_tag rows, attachments) and each method, a new connection
# first copies the 2-task warm-up project (catalog caches, plans), then the
# measured copy runs in a transaction that is rolled back while the
# backend's RssAnon (private resident memory) is polled every 10 ms. Prints
# the peak growth over the warm connection, and the time.
#
# Settings (environment):
#   MEMORY_SIZES   sizes, as in BENCH_SIZES [10k 100k 1M]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
DB=rowclone_memory
read -r -a SIZES <<<"${MEMORY_SIZES:-10k 100k 1M}"
OUT=$(mktemp -d -t rowclone-memory.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

declare -A METHOD_SQL=(
	[clone_row]="SELECT clone_row('project', %s::bigint, cascade => true) IS NOT NULL"
	[clone_graph]="SELECT count(*) > 0 FROM clone_graph('project', %s::bigint)"
	[handwritten]="SELECT bench_copy_handwritten(%s) IS NOT NULL"
	[handwritten_temp]="SELECT bench_copy_handwritten_temp(%s) IS NOT NULL"
)
METHODS=(clone_row clone_graph handwritten handwritten_temp)

sizes_json='"warm-up": 2'
for s in "${SIZES[@]}"; do
	[[ $s =~ ^([0-9]+)([kKmM]?)$ ]] || { echo "MEMORY_SIZES: bad size '$s'" >&2; exit 2; }
	case ${BASH_REMATCH[2]} in
	k | K) rows=$((BASH_REMATCH[1] * 1000)) ;;
	m | M) rows=$((BASH_REMATCH[1] * 1000000)) ;;
	*) rows=${BASH_REMATCH[1]} ;;
	esac
	sizes_json+=", \"$s\": $(((rows - 1 + 4) / 9))"
done

printf '\n==> memory: peak backend RssAnon growth and time of one cascade, sizes %s\n' "${SIZES[*]}"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c 'CREATE EXTENSION rowclone' -f schema.sql \
	-v sizes="{$sizes_json}" -v noise_projects=2 -v noise_tasks=100 -f data.sql \
	-f handwritten.sql -c 'VACUUM ANALYZE' >/dev/null
printf '    work_mem=%s, shared_buffers=%s\n' "$(psql -X -At -d "$DB" -c 'SHOW work_mem')" \
	"$(psql -X -At -d "$DB" -c 'SHOW shared_buffers')"

rss_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# measure METHOD PROJECT: prints "growth_kB ms"
measure() {
	local sql warm pid base peak v
	sql=$(printf "${METHOD_SQL[$1]}" "$2")
	warm=$(printf "${METHOD_SQL[$1]}" "$WARM")
	rm -f "$OUT/fifo" "$OUT/res"
	mkfifo "$OUT/fifo"
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" <"$OUT/fifo" >"$OUT/res" 2>&1 &
	local psql_pid=$!
	exec 7>"$OUT/fifo"
	printf 'SELECT pg_backend_pid();\nBEGIN; %s; ROLLBACK;\n' "$warm" >&7
	while [ "$(wc -l <"$OUT/res")" -lt 2 ]; do sleep 0.05; done
	pid=$(sed -n 1p "$OUT/res")
	base=$(rss_kb "$pid")
	peak=$base
	printf '\\timing on\nBEGIN; %s; ROLLBACK;\n\\timing off\nSELECT '"'"'done'"'"';\n' "$sql" >&7
	while ! grep -q '^done$' "$OUT/res"; do
		v=$(rss_kb "$pid")
		[ -n "$v" ] && [ "$v" -gt "$peak" ] && peak=$v
		sleep 0.01
	done
	exec 7>&-
	wait "$psql_pid"
	if grep -q ERROR "$OUT/res"; then
		cat "$OUT/res" >&2
		exit 1
	fi
	echo "$((peak - base)) $(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$OUT/res" | sed -n 2p)"
}

WARM=$(psql -X -At -d "$DB" -c "SELECT project_id FROM bench_source WHERE size = 'warm-up'")
printf '\n    %-9s %-17s %12s %12s %14s\n' rows method "RSS growth" "time" "µs per row"
for s in "${SIZES[@]}"; do
	read -r pid rows < <(psql -X -At -F ' ' -d "$DB" -c "SELECT project_id, rows FROM bench_source WHERE size = '$s'")
	for m in "${METHODS[@]}"; do
		read -r kb ms < <(measure "$m" "$pid")
		psql -X -q -d "$DB" -c 'VACUUM' -c 'CHECKPOINT'
		printf '    %-9s %-17s %9.1f MB %9.0f ms %14.2f\n' "$rows" "$m" "$(awk -v k="$kb" 'BEGIN {print k / 1024}')" \
			"$ms" "$(awk -v t="$ms" -v r="$rows" 'BEGIN {print t * 1000 / r}')"
	done
done
dropdb "$DB"
