#!/bin/sh
test_description='hostile names: the registry address goes into its certificate as what it is'
. "$(dirname "$0")/../test-lib.sh"

command -v openssl >/dev/null 2>&1 && test_set_prereq OPENSSL

MDX=$SRCDIR/examples/mdx
cp "$MDX/cluster.yaml" "$MDX/vault.yaml" "$MDX/vault-password.txt" .

# registry ADDRESS: the mdx inventory with harbor at ADDRESS
registry() {
	sed "s/^harbor ansible_host=.*/harbor ansible_host=$1/" "$MDX/inventory.ini" >inventory.ini
}

render() {
	"$KCFG" render --facts "$MDX/facts" --vault vault.yaml \
		--vault-password-file vault-password.txt --component harbor "$@"
}

# The certificate's subjectAltName entries, one a line.
sans() {
	openssl x509 -in "$1" -noout -ext subjectAltName | sed 1d | tr ',' '\n' | sed 's/^ *//'
}

test_expect_success OPENSSL 'a registry reached by DNS name gets it as a DNS name, then an IPv6 address as an IP' '
	registry Harbor.Lab.Example. &&
	render -o out 2>err &&
	sans out/harbor/opt/harbor/cert/server.crt >got &&
	printf "%s\n" DNS:harbor DNS:harbor.internal DNS:harbor.lab.example >expect &&
	test_cmp expect got &&
	render -o out2 2>err &&
	! grep "issued a new registry certificate" err &&
	test_cmp out/harbor/opt/harbor/cert/server.crt out2/harbor/opt/harbor/cert/server.crt &&
	registry fd00::11 &&
	render -o out3 2>err &&
	test_grep "note: issued a new registry certificate: its addresses differ from the registry" err &&
	sans out3/harbor/opt/harbor/cert/server.crt >got &&
	printf "%s\n" DNS:harbor DNS:harbor.internal "IP Address:FD00:0:0:0:0:0:0:11" >expect &&
	test_cmp expect got
'

test_expect_success OPENSSL 'the certificate verifies for each of its names, and for no other' '
	registry harbor.lab.example &&
	render -o out4 2>err &&
	for n in harbor harbor.internal harbor.lab.example; do
		openssl verify -CAfile out4/harbor/opt/harbor/cert/ca.crt -verify_hostname $n \
			out4/harbor/opt/harbor/cert/server.crt >/dev/null || exit 1
	done &&
	test_must_fail openssl verify -CAfile out4/harbor/opt/harbor/cert/ca.crt \
		-verify_hostname x.evil.example out4/harbor/opt/harbor/cert/server.crt >/dev/null 2>&1
'

test_done
