#!/bin/sh
test_description='init: writes the templates, never overwrites, the cluster.yaml loads'
. "$(dirname "$0")/../test-lib.sh"

python3 -c "import yaml" 2>/dev/null && test_set_prereq PYYAML
command -v yamllint >/dev/null 2>&1 && test_set_prereq YAMLLINT

test_expect_success 'init writes the three files in the current directory' '
	"$KCFG" init >out 2>err &&
	test_must_fail test -s err &&
	cat >expect <<-\EOT &&
	wrote inventory.ini
	wrote cluster.yaml
	wrote vault.yaml
	Next: fill in the addresses in inventory.ini, review cluster.yaml, set the passwords in
	vault.yaml and encrypt it with '"'"'kcfg vault encrypt vault.yaml'"'"'.
	EOT
	test_cmp expect out &&
	test -f inventory.ini && test -f cluster.yaml && test -f vault.yaml
'

test_expect_success 'vault.yaml is 0600, the others 0644, whatever the umask' '
	mkdir m && (umask 000 && "$KCFG" init m >/dev/null) &&
	test "$(stat -c %a m/vault.yaml)" = 600 &&
	test "$(stat -c %a m/inventory.ini)" = 644 &&
	test "$(stat -c %a m/cluster.yaml)" = 644
'

test_expect_success 'init DIR creates DIR and its parents' '
	"$KCFG" init a/b/c >out &&
	test_grep "wrote a/b/c/cluster.yaml" out &&
	test -f a/b/c/inventory.ini && test -f a/b/c/vault.yaml
'

test_expect_success 'the written cluster.yaml passes check and equals the defaults' '
	"$KCFG" init d >/dev/null &&
	"$KCFG" -c d/cluster.yaml config check &&
	"$KCFG" -c d/cluster.yaml config show >got &&
	"$KCFG" config show --defaults >expect &&
	test_cmp expect got
'

test_expect_success 'the written cluster.yaml explains every key' '
	"$KCFG" init e >/dev/null &&
	test_grep "# User kcfg logs in as on every host" e/cluster.yaml &&
	test_grep "  ansible_user: mdxuser" e/cluster.yaml &&
	test_grep "  # name: harbor.internal" e/cluster.yaml &&
	"$KCFG" config keys >keys &&
	while read -r key type def; do
		leaf=${key##*.}
		grep -q "^ *\(# \)\{0,1\}$leaf:" e/cluster.yaml || { echo "no $key"; exit 1; }
	done <keys
'

test_expect_success 'vault.yaml has the three keys and says how to encrypt it' '
	"$KCFG" init v >/dev/null &&
	test_grep "#   kcfg vault encrypt vault.yaml" v/vault.yaml &&
	for k in harbor_admin_password harbor_db_password grafana_password; do
		grep -q "^$k:$" v/vault.yaml || { echo "no $k"; exit 1; }
	done &&
	test "$(grep -c "^[a-z_]*:" v/vault.yaml)" = 3
'

test_expect_success PYYAML 'vault.yaml parses as YAML with three empty values' '
	"$KCFG" init p >/dev/null &&
	python3 -c "
import yaml
d = yaml.safe_load(open(\"p/vault.yaml\"))
assert d == {\"harbor_admin_password\": None, \"harbor_db_password\": None, \"grafana_password\": None}, d
"
'

test_expect_success YAMLLINT 'the YAML templates pass the project yamllint settings' '
	"$KCFG" init l >/dev/null &&
	yamllint -s -c "$SRCDIR/.yamllint" l/cluster.yaml l/vault.yaml
'

test_expect_success 'inventory.ini has the playbook groups and says what to fill in' '
	"$KCFG" init i >/dev/null &&
	for g in bastion_host registry kube_master kube_node kube_gpu \
		kube_worker:children kube_cluster:children kube_gpu:vars; do
		grep -q "^\[$g\]$" i/inventory.ini || { echo "no [$g]"; exit 1; }
	done &&
	test_grep "kube-node1 ansible_host= roce_host=" i/inventory.ini &&
	test_grep "# Fill in each host" i/inventory.ini
'

test_expect_success ANSIBLE 'ansible-inventory reads the inventory template' '
	"$KCFG" init a2 >/dev/null &&
	ansible-inventory -i a2/inventory.ini --list >inv.json 2>/dev/null &&
	python3 -c "
import json
d = json.load(open(\"inv.json\"))
assert sorted(d[\"kube_worker\"][\"children\"]) == [\"kube_gpu\", \"kube_node\"], d
assert d[\"_meta\"][\"hostvars\"][\"kube-gpu1\"][\"roce_netif\"] == \"ens192\", d
"
'

test_expect_success 'init never overwrites a file and writes nothing then' '
	mkdir keep && echo "mine" >keep/cluster.yaml &&
	test_expect_code 1 "$KCFG" init keep >out 2>err &&
	cat >expect <<-\EOT &&
	error: '"'"'keep/cluster.yaml'"'"' already exists
	  hint: kcfg init never overwrites a file: move it away, or use --force
	EOT
	test_cmp expect err &&
	test_must_fail test -s out &&
	echo mine >expect && test_cmp expect keep/cluster.yaml &&
	test_must_fail test -e keep/inventory.ini &&
	test_must_fail test -e keep/vault.yaml
'

test_expect_success 'init names every file that exists' '
	"$KCFG" init twice >/dev/null &&
	test_expect_code 1 "$KCFG" init twice 2>err &&
	test "$(grep -c "already exists" err)" = 3 &&
	test_grep "move them away, or use --force" err
'

test_expect_success 'init --force overwrites' '
	mkdir f && echo "mine" >f/vault.yaml && chmod 644 f/vault.yaml &&
	"$KCFG" init --force f >/dev/null &&
	test_grep "grafana_password:" f/vault.yaml &&
	test "$(stat -c %a f/vault.yaml)" = 600
'

test_expect_success 'init leaves no temporary files behind' '
	"$KCFG" init t >/dev/null &&
	test "$(ls -A t | sort | tr "\n" " ")" = "cluster.yaml inventory.ini vault.yaml "
'

test_expect_success 'init fails cleanly where it cannot write' '
	echo x >file &&
	test_expect_code 1 "$KCFG" init file/sub 2>err &&
	test_grep "error: cannot create directory '"'"'file/sub'"'"'" err
'

test_expect_success 'init takes one directory at most' '
	test_expect_code 64 "$KCFG" init a b 2>err &&
	test_grep "usage: kcfg init [--force] [DIR]" err &&
	test_expect_code 64 "$KCFG" init --forse 2>err &&
	test_grep "did you mean '"'"'--force'"'"'?" err
'

test_done
