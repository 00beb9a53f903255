#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg node remove on sandbox hosts: drain, delete the Node, reset the host; a failed drain stops unless --force'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: k0s and the Kubernetes API cannot run here. The controller's
# /usr/local/bin/k0s is tests/standins/k0s: `kubectl get node`, `cordon`,
# `uncordon`, `drain` (failing as kubectl's eviction does on a
# PodDisruptionBudget when the test says so) and `delete node` as
# k8s.io/kubectl defines them, on the nodes the test lists; `stop` and
# `reset` on the workers as k0s's cmd/ defines them. Real: ssh, sudo,
# systemd, the run's phases and their order. Hosts: 1 bastion,
# 2 registry, 3 controller, 4 and 5 workers.
sandbox_start nr 10.250.77 5

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

S=/etc/kcfg-standin

test_expect_success SANDBOX 'set up: a controller and two workers (the k0s stand-in)' '
	cp "$SRCDIR/tests/standins/k0s" k0s-standin &&
	sb_inventory 5 &&
	{
		sb_cluster_yaml &&
		printf "versions:\n  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)"
	} >cluster.yaml &&
	mkdir mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	sb_on 3 "mkdir -p $S && printf \"%s True\n%s True\n\" $(sb_host 4) $(sb_host 5) >$S/nodes" &&
	"$KCFG" apply -C k0s >out 2>err &&
	sb_on 5 "systemctl is-active k0sworker"
'

test_expect_success SANDBOX 'the controller and hosts that are not nodes cannot be removed this way' '
	test_expect_code 64 "$KCFG" node remove "$(sb_host 3)" --yes >out 2>err &&
	test_grep "error: '"'"'$(sb_host 3)'"'"' is a controller (kube_master): '"'"'kcfg node remove'"'"' removes workers only" err &&
	test_expect_code 64 "$KCFG" node remove "$(sb_host 1)" --yes >out 2>err &&
	test_grep "is not a node of the cluster" err &&
	test_expect_code 64 "$KCFG" node remove nosuchhost --yes >out 2>err &&
	test_grep "error: no host '"'"'nosuchhost'"'"' in inventory.ini" err
'

test_expect_success SANDBOX 'it asks first: no terminal refuses, anything but yes on one changes nothing' '
	test_expect_code 64 "$KCFG" node remove "$(sb_host 5)" </dev/null >out 2>err &&
	test_grep "error: '"'"'kcfg node remove'"'"' asks first, but there is no terminal to ask on" err &&
	test_grep "hint: add --yes to go on without asking" err &&
	# script(1) gives it a terminal; "no" is typed there
	rc=0 && { echo no | script -qec "\"$KCFG\" node remove $(sb_host 5)" /dev/null >tty.out 2>&1 || rc=$?; } &&
	{ test $rc = 1 || { cat tty.out; false; }; } &&
	test_grep "This drains '"'"'$(sb_host 5)'"'"', deletes its Node and resets the host. Type '"'"'yes'"'"' to go on:" tty.out &&
	test_grep "error: not confirmed: nothing was changed" tty.out &&
	sb_on 5 "systemctl is-active k0sworker" &&
	sb_on 3 "! grep -q \"cordon $(sb_host 5)\" /var/log/k0s-standin.log"
'

test_expect_success SANDBOX 'a drain that fails stops the removal: the node is uncordoned, nothing removed' '
	sb_on 3 "touch $S/drain-fails" &&
	test_expect_code 1 "$KCFG" node remove "$(sb_host 5)" --yes >out 2>err &&
	test_grep "draining node '"'"'$(sb_host 5)'"'"' failed: error when evicting pods/\"web-0\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod'"'"'s disruption budget." err &&
	test_grep "hint: nothing was removed and the node was uncordoned again" err &&
	sb_on 3 "! test -e $S/cordoned/$(sb_host 5) && grep -q \"^$(sb_host 5) \" $S/nodes" &&
	! sb_on 3 "grep -q \"^kubectl delete\" /var/log/k0s-standin.log" &&
	sb_on 5 "systemctl is-active k0sworker && test -e /etc/k0s"
'

test_expect_success SANDBOX 'a node an admin had cordoned stays cordoned after a failed drain' '
	sb_on 3 "mkdir -p $S/cordoned && touch $S/cordoned/$(sb_host 5) && : >/var/log/k0s-standin.log" &&
	test_expect_code 1 "$KCFG" node remove "$(sb_host 5)" --yes >out 2>err &&
	test_grep "the node stays cordoned, as it was before" err &&
	sb_on 3 "test -e $S/cordoned/$(sb_host 5)" &&
	! sb_on 3 "grep -q \"^kubectl uncordon\" /var/log/k0s-standin.log" &&
	sb_on 3 "rm -f $S/cordoned/$(sb_host 5)"
'

test_expect_success SANDBOX 'with --force a failed drain goes on: cordon, drain, delete the Node, then reset the host' '
	sb_on 3 ": >/var/log/k0s-standin.log" &&
	"$KCFG" node remove "$(sb_host 5)" --yes --force >out 2>err &&
	test_grep "$(sb_host 5): drain failed (" out &&
	test_grep "$(sb_host 5): Node deleted" out &&
	test_grep "$(sb_host 5): done k0s stop" out &&
	test_grep "$(sb_host 5): done k0s reset" out &&
	test_grep "node remove: $(sb_host 5) is out of the cluster; remove it from inventory.ini" out &&
	# the order on the controller: cordon, drain, then delete
	sb_on 3 "grep -n -e \"^kubectl cordon $(sb_host 5)\" -e \"^kubectl drain $(sb_host 5)\" -e \"^kubectl delete node $(sb_host 5)\" /var/log/k0s-standin.log | cut -d: -f2 | cut -d\" \" -f2" >order &&
	printf "cordon\ndrain\ndelete\n" >expect &&
	test_cmp expect order &&
	sb_on 3 "grep -q \"^kubectl drain $(sb_host 5) --ignore-daemonsets --delete-emptydir-data --grace-period=30 --timeout=600s\" /var/log/k0s-standin.log" &&
	! sb_on 3 "grep -q \"^$(sb_host 5) \" $S/nodes" &&
	sb_on 5 "! test -e /etc/k0s && ! test -e /usr/local/bin/k0s && ! test -e /etc/systemd/system/k0sworker.service" &&
	sb_on 4 "systemctl is-active k0sworker"
'

test_expect_success SANDBOX 'a host that is down: refused without --force, Node deleted and reset skipped with it' '
	sb_on 3 "rm -f $S/drain-fails" &&
	sb_on 4 "systemctl stop ssh.socket ssh.service 2>/dev/null; systemctl stop ssh" &&
	test_expect_code 1 "$KCFG" node remove "$(sb_host 4)" --yes >out 2>err &&
	test_grep "hint: nothing was removed. A host that is down is removed with --force" err &&
	sb_on 3 "grep -q \"^$(sb_host 4) \" $S/nodes" &&
	"$KCFG" node remove "$(sb_host 4)" --yes --force --json >out.json 2>err &&
	test_grep "\"format\": \"kcfg-node-remove\"" out.json &&
	test_grep "\"ok\": true" out.json &&
	test_grep "\"node_deleted\": true" out.json &&
	test_grep "\"reset\": \"skipped\"" out.json &&
	! sb_on 3 "grep -q \"^$(sb_host 4) \" $S/nodes"
'

test_done
