#!/bin/sh
# Runs every test against one or more build directories:
#   tests/run.sh BUILD [BUILD...]
# the cmocka unit tests (BUILD/tests/unit/test-*) and the shell tests
# (tests/t/t*.sh, in order), then prints one "N passed, N failed" line.
# TESTS='t1*' limits the shell tests by glob; TEST_VERBOSE=1 shows output.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || set -- build
passed=0 failed=0 skipped=0
failed_names=""
log=$(mktemp "${TMPDIR:-/tmp}/kcfg-tests.XXXXXX")
trap 'rm -f "$log"' EXIT

for build in "$@"; do
	case $build in /*) ;; *) build=$top/$build ;; esac
	label=$(basename "$build")
	echo "== $label: unit tests"
	for t in "$build"/tests/unit/test-*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
		rc=$?
		p=$(grep -c '^ok [0-9]' "$log")
		f=$(grep -c '^not ok [0-9]' "$log")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi	# crashed before its summary
		passed=$((passed + p)); failed=$((failed + f))
		if [ "$f" -gt 0 ]; then
			cat "$log"
			failed_names="$failed_names $label:$(basename "$t")"
		fi
		echo "$(basename "$t"): $p passed, $f failed"
	done
	echo "== $label: shell tests"
	for t in "$top"/tests/t/${TESTS:-t*}.sh; do
		[ -f "$t" ] || continue
		KCFG_BUILD=$build sh "$t" >"$log" 2>&1 </dev/null
		rc=$?
		p=$(grep -c '^ok [0-9]* - ' "$log")
		s=$(grep -c '^ok [0-9]* # skip' "$log")
		f=$(grep -c '^not ok ' "$log")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
		if [ "$f" -gt 0 ] || [ -n "${TEST_VERBOSE:-}" ]; then cat "$log"; fi
		[ "$f" -gt 0 ] && failed_names="$failed_names $label:$(basename "$t" .sh)"
		if [ "$s" -gt 0 ]; then sk=", $s skipped"; else sk=""; fi
		echo "$(basename "$t" .sh): $p passed, $f failed$sk"
	done
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
