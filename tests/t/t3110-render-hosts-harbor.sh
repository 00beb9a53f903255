#!/bin/sh
test_description='render: the registry host (harbor.yml, certificates, install steps)'
. "$(dirname "$0")/../test-lib.sh"

command -v openssl >/dev/null 2>&1 && test_set_prereq OPENSSL
command -v yamllint >/dev/null 2>&1 && test_set_prereq YAMLLINT
python3 -c 'import yaml' 2>/dev/null && test_set_prereq PYYAML

FACTS=$SRCDIR/examples/mdx/facts

# Passwords that break a YAML file written by pasting strings.
cat >vault.yaml <<'EOF'
harbor_admin_password: "a: b # c"
harbor_db_password: "'q\" $x & {y}"
grafana_password: Gr4fana-only
EOF
# The server certificate lives 825 days, which clients accept (check-certs).
cat >cluster.yaml <<'EOF'
registry:
  cert_days: 825
metallb:
  addresses:
  - 10.18.20.200-10.18.20.210
EOF
echo vault-pw >pwfile
cp "$SRCDIR/examples/mdx/inventory.ini" .

render() {
	"$KCFG" render --facts "$FACTS" --vault-password-file pwfile "$@" 2>render.err
}

test_expect_success 'the registry host gets harbor.yml, its certificates and key' '
	render -o out --component harbor &&
	ls out >hosts &&
	echo harbor >expect &&
	test_cmp expect hosts &&
	(cd out/harbor && find . -type f | LC_ALL=C sort) >files &&
	cat >expect <<-\EOF &&
	./RESOURCES
	./opt/harbor/cert/ca.crt
	./opt/harbor/cert/server.crt
	./opt/harbor/cert/server.key
	./opt/harbor/harbor.yml
	EOF
	test_cmp expect files &&
	test "$(stat -c %a out/harbor/opt/harbor/harbor.yml)" = 600 &&
	test "$(stat -c %a out/harbor/opt/harbor/cert/server.key)" = 600 &&
	test "$(stat -c %a out/harbor/opt/harbor/cert/server.crt)" = 644 &&
	cmp out/harbor/opt/harbor/cert/ca.crt .kcfg/pki/ca.crt &&
	cmp out/harbor/opt/harbor/cert/server.crt .kcfg/pki/server.crt
'

test_expect_success 'harbor.yml names the registry, the certificate paths and the data volume' '
	head -n 1 out/harbor/opt/harbor/harbor.yml >first &&
	test_grep "# Written by kcfg" first &&
	test_grep "hostname: harbor.internal" out/harbor/opt/harbor/harbor.yml &&
	test_grep "  certificate: /opt/harbor/cert/server.crt" out/harbor/opt/harbor/harbor.yml &&
	test_grep "  private_key: /opt/harbor/cert/server.key" out/harbor/opt/harbor/harbor.yml &&
	test_grep "data_volume: /data" out/harbor/opt/harbor/harbor.yml &&
	test_grep "_version: 2.15.0" out/harbor/opt/harbor/harbor.yml
'

test_expect_success PYYAML 'the passwords read back unchanged, as Harbor'"'"'s prepare reads them' '
	python3 -c "
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
print(d[\"harbor_admin_password\"])
print(d[\"database\"][\"password\"])
print(d[\"https\"][\"port\"], d[\"http\"][\"port\"], d[\"log\"][\"level\"])
" out/harbor/opt/harbor/harbor.yml >actual &&
	cat >expect <<-\EOF &&
	a: b # c
	'"'"'q" $x & {y}
	443 80 info
	EOF
	test_cmp expect actual
'

test_expect_success YAMLLINT 'harbor.yml passes yamllint and the certificates the checker' '
	if test_have_prereq OPENSSL; then
		"$SRCDIR/tests/tools/validate-all" --cert-host harbor.internal \
			--cert-ip 10.18.20.11 out/harbor 2>validate.err ||
			{ cat validate.err; false; }
	else
		yamllint -s -c "$SRCDIR/.yamllint" out/harbor/opt/harbor/harbor.yml
	fi
'

test_expect_success OPENSSL 'the server key belongs to the server certificate' '
	openssl x509 -noout -pubkey -in out/harbor/opt/harbor/cert/server.crt >crt.pub &&
	openssl pkey -pubout -in out/harbor/opt/harbor/cert/server.key >key.pub &&
	test_cmp crt.pub key.pub
'

test_expect_success 'RESOURCES lists packages, the pinned installer and the guarded install' '
	r=out/harbor/RESOURCES &&
	test_grep "harbor     packages:docker.io,docker-compose-v2 installed" $r &&
	test_grep "harbor     service:docker enabled started" $r &&
	test_grep "harbor     upload:/var/cache/kcfg/harbor-online-installer-v2.15.2.tgz sha256=88f6a7436b31890e8e472972a7433d36b7d6a36de9adeb86337fdc9fe7fb5fa3" $r &&
	test_grep "harbor     command:/opt/harbor/.kcfg-installer-v2.15.2" $r &&
	test_grep "harbor     file:/opt/harbor/harbor.yml mode=0600 secret" $r &&
	test_grep "harbor     file:/opt/harbor/cert/server.key mode=0600 secret" $r &&
	test_grep "    run: cd '"'"'/opt/harbor'"'"' && ./install.sh && " $r &&
	test_grep " | cmp -s - .kcfg-installed && test \"\$(docker inspect " $r
'

test_expect_success 'install_dir, data_volume and the release come from cluster.yaml' '
	cat >other.yaml <<-\EOF &&
	registry:
	  cert_days: 825
	  install_dir: /srv/harbor
	  data_volume: /srv/harbor-data
	versions:
	  harbor: v2.14.1
	  harbor_sha256: 1111111111111111111111111111111111111111111111111111111111111111
	EOF
	"$KCFG" -c other.yaml render -o other --facts "$FACTS" --vault-password-file pwfile \
		--component harbor 2>err &&
	y=other/harbor/srv/harbor/harbor.yml &&
	test_grep "  certificate: /srv/harbor/cert/server.crt" $y &&
	test_grep "data_volume: /srv/harbor-data" $y &&
	test_grep "_version: 2.14.0" $y &&
	test_grep "upload:/var/cache/kcfg/harbor-online-installer-v2.14.1.tgz sha256=1111" other/harbor/RESOURCES
'

test_expect_success 'a missing vault password names the key and the vault' '
	grep -v harbor_db_password vault.yaml >v2.yaml &&
	test_must_fail "$KCFG" render -o bad --facts "$FACTS" --vault v2.yaml \
		--vault-password-file pwfile --component harbor 2>err &&
	test_grep "error: host '"'"'harbor'"'"': '"'"'harbor_db_password'"'"' is not set in '"'"'" err &&
	test_grep "add it with '"'"'kcfg vault edit " err &&
	test ! -e bad
'

test_expect_success 'the same inputs render the same bytes' '
	render -o again --component harbor &&
	diff -r out again
'

test_expect_success 'no vault secret outside harbor.yml, the server key and Grafana'"'"'s Secret' '
	render -o all &&
	grep -rlF "a: b # c" all >where &&
	grep -rlF "{y}" all >>where &&
	sort -u where >actual &&
	echo all/harbor/opt/harbor/harbor.yml >expect &&
	test_cmp expect actual &&
	key=$(sed -n 2p all/harbor/opt/harbor/cert/server.key) &&
	grep -rlF "$key" all >actual &&
	echo all/harbor/opt/harbor/cert/server.key >expect &&
	test_cmp expect actual &&
	! grep -rlF "Gr4fana-only" all | grep -v /monitoring/
'

test_done
