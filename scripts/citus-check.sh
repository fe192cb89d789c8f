#!/usr/bin/env bash
# scripts/citus-check.sh: `make citus-check` (not part of `make test`). Runs
# the Citus suite (test/citus) against a coordinator and two workers of
# PostgreSQL 15 with Citus 13, on this machine.
#
#  1. Citus: uses the installed one when the server's pkglibdir has citus.so
#     and its citus.control says 13.x; else builds Citus 13.2.2 from the
#     vendored tarball and patch (CITUS_VENDOR/README.md) under
#     CITUS_PREFIX/build and installs it into the packaged server. The build
#     is kept: one whose marker says 13.2.2 is installed again with
#     `make install`, not rebuilt. The -dev packages it needs are installed
#     with apt-get when missing.
#  2. rowclone: built with -Werror in a copy of the tree (the checkout's own
#     objects are left alone) and installed into the packaged server.
#  3. a throwaway directory (the work copy, made by mktemp) holds three data
#     directories, initdb'd as postgres when we are root: a coordinator and two
#     workers on free loopback ports (from CITUS_PORT_BASE up), unix sockets
#     in that directory, shared_preload_libraries = 'citus'. The database
#     citus_check gets CREATE EXTENSION citus on each node, the workers are
#     added to the coordinator, and CREATE EXTENSION rowclone on the
#     coordinator (Citus propagates it; checked on each worker).
#  4. pg_regress --use-existing against the coordinator: test/citus/sql,
#     setup first, then the others in name order; a test reads the workers'
#     ports from CITUS_WORKER1_PORT and CITUS_WORKER2_PORT (\getenv).
#  5. prints the diffs and the server logs' errors on failure, stops the three
#     servers, removes the throwaway directory.
#
# The last line printed is always "citus-check: N passed, N failed" (one
# test = one .sql file of test/citus/sql; a set-up failure counts as one
# failure). Exits non-zero on any failure.
#
# Environment:
#   CITUS_VENDOR        the vendored Citus, relative to the repository or
#                       absolute [../shared/vendor]
#   CITUS_PREFIX        where Citus is built and kept [/opt/rowclone-citus]
#   CITUS_PORT_BASE     the first port tried [55432]
#   ROWCLONE_KEEP_WORK  keep the throwaway directory (see scripts/common.sh)
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CITUS_VERSION=13.2.2
CITUS_VENDOR=${CITUS_VENDOR:-../shared/vendor}
case $CITUS_VENDOR in
/*) ;;
*) CITUS_VENDOR=$ROOT/$CITUS_VENDOR ;;
esac
CITUS_PREFIX=${CITUS_PREFIX:-/opt/rowclone-citus}
CITUS_BUILD=$CITUS_PREFIX/build
CITUS_SRC=$CITUS_BUILD/citus-$CITUS_VERSION
CITUS_MARKER=$CITUS_BUILD/built-version
PORT_BASE=${CITUS_PORT_BASE:-55432}
BINDIR=/usr/lib/postgresql/$PG_MAJOR/bin
PG_REGRESS=/usr/lib/postgresql/$PG_MAJOR/lib/pgxs/src/test/regress/pg_regress
DB=citus_check
# what the build of rowclone and of Citus needs (the -dev packages as
# CITUS_VENDOR/README.md lists them)
CITUS_PACKAGES=(gcc make patch "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR"
	libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev
	libpam0g-dev libssl-dev libxslt1-dev zlib1g-dev libreadline-dev)
# Run from `make citus-check`, MAKELEVEL would be 1 in the makes below
unset MAKELEVEL MAKEFLAGS MFLAGS

started=$SECONDS
passed=0
failed=0
problems=()
PORTS=()	# coordinator, worker 1, worker 2
STARTED=()	# data directories of the servers this script started
CLUSTER=

# citus_packages: install the missing ones of CITUS_PACKAGES
citus_packages() {
	install_packages "${CITUS_PACKAGES[@]}"
	[ -x "$PG_CONFIG" ] || die "$PG_CONFIG is missing after installing packages"
}

# citus_installed: whether the packaged server has Citus 13 (citus.so and a
# citus.control that says 13.x); CITUS_HAVE is the control file's version
CITUS_HAVE=
citus_installed() {
	local sharedir pkglibdir
	sharedir=$("$PG_CONFIG" --sharedir)
	pkglibdir=$("$PG_CONFIG" --pkglibdir)
	CITUS_HAVE=$(control_version "$sharedir/extension/citus.control")
	[ -f "$pkglibdir/citus.so" ] && [[ $CITUS_HAVE == 13.* ]]
}

# ensure_citus: Citus 13 in the packaged server: the installed one, the kept
# build installed again, or a new build from CITUS_VENDOR
ensure_citus() {
	local log=$WORK/citus-build.log jobs tarball patchfile t0
	if citus_installed; then
		step "citus: installed ($CITUS_HAVE, $("$PG_CONFIG" --pkglibdir)/citus.so)"
		return 0
	fi
	if [ -f "$CITUS_MARKER" ] && [ "$(cat "$CITUS_MARKER")" = "$CITUS_VERSION" ] &&
		[ -f "$CITUS_SRC/Makefile.global" ]; then
		step "citus: installing the build kept in $CITUS_SRC"
		as_root make -C "$CITUS_SRC" -s install >"$WORK/citus-install.log" 2>&1 ||
			{ tail -n 40 "$WORK/citus-install.log"; die "citus: make install failed"; }
	else
		tarball=$CITUS_VENDOR/citus-$CITUS_VERSION.tar.gz
		patchfile=$CITUS_VENDOR/citus-$CITUS_VERSION-pg15.20.patch
		[ -f "$tarball" ] || die "no $tarball (set CITUS_VENDOR)"
		[ -f "$patchfile" ] || die "no $patchfile (set CITUS_VENDOR)"
		jobs=$(nproc 2>/dev/null || echo 2)
		step "citus: building $CITUS_VERSION in $CITUS_SRC (log: $log)"
		t0=$SECONDS
		as_root rm -rf "$CITUS_BUILD"
		as_root mkdir -p "$CITUS_BUILD"
		as_root tar -C "$CITUS_BUILD" -xzf "$tarball"
		[ -d "$CITUS_SRC" ] || die "$tarball did not unpack into $CITUS_SRC"
		{
			as_root patch -d "$CITUS_SRC" -p1 <"$patchfile" &&
				as_root env -C "$CITUS_SRC" ./configure PG_CONFIG="$PG_CONFIG" &&
				as_root make -C "$CITUS_SRC" -s -j"$jobs" &&
				as_root make -C "$CITUS_SRC" -s install
		} >"$log" 2>&1 ||
			{ tail -n 40 "$log"; die "citus: build failed (log: $log)"; }
		echo "$CITUS_VERSION" | as_root tee "$CITUS_MARKER" >/dev/null
		step "citus: built and installed in $((SECONDS - t0)) s"
	fi
	citus_installed || die "citus: still not installed (control file says '${CITUS_HAVE:-nothing}')"
}

# port_free PORT: nothing listens on PORT (TCP, any address)
port_free() {
	if command -v ss >/dev/null 2>&1; then
		[ -z "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]
	else
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 1
		fi
	fi
}

# pick_ports: three free ports from PORT_BASE up into PORTS
pick_ports() {
	local p=$PORT_BASE
	while [ ${#PORTS[@]} -lt 3 ]; do
		[ "$p" -lt $((PORT_BASE + 1000)) ] || die "no 3 free ports in $PORT_BASE-$((PORT_BASE + 999))"
		if port_free "$p"; then
			PORTS+=("$p")
		fi
		p=$((p + 1))
	done
}

# node_sql PORT SQL: run SQL in DB on the node at PORT, unaligned, tuples only
node_sql() {
	as_cluster_user "$BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 \
		-h "$CLUSTER/sock" -p "$1" -d "$DB" -c "$2"
}

# start_node NAME PORT: initdb CLUSTER/NAME and start it on PORT
start_node() {
	local name=$1 port=$2 data=$CLUSTER/$1
	as_cluster_user "$BINDIR/initdb" -D "$data" --locale=C --encoding=UTF8 --auth=trust \
		--no-sync >"$CLUSTER/initdb-$name.log" 2>&1 ||
		{ cat "$CLUSTER/initdb-$name.log"; die "initdb $name failed"; }
	as_cluster_user tee -a "$data/postgresql.conf" >/dev/null <<EOF

# scripts/citus-check.sh
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CLUSTER/sock'
shared_preload_libraries = 'citus'
max_prepared_transactions = 100
wal_level = logical
fsync = off
jit = off
citus.enable_statistics_collection = off
EOF
	as_cluster_user "$BINDIR/pg_ctl" -D "$data" -l "$CLUSTER/$name.log" -w start >/dev/null ||
		{ tail -n 20 "$CLUSTER/$name.log"; die "$name (port $port) did not start"; }
	STARTED+=("$data")
}

stop_nodes() {
	local data
	for data in "${STARTED[@]}"; do
		as_cluster_user "$BINDIR/pg_ctl" -D "$data" stop -m fast >/dev/null 2>&1 || true
	done
	STARTED=()
}

# setup_cluster: the coordinator and two workers, each with citus in DB;
# rowclone created on the coordinator and checked on the workers
setup_cluster() {
	local i name port version have
	CLUSTER=$WORK/citus-cluster
	as_cluster_user mkdir -p "$CLUSTER/sock"
	pick_ports
	step "cluster: coordinator on 127.0.0.1:${PORTS[0]}, workers on ${PORTS[1]} and ${PORTS[2]} ($CLUSTER)"
	for i in 0 1 2; do
		name=worker$i
		[ "$i" -gt 0 ] || name=coordinator
		start_node "$name" "${PORTS[$i]}"
		as_cluster_user "$BINDIR/createdb" -h "$CLUSTER/sock" -p "${PORTS[$i]}" "$DB"
		node_sql "${PORTS[$i]}" 'CREATE EXTENSION citus' >/dev/null
	done
	node_sql "${PORTS[0]}" "SELECT citus_set_coordinator_host('127.0.0.1', ${PORTS[0]})" >/dev/null
	for port in "${PORTS[1]}" "${PORTS[2]}"; do
		node_sql "${PORTS[0]}" "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null
	done
	have=$(node_sql "${PORTS[0]}" 'SELECT count(*) FROM citus_get_active_worker_nodes()')
	[ "$have" = 2 ] || die "the coordinator sees $have active workers, not 2"
	node_sql "${PORTS[0]}" 'CREATE EXTENSION rowclone' >/dev/null
	version=$(node_sql "${PORTS[0]}" "SELECT extversion FROM pg_extension WHERE extname = 'rowclone'")
	for port in "${PORTS[1]}" "${PORTS[2]}"; do
		have=$(node_sql "$port" "SELECT extversion FROM pg_extension WHERE extname = 'rowclone'")
		[ "$have" = "$version" ] ||
			die "rowclone on the worker at $port: '${have:-not created}', coordinator has $version"
	done
	step "cluster: $(node_sql "${PORTS[0]}" "SELECT 'citus ' || extversion FROM pg_extension WHERE extname = 'citus'"), rowclone $version on the coordinator and both workers"
}

# same_module WHEN: warn when the installed rowclone.so is not the one this
# run built (another checkout's `make install` replaced it meanwhile: the
# servers may have loaded that one)
same_module() {
	local installed
	installed=$("$PG_CONFIG" --pkglibdir)/rowclone.so
	if ! cmp -s "$WORK/rowclone.so" "$installed"; then
		problems+=("warning: $installed is not the module this run built ($1): another install replaced it")
		echo "warning: $installed is not the module this run built ($1)"
	fi
}

# run_suite: pg_regress over test/citus against the coordinator
run_suite() {
	local tests=() f rc
	for f in "$WORK"/test/citus/sql/*.sql; do
		f=${f##*/}
		f=${f%.sql}
		[ "$f" = setup ] || tests+=("$f")
	done
	[ -f "$WORK/test/citus/sql/setup.sql" ] || die "no test/citus/sql/setup.sql"
	step "suite: pg_regress, setup ${tests[*]}"
	set +e
	as_cluster_user env -C "$WORK" \
		CITUS_WORKER1_PORT="${PORTS[1]}" CITUS_WORKER2_PORT="${PORTS[2]}" \
		"$PG_REGRESS" --use-existing --bindir="$BINDIR" \
		--host=127.0.0.1 --port="${PORTS[0]}" --dbname="$DB" \
		--inputdir=test/citus --outputdir="$WORK/citus-out" \
		setup "${tests[@]}" 2>&1 | tee "$WORK/citus-regress.log"
	rc=${PIPESTATUS[0]}
	set -e
	passed=$(grep -cE '^(test +|     )[^ ].* \.\.\. (ok|failed \(ignored\))( |$)' "$WORK/citus-regress.log" || true)
	failed=$(grep -cE '^(test +|     )[^ ].* \.\.\. FAILED' "$WORK/citus-regress.log" || true)
	if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
		failed=1
		problems+=("pg_regress exited with status $rc outside any test")
	fi
	if [ "$failed" != 0 ]; then
		step "failure details"
		if [ -f "$WORK/citus-out/regression.diffs" ]; then
			cat "$WORK/citus-out/regression.diffs"
		fi
		for f in coordinator worker1 worker2; do
			printf '\n===== %s.log: ERROR, FATAL, PANIC lines =====\n' "$f"
			grep -E 'ERROR|FATAL|PANIC' "$CLUSTER/$f.log" | tail -n 40 || true
		done
	fi
}

summary_done=
summary() {
	summary_done=1
	stop_nodes
	remove_work_copy
	echo
	if [ ${#problems[@]} -gt 0 ]; then
		printf '%s\n' "${problems[@]}"
	fi
	echo "citus-check: $((SECONDS - started)) s"
	echo "citus-check: $passed passed, $failed failed"
}

# set -e or die stopped us: still stop the servers (summary does) and end
# with the summary line, counting the set-up as one failure
trap summary_on_exit EXIT

citus_packages
make_work_copy
ensure_citus
step "rowclone: build with -Werror in $WORK, install into $("$PG_CONFIG" --pkglibdir)"
as_cluster_user make -C "$WORK" --no-print-directory clean PG_CONFIG="$PG_CONFIG" >/dev/null
as_cluster_user make -C "$WORK" --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" \
	ROWCLONE_WERROR=1 PG_CONFIG="$PG_CONFIG" >"$WORK/build.log" 2>&1 ||
	{ cat "$WORK/build.log"; die "rowclone: build failed"; }
as_root make -C "$WORK" --no-print-directory install PG_CONFIG="$PG_CONFIG" >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log"; die "rowclone: make install failed"; }
setup_cluster
same_module "before the suite"
run_suite
same_module "after the suite"
summary
[ "$failed" -eq 0 ]
