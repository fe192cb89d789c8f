#!/usr/bin/env bash
# scripts/demo.sh: `make demo`. Installs what is missing, builds and installs
# rowclone, then runs scripts/demo.sql (a sample schema and a narrated tour of
# clone_row) in a throwaway PostgreSQL cluster that is dropped afterwards.
# psql echoes each statement before its result (--echo-queries).
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trap remove_work_copy EXIT

ensure_packages
build_and_install
make_work_copy

step "demo: scripts/demo.sql in a throwaway PostgreSQL $PG_MAJOR cluster (pg_virtualenv)"
in_work_cluster psql -X -v ON_ERROR_STOP=1 --echo-queries -P pager=off \
	-f scripts/demo.sql 2>&1
