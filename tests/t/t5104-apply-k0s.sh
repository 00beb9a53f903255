#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg apply of k0s on sandbox hosts: controller first, then the workers join with its token'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: the real k0s binary cannot be downloaded here, and a real
# control plane does not run in these containers. The k0s that kcfg
# fetches and uploads is tests/standins/k0s, which does what kcfg relies
# on as upstream defines it (it says where): `install` writes the systemd
# unit, the controller's service marks the API up, `kubectl get
# --raw=/readyz` and `token create` answer only then, `kubectl get nodes`
# lists the nodes the test names, and the worker's `install` checks the
# token file it was given. Everything up to that binary is real: fetch,
# sha256 pins, uploads, sessions, systemd, the phases of apply, their
# barriers and the values one phase reads for the next.
sandbox_start eg 10.250.67 4

cp "$SRCDIR/tests/standins/k0s" k0s-standin

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'set up: inventory, the stand-in fetched into the cache by its pin' '
	sb_inventory 4 &&
	sb_cluster_yaml >cluster.yaml &&
	printf "versions:\n  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)" >>cluster.yaml &&
	mkdir mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	test_grep "fetch: 1 file: 1 fetched" out
'

test_expect_success SANDBOX 'apply installs the controller, waits for its API, then joins the worker with a token from it' '
	sb_on 3 "mkdir -p /etc/kcfg-standin && echo $(sb_host 4) True >/etc/kcfg-standin/nodes" &&
	"$KCFG" apply -C k0s >out 2>err &&
	grep -E "^$(sb_host 3) +changed +[0-9]+ +[0-9]+ +0 " out &&
	grep -E "^$(sb_host 4) +changed +[0-9]+ +[0-9]+ +0 " out &&
	sb_on 3 "systemctl is-active k0scontroller" &&
	sb_on 4 "systemctl is-active k0sworker" &&
	sb_on 3 "grep -v ^kubectl /var/log/k0s-standin.log" >ctl.log &&
	cat >expect <<-\EOF &&
	install controller --config /etc/k0s/k0s.yaml
	token create --role=worker --expiry=1h
	EOF
	test_cmp expect ctl.log &&
	# the API was asked whether it is ready, and every node whether it is
	sb_on 3 "cat /var/log/k0s-standin.log" >all.log &&
	test_grep "kubectl get --raw=/readyz" all.log &&
	test_grep "kubectl get nodes -o json" all.log &&
	sb_on 4 "cat /var/log/k0s-standin.log" >worker.log &&
	grep -q "^install worker --token-file /etc/k0s/worker-token --profile numa-" worker.log &&
	token=$(sb_on 4 "cat /etc/k0s/worker-token") &&
	case "$token" in kcfg-test-token-$(sb_host 3)-*) ;; *) false ;; esac &&
	# the token is a secret: not in kcfg output or logs
	test_must_fail grep -rq "$token" out err .kcfg/logs
'

test_expect_success SANDBOX 'a second apply changes nothing and asks for no token' '
	"$KCFG" plan -C k0s --detailed-exitcode >out &&
	"$KCFG" apply -C k0s >out 2>err &&
	grep -E "^$(sb_host 4) +ok +0 " out &&
	test $(sb_on 3 "grep -c \"^token create\" /var/log/k0s-standin.log") -eq 1
'

test_expect_success SANDBOX 'a worker whose controller cannot give a token fails with the reason' '
	sb_on 4 "systemctl disable --now k0sworker && rm /etc/systemd/system/k0sworker.service" &&
	sb_on 3 "echo token store unavailable >/etc/kcfg-standin/token-fails" &&
	test_expect_code 1 "$KCFG" apply -C k0s >out 2>err &&
	grep -E "^$(sb_host 3) +ok " out &&
	grep -E "^$(sb_host 4) +failed " out &&
	test_grep "error: on '"'"'$(sb_host 4)'"'"', cannot read the worker join token on '"'"'$(sb_host 3)'"'"': step '"'"'k0s-worker-token'"'"' on '"'"'$(sb_host 3)'"'"' failed with exit status 1: Error: token store unavailable" err &&
	test_grep "hint: check that k0s runs on the controller (systemctl status k0scontroller)" err
'

test_expect_success SANDBOX 'an API that does not answer stops the run before the workers, naming why' '
	sb_on 3 "rm -f /etc/kcfg-standin/token-fails /run/k0s-api-up" &&
	test_expect_code 1 "$KCFG" apply -C k0s --wait-timeout 3 >out 2>err &&
	test_grep "error: gave up after 3 s waiting until the API server is ready (checked on '"'"'$(sb_host 3)'"'"'): it answers '"'"'The connection to the server localhost:6443 was refused" err &&
	test_grep "hint: see '"'"'journalctl -u k0scontroller'"'"' on the controller" err &&
	grep -E "^$(sb_host 4) +stopped " out &&
	sb_on 4 "test ! -e /etc/systemd/system/k0sworker.service"
'

test_expect_success SANDBOX 'once the controller answers again, the next apply joins the worker' '
	sb_on 3 "touch /run/k0s-api-up" &&
	"$KCFG" apply -C k0s >out 2>err &&
	grep -E "^$(sb_host 4) +changed " out &&
	sb_on 4 "systemctl is-active k0sworker"
'

# The kubelet's state files and its stops and starts, as the worker sees
# them: a drop-in (kept when `install worker --force` writes the unit
# again) lists /var/lib/k0s/kubelet when the kubelet stops and starts.
cat >kubelet-states.conf <<\EOF
[Service]
ExecStartPre=/bin/sh -c 'echo start $$(ls /var/lib/k0s/kubelet) >>/var/log/kubelet-states'
ExecStopPost=/bin/sh -c 'echo stop $$(ls /var/lib/k0s/kubelet) >>/var/log/kubelet-states'
EOF

test_expect_success SANDBOX 'a changed CPU manager policy reaches the joined worker: kubelet stopped, state files removed, started again' '
	sb_on 4 "mkdir -p /etc/systemd/system/k0sworker.service.d /var/lib/k0s/kubelet &&
		cat >/etc/systemd/system/k0sworker.service.d/states.conf" <kubelet-states.conf &&
	sb_on 4 "echo {} >/var/lib/k0s/kubelet/cpu_manager_state &&
		echo {} >/var/lib/k0s/kubelet/memory_manager_state && touch /var/lib/k0s/kubelet/pods &&
		systemctl daemon-reload && systemctl restart k0sworker && rm -f /var/log/kubelet-states" &&
	cp cluster.yaml numa.yaml &&
	printf "kubelet:\n  cpu_manager_policy: none\n" >>numa.yaml &&
	"$KCFG" -c numa.yaml plan -C k0s >plan 2>err &&
	test_grep "  ! run '"'"'systemctl stop k0sworker && /usr/local/bin/k0s install worker --token-...'"'"' [k0s]" plan &&
	grep -A3 "^$(sb_host 3):" plan | grep -q "file /etc/k0s/k0s.yaml" &&
	tokens=$(sb_on 3 "grep -c \"^token create\" /var/log/k0s-standin.log") &&
	"$KCFG" -c numa.yaml apply -C k0s >out 2>err &&
	sb_on 4 "cat /var/log/kubelet-states" >states &&
	printf "stop cpu_manager_state memory_manager_state pods\nstart pods\n" >expect &&
	test_cmp expect states &&
	sb_on 4 "tail -n 1 /var/log/k0s-standin.log" >last &&
	grep -q "^install worker --token-file /etc/k0s/worker-token --profile numa-[0-9a-z-]* --force\$" last &&
	sb_on 4 "systemctl is-active k0sworker" &&
	sb_on 3 "grep -c \"cpuManagerPolicy: none\" /etc/k0s/k0s.yaml" &&
	# done once: the next plan has nothing to change, and no token was asked for
	"$KCFG" -c numa.yaml plan -C k0s --detailed-exitcode >out &&
	test $(sb_on 3 "grep -c \"^token create\" /var/log/k0s-standin.log") -eq $tokens
'

test_expect_success SANDBOX 'kubeconfig: the admin kubeconfig, its server the controller'"'"'s front address' '
	"$KCFG" kubeconfig >kc 2>err &&
	test_grep "    server: https://$(sb_ip 3):6443" kc &&
	test_grep "    client-key-data: a2NmZy10ZXN0LWFkbWluLWtleQ==" kc &&
	test_must_fail grep -q localhost kc &&
	test ! -s err
'

test_expect_success SANDBOX 'kubeconfig --local -o FILE: 127.0.0.1, mode 0600, and the tunnel through the bastion' '
	"$KCFG" kubeconfig --local -o local.kc >out 2>err &&
	test ! -s out &&
	test "$(stat -c %a local.kc)" = 600 &&
	test_grep "    server: https://127.0.0.1:6443" local.kc &&
	test_grep "  ssh -N -L 6443:$(sb_ip 3):6443 root@$(sb_ip 1)" err &&
	# (the cache holds the stand-in, which has the key in its text)
	test_must_fail grep -rq --exclude-dir=cache a2NmZy10ZXN0LWFkbWluLWtleQ .kcfg
'

test_expect_success SANDBOX 'an Exascaler StorageClass gets its project id from the first worker in the same apply' '
	# a stand-in lfs on the worker (no Lustre servers here: the boundary is
	# lfs-project(1), which prints "PROJID P DIR"), and a stand-in driver manifest
	printf "#!/bin/sh\necho \"\$*\" >>/var/log/lfs-standin.log\necho \"4242 P \$3\"\n" >lfs-standin &&
	sb_on 4 "cat >/usr/local/bin/lfs && chmod +x /usr/local/bin/lfs" <lfs-standin &&
	printf "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: exascaler-csi-node\n" \
		>mirror/exascaler-csi-file-driver-v2.9.0.yaml &&
	cp cluster.yaml storage.yaml &&
	cat >>storage.yaml <<-EOF &&
	  exascaler_csi_sha256: $(sha256sum mirror/exascaler-csi-file-driver-v2.9.0.yaml | cut -c1-64)
	storage:
	  filesystems:
	    - storage_class: exascaler-sc-fast
	      default: true
	      exa_fs: 172.17.8.40@o2ib10:/fast
	      mount_point: /fast
	EOF
	"$KCFG" -c storage.yaml fetch -C exascaler-csi --from mirror >out &&
	# what k0s makes of the manifest, for the verify phase that ends apply
	echo "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": \"storage.k8s.io/v1\", \"kind\": \"StorageClass\", \"metadata\": {\"name\": \"exascaler-sc-fast\", \"annotations\": {\"storageclass.kubernetes.io/is-default-class\": \"true\"}}}]}" >sc.json &&
	sb_on 3 "cat >/etc/kcfg-standin/storageclasses.json" <sc.json &&
	"$KCFG" -c storage.yaml apply -C exascaler-csi >out 2>err &&
	sb_on 3 "cat /var/lib/k0s/manifests/exascaler/30-storageclasses.yaml" >classes &&
	test_grep "projectId: '"'"'4242'"'"'" classes &&
	test "$(sb_on 4 "cat /var/log/lfs-standin.log")" = "project -d /fast" &&
	# a second apply reads it again, finds the file as it should be
	"$KCFG" -c storage.yaml plan -C exascaler-csi --detailed-exitcode >out 2>err
'

# The Chart the stand-in reports as deployed (k0s chart_types.go:
# status.version = spec.version, status.valuesHash = sha256 of
# spec.releaseName followed by spec.values), made from the file kcfg wrote.
deployed_chart() {
	python3 - "$1" <<-\PY
	import hashlib, json, sys, yaml
	c = yaml.safe_load(open(sys.argv[1]))
	sp = c["spec"]
	h = hashlib.sha256((sp["releaseName"] + sp.get("values", "")).encode()).hexdigest()
	print(json.dumps({"apiVersion": "v1", "kind": "List", "items": [{
	    "metadata": c["metadata"], "spec": sp,
	    "status": {"version": sp["version"], "valuesHash": h}}]}))
	PY
}
test_have_prereq SANDBOX && python3 -c "import yaml" 2>/dev/null && test_set_prereq SANDBOX_PYYAML

test_expect_success SANDBOX_PYYAML 'the network operator is applied only once the GPU operator chart is deployed' '
	sb_on 3 "rm -f /etc/kcfg-standin/charts.json" &&
	test_expect_code 1 "$KCFG" apply -C gpu-operator,network-operator --wait-timeout 3 \
		>out 2>err &&
	test_grep "the add-ons the next ones need are deployed" err &&
	test_grep "chart '"'"'kcfg-gpu-operator'"'"' is not there yet" err &&
	sb_on 3 "test -f /var/lib/k0s/manifests/gpu-operator/10-chart.yaml" &&
	sb_on 3 "test ! -e /var/lib/k0s/manifests/network-operator" &&
	# the GPU operator chart deployed: the network operator goes on
	sb_on 3 "cat /var/lib/k0s/manifests/gpu-operator/10-chart.yaml" >gpu-chart.yaml &&
	deployed_chart gpu-chart.yaml >charts.json &&
	sb_on 3 "cat >/etc/kcfg-standin/charts.json" <charts.json &&
	test_expect_code 1 "$KCFG" apply -C gpu-operator,network-operator --wait-timeout 3 \
		>out 2>err &&
	sb_on 3 "test -f /var/lib/k0s/manifests/network-operator/10-chart.yaml" &&
	test_grep "chart '"'"'kcfg-network-operator'"'"' is not there yet" err &&
	test_must_fail grep -q "kcfg-gpu-operator" err
'

test_done
