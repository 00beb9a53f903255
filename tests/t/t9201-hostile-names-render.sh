#!/bin/sh
test_description='hostile names: render with the names that used to escape writes nothing'
. "$(dirname "$0")/../test-lib.sh"

MDX=$SRCDIR/examples/mdx
cp "$MDX/cluster.yaml" "$MDX/vault.yaml" "$MDX/vault-password.txt" .

# setup OLD NEW: the mdx inventory with host OLD renamed NEW (a whole
# line for NEW's host part), its facts beside the others in f/g/
setup() {
	rm -rf f .kcfg inventory.ini &&
	mkdir -p f/g &&
	cp "$MDX"/facts/*.json f/g/ &&
	awk -v old="$1" -v new="$2" '$1 == old { $1 = new } { print }' "$MDX/inventory.ini" >inventory.ini &&
	cp "$MDX/facts/$1.json" "f/g/$3.json"
}

render() {
	"$KCFG" render --facts f/g --vault vault.yaml \
		--vault-password-file vault-password.txt -o o/p "$@"
}

# What is in this directory, but for the inventory and facts we made.
listing() { find . -path ./f -prune -o -print | LC_ALL=C sort; }

test_expect_success 'a bastion named ../../victim: nothing is written, in -o or beside it' '
	setup bastion ../../victim ../../victim &&
	listing >f/before &&
	rc=0 && render >f/out 2>f/err || rc=$? &&
	listing >f/after &&
	test_cmp f/before f/after &&
	test $rc = 65 &&
	test_grep "inventory.ini:6: error: host '\''../../victim'\'' has a name kcfg cannot use as its hostname" f/err
'

test_expect_success 'a controller named as sed code without ansible_host: refused before any command is made' '
	setup kube-master "\"km;touch\${IFS}X;#e;#\"" "km;touch\${IFS}X;#e;#" &&
	rc=0 && render >out 2>err || rc=$? &&
	test ! -e o/p/bastion/RESOURCES &&
	test $rc = 65 &&
	test_grep "inventory.ini:12: error: host '\''km;touch\${IFS}X;#e;#'\'' has a name kcfg cannot use as its hostname" err &&
	test ! -e o &&
	test ! -e X
'

test_expect_success 'a worker named with a blank: no /etc/hosts gets its words as aliases' '
	setup kube-node1 "\"kube node1\"" "kube node1" &&
	test_expect_code 65 render >out 2>err &&
	test_grep "inventory.ini:15: error: host '\''kube node1'\'' has a name kcfg cannot use as its hostname" err &&
	test ! -e o
'

test_expect_success 'an address-less registry named "IP,DNS:*.evil.example": no certificate is made' '
	rm -rf f .kcfg && mkdir -p f/g && cp "$MDX"/facts/*.json f/g/ &&
	sed "s/^harbor ansible_host=.*/\"10.18.20.11,DNS:*.evil.example\"/" "$MDX/inventory.ini" >inventory.ini &&
	cp "$MDX/facts/harbor.json" "f/g/10.18.20.11,DNS:*.evil.example.json" &&
	test_expect_code 65 render >out 2>err &&
	test_grep "inventory.ini:9: error: host '\''10.18.20.11,DNS:*.evil.example'\'' has a name kcfg cannot use as its hostname" err &&
	test ! -e .kcfg/pki/server.crt &&
	test ! -e o
'

test_done
