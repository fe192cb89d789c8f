#!/usr/bin/env bash
# scripts/test.sh: `make test`. Installs what is missing, builds with warnings
# as errors, installs, and runs every suite (regress, isolation, TAP) in a
# throwaway cluster as a non-root user, on a copy of the tree.
#
# The last line printed is always `N passed, N failed`, counted over all
# suites (one test = one regress .sql, one isolation .spec, one TAP .pl or
# one client program of test/clients).
# Exits non-zero if anything failed or nothing ran.
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SUITES=(regress isolation tap clients)
passed=0
failed=0
problems=()

summary_done=
summary() {
	summary_done=1
	remove_work_copy
	echo
	if [ ${#problems[@]} -gt 0 ]; then
		printf '%s\n' "${problems[@]}"
	fi
	echo "$passed passed, $failed failed"
}

# count_suite NAME LOG: add the suite's results to passed/failed.
#   pg_regress / pg_isolation_regress (PostgreSQL <= 15):
#     "test foo   ... ok   12 ms", parallel members "     foo   ... ok",
#     "... FAILED", "... failed (ignored)" (pg_regress does not count it)
#   PostgreSQL >= 16 prints TAP-like "ok 1  - foo  12 ms" / "not ok 2  - foo"
#   prove: "Files=3, Tests=17, ..." and one "t/x.pl (Wstat: ...)" line per
#     failed file in the "Test Summary Report"
#   test/clients/run.sh: "ok - psycopg (1.2 s)" / "not ok - jdbc (...)" at
#     the start of a line (each client's own checks are indented)
count_suite() {
	local name=$1 log=$2 ok=0 bad=0 files
	if [ "$name" = clients ]; then
		ok=$(grep -cE '^ok - ' "$log" || true)
		bad=$(grep -cE '^not ok - ' "$log" || true)
	elif [ "$name" = tap ]; then
		files=$(sed -n 's/^Files=\([0-9]*\), Tests=.*/\1/p' "$log" | tail -n 1)
		bad=$(grep -cE '^[^ ]+\.pl +\(Wstat: ' "$log" || true)
		ok=$(( ${files:-0} - bad ))
		[ "$ok" -ge 0 ] || ok=0
	else
		ok=$(grep -cE '^(test +|     )[^ ].* \.\.\. (ok|failed \(ignored\))( |$)|^ok [0-9]+ +[-+] ' "$log" || true)
		bad=$(grep -cE '^(test +|     )[^ ].* \.\.\. FAILED|^not ok [0-9]+ +[-+] ' "$log" || true)
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	SUITE_FAILED=$bad
}

show_file() {
	[ -f "$1" ] || return 0
	printf '\n===== %s =====\n' "${1#"$WORK"/}"
	cat "$1"
}

# set -e stopped us (missing package, build error, ...): still end with the
# summary line, counting the set-up as one failure
trap summary_on_exit EXIT

ensure_packages
build_and_install werror
make_work_copy

step "suites: throwaway PostgreSQL $PG_MAJOR cluster (pg_virtualenv) in $WORK"
set +e
in_work_cluster bash scripts/run-suites.sh
cluster_rc=$?
set -e

for s in "${SUITES[@]}"; do
	log=$WORK/test-logs/$s.log
	rcfile=$WORK/test-logs/$s.rc
	[ -f "$rcfile" ] || continue
	count_suite "$s" "$log"
	rc=$(cat "$rcfile")
	if [ "$rc" != 0 ] && [ "$SUITE_FAILED" -eq 0 ]; then
		# the suite broke before or outside its tests (connection, missing
		# expected file, syntax error in a spec...): count it as one failure
		failed=$((failed + 1))
		problems+=("suite $s: make installcheck exited with status $rc outside any test")
	fi
done
if [ "$cluster_rc" != 0 ] && [ "$failed" -eq 0 ]; then
	failed=1
	problems+=("the throwaway cluster run exited with status $cluster_rc")
fi

# what each failed suite left behind
for s in "${SUITES[@]}"; do
	rcfile=$WORK/test-logs/$s.rc
	if [ ! -f "$rcfile" ] || [ "$(cat "$rcfile")" = 0 ]; then
		continue
	fi
	step "failure details: $s"
	case $s in
	regress) show_file "$WORK/regression.diffs" ;;
	isolation) show_file "$WORK/output_iso/regression.diffs" ;;
	tap)
		for f in "$WORK"/tmp_check/log/*; do
			show_file "$f"
		done
		;;
	clients) ;; # run.sh already printed each client's output
	esac
done

if [ $((passed + failed)) -eq 0 ]; then
	problems+=("no test ran")
	summary
	exit 1
fi
summary
[ "$failed" -eq 0 ]
