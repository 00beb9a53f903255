#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg status on sandbox hosts: what it reports of the cluster, its JSON and exit codes'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: the Kubernetes API cannot run here. The controller's
# /usr/local/bin/k0s is tests/standins/k0s, whose `kubectl get` prints
# the JSON the test writes under /etc/kcfg-standin/ (Nodes as k8s.io/api
# core/v1 types.go has them, Charts as k0s's chart_types.go has them,
# StorageClasses, MetalLB IPAddressPools) and logs each call. Everything
# up to that binary is real: the inventory and cluster.yaml, ssh sessions
# to the hosts, sudo, the verify phase of the run engine and the
# components' verify() hooks. The test asserts what kcfg reports of that
# JSON (table, --json, exit codes), never what the stand-in does.
sandbox_start st 10.250.71 5
SCHEMA="$SRCDIR/docs/status.schema.json"

# has ERE FILE: a line of FILE matches (test_grep takes fixed strings)
has() { grep -E -e "$1" "$2" >/dev/null || { echo "'$1' not found in $2:" >&2; cat "$2" >&2; return 1; }; }

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

# $1: Ready of node 4, $2: its message, $3: GPUs allocatable on node 5
nodes_json() {
	cat <<-EOF
	{"apiVersion": "v1", "kind": "List", "items": [
	 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "$(sb_host 4)", "labels": {"kubernetes.io/hostname": "$(sb_host 4)"}},
	  "status": {"conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "$1", "reason": "KubeletReady", "message": "$2"}],
	   "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}, "nodeInfo": {"kubeletVersion": "v1.36.4+k0s"}}},
	 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "$(sb_host 5)"},
	  "status": {"conditions": [{"type": "Ready", "status": "True", "message": "kubelet is posting ready status"}],
	   "allocatable": {"cpu": "4", "nvidia.com/gpu": "$3"}, "nodeInfo": {"kubeletVersion": "v1.36.4+k0s"}}}
	]}
	EOF
}

# $1: the MetalLB chart's status.error
charts_json() {
	cat <<-EOF
	{"apiVersion": "v1", "kind": "List", "items": [
	 {"apiVersion": "helm.k0sproject.io/v1beta1", "kind": "Chart", "metadata": {"name": "kcfg-gpu-operator", "namespace": "kube-system"},
	  "spec": {"chartName": "nvidia/gpu-operator", "version": "v25.3.0", "releaseName": "gpu-operator"},
	  "status": {"version": "v25.3.0", "releaseName": "gpu-operator", "namespace": "gpu-operator", "revision": 1}},
	 {"apiVersion": "helm.k0sproject.io/v1beta1", "kind": "Chart", "metadata": {"name": "kcfg-metallb", "namespace": "kube-system"},
	  "spec": {"chartName": "metallb/metallb", "version": "0.14.9", "releaseName": "metallb"},
	  "status": {"version": "0.14.9", "releaseName": "metallb", "error": "$1"}}
	]}
	EOF
}

pools_json='{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool", "metadata": {"name": "default", "namespace": "metallb-system"}, "spec": {"addresses": ["10.18.20.0/28"]}}]}'

# writes the stand-in's answers on the controller
cluster_says() {
	nodes_json "$1" "$2" "$3" >nodes.json &&
	charts_json "$4" >charts.json &&
	echo "$pools_json" >pools.json &&
	sb_on 3 "cat >/etc/kcfg-standin/nodes.json" <nodes.json &&
	sb_on 3 "cat >/etc/kcfg-standin/charts.json" <charts.json &&
	sb_on 3 "cat >/etc/kcfg-standin/ipaddresspools.json" <pools.json
}

test_expect_success SANDBOX 'set up: a controller running the k0s stand-in, two workers (one with GPUs)' '
	sb_inventory 4 &&
	printf "[kube_gpu]\n%s ansible_host=%s\n" "$(sb_host 5)" "$(sb_ip 5)" >>inventory.ini &&
	sb_cluster_yaml >cluster.yaml &&
	cat >>cluster.yaml <<-\EOF &&
	addons:
	  network_operator: false
	  monitoring: false
	  mpi_operator: false
	  spark_operator: false
	  storage: false
	metallb:
	  addresses: [10.18.20.0/28]
	versions:
	  gpu_operator: v25.3.0
	  metallb: 0.14.9
	EOF
	sb_on 3 "mkdir -p /etc/kcfg-standin && cat >/usr/local/bin/k0s && chmod 0755 /usr/local/bin/k0s && touch /run/k0s-api-up" \
		<"$SRCDIR/tests/standins/k0s" &&
	"$KCFG" config check >/dev/null
'

test_expect_success SANDBOX 'a cluster as kcfg made it: exit 0, every node Ready with its GPUs' '
	cluster_says True "kubelet is posting ready status" 4 "" &&
	"$KCFG" status >out 2>err &&
	has "^API server: ready \\(on $(sb_host 3)\\)" out &&
	grep -E "^$(sb_host 4) +worker +True +- +v1.36.4\+k0s +- +-$" out &&
	grep -E "^$(sb_host 5) +gpu +True +- +v1.36.4\+k0s +4 +-$" out &&
	grep -E "^kcfg-metallb +0.14.9 +deployed$" out &&
	has "^status: ok$" out &&
	"$KCFG" status --json >status.json &&
	"$SRCDIR/tests/tools/check-json-schema" "$SCHEMA" status.json &&
	python3 -c "
import json, sys
d = json.load(open(\"status.json\"))
assert d[\"ok\"] is True and d[\"checked\"] is True and d[\"api_ready\"] is True, d
assert d[\"nodes_ready\"] == 2 and d[\"nodes_total\"] == 2 and d[\"gpus_allocatable\"] == 4, d
assert d[\"failures\"] == [], d[\"failures\"]
" &&
	# it read what it judges on the controller, and only read
	sb_on 3 "cat /var/log/k0s-standin.log" >calls &&
	has "^kubectl get nodes -o json$" calls &&
	has "^kubectl get charts.helm.k0sproject.io -A -o json$" calls &&
	has "^kubectl get ipaddresspools.metallb.io -A -o json$" calls &&
	! grep -v "^kubectl get " calls
'

test_expect_success SANDBOX 'a NotReady node, a Chart with an error and a GPU node without GPUs: exit 1, each named' '
	cluster_says False "container runtime is down" 0 "install failed: timed out waiting for the condition" &&
	test_expect_code 1 "$KCFG" status >out 2>err &&
	grep -E "^$(sb_host 4) +worker +False " out &&
	grep -E "^kcfg-metallb +0.14.9 +error$" out &&
	has "^$(sb_host 4): k0s: error: node .$(sb_host 4). is not Ready \\(Ready: False, container runtime is down\\)" out &&
	has "^$(sb_host 3): metallb: error: chart .kcfg-metallb. failed: install failed: timed out waiting for the condition" out &&
	has "^$(sb_host 5): gpu-operator: error: node .$(sb_host 5). has no nvidia.com/gpu allocatable \\(0\\)" out &&
	has "^status: FAILED$" out &&
	! grep "kcfg-gpu-operator.*error" out &&
	test_expect_code 1 "$KCFG" status --json >status.json &&
	"$SRCDIR/tests/tools/check-json-schema" "$SCHEMA" status.json &&
	python3 -c "
import json
d = json.load(open(\"status.json\"))
assert d[\"ok\"] is False and d[\"checked\"] is True, d
assert d[\"nodes_ready\"] == 1 and d[\"nodes_total\"] == 2 and d[\"gpus_allocatable\"] == 0, d
got = sorted((f[\"host\"], f[\"component\"]) for f in d[\"failures\"])
assert got == sorted([(\"$(sb_host 4)\", \"k0s\"), (\"$(sb_host 3)\", \"metallb\"), (\"$(sb_host 5)\", \"gpu-operator\")]), got
assert all(f[\"hint\"] for f in d[\"failures\"]), d[\"failures\"]
"
'

test_expect_success SANDBOX 'a Chart at another version and a missing pool fail; -C picks the checks' '
	cluster_says True ready 4 "" &&
	sed -i "s/\"status\": {\"version\": \"0.14.9\"/\"status\": {\"version\": \"0.14.8\"/" charts.json &&
	sb_on 3 "cat >/etc/kcfg-standin/charts.json" <charts.json &&
	sb_on 3 "rm /etc/kcfg-standin/ipaddresspools.json" &&
	test_expect_code 1 "$KCFG" status >out 2>err &&
	has "metallb: error: chart .kcfg-metallb. is at version .0.14.8., not the pinned .0.14.9." out &&
	has "metallb: error: cannot read the IPAddressPools on .$(sb_host 3).: exit status 1: error: the server doesn.t have a resource type" out &&
	"$KCFG" status -C k0s,gpu-operator >out 2>err &&
	has "^status: ok$" out
'

test_expect_success SANDBOX 'an API that is not ready: exit 1, saying so' '
	sb_on 3 "rm /run/k0s-api-up" &&
	test_expect_code 1 "$KCFG" status >out 2>err &&
	has "^API server: NOT READY" out &&
	has "k0s: error: the API server is not ready: it answers .The connection to the server localhost:6443 was refused" out &&
	sb_on 3 "touch /run/k0s-api-up"
'

test_expect_success SANDBOX 'a controller that cannot be reached: exit 2, could not check' '
	cluster_says True ready 4 "" &&
	sed "s/^\($(sb_host 3) .*\)$/\1 ansible_port=1/" inventory.ini >bad.ini &&
	test_expect_code 2 "$KCFG" -i bad.ini status >out 2>err &&
	has "^status: cannot check the cluster" out &&
	has "error: cannot check the cluster: cannot ask the controller .$(sb_host 3)." err &&
	test_expect_code 2 "$KCFG" -i bad.ini status --json >status.json 2>err &&
	"$SRCDIR/tests/tools/check-json-schema" "$SCHEMA" status.json &&
	python3 -c "
import json
d = json.load(open(\"status.json\"))
assert d[\"ok\"] is False and d[\"checked\"] is False, d
assert d[\"failures\"][0][\"host\"] == \"$(sb_host 3)\", d
"
'

test_expect_success SANDBOX 'apply ends with the same checks: a failed one is reported and fails apply' '
	cluster_says True ready 4 "" &&
	cp "$SRCDIR/tests/standins/k0s" k0s-standin &&
	# versions: is the last block of cluster.yaml
	printf "  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)" >>cluster.yaml &&
	mkdir -p mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	# the node runs another worker profile than the one kcfg installs it with
	sed -i "s|\"kubernetes.io/hostname\": \"$(sb_host 4)\"|&, \"k0s.k0sproject.io/worker-profile\": \"numa-other\"|" nodes.json &&
	sb_on 3 "cat >/etc/kcfg-standin/nodes.json" <nodes.json &&
	test_expect_code 1 "$KCFG" apply -C k0s >out 2>err &&
	has "^$(sb_host 4) +failed " out &&
	has "error: .$(sb_host 4). does not work as it should: 1 problem" err &&
	has "error: $(sb_host 4): node .$(sb_host 4). runs worker profile .numa-other., not .numa-" err &&
	! grep -E "^$(sb_host 5) +failed " out &&
	test_expect_code 1 "$KCFG" status -C k0s >out 2>&1 &&
	has "^$(sb_host 4): k0s: error: node .$(sb_host 4). runs worker profile .numa-other." out
'

test_done
