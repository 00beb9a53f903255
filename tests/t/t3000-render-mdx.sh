#!/bin/sh
test_description='render: the mdx example, determinism, secrets, certificates'
. "$(dirname "$0")/../test-lib.sh"

MDX=$SRCDIR/examples/mdx
# a private copy: render keeps its PKI in .kcfg beside the inventory
cp -r "$MDX" mdx && rm -rf mdx/.kcfg
render() {
	"$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml render --facts mdx/facts \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt "$@"
}

test_expect_success 'the mdx example renders every host' '
	render -o out 2>err &&
	test_grep "for 7 hosts into out" err &&
	for h in bastion harbor kube-master kube-node1 kube-node2 kube-gpu1 kube-gpu2; do
		test -f out/$h/etc/hosts && test -f out/$h/RESOURCES || exit 1
	done &&
	test -f out/kube-master/etc/k0s/k0s.yaml &&
	# the GPU operator'"'"'s toolkit (the default) writes the NVIDIA runtime: kcfg does not
	! test -e out/kube-gpu1/etc/k0s/containerd.d/kcfg-nvidia.toml &&
	grep -q "^containerd absent:/etc/k0s/containerd.d/kcfg-nvidia.toml " out/kube-gpu1/RESOURCES &&
	! test -e out/kube-node1/etc/k0s/containerd.d/kcfg-nvidia.toml
	# gpu_operator.toolkit false: the host'"'"'s runtime in a drop-in on GPU workers only
	cp mdx/cluster.yaml host-toolkit.yaml &&
	printf "gpu_operator:\n  toolkit: false\n" >>host-toolkit.yaml &&
	"$KCFG" -i mdx/inventory.ini -c host-toolkit.yaml render --facts mdx/facts \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt \
		-o out-ht --component containerd 2>err &&
	test_grep "BinaryName = \"/usr/bin/nvidia-container-runtime\"" \
		out-ht/kube-gpu1/etc/k0s/containerd.d/kcfg-nvidia.toml &&
	test_grep "default_runtime_name = \"nvidia\"" out-ht/kube-gpu2/etc/k0s/containerd.d/kcfg-nvidia.toml &&
	! test -e out-ht/kube-node1/etc/k0s/containerd.d/kcfg-nvidia.toml &&
	! test -e out-ht/kube-master/etc/k0s/containerd.d/kcfg-nvidia.toml
'

test_expect_success 'node-labels: the profile of every worker and mig_config of the GPU workers, from the controller' '
	cp mdx/inventory.ini mig.ini &&
	sed -i "s/^kube-gpu2 .*/& mig_config=all-3g.20gb/" mig.ini &&
	printf "[kube_gpu:vars]\nmig_config=all-1g.10gb\n" >>mig.ini &&
	"$KCFG" -i mig.ini -c mdx/cluster.yaml render --facts mdx/facts \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt \
		-o out-labels --component node-labels 2>err &&
	(cd out-labels && ls) >hosts &&
	echo kube-master >expect &&
	test_cmp expect hosts &&
	sed -n "s/^node-labels command://p" out-labels/kube-master/RESOURCES >got &&
	cat >expect <<-\EOT &&
	/usr/local/bin/k0s kubectl label node '"'"'kube-node1'"'"' '"'"'k0s.k0sproject.io/worker-profile=numa-550mi-550mi'"'"' --overwrite
	/usr/local/bin/k0s kubectl label node '"'"'kube-node2'"'"' '"'"'k0s.k0sproject.io/worker-profile=numa-550mi-550mi'"'"' --overwrite
	/usr/local/bin/k0s kubectl label node '"'"'kube-gpu1'"'"' '"'"'k0s.k0sproject.io/worker-profile=numa-550mi-550mi'"'"' --overwrite
	/usr/local/bin/k0s kubectl label node '"'"'kube-gpu1'"'"' '"'"'nvidia.com/mig.config=all-1g.10gb'"'"' --overwrite
	/usr/local/bin/k0s kubectl label node '"'"'kube-gpu2'"'"' '"'"'k0s.k0sproject.io/worker-profile=numa-550mi-550mi'"'"' --overwrite
	/usr/local/bin/k0s kubectl label node '"'"'kube-gpu2'"'"' '"'"'nvidia.com/mig.config=all-3g.20gb'"'"' --overwrite
	EOT
	test_cmp expect got &&
	test_grep "unless: /usr/local/bin/k0s kubectl get node '"'"'kube-gpu2'"'"' -o '"'"'jsonpath={.metadata.labels}'"'"' | grep -qF -- '"'"'\"nvidia.com/mig.config\":\"all-3g.20gb\"'"'"'" \
		out-labels/kube-master/RESOURCES
'

test_expect_success 'rendering twice gives identical bytes (and reuses the PKI)' '
	cp mdx/.kcfg/pki/ca.crt ca.before &&
	render -o out2 2>err &&
	diff -r out out2 &&
	test_cmp ca.before mdx/.kcfg/pki/ca.crt
'

test_expect_success 'changing one setting changes only the files that depend on it' '
	cp mdx/cluster.yaml cluster.orig &&
	sed -i "s/10.18.20.200-10.18.20.210/10.18.20.220-10.18.20.230/" mdx/cluster.yaml &&
	render -o out3 2>err &&
	cp cluster.orig mdx/cluster.yaml &&
	diff -rq out out3 >changed || true &&
	cat >expect <<-\EOT &&
	Files out/kube-master/var/lib/k0s/manifests/metallb-pool/10-pool.yaml and out3/kube-master/var/lib/k0s/manifests/metallb-pool/10-pool.yaml differ
	EOT
	test_cmp expect changed
'

test_expect_success 'the k0s profile follows the NUMA shape: 550Mi on each of two nodes' '
	grep -A30 "workerProfiles" out/kube-master/etc/k0s/k0s.yaml >profiles &&
	test_grep "name: numa-550mi-550mi" profiles &&
	test $(grep -c "memory: 550Mi" profiles) = 2 &&
	test_grep "install worker --token-file /etc/k0s/worker-token --profile numa-550mi-550mi" out/kube-node1/RESOURCES
'

test_expect_success 'secrets appear only where they must, in 0600 files' '
	for s in "Harbor: admin #1" "db-p@ss word" "grafana-example-pw"; do
		grep -rlF -- "$s" out | sort >>holders || true
	done &&
	sort -u holders >holders.u &&
	cat >expect <<-\EOT &&
	out/harbor/opt/harbor/harbor.yml
	out/kube-master/var/lib/k0s/manifests/monitoring/10-grafana-admin.yaml
	EOT
	test_cmp expect holders.u &&
	for f in $(cat holders.u) out/harbor/opt/harbor/cert/server.key; do
		test "$(stat -c %a "$f")" = 600 || { echo "$f is $(stat -c %a "$f")"; exit 1; }
	done &&
	! grep -rl "PRIVATE KEY" out | grep -v "^out/harbor/opt/harbor/cert/server.key$"
'

test_expect_success 'the registry certificate verifies for its names and address' '
	d=out/harbor/opt/harbor/cert &&
	openssl verify -CAfile $d/ca.crt -verify_hostname harbor.internal $d/server.crt &&
	openssl verify -CAfile $d/ca.crt -verify_hostname harbor $d/server.crt &&
	openssl verify -CAfile $d/ca.crt -verify_ip 10.18.20.11 $d/server.crt &&
	test_must_fail openssl verify -CAfile $d/ca.crt -verify_hostname evil.internal $d/server.crt &&
	test_must_fail openssl verify -CAfile $d/ca.crt -verify_ip 10.18.20.12 $d/server.crt &&
	test_cmp $d/ca.crt out/kube-node1/etc/k0s/containerd.d/certs.d/harbor.internal/ca.crt
'

test_expect_success 'the CA key is kept encrypted at rest' '
	grep -q "BEGIN ENCRYPTED PRIVATE KEY" mdx/.kcfg/pki/ca.key &&
	! grep -q "BEGIN PRIVATE KEY" mdx/.kcfg/pki/ca.key mdx/.kcfg/pki/server.key
'

test_expect_success '--host and --component limit the render' '
	render -o one --host kube-gpu1 --component containerd 2>err &&
	(cd one && find . -type f ! -name .kcfg-render | sort) >files &&
	cat >expect <<-\EOT &&
	./kube-gpu1/RESOURCES
	./kube-gpu1/etc/k0s/containerd.d/certs.d/harbor.internal/ca.crt
	./kube-gpu1/etc/k0s/containerd.d/certs.d/harbor.internal/hosts.toml
	./kube-gpu1/etc/k0s/containerd.d/kcfg-registry.toml
	EOT
	test_cmp expect files &&
	test_expect_code 1 render -o x --host nosuch 2>err &&
	test_grep "no host '"'"'nosuch'"'"' in the inventory" err &&
	test_expect_code 1 render -o x --component nosuch 2>err &&
	test_grep "no component '"'"'nosuch'"'"'" err
'

test_expect_success 'render refuses to replace a directory it did not make' '
	mkdir mine && echo keep >mine/notes &&
	test_expect_code 1 render -o mine 2>err &&
	test_grep "exists and was not made by kcfg render" err &&
	test_cmp mine/notes - <<-\EOT
	keep
	EOT
'

test_expect_success 'missing facts name every host that lacks them' '
	mkdir facts2 && cp mdx/facts/bastion.json facts2/ &&
	test_expect_code 65 "$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml render --facts facts2 \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt -o x 2>err &&
	test_grep "error: no facts in '"'"'facts2'"'"' for '"'"'harbor'"'"', '"'"'kube-master'"'"'" err
'

test_expect_success 'a wrong vault password fails without writing anything' '
	echo wrong >wrong.txt &&
	test_expect_code 1 "$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml render --facts mdx/facts \
		--vault mdx/vault.yaml --vault-password-file wrong.txt -o nothing 2>err &&
	test_grep "decryption failed" err &&
	! test -e nothing
'

test_done
