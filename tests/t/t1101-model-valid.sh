#!/bin/sh
test_description='inventory --check: filled-in inventories pass with a summary'
. "$(dirname "$0")/../test-lib.sh"

corpus=$TEST_DATA/inventory

test_expect_success 'a filled-in mdx inventory passes, one line on stdout' '
	cp "$corpus/mdx-small.ini" inventory.ini &&
	"$KCFG" inventory --check >out 2>err &&
	test ! -s err &&
	echo "inventory.ini: ok: bastion_host 1, registry 1, kube_master 1, kube_node 2, kube_gpu 2 (7 hosts)" >expect &&
	test_cmp expect out
'

test_expect_success 'ranges, group variables and two controllers pass' '
	"$KCFG" -i "$corpus/mdx-large.ini" inventory --check >out 2>err &&
	test ! -s err &&
	test_grep "ok: bastion_host 1, registry 1, kube_master 2, kube_node 8, kube_gpu 4 (16 hosts)" out
'

test_expect_success 'kube_worker and kube_cluster are derived when absent' '
	sed "/^\[kube_worker:children\]/,\$d" "$corpus/mdx-small.ini" >derived.ini &&
	! grep kube_worker derived.ini &&
	"$KCFG" -i derived.ini inventory --check >out 2>err &&
	test ! -s err &&
	test_grep "kube_node 2, kube_gpu 2 (7 hosts)" out
'

test_expect_success 'a worker may reach roce_host and ansible_host through its groups' '
	cat >inventory.ini <<-\EOT &&
	[all:vars]
	ansible_user=ubuntu
	[bastion_host]
	bastion ansible_host=10.13.0.1
	[registry]
	harbor ansible_host=harbor.example.org
	[kube_master]
	kube-master ansible_host=10.13.0.3 ansible_port=2222
	[kube_node]
	kube-node1
	[kube_node:vars]
	roce_host=10.146.0.11
	EOT
	"$KCFG" inventory --check >out 2>err &&
	test ! -s err &&
	test_grep "kube_node 1, kube_gpu 0 (4 hosts)" out
'

test_done
