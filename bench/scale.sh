#!/bin/bash
# The scale benchmark: the orchestration benchmark's workload (50 tasks
# per host, bench/orchestration.sh) applied by kcfg to 50, 100 and 200
# light sandbox hosts (scripts/sandbox up N --light), first run and
# no-change re-run, with kcfg's wall time and peak RSS; and
# ansible-playbook's time on 50 of the same hosts, measured in the same
# run, for the ratio. Both tools work on every host at once (-f N) and
# reuse their ssh connections (ControlPersist) in the re-run. Prints one
# line per host count and run: kcfg's median wall time, its peak RSS
# (the largest of the runs), the CPU time of kcfg with its ssh clients
# (cpu_s) and that of the hosts' sshd sessions and the ssh masters
# (side_s: the hosts run on this machine and take the same cores); then
# Ansible's median time and the ratio; the load average after each host
# count (other work on the machine shows there); and it ends with
#   first_200=S rss_first_200_mb=M noop_200=S rss_noop_200_mb=M
#   first_ratio_50=X noop_ratio_50=Y      (on one line)
#
#   bench/scale.sh [KCFG]     (default: build/kcfg)
#
# Environment: SIZES (host counts, default "50 100 200"), RUNS (kcfg's
# runs per count, default 3; the median is shown), ANSIBLE_AT (the count
# Ansible runs at, default 50; empty: none), ANSIBLE_RUNS (default 1: a
# run takes minutes), BENCH_DIR (sandbox state, default
# /var/tmp/kcfg-bench). Needs root, the sandbox's packages and
# ansible-playbook (Debian's ansible-core).
#
# The peak RSS is GNU time's %M for the kcfg process: the largest of kcfg
# and the processes it waited for (its ssh clients are smaller than it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
KCFG=${1:-$top/build/kcfg}
SIZES=${SIZES:-50 100 200}
RUNS=${RUNS:-3}
ANSIBLE_AT=${ANSIBLE_AT-50}
ANSIBLE_RUNS=${ANSIBLE_RUNS:-1}
export SANDBOX_DIR=${BENCH_DIR:-/var/tmp/kcfg-bench}
export SANDBOX_PREFIX=sl SANDBOX_NET=10.251.50
W=$(mktemp -d "${TMPDIR:-/tmp}/kcfg-scale.XXXXXX")
. "$top/bench/lib.sh"
trap bench_cleanup EXIT
bench_check
[ -x /usr/bin/time ] || die "GNU time is missing (apt install time)"

TICK=$(getconf CLK_TCK)

# The CPU time (clock ticks) spent so far on the hosts' side and by
# kcfg's ssh masters: every live process of every light host (from its
# init down; a reaped process counts in its parent's children's time) and
# the masters. The hosts run on this machine and take the same cores as
# kcfg. Builtins only, but for pgrep.
side_ticks() {
	local H p k t=0 f todo kids
	for H in "$SANDBOX_DIR/hosts/$SANDBOX_PREFIX"[0-9]*.pid; do
		read -r p < "$H" || continue
		todo=()	# (a children file has no newline: read says 1)
		read -r -a todo 2>/dev/null < /proc/$p/task/$p/children || true
		while [ ${#todo[@]} -gt 0 ]; do
			k=${todo[0]}
			todo=("${todo[@]:1}")
			read -r -a f 2>/dev/null < /proc/$k/stat || continue
			t=$((t + f[13] + f[14] + f[15] + f[16]))
			kids=()
			read -r -a kids 2>/dev/null < /proc/$k/task/$k/children || true
			todo+=("${kids[@]}")
		done
	done
	for k in $(pgrep -f "^ssh: $W/kcp/" || true); do
		read -r -a f 2>/dev/null < /proc/$k/stat || continue
		t=$((t + f[13] + f[14]))
	done
	echo $t
}

# The memory of the light hosts: the sum of the PSS (kB) of their processes.
hosts_pss() {
	local H p k t=0 todo kids line
	for H in "$SANDBOX_DIR/hosts/$SANDBOX_PREFIX"[0-9]*.pid; do
		read -r p < "$H" || continue
		todo=("$p")
		while [ ${#todo[@]} -gt 0 ]; do
			k=${todo[0]}
			todo=("${todo[@]:1}")
			while read -r line; do
				case $line in Pss:*) line=${line#Pss:}; t=$((t + ${line% kB})) ;; esac
			done 2>/dev/null < /proc/$k/smaps_rollup
			kids=()
			read -r -a kids 2>/dev/null < /proc/$k/task/$k/children || true
			todo+=("${kids[@]}")
		done
	done
	echo $t
}

# kcfg_run N: one kcfg apply on N hosts; on stdout "SECONDS PEAK_KB
# CPU_S SIDE_CPU_S": wall time, peak RSS, the CPU time of kcfg with its
# ssh clients, and that of the hosts and ssh masters (side_ticks).
kcfg_run() {
	local t0 t1 s0 s1
	s0=$(side_ticks)
	t0=$(now)
	/usr/bin/time -f '%M %U %S' -o "$W/rss" "$KCFG" -q -i "$W/kcfg/inventory.ini" \
		-c "$W/kcfg/cluster.yaml" apply -C extras -l targets -f "$1" >"$W/kcfg.log" 2>&1 ||
		{ tail -n 30 "$W/kcfg.log"; die "kcfg apply failed on $1 hosts"; }
	t1=$(now)
	s1=$(side_ticks)
	set -- $(tail -n 1 "$W/rss")
	echo "$(elapsed "$t0" "$t1") $1 $(echo "$2 + $3" | bc) $(echo "scale=2; ($s1 - $s0) / $TICK" | bc)"
}

prepare_rootfs
bench_setup

max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
[ -z "$ANSIBLE_AT" ] || [ "$ANSIBLE_AT" -le "$max" ] || max=$ANSIBLE_AT
"$SB" down >/dev/null 2>&1 || true
t0=$(now)
"$SB" up "$max" --light >/dev/null
echo "# $max light hosts up in $(elapsed "$t0" "$(now)") s, $(( $(hosts_pss) / max )) kB PSS each;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# kcfg: median of $RUNS runs; ansible-playbook: median of $ANSIBLE_RUNS at $ANSIBLE_AT hosts"

# kcfg first, every size (its figures do not wait for Ansible's minutes)
printf '%-6s %-8s %8s %8s %8s %8s\n' hosts run kcfg_s rss_mb cpu_s side_s
result=""
for n in $SIZES; do
	kcfg_files "$n"
	kf="" kn="" mf="" mn="" cf="" cn="" sf="" sn=""
	for r in $(seq 1 "$RUNS"); do
		reset_hosts "$n"
		set -- $(kcfg_run "$n"); kf="$kf $1"; mf="$mf $2"; cf="$cf $3"; sf="$sf $4"
		set -- $(kcfg_run "$n"); kn="$kn $1"; mn="$mn $2"; cn="$cn $3"; sn="$sn $4"
		grep -Eq "^$SANDBOX_PREFIX$n +ok +0 " "$W/kcfg.log" ||
			{ cat "$W/kcfg.log"; die "kcfg's re-run changed something"; }
	done
	for phase in first noop; do
		if [ $phase = first ]; then set -- "$kf" "$mf" "$cf" "$sf"
		else set -- "$kn" "$mn" "$cn" "$sn"; fi
		k=$(echo $1 | median)
		m=$(echo "scale=1; $(echo $2 | tr ' ' '\n' | sort -n | tail -n 1) / 1024" | bc)
		printf '%-6s %-8s %8.3f %8s %8.2f %8.2f\n' "$n" $phase "$k" "$m" \
			"$(echo $3 | median)" "$(echo $4 | median)"
		eval "kcfg_${phase}_$n=$k"
		[ "$n" = 200 ] && result="$result ${phase}_200=$k rss_${phase}_200_mb=$m"
	done
	echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
done

if [ -n "$ANSIBLE_AT" ]; then
	n=$ANSIBLE_AT
	ansible_files "$n"
	af="" an=""
	for r in $(seq 1 "$ANSIBLE_RUNS"); do
		reset_hosts "$n"
		af="$af $(time_of ansible "$n")"
		an="$an $(time_of ansible "$n")"
		grep -q "changed=0 " "$W/ansible.log" || die "ansible's re-run changed something"
	done
	printf '%-6s %-8s %10s %8s %7s\n' hosts run ansible_s kcfg_s ratio
	for phase in first noop; do
		if [ $phase = first ]; then a=$(echo $af | median); else a=$(echo $an | median); fi
		eval "k=\${kcfg_${phase}_$n:-}"
		if [ -n "$k" ]; then
			ratio=$(echo "scale=1; $a / $k" | bc)
			result="$result ${phase}_ratio_$n=$ratio"
			k=$(printf '%.3f' "$k")
		else
			k=- ratio=-
		fi
		printf '%-6s %-8s %10.2f %8s %7s\n' "$n" $phase "$a" "$k" "$ratio"
	done
fi
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "${result# }"
