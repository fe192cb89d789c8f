#!/usr/bin/env bash
# scripts/bench.sh: `make bench`. Installs what is missing, builds and installs
# rowclone, then runs the benchmarks in a throwaway PostgreSQL cluster that is
# dropped afterwards. Not part of `make test`. Six parts (BENCH_PARTS):
#   cascade  test/bench/run.sh: clone_row(..., cascade => true) against the
#            best hand-written set-based SQL and a row-by-row PL/pgSQL copy,
#            side by side, at 1k, 100k, 180k (the SPEC's 20k tasks / 100k
#            comments) and 1M copied rows
#   single   test/bench/single/run.sh: one row per transaction under pgbench
#            (1 client, prepared): clone_row, a hand-written INSERT ... SELECT,
#            a generic PL/pgSQL clone function, read-and-insert from the client
#   rows     test/bench/rows/run.sh: clone_rows of 1k, 100k, 1M rows against
#            one hand-written INSERT ... SELECT
#   memory   test/bench/memory.sh: peak backend memory growth and time of a
#            cascade of 10k, 100k, 1M rows, next to the hand-written SQL's
#   chain    test/bench/chain/run.sh: a self-referencing chain of 100k rows
#            cloned from its head against one hand-written recursive CTE
#   copies   test/bench/copies/run.sh: fan-out of one row to 100 and 10,000
#            per-copy overrides, and 10-10,000 copies of a 3-row and 10-1,000
#            of a 100-row template with cascade, against hand-written set SQL
#
# About 12-15 minutes on 2 cores with the defaults. Settings (environment):
#   BENCH_PARTS='cascade single rows memory chain copies'
#   SINGLE_SECONDS=10 SINGLE_ROUNDS=5 SINGLE_MIXED_SECONDS=40  see test/bench/single/run.sh
#   ROWS_SIZES='1k 100k 1M' ROWS_RUNS=5 see test/bench/rows/run.sh
#   MEMORY_SIZES='10k 100k 1M'          see test/bench/memory.sh
#   CHAIN_SIZES='100k' CHAIN_RUNS=5     see test/bench/chain/run.sh
#   COPIES_FANOUT COPIES_TEMPLATE3 COPIES_TEMPLATE100 COPIES_RUNS  see test/bench/copies/run.sh
# cascade part:
#   BENCH_SIZES='1k 100k spec 1M'   sizes to time: copied rows (1k, 250000, ...)
#                                   or spec (20k tasks / 100k comments)
#   BENCH_RUNS=auto                 runs per method and size (auto: 9 up to 10k
#                                   rows, 5 below 500k, 3 from there)
#   BENCH_METHODS='clone_row handwritten handwritten_temp rowbyrow'
#   BENCH_ROWBYROW_MAX_ROWS=1000000 row-by-row is not timed above this
#   BENCH_SLOW_SECONDS=120, BENCH_TIMEOUT_SECONDS=900, BENCH_NOISE_PROJECTS=40,
#   BENCH_NOISE_TASKS=250           see test/bench/run.sh
#   BENCH_SHARED_BUFFERS=512MB      shared_buffers of the throwaway cluster
# e.g. a quick check of the harness: BENCH_SIZES=1k make bench
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trap remove_work_copy EXIT

# the command that reproduces this run, settings spelled out
PARTS=${BENCH_PARTS:-cascade single rows memory chain copies}
for p in $PARTS; do
	case $p in
	cascade | single | rows | memory | chain | copies) ;;
	*)
		echo "BENCH_PARTS: unknown part '$p' (known: cascade single rows memory chain copies)" >&2
		exit 2
		;;
	esac
done
reproduce="BENCH_PARTS='$PARTS' BENCH_SIZES='${BENCH_SIZES:-1k 100k spec 1M}' BENCH_RUNS=${BENCH_RUNS:-auto}"
reproduce+=" BENCH_METHODS='${BENCH_METHODS:-clone_row handwritten handwritten_temp rowbyrow}'"
for v in BENCH_ROWBYROW_MAX_ROWS BENCH_SLOW_SECONDS BENCH_TIMEOUT_SECONDS \
	BENCH_NOISE_PROJECTS BENCH_NOISE_TASKS BENCH_SHARED_BUFFERS PGOPTIONS \
	SINGLE_SECONDS SINGLE_ROUNDS SINGLE_MIXED_SECONDS ROWS_SIZES ROWS_RUNS MEMORY_SIZES \
	CHAIN_SIZES CHAIN_RUNS; do
	if [ -n "${!v:-}" ]; then
		reproduce+=" $v='${!v}'"
	fi
done
reproduce="cd $ROOT && $reproduce make bench"
revision=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown revision")
if [ -n "$(git -C "$ROOT" status --porcelain -- src sql Makefile rowclone.control test/bench 2>/dev/null)" ]; then
	revision+=", with uncommitted changes in src/ sql/ Makefile or test/bench/"
fi

# the throwaway cluster: room for the 1M copies in shared buffers, no
# checkpoint or autovacuum of its own in the middle of a timed run (run.sh
# vacuums and checkpoints between runs itself)
cluster_opts=(
	-o "shared_buffers=${BENCH_SHARED_BUFFERS:-512MB}"
	-o "max_wal_size=8GB"
	-o "checkpoint_timeout=1h"
	-o "autovacuum=off"
)

ensure_packages
build_and_install
make_work_copy

step "bench: $PARTS, in a throwaway PostgreSQL $PG_MAJOR cluster (pg_virtualenv)"
scripts=()
for p in $PARTS; do
	case $p in
	cascade) scripts+=(test/bench/run.sh) ;;
	single) scripts+=(test/bench/single/run.sh) ;;
	rows) scripts+=(test/bench/rows/run.sh) ;;
	memory) scripts+=(test/bench/memory.sh) ;;
	chain) scripts+=(test/bench/chain/run.sh) ;;
	copies) scripts+=(test/bench/copies/run.sh) ;;
	esac
done
set +e
# shellcheck disable=SC2016 # expanded by the inner shell
in_work_cluster "${cluster_opts[@]}" bash -c 'rc=0; for s in "$@"; do bash "$s" || rc=1; done; exit $rc' \
	bench "${scripts[@]}"
rc=$?
set -e

echo
echo "rowclone at $revision"
echo "reproduce: $reproduce"
exit "$rc"
