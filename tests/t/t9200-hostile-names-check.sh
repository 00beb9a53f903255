#!/bin/sh
test_description='hostile names: inventory --check refuses names and addresses kcfg cannot use'
. "$(dirname "$0")/../test-lib.sh"

export ANSIBLE_INVENTORY_ENABLED=ini ANSIBLE_INVENTORY_UNPARSED_FAILED=true

# inv BASTION REGISTRY MASTER NODE: an inventory with these host lines, on
# lines 2, 4, 6 and 8. Loopback addresses: a command that got past the
# checks would reach nothing else.
inv() {
	cat >inventory.ini <<-EOF
	[bastion_host]
	$1
	[registry]
	$2
	[kube_master]
	$3
	[kube_node]
	$4
	EOF
}
B='bastion ansible_host=127.0.0.2'
R='harbor ansible_host=127.0.0.3'
M='kube-master ansible_host=127.0.0.4'
N='kube-node1 ansible_host=127.0.0.5 roce_host=10.146.0.11'

NAME_HINT="  hint: kcfg makes each inventory name a hostname: use lowercase letters, digits and '-' (RFC 1123 labels), and give the address with ansible_host, e.g. kube-node1 ansible_host=10.13.0.11"

# refused LINE MESSAGE HINT: --check exits 65 and says exactly this
refused() {
	test_expect_code 65 "$KCFG" inventory --check >out 2>err &&
	printf "inventory.ini:%s: error: %s\n%s\n1 error\n" "$1" "$2" "$3" >expect &&
	test_cmp expect err &&
	test ! -s out
}

test_expect_success 'a name that is a path is refused (render and facts would write outside)' '
	inv "$B" "$R" "$M" "$N" &&
	"$KCFG" inventory --check >out 2>err &&
	test ! -s err &&
	inv "../../../../etc ansible_host=127.0.0.2" "$R" "$M" "$N" &&
	refused 2 "host '\''../../../../etc'\'' has a name kcfg cannot use as its hostname" "$NAME_HINT"
'

test_expect_success 'a controller named as sed and sh code, without ansible_host, is refused' '
	inv "$B" "$R" "\"km;touch\${IFS}X;#e;#\"" "$N" &&
	refused 6 "host '\''km;touch\${IFS}X;#e;#'\'' has a name kcfg cannot use as its hostname" "$NAME_HINT"
'

test_expect_success 'a name with a blank (more aliases in /etc/hosts) is refused' '
	inv "$B" "$R" "$M" "\"kube node1\" ansible_host=127.0.0.5 roce_host=10.146.0.11" &&
	refused 8 "host '\''kube node1'\'' has a name kcfg cannot use as its hostname" "$NAME_HINT"
'

test_expect_success 'an address-less registry named to add certificate names is refused' '
	inv "$B" "\"127.0.0.3,DNS:*.evil.example\"" "$M" "$N" &&
	refused 4 "host '\''127.0.0.3,DNS:*.evil.example'\'' has a name kcfg cannot use as its hostname" "$NAME_HINT"
'

test_expect_success 'uppercase, underscores, an IP address and a leading dash are no hostnames' '
	for name in Kube-Node1 kube_node1 10.13.0.11 -oProxyCommand=id kube-node1. ; do
		inv "$B" "$R" "$M" "$name ansible_host=127.0.0.5 roce_host=10.146.0.11" &&
		refused 8 "host '\''$name'\'' has a name kcfg cannot use as its hostname" "$NAME_HINT" ||
		exit 1
	done &&
	# while IPv6 and DNS-name addresses, dotted names and _users are fine
	inv "bastion ansible_host=fd00::2 ansible_user=_svc-1" \
		"harbor ansible_host=harbor.lab.example." \
		"kube-master.lab ansible_host=fd00::12" \
		"kube-node1 ansible_host=::1 roce_host=10.146.0.11 roce_netif=bond0.100" &&
	"$KCFG" inventory --check >out 2>err &&
	test ! -s err
'

test_expect_success 'ansible_user is checked as cluster.yaml checks user names' '
	for user in "\"root -oProxyCommand=x\"" Admin 1user "\"a;id\"" "\"\""; do
		inv "$B ansible_user=$user" "$R" "$M" "$N" &&
		shown=$(printf "%s" "$user" | tr -d "\"") &&
		refused 2 "host '\''bastion'\'' has an invalid ansible_user '\''$shown'\''" \
			"  hint: a user name is a lowercase letter or '\''_'\'', then lowercase letters, digits, '\''_'\'' or '\''-'\'', at most 32 in all (as cluster.ansible_user in cluster.yaml)" ||
		exit 1
	done
'

test_expect_success 'roce_netif is checked as cluster.yaml checks it' '
	inv "$B" "$R" "$M" "$N roce_netif=\"ens1;id\"" &&
	refused 8 "host '\''kube-node1'\'' has an invalid roce_netif '\''ens1;id'\''" \
		"  hint: an interface name is 1 to 15 letters, digits, '\''_'\'', '\''-'\'' or '\''.'\'', e.g. roce_netif=ens192"
'

cp "$TEST_DATA/inventory/hostile-names.ini" .
cat >expect.hostile <<\EOF
hostile-names.ini:4: error: host '../../../../etc' has a name kcfg cannot use as its hostname
hostile-names.ini:7: error: host 'harbor' has an invalid ansible_host 'harbor.example,DNS:*.evil.example'
hostile-names.ini:7: error: host 'harbor' has an invalid ansible_user 'root -oProxyCommand=x'
hostile-names.ini:10: error: host 'km;touch${IFS}X;#e;#' has a name kcfg cannot use as its hostname
hostile-names.ini:13: error: host 'kube node1' has a name kcfg cannot use as its hostname
hostile-names.ini:14: error: host 'Kube-Node2' has a name kcfg cannot use as its hostname
hostile-names.ini:15: error: host '10.13.0.13' has a name kcfg cannot use as its hostname
hostile-names.ini:16: error: host 'node_4' has a name kcfg cannot use as its hostname
hostile-names.ini:16: error: host 'node_4' has an invalid ansible_host '-oProxyCommand=id'
hostile-names.ini:17: error: host 'n5$(id)' has a name kcfg cannot use as its hostname
hostile-names.ini:17: error: host 'n5$(id)' has an invalid roce_netif 'ens1;id'
hostile-names.ini:20: error: host 'gpu-ünï' has a name kcfg cannot use as its hostname
hostile-names.ini:21: error: host '-oProxyCommand=id' has a name kcfg cannot use as its hostname
hostile-names.ini:21: error: host '-oProxyCommand=id' has the same address '-oProxyCommand=id' as host 'node_4' (line 16)
14 errors
EOF

test_expect_success 'the corpus inventory of hostile names: --check says every problem with its line, --list and --graph print it as ansible-inventory does' '
	test_expect_code 65 "$KCFG" -i hostile-names.ini inventory --check >out 2>err &&
	grep -v "^  hint: " err >actual &&
	test_cmp expect.hostile actual &&
	test $(grep -c "^  hint: " err) = 14 &&
	test ! -s out &&
	"$KCFG" -i hostile-names.ini inventory --list >out &&
	test_cmp "$TEST_DATA/inventory/hostile-names.expected.json" out &&
	"$KCFG" -i hostile-names.ini inventory --graph >out &&
	test_cmp "$TEST_DATA/inventory/hostile-names.expected.graph" out &&
	if test_have_prereq ANSIBLE; then
		ansible-inventory -i hostile-names.ini --list >expect 2>/dev/null &&
		"$KCFG" -i hostile-names.ini inventory --list >out &&
		test_cmp expect out
	fi
'

# Every command that loads the cluster model stops at the same check,
# before it writes, reads facts or connects anywhere.
test_expect_success 'render, plan, apply, facts and kubeconfig refuse the name too' '
	inv "../../victim ansible_host=127.0.0.2" "$R" "$M" "$N" &&
	echo pw >pwfile &&
	printf "harbor_admin_password: a\nharbor_db_password: b\ngrafana_password: c\n" >vault.yaml &&
	for cmd in "render -o rendered" plan apply facts kubeconfig; do
		test_expect_code 65 "$KCFG" $cmd --vault-password-file pwfile >out.txt 2>err &&
		test_grep "inventory.ini:2: error: host '\''../../victim'\'' has a name kcfg cannot use as its hostname" err ||
		exit 1
	done &&
	test ! -e rendered && test ! -e ../victim && test ! -e .kcfg/facts
'

test_done
