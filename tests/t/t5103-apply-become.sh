#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg apply as a user that is not root: sudo, its password from the vault, a file or a prompt'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

sandbox_start ef 10.250.66 3
# the prompt tests need a pseudo-terminal (python3) or none at all (setsid)
if test_have_prereq SANDBOX; then
	command -v python3 >/dev/null 2>&1 && test_set_prereq SANDBOX_PTY
	command -v setsid >/dev/null 2>&1 && test_set_prereq SANDBOX_SETSID
fi

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
	test_grep "hint: give the sudo password (ansible_become_password in the vault, or -K to type it)" err
'

test_expect_success SANDBOX '--become-password-file gives sudo its password on stdin' '
	echo sandbox >becomepw &&
	sed -i "s/made by/made with a file by/" cluster.yaml &&
	"$KCFG" apply -C extras --become-password-file becomepw >out 2>err &&
	for i in 1 2 3; do
		test "$(sb_on $i cat /etc/kcfg-become.conf)" = "made with a file by $(sb_host $i)" || exit 1
	done &&
	test_must_fail grep -rq sandbox out err .kcfg/logs
'

test_expect_success SANDBOX_PTY '-K asks for the password on the terminal, without echo; live progress there' '
	sed -i "s/made with a file by/made after a prompt by/" cluster.yaml &&
	python3 "$SRCDIR/tests/tools/pty-run.py" sandbox -- "$KCFG" apply -C extras -K >transcript &&
	test_grep "BECOME password: " transcript &&
	test_must_fail grep -q sandbox transcript &&
	for i in 1 2 3; do
		test "$(sb_on $i cat /etc/kcfg-become.conf)" = "made after a prompt by $(sb_host $i)" || exit 1
	done &&
	# on a terminal the progress is one line per host (its phase, its state), redrawn in place
	esc=$(printf "\033") &&
	for i in 1 2 3; do
		grep -q "$esc\[2K  $(sb_host $i) \+hosts: done, 1 changed\$" transcript || exit 1
	done &&
	grep -q "$esc\[3A" transcript &&
	test_must_fail grep -q "^$(sb_host 1): done" transcript
'

test_expect_success SANDBOX_SETSID '-K without a terminal says so' '
	test_expect_code 1 setsid -w "$KCFG" plan -C extras -K </dev/null >out 2>err &&
	test_grep "error: cannot ask for the become password" err &&
	test_grep "hint: run kcfg from a terminal, or give --become-password-file FILE" err
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
