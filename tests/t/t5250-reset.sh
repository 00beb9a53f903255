#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg reset on sandbox hosts: workers first, k0s reset, its leftovers and kcfg files gone, the rest kept'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: k0s cannot run here. /usr/local/bin/k0s is tests/standins/k0s,
# which follows k0s's CLI contract for `stop` (cmd/stop/stop.go) and
# `reset` (cmd/reset/reset.go: refused while k0s runs; pkg/cleanup: what
# it removes and nothing more) and logs every call. What k0s's reset
# leaves behind (kube-router's and Multus's CNI files, kube-dummy-if,
# KUBE-* iptables chains, kube-router ipsets) is planted by the test as
# those programs make it. The sandbox's containers may not change their
# network (no CAP_NET_ADMIN), so links, iptables and ipsets are
# tests/standins/netadmin (iproute2's ip-link(8), iptables-save(8) and
# iptables-restore(8)'s format, ipset(8) refusing to destroy a set in
# use). Real: ssh, sudo, systemd, files, the run's phases.
# Hosts: 1 bastion, 2 registry, 3 controller, 4 worker.
sandbox_start rs 10.250.79 4

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

# what kube-router, kube-proxy and Multus leave on a node (host $1)
plant_leftovers() {
	sb_on $1 "mkdir -p /etc/cni/net.d /opt/cni/bin /var/lib/netadmin-standin/links &&
		echo {} >/etc/cni/net.d/10-kuberouter.conflist && echo {} >/etc/cni/net.d/00-multus.conf &&
		echo bin >/opt/cni/bin/multus &&
		touch /var/lib/netadmin-standin/links/kube-dummy-if /var/lib/netadmin-standin/links/kube-bridge &&
		printf \"kube-router-pod-subnets\nmine\n\" >/var/lib/netadmin-standin/sets" &&
	sb_on $1 "cat >/var/lib/netadmin-standin/rules.v4" <<-\RULES
	*filter
	:INPUT ACCEPT [0:0]
	:FORWARD ACCEPT [0:0]
	:KUBE-SERVICES - [0:0]
	:KUBE-ROUTER-FORWARD - [0:0]
	:CNI-FORWARD - [0:0]
	-A INPUT -j KUBE-SERVICES
	-A INPUT -p tcp -m tcp --dport 2222 -j ACCEPT
	-A FORWARD -m comment --comment "kube-router netpol" -j KUBE-ROUTER-FORWARD
	-A FORWARD -j CNI-FORWARD
	-A KUBE-ROUTER-FORWARD -m set --match-set kube-router-pod-subnets src -j ACCEPT
	COMMIT
	RULES
}

test_expect_success SANDBOX 'set up: a controller and a worker (the k0s stand-in), iptables and ipset from apt' '
	cp "$SRCDIR/tests/standins/k0s" k0s-standin &&
	sb_inventory 4 &&
	{
		sb_cluster_yaml &&
		printf "versions:\n  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)"
	} >cluster.yaml &&
	mkdir mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	sb_on 3 "mkdir -p /etc/kcfg-standin && echo \"$(sb_host 4) True\" >/etc/kcfg-standin/nodes" &&
	"$KCFG" apply -C k0s >out 2>err &&
	for i in 3 4; do
		sb_on $i "cat >/usr/local/sbin/netadmin && chmod 0755 /usr/local/sbin/netadmin &&
			for n in ip iptables-save iptables-restore ip6tables-save ip6tables-restore ipset; do
				ln -s netadmin /usr/local/sbin/\$n || exit 1
			done" <"$SRCDIR/tests/standins/netadmin" || exit 1
	done &&
	plant_leftovers 3 && plant_leftovers 4 &&
	sb_on 4 "systemctl is-active k0sworker"
'

test_expect_success SANDBOX 'without a terminal and without --yes it refuses and changes nothing' '
	test_expect_code 64 "$KCFG" reset </dev/null >out 2>err &&
	test_grep "hint: add --yes to go on without asking, or --dry-run to see what would go" err &&
	sb_on 4 "systemctl is-active k0sworker"
'

test_expect_success SANDBOX '--dry-run lists what would go, read from the hosts, and changes nothing' '
	"$KCFG" reset --dry-run >out 2>err &&
	test_grep "$(sb_host 4):" out &&
	test_grep "  would k0s stop" out &&
	test_grep "  would k0s reset" out &&
	test_grep "  would remove /etc/cni/net.d" out &&
	test_grep "  would delete the network link kube-dummy-if" out &&
	test_grep "  would remove the iptables rules and chains of kube-proxy, kube-router and CNI" out &&
	test_grep "  would destroy the ipset kube-router-pod-subnets" out &&
	test_grep "  would remove /etc/k0s" out &&
	test_grep "reset: dry run, nothing was changed" out &&
	! grep "$(sb_host 1):" out &&
	sb_on 4 "systemctl is-active k0sworker" &&
	sb_on 4 "test -e /etc/cni/net.d/00-multus.conf && ip link show kube-dummy-if >/dev/null"
'

test_expect_success SANDBOX 'a worker that fails stops the reset before the controller' '
	# k0s reset refuses while k0s runs: a worker whose stop does nothing
	sb_on 4 "cp /usr/local/bin/k0s /root/k0s.real && printf \"#!/bin/sh\\n[ \\\"\\\$1\\\" = stop ] && exit 0\\nexec /root/k0s.real \\\"\\\$@\\\"\\n\" >/usr/local/bin/k0s" &&
	test_expect_code 1 "$KCFG" reset --yes >out 2>err &&
	test_grep "error: on '"'"'$(sb_host 4)'"'"', k0s reset failed: Error: another k0s process is still running, please stop k0s before reset" err &&
	test_grep "reset: FAILED (above)" out &&
	sb_on 3 "systemctl is-active k0scontroller" &&
	! sb_on 3 "grep -q ^reset /var/log/k0s-standin.log" &&
	sb_on 4 "cp /root/k0s.real /usr/local/bin/k0s"
'

test_expect_success SANDBOX 'reset: workers first, the controller last; k0s reset and its leftovers gone; the rest kept' '
	"$KCFG" reset --yes >out 2>err &&
	test_grep "reset: done" out &&
	# the order: the worker had stopped and reset before the controller stopped
	w=$(sb_on 4 "grep \" reset\$\" /var/log/k0s-standin.times" | cut -d" " -f1) &&
	c=$(sb_on 3 "grep \" stop\$\" /var/log/k0s-standin.times" | tail -n 1 | cut -d" " -f1) &&
	awk -v a="$w" -v b="$c" "BEGIN { exit !(a < b) }" &&
	for i in 3 4; do
		sb_on $i "! test -e /etc/cni/net.d && ! test -e /opt/cni/bin && ! test -e /etc/k0s &&
			! test -e /usr/local/bin/k0s && ! test -e /var/lib/kcfg && ! test -e /var/lib/k0s &&
			! /usr/local/sbin/ip link show kube-dummy-if 2>/dev/null &&
			! /usr/local/sbin/ip link show kube-bridge 2>/dev/null &&
			! /usr/local/sbin/iptables-save | grep -q -e KUBE- -e CNI- -e kube-router &&
			/usr/local/sbin/iptables-save | grep -q -e \"--dport 2222 -j ACCEPT\" &&
			/usr/local/sbin/iptables-save | grep -qx COMMIT &&
			! /usr/local/sbin/ipset list -n | grep -q kube-router &&
			/usr/local/sbin/ipset list -n | grep -qx mine &&
			! test -e /etc/systemd/system/k0sworker.service &&
			! test -e /etc/systemd/system/k0scontroller.service &&
			test -s /etc/hosts && test -s /etc/hostname" || exit 1
	done &&
	# without --all the registry and the bastion are not touched
	! grep "$(sb_host 1):" out && ! grep "$(sb_host 2):" out
'

test_expect_success SANDBOX 'a second reset finds nothing to remove' '
	"$KCFG" reset --yes --json >out.json 2>err &&
	test_grep "\"format\": \"kcfg-reset\"" out.json &&
	test_grep "\"ok\": true" out.json &&
	test_grep "\"removed\": []" out.json
'

test_done
