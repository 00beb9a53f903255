#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg status --smoke on a sandbox controller: the workloads it creates, judges and deletes'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: the Kubernetes API cannot run here, nor GPUs, RDMA devices or
# Lustre. The controller's /usr/local/bin/k0s is tests/standins/k0s:
# `kubectl apply -f -` records the manifests kcfg sends on stdin and the
# objects they make; `get pod/pvc -o json`, `-o jsonpath={.status.phase}`,
# `logs`, `get events` answer with the Pods, claims, logs and Events the
# test writes under /etc/kcfg-standin/ (k8s.io/api core/v1 types.go:
# PodStatus.Phase, PersistentVolumeClaimStatus.Phase, Event), and `delete
# namespace` forgets the namespace's objects. Only the controller runs
# (status contacts no other host without a vault); the GPU/RoCE worker is
# a node in the stand-in's node list. Everything up to that binary is
# real: ssh, sudo, the verify phase, the manifests kcfg writes, the wait
# loop on the controller, the judging. The test asserts what kcfg sends
# and reports, never what the stand-in does.
sandbox_start sk 10.250.88 1
test_have_prereq SANDBOX && python3 -c 'import yaml' 2>/dev/null && test_set_prereq SANDBOX_YAML

has() { grep -E -e "$1" "$2" >/dev/null || { echo "'$1' not found in $2:" >&2; cat "$2" >&2; return 1; }; }

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

GPU=kube-gpu1

# pod NAME PHASE [LOG]: what the stand-in says of pod NAME
pod() {
	printf '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s", "namespace": "kcfg-smoke"}, "status": {"phase": "%s"}}\n' "$1" "$2" |
		sb_on 1 "mkdir -p /etc/kcfg-standin/pods && cat >/etc/kcfg-standin/pods/$1.json" &&
	printf '%s' "${3:-}" | sb_on 1 "cat >/etc/kcfg-standin/pods/$1.log"
}

# claim NAME PHASE
claim() {
	printf '{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "%s"}, "status": {"phase": "%s"}}\n' "$1" "$2" |
		sb_on 1 "mkdir -p /etc/kcfg-standin/pvcs && cat >/etc/kcfg-standin/pvcs/$1.json"
}

all_pass() {
	sb_on 1 "rm -rf /etc/kcfg-standin/pods /etc/kcfg-standin/pvcs /etc/kcfg-standin/events.json /etc/kcfg-standin/delete-fails /etc/kcfg-standin/apply-fails" &&
	pod gpu-0 Succeeded "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-6f1c2b7e-0000-0000-0000-000000000000)
" &&
	pod rdma Succeeded "/dev/infiniband/uverbs0
    inet 10.146.18.101/21 brd 10.146.23.255 scope global net1
" &&
	pod pvc-0 Succeeded && pod pvc-1 Succeeded && claim pvc-0 Bound && claim pvc-1 Bound
}

test_expect_success SANDBOX 'set up: a controller with the k0s stand-in, a GPU worker on RoCE, storage and RDMA on' '
	cat >inventory.ini <<-EOF &&
	[all:vars]
	ansible_user=root
	ansible_ssh_private_key_file=$SB_KEY
	ansible_ssh_common_args=-oUserKnownHostsFile=$SB_KNOWN
	[bastion_host]
	bastion ansible_host=$SANDBOX_NET.200
	[registry]
	harbor ansible_host=$SANDBOX_NET.201
	[kube_master]
	$(sb_host 1) ansible_host=$(sb_ip 1)
	[kube_gpu]
	$GPU ansible_host=$SANDBOX_NET.202 roce_host=10.146.18.31 roce_netif=ens192
	EOF
	cat >cluster.yaml <<-\EOF &&
	addons:
	  metallb: false
	  monitoring: false
	  mpi_operator: false
	  spark_operator: false
	smoke:
	  rdma_range: 10.146.16.0/21
	EOF
	"$KCFG" config check >/dev/null &&
	sb_on 1 "mkdir -p /etc/kcfg-standin && cat >/usr/local/bin/k0s && chmod 0755 /usr/local/bin/k0s && touch /run/k0s-api-up" \
		<"$SRCDIR/tests/standins/k0s" &&
	printf "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": {\"name\": \"$GPU\"}, \"status\": {\"conditions\": [{\"type\": \"Ready\", \"status\": \"True\"}], \"allocatable\": {\"nvidia.com/gpu\": \"1\", \"rdma/rdma_shared_device\": \"63\"}}}]}\n" |
		sb_on 1 "cat >/etc/kcfg-standin/nodes.json"
'

test_expect_success SANDBOX 'every workload works: exit 0, each check ok, the namespace deleted' '
	all_pass &&
	sb_on 1 "rm -f /var/log/k0s-standin.log /var/log/k0s-standin.applied" &&
	"$KCFG" status -C k0s --smoke >out 2>err &&
	grep -E "^gpu on $GPU +ok +GPU 0: NVIDIA A100-SXM4-40GB" out &&
	grep -E "^rdma on $GPU +ok +an RDMA device and an address on net1$" out &&
	grep -E "^pvc on exascaler-sc-fast +ok +claim pvc-0 Bound" out &&
	grep -E "^pvc on exascaler-sc-large +ok +claim pvc-1 Bound" out &&
	has "^smoke: namespace .kcfg-smoke. deleted, with everything in it$" out &&
	has "^status: ok$" out &&
	# what it did on the controller, in order: apply, wait and read, delete
	sb_on 1 "cat /var/log/k0s-standin.log" >calls &&
	grep -v "^kubectl get " calls >changes &&
	cat >expect <<-\EOF &&
	kubectl apply -f -
	kubectl -n kcfg-smoke get pod gpu-0 -o jsonpath={.status.phase}
	kubectl -n kcfg-smoke get pod gpu-0 -o json
	kubectl -n kcfg-smoke logs gpu-0 --tail=20
	kubectl -n kcfg-smoke get pod rdma -o jsonpath={.status.phase}
	kubectl -n kcfg-smoke get pod rdma -o json
	kubectl -n kcfg-smoke logs rdma --tail=20
	kubectl -n kcfg-smoke get pod pvc-0 -o jsonpath={.status.phase}
	kubectl -n kcfg-smoke get pod pvc-0 -o json
	kubectl -n kcfg-smoke get pvc pvc-0 -o json
	kubectl -n kcfg-smoke get pod pvc-1 -o jsonpath={.status.phase}
	kubectl -n kcfg-smoke get pod pvc-1 -o json
	kubectl -n kcfg-smoke get pvc pvc-1 -o json
	kubectl -n kcfg-smoke get events -o json
	kubectl delete namespace kcfg-smoke --ignore-not-found --wait=true --timeout=120s
	EOF
	test_cmp expect changes &&
	# nothing it made is left
	test "$(sb_on 1 "find /run/k0s-standin/objects -type f | wc -l")" = 0
'

test_expect_success SANDBOX_YAML 'the manifests: its own labelled namespace, the GPU, RDMA and storage requests' '
	sb_on 1 "cat /var/log/k0s-standin.applied" >applied.yaml &&
	python3 - "$GPU" <<-\EOF
	import sys, json, yaml
	gpu = sys.argv[1]
	docs = [d for d in yaml.safe_load_all(open("applied.yaml")) if d]
	kinds = [(d["kind"], d["metadata"]["name"]) for d in docs]
	assert kinds == [("Namespace", "kcfg-smoke"), ("Pod", "gpu-0"),
	    ("NetworkAttachmentDefinition", "rdma-net"), ("Pod", "rdma"),
	    ("PersistentVolumeClaim", "pvc-0"), ("Pod", "pvc-0"),
	    ("PersistentVolumeClaim", "pvc-1"), ("Pod", "pvc-1")], kinds
	for d in docs:
	    assert d["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "kcfg"}, d
	    if d["kind"] != "Namespace":
	        assert d["metadata"]["namespace"] == "kcfg-smoke", d
	by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
	g = by[("Pod", "gpu-0")]["spec"]
	assert g["runtimeClassName"] == "nvidia" and g["restartPolicy"] == "Never", g
	assert g["nodeSelector"] == {"kubernetes.io/hostname": gpu}, g
	c = g["containers"][0]
	assert c["image"] == "nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04", c
	assert c["command"] == ["nvidia-smi", "-L"], c
	assert c["resources"]["limits"] == {"nvidia.com/gpu": "1"}, c
	nad = json.loads(by[("NetworkAttachmentDefinition", "rdma-net")]["spec"]["config"])
	assert nad["type"] == "ipvlan" and nad["master"] == "ens192", nad
	assert nad["ipam"] == {"type": "whereabouts", "range": "10.146.16.0/21"}, nad
	r = by[("Pod", "rdma")]
	assert r["metadata"]["annotations"] == {"k8s.v1.cni.cncf.io/networks": "rdma-net"}, r
	assert r["spec"]["nodeSelector"] == {"kubernetes.io/hostname": gpu}, r
	rc = r["spec"]["containers"][0]
	assert rc["resources"]["limits"] == {"rdma/rdma_shared_device": "1"}, rc
	assert rc["image"] == "docker.io/library/busybox:1.36.1", rc
	assert "IPC_LOCK" in rc["securityContext"]["capabilities"]["add"], rc
	for i, sc in enumerate(["exascaler-sc-fast", "exascaler-sc-large"]):
	    claim = by[("PersistentVolumeClaim", "pvc-%d" % i)]["spec"]
	    assert claim["storageClassName"] == sc, claim
	    p = by[("Pod", "pvc-%d" % i)]["spec"]
	    assert p["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "pvc-%d" % i}}], p
	EOF
'

test_expect_success SANDBOX 'a pod that is never scheduled, a claim not bound, a GPU pod without GPUs: each named, still cleaned up' '
	all_pass &&
	sb_on 1 "rm /etc/kcfg-standin/pods/rdma.json" &&
	pod gpu-0 Succeeded "No devices were found
" &&
	claim pvc-1 Pending &&
	cat >events.json <<-\EOF &&
	{"apiVersion": "v1", "kind": "List", "items": [
	 {"kind": "Event", "involvedObject": {"kind": "Pod", "name": "rdma"}, "reason": "FailedScheduling", "message": "0/1 nodes are available: 1 Insufficient rdma/rdma_shared_device."},
	 {"kind": "Event", "involvedObject": {"kind": "PersistentVolumeClaim", "name": "pvc-1"}, "reason": "ProvisioningFailed", "message": "failed to provision volume: \u001b[31mmount failed\nstatus: ok"}]}
	EOF
	sb_on 1 "cat >/etc/kcfg-standin/events.json" <events.json &&
	test_expect_code 1 "$KCFG" status -C k0s --smoke --wait-timeout 3 >out 2>err &&
	grep -E "^gpu on $GPU +FAILED +pod gpu-0 succeeded but .nvidia-smi -L. listed no GPU: .No devices were found.$" out &&
	grep -E "^rdma on $GPU +FAILED +pod rdma did not succeed in 3 s: phase Pending; events: FailedScheduling: 0/1 nodes are available: 1 Insufficient rdma/rdma_shared_device.$" out &&
	grep -E "^pvc on exascaler-sc-fast +ok " out &&
	# text from the cluster cannot drive the terminal nor fake a line of its own
	grep -E "^pvc on exascaler-sc-large +FAILED +claim pvc-1 is Pending, not Bound; events: ProvisioningFailed: failed to provision volume: .x1b\[31mmount failed status: ok$" out &&
	! grep "^status: ok" out &&
	! grep "$(printf "\033")" out &&
	has "^$(sb_host 1): smoke: error: smoke check rdma on $GPU failed: pod rdma did not succeed" out &&
	has "^  hint: check the network operator.s pods" out &&
	has "^smoke: namespace .kcfg-smoke. deleted" out &&
	has "^status: FAILED$" out &&
	test "$(sb_on 1 "find /run/k0s-standin/objects -type f | wc -l")" = 0 &&
	test_expect_code 1 "$KCFG" status -C k0s --smoke --wait-timeout 3 --json >status.json &&
	"$SRCDIR/tests/tools/check-json-schema" "$SRCDIR/docs/status.schema.json" status.json &&
	python3 -c "
import json
d = json.load(open(\"status.json\"))
s = d[\"smoke\"]
assert s[\"ran\"] is True and s[\"cleaned_up\"] is True and s[\"timeout_s\"] == 3, s
got = [(c[\"name\"], c[\"kind\"], c[\"ok\"]) for c in s[\"checks\"]]
assert got == [(\"gpu on $GPU\", \"gpu\", False), (\"rdma on $GPU\", \"rdma\", False),
    (\"pvc on exascaler-sc-fast\", \"pvc\", True), (\"pvc on exascaler-sc-large\", \"pvc\", False)], got
assert sorted(f[\"component\"] for f in d[\"failures\"]) == [\"smoke\"] * 3, d[\"failures\"]
"
'

test_expect_success SANDBOX 'a namespace that cannot be deleted is a failure saying so' '
	all_pass &&
	echo "Error from server (Forbidden): namespaces \"kcfg-smoke\" is forbidden" |
		sb_on 1 "cat >/etc/kcfg-standin/delete-fails" &&
	test_expect_code 1 "$KCFG" status -C k0s --smoke >out 2>err &&
	has "^smoke: namespace .kcfg-smoke. NOT deleted" out &&
	has "^$(sb_host 1): smoke: error: could not delete namespace .kcfg-smoke. and the smoke workloads in it: Error from server \\(Forbidden\\)" out &&
	has "^  hint: delete it by hand: .k0s kubectl delete namespace kcfg-smoke. on the controller$" out &&
	sb_on 1 "rm /etc/kcfg-standin/delete-fails && rm -rf /run/k0s-standin/objects"
'

test_expect_success SANDBOX 'kubectl apply refused: nothing waited for, a failure with its error' '
	all_pass &&
	echo "error: resource mapping not found for name: \"rdma-net\": no matches for kind \"NetworkAttachmentDefinition\"" |
		sb_on 1 "cat >/etc/kcfg-standin/apply-fails" &&
	test_expect_code 1 "$KCFG" status -C k0s --smoke >out 2>err &&
	has "^$(sb_host 1): smoke: error: cannot create the smoke workloads on .$(sb_host 1). \\(exit 1: error: resource mapping not found" out &&
	! grep "^SMOKE CHECK" out
'

test_expect_success SANDBOX 'nothing to run (no GPU worker, storage off, no range): no namespace made, said so' '
	sed "/^smoke:/,\$d" cluster.yaml >bare.yaml &&
	printf "  gpu_operator: false\n  storage: false\n" >>bare.yaml &&
	sed -n "/^addons:/,/^[a-z]/p" bare.yaml >addons.out &&
	grep "^  storage: false" addons.out &&
	sb_on 1 "rm -f /var/log/k0s-standin.log" &&
	"$KCFG" -c bare.yaml status -C k0s --smoke >out 2>err &&
	has "^smoke: not run: the RDMA pod: smoke.rdma_range is not set; nothing to run \\(no GPU worker, no storage, no RDMA pod\\)$" out &&
	! grep -E "^SMOKE CHECK|namespace .kcfg-smoke." out &&
	has "^status: ok$" out &&
	! sb_on 1 "grep -v \"^kubectl get \" /var/log/k0s-standin.log"
'

test_expect_success SANDBOX 'the API not ready: nothing is created, the one finding is the API' '
	all_pass &&
	sb_on 1 "rm /run/k0s-api-up /var/log/k0s-standin.log" &&
	test_expect_code 1 "$KCFG" status -C k0s --smoke >out 2>err &&
	has "k0s: error: the API server is not ready" out &&
	! grep "smoke" out &&
	! sb_on 1 "grep -v \"^kubectl get \" /var/log/k0s-standin.log" &&
	sb_on 1 "touch /run/k0s-api-up"
'

test_done
