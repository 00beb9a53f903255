#!/bin/sh
test_description='vault: encrypt-string and YAML files with inline !vault values'
. "$(dirname "$0")/../test-lib.sh"

printf "pw\n" >pw

test_expect_success 'encrypt-string reads stdin and prints a named !vault value' '
	printf "s3cret" | "$KCFG" vault encrypt-string --vault-password-file pw \
		--name grafana_password >out &&
	head -n 2 out >head &&
	printf "%s\n" "grafana_password: !vault |" "          \$ANSIBLE_VAULT;1.1;AES256" >expect &&
	test_cmp expect head &&
	sed -n "3,\$p" out >rest &&
	test -s rest &&
	! grep -vE "^          [0-9a-f]{1,80}$" rest &&
	test "$(tail -c 1 out | od -An -tx1 | tr -d " ")" = 0a
'

test_expect_success 'without a name, and with --stdin-name, and with a vault id' '
	printf "x" | "$KCFG" vault encrypt-string --vault-password-file pw >out &&
	head -n 1 out | grep -qx "!vault |" &&
	printf "x" | "$KCFG" vault encrypt-string --vault-id dev@pw --stdin-name n >out &&
	head -n 2 out | tail -n 1 | grep -qx "          \$ANSIBLE_VAULT;1.2;AES256;dev" &&
	printf "x" | "$KCFG" vault encrypt_string --vault-password-file pw -n k >out &&
	head -n 1 out | grep -qx "k: !vault |"
'

test_expect_success 'a value on the command line is refused: it would be in the process list' '
	test_expect_code 64 "$KCFG" vault encrypt-string --vault-password-file pw \
		--name k s3cret 2>err &&
	test_grep "error: refusing to encrypt a string given on the command line" err &&
	! grep -F -e "!vault" err
'

test_expect_success 'empty stdin is an error' '
	test_expect_code 1 "$KCFG" vault encrypt-string --vault-password-file pw </dev/null 2>err &&
	test_grep "error: standard input was empty; nothing was encrypted" err
'

test_expect_success '--output writes a 0600 file' '
	printf "v" | "$KCFG" vault encrypt-string --vault-password-file pw -n k --output o.yml &&
	test "$(stat -c %a o.yml)" = 600 &&
	head -n 1 o.yml | grep -qx "k: !vault |"
'

test_expect_success 'view decrypts inline values in place and keeps everything else' '
	cat >vault.yml <<-\EOT &&
	---
	# the cluster'"'"'s secrets
	harbor_user: admin   # not secret
	EOT
	printf "Harbor12345" | "$KCFG" vault encrypt-string --vault-password-file pw \
		--name harbor_admin_password >>vault.yml &&
	echo "harbor_db_password: plain-db" >>vault.yml &&
	printf "line1\n\"quoted\"\\\\" | "$KCFG" vault encrypt-string \
		--vault-password-file pw --name grafana_password >>vault.yml &&
	echo "list: [a, b]" >>vault.yml &&
	"$KCFG" vault view --vault-password-file pw vault.yml >out &&
	cat >expect <<-\EOT &&
	---
	# the cluster'"'"'s secrets
	harbor_user: admin   # not secret
	harbor_admin_password: "Harbor12345"
	harbor_db_password: plain-db
	grafana_password: "line1\n\"quoted\"\\"
	list: [a, b]
	EOT
	test_cmp expect out
'

test_expect_success 'the decrypted view is itself YAML that reads back the same values' '
	"$KCFG" vault check --vault-password-file pw out >from-view 2>/dev/null &&
	"$KCFG" vault check --vault-password-file pw vault.yml >from-vault 2>/dev/null &&
	test_cmp from-vault from-view
'

test_expect_success 'view: a wrong password names the value and its place' '
	printf "wrong\n" >wrongpw &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file wrongpw vault.yml >out 2>err &&
	test_grep "error: decryption failed for the value of '"'"'harbor_admin_password'"'"' at vault.yml:4:24" err &&
	! test -s out
'

test_expect_success 'decrypt and edit refuse a file of inline values, pointing to view' '
	test_expect_code 1 "$KCFG" vault decrypt --vault-password-file pw vault.yml 2>err &&
	test_grep "error: '"'"'vault.yml'"'"' is not vault encrypted" err &&
	test_grep "hint: it holds inline !vault values; '"'"'kcfg vault view vault.yml'"'"' shows them decrypted" err
'

test_expect_success 'view of invalid YAML says where' '
	printf "a: [b\nc: !vault |\n  x\n" >bad.yml &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file pw bad.yml 2>err &&
	test_grep "error: bad.yml:" err &&
	test_grep "invalid YAML" err
'

test_expect_success 'an inline value that is not a vault is reported' '
	printf "k: !vault |\n  not-a-vault\n" >junk.yml &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file pw junk.yml 2>err &&
	test_grep "error: the value of '"'"'k'"'"' at junk.yml:1:4 is not vault encrypted" err
'

test_done
