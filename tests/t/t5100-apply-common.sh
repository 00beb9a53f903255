#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg plan and apply of the common component on sandbox hosts'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# host 4 joins late: the inventory names it only from the --limit tests on
sandbox_start ea 10.250.61 4
sb_apt_prereq

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

# Offline hosts: apt reads a local repository; unattended-upgrades (a
# stand-in package of that name) is installed and the apt lists are old.
test_expect_success SANDBOX_APT 'set up: inventory, local apt repository, old apt lists' '
	sb_inventory 3 &&
	sb_cluster_yaml >cluster.yaml &&
	sb_local_repo 3 unattended-upgrades &&
	for i in 1 2 3; do
		sb_on $i "dpkg -i /var/local/kcfg-repo/unattended-upgrades_1.0_all.deb >/dev/null &&
			find /var/lib/apt/lists -maxdepth 1 -type f -exec touch -d \"3 hours ago\" {} +" ||
			exit 1
	done
'

test_expect_success SANDBOX_APT 'plan shows /etc/hosts, the package removal and the apt refresh' '
	test_expect_code 2 "$KCFG" plan -C common --detailed-exitcode >out 2>err &&
	for i in 1 2 3; do
		h=$(sb_host $i) &&
		test_grep "$h:" out &&
		test_grep "$h: 3 to change, 1 unchanged" out || exit 1
	done &&
	test $(grep -c "^  ~ file /etc/hosts \[common\]$" out) -eq 3 &&
	test $(grep -c "^  - uninstall unattended-upgrades \[common\]$" out) -eq 3 &&
	test $(grep -c "^  ! run '"'"'apt-get update -q && mkdir -p /var/lib/kcfg && touch /var/lib/kcfg/apt...'"'"' \[common\]$" out) -eq 3 &&
	test_grep "      -127.0.1.1 $(sb_host 1)" out &&
	test_grep "      +$(sb_ip 1) $(sb_host 1) $(sb_host 1).internal" out &&
	test_grep "      +$(sb_ip 2) $(sb_host 2) $(sb_host 2).internal harbor harbor.internal" out &&
	test_grep "plan: 9 to change on 3 of 3 hosts" out &&
	test ! -s err
'

test_expect_success SANDBOX_APT 'apply makes exactly those changes on every host' '
	for i in 1 2 3; do sb_on $i "cat /etc/hosts" >orig-hosts.$i || exit 1; done &&
	"$KCFG" apply -C common >out 2>err &&
	for i in 1 2 3; do
		grep -E "^$(sb_host $i) +changed +3 +1 +0 +[0-9.]+s$" out || exit 1
	done &&
	test $(grep -c ": done$" out) -eq 9 &&
	for i in 1 2 3; do
		sb_on $i "cat /etc/hosts" >hosts.$i &&
		test_grep "$(sb_ip 3) $(sb_host 3) $(sb_host 3).internal" hosts.$i &&
		test_grep "127.0.0.1 localhost" hosts.$i &&
		sb_on $i "cat /etc/hosts.kcfg-orig" >kept.$i &&
		test_cmp orig-hosts.$i kept.$i &&
		test_must_fail sb_on $i "dpkg-query -W -f=\"\\\${db:Status-Abbrev}\" unattended-upgrades | grep -q ^ii" &&
		sb_on $i "test -f /var/lib/kcfg/apt-updated" &&
		test "$(sb_on $i hostname)" = "$(sb_host $i)" || exit 1
	done &&
	test_cmp hosts.1 hosts.2 && test_cmp hosts.1 hosts.3
'

test_expect_success SANDBOX_APT 'a second plan reports zero changes' '
	"$KCFG" plan -C common --detailed-exitcode >out 2>err &&
	cat >expect <<-EOF &&
	$(sb_host 1): no changes (4 resources)
	$(sb_host 2): no changes (4 resources)
	$(sb_host 3): no changes (4 resources)
	plan: 0 to change on 0 of 3 hosts
	EOF
	test_cmp expect out
'

test_expect_success SANDBOX_APT 'a second apply changes nothing' '
	"$KCFG" apply -C common >out 2>err &&
	for i in 1 2 3; do
		grep -E "^$(sb_host $i) +ok +0 +4 +0 +[0-9.]+s$" out || exit 1
	done &&
	test_must_fail grep -q ": done$" out
'

test_expect_success SANDBOX_APT 'a hand edit of /etc/hosts shows as a diff and apply puts it back' '
	sb_on 2 "echo 10.9.9.9 intruder >>/etc/hosts" &&
	test_expect_code 2 "$KCFG" plan -C common --detailed-exitcode >out 2>err &&
	cat >expect <<-EOF &&
	$(sb_host 2):
	  ~ file /etc/hosts [common]
	      --- /etc/hosts (on $(sb_host 2))
	      +++ /etc/hosts (kcfg)
	      @@ -10,4 +10,3 @@
	       $(sb_ip 1) $(sb_host 1) $(sb_host 1).internal
	       $(sb_ip 2) $(sb_host 2) $(sb_host 2).internal harbor harbor.internal
	       $(sb_ip 3) $(sb_host 3) $(sb_host 3).internal
	      -10.9.9.9 intruder
	$(sb_host 2): 1 to change, 3 unchanged
	EOF
	sed -n "/^$(sb_host 2):$/,/^$(sb_host 2): /p" out >got &&
	test_cmp expect got &&
	"$KCFG" apply -C common -l $(sb_host 2) >out 2>err &&
	sb_on 2 "cat /etc/hosts" >after &&
	test_cmp hosts.2 after &&
	sb_on 2 "cat /etc/hosts.kcfg-orig" >kept &&
	test_cmp orig-hosts.2 kept
'

test_expect_success SANDBOX_APT 'a wrong hostname is fixed and the hostname handler runs' '
	sb_on 3 "echo wrong >/etc/hostname && hostname wrong" &&
	test_expect_code 2 "$KCFG" plan -C common -l $(sb_host 3) --detailed-exitcode --no-diff >out &&
	test_grep "  ~ file /etc/hostname [common]" out &&
	test_grep "  * handler '"'"'hostname'"'"' (notified by file:/etc/hostname)" out &&
	"$KCFG" apply -C common -l $(sb_host 3) >out 2>err &&
	test_grep "  * handler '"'"'hostname'"'"' (notified by file:/etc/hostname): done" out &&
	test "$(sb_on 3 hostname)" = "$(sb_host 3)" &&
	test "$(sb_on 3 cat /etc/hostname)" = "$(sb_host 3)"
'

test_expect_success SANDBOX_APT 'an old apt cache is refreshed again, a fresh one is left alone' '
	sb_on 1 "touch -d \"2 hours ago\" /var/lib/kcfg/apt-updated" &&
	test_expect_code 2 "$KCFG" plan -C common --detailed-exitcode --no-diff >out &&
	test_grep "$(sb_host 1): 1 to change, 3 unchanged" out &&
	test_grep "$(sb_host 2): no changes (4 resources)" out
'

test_expect_success SANDBOX_APT 'the apply log names every change and holds no file content' '
	log=$(ls .kcfg/logs/*-apply.log | head -n 1) &&
	test "$(stat -c %a "$log")" = 600 &&
	test_grep "$(sb_host 1): done ~ file /etc/hosts [common]" "$log" &&
	test_grep "$(sb_host 1): done - uninstall unattended-upgrades [common]" "$log" &&
	test_must_fail grep -q "harbor.internal" "$log"
'

test_expect_success SANDBOX_APT 'a host added with --limit: the others are taken in for /etc/hosts alone, and say so' '
	sb_local_repo 4 unattended-upgrades &&
	sb_inventory 4 &&
	h4=$(sb_host 4) &&
	test_expect_code 2 "$KCFG" plan -C common -l $h4 --detailed-exitcode --no-diff >out 2>err &&
	for i in 1 2 3; do
		h=$(sb_host $i) &&
		grep -qx "$h: included for /etc/hosts: the names of --limit hosts" out &&
		sed -n "/^$h:\$/,/^$h: [0-9]/p" out >plan.$i &&
		grep -qx "  ~ file /etc/hosts \[common\]" plan.$i &&
		test $(grep -c "^  [-+~!] " plan.$i) = 1 &&
		grep -qx "$h: 1 to change, 0 unchanged" plan.$i || { cat out; exit 1; }
	done &&
	test_must_fail grep -q "^$h4: included" out &&
	test_grep "plan: 5 to change on 4 of 4 hosts" out
'

test_expect_success SANDBOX_APT 'apply --limit NEWHOST: every host knows the new name; nothing else of theirs ran' '
	"$KCFG" apply -C common -l $(sb_host 4) >out 2>err &&
	for i in 1 2 3 4; do
		sb_on $i "cat /etc/hosts" >hosts.$i &&
		grep -qx "$(sb_ip 4) $(sb_host 4) $(sb_host 4).internal" hosts.$i || exit 1
	done &&
	test_cmp hosts.1 hosts.4 && test_cmp hosts.2 hosts.4 && test_cmp hosts.3 hosts.4 &&
	log=$(ls -t .kcfg/logs/*-apply*.log | head -n 1) &&
	for i in 1 2 3; do
		sed -n "s/.* $(sb_host $i): done //p" "$log" >done.$i &&
		echo "~ file /etc/hosts [common]" >expect &&
		test_cmp expect done.$i &&
		test_must_fail grep -q " $(sb_host $i): facts gathered" "$log" || exit 1
	done &&
	# what is left is the old apt cache of host 1 (made so above), not /etc/hosts
	"$KCFG" plan -C common --no-diff >out 2>err &&
	test_must_fail grep -q "file /etc/hosts" out &&
	test_grep "$(sb_host 1): 1 to change, 3 unchanged" out
'

test_expect_success SANDBOX_APT 'once it leaves the inventory, an apply drops its name everywhere' '
	sb_inventory 3 &&
	test_expect_code 2 "$KCFG" plan -C common --detailed-exitcode >out 2>err &&
	test $(grep -c "^  ~ file /etc/hosts \[common\]\$" out) = 3 &&
	"$KCFG" apply -C common >out 2>err &&
	for i in 1 2 3; do
		sb_on $i "cat /etc/hosts" >hosts.$i &&
		test_must_fail grep -q "$(sb_host 4)" hosts.$i || exit 1
	done
'

test_expect_success SANDBOX_APT 'a host taken in that is down fails the run by name, and says why it was contacted' '
	sb_inventory 4 &&
	"$SB" stop 1 &&
	test_expect_code 1 "$KCFG" apply -C common -l $(sb_host 4) >out 2>err &&
	test_grep "cannot connect to '"'"'$(sb_host 1)'"'"'" err &&
	test_grep "hint: $(sb_host 1) was included for /etc/hosts: the names of --limit hosts; once it is back, apply again" err &&
	sb_on 2 "cat /etc/hosts" >hosts.2 &&
	grep -qx "$(sb_ip 4) $(sb_host 4) $(sb_host 4).internal" hosts.2
'

test_done
