#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg ping on sandbox hosts: ok, unreachable, auth, host keys, sudo'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"

sandbox_start ta 10.250.51 3

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'the sandbox inventory names every host, its key and known_hosts' '
	"$SB" inventory >inv &&
	test $(grep -c -F -e "${SANDBOX_PREFIX}1 ansible_host=$(sb_ip 1) ansible_user=root" \
		-e "${SANDBOX_PREFIX}2 ansible_host=$(sb_ip 2) ansible_user=root" \
		-e "${SANDBOX_PREFIX}3 ansible_host=$(sb_ip 3) ansible_user=root" inv) -eq 3 &&
	test $(grep -c " ansible_user=root ansible_ssh_private_key_file=$SB_KEY ansible_ssh_common_args=-oUserKnownHostsFile=$SB_KNOWN$" inv) -eq 3 &&
	test $(wc -l <"$SB_KNOWN") -eq 3
'

test_expect_success SANDBOX 'ping is ok on every host, as root' '
	sb_ping -u root -H ta1=$(sb_ip 1) -H ta2=$(sb_ip 2) -H ta3=$(sb_ip 3) >out 2>err &&
	for i in 1 2 3; do
		grep -E "^ta$i +ok  rtt [0-9.]+ ms \(avg [0-9.]+ ms\)  connect [0-9]+ ms  uid 0$" out || exit 1
	done &&
	test ! -s err
'

test_expect_success SANDBOX 'ping reads the sandbox inventory' '
	"$SB" inventory >inv &&
	"$KCFG" -i inv ping --count 1 >out 2>err &&
	test $(grep -c -E "^$SANDBOX_PREFIX[123] +ok  rtt [0-9.]+ ms  connect [0-9]+ ms  uid 0$" out) -eq 3 &&
	"$KCFG" -i inv ping --count 1 -u tester >out &&
	test $(grep -c "uid 0$" out) -eq 3
'

test_expect_success SANDBOX 'a wrong key is reported as auth refused' '
	ssh-keygen -q -t ed25519 -N "" -f other.key &&
	test_expect_code 1 "$KCFG" ping -u root --key other.key \
		--ssh-args "-oUserKnownHostsFile=$SB_KNOWN -oIdentityAgent=none" \
		-H ta1=$(sb_ip 1) >out 2>err &&
	grep -E "^ta1 +auth refused$" out &&
	cat >expect <<-EOT &&
	error: login to '"'"'ta1'"'"' ($(sb_ip 1)) as '"'"'root'"'"' refused: permission denied (publickey)
	  hint: check ansible_user and ansible_ssh_private_key_file for this host, or that ssh-agent holds the right key
	0 of 1 host answered
	EOT
	test_cmp expect err
'

test_expect_success SANDBOX 'a changed host key is reported as such' '
	ssh-keygen -q -t ed25519 -N "" -f fake-host-key &&
	echo "$(sb_ip 1) $(cut -d" " -f1,2 fake-host-key.pub)" >known_hosts &&
	test_expect_code 1 "$KCFG" ping -u root --key "$SB_KEY" \
		--ssh-args "-oUserKnownHostsFile=$PWD/known_hosts -oStrictHostKeyChecking=yes" \
		-H ta1=$(sb_ip 1) >out 2>err &&
	grep -E "^ta1 +host key changed$" out &&
	test_grep "error: the host key of '"'"'ta1'"'"' ($(sb_ip 1)) has changed" err &&
	test_grep "hint: if the host was reinstalled, remove its old key with '"'"'ssh-keygen -R $(sb_ip 1)'"'"'" err
'

test_expect_success SANDBOX 'an unknown host key is refused under strict checking' '
	: >empty_known_hosts &&
	test_expect_code 1 "$KCFG" ping -u root --key "$SB_KEY" \
		--ssh-args "-oUserKnownHostsFile=$PWD/empty_known_hosts -oStrictHostKeyChecking=yes" \
		-H ta1=$(sb_ip 1) >out 2>err &&
	grep -E "^ta1 +host key unknown$" out &&
	test_grep "error: the host key of '"'"'ta1'"'"' ($(sb_ip 1)) is not known" err
'

test_expect_success SANDBOX 'become with passwordless sudo runs as root' '
	sb_ping -u tester -H ta1=$(sb_ip 1) >out 2>err &&
	grep -E "^ta1 +ok .* uid 1000$" out &&
	sb_ping -u tester --become -H ta1=$(sb_ip 1) -H ta2=$(sb_ip 2) >out 2>err &&
	grep -E "^ta1 +ok .* uid 0$" out &&
	grep -E "^ta2 +ok .* uid 0$" out
'

test_expect_success SANDBOX 'a user without sudo gets sudo refused' '
	test_expect_code 1 sb_ping -u nosudo --become -H ta1=$(sb_ip 1) >out 2>err &&
	grep -E "^ta1 +sudo refused$" out &&
	cat >expect <<-EOT &&
	error: sudo refused on '"'"'ta1'"'"' ($(sb_ip 1)): a password is required
	  hint: give the sudo password (ansible_become_password in the vault, or -K to type it), or allow '"'"'nosudo'"'"' passwordless sudo
	0 of 1 host answered
	EOT
	test_cmp expect err
'

test_expect_success SANDBOX 'sudo with a password: right one works, wrong one is refused' '
	echo sandbox >pw &&
	echo wrong >badpw &&
	sb_ping -u pwsudo --become-password-file pw -H ta1=$(sb_ip 1) >out 2>err &&
	grep -E "^ta1 +ok .* uid 0$" out &&
	test_expect_code 1 sb_ping -u pwsudo --become-password-file badpw -H ta1=$(sb_ip 1) >out 2>err &&
	grep -E "^ta1 +sudo refused$" out &&
	test_grep "error: sudo refused on '"'"'ta1'"'"' ($(sb_ip 1)): wrong password" err &&
	test_expect_code 1 sb_ping -u pwsudo --become -H ta1=$(sb_ip 1) 2>err &&
	test_grep "a password is required" err &&
	! ps -eo args | grep -e "sandbox" | grep -v grep | grep -q -e "-S.*sandbox"
'

test_expect_success SANDBOX 'a stopped host is unreachable while the others answer' '
	"$SB" stop 2 &&
	test_expect_code 1 sb_ping -u root --timeout 3 \
		-H ta1=$(sb_ip 1) -H ta2=$(sb_ip 2) -H ta3=$(sb_ip 3) >out 2>err &&
	grep -E "^ta1 +ok " out &&
	grep -E "^ta2 +unreachable$" out &&
	grep -E "^ta3 +ok " out &&
	grep -E "^error: cannot connect to '"'"'ta2'"'"' \($(sb_ip 2)\): (no route to host|connection timed out)$" err &&
	test_grep "2 of 3 hosts answered" err
'

test_done
