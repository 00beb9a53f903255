#!/bin/sh
test_description='render: the add-ons k0s installs from the controller (charts, manifests, storage classes)'
. "$(dirname "$0")/../test-lib.sh"

command -v yamllint >/dev/null 2>&1 &&
	python3 -c 'import yaml' 2>/dev/null &&
	command -v node >/dev/null 2>&1 &&
	[ -d "$SRCDIR/tests/tools/node_modules/kubernetes-models" ] && test_set_prereq VALIDATORS

MDX=$SRCDIR/examples/mdx
# a private copy: render keeps its PKI in .kcfg beside the inventory
cp -r "$MDX" mdx && rm -rf mdx/.kcfg
render() {
	"$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml render --facts mdx/facts \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt "$@"
}
M=var/lib/k0s/manifests

test_expect_success 'each add-on writes its own stack, on the controller only' '
	for c in gpu-operator network-operator metallb monitoring mpi-operator \
		spark-operator whereabouts exascaler-csi; do
		render -o out-$c --component $c 2>err &&
		(cd out-$c && find . -type f ! -name .kcfg-render | LC_ALL=C sort) >>files || exit 1
	done &&
	cat >expect <<-EOT &&
	./kube-master/RESOURCES
	./kube-master/$M/gpu-operator/10-chart.yaml
	./kube-master/RESOURCES
	./kube-master/$M/network-operator-policy/10-nicclusterpolicy.yaml
	./kube-master/$M/network-operator/10-chart.yaml
	./kube-master/RESOURCES
	./kube-master/$M/metallb-pool/10-pool.yaml
	./kube-master/$M/metallb/10-chart.yaml
	./kube-master/RESOURCES
	./kube-master/$M/monitoring/00-namespace.yaml
	./kube-master/$M/monitoring/10-grafana-admin.yaml
	./kube-master/$M/monitoring/20-chart.yaml
	./kube-master/RESOURCES
	./kube-master/RESOURCES
	./kube-master/$M/spark-operator/10-chart.yaml
	./kube-master/RESOURCES
	./kube-master/RESOURCES
	./kube-master/$M/exascaler/00-namespace.yaml
	./kube-master/$M/exascaler/10-config.yaml
	./kube-master/var/lib/kcfg/exascaler/k0s-driver.awk
	EOT
	test_cmp expect files &&
	grep -Fqx "mpi-operator upload:/$M/mpi-operator/10-mpi-operator.yaml sha256=b38def13a94abe60b2a4b3485239d77f64892b8fbd202e9e435a6031b7500a8f" \
		out-mpi-operator/kube-master/RESOURCES &&
	grep -Fqx "exascaler-csi upload:/var/lib/kcfg/exascaler/exascaler-csi-file-driver-v2.9.0.yaml sha256=17239796fd42d67fb27e7e71604084524bed5d230e63c08af7b37232c8b3cbbb" \
		out-exascaler-csi/kube-master/RESOURCES &&
	# the StorageClasses wait for the project ids only a worker tells: not rendered
	test_grep "30-storageclasses.yaml mode=0644 pending (waits for the Lustre project id of /fast)" \
		out-exascaler-csi/kube-master/RESOURCES &&
	test_grep "1 file waits for values only the hosts can tell" err
'

test_expect_success 'with the project ids in cluster.yaml the StorageClasses render whole' '
	"$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml config show >ids.yaml &&
	sed -i "/exa_fs: .*\/fast\$/,/project_id/ s/project_id: .*/project_id: \"100010\"/;
		/exa_fs: .*\/large\$/,/project_id/ s/project_id: .*/project_id: \"100011\"/" ids.yaml &&
	test_grep "project_id: \"100011\"" ids.yaml &&
	"$KCFG" -i mdx/inventory.ini -c ids.yaml render --facts mdx/facts --vault mdx/vault.yaml \
		--vault-password-file mdx/vault-password.txt -o out-ids --component exascaler-csi 2>err &&
	test_grep "projectId: '"'"'100010'"'"'" out-ids/kube-master/$M/exascaler/30-storageclasses.yaml &&
	test_grep "projectId: '"'"'100011'"'"'" out-ids/kube-master/$M/exascaler/30-storageclasses.yaml &&
	test_must_fail grep -q pending out-ids/kube-master/RESOURCES
'

test_expect_success 'the whole mdx render holds every add-on; only the Grafana Secret is private' '
	render -o out 2>err &&
	(cd out/kube-master/$M && ls) >stacks &&
	cat >expect <<-\EOT &&
	exascaler
	gpu-operator
	metallb
	metallb-pool
	monitoring
	network-operator
	network-operator-policy
	spark-operator
	EOT
	test_cmp expect stacks &&
	(cd out/kube-master/$M && find . -type f -perm 600) >private &&
	echo ./monitoring/10-grafana-admin.yaml >expect &&
	test_cmp expect private &&
	grep -Fqx "monitoring file:/$M/monitoring/10-grafana-admin.yaml mode=0600 secret" \
		out/kube-master/RESOURCES &&
	for f in $(find out/kube-master/$M -type f); do
		head -n 1 "$f" | grep -q "^# Written by kcfg" || { echo "$f"; exit 1; }
	done
'

test_expect_success VALIDATORS 'every rendered add-on manifest passes the validators' '
	"$SRCDIR/tests/tools/validate-all" out/kube-master/$M >val.out 2>&1 ||
		{ cat val.out; exit 1; }
'

test_expect_success 'the Chart objects name their repositories and pinned versions' '
	test_grep "chartName: gpu-operator/gpu-operator" out/kube-master/$M/gpu-operator/10-chart.yaml &&
	test_grep "url: https://helm.ngc.nvidia.com/nvidia" out/kube-master/$M/gpu-operator/10-chart.yaml &&
	test_grep "version: v26.7.0" out/kube-master/$M/gpu-operator/10-chart.yaml &&
	test_grep "version: network-operator-v26.4.2" \
		out/kube-master/$M/network-operator-policy/10-nicclusterpolicy.yaml &&
	test_grep "existingSecret: grafana-admin" out/kube-master/$M/monitoring/20-chart.yaml &&
	! grep -r "grafana-example-pw" out/kube-master/$M/monitoring/20-chart.yaml
'

test_expect_success 'add-ons turned off leave no files and remove their stacks' '
	cat >mdx/off.yaml <<-\EOT &&
	addons: {gpu_operator: false, network_operator: false, metallb: false,
	  monitoring: false, mpi_operator: false, spark_operator: false, storage: false}
	EOT
	"$KCFG" -i mdx/inventory.ini -c mdx/off.yaml render --facts mdx/facts \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt \
		-o off --host kube-master 2>err &&
	! test -e off/kube-master/var/lib &&
	grep " absent:" off/kube-master/RESOURCES | sed "s/  */ /" >absent &&
	cat >expect <<-EOT &&
	gpu-operator absent:/$M/gpu-operator
	network-operator absent:/$M/network-operator
	network-operator absent:/$M/network-operator-policy
	whereabouts absent:/$M/whereabouts
	whereabouts absent:/var/lib/kcfg/whereabouts
	metallb absent:/$M/metallb
	metallb absent:/$M/metallb-pool
	monitoring absent:/$M/monitoring
	mpi-operator absent:/$M/mpi-operator
	spark-operator absent:/$M/spark-operator
	exascaler-csi absent:/$M/exascaler
	exascaler-csi absent:/var/lib/kcfg/exascaler
	EOT
	test_cmp expect absent
'

test_expect_success 'MetalLB on without addresses stops the render and says how to fix it' '
	echo "addons: {storage: true}" >mdx/noaddr.yaml &&
	test_expect_code 1 "$KCFG" -i mdx/inventory.ini -c mdx/noaddr.yaml render \
		--facts mdx/facts --vault mdx/vault.yaml \
		--vault-password-file mdx/vault-password.txt -o noaddr 2>err &&
	cat >expect <<-\EOT &&
	error: '"'"'metallb.addresses'"'"' is empty, but '"'"'addons.metallb'"'"' is on: set it in cluster.yaml to a range like 10.18.20.200-10.18.20.210, or turn '"'"'addons.metallb'"'"' off
	EOT
	grep "^error:" err >errors &&
	test_cmp expect errors &&
	! test -e noaddr
'

test_expect_success 'monitoring needs the Grafana password from the vault' '
	mkdir nopw && cp mdx/inventory.ini mdx/cluster.yaml nopw/ &&
	printf "harbor_admin_password: a\nharbor_db_password: b\n" >nopw/vault.yaml &&
	echo pw >nopw/pwfile &&
	test_expect_code 1 "$KCFG" -i nopw/inventory.ini -c nopw/cluster.yaml render \
		--facts mdx/facts --vault nopw/vault.yaml --vault-password-file nopw/pwfile \
		--component monitoring -o x 2>err &&
	test_grep "error: '"'"'grafana_password'"'"' is not set in the vault, but '"'"'addons.monitoring'"'"' is on" err
'

# The exascaler driver command, run here against the release's own
# manifest (tests/data/addons, copied from the pinned tag), with the
# host's directories moved under this test's directory.
DRIVER=$SRCDIR/tests/data/addons/exascaler-csi-file-driver-v2.9.0.yaml
test_expect_success 'the pinned sha256 is the one of the release tag'"'"'s driver manifest' '
	"$KCFG" config show >shown &&
	grep -qx "  exascaler_csi: v2.9.0" shown &&
	grep -qx "  exascaler_csi_sha256: $(sha256sum "$DRIVER" | cut -c1-64)" shown
'

test_expect_success 'the driver command makes a namespaced manifest with k0s kubelet paths' '
	mkdir -p host/kcfg host/manifests &&
	cp "$DRIVER" host/kcfg/exascaler-csi-file-driver-v2.9.0.yaml &&
	cp out/kube-master/var/lib/kcfg/exascaler/k0s-driver.awk host/kcfg/ &&
	here=$(pwd) &&
	grep -A2 "^exascaler-csi command:" out/kube-master/RESOURCES >cmd.txt &&
	sed -n "s/^    run: //p" cmd.txt >run.sh &&
	sed -n "s/^    unless: //p" cmd.txt >unless.sh &&
	test $(wc -l <run.sh) = 1 && test $(wc -l <unless.sh) = 1 &&
	sed -i -e "s|/var/lib/kcfg/exascaler|$here/host/kcfg|g" \
		-e "s|/var/lib/k0s/manifests|$here/host/manifests|g" run.sh unless.sh &&
	test_must_fail sh unless.sh 2>/dev/null &&
	sh run.sh &&
	sh unless.sh &&
	d=host/manifests/exascaler/20-driver.yaml &&
	head -n 1 $d >first &&
	echo "# Written by kcfg from exa-csi-driver v2.9.0 for namespace exascaler (transform 1)" >expect &&
	test_cmp expect first &&
	! grep -n "/var/lib/kubelet" $d &&
	! grep -n "namespace: default" $d &&
	# the ServiceAccounts, Role, RoleBinding, Service, Deployment, DaemonSet
	test $(grep -c "^  namespace: exascaler\$" $d) = 7 &&
	# the RoleBinding and ClusterRoleBindings subjects
	test $(grep -c "^    namespace: exascaler\$" $d) = 4 &&
	test_grep "path: /var/lib/k0s/kubelet/plugins/exa.csi.ddn.com" $d &&
	test_grep "image: quay.io/ddn/exascaler-csi-file-driver:v2.9.0" $d &&
	! test -e host/kcfg/driver.yaml
'

test_expect_success VALIDATORS 'the made driver manifest passes the validators' '
	"$SRCDIR/tests/tools/validate-all" host/manifests/exascaler/20-driver.yaml >val.out 2>&1 ||
		{ cat val.out; exit 1; }
'

test_expect_success 'a manifest without the DaemonSet leaves the stack without a driver manifest' '
	rm -rf host/manifests/exascaler &&
	echo "kind: Namespace" >host/kcfg/exascaler-csi-file-driver-v2.9.0.yaml &&
	test_must_fail sh run.sh 2>/dev/null &&
	! test -e host/manifests/exascaler/20-driver.yaml
'

# Whereabouts: upstream's manifests at the pinned tag (tests/data/addons).
WA=$SRCDIR/tests/data/addons/whereabouts-v0.9.4
test_expect_success 'whereabouts: the CRDs go into its stack as released, each with its pin' '
	"$KCFG" config show >shown &&
	grep -qx "  whereabouts: v0.9.4" shown &&
	for f in daemonset:daemonset-install ippools:whereabouts.cni.cncf.io_ippools \
		reservations:whereabouts.cni.cncf.io_overlappingrangeipreservations \
		reconciler:reconciler-deployment; do
		grep -qx "  whereabouts_${f%%:*}_sha256: $(sha256sum "$WA/${f#*:}.yaml" | cut -c1-64)" \
			shown || { echo "the ${f%%:*} pin is not the sha256 of ${f#*:}.yaml"; exit 1; }
	done &&
	R=out-whereabouts/kube-master/RESOURCES &&
	grep -Fqx "whereabouts upload:/$M/whereabouts/00-ippools-crd.yaml sha256=$(sha256sum "$WA/whereabouts.cni.cncf.io_ippools.yaml" | cut -c1-64)" $R &&
	grep -Fqx "whereabouts upload:/$M/whereabouts/01-reservations-crd.yaml sha256=$(sha256sum "$WA/whereabouts.cni.cncf.io_overlappingrangeipreservations.yaml" | cut -c1-64)" $R &&
	grep -Fqx "whereabouts upload:/var/lib/kcfg/whereabouts/whereabouts-v0.9.4-daemonset-install.yaml sha256=$(sha256sum "$WA/daemonset-install.yaml" | cut -c1-64)" $R &&
	grep -Fqx "whereabouts upload:/var/lib/kcfg/whereabouts/whereabouts-v0.9.4-reconciler-deployment.yaml sha256=$(sha256sum "$WA/reconciler-deployment.yaml" | cut -c1-64)" $R
'

test_expect_success 'whereabouts: the command writes the DaemonSet and reconciler with the release image' '
	mkdir -p wa/kcfg wa/manifests &&
	cp "$WA/daemonset-install.yaml" wa/kcfg/whereabouts-v0.9.4-daemonset-install.yaml &&
	cp "$WA/reconciler-deployment.yaml" wa/kcfg/whereabouts-v0.9.4-reconciler-deployment.yaml &&
	here=$(pwd) &&
	grep -A2 "^whereabouts command:" out-whereabouts/kube-master/RESOURCES >wcmd.txt &&
	sed -n "s/^    run: //p" wcmd.txt >wrun.sh &&
	sed -n "s/^    unless: //p" wcmd.txt >wunless.sh &&
	test $(wc -l <wrun.sh) = 1 && test $(wc -l <wunless.sh) = 1 &&
	sed -i -e "s|/var/lib/kcfg/whereabouts|$here/wa/kcfg|g" \
		-e "s|/var/lib/k0s/manifests|$here/wa/manifests|g" wrun.sh wunless.sh &&
	test_must_fail sh wunless.sh 2>/dev/null &&
	sh wrun.sh &&
	sh wunless.sh &&
	d=wa/manifests/whereabouts &&
	for f in 10-daemonset.yaml 20-reconciler.yaml; do
		head -n 1 $d/$f | grep -qx "# Written by kcfg from whereabouts v0.9.4 with image ghcr.io/k8snetworkplumbingwg/whereabouts:v0.9.4 (transform 1)" &&
		! grep -n ":latest" $d/$f &&
		test_grep "image: ghcr.io/k8snetworkplumbingwg/whereabouts:v0.9.4" $d/$f || exit 1
	done &&
	# nothing else changed: upstream file = made file less its first line, image put back
	tail -n +2 $d/10-daemonset.yaml | sed "s/whereabouts:v0.9.4/whereabouts:latest/" >back &&
	test_cmp "$WA/daemonset-install.yaml" back &&
	tail -n +2 $d/20-reconciler.yaml | sed "s/whereabouts:v0.9.4/whereabouts:latest/" >back &&
	test_cmp "$WA/reconciler-deployment.yaml" back &&
	test_grep "  namespace: kube-system" $d/10-daemonset.yaml &&
	test_grep "path: /opt/cni/bin" $d/10-daemonset.yaml &&
	test_grep "path: /etc/cni/net.d" $d/10-daemonset.yaml
'

test_expect_success VALIDATORS 'whereabouts: the made manifests pass the validators' '
	"$SRCDIR/tests/tools/validate-all" wa/manifests/whereabouts >val.out 2>&1 ||
		{ cat val.out; exit 1; }
'

test_expect_success 'whereabouts: a manifest whose image is not the one expected is not put in the stack' '
	rm -rf wa/manifests/whereabouts &&
	sed "s|whereabouts:latest|whereabouts:latest # moved|" "$WA/daemonset-install.yaml" \
		>wa/kcfg/whereabouts-v0.9.4-daemonset-install.yaml &&
	test_must_fail sh wrun.sh 2>/dev/null &&
	! test -e wa/manifests/whereabouts
'

test_expect_success 'whereabouts: off with network_operator.whereabouts false or the network operator off' '
	for off in "network_operator: {whereabouts: false}" "addons: {network_operator: false}"; do
		printf "%s\nmetallb: {addresses: [10.0.0.1/32]}\n" "$off" >mdx/wa-off.yaml &&
		"$KCFG" -i mdx/inventory.ini -c mdx/wa-off.yaml render --facts mdx/facts \
			--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt \
			-o wa-off --component whereabouts 2>err &&
		grep " absent:" wa-off/kube-master/RESOURCES | sed "s/  */ /" >absent &&
		printf "whereabouts absent:/%s/whereabouts\nwhereabouts absent:/var/lib/kcfg/whereabouts\n" \
			"$M" >expect &&
		test_cmp expect absent &&
		! grep -q upload wa-off/kube-master/RESOURCES &&
		"$KCFG" -i mdx/inventory.ini -c mdx/wa-off.yaml fetch --list -C whereabouts >list &&
		! test -s list || exit 1
	done
'

test_done
