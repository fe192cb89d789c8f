#!/usr/bin/env bash
# scripts/stress.sh: `make stress` (issue #5, fuzzing; not part of `make test`).
# Installs what is missing (also sqlsmith and python3-psycopg2), builds and
# installs rowclone, then runs test/stress/run.sh in a throwaway PostgreSQL
# cluster that is dropped afterwards:
#   1. sqlsmith's random SQL against random schemas with rowclone installed
#      (its functions reachable through wrappers, test/stress/smith.sql):
#      backend crashes must be 0;
#   2. test/stress/gen.py: random schemas and random clone_row / clone_rows /
#      clone_graph / clone_plan calls, every result checked against an
#      independent model of the SPEC: mismatches and crashes must be 0;
#   3. test/stress/soak.sh: a pgbench soak, 8 clients for 60 s, of cascade
#      clones under REPEATABLE READ and READ COMMITTED mixed with DELETEs,
#      moves, UPDATEs and INSERTs of the rows they copy: every copy complete
#      for its snapshot, no orphans, no error but 40001 / 40P01, no crash.
# Prints a summary and the command that reproduces the run; exits non-zero
# on any crash, mismatch or unexpected error.
#
# About 5-8 minutes on 2 cores with the defaults. Settings (environment):
#   STRESS_SEED=N          seed of both parts (default: random, printed)
#   STRESS_QUERIES=25000   sqlsmith queries
#   STRESS_CALLS=6000      gen.py clone calls
#   STRESS_OUT=/tmp/rowclone-stress   reproducers (finding-N.sql), logs
#   STRESS_AVOID=          schema shapes gen.py leaves out, to look past a
#                          known bug: cycles, ukref (see gen.py --help)
#   STRESS_ONLY=soak       run only the soak
#   SOAK_SECONDS=60 SOAK_CLIENTS=8 SOAK_PROJECTS=200   see test/stress/soak.sh
# e.g. a quick run: STRESS_QUERIES=1000 STRESS_CALLS=300 make stress
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trap remove_work_copy EXIT

REQUIRED_PACKAGES+=(sqlsmith python3-psycopg2)

export STRESS_SEED=${STRESS_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
export STRESS_QUERIES=${STRESS_QUERIES:-25000}
export STRESS_CALLS=${STRESS_CALLS:-6000}
export STRESS_OUT=${STRESS_OUT:-/tmp/rowclone-stress}
export STRESS_AVOID=${STRESS_AVOID:-}
export STRESS_ONLY=${STRESS_ONLY:-}
export SOAK_SECONDS=${SOAK_SECONDS:-60} SOAK_CLIENTS=${SOAK_CLIENTS:-8} SOAK_PROJECTS=${SOAK_PROJECTS:-200}

reproduce="STRESS_SEED=$STRESS_SEED STRESS_QUERIES=$STRESS_QUERIES STRESS_CALLS=$STRESS_CALLS"
if [ -n "$STRESS_AVOID" ]; then
	reproduce+=" STRESS_AVOID=$STRESS_AVOID"
fi
if [ -n "$STRESS_ONLY" ]; then
	reproduce+=" STRESS_ONLY=$STRESS_ONLY"
fi
reproduce+=" SOAK_SECONDS=$SOAK_SECONDS SOAK_CLIENTS=$SOAK_CLIENTS SOAK_PROJECTS=$SOAK_PROJECTS"
reproduce="cd $ROOT && $reproduce make stress"
revision=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown revision")
if [ -n "$(git -C "$ROOT" status --porcelain -- src sql Makefile rowclone.control test/stress 2>/dev/null)" ]; then
	revision+=", with uncommitted changes"
fi

ensure_packages
build_and_install
make_work_copy
# the reproducers outlive the work copy and the cluster
mkdir -p "$STRESS_OUT"
if is_root; then
	chown postgres:postgres "$STRESS_OUT"
fi

step "stress: test/stress/run.sh in a throwaway PostgreSQL $PG_MAJOR cluster (pg_virtualenv), seed $STRESS_SEED"
set +e
# the postmaster logs up to this much of a crashed backend's query
# shellcheck disable=SC2016 # expanded by the inner shell
in_work_cluster -o track_activity_query_size=32768 bash -c '
	rc=0
	if [ "$STRESS_ONLY" != soak ]; then bash test/stress/run.sh || rc=1; fi
	bash test/stress/soak.sh || rc=1
	exit $rc'
rc=$?
set -e
# run.sh fails by itself only on a crash; mismatches and unexpected errors
# are in its result file
if [ "$rc" -eq 0 ] && [ "$STRESS_ONLY" != soak ] && ! grep -qx PASS "$STRESS_OUT/result" 2>/dev/null; then
	rc=1
fi
if [ "$rc" -eq 0 ] && ! grep -qx PASS "$STRESS_OUT/soak.result" 2>/dev/null; then
	rc=1
fi

echo
echo "rowclone at $revision"
echo "reproduce: $reproduce"
exit "$rc"
