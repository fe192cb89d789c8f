#!/usr/bin/env bash
# scripts/matrix.sh: `make matrix`. Builds rowclone with -Werror against each
# supported server and runs the regress and isolation suites against a
# throwaway cluster of it; ends with "N passed, N failed" over all versions.
#
# Servers (SPEC "Supported servers"):
#   15  the packaged server (/usr/lib/postgresql/15, what `make test` uses)
#   17  trixie's binary packages (postgresql-17, postgresql-client-17,
#       postgresql-server-dev-17 and the libraries they need, trixie's libc6
#       among them), unpacked, not installed, and patched to run on that glibc
#   18  sid's postgresql-18 orig tarball, built from source
#   19  experimental's binary packages (postgresql-19, postgresql-client-19,
#       postgresql-server-dev-19), with sid's libc6 and libraries, the same way
#   16  no Debian suite has it: not tested (the 15 and 18 shims cover it)
# (On deb.debian.org, 17's and 19's orig tarballs are in their Sources.xz but
# not in the pool, hence binaries.) The extension is built by this machine's
# gcc against the unpacked headers, without the options of the server's CFLAGS
# that this gcc does not know.
# A server is kept in MATRIX_PREFIX/pgV and reused when its
# pg_config --version is that major version. A tarball is found through its
# suite's Sources.xz index, a .deb through its suite's Packages.xz, and each
# is checked against the SHA256 there. A version whose source or packages
# cannot be fetched prints "skipped: no source" (or "no packages") and counts
# as neither passed nor failed.
#
# Environment:
#   MATRIX_VERSIONS  versions to run [15 17 18 19]
#   MATRIX_PREFIX    where servers are built and kept [/opt/rowclone-matrix]
#   MATRIX_MIRROR    Debian mirror [http://deb.debian.org/debian]
#   ROWCLONE_KEEP_WORK  keep the work copies (see scripts/common.sh)
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

read -r -a VERSIONS <<<"${MATRIX_VERSIONS:-15 17 18 19}"
PREFIX=${MATRIX_PREFIX:-/opt/rowclone-matrix}
MIRROR=${MATRIX_MIRROR:-http://deb.debian.org/debian}
CONFIGURE=(--without-icu --without-readline --without-zlib --without-llvm)
MATRIX_PACKAGES=(gcc make perl bison flex curl xz-utils bzip2 patchelf)
export PGISOLATIONTIMEOUT=${PGISOLATIONTIMEOUT:-600}
unset MAKELEVEL MAKEFLAGS MFLAGS

started=$SECONDS
total_passed=0 total_failed=0
summary=()

# suite_of VERSION: the Debian suite whose Sources.xz has postgresql-VERSION
suite_of() {
	case $1 in
	18) echo sid ;;
	19) echo experimental ;;
	*) echo trixie ;;
	esac
}

# fetch_source VERSION DIR: the newest orig tarball of postgresql-VERSION into
# DIR/src.tar.bz2, checked against its SHA256; fails when there is none
fetch_source() {
	local v=$1 dir=$2 suite idx line file sha dirpath
	suite=$(suite_of "$v")
	idx=$dir/Sources-$suite.xz
	curl -fsS --max-time 300 -o "$idx" "$MIRROR/dists/$suite/main/source/Sources.xz" || return 1
	# the stanzas of the package: its Directory and its orig tarballs' SHA256
	line=$(xz -dc "$idx" | awk -v pkg="postgresql-$v" '
		function flush() { if (inpkg && file != "") print dir, sha, file; inpkg = 0; file = ""; dir = "" }
		/^$/ { flush(); next }
		/^Package: / { inpkg = ($2 == pkg) }
		/^Directory: / { dir = $2 }
		/^Checksums-Sha256:/ { sums = 1; next }
		/^ / && sums { if ($3 ~ /\.orig\.tar\.bz2$/) { sha = $1; file = $3 } next }
		{ sums = 0 }
		END { flush() }' | sort -V -k3 | tail -n 1)
	[ -n "$line" ] || return 1
	read -r dirpath sha file <<<"$line"
	step "source: $file ($suite), sha256 $sha"
	curl -fsS --max-time 900 -o "$dir/$file" "$MIRROR/$dirpath/$file" || return 1
	echo "$sha  $dir/$file" | sha256sum -c --quiet - || die "$file: SHA256 does not match $suite's Sources index"
	mv "$dir/$file" "$dir/src.tar.bz2"
}

# binary_suites VERSION: "PGSUITE LIBSUITE", the Debian suites whose binary
# packages make a server of VERSION: the packages of postgresql-VERSION's
# source from PGSUITE, the libraries they need from LIBSUITE (empty: that
# version is built from source)
binary_suites() {
	case $1 in
	17) echo trixie trixie ;;
	19) echo experimental sid ;;
	*) ;;
	esac
}

# fetch_binaries VERSION DIR DEST: unpack postgresql-VERSION,
# postgresql-client-VERSION, postgresql-server-dev-VERSION and the libraries
# they depend on (libc6 among them: these binaries need their own suite's
# glibc) into DEST, each .deb checked against the SHA256 of its suite's
# Packages.xz, without installing any; then point the server's programs and
# modules at that glibc and those libraries (patch_binaries). Fails when a
# suite or a package cannot be fetched.
fetch_binaries() {
	local v=$1 dir=$2 dest=$3 suites suite pkg sha file
	read -r -a suites <<<"$(binary_suites "$v")"
	[ ${#suites[@]} = 2 ] || return 1
	for suite in "${suites[@]}"; do
		[ -f "$dir/Packages-$suite" ] && continue
		curl -fsS --max-time 300 -o "$dir/Packages-$suite.xz" \
			"$MIRROR/dists/$suite/main/binary-amd64/Packages.xz" || return 1
		xz -d "$dir/Packages-$suite.xz" || return 1
	done
	# the packages and, transitively, the libraries (section libs) they
	# depend on, first alternatives, but not LLVM (jit is off): a package of
	# postgresql-VERSION's source from PGSUITE's index (read first), any
	# other from LIBSUITE's
	awk -v src="postgresql-$v" -v seeds="postgresql-$v postgresql-client-$v postgresql-server-dev-$v" '
		function keep() {
			if (p != "" && !(p in file) && (part == 2 || source == src)) {
				file[p] = f; sha[p] = h; section[p] = sec; deps[p] = dep
			}
			p = ""; source = ""; f = ""; h = ""; sec = ""; dep = ""
		}
		FNR == 1 { keep(); part++ }
		/^$/ { keep(); next }
		/^Package: / { p = $2; if (source == "") source = $2 }
		/^Source: / { source = $2 }
		/^Filename: / { f = $2 }
		/^SHA256: / { h = $2 }
		/^Section: / { sec = $2 }
		/^(Pre-)?Depends: / { sub(/^[^:]*: /, ""); dep = dep "," $0 }
		END {
			keep()
			n = split(seeds, todo, " ")
			while (n > 0) {
				q = todo[n--]
				if (q in seen) continue
				seen[q] = 1
				if (!(q in file)) { print "missing", "-", q; continue }
				print q, sha[q], file[q]
				m = split(deps[q], d, ",")
				for (i = 1; i <= m; i++) {
					x = d[i]
					sub(/\|.*/, "", x); sub(/^ +/, "", x); sub(/[ (:].*/, "", x)
					if (section[x] == "libs" && x !~ /^libllvm/) todo[++n] = x
				}
			}
		}' "$dir/Packages-${suites[0]}" "$dir/Packages-${suites[1]}" >"$dir/want"
	if grep -q '^missing ' "$dir/want"; then
		echo "no package $(awk '$1 == "missing" { print $3 }' "$dir/want" | tr '\n' ' ')in ${suites[*]}"
		return 1
	fi
	step "server $v: unpacking $(wc -l <"$dir/want") packages (postgresql-$v's from ${suites[0]}, libraries from ${suites[1]}) into $dest"
	if ! { as_root rm -rf "$dest" && as_root mkdir -p "$dest"; }; then
		die "cannot make $dest"
	fi
	while read -r pkg sha file; do
		curl -fsS --max-time 900 -o "$dir/$pkg.deb" "$MIRROR/$file" || { echo "cannot fetch $file"; return 1; }
		echo "$sha  $dir/$pkg.deb" | sha256sum -c --quiet - ||
			die "${file##*/}: SHA256 does not match the Packages index"
		as_root dpkg-deb -x "$dir/$pkg.deb" "$dest" || die "${file##*/}: cannot unpack it"
		rm -f "$dir/$pkg.deb"
	done <"$dir/want"
	patch_binaries "$v" "$dest"
}

# is_elf FILE: whether FILE is an ELF object
is_elf() {
	[ -f "$1" ] && [ ! -L "$1" ] && [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]
}

# patch_binaries VERSION DEST: the unpacked server's programs run under DEST's
# glibc (their interpreter) and find their libraries, and the modules the
# server loads theirs, in DEST only (DT_RPATH, which also covers the libraries
# they load); DEST/bin/pg_config is the packaged one, which reports paths
# relative to where it is. Checks that each of them resolves every library
# inside DEST; dies when one does not.
patch_binaries() {
	local v=$1 dest=$2 ld rpath f out bad=0
	ld=$dest/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
	[ -x "$ld" ] || die "server $v: no $ld after unpacking libc6"
	rpath=$dest/usr/lib/x86_64-linux-gnu:$dest/lib/x86_64-linux-gnu
	for f in "$dest/usr/lib/postgresql/$v/bin/"* \
		"$dest/usr/lib/postgresql/$v/lib/pgxs/src/test/regress/pg_regress" \
		"$dest/usr/lib/postgresql/$v/lib/pgxs/src/test/isolation/"{pg_isolation_regress,isolationtester} \
		"$dest/usr/lib/postgresql/$v/lib/"*.so; do
		is_elf "$f" || continue
		# the JIT provider needs LLVM, which is not unpacked (jit is off)
		case ${f##*/} in llvmjit*) continue ;; esac
		if patchelf --print-interpreter "$f" >/dev/null 2>&1; then
			as_root patchelf --set-interpreter "$ld" "$f" || die "patchelf --set-interpreter $f failed"
		fi
		as_root patchelf --force-rpath --set-rpath "$rpath" "$f" || die "patchelf --set-rpath $f failed"
		# every library it names, found inside DEST
		out=$("$ld" --list "$f" 2>&1) || true
		if grep -q 'not found' <<<"$out" ||
			awk -v d="$dest/" '$2 == "=>" && index($3, d) != 1 { bad = 1 } END { exit !bad }' <<<"$out"; then
			printf '%s:\n%s\n' "$f" "$out"
			bad=1
		fi
	done
	[ "$bad" = 0 ] || die "server $v: some programs or modules do not resolve their libraries inside $dest"
	if ! { as_root mkdir -p "$dest/bin" &&
		as_root ln -sfn "../usr/lib/postgresql/$v/bin/pg_config" "$dest/bin/pg_config"; }; then
		die "cannot link $dest/bin/pg_config"
	fi
}

# find_server VERSION: set PGC to the pg_config of a server of that major
# version, built or unpacked if needed; empty when there is none, with
# NO_SERVER saying why
find_server() {
	local v=$1 dest=$PREFIX/pg$1 build=$PREFIX/build-$1 src jobs
	PGC=
	NO_SERVER=
	if [ "$v" = 15 ]; then
		PGC=/usr/lib/postgresql/15/bin/pg_config
		return 0
	fi
	if [ -x "$dest/bin/pg_config" ] &&
		[[ $("$dest/bin/pg_config" --version) =~ ^PostgreSQL\ ${v}[^0-9] ]]; then
		step "server $v: reusing $dest ($("$dest/bin/pg_config" --version))"
		PGC=$dest/bin/pg_config
		return 0
	fi
	fetched=$(mktemp -d -t rowclone-matrix-fetch.XXXXXX)
	if [ -n "$(binary_suites "$v")" ]; then
		if fetch_binaries "$v" "$fetched" "$dest"; then
			PGC=$dest/bin/pg_config
		else
			NO_SERVER="no packages"
		fi
		rm -rf "$fetched"
		return 0
	fi
	if ! fetch_source "$v" "$fetched"; then
		rm -rf "$fetched"
		NO_SERVER="no source"
		return 0
	fi
	step "server $v: building into $dest (configure ${CONFIGURE[*]})"
	as_root rm -rf "$build" "$dest"
	as_root mkdir -p "$build"
	as_root tar -C "$build" -xjf "$fetched/src.tar.bz2"
	rm -rf "$fetched"
	src=$(find "$build" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	jobs=$(nproc 2>/dev/null || echo 2)
	{
		as_root env -C "$src" ./configure --prefix="$dest" "${CONFIGURE[@]}" &&
			as_root make -C "$src" -s -j"$jobs" &&
			as_root make -C "$src" -s install &&
			as_root make -C "$src/src/test/regress" -s install &&
			as_root make -C "$src/src/test/isolation" -s -j"$jobs" install
	} >"$WORKLOGS/build-$v.log" 2>&1 ||
		{ tail -n 40 "$WORKLOGS/build-$v.log"; die "server $v: build failed (log: $WORKLOGS/build-$v.log)"; }
	as_root rm -rf "$build"
	PGC=$dest/bin/pg_config
}

# unknown_cflags PG_CONFIG: the options of its CFLAGS that its compiler, as
# this machine has it, does not recognize (a server from a newer suite names
# the warnings of that suite's gcc), one a line
unknown_cflags() {
	local cflags
	read -r -a cflags <<<"$("$1" --cflags)"
	{ LC_ALL=C "$("$1" --cc)" "${cflags[@]}" -fsyntax-only -x c /dev/null 2>&1 || true; } |
		sed -n "s/.*unrecognized command-line option '\([^']*\)'.*/\1/p" | sort -u
}

# run_version VERSION: build rowclone against it and run the suites
run_version() {
	local v=$1 pgc bindir data sock log passed=0 failed=0 rc s unknown f
	local make_cflags=() cflags=()
	find_server "$v"
	pgc=$PGC
	if [ -z "$pgc" ]; then
		echo "PostgreSQL $v: skipped: $NO_SERVER"
		summary+=("$v: skipped: $NO_SERVER")
		return 0
	fi
	bindir=$("$pgc" --bindir)
	unknown=$(unknown_cflags "$pgc")
	if [ -n "$unknown" ]; then
		read -r -a cflags <<<"$("$pgc" --cflags)"
		for f in "${cflags[@]}"; do
			grep -qxF -e "$f" <<<"$unknown" || make_cflags+=("$f")
		done
		step "PostgreSQL $v: $("$pgc" --cc) does not know $(echo "$unknown" | tr '\n' ' ')(from its CFLAGS): building without them"
		make_cflags=("CFLAGS=${make_cflags[*]}")
	fi
	make_work_copy
	step "PostgreSQL $v ($("$pgc" --version)): build with -Werror in $WORK"
	as_cluster_user make -C "$WORK" --no-print-directory clean PG_CONFIG="$pgc" >/dev/null
	if ! as_cluster_user make -C "$WORK" --no-print-directory -j2 PG_CONFIG="$pgc" \
		ROWCLONE_WERROR=1 with_llvm=no "${make_cflags[@]}" >"$WORK/build.log" 2>&1; then
		cat "$WORK/build.log"
		echo "PostgreSQL $v: build FAILED"
		total_failed=$((total_failed + 1))
		summary+=("$v: build failed")
		remove_work_copy
		return 0
	fi
	as_root make -C "$WORK" --no-print-directory install PG_CONFIG="$pgc" with_llvm=no >/dev/null

	data=$WORK/matrix-data
	sock=$WORK/matrix-sock
	log=$WORK/matrix-server.log
	as_cluster_user mkdir -p "$sock"
	as_cluster_user "$bindir/initdb" -D "$data" --locale=C --encoding=UTF8 --auth=trust \
		--no-sync >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; die "initdb $v failed"; }
	as_cluster_user "$bindir/pg_ctl" -D "$data" -l "$log" -w \
		-o "-c port=5432 -c listen_addresses= -c unix_socket_directories=$sock -c fsync=off -c jit=off -c max_prepared_transactions=10" \
		start >/dev/null
	for s in regress isolation; do
		set +e
		if [ $s = regress ]; then
			as_cluster_user env -C "$WORK" PGHOST="$sock" PGPORT=5432 PGUSER=postgres \
				make --no-print-directory installcheck PG_CONFIG="$pgc" ISOLATION= TAP_TESTS= \
				>"$WORK/$s.log" 2>&1
		else
			as_cluster_user env -C "$WORK" PGHOST="$sock" PGPORT=5432 PGUSER=postgres \
				make --no-print-directory installcheck PG_CONFIG="$pgc" REGRESS= TAP_TESTS= \
				>"$WORK/$s.log" 2>&1
		fi
		rc=$?
		set -e
		local ok bad
		ok=$(grep -cE '^(test +|     )[^ ].* \.\.\. (ok|failed \(ignored\))( |$)|^ok [0-9]+ +[-+] ' "$WORK/$s.log" || true)
		bad=$(grep -cE '^(test +|     )[^ ].* \.\.\. FAILED|^not ok [0-9]+ +[-+] ' "$WORK/$s.log" || true)
		if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then
			bad=1
			tail -n 30 "$WORK/$s.log"
		fi
		passed=$((passed + ok))
		failed=$((failed + bad))
		# each test's line, as pg_regress printed it
		grep -E '^(not ok|ok) [0-9]+ |\.\.\. (ok|FAILED|failed)' "$WORK/$s.log" | sed "s/^/    $v $s: /" || true
	done
	for f in "$WORK/regression.diffs" "$WORK/output_iso/regression.diffs"; do
		[ -f "$f" ] && head -n 80 "$f"
	done
	as_cluster_user "$bindir/pg_ctl" -D "$data" stop -m fast >/dev/null || true
	echo "PostgreSQL $v: $passed passed, $failed failed"
	summary+=("$v: $passed passed, $failed failed")
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
	remove_work_copy
}

WORKLOGS=$(mktemp -d -t rowclone-matrix-logs.XXXXXX)
# fetched: the downloads of find_server, removed on the way out too (die)
fetched=
trap 'remove_work_copy; [ -z "$fetched" ] || rm -rf "$fetched"' EXIT
install_packages "${MATRIX_PACKAGES[@]}"
ensure_packages
as_root mkdir -p "$PREFIX"
for v in "${VERSIONS[@]}"; do
	run_version "$v"
done

echo
echo "matrix ($((SECONDS - started)) s):"
printf '  %s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
