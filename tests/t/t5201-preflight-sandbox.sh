#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg preflight on sandbox hosts: every problem of every host at once, exit codes 0/1/2, --json, apply stopped before any change'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: sandbox hosts share this machine's kernel, so they have no
# NVIDIA GPU or driver (/proc/driver/nvidia cannot be faked), no RDMA
# device, no Lustre client, no k0s binary, and their clock is this
# machine's. Stand-ins on PATH answer as the real programs do
# (tests/standins: k0s sysinfo as k0s's cliReporter prints it,
# nvidia-smi -L with recorded real output, date +%s off by a set offset);
# everything else preflight reads is real: sshd, sudo, ss, df, modinfo,
# /etc/os-release, /etc/machine-id, listening sockets.
sandbox_start pf 10.250.70 4

SCHEMA=$SRCDIR/docs/preflight.schema.json
python3 -c 'import jsonschema' 2>/dev/null && test_have_prereq SANDBOX && test_set_prereq SANDBOX_JSON

# A TCP listener whose process name (comm) is its file name.
cat >listener <<'EOF_L'
#!/usr/bin/perl
use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1) or die "$!";
sleep;
EOF_L

# listen I NAME PORT: on host I, a process called NAME listens on PORT
listen_on() {
	sb_on "$1" "mkdir -p /usr/local/lib/kcfg-test && cat >/usr/local/lib/kcfg-test/$2 && chmod +x /usr/local/lib/kcfg-test/$2 && systemd-run -q --unit=kcfg-test-$3 /usr/local/lib/kcfg-test/$2 $3" <listener &&
	for t in 1 2 3 4 5 6 7 8 9 10; do
		sb_on "$1" "ss -Hltn sport = :$3" | grep -q LISTEN && return 0
		sleep 0.3
	done
	return 1
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'set up: four hosts, sizes these hosts have, no add-on that needs hardware' '
	sb_inventory 4 &&
	cat >ready.yaml <<-\EOF &&
	cluster:
	  rdma: false
	preflight:
	  registry_disk: 1G
	  worker_disk: 1G
	addons:
	  storage: false
	extras:
	  - group: kube_master
	    files:
	      - path: /etc/kcfg-preflight-test
	        content: "applied\n"
	EOF
	cp ready.yaml cluster.yaml
'

test_expect_success SANDBOX 'ready hosts: every host ready, exit 0' '
	"$KCFG" preflight >out 2>err &&
	grep -qx "preflight: 4 hosts ready" out &&
	test_must_fail grep -q blocking out
'

test_expect_success SANDBOX 'ports held by the cluster'"'"'s own services are not a problem' '
	listen_on 3 k0s 6443 &&
	listen_on 4 kubelet 10250 &&
	"$KCFG" preflight -C k0s >out 2>err &&
	grep -qx "preflight: 4 hosts ready" out
'

test_expect_success SANDBOX 'a k0s sysinfo warning only: exit 2, the warning named' '
	sb_on 3 "cat >/usr/local/bin/k0s && chmod +x /usr/local/bin/k0s && mkdir -p /etc/kcfg-standin && echo \"AppArmor: unavailable: not enforced\" >/etc/kcfg-standin/sysinfo-warnings" <"$SRCDIR/tests/standins/k0s" &&
	test_expect_code 2 "$KCFG" preflight >out 2>err &&
	grep -E "^$(sb_host 3) +k0s +warning +k0s sysinfo warns: AppArmor: unavailable \(warning: not enforced\)$" out &&
	grep -qx "preflight: 0 blocking problems, 1 warning on 1 of 4 hosts" out
'

test_expect_success SANDBOX 'a broken cluster: every problem of every host at once, exit 1' '
	sed -i "s/^\($(sb_host 1) .*\)/\1 ansible_user=nosudo/; s/^\($(sb_host 4) .*\)/\1 roce_host=10.99.0.14 roce_netif=rocex/" inventory.ini &&
	sed -i "s/^\[kube_node\]$/[kube_gpu]/" inventory.ini &&
	cat >cluster.yaml <<-\EOF &&
	cluster:
	  rdma: true
	preflight:
	  registry_disk: 1G
	  worker_disk: 100Ti
	  min_cpus:
	    worker: 64
	EOF
	# host 2: an old release, host 4'"'"'s machine-id, a squatter on 443
	sb_on 2 "printf \"ID=ubuntu\nVERSION_ID=18.04\nPRETTY_NAME=\\\"Ubuntu 18.04.6 LTS\\\"\n\" >/etc/os-release" &&
	sb_on 4 "cat /etc/machine-id" >mid && sb_on 2 "cat >/etc/machine-id" <mid &&
	listen_on 2 squatter 443 &&
	# host 3: its clock an hour ahead, a squatter on 2380, k0s sysinfo rejecting
	sb_on 3 "cat >/usr/local/bin/date && chmod +x /usr/local/bin/date && echo 3600 >/etc/kcfg-standin/clock-offset" <"$SRCDIR/tests/standins/date" &&
	listen_on 3 squatter 2380 &&
	sb_on 3 "echo \"CONFIG_CGROUPS: Control Group support: no kernel config found: needed\" >/etc/kcfg-standin/sysinfo-rejects" &&
	# host 4: nvidia-smi without a driver
	sb_on 4 "cat >/usr/local/bin/nvidia-smi && chmod +x /usr/local/bin/nvidia-smi" <"$SRCDIR/tests/standins/nvidia-smi" &&
	test_expect_code 1 "$KCFG" preflight --facts-max-age 0 >out 2>err &&
	h1=$(sb_host 1) h2=$(sb_host 2) h3=$(sb_host 3) h4=$(sb_host 4) &&
	grep -E "^$h1 +host +blocking +.*sudo" out &&
	grep -E "^$h2 +common +blocking +it runs .Ubuntu 18.04.6 LTS. \(ubuntu 18.04\), a release kcfg does not support" out &&
	grep -E "^$h2 +host +blocking +its machine-id .* is also host .$h4..s" out &&
	grep -E "^$h2 +harbor +blocking +TCP port 443, which Harbor needs, is taken by .squatter.$" out &&
	grep -E "^$h3 +host +blocking +its clock is 3[56][0-9][0-9] s ahead of this machine.s; at most 30 s is allowed" out &&
	grep -E "^$h3 +k0s +blocking +TCP port 2380, which the k0s controller needs, is taken by .squatter.$" out &&
	grep -E "^$h3 +k0s +blocking +k0s sysinfo rejects: CONFIG_CGROUPS: Control Group support \(rejected: no kernel config found: needed\)$" out &&
	grep -E "^$h3 +k0s +warning +k0s sysinfo warns: AppArmor" out &&
	grep -E "^$h4 +host +blocking +its machine-id .* is also host .$h2..s" out &&
	grep -E "^$h4 +common +blocking +it has [0-9]+ CPU cores?; a worker needs at least 64$" out &&
	grep -E "^$h4 +common +blocking +it has no interface .rocex. \(roce_netif\)$" out &&
	grep -E "^$h4 +common +blocking +the NVIDIA driver is not loaded \(/proc/driver/nvidia/version is missing\)$" out &&
	grep -E "^$h4 +k0s +blocking +the worker.s k0s data \(/var/lib/k0s\) is on a filesystem of .* GB; it needs at least 109951.2 GB$" out &&
	grep -E "^$h4 +lustre +blocking +the LNet module cannot load" out &&
	grep -E "^$h4 +lustre +blocking +the Lustre client is not installed" out &&
	test_grep "fix: synchronise its clock" out &&
	grep -E "^$h4 +common +blocking +nvidia-smi failed with exit status 9: NVIDIA-SMI has failed" out &&
	# the GPU worker with the host'"'"'s driver and RDMA on: GPUDirect'"'"'s modules
	grep -E "^$h4 +common +warning +the nvidia_peermem module is not loaded" out &&
	grep -E "^$h4 +common +warning +the gdrdrv module is not loaded" out &&
	grep -qx "preflight: 15 blocking problems, 3 warnings on 4 of 4 hosts" out
'

test_expect_success SANDBOX_JSON '--json: the same findings, valid against docs/preflight.schema.json' '
	test_expect_code 1 "$KCFG" preflight --json >pf.json 2>err &&
	"$SRCDIR/tests/tools/check-json-schema" "$SCHEMA" pf.json &&
	python3 -c "import json; d=json.load(open(\"pf.json\"))
print(d[\"ok\"], d[\"summary\"][\"blocking\"], d[\"summary\"][\"warnings\"])
for h in d[\"hosts\"]: print(h[\"name\"], h[\"result\"])
print(\" \".join(sorted(set(f[\"component\"] for f in d[\"findings\"]))))" >got &&
	cat >expect <<-EOF &&
	False 15 3
	$(sb_host 1) blocking
	$(sb_host 2) blocking
	$(sb_host 3) blocking
	$(sb_host 4) blocking
	common harbor host k0s lustre
	EOF
	test_cmp expect got
'

test_expect_success SANDBOX 'apply stops on a blocking problem before any host changes' '
	cp ready.yaml cluster.yaml &&
	test_expect_code 1 "$KCFG" apply -C extras -l $(sb_host 3) >out 2>err &&
	test_grep "is not ready for what this run would do: 1 problem" err &&
	grep -q "its clock is 3[56][0-9][0-9] s ahead of this machine" err &&
	test_must_fail sb_on 3 "test -e /etc/kcfg-preflight-test"
'

test_expect_success SANDBOX 'apply --skip-preflight goes on' '
	"$KCFG" apply -C extras -l $(sb_host 3) --skip-preflight >out 2>err &&
	test "$(sb_on 3 "cat /etc/kcfg-preflight-test")" = applied
'

test_done
