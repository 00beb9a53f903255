#!/bin/sh
# Runs each libFuzzer target for SECONDS on a copy of its committed seed
# corpus: tests/fuzz/run.sh BUILD SECONDS [TARGET...]
# A crash leaves its input in tests/fuzz/work/ and fails the run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-fuzz}; secs=${2:-60}; shift 2 2>/dev/null || true
case $build in /*) ;; *) build=$top/$build ;; esac
targets=${*:-$(ls "$build"/tests/fuzz/ | sed -n 's/^fuzz-\([a-z0-9_-]*\)$/\1/p')}
status=0
for t in $targets; do
	work=$top/tests/fuzz/work/$t
	mkdir -p "$work/corpus"
	cp -n "$top"/tests/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
	echo "fuzz-$t: $secs s"
	( cd "$work" && "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" \
		-print_final_stats=1 -rss_limit_mb=2048 corpus ) >"$work/log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)' "$work/log"
	if [ $rc -ne 0 ]; then
		echo "fuzz-$t: FAILED (exit $rc), see $work/log"; tail -n 30 "$work/log"; status=1
	else
		echo "fuzz-$t: no crash in $secs s"
	fi
done
exit $status
