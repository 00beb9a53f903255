#!/bin/bash
# Runs every test against one or more build directories:
#   tests/run.sh BUILD [BUILD...]
# the cmocka unit tests (BUILD/tests/unit/test-*) and the shell tests
# (tests/t/t*.sh), several files at once, then prints one
# "N passed, N failed" line.
#
# A shell test file with the line '#@ once' runs against the last build
# only (in `make test`, the ASan one): the slow sandbox scenarios, where a
# second run on the other build adds nothing.
#
# TESTS='t1*' limits the shell tests by glob; TEST_VERBOSE=1 shows output;
# TEST_JOBS=N runs N files at once (default: 2 per core, at least 4).
# Sandbox test files use their own host prefixes and subnets, so they run
# side by side; the base rootfs is built once before they start.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || set -- build
jobs=${TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 2) * 2 ))}
[ "$jobs" -ge 4 ] 2>/dev/null || jobs=${TEST_JOBS:-4}
logs=$(mktemp -d "${TMPDIR:-/tmp}/kcfg-tests.XXXXXX")
trap 'rm -rf "$logs"' EXIT
started=$(date +%s)

builds=()
for build in "$@"; do
	case $build in /*) ;; *) build=$top/$build ;; esac
	builds+=("$build")
done
last=${builds[${#builds[@]}-1]}

# The sandbox's base rootfs, once, before test files race to build it.
if grep -l '^sandbox_start' "$top"/tests/t/${TESTS:-t*}.sh >/dev/null 2>&1 &&
   "$top/scripts/sandbox" check >/dev/null 2>&1; then
	"$top/scripts/sandbox" build >"$logs/sandbox-build.log" 2>&1 ||
		{ echo "# scripts/sandbox build failed:"; tail -n 20 "$logs/sandbox-build.log"; }
fi

# The job list: "KIND BUILD FILE", slow files first so they start early.
list=$logs/list
: >"$list"
for build in "${builds[@]}"; do
	for t in "$build"/tests/unit/test-*; do
		[ -f "$t" ] && [ -x "$t" ] && echo "unit $build $t" >>"$list"
	done
	for t in "$top"/tests/t/${TESTS:-t*}.sh; do
		[ -f "$t" ] || continue
		if grep -q '^#@ once' "$t" && [ "$build" != "$last" ]; then
			continue
		fi
		# files with sandbox hosts take longest: start them first
		if grep -q '^sandbox_start' "$t"; then w=0; else w=1; fi
		echo "shell $build $t $w" >>"$list"
	done
done
sort -s -k4,4n "$list" -o "$list"

# Runs one job; writes its log and a result line "P F S NAME" to files.
run_one() {
	local kind=$1 build=$2 t=$3 id=$4 label name p f s rc t0
	label=$(basename "$build")
	t0=$(date +%s)
	if [ "$kind" = unit ]; then
		name=$(basename "$t")
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$logs/$id.log" 2>&1
		rc=$?
		p=$(grep -c '^ok [0-9]' "$logs/$id.log")
		f=$(grep -c '^not ok [0-9]' "$logs/$id.log")
		s=0
	else
		name=$(basename "$t" .sh)
		KCFG_BUILD=$build sh "$t" >"$logs/$id.log" 2>&1 </dev/null
		rc=$?
		p=$(grep -c '^ok [0-9]* - ' "$logs/$id.log")
		s=$(grep -c '^ok [0-9]* # skip' "$logs/$id.log")
		f=$(grep -c '^not ok ' "$logs/$id.log")
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi	# crashed before its summary
	echo "$p $f $s $(( $(date +%s) - t0 )) $label:$name" >"$logs/$id.res"
}

n=0
while read -r kind build t _; do
	n=$((n + 1))
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	run_one "$kind" "$build" "$t" "$n" &
done <"$list"
wait

passed=0 failed=0 skipped=0 failed_names=""
for i in $(seq 1 "$n"); do
	read -r p f s secs name <"$logs/$i.res" || { p=0 f=1 s=0 secs=0 name="job$i"; }
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -gt 0 ] || [ -n "${TEST_VERBOSE:-}" ]; then cat "$logs/$i.log"; fi
	[ "$f" -gt 0 ] && failed_names="$failed_names $name"
	if [ "$s" -gt 0 ]; then sk=", $s skipped"; else sk=""; fi
	echo "$name: $p passed, $f failed$sk ($secs s)"
done
echo "# $((n)) files in $(( $(date +%s) - started )) s, $jobs at once"
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
