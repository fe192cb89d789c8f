#!/usr/bin/env bash
# test/stress/soak.sh: the concurrency soak of `make stress`, run by
# scripts/stress.sh in a throwaway cluster (pg_virtualenv sets PGHOST etc.).
#
# pgbench, SOAK_CLIENTS clients for SOAK_SECONDS, mixing (weights after @):
#   clone_row_rr@3   clone_row(cascade) of a random project, REPEATABLE READ,
#                    the source's task and comment counts logged in the same
#                    snapshot as the new key
#   clone_rows_rr@2  clone_rows(cascade, copies => 2) of two random projects
#   clone_row_rc@2   clone_row(cascade) under READ COMMITTED (one statement)
#   delete_recreate@1, move_task@3, insert_task@2: DELETE of projects (with
#                    their tasks and comments, by ON DELETE CASCADE) and new
#                    ones, moves and UPDATEs of tasks, INSERTs of tasks
# Copies are marked is_copy and never touched again. Afterwards (check.sql):
# no orphans, every logged copy exists and has exactly the rows its source
# had in its snapshot, no unlogged copy. Serialization failures and
# deadlocks (40001, 40P01) are retried by pgbench (--max-tries) and counted;
# any other error aborts a client and fails the soak, as does a backend crash
# in the server log.
#
# Environment: SOAK_SECONDS [60], SOAK_CLIENTS [8], SOAK_PROJECTS [200],
# STRESS_OUT (figures go to $STRESS_OUT/soak.*). Exits 0 on PASS, 1 on FAIL.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/soak" && pwd)
secs=${SOAK_SECONDS:-60}
clients=${SOAK_CLIENTS:-8}
projects=${SOAK_PROJECTS:-200}
out=${STRESS_OUT:-/tmp/rowclone-stress}
db=soak
mkdir -p "$out"
rm -f "$out"/soak.*

log=
for f in "${PG_CLUSTER_CONF_ROOT:-/nonexistent}/../log/postgresql-${PGVERSION:-15}-regress.log" \
	"/var/log/postgresql/postgresql-${PGVERSION:-15}-regress.log"; do
	if [ -r "$f" ]; then log=$f; break; fi
done
logstart=0
[ -n "$log" ] && logstart=$(stat -c %s "$log")

printf '\n==> soak: pgbench, %s clients, %s s, %s source projects (20 tasks, 40 comments each)\n' \
	"$clients" "$secs" "$projects"
dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db" || exit 1
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v projects="$projects" -f "$here/schema.sql" >/dev/null || exit 1

scripts=()
for s in clone_row_rr@3 clone_rows_rr@2 clone_row_rc@2 delete_recreate@1 move_task@3 insert_task@2; do
	scripts+=(-f "$here/${s%@*}.sql@${s#*@}")
done
pgbench -n -c "$clients" -j 2 -T "$secs" --max-tries=20 --failures-detailed \
	-D projects="$projects" "${scripts[@]}" "$db" >"$out/soak.pgbench" 2>&1
pgbench_rc=$?
# the totals, and per script its transactions and failures
grep -E '^(number of|latency average|tps|SQL script| - [0-9]+ transactions| - number of (failed|serialization|deadlock))|aborted|error' \
	"$out/soak.pgbench" | sed 's/^/    /'

psql -X -q -d "$db" -f "$here/check.sql" >"$out/soak.check" 2>&1
sed 's/^/    /' "$out/soak.check"

fail=()
[ "$pgbench_rc" -eq 0 ] || fail+=("pgbench exited with status $pgbench_rc")
if grep -qE 'client [0-9]+ aborted|Run was aborted' "$out/soak.pgbench"; then
	fail+=("a client aborted on an error pgbench does not retry")
fi
for c in 'orphan tasks' 'orphan comments' 'copies missing' 'copies incomplete' 'copies unlogged'; do
	v=$(sed -n "s/^$c //p" "$out/soak.check")
	[ "$v" = 0 ] || fail+=("$c: ${v:-no answer}")
done
logged=$(sed -n 's/^copies logged //p' "$out/soak.check")
[ "${logged:-0}" -gt 0 ] || fail+=("no copy was made")
if [ -n "$log" ]; then
	tail -c +$((logstart + 1)) "$log" >"$out/soak.serverlog"
	if grep -qE 'terminated by signal|server process .* was terminated|PANIC' "$out/soak.serverlog"; then
		fail+=("backend crash in the server log")
	fi
	# SQLSTATEs of the errors the server logged (log_line_prefix has no %e:
	# read the messages pgbench retried or failed on instead)
fi
if [ ${#fail[@]} -eq 0 ]; then
	echo "soak: PASS"
	echo PASS >"$out/soak.result"
	exit 0
fi
printf 'soak: FAIL: %s\n' "$(IFS=';'; echo "${fail[*]}")"
echo FAIL >"$out/soak.result"
exit 1
