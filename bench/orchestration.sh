#!/bin/bash
# The orchestration benchmark: the same 50-task-per-host workload (5
# groups of: directory, file, template, line in file, command guarded by
# creates, shell check, stat, conditional copy, subdirectory, line by
# regexp) run by ansible-playbook (bench/ansible-50) and by kcfg (as a
# cluster.yaml `extras` section), on sandbox hosts (scripts/sandbox),
# first run and no-change re-run, for each host count. Prints each
# tool's median wall time over RUNS runs and the ratios, and ends with
#   first_ratio_20=X noop_ratio_20=Y
# (Ansible's time divided by kcfg's, for 20 hosts).
#
#   bench/orchestration.sh [KCFG]     (default: build/kcfg)
#
# Environment: SIZES (host counts, default "1 5 20"), RUNS (default 3),
# BENCH_DIR (sandbox state, default /var/tmp/kcfg-bench). Needs root, the
# sandbox's packages and ansible-playbook (Debian's ansible-core). The
# sandbox hosts get a Python (copied from this machine's Debian packages)
# because Ansible's modules need one; kcfg needs none.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
KCFG=${1:-$top/build/kcfg}
SIZES=${SIZES:-1 5 20}
RUNS=${RUNS:-3}
export SANDBOX_DIR=${BENCH_DIR:-/var/tmp/kcfg-bench}
export SANDBOX_PREFIX=bn SANDBOX_NET=10.250.70
W=$(mktemp -d "${TMPDIR:-/tmp}/kcfg-bench.XXXXXX")
. "$top/bench/lib.sh"
trap bench_cleanup EXIT
bench_check

prepare_rootfs
bench_setup

max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
"$SB" down >/dev/null 2>&1 || true
"$SB" up "$max" >/dev/null

printf '%-6s %-8s %12s %12s %8s\n' hosts phase ansible_s kcfg_s ratio
result=""
for n in $SIZES; do
	kcfg_files "$n"
	ansible_files "$n"
	af="" an="" kf="" kn=""
	for r in $(seq 1 "$RUNS"); do
		reset_hosts "$max"
		af="$af $(time_of ansible "$n")"
		an="$an $(time_of ansible "$n")"
		grep -q "changed=0 " "$W/ansible.log" || die "ansible's re-run changed something"
		reset_hosts "$max"
		kf="$kf $(time_of kcfg)"
		kn="$kn $(time_of kcfg)"
		grep -Eq "^$SANDBOX_PREFIX$n +ok +0 " "$W/kcfg.log" || { cat "$W/kcfg.log"; die "kcfg's re-run changed something"; }
	done
	for phase in first noop; do
		if [ $phase = first ]; then a=$(echo $af | median); k=$(echo $kf | median)
		else a=$(echo $an | median); k=$(echo $kn | median); fi
		ratio=$(echo "scale=1; $a / $k" | bc)
		printf '%-6s %-8s %12.2f %12.3f %8s\n' "$n" $phase "$a" "$k" "$ratio"
		[ "$n" = 20 ] && result="$result ${phase}_ratio_20=$ratio"
	done
done
echo "${result# }"
