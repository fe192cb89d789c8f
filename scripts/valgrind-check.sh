#!/usr/bin/env bash
# scripts/valgrind-check.sh: `make valgrind-check`. Runs the regress and
# isolation suites against a PostgreSQL 15 server built with --enable-cassert
# and -DUSE_VALGRIND, whose postmaster (and so every backend) runs under
# valgrind memcheck with PostgreSQL's src/tools/valgrind.supp. Not part of
# `make test`: it takes tens of minutes.
#
#  1. installs what is missing (apt-get), adds a deb-src entry for Debian's
#     archive if there is none, fetches Debian's postgresql-15 source package
#     (upstream source, Debian's patches not applied) and builds it into
#     VG_PREFIX; skipped when the marker file says that build is there
#  2. builds rowclone against that server in a copy of the tree (the
#     checkout's own objects are left alone) and installs it there
#  3. initdb's a throwaway cluster (as postgres when we are root) and starts
#     the postmaster under valgrind, one log file per process
#  4. make installcheck for the regress suite, then for the isolation suite
#  5. stops the server, counts valgrind's "ERROR SUMMARY" over all processes,
#     prints each failing process's errors, and the test diffs
#
# Exits non-zero if valgrind reported any error, a process left no summary
# (killed), or a test failed. Logs, diffs and the valgrind files are kept in
# VG_RESULTS. Environment:
#   ROWCLONE_VG_PREFIX   server install prefix (/opt/rowclone-pg15-valgrind)
#   ROWCLONE_VG_REBUILD  set to rebuild the server even if the marker is there
#   ROWCLONE_VG_RESULTS  where results go (/tmp/rowclone-valgrind-check;
#                        emptied at the start)
#   ROWCLONE_KEEP_WORK   keep the work copy (see scripts/common.sh)
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

VG_PREFIX=${ROWCLONE_VG_PREFIX:-/opt/rowclone-pg15-valgrind}
VG_BUILD=$VG_PREFIX-build		# source package and build tree
VG_MARKER=$VG_PREFIX/.rowclone-valgrind-build
VG_PG_CONFIG=$VG_PREFIX/bin/pg_config
VG_SUPP=$VG_PREFIX/share/valgrind.supp	# copied from the source tree
VG_RESULTS=${ROWCLONE_VG_RESULTS:-/tmp/rowclone-valgrind-check}
VG_CFLAGS="-O1 -g -fno-omit-frame-pointer -DUSE_VALGRIND"
VG_CONFIGURE=(--enable-cassert --enable-debug --without-icu --without-readline
	--without-zlib --without-llvm)
# A process with an error exits with this status (when it ends), so the
# postmaster logs "exited with exit code 128" and restarts, as with the
# PostgreSQL build farm's valgrind animal: an error cannot go unseen.
VG_ERROR_EXITCODE=128
# valgrind makes everything 20-50x slower: isolationtester's wait for a step
# (default 300 s) must not be what fails
export PGISOLATIONTIMEOUT=${PGISOLATIONTIMEOUT:-3600}

# Run from `make valgrind-check`, MAKELEVEL would be 1 in every make below,
# and PostgreSQL's build makes its generated headers only at MAKELEVEL 0
unset MAKELEVEL MAKEFLAGS MFLAGS

VG_PACKAGES=(gcc make perl bison flex dpkg-dev valgrind)

started=$SECONDS
DATA='' SOCK='' PM_LAUNCHER=''

# vg_ensure_packages: like common.sh's ensure_packages, for VG_PACKAGES
vg_ensure_packages() {
	local missing=() p
	for p in "${VG_PACKAGES[@]}"; do
		if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		step "packages: all present (${VG_PACKAGES[*]})"
		return 0
	fi
	step "packages: installing ${missing[*]}"
	as_root apt-get update
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"
}

# ensure_deb_src: apt-get source needs a deb-src entry. If none is
# configured, add /etc/apt/sources.list.d/rowclone-deb-src.sources (or .list)
# mirroring the existing deb entries of Debian's archive, and apt-get update.
ensure_deb_src() {
	local f=/etc/apt/sources.list.d/rowclone-deb-src
	if grep -Eqs '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources; then
		return 0
	fi
	step "apt: adding deb-src entries ($f.*)"
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
			as_root tee "$f.sources" >/dev/null
	elif [ -f /etc/apt/sources.list ] && grep -q '^deb[[:space:]].*debian' /etc/apt/sources.list; then
		sed -n 's/^deb\([[:space:]].*debian.*\)/deb-src\1/p' /etc/apt/sources.list |
			as_root tee "$f.list" >/dev/null
	else
		die "no Debian deb entry found to derive a deb-src entry from"
	fi
	as_root apt-get update
}

# as_root_log FILE CMD...: as_root CMD, its output appended to FILE (which
# only root may write to); returns CMD's status
as_root_log() {
	local file=$1
	shift
	as_root "$@" 2>&1 | as_root tee -a "$file" >/dev/null
}

# build_server: the cassert + valgrind server, its regress and isolation
# tooling (for PGXS installcheck) and valgrind.supp, into VG_PREFIX
build_server() {
	# the marker's first line is the configuration, the second the source
	# version: only a change of configuration forces a rebuild
	local config="CFLAGS=$VG_CFLAGS ${VG_CONFIGURE[*]}"
	if [ -z "${ROWCLONE_VG_REBUILD:-}" ] && [ -x "$VG_PG_CONFIG" ] && [ -f "$VG_SUPP" ] &&
		[ -f "$VG_MARKER" ] && [ "$(head -n 1 "$VG_MARKER")" = "$config" ]; then
		step "server: already built in $VG_PREFIX ($(tr '\n' ' ' <"$VG_MARKER"))"
		return 0
	fi
	ensure_deb_src
	step "server: fetching the postgresql-15 source package into $VG_BUILD"
	as_root rm -rf "$VG_BUILD" "$VG_PREFIX"
	as_root mkdir -p "$VG_BUILD"
	# newest first; a mirror may lack one archive's sources (seen: the
	# security archive's), so fall back to the next version
	local v fetched=
	for v in $(apt-cache showsrc postgresql-15 | sed -n 's/^Version: //p' | sort -rV | uniq); do
		if as_root env -C "$VG_BUILD" apt-get source --download-only "postgresql-15=$v"; then
			fetched=$v
			break
		fi
		as_root find "$VG_BUILD" -mindepth 1 -delete
	done
	[ -n "$fetched" ] || die "could not fetch any version of the postgresql-15 source package"
	local dscs dsc
	dscs=("$VG_BUILD"/postgresql-15_*.dsc)
	dsc=${dscs[0]##*/}
	# upstream source: Debian's patches only change paths and packaging
	as_root env -C "$VG_BUILD" dpkg-source --skip-patches -x "$dsc" src
	local jobs
	jobs=$(nproc 2>/dev/null || echo 2)
	[ "$jobs" -le 2 ] || jobs=2
	step "server: configure && make -j$jobs && make install (a few minutes)"
	as_root_log "$VG_BUILD/configure.log" env -C "$VG_BUILD/src" ./configure \
		--prefix="$VG_PREFIX" "${VG_CONFIGURE[@]}" CFLAGS="$VG_CFLAGS" ||
		{ tail -n 40 "$VG_BUILD/configure.log"; die "configure failed (see $VG_BUILD/configure.log)"; }
	as_root_log "$VG_BUILD/make.log" make -C "$VG_BUILD/src" -s -j"$jobs" ||
		{ tail -n 40 "$VG_BUILD/make.log"; die "server build failed (see $VG_BUILD/make.log)"; }
	as_root_log "$VG_BUILD/make.log" make -C "$VG_BUILD/src" -s install
	# pg_regress, pg_isolation_regress and isolationtester into pgxsdir,
	# where PGXS installcheck looks for them
	as_root_log "$VG_BUILD/make.log" make -C "$VG_BUILD/src/src/test/regress" -s install
	as_root_log "$VG_BUILD/make.log" make -C "$VG_BUILD/src/src/test/isolation" -s -j"$jobs" install
	as_root install -m 644 "$VG_BUILD/src/src/tools/valgrind.supp" "$VG_SUPP"
	printf '%s\n%s\n' "$config" "$("$VG_PG_CONFIG" --version) from $dsc" |
		as_root tee "$VG_MARKER" >/dev/null
	step "server: built $(tr '\n' ' ' <"$VG_MARKER")"
}

# as_cluster_user CMD...: run CMD as the user that owns the cluster
# (postgres when we are root: initdb refuses root)
as_cluster_user() {
	if is_root; then
		local pghome
		pghome=$(getent passwd postgres | cut -d: -f6)
		runuser -u postgres -- env HOME="${pghome:-/tmp}" TMPDIR=/tmp "$@"
	else
		"$@"
	fi
}

stop_server() {
	[ -n "$DATA" ] && [ -f "$DATA/postmaster.pid" ] || return 0
	step "server: stopping (valgrind writes each process's summary on exit)"
	as_cluster_user "$VG_PREFIX/bin/pg_ctl" -D "$DATA" stop -m fast -t 1200 ||
		as_cluster_user "$VG_PREFIX/bin/pg_ctl" -D "$DATA" stop -m immediate -t 600 || true
	if [ -n "$PM_LAUNCHER" ]; then
		wait "$PM_LAUNCHER" 2>/dev/null || true
		PM_LAUNCHER=
	fi
}

summary_done=
# shellcheck disable=SC2317  # (a trap)
on_exit() {
	local rc=$?
	stop_server
	remove_work_copy
	if [ -z "$summary_done" ]; then
		echo
		echo "valgrind-check: set-up failed (status $rc) after $((SECONDS - started)) s"
		[ "$rc" -ne 0 ] || rc=1
	fi
	exit "$rc"
}
trap on_exit EXIT

# ---- 1. packages and server
vg_ensure_packages
if is_root && ! getent passwd postgres >/dev/null; then
	useradd --system --user-group --create-home --home-dir /var/lib/postgresql \
		--shell /bin/bash postgres
fi
build_server
[ -x "$VG_PG_CONFIG" ] || die "$VG_PG_CONFIG missing after the server build"

# ---- 2. rowclone against that server, in a work copy
make_work_copy
step "build: rowclone against $VG_PG_CONFIG in $WORK"
as_cluster_user make -C "$WORK" --no-print-directory clean PG_CONFIG="$VG_PG_CONFIG" >/dev/null
as_cluster_user make -C "$WORK" --no-print-directory -j2 PG_CONFIG="$VG_PG_CONFIG"
as_root make -C "$WORK" --no-print-directory install PG_CONFIG="$VG_PG_CONFIG" >/dev/null

# ---- 3. cluster, postmaster under valgrind
VG=$WORK/valgrind-run
DATA=$VG/data
SOCK=$VG/sock
VGLOG=$VG/valgrind
PORT=5432	# unix socket only, in a private directory: no clash
as_cluster_user mkdir -p "$SOCK" "$VGLOG"
step "cluster: initdb $DATA"
as_cluster_user "$VG_PREFIX/bin/initdb" -D "$DATA" --locale=C --encoding=UTF8 \
	--auth=trust --no-sync >"$VG/initdb.log" 2>&1 ||
	{ cat "$VG/initdb.log"; die "initdb failed"; }

# shellcheck disable=SC2054  # (commas inside one option)
VALGRIND=(valgrind --tool=memcheck --trace-children=yes --track-origins=yes
	--read-var-info=yes --num-callers=40 --leak-check=no --gen-suppressions=all
	--error-limit=no --suppressions="$VG_SUPP" "--error-exitcode=$VG_ERROR_EXITCODE"
	--error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END
	--log-file="$VGLOG/%p.log"
	--fullpath-after="$WORK/" --fullpath-after="$VG_BUILD/src/")
# (--fullpath-after: rowclone's frames then read "(src/keys.c:12)",
# PostgreSQL's "(src/backend/...)", telling apart e.g. the two catalog.c)
# no --quiet: every process then ends its log with an ERROR SUMMARY line,
# which is how a process that died without one (killed) shows up
POSTGRES=("$VG_PREFIX/bin/postgres" -D "$DATA" -c "port=$PORT" -c listen_addresses=
	-c unix_socket_directories="$SOCK" -c fsync=off -c autovacuum=off
	-c max_connections=30 -c "log_line_prefix=%m [%p] %q%a: "
	-c log_min_messages=warning -c log_connections=on)
# (log_connections: each process's application_name, pg_regress/<test> or
# isolation/<spec>/<session>, is in postmaster.log under its pid)
step "server: starting under valgrind"
echo "${VALGRIND[*]} ${POSTGRES[*]}"
as_cluster_user "${VALGRIND[@]}" "${POSTGRES[@]}" >"$VG/postmaster.log" 2>&1 &
PM_LAUNCHER=$!
wait_ready() {
	local i
	for ((i = 0; ; i++)); do
		if as_cluster_user "$VG_PREFIX/bin/pg_isready" -q -h "$SOCK" -p $PORT; then
			echo "server accepting connections ($i s)"
			return 0
		fi
		if ! kill -0 "$PM_LAUNCHER" 2>/dev/null || [ $i -ge 900 ]; then
			tail -n 50 "$VG/postmaster.log"
			die "the postmaster under valgrind is not accepting connections"
		fi
		sleep 1
	done
}
wait_ready

# ---- 4. suites
as_cluster_user mkdir -p "$VG/test-logs"
run_suite() {
	local name=$1 rc
	shift
	step "suite: $name ($((SECONDS - started)) s so far)"
	# a process whose valgrind errors made it exit 128 makes the postmaster
	# restart: let that finish before the next suite
	wait_ready
	set +e
	as_cluster_user env -C "$WORK" PGHOST="$SOCK" PGPORT=$PORT PGUSER="$(as_cluster_user id -un)" \
		PGISOLATIONTIMEOUT="$PGISOLATIONTIMEOUT" \
		make --no-print-directory installcheck PG_CONFIG="$VG_PG_CONFIG" "$@" 2>&1 |
		tee "$VG/test-logs/$name.log"
	rc=${PIPESTATUS[0]}
	set -e
	echo "$rc" >"$VG/test-logs/$name.rc"
}
# An empty command-line variable switches a suite off (pgxs tests ifdef).
run_suite regress ISOLATION= TAP_TESTS=
run_suite isolation REGRESS= TAP_TESTS=

# ---- 5. stop, collect, summarize
stop_server
rm -rf "$VG_RESULTS"
mkdir -p "$VG_RESULTS"
cp -r "$VGLOG" "$VG/test-logs" "$VG/postmaster.log" "$VG_RESULTS/"
[ -f "$WORK/regression.diffs" ] && cp "$WORK/regression.diffs" "$VG_RESULTS/regress.diffs"
[ -f "$WORK/output_iso/regression.diffs" ] && cp "$WORK/output_iso/regression.diffs" "$VG_RESULTS/isolation.diffs"

summary_done=1
status=0
passed=0
failed=0
for s in regress isolation; do
	log=$VG/test-logs/$s.log
	ok=$(grep -cE '^(test +|     )[^ ].* \.\.\. (ok|failed \(ignored\))( |$)|^ok [0-9]+ +[-+] ' "$log" || true)
	bad=$(grep -cE '^(test +|     )[^ ].* \.\.\. FAILED|^not ok [0-9]+ +[-+] ' "$log" || true)
	passed=$((passed + ok))
	failed=$((failed + bad))
	rc=$(cat "$VG/test-logs/$s.rc")
	if [ "$rc" != 0 ]; then
		status=1
		[ "$bad" -gt 0 ] || failed=$((failed + 1))
	fi
done

nfiles=0 total=0 bad_files=() nosummary=()
for f in "$VGLOG"/*.log; do
	[ -e "$f" ] || continue
	nfiles=$((nfiles + 1))
	n=$(sed -n 's/.*ERROR SUMMARY: \([0-9][0-9]*\) errors.*/\1/p' "$f" | tail -n 1)
	if [ -z "$n" ]; then
		nosummary+=("$f")
		# count the errors it did report before it died
		n=$(grep -c 'VALGRINDERROR-BEGIN' "$f" || true)
	fi
	total=$((total + n))
	[ "$n" -eq 0 ] || bad_files+=("$f")
done

# a frame in rowclone's own code: "(src/file.c:line)" or "(src/file.h:line)"
ROWCLONE_FRAME='[(]src/[^/:]+[.][ch]:[0-9]+[)]'
for f in "${bad_files[@]}"; do
	pid=$(basename "$f" .log)
	step "valgrind errors in process $pid (${f#"$VGLOG"/})"
	# which test's process it was, and how the postmaster saw it end (with
	# --error-exitcode: "exited with exit code 128"); then its first three
	# error reports
	grep -E "\[$pid\] .*connection authorized|PID $pid\)" "$VG/postmaster.log" || true
	awk '/VALGRINDERROR-BEGIN/ { n++; p = n <= 3 } p; /VALGRINDERROR-END/ { p = 0 }' "$f"
	if grep -Eq "$ROWCLONE_FRAME" "$f"; then
		echo "*** frames in rowclone's code (src/)"
	fi
done

# one line per distinct error: count, kind, first frame, and the first
# frame in rowclone's code if any
if [ ${#bad_files[@]} -gt 0 ]; then
	step "distinct valgrind errors"
	awk -v rc="$ROWCLONE_FRAME" '
		{ sub(/^==[0-9]+== */, "") }
		/^VALGRINDERROR-BEGIN/ { inerr = 1; kind = ""; at = ""; ours = ""; next }
		/^VALGRINDERROR-END/ {
			inerr = 0
			key = kind " | " at (ours != "" ? " | rowclone: " ours : "")
			count[key]++
			next
		}
		inerr && kind == "" { kind = $0; next }
		inerr && at == "" && /^(at|by) 0x/ { at = $0; sub(/^(at|by) 0x[0-9A-F]+: /, "", at) }
		inerr && ours == "" && $0 ~ rc { ours = $0; sub(/^(at|by) 0x[0-9A-F]+: /, "", ours) }
		END { for (k in count) printf "%6d  %s\n", count[k], k }
	' "${bad_files[@]}" | sort -rn
fi

for s in regress isolation; do
	d=$VG_RESULTS/$s.diffs
	if [ -s "$d" ]; then
		step "test differences: $s"
		cat "$d"
	fi
done

step "summary"
echo "server:   $(tr '\n' ' ' <"$VG_MARKER")in $VG_PREFIX"
echo "results:  $VG_RESULTS"
echo "valgrind: $total errors (ERROR SUMMARY) in ${#bad_files[@]} of $nfiles processes"
if [ ${#nosummary[@]} -gt 0 ]; then
	echo "valgrind: ${#nosummary[@]} processes left no ERROR SUMMARY (killed?): ${nosummary[*]##*/}"
	status=1
fi
[ "$total" -eq 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
[ $((passed + failed)) -gt 0 ] || { echo "no test ran"; status=1; }
echo "time:     $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
exit "$status"
