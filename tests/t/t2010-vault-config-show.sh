#!/bin/sh
test_description='config show: the vault secrets reach the model and print only as <redacted>'
. "$(dirname "$0")/../test-lib.sh"

MDX=$SRCDIR/examples/mdx

test_expect_success 'config show lists each secret as <redacted> or (not set)' '
	"$KCFG" -i "$MDX/inventory.ini" -c "$MDX/cluster.yaml" config show \
		--vault-password-file "$MDX/vault-password.txt" >out &&
	tail -n 5 out >secrets &&
	cat >expect <<-\EOT &&
	# secrets from the vault (never printed):
	#   harbor_admin_password: <redacted>
	#   harbor_db_password: <redacted>
	#   grafana_password: <redacted>
	#   ansible_become_password: (not set)
	EOT
	test_cmp expect secrets &&
	! grep -F -e "Harbor: admin" -e "db-p@ss" -e "grafana-example-pw" out
'

test_expect_success 'ansible-playbook'"'"'s spelling --vault-pass-file works too' '
	"$KCFG" -i "$MDX/inventory.ini" -c "$MDX/cluster.yaml" config show \
		--vault-pass-file "$MDX/vault-password.txt" >out2 &&
	test_cmp out out2
'

test_expect_success 'the output with secrets still loads as cluster.yaml' '
	"$KCFG" -c out config show >again &&
	head -n -5 out >settings-only &&
	test_cmp settings-only again
'

test_expect_success 'the password file named in the environment is enough' '
	KCFG_VAULT_PASSWORD_FILE="$MDX/vault-password.txt" \
		"$KCFG" -i "$MDX/inventory.ini" -c "$MDX/cluster.yaml" config show >out2 &&
	test_grep "#   grafana_password: <redacted>" out2
'

test_expect_success 'without any vault option there is no secrets section' '
	"$KCFG" -i "$MDX/inventory.ini" -c "$MDX/cluster.yaml" config show >out3 &&
	! grep -q "secrets from the vault" out3
'

test_expect_success 'a wrong password is an error, not an empty section' '
	echo nope >wrong &&
	test_expect_code 1 "$KCFG" -i "$MDX/inventory.ini" -c "$MDX/cluster.yaml" config show \
		--vault-password-file wrong >out4 2>err &&
	test_grep "decryption failed" err &&
	test_must_fail test -s out4
'

test_done
