#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='the whole first install in the mdx shape on sandbox hosts: one apply in phase order, then no changes, then status'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# The mdx example's shape (examples/mdx): a bastion, a registry, a
# controller, two CPU workers and a GPU worker (kube_gpu), with every
# default component that runs up to a stand-in boundary here. Real:
# OpenSSH, systemd, apt with Debian's own packages through the sandbox's
# proxy (docker.io on the bastion), sha256 pins, uploads, the phases,
# barriers and values of apply. Stand-ins (docs/development.md,
# "Boundaries"), pinned by this test's own cluster.yaml and served by
# `kcfg fetch --from DIR`:
#   - k0s and the Kubernetes API behind it: tests/standins/k0s (nodes from
#     /etc/kcfg-standin/nodes.json, every Chart kcfg writes reported as
#     deployed: k0s chart_types.go, extensions_controller.go);
#   - kubectl and helm on the bastion: small scripts in their release
#     file layout (kcfg uploads and links them, never runs them);
#   - the MPI operator and Whereabouts manifests: small YAML files
#     (k0s applies them; the stand-in does not read them);
#   - the NVIDIA driver on the GPU worker: tests/standins/nvidia-smi with
#     recorded real `nvidia-smi -L` output, and its procfs version file
#     on a tmpfs over /proc/driver (procfs cannot be written);
#   - docker in a sandbox host: dockerd cannot set up its bridge
#     (/proc/sys/net is read-only, nf_tables refuses the container) nor
#     overlayfs on the host's overlay, so /etc/docker/daemon.json turns
#     iptables, ip forwarding and the bridge off and uses vfs.
# Left out: Harbor (-C without harbor): its nine containers cannot run in
# a sandbox host (runc cannot create cgroups: the host's cgroup v1
# controllers are read-only), so neither the installer's result nor the
# bastion's health check of it can be shown here; storage (Lustre
# servers) and RDMA (RoCE addresses), which need hardware.
sandbox_start ia 10.250.80 6 --proxy

COMPONENTS=common,bastion,containerd,k0s,lustre,gpu-operator,network-operator,metallb,monitoring,mpi-operator,spark-operator,exascaler-csi,whereabouts,extras

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

# the stand-in release files, by their cache names (downloads.c)
mk_mirror() {
	mkdir -p mirror/helm/linux-amd64 &&
	cp "$SRCDIR/tests/standins/k0s" mirror/k0s-v1.36.4+k0s.1-amd64 &&
	printf '#!/bin/sh\necho "kubectl stand-in: $*"\n' >mirror/kubectl-v1.36.4-linux-amd64 &&
	printf '#!/bin/sh\necho "helm stand-in: $*"\n' >mirror/helm/linux-amd64/helm &&
	chmod +x mirror/helm/linux-amd64/helm &&
	tar -C mirror/helm -czf mirror/helm-v4.2.4-linux-amd64.tar.gz linux-amd64 &&
	rm -r mirror/helm &&
	manifest mpi-operator-v0.8.0.yaml Deployment mpi-operator &&
	manifest whereabouts-v0.9.4-ippools.yaml CustomResourceDefinition ippools.whereabouts.cni.cncf.io &&
	manifest whereabouts-v0.9.4-overlappingrangeipreservations.yaml CustomResourceDefinition \
		overlappingrangeipreservations.whereabouts.cni.cncf.io &&
	manifest whereabouts-v0.9.4-daemonset-install.yaml DaemonSet whereabouts &&
	manifest whereabouts-v0.9.4-reconciler-deployment.yaml Deployment whereabouts-controller
}

# a one-object manifest named $1: kind $2, name $3; the Whereabouts
# workloads name their image at "latest", as upstream's do
manifest() {
	{
		echo "# kcfg test stand-in for $1"
		echo "apiVersion: v1"
		echo "kind: $2"
		echo "metadata:"
		echo "  name: $3"
		case $1 in whereabouts-*-daemonset-*|whereabouts-*-reconciler-*)
			echo "spec:"
			echo "  containers:"
			echo "  - name: whereabouts"
			echo "    image: ghcr.io/k8snetworkplumbingwg/whereabouts:latest" ;;
		esac
	} >"mirror/$1"
}

pin() { sha256sum "mirror/$1" | cut -c1-64; }

test_expect_success SANDBOX 'set up: the mdx inventory, a vault, cluster.yaml pinning the stand-ins' '
	cat >inventory.ini <<-EOF &&
	[all:vars]
	ansible_user=root
	ansible_ssh_private_key_file=$SB_KEY
	ansible_ssh_common_args=-oUserKnownHostsFile=$SB_KNOWN
	[bastion_host]
	$(sb_host 1) ansible_host=$(sb_ip 1)
	[registry]
	$(sb_host 2) ansible_host=$(sb_ip 2)
	[kube_master]
	$(sb_host 3) ansible_host=$(sb_ip 3)
	[kube_node]
	$(sb_host 4) ansible_host=$(sb_ip 4)
	$(sb_host 5) ansible_host=$(sb_ip 5)
	[kube_gpu]
	$(sb_host 6) ansible_host=$(sb_ip 6)
	[kube_worker:children]
	kube_node
	kube_gpu
	[kube_cluster:children]
	kube_master
	kube_worker
	EOF
	cp "$SRCDIR/examples/mdx/vault.yaml" "$SRCDIR/examples/mdx/vault-password.txt" . &&
	mk_mirror &&
	cat >cluster.yaml <<-EOF &&
	cluster:
	  ansible_user: root
	  rdma: false
	  apt_cache_max_age: 3600
	addons:
	  storage: false
	metallb:
	  addresses:
	    - $SANDBOX_NET.200-$SANDBOX_NET.210
	preflight:
	  registry_disk: 1G
	  worker_disk: 1G
	versions:
	  k0s_sha256: $(pin k0s-v1.36.4+k0s.1-amd64)
	  kubectl_sha256: $(pin kubectl-v1.36.4-linux-amd64)
	  helm_sha256: $(pin helm-v4.2.4-linux-amd64.tar.gz)
	  mpi_operator_sha256: $(pin mpi-operator-v0.8.0.yaml)
	  whereabouts_daemonset_sha256: $(pin whereabouts-v0.9.4-daemonset-install.yaml)
	  whereabouts_ippools_sha256: $(pin whereabouts-v0.9.4-ippools.yaml)
	  whereabouts_reservations_sha256: $(pin whereabouts-v0.9.4-overlappingrangeipreservations.yaml)
	  whereabouts_reconciler_sha256: $(pin whereabouts-v0.9.4-reconciler-deployment.yaml)
	EOF
	"$KCFG" fetch -C $COMPONENTS --from mirror >out 2>err &&
	test_grep "fetch: 8 files: 8 fetched" out
'

test_expect_success SANDBOX 'set up: the stand-ins on the hosts (the cluster the API reports, the GPU driver, docker'"'"'s settings)' '
	# the controller: the nodes the workers become, each Chart deployed, the MetalLB pool
	python3 - "$(sb_host 4)" "$(sb_host 5)" "$(sb_host 6)" >nodes.json <<-\EOT &&
	import json, sys
	def node(name, gpus):
	    alloc = {"cpu": "2", "memory": "4Gi", "pods": "110"}
	    if gpus:
	        alloc["nvidia.com/gpu"] = str(gpus)
	    return {"apiVersion": "v1", "kind": "Node",
	            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
	            "status": {"conditions": [{"type": "Ready", "status": "True",
	                                       "reason": "KubeletReady",
	                                       "message": "kubelet is posting ready status"}],
	                       "allocatable": alloc,
	                       "nodeInfo": {"kubeletVersion": "v1.36.4+k0s"}}}
	print(json.dumps({"apiVersion": "v1", "kind": "List",
	                  "items": [node(sys.argv[1], 0), node(sys.argv[2], 0), node(sys.argv[3], 8)]}))
	EOT
	echo "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"metallb.io/v1beta1\", \"kind\": \"IPAddressPool\", \"metadata\": {\"name\": \"default\", \"namespace\": \"metallb-system\"}, \"spec\": {\"addresses\": [\"$SANDBOX_NET.200-$SANDBOX_NET.210\"]}}]}" >pools.json &&
	sb_on 3 "mkdir -p /etc/kcfg-standin && touch /etc/kcfg-standin/charts-deploy" &&
	sb_on 3 "cat >/etc/kcfg-standin/nodes.json" <nodes.json &&
	sb_on 3 "cat >/etc/kcfg-standin/ipaddresspools.json" <pools.json &&
	# the GPU worker: nvidia-smi and the driver version file
	sb_on 6 "cat >/usr/local/bin/nvidia-smi && chmod +x /usr/local/bin/nvidia-smi" \
		<"$SRCDIR/tests/standins/nvidia-smi" &&
	sb_on 6 "mkdir -p /etc/kcfg-standin && cat >/etc/kcfg-standin/nvidia-smi-L" \
		<"$TEST_DATA/preflight/nvidia-smi-L.dgx-a100-mig.txt" &&
	sb_on 6 "mount -t tmpfs -o size=64k kcfg-standin /proc/driver && mkdir /proc/driver/nvidia &&
		cat >/proc/driver/nvidia/version" <"$TEST_DATA/preflight/proc-driver-nvidia-version.515" &&
	# docker in a sandbox host: no bridge, no iptables, vfs
	for i in 1 2; do
		sb_on $i "mkdir -p /etc/docker && echo \"{\\\"iptables\\\": false, \\\"ip-forward\\\": false, \\\"bridge\\\": \\\"none\\\", \\\"storage-driver\\\": \\\"vfs\\\"}\" >/etc/docker/daemon.json" || return 1
	done
'

test_expect_success SANDBOX 'one apply: every phase in order, each barrier held, from start to end' '
	start=$(date +%s) &&
	"$KCFG" apply -C $COMPONENTS --vault-password-file vault-password.txt --json >apply.json 2>err ||
		{ cat err; false; } &&
	echo "# first apply: $(($(date +%s) - start)) s" &&
	python3 - apply.json <<-\EOT
	import json, sys
	d = json.load(open(sys.argv[1]))
	names = [p["name"] for p in d["phases"]]
	assert names == ["facts", "preflight", "hosts", "workers", "nodes", "add-ons",
	                 "add-ons-2", "add-ons-3", "verify"], names
	barriers = {p["name"]: (p["barrier"] or {}).get("state") for p in d["phases"]}
	assert barriers["hosts"] == "held" and barriers["workers"] == "held", barriers
	for h in d["hosts"]:
	    assert h["result"] in ("changed", "ok") and h["failed"] == 0, h
	EOT
'

test_done
