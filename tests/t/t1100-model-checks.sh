#!/bin/sh
test_description='inventory --check: every model check with its exact message'
. "$(dirname "$0")/../test-lib.sh"

model=$TEST_DATA/inventory/model
export ANSIBLE_INVENTORY_ENABLED=ini ANSIBLE_INVENTORY_UNPARSED_FAILED=true

# model/NAME.ini is valid INI that breaks a model rule: NAME.stderr is what
# --check says; NAME.stdout exists when only warnings are expected (exit 0).
for f in "$model"/*.ini; do
	name=$(basename "$f" .ini)
	if [ -e "$model/$name.stdout" ]; then code=0; else code=65; fi
	test_expect_success "$name: --check says exactly this (exit $code)" "
		cp \"$f\" inventory.ini &&
		test_expect_code $code \"\$KCFG\" inventory --check >out 2>err &&
		test_cmp \"$model/$name.stderr\" err &&
		if [ $code = 0 ]; then test_cmp \"$model/$name.stdout\" out; else test ! -s out; fi
	"
	test_expect_success ANSIBLE "$name: is a valid inventory for ansible-inventory" "
		cp \"$f\" inventory.ini &&
		ansible-inventory -i inventory.ini --list >/dev/null 2>&1
	"
done

test_expect_success 'the model problems do not stop --list, --graph or --host' '
	cp "$model/all-at-once.ini" inventory.ini &&
	"$KCFG" inventory --list >out &&
	test_grep "\"kube-node2\"" out &&
	"$KCFG" inventory --graph >out &&
	"$KCFG" inventory --host kube-node2 >out
'

cat >expect.template <<\EOT
seed-template.ini:2: error: host 'bastion' has an empty ansible_host
  hint: fill in its front (PortGroup) IP address: bastion ansible_host=10.0.0.11
seed-template.ini:5: error: host 'harbor' has an empty ansible_host
  hint: fill in its front (PortGroup) IP address: harbor ansible_host=10.0.0.11
seed-template.ini:8: error: host 'kube-master' has an empty ansible_host
  hint: fill in its front (PortGroup) IP address: kube-master ansible_host=10.0.0.11
seed-template.ini:11: error: host 'kube-node1' has an empty ansible_host
  hint: fill in its front (PortGroup) IP address: kube-node1 ansible_host=10.0.0.11 roce_host=...
seed-template.ini:11: error: worker 'kube-node1' has an empty roce_host
  hint: fill in its RoCE (SR-IOV) IP address: kube-node1 roce_host=10.146.0.11, or turn RDMA off (cluster.rdma: false in cluster.yaml)
seed-template.ini:12: error: host 'kube-node2' has an empty ansible_host
  hint: fill in its front (PortGroup) IP address: kube-node2 ansible_host=10.0.0.11 roce_host=...
seed-template.ini:12: error: worker 'kube-node2' has an empty roce_host
  hint: fill in its RoCE (SR-IOV) IP address: kube-node2 roce_host=10.146.0.11, or turn RDMA off (cluster.rdma: false in cluster.yaml)
seed-template.ini:15: error: host 'kube-gpu1' has an empty ansible_host
  hint: fill in its front (PortGroup) IP address: kube-gpu1 ansible_host=10.0.0.11 roce_host=...
seed-template.ini:15: error: worker 'kube-gpu1' has an empty roce_host
  hint: fill in its RoCE (SR-IOV) IP address: kube-gpu1 roce_host=10.146.0.11, or turn RDMA off (cluster.rdma: false in cluster.yaml)
seed-template.ini:16: error: host 'kube-gpu2' has an empty ansible_host
  hint: fill in its front (PortGroup) IP address: kube-gpu2 ansible_host=10.0.0.11 roce_host=...
seed-template.ini:16: error: worker 'kube-gpu2' has an empty roce_host
  hint: fill in its RoCE (SR-IOV) IP address: kube-gpu2 roce_host=10.146.0.11, or turn RDMA off (cluster.rdma: false in cluster.yaml)
11 errors
EOT

test_expect_success 'the seed template as shipped: every empty address, at once' '
	cp "$TEST_DATA/inventory/seed-template.ini" . &&
	test_expect_code 65 "$KCFG" -i seed-template.ini inventory --check >out 2>err &&
	test_cmp expect.template err &&
	test ! -s out
'

test_expect_success 'with --no-rdma the template lacks only its front addresses' '
	test_expect_code 65 "$KCFG" -i seed-template.ini inventory --check --no-rdma 2>err &&
	grep -v "roce_host$" expect.template | grep -v "hint: fill in its RoCE" |
		sed "s/^11 errors$/7 errors/" >expect &&
	grep -v "roce_host$" err >actual &&
	test_cmp expect actual &&
	test $(grep -c "has an empty ansible_host" err) = 7 &&
	! grep "roce_host$" err
'

test_expect_success '--no-rdma lets workers go without roce_host' '
	cp "$model/worker-roce.ini" inventory.ini &&
	"$KCFG" inventory --check --no-rdma >out 2>err &&
	test ! -s err &&
	echo "inventory.ini: ok: bastion_host 1, registry 1, kube_master 1, kube_node 2, kube_gpu 1 (6 hosts)" >expect &&
	test_cmp expect out
'

test_done
