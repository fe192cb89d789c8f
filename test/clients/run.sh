#!/usr/bin/env bash
# test/clients/run.sh [CLIENT...]: run the client test programs (psycopg, django,
# node, jdbc; all by default) against the server the libpq environment names
# (PGHOST, PGPORT, PGUSER, PGPASSWORD; pg_virtualenv sets them). The user must
# be allowed to create databases and CREATE EXTENSION rowclone.
#
# Each client gets its own fresh database, rowclone_client_<name>. Its output
# goes to test-logs/clients/<name>.out (status in <name>.rc) and is repeated
# here indented, followed by one line `ok - <name> (N s)` or `not ok - <name>
# (N s)`, which scripts/test.sh counts. Exits non-zero if any client failed.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LOGDIR=$ROOT/test-logs/clients
PYTHON=${ROWCLONE_PYTHON:-/usr/bin/python3}	# Debian's, which has python3-psycopg & co.
JDBC_JAR=${ROWCLONE_JDBC_JAR:-/usr/share/java/postgresql.jar}
ALL=(psycopg django node jdbc)
mkdir -p "$LOGDIR"
export PYTHONDONTWRITEBYTECODE=1

need() {
	local c
	for c in "$@"; do
		if [ -e "$c" ] || command -v "$c" >/dev/null 2>&1; then
			continue
		fi
		echo "missing: $c"
		return 1
	done
}

# client_NAME: run one client's test program in its directory (already cd'ed)
client_psycopg() {
	need "$PYTHON" && "$PYTHON" test_psycopg.py
}

client_django() {
	need "$PYTHON" && "$PYTHON" manage.py migrate --noinput &&
		"$PYTHON" test_django.py
}

client_node() {
	need node npm || return 1
	# npm's cache and logs inside the work copy: the cluster user's HOME may not be writable
	npm_config_cache=$PWD/.npm-cache npm_config_update_notifier=false \
		npm ci --no-audit --no-fund --loglevel=error || return 1
	node test.js
}

client_jdbc() {
	need javac java "$JDBC_JAR" || return 1
	rm -rf build
	javac -d build -cp "$JDBC_JAR" CloneTest.java &&
		java -cp "build:$JDBC_JAR" CloneTest
}

run_client() {
	local name=$1 db=rowclone_client_$1 out=$LOGDIR/$1.out rc start ms
	start=$(date +%s%N)
	{
		dropdb --if-exists "$db" &&
			createdb "$db" &&
			psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION rowclone' &&
			(cd "$HERE/$name" && PGDATABASE=$db "client_$name")
	} >"$out" 2>&1
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "$rc" >"$LOGDIR/$name.rc"
	sed 's/^/    /' "$out"
	if [ "$rc" -eq 0 ]; then
		printf 'ok - %s (%d.%03d s)\n' "$name" $((ms / 1000)) $((ms % 1000))
	else
		printf 'not ok - %s (%d.%03d s, status %d)\n' "$name" $((ms / 1000)) $((ms % 1000)) "$rc"
	fi
	return "$rc"
}

clients=("$@")
[ ${#clients[@]} -gt 0 ] || clients=("${ALL[@]}")
status=0
npass=0
nfail=0
for c in "${clients[@]}"; do
	if ! declare -F "client_$c" >/dev/null; then
		echo "not ok - $c (no such client; have: ${ALL[*]})"
		status=1
		nfail=$((nfail + 1))
		continue
	fi
	if run_client "$c"; then
		npass=$((npass + 1))
	else
		status=1
		nfail=$((nfail + 1))
	fi
done
echo "# clients: $npass passed, $nfail failed"
exit "$status"
