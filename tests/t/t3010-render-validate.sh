#!/bin/sh
test_description='render: every output of every node shape and k0s line passes the real checkers'
. "$(dirname "$0")/../test-lib.sh"

# The boundary: these checkers prove the files are what k0s, containerd,
# Kubernetes and the CRDs accept; no k0s binary or API server runs here.
V=$SRCDIR/tests/tools/validate-all
python3 -c 'import yaml, tomllib' 2>/dev/null &&
	command -v node >/dev/null 2>&1 &&
	[ -d "$SRCDIR/tests/tools/node_modules/kubernetes-models" ] &&
	command -v containerd >/dev/null 2>&1 &&
	command -v yamllint >/dev/null 2>&1 && test_set_prereq VALIDATORS

cp -r "$SRCDIR/examples/mdx" mdx && rm -rf mdx/.kcfg
# the hosts provide NVIDIA's toolkit: kcfg's NVIDIA drop-in is rendered and checked too
printf "gpu_operator:\n  toolkit: false\n" >>mdx/cluster.yaml
render() {
	"$KCFG" -i mdx/inventory.ini -c "$1" render --facts "$2" \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt -o "$3"
}

test_expect_success VALIDATORS 'the mdx example (2-socket, GPU and VM shapes, k0s 1.36) is valid' '
	render mdx/cluster.yaml mdx/facts out 2>err &&
	"$V" --cert-host harbor.internal --cert-ip 10.18.20.11 out >log 2>&1 &&
	test_grep "all valid" log &&
	test_grep "version = 3" out/kube-gpu1/etc/k0s/containerd.d/kcfg-nvidia.toml
'

test_expect_success VALIDATORS 'the k0s 1.35 line gets version 2 drop-ins that containerd loads' '
	cp mdx/cluster.yaml c135.yaml &&
	cat >>c135.yaml <<-\EOT &&
	versions:
	  k0s: v1.35.7+k0s.0
	  k0s_sha256: 0000000000000000000000000000000000000000000000000000000000000000
	EOT
	render c135.yaml mdx/facts out135 2>err &&
	test_grep "version = 2" out135/kube-gpu1/etc/k0s/containerd.d/kcfg-nvidia.toml &&
	test_grep "io.containerd.grpc.v1.cri" out135/kube-gpu1/etc/k0s/containerd.d/kcfg-registry.toml &&
	"$V" --k0s-version 1.35.7 --cert-host harbor.internal --cert-ip 10.18.20.11 out135 >log 2>&1 &&
	test_grep "all valid" log
'

test_expect_success VALIDATORS 'workers shaped like 1-socket VMs get a one-node profile, and stay valid' '
	mkdir vmfacts && cp mdx/facts/*.json vmfacts/ &&
	for h in kube-node1 kube-node2 kube-gpu1 kube-gpu2; do
		sed "s/\"kube-master\"/\"$h\"/" mdx/facts/kube-master.json >vmfacts/$h.json || exit 1
	done &&
	render mdx/cluster.yaml vmfacts outvm 2>err &&
	test_grep "name: numa-1100mi" outvm/kube-master/etc/k0s/k0s.yaml &&
	! grep -q "numaNode: 1" outvm/kube-master/etc/k0s/k0s.yaml &&
	"$V" --cert-host harbor.internal --cert-ip 10.18.20.11 outvm >log 2>&1 &&
	test_grep "all valid" log
'

test_expect_success 'a worker too small for its reservation stops the render with the numbers' '
	mkdir tiny && cp mdx/facts/*.json tiny/ &&
	python3 - tiny/kube-node1.json <<-\EOT &&
	import json, sys
	f = json.load(open(sys.argv[1]))
	f["memory_bytes"] = 1 << 30
	f["numa_nodes"] = [{"id": 0, "cpus": "0-75", "memory_bytes": 1 << 30}]
	json.dump(f, open(sys.argv[1], "w"), indent=2)
	EOT
	test_expect_code 1 render mdx/cluster.yaml tiny outtiny 2>err &&
	test_grep "host '"'"'kube-node1'"'"' is too small for its memory reservation" err &&
	test_grep "= 1100 MiB, but its NUMA nodes have 1024 MiB" err &&
	! test -e outtiny
'

test_done
