#!/bin/sh
test_description='kcfg inventory: options, the inventory file, --host and --graph'
. "$(dirname "$0")/../test-lib.sh"

cat >small.ini <<\EOT
[bastion_host]
bastion ansible_host=10.13.0.1

[kube_node]
kube-node1 ansible_host=10.13.0.11 roce_host=10.146.0.11 ansible_port=2222
kube-node2 ansible_host=10.13.0.12

[kube_node:vars]
roce_netif=ens192

[kube_worker:children]
kube_node
EOT

cat >expect.missing <<\EOT
error: inventory 'inventory.ini' does not exist
  hint: write one with 'kcfg init', or name another with 'kcfg -i FILE inventory ...'
EOT

test_expect_success 'a missing inventory.ini is an error that names it and suggests kcfg init' '
	test_expect_code 65 "$KCFG" inventory --list >out 2>err &&
	test_cmp expect.missing err &&
	test ! -s out
'

test_expect_success 'a missing -i file is named too' '
	test_expect_code 65 "$KCFG" -i nosuch/inv.ini inventory --check 2>err &&
	sed "s|inventory.ini|nosuch/inv.ini|" expect.missing >expect &&
	test_cmp expect err
'

test_expect_success 'an inventory that cannot be read says why' '
	mkdir adir &&
	test_expect_code 65 "$KCFG" -i adir inventory --list 2>err &&
	test_grep "error: cannot read inventory '"'"'adir'"'"'" err
'

test_expect_success 'the inventory comes from -i, KCFG_INVENTORY, or ./inventory.ini' '
	"$KCFG" -i small.ini inventory --list >a &&
	KCFG_INVENTORY=small.ini "$KCFG" inventory --list >b &&
	cp small.ini inventory.ini &&
	"$KCFG" inventory --list >c &&
	rm inventory.ini &&
	test_cmp a b &&
	test_cmp a c &&
	test_grep "\"kube-node1\"" a
'

cat >expect.noaction <<\EOT
error: choose one of --list, --graph, --host HOST and --check
usage: kcfg [-i INVENTORY] inventory --list [--export]
       kcfg [-i INVENTORY] inventory --graph [--vars] [GROUP]
       kcfg [-i INVENTORY] inventory --host HOST
       kcfg [-i INVENTORY] inventory --check [--no-rdma]
Run 'kcfg help inventory' for more.
EOT

test_expect_success 'no action, two actions, or a stray option are usage errors' '
	test_expect_code 64 "$KCFG" -i small.ini inventory 2>err &&
	test_cmp expect.noaction err &&
	test_expect_code 64 "$KCFG" -i small.ini inventory --list --graph 2>err &&
	test_grep "error: choose only one of --list, --graph, --host and --check" err &&
	test_expect_code 64 "$KCFG" -i small.ini inventory --list --vars 2>err &&
	test_grep "error: --vars goes with --graph" err &&
	test_expect_code 64 "$KCFG" -i small.ini inventory --graph --export 2>err &&
	test_grep "error: --export goes with --list" err &&
	test_expect_code 64 "$KCFG" -i small.ini inventory --list --no-rdma 2>err &&
	test_grep "error: --no-rdma goes with --check" err &&
	test_expect_code 64 "$KCFG" -i small.ini inventory --list extra 2>err &&
	test_grep "error: unexpected argument '"'"'extra'"'"'" err &&
	test_expect_code 64 "$KCFG" -i small.ini inventory --grpah 2>err &&
	test_grep "hint: did you mean '"'"'--graph'"'"'?" err &&
	test_expect_code 64 "$KCFG" -i small.ini inventory --host 2>err &&
	test_grep "option '"'"'--host'"'"' needs a value" err
'

cat >expect.host <<\EOT
{
    "ansible_host": "10.13.0.11",
    "ansible_port": 2222,
    "roce_host": "10.146.0.11",
    "roce_netif": "ens192"
}
EOT

test_expect_success '--host prints one host'"'"'s resolved variables' '
	"$KCFG" -i small.ini inventory --host kube-node1 >out &&
	test_cmp expect.host out &&
	"$KCFG" -i small.ini inventory --host bastion >out &&
	printf "{\n    \"ansible_host\": \"10.13.0.1\"\n}\n" >expect &&
	test_cmp expect out
'

cat >expect.nohost <<\EOT
error: host 'kube-nod1' is not in 'small.ini'
  hint: did you mean 'kube-node1'?
EOT

test_expect_success '--host of an unknown host fails and suggests the nearest' '
	test_expect_code 1 "$KCFG" -i small.ini inventory --host kube-nod1 >out 2>err &&
	test_cmp expect.nohost err &&
	test ! -s out
'

cat >expect.graph <<\EOT
@kube_worker:
  |--@kube_node:
  |  |--kube-node1
  |  |  |--{ansible_host = 10.13.0.11}
  |  |  |--{ansible_port = 2222}
  |  |  |--{roce_host = 10.146.0.11}
  |  |  |--{roce_netif = ens192}
  |  |--kube-node2
  |  |  |--{ansible_host = 10.13.0.12}
  |  |  |--{roce_netif = ens192}
  |  |--{roce_netif = ens192}
EOT

test_expect_success '--graph GROUP --vars shows that subtree with variables' '
	"$KCFG" -i small.ini inventory --graph --vars kube_worker >out &&
	test_cmp expect.graph out
'

cat >expect.nogroup <<\EOT
error: group 'kube_workers' is not in 'small.ini'
  hint: did you mean 'kube_worker'?
EOT

test_expect_success '--graph of an unknown group fails and suggests the nearest' '
	test_expect_code 1 "$KCFG" -i small.ini inventory --graph kube_workers 2>err &&
	test_cmp expect.nogroup err
'

test_expect_success ANSIBLE 'the expected --graph GROUP --vars and --host are what ansible-inventory prints' '
	ansible-inventory -i small.ini --graph --vars kube_worker >out 2>/dev/null &&
	test_cmp expect.graph out &&
	ansible-inventory -i small.ini --host kube-node1 >out 2>/dev/null &&
	test_cmp expect.host out
'

cat >expect.nojson <<\EOT
error: cannot show variable 'ids' of host 'kube-node9' as JSON: a Python set has no JSON form
  hint: quote the value in the inventory to keep it a string
EOT

test_expect_success 'a value with no JSON form fails --list and --host, --graph --vars shows it' '
	printf "[kube_node]\nkube-node9 ids={1,2} ok=\"{1,2}\"\n" >set.ini &&
	test_expect_code 65 "$KCFG" -i set.ini inventory --list >out 2>err &&
	test_cmp expect.nojson err &&
	test ! -s out &&
	test_expect_code 65 "$KCFG" -i set.ini inventory --host kube-node9 2>err &&
	test_cmp expect.nojson err &&
	"$KCFG" -i set.ini inventory --graph --vars >out &&
	test_grep "{ids = {1, 2}}" out
'

test_expect_success ANSIBLE 'ansible-inventory cannot show such a value as JSON either' '
	! ansible-inventory -i set.ini --list >/dev/null 2>&1
'

test_expect_success ANSIBLE 'kcfg inventory -i F --list: -i after the command, as ansible-inventory takes it' '
	ansible-inventory -i small.ini --list >expect 2>/dev/null &&
	"$KCFG" inventory -i small.ini --list >out &&
	test_cmp expect out &&
	"$KCFG" inventory --list -i small.ini >out &&
	test_cmp expect out &&
	"$KCFG" inventory --inventory small.ini --list >out &&
	test_cmp expect out
'

test_expect_success 'every global option works after the command name' '
	printf "cluster:\n  rdma: false\n" >other.yaml &&
	"$KCFG" config show -c other.yaml -i small.ini >out &&
	test_grep "rdma: false" out &&
	"$KCFG" inventory --graph -i small.ini -q >out 2>err &&
	test_grep "@kube_worker:" out &&
	test_expect_code 64 "$KCFG" inventory --list -i 2>err &&
	test_grep "error: option '"'"'-i'"'"' needs a value" err
'

test_expect_success 'help inventory and inventory -h describe the command' '
	"$KCFG" help inventory >out &&
	test_grep "usage: kcfg [-i INVENTORY] inventory --list [--export]" out &&
	test_grep "docs/inventory.md" out &&
	"$KCFG" inventory -h >out2 &&
	test_cmp out out2
'

test_done
