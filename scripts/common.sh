# scripts/common.sh: set-up shared by scripts/test.sh, scripts/demo.sh and
# scripts/readme-examples.sh.
#
# Sourced, not run. Provides: ensure_packages (install what the build and the
# throwaway clusters need, only when something is missing), build_and_install,
# rowclone_installed (is this version installed in the server already),
# make_work_copy (a copy of the tree the cluster user may write to; the git
# checkout itself is never chowned) and in_work_cluster (run a command in that
# copy inside a throwaway PostgreSQL cluster made by Debian's pg_virtualenv, as
# user postgres when we are root, since initdb and TAP refuse to run as root).
#
# Works on a fresh Debian 12 machine, as root (CI) or as a user with sudo.

PG_MAJOR=15
# Named explicitly everywhere: a machine may have several servers installed.
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

REQUIRED_PACKAGES=(
	gcc
	make
	"postgresql-$PG_MAJOR"
	"postgresql-server-dev-$PG_MAJOR"
	postgresql-common	# pg_virtualenv
	libipc-run-perl		# TAP tests (PostgreSQL::Test::Utils)
	python3-psycopg		# test/clients: psycopg 3
	python3-psycopg2	# test/clients: Django's driver
	python3-django
	libpostgresql-jdbc-java	# test/clients: JDBC
	openjdk-17-jdk-headless
)

WORK=

# step MESSAGE: a visible progress line
step() {
	printf '\n==> %s\n' "$*"
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

is_root() {
	[ "$(id -u)" -eq 0 ]
}

# as_root CMD...: run CMD as root, through sudo when we are not root
as_root() {
	if is_root; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root for: $*; run as root or install sudo"
	fi
}

# as_cluster_user CMD...: as postgres when we are root (initdb refuses root)
as_cluster_user() {
	if is_root; then
		runuser -u postgres -- env HOME=/tmp TMPDIR=/tmp "$@"
	else
		"$@"
	fi
}

# summary_on_exit: the EXIT trap of a script that ends with a summary line
# (its summary function, with its problems, failed and summary_done): when
# set -e or die stopped it before the summary, the set-up counts as one
# failure and the summary is printed all the same
summary_on_exit() {
	local rc=$?
	[ -z "$summary_done" ] || return 0
	problems+=("set-up failed (status $rc) before the tests could run")
	[ "$failed" -gt 0 ] || failed=1
	[ "$rc" -ne 0 ] || rc=1
	summary
	exit "$rc"
}

# install_packages PKG...: install the ones not installed (apt-get update
# only when something is missing, so a ready machine never touches the
# network); PKG may name a command instead, as "cmd:package", installed when
# the command is missing
install_packages() {
	local missing=() p
	for p in "$@"; do
		if [[ $p == *:* ]]; then
			command -v "${p%%:*}" >/dev/null 2>&1 || missing+=("${p#*:}")
		elif [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		step "packages: all present ($*)"
		return 0
	fi
	step "packages: installing ${missing[*]}"
	as_root apt-get update
	as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"
}

# ensure_packages: install the missing ones of REQUIRED_PACKAGES
ensure_packages() {
	# node-postgres needs node and npm; a machine may have them from another
	# source than Debian (nodesource's nodejs bundles npm), so look for the commands
	install_packages "${REQUIRED_PACKAGES[@]}" node:nodejs npm:npm
	[ -x "$PG_CONFIG" ] || die "$PG_CONFIG is missing after installing packages"
	command -v pg_virtualenv >/dev/null 2>&1 || die "pg_virtualenv is missing after installing packages"
}

# build_and_install [werror]: build in the checkout and install into the
# server PG_CONFIG names. With "werror", start clean and treat warnings as
# errors (the test build); without, an ordinary incremental build.
# shellcheck disable=SC2120
build_and_install() {
	local jobs
	jobs=$(nproc 2>/dev/null || echo 2)
	if [ "${1:-}" = werror ]; then
		step "build: make clean && make ROWCLONE_WERROR=1"
		make -C "$ROOT" --no-print-directory clean PG_CONFIG="$PG_CONFIG"
		make -C "$ROOT" --no-print-directory -j"$jobs" ROWCLONE_WERROR=1 PG_CONFIG="$PG_CONFIG"
	else
		step "build: make"
		make -C "$ROOT" --no-print-directory -j"$jobs" PG_CONFIG="$PG_CONFIG"
	fi
	step "install: make install"
	as_root make -C "$ROOT" --no-print-directory install PG_CONFIG="$PG_CONFIG"
}

# control_version FILE: the default_version of a .control file (empty when
# the file or the line is missing)
control_version() {
	[ -r "$1" ] || return 0
	sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$1" | head -n 1
}

# rowclone_installed VERSION: whether the server PG_CONFIG names has rowclone
# VERSION installed: its control file says VERSION, and the install script of
# VERSION and the module are there (CREATE EXTENSION needs all three). When
# not, INSTALLED_WHY says what is missing.
INSTALLED_WHY=
rowclone_installed() {
	local want=$1 sharedir pkglibdir have
	if [ ! -x "$PG_CONFIG" ]; then
		INSTALLED_WHY="no $PG_CONFIG"
		return 1
	fi
	sharedir=$("$PG_CONFIG" --sharedir)
	pkglibdir=$("$PG_CONFIG" --pkglibdir)
	have=$(control_version "$sharedir/extension/rowclone.control")
	if [ -z "$have" ]; then
		INSTALLED_WHY="no $sharedir/extension/rowclone.control"
	elif [ "$have" != "$want" ]; then
		INSTALLED_WHY="installed version $have, wanted $want"
	elif [ ! -f "$sharedir/extension/rowclone--$want.sql" ]; then
		INSTALLED_WHY="no $sharedir/extension/rowclone--$want.sql"
	elif [ ! -f "$pkglibdir/rowclone.so" ]; then
		INSTALLED_WHY="no $pkglibdir/rowclone.so"
	else
		INSTALLED_WHY=
		return 0
	fi
	return 1
}

# make_work_copy: copy the tree (without .git and old test output) to a new
# temporary directory WORK, owned by postgres when we are root. Removed by
# remove_work_copy unless ROWCLONE_KEEP_WORK is set.
make_work_copy() {
	if is_root; then
		# not under $TMPDIR: it may be a directory postgres cannot enter
		WORK=$(mktemp -d /tmp/rowclone-work.XXXXXX)
	else
		WORK=$(mktemp -d -t rowclone-work.XXXXXX)
	fi
	tar -C "$ROOT" -cf - \
		--exclude=./.git \
		--exclude=./results \
		--exclude=./output_iso \
		--exclude=./tmp_check \
		--exclude=./log \
		--exclude='./regression.*' \
		. | tar -C "$WORK" -xf -
	if is_root; then
		chown -R postgres:postgres "$WORK"
	fi
}

remove_work_copy() {
	[ -n "$WORK" ] && [ -d "$WORK" ] || return 0
	if [ -n "${ROWCLONE_KEEP_WORK:-}" ]; then
		echo "work copy kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}

# in_work_cluster CMD...: run CMD in WORK inside a throwaway cluster of
# PG_MAJOR (pg_virtualenv sets PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE for
# it, and drops the cluster afterwards). UTF8 with C collation, so output does
# not depend on the machine's locale. Returns CMD's status.
in_work_cluster() {
	local venv=(pg_virtualenv -v "$PG_MAJOR" -c "--locale=C --encoding=UTF8")
	if is_root; then
		local pghome
		pghome=$(getent passwd postgres | cut -d: -f6)
		runuser -u postgres -- env -C "$WORK" HOME="${pghome:-/var/lib/postgresql}" \
			TMPDIR=/tmp "${venv[@]}" "$@"
	else
		env -C "$WORK" "${venv[@]}" "$@"
	fi
}
