#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg upgrade on sandbox hosts: refusals first, the controller, then workers in batches, resumed after a failure'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: k0s and the Kubernetes API cannot run here. /usr/local/bin/k0s
# is tests/standins/k0s, one copy per release (its VERSION line): `k0s
# version`, `k0s status -o json` (pkg/component/status/client.go K0sStatus:
# the version of the binary its running unit started), `config validate`,
# `install controller|worker --force`, `backup`, and kubectl's cordon,
# drain (failing as a PodDisruptionBudget makes it fail when the test
# says so), uncordon and the Ready condition, each call logged with its
# time. Real: ssh, sudo, systemd, uploads with sha256, the phases and
# their order. Hosts: 1 the controller, 2-5 workers (two batches of two),
# 6 the bastion and the registry (untouched here).
sandbox_start up 10.250.75 6

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

S=/etc/kcfg-standin

# release VERSION: a stand-in copy for that k0s release in mirror/
release() {
	sed "s/^VERSION=.*/VERSION=$1/" "$SRCDIR/tests/standins/k0s" >"mirror/k0s-$1-amd64" &&
	chmod +x "mirror/k0s-$1-amd64"
}

# kubectl KVERSION and helm: stand-ins in their release file layout on
# the bastion (kcfg uploads and links them, never runs them)
tools() {
	printf '#!/bin/sh\necho "kubectl %s stand-in: $*"\n' "$1" >"mirror/kubectl-$1-linux-amd64" &&
	mkdir -p mirror/helm/linux-amd64 &&
	printf '#!/bin/sh\necho "helm stand-in: $*"\n' >mirror/helm/linux-amd64/helm &&
	chmod +x mirror/helm/linux-amd64/helm &&
	tar -C mirror/helm -czf mirror/helm-v4.2.4-linux-amd64.tar.gz linux-amd64 &&
	rm -r mirror/helm
}

# pin VERSION [KVERSION]: cluster.yaml naming that k0s release and
# kubectl release (default v1.36.4) and their sha256; of the add-ons only
# the Spark operator's chart (a Chart k0s deploys: no download, no hardware)
pin() {
	{
		sb_cluster_yaml &&
		printf "addons:\n  gpu_operator: false\n  network_operator: false\n" &&
		printf "  metallb: false\n  mpi_operator: false\n  spark_operator: true\n" &&
		printf "  storage: false\n  monitoring: false\n" &&
		printf "versions:\n  k0s: %s\n  k0s_sha256: %s\n" "$1" \
			"$(sha256sum "mirror/k0s-$1-amd64" | cut -c1-64)" &&
		printf "  kubectl: %s\n  kubectl_sha256: %s\n" "${2:-v1.36.4}" \
			"$(sha256sum "mirror/kubectl-${2:-v1.36.4}-linux-amd64" | cut -c1-64)" &&
		printf "  helm_sha256: %s\n" \
			"$(sha256sum mirror/helm-v4.2.4-linux-amd64.tar.gz | cut -c1-64)"
	} >cluster.yaml
}

# at HOST EVENT: the time the stand-in on host HOST logged EVENT last
at() {
	sb_on "$1" "grep \" $2\\\$\" /var/log/k0s-standin.times | tail -n 1" | cut -d" " -f1
}
before() { awk -v a="$1" -v b="$2" "BEGIN { exit !(a != \"\" && b != \"\" && a < b) }"; }

test_expect_success SANDBOX 'set up: a controller and four workers at v1.36.4+k0s.1' '
	{
		echo "[all:vars]"
		echo "ansible_user=root"
		echo "ansible_ssh_private_key_file=$SB_KEY"
		echo "ansible_ssh_common_args=-oUserKnownHostsFile=$SB_KNOWN"
		echo "[bastion_host]"
		echo "$(sb_host 6) ansible_host=$(sb_ip 6)"
		echo "[registry]"
		echo "$(sb_host 6)"
		echo "[kube_master]"
		echo "$(sb_host 1) ansible_host=$(sb_ip 1)"
		echo "[kube_node]"
		for i in 2 3 4 5; do echo "$(sb_host $i) ansible_host=$(sb_ip $i)"; done
	} >inventory.ini &&
	mkdir mirror &&
	release v1.36.4+k0s.1 && release v1.36.3+k0s.0 && release v1.37.1+k0s.0 &&
	release v1.38.0+k0s.0 &&
	tools v1.36.4 && tools v1.37.1 &&
	pin v1.36.4+k0s.1 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	sb_on 1 "mkdir -p $S && printf \"%s True\n\" $(sb_host 2) $(sb_host 3) $(sb_host 4) $(sb_host 5) >$S/nodes" &&
	# the charts kcfg writes are reported deployed (the add-ons after k0s)
	sb_on 1 ": >$S/charts-deploy" &&
	"$KCFG" apply -C k0s >out 2>err &&
	for i in 1 2 3 4 5; do
		test "$(sb_on $i "/usr/local/bin/k0s version")" = v1.36.4+k0s.1 || exit 1
	done
'

test_expect_success SANDBOX 'a downgrade and a skipped minor are refused before any host is touched' '
	for i in 1 2 3 4 5; do sb_on $i ": >/var/log/k0s-standin.log"; done &&
	pin v1.36.3+k0s.0 && "$KCFG" fetch -C k0s --from mirror >out &&
	test_expect_code 1 "$KCFG" upgrade >out 2>err &&
	test_grep "error: nothing was changed: '"'"'$(sb_host 1)'"'"' runs k0s v1.36.4+k0s.1, newer than versions.k0s v1.36.3+k0s.0: kcfg does not downgrade" err &&
	test_grep "upgrade: REFUSED" out &&
	pin v1.38.0+k0s.0 v1.37.1 && "$KCFG" fetch -C k0s --from mirror >out &&
	test_expect_code 1 "$KCFG" upgrade >out 2>err &&
	test_grep "runs k0s v1.36.4+k0s.1: v1.38.0+k0s.0 skips a minor version (k0s'"'"'s skew policy: one minor at a time)" err &&
	# only the versions were read
	for i in 1 2 3 4 5; do
		sb_on $i "grep -v -x -e version -e \"status -o json\" /var/log/k0s-standin.log" && exit 1
		sb_on $i "! test -e /var/lib/kcfg/upgrade/k0s-v1.38.0+k0s.0" || exit 1
	done
'

test_expect_success SANDBOX 'an add-on that cannot be worked out stops the upgrade before any host changes' '
	pin v1.37.1+k0s.0 v1.37.1 && "$KCFG" fetch -C k0s,bastion --from mirror >out &&
	# monitoring wants a Grafana password from the vault, which has none
	sed "s/monitoring: false/monitoring: true/" cluster.yaml >c.yaml && mv c.yaml cluster.yaml &&
	test_expect_code 1 "$KCFG" upgrade >out 2>err &&
	test_grep "error: '"'"'grafana_password'"'"' is not set in the vault, but '"'"'addons.monitoring'"'"' is on" err &&
	for i in 1 2 3 4 5; do
		sb_on $i "grep -v -x -e version -e \"status -o json\" /var/log/k0s-standin.log" && exit 1
		sb_on $i "! test -e /var/lib/kcfg/upgrade/k0s-v1.37.1+k0s.0" || exit 1
	done &&
	sb_on 6 "! test -e /usr/local/bin/kubectl"
'

test_expect_success SANDBOX '--dry-run says what would be done and changes nothing' '
	tools v1.35.0 && pin v1.37.1+k0s.0 v1.35.0 &&
	test_expect_code 65 "$KCFG" upgrade --dry-run >out 2>err &&
	test_grep "error: versions.kubectl v1.35.0 is more than one minor version from the Kubernetes of k0s v1.37.1+k0s.0" err &&
	pin v1.37.1+k0s.0 v1.37.1 && "$KCFG" fetch -C k0s,bastion --from mirror >out &&
	"$KCFG" upgrade --dry-run >out 2>err &&
	test_must_fail grep -q "^then kubectl" out &&
	test_grep "upgrade: dry run, nothing was changed" out &&
	grep -E "^$(sb_host 1) +controller +v1.36.4\+k0s.1 +- +would upgrade$" out &&
	test "$(sb_on 1 "/usr/local/bin/k0s version")" = v1.36.4+k0s.1
'

test_expect_success SANDBOX 'apply does not swap the binary of an installed k0s: preflight names kcfg upgrade' '
	test_expect_code 1 "$KCFG" apply -C k0s >out 2>err &&
	test_grep "k0s v1.36.4+k0s.1 is installed here, and versions.k0s is v1.37.1+k0s.0: apply does not replace an installed k0s" err &&
	test_grep "upgrade with '"'"'kcfg upgrade'"'"'" err &&
	test "$(sb_on 2 "/usr/local/bin/k0s version")" = v1.36.4+k0s.1
'

test_expect_success SANDBOX 'a drain that fails: the node uncordoned, its batch and the next untouched' '
	sb_on 1 "touch $S/drain-fails" &&
	test_expect_code 1 "$KCFG" upgrade --max-unavailable 2 --no-backup >out 2>err &&
	test_grep "error: draining node '"'"'$(sb_host 2)'"'"' failed: error when evicting pods/\"web-0\"" err &&
	test_grep "'"'"'$(sb_host 2)'"'"' was uncordoned again, and no later batch was touched" err &&
	# the controller went first and is done; no worker was touched
	test "$(sb_on 1 "/usr/local/bin/k0s version")" = v1.37.1+k0s.0 &&
	before "$(at 1 "install controller --force --config /etc/k0s/k0s.yaml")" \
		"$(at 1 "kubectl cordon $(sb_host 2)")" &&
	sb_on 1 "! test -e $S/cordoned/$(sb_host 2) && ! test -e /var/lib/kcfg/upgrade/cordoned/$(sb_host 2)" &&
	for i in 2 3 4 5; do
		test "$(sb_on $i "/usr/local/bin/k0s version")" = v1.36.4+k0s.1 || exit 1
		sb_on $i "! grep -q \"install worker\" /var/log/k0s-standin.log" || exit 1
	done &&
	sb_on 1 "! grep -q \"kubectl cordon $(sb_host 4)\" /var/log/k0s-standin.log"
'

test_expect_success SANDBOX 'a worker lost and one failing mid-upgrade: both reported, left cordoned by kcfg, the next batch untouched' '
	sb_on 1 "rm -f $S/drain-fails" &&
	sb_on 2 "mkdir -p $S && : >$S/install-loses-host" &&
	sb_on 3 "mkdir -p $S && echo \"the disk is full\" >$S/install-fails" &&
	test_expect_code 1 "$KCFG" upgrade --max-unavailable 2 --no-backup >out 2>err &&
	test_grep "Error: the disk is full" err &&
	test_grep "error: connection to '"'"'$(sb_host 2)'"'"' lost during a step" err &&
	for i in 2 3; do
		test_grep "warning: '"'"'$(sb_host $i)'"'"' stays cordoned by this upgrade; '"'"'kcfg upgrade'"'"' again uncordons it once it is Ready" err &&
		sb_on 1 "test -e $S/cordoned/$(sb_host $i) && test -e /var/lib/kcfg/upgrade/cordoned/$(sb_host $i)" || exit 1
	done &&
	sb_on 2 "! test -e $S/install-loses-host" &&
	sb_on 4 "! grep -q \"install worker --force\" /var/log/k0s-standin.log"
'

test_expect_success SANDBOX 'run again: it completes, cordon-drain-stop-install-uncordon per node, batch after batch' '
	sb_on 3 "rm -f $S/install-fails" &&
	for i in 1 2 3 4 5; do sb_on $i ": >/var/log/k0s-standin.times"; done &&
	"$KCFG" upgrade --max-unavailable 2 >out 2>err &&
	test_grep "upgrade: done" out &&
	test_grep "backup first: k0s_backup_" out &&
	# then kubectl (at its new pin) and helm on the bastion, the add-on charts
	test_grep "then kubectl and helm on the bastion, the add-ons: " out &&
	sb_on 6 "cat /usr/local/bin/kubectl" >kubectl.got &&
	test_cmp mirror/kubectl-v1.37.1-linux-amd64 kubectl.got &&
	sb_on 6 "test -x /usr/local/bin/helm" &&
	sb_on 1 "ls /var/lib/k0s/manifests/*/*.yaml" >charts &&
	test_grep spark charts &&
	log=$(ls -t .kcfg/logs/*-upgrade*.log | head -n 1) &&
	test_grep "waiting until the add-ons are deployed" "$log" &&
	for i in 1 2 3 4 5; do
		test "$(sb_on $i "/usr/local/bin/k0s version")" = v1.37.1+k0s.0 || exit 1
		sb_on $i "/usr/local/bin/k0s status -o json" | grep -q "\"Version\": \"v1.37.1+k0s.0\"" || exit 1
	done &&
	# no node left cordoned, no marker left
	sb_on 1 "! ls $S/cordoned/* 2>/dev/null && ! ls /var/lib/kcfg/upgrade/cordoned/* 2>/dev/null" &&
	# the controller was at the version already: not reinstalled
	! sb_on 1 "grep -q \"install controller\" /var/log/k0s-standin.times" &&
	# each worker in order (hosts 2 and 3 again: the last run lost one, the other failed)
	for i in 2 3 4 5; do
		n=$(sb_host $i) &&
		c=$(at 1 "kubectl cordon $n") && d=$(at 1 "kubectl drain $n --ignore-daemonsets --delete-emptydir-data --grace-period=30 --timeout=600s") &&
		s=$(at $i "unit k0sworker stopped") &&
		# the last run stopped hosts 2 and 3 before their install: no stop now
		if [ $i -le 3 ]; then test -z "$s" && s=$d; else before "$d" "$s"; fi &&
		w=$(at $i "install worker --force --token-file /etc/k0s/worker-token.*") &&
		u=$(at 1 "kubectl uncordon $n") &&
		before "$c" "$d" && before "$d" "$w" && before "$s" "$w" && before "$w" "$u" ||
			{ echo "order of $n: $c $d $s $w $u"; exit 1; }
	done &&
	# batch 2 starts after batch 1 is back
	before "$(at 1 "kubectl uncordon $(sb_host 3)")" "$(at 1 "kubectl cordon $(sb_host 4)")" &&
	before "$(at 1 "kubectl uncordon $(sb_host 3)")" "$(at 1 "kubectl cordon $(sb_host 5)")"
'

test_expect_success SANDBOX 'a third run has nothing to do' '
	"$KCFG" upgrade --json >out.json 2>err &&
	test_grep "\"format\": \"kcfg-upgrade\"" out.json &&
	test_grep "\"ok\": true" out.json &&
	! grep "\"state\": \"upgraded\"" out.json &&
	"$KCFG" upgrade >out 2>err &&
	test_grep "upgrade: every host runs k0s v1.37.1+k0s.0 already" out &&
	test_grep "then kubectl and helm on the bastion, the add-ons: 0 changed on 0 hosts" out
'

test_done
