# test/bench/lib.sh: helpers shared by the benchmark parts (sourced).

# rows_of SIZE SETTING: 1k -> 1000, 2M -> 2000000, 250000 -> 250000; a bad
# size is an error naming the setting it came from
rows_of() {
	[[ $1 =~ ^([0-9]+)([kKmM]?)$ ]] || { echo "$2: bad size '$1'" >&2; exit 2; }
	case ${BASH_REMATCH[2]} in
	k | K) echo $((BASH_REMATCH[1] * 1000)) ;;
	m | M) echo $((BASH_REMATCH[1] * 1000000)) ;;
	*) echo "${BASH_REMATCH[1]}" ;;
	esac
}

# median of the numbers on stdin, one per line
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
