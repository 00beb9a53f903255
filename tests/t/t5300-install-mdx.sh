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
#     iptables, ip forwarding and the bridge off and uses vfs;
#   - Harbor's nine containers (their images come from the internet, and
#     runc cannot create cgroups in a sandbox host: its cgroup v1
#     controllers are read-only): the installer tarball holds
#     tests/standins/harbor-install.sh, which checks harbor.yml and its
#     certificate as prepare would, serves Harbor's health API on 443
#     with kcfg's certificate (openssl s_server) and records the nine
#     containers, which tests/standins/docker answers `docker inspect`
#     for (every other docker call is Debian's real docker).
# Left out: storage (Lustre servers) and RDMA (RoCE addresses), which need
# hardware.
sandbox_start ia 10.250.80 6 --proxy

COMPONENTS=common,harbor,bastion,containerd,k0s,lustre,gpu-operator,network-operator,metallb,monitoring,mpi-operator,spark-operator,exascaler-csi,whereabouts,extras

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
	mkdir -p mirror/harbor-pkg/harbor &&
	cp "$SRCDIR/tests/standins/harbor-install.sh" mirror/harbor-pkg/harbor/install.sh &&
	tar -C mirror/harbor-pkg -czf mirror/harbor-online-installer-v2.15.2.tgz harbor &&
	rm -r mirror/harbor-pkg &&
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

# prints "# WHAT: SECONDS s" since $1 (date +%s.%N): bench/install-mdx.sh reads it
since() { echo "# $2: $(echo "$(date +%s.%N) $1" | awk '{ printf "%.1f", $1 - $2 }') s"; }

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
	  harbor_sha256: $(pin harbor-online-installer-v2.15.2.tgz)
	  mpi_operator_sha256: $(pin mpi-operator-v0.8.0.yaml)
	  whereabouts_daemonset_sha256: $(pin whereabouts-v0.9.4-daemonset-install.yaml)
	  whereabouts_ippools_sha256: $(pin whereabouts-v0.9.4-ippools.yaml)
	  whereabouts_reservations_sha256: $(pin whereabouts-v0.9.4-overlappingrangeipreservations.yaml)
	  whereabouts_reconciler_sha256: $(pin whereabouts-v0.9.4-reconciler-deployment.yaml)
	EOF
	"$KCFG" fetch -C $COMPONENTS --from mirror >out 2>err &&
	test_grep "fetch: 9 files: 9 fetched" out
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
	done &&
	# the registry: docker inspect answers for the containers the installer stands in for
	sb_on 2 "cat >/usr/local/bin/docker && chmod 0755 /usr/local/bin/docker" \
		<"$SRCDIR/tests/standins/docker"
'

test_expect_success SANDBOX 'one apply: every phase in order, each barrier held, from start to end' '
	start=$(date +%s.%N) &&
	"$KCFG" apply -C $COMPONENTS --vault-password-file vault-password.txt --json >apply.json 2>err ||
		{ cat err; false; } &&
	since "$start" "first apply" &&
	python3 - apply.json "$(sb_host 1)" "$(sb_host 2)" "$(sb_host 3)" "$(sb_host 4)" \
		"$(sb_host 5)" "$(sb_host 6)" <<-\EOT
	import json, sys
	d = json.load(open(sys.argv[1]))
	bastion, registry, ctl, *workers = sys.argv[2:]
	everyone = sorted(sys.argv[2:])
	assert d["ok"] is True, d["ok"]
	phases = {p["name"]: p for p in d["phases"]}
	names = [p["name"] for p in d["phases"]]
	assert names == ["facts", "preflight", "hosts", "workers", "nodes", "add-ons",
	                 "add-ons-2", "add-ons-3", "verify"], names
	def barrier(name):
	    b = phases[name]["barrier"]
	    return b and (b["what"], b["state"])
	def hosts(name):
	    return sorted(h["host"] for h in phases[name]["hosts"])
	# the API after the controller, every node after the workers, each
	# add-ons group after its charts
	assert barrier("hosts") == ("the API server is ready", "held"), barrier("hosts")
	assert barrier("workers") == ("every node is Ready", "held"), barrier("workers")
	assert barrier("add-ons") == ("the add-ons the next ones need are deployed", "held")
	assert barrier("add-ons-2") == ("the add-ons the next ones need are deployed", "held")
	assert barrier("add-ons-3") == ("the add-ons are deployed", "held"), barrier("add-ons-3")
	assert barrier("facts") is None and barrier("preflight") is None
	# who took part where: everyone first, the workers join, add-ons on the controller
	assert hosts("facts") == everyone and hosts("preflight") == everyone
	assert hosts("hosts") == everyone, hosts("hosts")
	# the bastion too: its kubeconfig comes from the controller once the API answers
	assert hosts("workers") == sorted(workers + [bastion]), hosts("workers")
	for g in ("add-ons", "add-ons-2", "add-ons-3"):
	    assert hosts(g) == [ctl], (g, hosts(g))
	for p in d["phases"]:
	    for h in p["hosts"]:
	        assert h["state"] == "done", (p["name"], h)
	for h in d["hosts"]:
	    assert h["result"] == "changed" and h["failed"] == 0, h
	EOT
'

test_expect_success SANDBOX 'the values one phase read for the next: join tokens, the admin kubeconfig on the bastion' '
	for i in 4 5 6; do
		sb_on $i "stat -c %a /etc/k0s/worker-token && cat /etc/k0s/worker-token" >token &&
		test "$(head -n 1 token)" = 600 &&
		grep -q "^kcfg-test-token-$(sb_host 3)-" token &&
		sb_on $i "systemctl is-active k0sworker" || return 1
	done &&
	sb_on 1 "stat -c %a /root/.kube/config && cat /root/.kube/config" >kc &&
	test "$(head -n 1 kc)" = 600 &&
	test_grep "    server: https://$(sb_ip 3):6443" kc &&
	# the NVIDIA runtime comes from the GPU operator'"'"'s toolkit (the default):
	# no drop-in of kcfg'"'"'s, the toolkit pointed at k0s'"'"'s containerd
	sb_on 6 "test ! -e /etc/k0s/containerd.d/kcfg-nvidia.toml" &&
	sb_on 3 "grep -A1 RUNTIME_EXECUTABLE_PATH /var/lib/k0s/manifests/gpu-operator/10-chart.yaml" >tk &&
	test_grep "/var/lib/k0s/bin/containerd" tk &&
	# every add-on in its own manifest directory on the controller
	sb_on 3 "ls /var/lib/k0s/manifests" >stacks &&
	for m in gpu-operator network-operator metallb metallb-pool monitoring mpi-operator \
		spark-operator whereabouts; do
		grep -qx "$m" stacks || { echo "no $m in:"; cat stacks; return 1; }
	done &&
	# the Whereabouts workloads run the release'"'"'s image, not "latest"
	sb_on 3 "grep -h image: /var/lib/k0s/manifests/whereabouts/*.yaml" >images &&
	test "$(sort -u images)" = "    image: ghcr.io/k8snetworkplumbingwg/whereabouts:v0.9.4"
'

test_expect_success SANDBOX 'docker on the bastion is Debian'"'"'s own package, installed through the proxy' '
	sb_on 1 "dpkg-query -W -f=\"\\\${Status}\\n\" docker.io" >status &&
	test_grep "install ok installed" status &&
	sb_on 1 "apt-cache policy docker.io" >policy &&
	test_grep "deb.debian.org" policy &&
	sb_on 1 "systemctl is-active docker && id -nG root" >groups &&
	test_grep docker groups
'

test_expect_success SANDBOX 'Harbor: the installer ran once on its files, with Debian'"'"'s docker and compose' '
	sb_on 2 "dpkg-query -W -f=\"\\\${Status}\\n\" docker.io docker-compose" >status &&
	test "$(grep -c "install ok installed" status)" = 2 &&
	sb_on 2 "stat -c %a /opt/harbor/harbor.yml && stat -c %a /opt/harbor/cert/server.key" >modes &&
	test "$(cat modes)" = "600
600" &&
	test "$(sb_on 2 "grep -c install.sh /var/log/harbor-standin.log")" = 1 &&
	sb_on 1 "dpkg-query -W -f=\"\\\${Status}\\n\" curl" >curl.status &&
	test_grep "install ok installed" curl.status
'

test_expect_success SANDBOX 'then plan: zero changes on every host' '
	start=$(date +%s.%N) &&
	"$KCFG" plan -C $COMPONENTS --vault-password-file vault-password.txt \
		--detailed-exitcode >plan 2>err || { cat plan err; false; } &&
	since "$start" "no-change plan" &&
	test_grep "plan: 0 to change on 0 of 6 hosts" plan
'

test_expect_success SANDBOX 'and apply again: nothing changes, no barrier waits' '
	start=$(date +%s.%N) &&
	"$KCFG" apply -C $COMPONENTS --vault-password-file vault-password.txt --json >again.json 2>err ||
		{ cat err; false; } &&
	since "$start" "no-change apply" &&
	python3 - again.json <<-\EOT
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["ok"] is True and d["changes"] == 0, d["changes"]
	for h in d["hosts"]:
	    assert h["result"] == "ok" and h["changed"] == 0, h
	EOT
'

test_expect_success SANDBOX 'then status: the cluster is as kcfg made it (exit 0)' '
	"$KCFG" status -C $COMPONENTS --vault-password-file vault-password.txt --json \
		>status.json 2>err || { cat status.json err; false; } &&
	python3 - status.json <<-\EOT
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["ok"] is True and d["failures"] == [], d
	assert d["nodes_ready"] == 3 and d["gpus_allocatable"] == 8, d
	EOT
	# Harbor was asked, from the bastion, through kcfg'"'"'s CA, and did not run again
	test "$(sb_on 2 "grep -c install.sh /var/log/harbor-standin.log")" = 1
'

test_done
