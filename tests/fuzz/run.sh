#!/usr/bin/env bash
# run.sh: runs every libFuzzer target of tests/fuzz for a set time and prints a table of results.
#
# usage: run.sh [--smoke] SECONDS BUILD_DIR
#   Every tests/fuzz/fuzz_*.c is a target; its binary is BUILD_DIR/fuzz/NAME (`make fuzz` builds
#   them). Each target first replays tests/fuzz/regress/NAME/* (or regress/NAME without its
#   fuzz_ prefix; the inputs of crashes that were fixed: each must now run clean; README files
#   aside), then fuzzes for SECONDS from BUILD_DIR/corpus/NAME (seeded
#   by seeds.sh) with those inputs too. A crash, a leak, a timeout (an input running 10 s: baton
#   must never hang) or running out of memory saves the input under BUILD_DIR/fuzz/crashes/NAME/
#   and fails the run. The table gives, per target, libFuzzer's final stats
#   (-print_final_stats=1): executions, executions per second, and the coverage of the last
#   status line (cov: edges, ft: features).
#   --smoke (make check): one "PASS name" / "FAIL name" line per replay and per target, then
#   "fuzz: N passed, M failed"; without it, the table, and exit status 1 on any crash.
set -u
smoke=0
[ "${1:-}" = --smoke ] && smoke=1 && shift
secs=${1:?usage: run.sh [--smoke] SECONDS BUILD_DIR}
B=${2:?usage: run.sh [--smoke] SECONDS BUILD_DIR}
here=$(dirname "$0")
pass=0 fail=0 rows=()

bash "$here/seeds.sh" "$B/corpus" "$B/kernels" || { echo "FAIL seeds.sh"; echo "fuzz: 0 passed, 1 failed"; exit 1; }

verdict() { # OK NAME DETAIL
	if [ "$1" = 1 ]; then
		pass=$((pass + 1))
		[ "$smoke" = 1 ] && echo "PASS $2${3:+ ($3)}"
	else
		fail=$((fail + 1))
		echo "FAIL $2${3:+: $3}"
	fi
}

# The last value of a "stat::NAME: VALUE" line, and of "cov: N" / "ft: N" on the status lines.
fstat_val() { grep -a "^stat::$1:" "$2" | tail -1 | awk '{ print $2 }'; }
last_cov() { grep -aoE "$1: [0-9]+" "$2" | tail -1 | awk '{ print $2 }'; }

for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=$B/fuzz/$name
	log=$B/fuzz/$name.log
	crashes=$B/fuzz/crashes/$name
	regress=$here/regress/$name
	[ -d "$regress" ] || regress=$here/regress/${name#fuzz_}
	corpus=$B/corpus/$name
	if [ ! -x "$bin" ]; then
		verdict 0 "$name" "not built ($bin)"
		rows+=("$name|-|-|-|-|not built")
		continue
	fi
	mkdir -p "$crashes" "$corpus"
	# The fixed crashes' inputs, each run once: any of them failing again is a regression.
	inputs=()
	[ -d "$regress" ] && mapfile -t inputs < <(find "$regress" -type f ! -name 'README*' | sort)
	if [ ${#inputs[@]} -gt 0 ]; then
		if "$bin" -runs=1 -timeout=10 -rss_limit_mb=2048 "${inputs[@]}" >"$log.regress" 2>&1; then
			verdict 1 "$name regressions" "${#inputs[@]} inputs"
		else
			verdict 0 "$name regressions" "an input of $regress fails again (see $log.regress)"
		fi
	fi
	dirs=("$corpus")
	[ -d "$regress" ] && dirs+=("$regress")
	before=$(find "$crashes" -type f | wc -l)
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	found=$(($(find "$crashes" -type f | wc -l) - before))
	execs=$(fstat_val number_of_executed_units "$log")
	rate=$(fstat_val average_exec_per_sec "$log")
	cov=$(last_cov cov "$log")
	ft=$(last_cov ft "$log")
	if [ "$rc" = 0 ] && [ "$found" = 0 ]; then
		verdict 1 "$name" "${execs:-?} runs, ${rate:-?}/s, cov ${cov:-?}, ft ${ft:-?}"
		rows+=("$name|${execs:--}|${rate:--}|${cov:--}|${ft:--}|0")
	else
		verdict 0 "$name" "exit status $rc, $found new input(s) in $crashes (see $log)"
		rows+=("$name|${execs:--}|${rate:--}|${cov:--}|${ft:--}|$found (exit $rc)")
	fi
done

if [ "$smoke" = 1 ]; then
	echo "fuzz: $pass passed, $fail failed"
else
	echo
	echo "fuzzing, ${secs} s per target:"
	{
		echo "target|executions|execs/s|cov|ft|crashes"
		printf '%s\n' "${rows[@]}"
	} | column -t -s '|' -R 2,3,4,5
	echo "fuzz: $pass passed, $fail failed; crash inputs are kept in $B/fuzz/crashes/TARGET/"
	echo "(a fixed crash's input goes to tests/fuzz/regress/TARGET/, which make check replays)"
fi
[ "$fail" = 0 ]
