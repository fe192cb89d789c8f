#!/usr/bin/env bash
# scripts/demo.sh: `make demo`. Runs scripts/demo.sql (a sample schema and a
# narrated tour of every function) in a throwaway PostgreSQL cluster that is
# dropped afterwards, then checks that every SQL example of README.md still
# runs against the database the tour leaves (scripts/readme-examples.sh).
# psql echoes each statement before its result (--echo-queries).
#
# When the server already has this tree's version of rowclone installed, it
# uses that copy: nothing is built, installed or run as root, so a user
# without sudo can run it. Otherwise it installs the missing packages, builds
# and installs first, as root or through sudo.
#
# ROWCLONE_DEMO_FORCE_BUILD=1 looks for a version no server has, so the build
# and install path runs even when rowclone is installed (a tree whose C code
# changed without a new default_version is otherwise not rebuilt).
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trap remove_work_copy EXIT

version=$(control_version "$ROOT/rowclone.control")
[ -n "$version" ] || die "no default_version in $ROOT/rowclone.control"
wanted=$version
if [ -n "${ROWCLONE_DEMO_FORCE_BUILD:-}" ]; then
	wanted="$version-force-build"
fi

if rowclone_installed "$wanted"; then
	step "demo: rowclone $version is installed in $("$PG_CONFIG" --sharedir): using it (no packages, build or install)"
	# the cluster needs only the server and pg_virtualenv, which a server
	# with rowclone installed has unless postgresql-common was removed
	command -v pg_virtualenv >/dev/null 2>&1 \
		|| die "pg_virtualenv is missing: install postgresql-common"
else
	step "demo: rowclone $wanted is not installed ($INSTALLED_WHY): installing packages, building and installing"
	ensure_packages
	build_and_install
fi
make_work_copy

step "demo: scripts/demo.sql in a throwaway PostgreSQL $PG_MAJOR cluster (pg_virtualenv)"
in_work_cluster psql -X -v ON_ERROR_STOP=1 --echo-queries -P pager=off \
	-f scripts/demo.sql 2>&1

# a second cluster: demo.sql creates a role, and roles are per cluster
step "demo: README.md examples against the database scripts/demo.sql leaves (scripts/readme-examples.sh)"
in_work_cluster bash scripts/readme-examples.sh --in-cluster README.md
exit "$(cat "$WORK/.readme-examples.status")"
