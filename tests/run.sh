#!/usr/bin/env bash
# run.sh: every test: host unit tests, the installer's layouts, the conformance kernels' host selftests, a fuzz smoke, the QEMU tests, a bench smoke.
# Ends with one line "N passed, N failed" over all of them. `make check` builds what it needs first.
set -u
B=${B:-build}
t0=$SECONDS
log=$B/check.log
mkdir -p "$B"
: >"$log"
total_pass=0 total_fail=0
tally() { # reads "... N passed, M failed" as the last matching line of $1
	local line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
	if [ -z "$line" ]; then
		echo "  (no result line: counted as 1 failure)"
		total_fail=$((total_fail + 1))
		return
	fi
	total_pass=$((total_pass + $(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')))
	total_fail=$((total_fail + $(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')))
}
section() { # NAME CMD...: runs a part, shows its output, adds its result line to the totals
	local name=$1 out=$B/check-$1.out
	shift
	echo "== $name"
	"$@" >"$out" 2>&1
	grep -vE '^\[ +OK +\]|^\[ RUN +\]' "$out" | grep -E 'FAIL|ERROR|passed|failed|PASS ' | sed 's/^/  /'
	cat "$out" >>"$log"
	tally "$out"
}

section unit bash -c "for s in tests/unit/images*.sh; do bash \$s $B/test-images || exit 1; done && bash tests/unit/run.sh $B/unit/test_*"
# baton install/uninstall on layouts made by sfdisk, sgdisk, fdisk, mkfs.vfat and mke2fs.
section install python3 tests/unit/test_install.py
# baton set-default, oneshot and state on images and directories, read back.
section state python3 tests/unit/test_state.py
section selftest bash -c 'p=0 f=0; for t in '"$B"'/kernels/*-selftest; do
	if "$t"; then p=$((p + 1)); else f=$((f + 1)); echo "FAIL $t"; fi; done
	echo "selftests: $p passed, $f failed"'
# Every fuzz target of tests/fuzz: its fixed crashes' inputs replayed (tests/fuzz/regress), then
# a short run so it cannot rot (`make fuzz` runs them longer).
section fuzz bash tests/fuzz/run.sh --smoke "${FUZZ_SMOKE:-10}" "$B"
section qemu bash tests/qemu/tests.sh
# One round of `make bench` on the base workload: every loader boots, so the benchmark cannot rot.
section bench python3 bench/bench.py --smoke

echo "make check took $((SECONDS - t0)) s; full output in $log"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
