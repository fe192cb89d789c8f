#!/usr/bin/env bash
# scripts/run-suites.sh: run every test suite against the current server.
#
# Called by scripts/test.sh inside a throwaway pg_virtualenv cluster, in a
# work copy of the tree; not meant to be run by hand (use `make test`).
# Each suite (regress, isolation, TAP) is its own `make installcheck`, and the
# client programs (test/clients/run.sh) a suite of their own, so a failing
# suite does not stop the ones after it. Each writes its output to
# test-logs/<suite>.log and its exit status to test-logs/<suite>.rc, which
# test.sh counts. Exits non-zero if any suite did.
set -u

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
mkdir -p test-logs
status=0

run_suite() {
	local name=$1 rc
	shift
	printf '\n==> suite: %s\n' "$name"
	make --no-print-directory installcheck PG_CONFIG="$PG_CONFIG" "$@" 2>&1 |
		tee "test-logs/$name.log"
	rc=${PIPESTATUS[0]}
	echo "$rc" >"test-logs/$name.rc"
	[ "$rc" -eq 0 ] || status=1
}

# An empty command-line variable switches the suite off (pgxs tests ifdef).
run_suite regress ISOLATION= TAP_TESTS=
run_suite isolation REGRESS= TAP_TESTS=
run_suite tap REGRESS= ISOLATION=

printf '\n==> suite: clients\n'
bash test/clients/run.sh 2>&1 | tee test-logs/clients.log
rc=${PIPESTATUS[0]}
echo "$rc" >test-logs/clients.rc
[ "$rc" -eq 0 ] || status=1

exit "$status"
