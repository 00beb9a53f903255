#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='GPU workers on sandbox hosts: the host NVIDIA runtime and GPUDirect modules in preflight, the MIG and worker profile labels'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: sandbox hosts share this machine's kernel, so they have no
# NVIDIA driver (/proc/driver/nvidia), and /proc/modules is this
# machine's, without nvidia_peermem or gdrdrv; the Kubernetes API cannot
# run here. Stand-ins on PATH answer as the real programs do
# (tests/standins: nvidia-smi -L with recorded real output; k0s with
# `kubectl label node` and `kubectl get node NAME -o
# jsonpath={.metadata.labels}` as kubectl's label.go and client-go's
# jsonpath.go define them). Everything else is real: sshd, sudo, the
# preflight probe reading /proc/modules and testing
# /usr/bin/nvidia-container-runtime, the inventory check, the run engine.
# The tests assert what kcfg reports and asks for, never the stand-ins.
sandbox_start gq 10.250.76 3

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

# Host 1 is the bastion and the controller, host 3 the GPU worker (as few
# hosts as make the point: Harbor needs one of its own).
test_expect_success SANDBOX 'set up: a controller with the k0s stand-in, a GPU worker with nvidia-smi'"'"'s' '
	sb_inventory 3 &&
	sed -i "/^\[kube_master\]\$/,\$d" inventory.ini &&
	cat >>inventory.ini <<-EOF &&
	[kube_master]
	$(sb_host 1)
	[kube_gpu]
	$(sb_host 3) ansible_host=$(sb_ip 3) roce_host=10.99.0.13 roce_netif=rocex
	EOF
	"$KCFG" inventory --check >out 2>err &&
	cat >base.yaml <<-\EOF &&
	cluster:
	  rdma: true
	preflight:
	  registry_disk: 1G
	  worker_disk: 1G
	addons:
	  storage: false
	EOF
	cp base.yaml cluster.yaml &&
	sb_on 3 "cat >/usr/local/bin/nvidia-smi && chmod +x /usr/local/bin/nvidia-smi" \
		<"$SRCDIR/tests/standins/nvidia-smi" &&
	sb_on 3 "mkdir -p /etc/kcfg-standin && cat >/etc/kcfg-standin/nvidia-smi-L" \
		<"$SRCDIR/tests/data/preflight/nvidia-smi-L.dgx-a100-mig.txt" &&
	sb_on 1 "mkdir -p /etc/kcfg-standin && cat >/usr/local/bin/k0s && chmod 0755 /usr/local/bin/k0s &&
		touch /run/k0s-api-up && echo \"$(sb_host 3) True\" >/etc/kcfg-standin/nodes" \
		<"$SRCDIR/tests/standins/k0s"
'

test_expect_success SANDBOX 'toolkit false on a GPU worker without the NVIDIA runtime: blocking, naming the fix; not with it' '
	cp base.yaml cluster.yaml &&
	printf "gpu_operator:\n  toolkit: false\n" >>cluster.yaml &&
	test_expect_code 1 "$KCFG" preflight -l $(sb_host 3) >out 2>err &&
	grep -E "^$(sb_host 3) +containerd +blocking +there is no /usr/bin/nvidia-container-runtime, which kcfg.s containerd drop-in makes the default runtime \(gpu_operator.toolkit is false: the host provides NVIDIA.s container toolkit\)$" out &&
	test_grep "fix: install nvidia-container-toolkit from NVIDIA'"'"'s apt repository" out &&
	test_grep "or set gpu_operator.toolkit: true in cluster.yaml" out &&
	# the runtime there, or the operator'"'"'s toolkit (the default): no such problem
	sb_on 3 "printf \"#!/bin/sh\n\" >/usr/bin/nvidia-container-runtime && chmod +x /usr/bin/nvidia-container-runtime" &&
	test_expect_code 1 "$KCFG" preflight -l $(sb_host 3) >out 2>err &&
	test_grep "the NVIDIA driver is not loaded" out &&
	! grep -q "nvidia-container-runtime" out &&
	sb_on 3 "rm /usr/bin/nvidia-container-runtime" &&
	cp base.yaml cluster.yaml &&
	test_expect_code 1 "$KCFG" preflight -l $(sb_host 3) >out 2>err &&
	! grep -q "nvidia-container-runtime" out
'

test_expect_success SANDBOX 'the host'"'"'s driver without nvidia_peermem and gdrdrv: a warning each, naming the fix' '
	cp base.yaml cluster.yaml &&
	test_expect_code 1 "$KCFG" preflight -l $(sb_host 3) >out 2>err &&
	grep -E "^$(sb_host 3) +common +warning +the nvidia_peermem module is not loaded: GPUDirect RDMA \(cluster.rdma, gpu_operator.rdma\) does not work without it$" out &&
	test_grep "'"'"'modprobe nvidia-peermem'"'"' on the host and add nvidia-peermem to a file in /etc/modules-load.d" out &&
	grep -E "^$(sb_host 3) +common +warning +the gdrdrv module is not loaded: GDRCopy \(gpu_operator.gdrcopy\) does not work without it$" out &&
	test_grep "install GDRCopy'"'"'s gdrdrv kernel module on the host and load it, or set gpu_operator.driver: true" out
'

test_expect_success SANDBOX 'only what is on is asked for; the operator'"'"'s driver asks for neither' '
	cp base.yaml cluster.yaml &&
	printf "gpu_operator:\n  gdrcopy: false\n" >>cluster.yaml &&
	test_expect_code 1 "$KCFG" preflight -l $(sb_host 3) >out 2>err &&
	test_grep "the nvidia_peermem module is not loaded" out &&
	! grep -q gdrdrv out &&
	cp base.yaml cluster.yaml &&
	printf "gpu_operator:\n  driver: true\n" >>cluster.yaml &&
	test_expect_code 1 "$KCFG" preflight -l $(sb_host 3) >out 2>err &&
	! grep -q "nvidia_peermem\|gdrdrv" out
'

# label calls the controller got (the stand-in's log), and its labels
label_calls() { sb_on 1 "grep \"^kubectl label \" /var/log/k0s-standin.log || :"; }

test_expect_success SANDBOX 'mig_config and the worker profile become node labels, from the controller' '
	cp base.yaml cluster.yaml &&
	printf "[kube_gpu:vars]\nmig_config=all-1g.10gb\n" >>inventory.ini &&
	"$KCFG" apply -C node-labels --skip-preflight >out 2>err &&
	label_calls >calls &&
	grep -E "^kubectl label node $(sb_host 3) nvidia.com/mig.config=all-1g.10gb --overwrite$" calls &&
	grep -E "^kubectl label node $(sb_host 3) k0s.k0sproject.io/worker-profile=numa-[0-9a-z-]+ --overwrite$" calls &&
	test_line_count = 2 calls &&
	sb_on 1 "cat /etc/kcfg-standin/labels/$(sb_host 3)" >labels &&
	test_grep "nvidia.com/mig.config=all-1g.10gb" labels
'

test_expect_success SANDBOX 'a second run changes nothing: no label call' '
	sb_on 1 ": >/var/log/k0s-standin.log" &&
	"$KCFG" apply -C node-labels --skip-preflight >out 2>err &&
	label_calls >calls &&
	test_line_count = 0 calls &&
	sb_on 1 "cat /var/log/k0s-standin.log" >all &&
	grep -c "^kubectl get node $(sb_host 3) -o jsonpath={.metadata.labels}$" all >n &&
	test "$(cat n)" = 2
'

test_expect_success SANDBOX 'status shows the worker profile the label names' '
	"$KCFG" status >out 2>err || :
	grep -E "^$(sb_host 3) +[a-z,+]+ +True +numa-[0-9a-z-]+ " out
'

test_expect_success SANDBOX 'a value changed on the host'"'"'s line relabels that one label' '
	sed -i "s/^\($(sb_host 3) .*\)/\1 mig_config=all-3g.20gb/" inventory.ini &&
	sb_on 1 ": >/var/log/k0s-standin.log" &&
	"$KCFG" apply -C node-labels --skip-preflight >out 2>err &&
	label_calls >calls &&
	echo "kubectl label node $(sb_host 3) nvidia.com/mig.config=all-3g.20gb --overwrite" >expect &&
	test_cmp expect calls &&
	sb_on 1 "cat /etc/kcfg-standin/labels/$(sb_host 3)" >labels &&
	test_grep "nvidia.com/mig.config=all-3g.20gb" labels
'

test_expect_success SANDBOX 'mig_config removed: the label stays as it is' '
	sed -i "s/ mig_config=all-3g.20gb//; /^mig_config=/d" inventory.ini &&
	sb_on 1 ": >/var/log/k0s-standin.log" &&
	"$KCFG" apply -C node-labels --skip-preflight >out 2>err &&
	label_calls >calls &&
	test_line_count = 0 calls &&
	sb_on 1 "cat /etc/kcfg-standin/labels/$(sb_host 3)" >labels &&
	test_grep "nvidia.com/mig.config=all-3g.20gb" labels
'

test_expect_success SANDBOX 'a hostile mig_config is refused at inventory --check, naming file:line' '
	cp inventory.ini good.ini &&
	sed -i "s/^\($(sb_host 3) .*\)/\1 mig_config=\x27all;reboot\x27/" inventory.ini &&
	line=$(grep -n "^$(sb_host 3) " inventory.ini | cut -d: -f1) &&
	test_expect_code 65 "$KCFG" inventory --check >out 2>err &&
	grep -E "^inventory.ini:$line: error: host .$(sb_host 3). has an invalid mig_config .all;reboot.: it becomes the node label nvidia.com/mig.config$" err &&
	test_grep "e.g. mig_config=all-1g.10gb" err &&
	sb_on 1 ": >/var/log/k0s-standin.log" &&
	test_must_fail "$KCFG" apply -C node-labels --skip-preflight >out 2>err &&
	label_calls >calls &&
	test_line_count = 0 calls &&
	cp good.ini inventory.ini
'

test_expect_success SANDBOX 'mig_config on a host that is no GPU worker is an error naming it' '
	printf "[registry:vars]\nmig_config=all-1g.10gb\n" >>inventory.ini &&
	line=$(grep -n "^mig_config=" inventory.ini | cut -d: -f1) &&
	test_expect_code 65 "$KCFG" inventory --check >out 2>err &&
	grep -E "^inventory.ini:$line: error: host .$(sb_host 2). has mig_config .all-1g.10gb., and it is no GPU worker" err &&
	cp good.ini inventory.ini
'

test_done
