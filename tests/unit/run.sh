#!/usr/bin/env bash
# Runs the host unit-test binaries (cmocka) and prints "N passed, N failed" over all of them.
set -u
pass=0 fail=0
export BATON_TEST_IMAGES=${BATON_TEST_IMAGES:-build/test-images}
for t in "$@"; do
	out=$("$t" 2>&1)
	echo "$out" | grep -E '^\[ +(OK|FAILED|ERROR) +\]|^\[  (PASSED|FAILED)  \]' | sed "s|^|$(basename "$t"): |"
	p=$(echo "$out" | grep -cE '^\[       OK \]')
	f=$(echo "$out" | grep -cE '^\[  (FAILED|ERROR) +\] [a-z_]')
	n=$(echo "$out" | grep -oE '^\[==========\] [0-9]+ test' | tail -1 | grep -oE '[0-9]+')
	# A crash leaves tests unreported: count them as failed.
	if [ -n "$n" ] && [ $((p + f)) -lt "$n" ]; then f=$((n - p)); fi
	[ -z "$n" ] && [ "$p" -eq 0 ] && { echo "$(basename "$t"): did not run"; f=$((f + 1)); }
	pass=$((pass + p)) fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
