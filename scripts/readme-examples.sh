#!/usr/bin/env bash
# scripts/readme-examples.sh: check that every ```sql block of README.md runs
# against the database scripts/demo.sql leaves, so that a reader can paste
# any example into psql after running the demo. `make demo` runs it after the
# tour; on its own it needs rowclone installed (`make install`):
#   bash scripts/readme-examples.sh [FILE]      (FILE defaults to README.md)
# ROWCLONE_README_OUT=DIR keeps each block's psql output in DIR (writable by
# the cluster's user), to update the results a block shows from a real run.
#
# How a block is read:
#   - a block with a line `-- (your own schema: ...)` is about tables the demo
#     lacks and is not run;
#   - psql output shown in a block (a header line, a `---+---` line, the rows
#     up to the next blank line) is left out; the rest is run as it is;
#   - a statement meant to fail says so on the line its `;` ends on:
#       SELECT clone_row('product', 999);   -- error: P0002
#     and must fail with that SQLSTATE; any other error fails the block.
#
# Each block runs in its own database, a copy (CREATE DATABASE ... TEMPLATE)
# of one where scripts/demo.sql ran, so blocks cannot see each other's copies
# and sequences start where the tour left them. Every statement of a block
# runs (psql without ON_ERROR_STOP), each error is reported with its README
# line, and the last line is `README examples: N ran, N failed` (N blocks).
# Exits non-zero if a block failed or none ran (the `--in-cluster` mode that
# `make demo` uses leaves its status in .readme-examples.status instead).
set -euo pipefail

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# extract_blocks README DIR: one DIR/L.sql per ```sql block whose fence is on
# README line L, padded with empty lines so that psql's line numbers are
# README's, the shown output blanked; DIR/L.expect lists "LINE SQLSTATE" of
# the statements marked `-- error:`; DIR/L.skip marks own-schema blocks.
extract_blocks() {
	awk -v dir="$2" '
	function flush(   i, out, f, e, state, code) {
		f = dir "/" start ".sql"
		e = dir "/" start ".expect"
		printf "" > e
		for (i = 1; i <= start; i++)
			print "" > f
		# output: a line of dashes with at least one "+" under a header
		# with a "|" (or a one-column "----" under a one-word header),
		# that header, the lines below up to a blank one; or psql \x
		# output from its first "-[ RECORD n ]" line
		out = 0
		for (i = 1; i <= n; i++) {
			if (!out && i < n && line[i + 1] ~ /^ *-+\+-+(\+-+)* *$/ && line[i] ~ /\|/) {
				out = 1
			} else if (!out && i < n && line[i + 1] ~ /^ *---+ *$/ && line[i] ~ /^ *[a-z_][a-z_0-9]* *$/) {
				out = 1
			} else if (!out && line[i] ~ /^-\[ RECORD [0-9]+ \]/) {
				out = 1
			}
			if (out && line[i] ~ /^[ \t]*$/)
				out = 0
			print (out ? "" : line[i]) > f
			if (!out && line[i] ~ /-- *error: *[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]/) {
				match(line[i], /-- *error: *[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]/)
				code = substr(line[i], RSTART + RLENGTH - 5, 5)
				print (start + i) " " code > e
			}
			if (line[i] ~ /^[ \t]*-- *\(your own schema/)
				printf "" > (dir "/" start ".skip")
		}
		close(f)
		close(e)
	}
	inblock && /^[ \t]*```/ { flush(); inblock = 0; next }
	inblock { line[++n] = $0; next }
	/^[ \t]*```sql[ \t]*$/ { inblock = 1; start = NR; n = 0 }
	END { if (inblock) { print "README line " start ": unterminated ```sql block" > "/dev/stderr"; exit 1 } }
	' "$1"
}

# run_blocks README: in the cluster the libpq environment names
run_blocks() {
	local readme=$1 dir template=rowclone_readme_demo ran=0 failed=0 f start db
	local problems=() expected got line code want rest status bad
	dir=$(mktemp -d -t rowclone-readme.XXXXXX)
	extract_blocks "$readme" "$dir"

	# the database a reader has after running the demo by hand
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $template" >/dev/null
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$template" -f scripts/demo.sql >"$dir/demo.log" 2>&1; then
		tail -n 20 "$dir/demo.log" >&2
		die "scripts/demo.sql failed, so no README example can run"
	fi

	for start in $(find "$dir" -name '*.sql' -printf '%f\n' | sed 's/\.sql$//' | sort -n); do
		f="$dir/$start.sql"
		if [ -e "$dir/$start.skip" ]; then
			echo "  $readme:$start: own schema, not run"
			continue
		fi
		ran=$((ran + 1))
		db="readme_$start"
		psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db TEMPLATE $template" >/dev/null
		# VERBOSITY verbose puts the SQLSTATE in each error line:
		#   psql:FILE:LINE: ERROR:  P0002: ...
		status=0
		psql -X -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -P pager=off --echo-queries -d "$db" \
			-f "$f" >"$dir/$start.out" 2>"$dir/$start.err" || status=$?
		if [ "$status" -ne 0 ]; then
			# without ON_ERROR_STOP an SQL error does not end psql: this
			# is a connection or script problem
			echo "psql exited with $status" >>"$dir/$start.err"
			problems+=("$readme:$start: $(tail -n 1 "$dir/$start.err")")
			failed=$((failed + 1))
			psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null || true
			continue
		fi
		psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $db" >/dev/null
		# errors that happened, as "LINE SQLSTATE message"
		got=$(sed -n 's/^psql:[^:]*:\([0-9][0-9]*\): \(ERROR\|FATAL\|PANIC\):  \([0-9A-Z]\{5\}\): \(.*\)/\1 \3 \4/p' \
			"$dir/$start.err")
		expected=$(cat "$dir/$start.expect")
		bad=0
		while read -r line code rest; do
			[ -n "$line" ] || continue
			want=$(awk -v l="$line" '$1 == l { print $2 }' <<<"$expected")
			if [ "$want" != "$code" ]; then
				problems+=("$readme:$line (block at line $start): ${want:+expected $want, got }$code: $rest")
				bad=1
			fi
		done <<<"$got"
		while read -r line want; do
			[ -n "$line" ] || continue
			if ! awk -v l="$line" '$1 == l { found = 1 } END { exit !found }' <<<"$got"; then
				problems+=("$readme:$line (block at line $start): expected error $want, but it ran")
				bad=1
			fi
		done <<<"$expected"
		failed=$((failed + bad))
	done

	if [ ${#problems[@]} -gt 0 ]; then
		printf '%s\n' "${problems[@]}"
	fi
	if [ -n "${ROWCLONE_README_OUT:-}" ]; then
		# each block's statements and results, for updating the output a
		# block shows: LINE.out (stdout) and LINE.err (NOTICEs, errors)
		cp "$dir"/*.out "$dir"/*.err "$ROWCLONE_README_OUT"/
	fi
	rm -rf "$dir"
	echo "README examples: $ran ran, $failed failed"
	[ "$failed" -eq 0 ] && [ "$ran" -gt 0 ]
}

if [ "${1:-}" = --in-cluster ]; then
	# inside the throwaway cluster, in the work copy (make demo calls this).
	# The status goes to a file and the exit is always 0: pg_virtualenv
	# prints the server log after a command that fails, which would bury
	# the summary line under 100 lines that say nothing about the examples.
	# 1 stays in the file if anything stops the script (set -e, die).
	echo 1 >.readme-examples.status
	trap 'exit 0' EXIT
	run_blocks "${2:-README.md}"
	echo 0 >.readme-examples.status
	exit 0
fi

readme=${1:-README.md}
[ -f "$ROOT/$readme" ] || [ -f "$readme" ] || die "no $readme"
version=$(control_version "$ROOT/rowclone.control")
rowclone_installed "$version" \
	|| die "rowclone $version is not installed ($INSTALLED_WHY): run make install, or make demo"
trap remove_work_copy EXIT
make_work_copy
if [ ! -f "$ROOT/$readme" ]; then
	# a file outside the tree: check it in the work copy
	cp "$readme" "$WORK/readme-examples.md"
	is_root && chown postgres:postgres "$WORK/readme-examples.md"
	readme="readme-examples.md"
fi
in_work_cluster bash scripts/readme-examples.sh --in-cluster "$readme"
exit "$(cat "$WORK/.readme-examples.status")"
