#!/bin/sh
test_description='kcfg ping without sandbox hosts: local sessions, usage, loopback failures'
. "$(dirname "$0")/../test-lib.sh"

test_expect_success 'ping --local runs the session protocol through /bin/sh' '
	"$KCFG" ping --local --host a --host b=here --count 2 >out 2>err &&
	grep -E "^a     ok  rtt [0-9.]+ ms \(avg [0-9.]+ ms\)  connect [0-9]+ ms  uid $(id -u)$" out &&
	grep -E "^b     ok  " out &&
	test $(wc -l <out) -eq 2 &&
	test ! -s err
'

test_expect_success 'ping without hosts is a usage error with a hint' '
	test_expect_code 64 "$KCFG" ping 2>err &&
	cat >expect <<-\EOT &&
	error: no hosts to ping
	  hint: name them with --host NAME=ADDRESS (repeat for more hosts), or give an inventory with -i FILE
	EOT
	test_cmp expect err
'

test_expect_success 'ping reads the hosts and their variables from the inventory' '
	cat >inv.ini <<-\EOT &&
	[kube_master]
	m1 ansible_host=127.0.0.1 ansible_port=1
	[kube_node]
	n1 ansible_host=127.0.0.1 ansible_port=1 ansible_user=me
	EOT
	test_expect_code 1 "$KCFG" -i inv.ini ping >out 2>err &&
	grep -E "^m1    unreachable$" out &&
	grep -E "^n1    unreachable$" out &&
	test_grep "error: cannot connect to '"'"'n1'"'"' (127.0.0.1): connection refused" err &&
	test_expect_code 1 "$KCFG" -i nosuch.ini ping 2>err &&
	test_grep "nosuch.ini" err
'

test_expect_success 'ping rejects bad numbers and host specs' '
	test_expect_code 64 "$KCFG" ping --forks 0 --host a 2>err &&
	test_grep "error: --forks wants a number from 1 to 1000, not '"'"'0'"'"'" err &&
	test_expect_code 64 "$KCFG" ping --count x --host a 2>err &&
	test_grep "error: --count wants a number from 1 to 100000, not '"'"'x'"'"'" err &&
	test_expect_code 64 "$KCFG" ping --host =x 2>err &&
	test_grep "error: --host wants NAME=ADDRESS or NAME, not '"'"'=x'"'"'" err &&
	test_expect_code 64 "$KCFG" ping --hots a 2>err &&
	test_grep "hint: did you mean '"'"'--host'"'"'?" err
'

test_expect_success 'an unreadable key is reported before connecting' '
	test_expect_code 1 "$KCFG" ping --host h=127.0.0.1 --key nosuch.key >out 2>err &&
	test_grep "h     cannot start" out &&
	test_grep "error: cannot read the ssh key '"'"'nosuch.key'"'"' of '"'"'h'"'"': No such file or directory" err
'

test_expect_success 'a closed port on loopback is unreachable, with a hint' '
	test_expect_code 1 "$KCFG" ping --host lo=127.0.0.1 --port 1 >out 2>err &&
	grep -E "^lo    unreachable$" out &&
	cat >expect <<-\EOT &&
	error: cannot connect to '"'"'lo'"'"' (127.0.0.1): connection refused
	  hint: check that the host is up and that its ssh port is reachable from here, e.g. with '"'"'ssh -v 127.0.0.1'"'"'
	0 of 1 host answered
	EOT
	test_cmp expect err
'

test_done
