#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='light sandbox hosts (up --light): ssh, sudo, an extras apply, and nothing left after stop and down'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

sandbox_start lt 10.250.53 3 --light

# Every process in host I's network namespace, one PID a line.
lt_pids() { ip netns pids "kcfg-$(sb_host "$1")" 2>/dev/null; }

# Fails when any of the PIDs in file $1 still runs (a zombie waiting for
# this machine's init to reap it has ended).
all_gone() {
	while read -r p; do
		if [ -e /proc/$p ] && ! grep -q "^$p (.*) Z " /proc/$p/stat 2>/dev/null; then
			echo "process $p is still alive: $(tr "\0" " " </proc/$p/cmdline)" >&2
			return 1
		fi
	done <"$1"
}

test_expect_success 'light hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'a light host is an sshd in namespaces of its own, not a booted system' '
	for i in 1 2 3; do
		test "$(sb_on $i cat /proc/1/comm)" = sshd &&
		test "$(sb_on $i hostname)" = "$(sb_host $i)" &&
		sb_on $i "ip -4 -o addr show dev eth0" | grep -F " $(sb_ip $i)/24 " &&
		test "$(sb_on $i "ls -d /proc/[0-9]* | wc -l")" -lt 10 &&
		test "$(sb_on $i "test -d /run/systemd/system && echo booted || echo not")" = not || exit 1
	done &&
	lt_pids 1 | grep -x "$(cat "$SANDBOX_DIR/hosts/$(sb_host 1).pid")" &&
	! grep -F "$SANDBOX_DIR/hosts/$SANDBOX_PREFIX" /proc/self/mountinfo
'

test_expect_success SANDBOX 'kcfg ping reaches them as root, through sudo and with a sudo password' '
	"$SB" inventory >inv &&
	"$KCFG" -i inv ping --count 1 >out 2>err &&
	test $(grep -c -E "^$SANDBOX_PREFIX[123] +ok .* uid 0$" out) -eq 3 &&
	"$KCFG" -i inv ping --count 1 -u tester --become >out 2>err &&
	test $(grep -c -E " uid 0$" out) -eq 3 &&
	echo sandbox >pw &&
	sb_ping -u pwsudo --become-password-file pw -H $(sb_host 2)=$(sb_ip 2) >out 2>err &&
	grep -E "^$(sb_host 2) +ok .* uid 0$" out
'

test_expect_success SANDBOX 'an extras apply changes the hosts, not this machine, and a second one changes nothing' '
	sb_inventory 3 &&
	sb_cluster_yaml >cluster.yaml &&
	cat >>cluster.yaml <<-\EOF &&
	extras:
	  - group: all
	    directories:
	      - {path: /opt/kcfg-light, mode: "0750"}
	    files:
	      - path: /etc/kcfg-light.conf
	        content: "host={{ inventory_hostname }} address={{ ansible_host }}\n"
	    blocks:
	      - {path: /etc/environment, marker: light, content: "LIGHT=1\n"}
	    commands:
	      - {run: "hostname > /opt/kcfg-light/stamp", creates: /opt/kcfg-light/stamp}
	EOF
	"$KCFG" apply -C extras >out 2>err &&
	for i in 1 2 3; do
		grep -E "^$(sb_host $i) +changed +4 +0 +0 " out &&
		test "$(sb_on $i cat /etc/kcfg-light.conf)" = "host=$(sb_host $i) address=$(sb_ip $i)" &&
		test "$(sb_on $i cat /opt/kcfg-light/stamp)" = "$(sb_host $i)" &&
		test "$(sb_on $i stat -c %a /opt/kcfg-light)" = 750 &&
		sb_on $i "grep -x LIGHT=1 /etc/environment" || exit 1
	done &&
	test ! -e /etc/kcfg-light.conf &&
	test ! -e "$SANDBOX_DIR/rootfs/etc/kcfg-light.conf" &&
	"$KCFG" apply -C extras >out 2>err &&
	for i in 1 2 3; do grep -E "^$(sb_host $i) +ok +0 +4 +0 " out || exit 1; done
'

test_expect_success SANDBOX 'stop ends one host: its processes, namespace and veth go, the others answer' '
	lt_pids 2 >pids &&
	test -s pids &&
	"$SB" stop 2 &&
	all_gone pids &&
	test ! -e /run/netns/kcfg-$(sb_host 2) &&
	test ! -e /sys/class/net/kc$(sb_host 2)v &&
	test_expect_code 1 sb_ping -u root --timeout 3 -H $(sb_host 1)=$(sb_ip 1) \
		-H $(sb_host 2)=$(sb_ip 2) >out 2>err &&
	grep -E "^$(sb_host 1) +ok " out &&
	grep -E "^$(sb_host 2) +unreachable$" out
'

test_expect_success SANDBOX 'down leaves nothing, also after a host died and with a stray process' '
	"$SB" up 3 --light >up.log 2>&1 || exit 1
	nsenter --net=/run/netns/kcfg-$(sb_host 3) sleep 300 >/dev/null 2>&1 </dev/null &
	for n in $(seq 50); do
		test "$(lt_pids 3 | wc -l)" -ge 3 && break
		sleep 0.1
	done
	for i in 1 2 3; do lt_pids $i; done >pids &&
	test "$(wc -l <pids)" -ge 7 &&
	kill -KILL "$(cat "$SANDBOX_DIR/hosts/$(sb_host 1).pid")" &&
	"$SB" down &&
	all_gone pids &&
	! ls /run/netns | grep -E "^kcfg-$SANDBOX_PREFIX[0-9]+\$" &&
	! ls /sys/class/net | grep -E "^kc$SANDBOX_PREFIX" &&
	! cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F "$SANDBOX_DIR/hosts/$SANDBOX_PREFIX" &&
	! ls -d "$SANDBOX_DIR/hosts/$SANDBOX_PREFIX"* 2>/dev/null
'

test_done
