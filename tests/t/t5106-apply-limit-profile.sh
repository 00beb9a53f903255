#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg apply --limit NEWWORKER: the controller gets the new worker'"'"'s profile first, and nothing else'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: the k0s binary is tests/standins/k0s (see t5104: install
# writes k0s's units, token create answers once the API is up, get nodes
# lists the nodes of /etc/kcfg-standin/nodes). The two workers' NUMA
# shapes come from their cached facts (.kcfg/facts/HOST.json, docs/facts.md):
# one host of this machine has one shape, so the second worker's facts say
# it has two NUMA nodes. Everything else is real: ssh, systemd, files.
sandbox_start ei 10.250.69 3

cp "$SRCDIR/tests/standins/k0s" k0s-standin

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

# host 1 the controller, hosts 2 and 3 workers; the bastion and the
# registry the inventory must name are never started (every run here is
# limited to the cluster's hosts and -C k0s)
ctl=$(sb_host 1) w1=$(sb_host 2) w2=$(sb_host 3)

# inventory.ini with the workers named
inventory() {
	echo "[all:vars]"
	echo "ansible_user=root"
	echo "ansible_ssh_private_key_file=$SB_KEY"
	echo "ansible_ssh_common_args=-oUserKnownHostsFile=$SB_KNOWN"
	echo "[bastion_host]"
	echo "$(sb_host 4) ansible_host=$(sb_ip 4)"
	echo "[registry]"
	echo "$(sb_host 5) ansible_host=$(sb_ip 5)"
	echo "[kube_master]"
	echo "$ctl ansible_host=$(sb_ip 1)"
	echo "[kube_node]"
	for w in "$@"; do echo "$(sb_host $w) ansible_host=$(sb_ip $w)"; done
}

test_expect_success SANDBOX 'set up: a controller and one worker' '
	inventory 2 >inventory.ini &&
	sb_cluster_yaml >cluster.yaml &&
	printf "versions:\n  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)" >>cluster.yaml &&
	mkdir mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	sb_on 1 "mkdir -p /etc/kcfg-standin && printf \"%s True\n%s True\n\" $w1 $w2 >/etc/kcfg-standin/nodes"
'

test_expect_success SANDBOX 'the controller and the first worker: k0s.yaml has its profile only' '
	"$KCFG" apply -C k0s --limit kube_master,kube_node >out 2>err &&
	sb_on 2 "cat /var/log/k0s-standin.log" >w1.log &&
	p1=$(sed -n "s/^install worker .* --profile \([^ ]*\)\$/\1/p" w1.log) &&
	test -n "$p1" &&
	sb_on 1 "cat /etc/k0s/k0s.yaml" >k0s.yaml &&
	test $(grep -c "^  - name: numa-" k0s.yaml) = 1 &&
	grep -qx "  - name: $p1" k0s.yaml
'

test_expect_success SANDBOX 'a new worker with another NUMA shape: plan --limit takes the controller in for k0s, and says so' '
	inventory 2 3 >inventory.ini &&
	"$KCFG" facts $w2 >out 2>err &&
	python3 - .kcfg/facts/$w2.json <<-\EOT &&
	import json, sys
	f = json.load(open(sys.argv[1]))
	half = f["memory_bytes"] // 2
	f["numa_nodes"] = [{"id": 0, "cpus": "0", "memory_bytes": half},
	                   {"id": 1, "cpus": "1", "memory_bytes": half}]
	json.dump(f, open(sys.argv[1], "w"), indent=2)
	EOT
	"$KCFG" plan -C k0s --limit $w2 >plan 2>err &&
	grep -qx "$ctl: included for k0s: the worker profiles of --limit hosts" plan &&
	# on the controller only its k0s.yaml changes (and k0s restarts with it)
	sed -n "/^$ctl:\$/,/^$ctl: /p" plan >ctl.plan &&
	test_grep "file /etc/k0s/k0s.yaml" ctl.plan &&
	test $(grep -c "^  [-+~!] " ctl.plan) = 1 &&
	test_grep "* handler '"'"'restart k0scontroller'"'"'" ctl.plan &&
	test_grep "$ctl: 2 to change, " plan &&
	"$KCFG" plan -C k0s --limit $w2 --json >plan.json &&
	python3 - plan.json "$ctl" "$w2" <<-\EOT
	import json, sys
	hosts = {h["host"]: h for h in json.load(open(sys.argv[1]))["hosts"]}
	assert sorted(hosts) == sorted(sys.argv[2:]), hosts
	assert hosts[sys.argv[2]]["included"] == \
	    "included for k0s: the worker profiles of --limit hosts", hosts
	assert hosts[sys.argv[3]]["included"] is None, hosts
	EOT
'

test_expect_success SANDBOX 'apply --limit NEWWORKER: the controller gains its profile before the worker installs, nothing else runs there' '
	sb_on 1 "cp /var/log/k0s-standin.log /root/before.log" &&
	"$KCFG" apply -C k0s --limit $w2 >out 2>err &&
	grep -E "^$ctl +changed " out &&
	grep -E "^$w2 +changed " out &&
	sb_on 3 "cat /var/log/k0s-standin.log" >w2.log &&
	p2=$(sed -n "s/^install worker .* --profile \([^ ]*\)\$/\1/p" w2.log) &&
	p1=$(sed -n "s/^install worker .* --profile \([^ ]*\)\$/\1/p" w1.log) &&
	test -n "$p2" && test -n "$p1" && test "$p2" != "$p1" &&
	sb_on 1 "cat /etc/k0s/k0s.yaml" >k0s.yaml &&
	grep -qx "  - name: $p2" k0s.yaml &&
	grep -qx "  - name: $p1" k0s.yaml &&
	# in that order: the file on the controller, then the worker joins
	log=$(ls -t .kcfg/logs/*-apply*.log | head -n 1) &&
	grep -n -e "^.*$ctl: done " -e "^.*$w2: done " "$log" >done &&
	ctl_at=$(grep -m1 "$ctl: done .*file /etc/k0s/k0s.yaml" done | cut -d: -f1) &&
	join_at=$(grep -m1 "$w2: done ! run .umask 077 && mkdir -p /etc/k0s" done | cut -d: -f1) &&
	{ test -n "$ctl_at" && test -n "$join_at" && test "$ctl_at" -lt "$join_at" || { cat done; false; }; } &&
	# nothing else of the controller: its k0s.yaml (and the restart it
	# notifies), no facts, no preflight, no verify, and k0s was asked only
	# for the new worker'"'"'s token
	sed -n "s/.*$ctl: done //p" done >ctl.done &&
	cat >expect <<-\EOT &&
	~ file /etc/k0s/k0s.yaml [k0s]
	* handler '"'"'restart k0scontroller'"'"' (notified by file:/etc/k0s/k0s.yaml)
	EOT
	test_cmp expect ctl.done &&
	test_must_fail grep -q "$ctl: facts gathered" "$log" &&
	sb_on 1 "cat /var/log/k0s-standin.log" >after.log &&
	sb_on 1 "cat /root/before.log" >before.log &&
	tail -n +$(($(wc -l <before.log) + 1)) after.log | grep -v "^kubectl get" >new.log &&
	echo "token create --role=worker --expiry=1h" >expect &&
	test_cmp expect new.log
'

test_expect_success SANDBOX 'then the controller and both workers plan no changes' '
	"$KCFG" plan -C k0s --limit kube_master,kube_node --detailed-exitcode >out 2>err
'

test_expect_success SANDBOX 'a limit with the controller in it takes nothing in' '
	"$KCFG" plan -C k0s --limit kube_master,$w2 >plan 2>err &&
	test_must_fail grep -q "included for" plan &&
	grep -q "^$ctl: no changes" plan
'

test_done
