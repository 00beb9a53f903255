#!/bin/sh
test_description='kcfg apply as a user that is not root: sudo, its password from the vault'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

sandbox_start ef 10.250.66 3

# inventory.ini logging in as USER on every host.
inventory_as() {
	sb_inventory 3 &&
	sed -i "s/^ansible_user=root$/ansible_user=$1/" inventory.ini
}

write_cluster() {
	sb_cluster_yaml >cluster.yaml
	cat >>cluster.yaml <<-\EOF
	extras:
	  - group: all
	    files:
	      - path: /etc/kcfg-become.conf
	        content: "made by {{ inventory_hostname }}\n"
	        mode: "0640"
	EOF
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'a user with passwordless sudo applies as root' '
	inventory_as tester &&
	write_cluster &&
	"$KCFG" apply -C extras >out 2>err &&
	for i in 1 2 3; do
		test "$(sb_on $i stat -c %a:%U:%G /etc/kcfg-become.conf)" = 640:root:root || exit 1
	done &&
	"$KCFG" plan -C extras --detailed-exitcode >out
'

test_expect_success SANDBOX 'without the sudo password, each host says sudo refused' '
	inventory_as pwsudo &&
	test_expect_code 1 "$KCFG" plan -C extras >out 2>err &&
	test_grep "error: sudo refused on '"'"'$(sb_host 1)'"'"' ($(sb_ip 1)): a password is required" err &&
	test_grep "hint: give the sudo password (ansible_become_password in the vault)" err
'

test_expect_success SANDBOX 'the vault'"'"'s ansible_become_password goes to sudo, not argv' '
	printf "ansible_become_password: sandbox\n" >vault.yaml &&
	echo vault-pass >pw &&
	"$KCFG" vault encrypt --vault-password-file pw vault.yaml &&
	write_cluster &&
	sed -i "s/made by/made for/" cluster.yaml &&
	"$KCFG" apply -C extras --vault-password-file pw >out 2>err &&
	for i in 1 2 3; do
		test "$(sb_on $i cat /etc/kcfg-become.conf)" = "made for $(sb_host $i)" || exit 1
	done &&
	test_must_fail grep -rq sandbox .kcfg/logs
'

test_expect_success SANDBOX 'a wrong sudo password is refused as such' '
	printf "ansible_become_password: wrong\n" >vault.yaml &&
	"$KCFG" vault encrypt --vault-password-file pw vault.yaml &&
	test_expect_code 1 "$KCFG" plan -C extras --vault-password-file pw >out 2>err &&
	test_grep "error: sudo refused on '"'"'$(sb_host 2)'"'"' ($(sb_ip 2)): wrong password" err
'

test_done
