#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg apply of cluster.yaml extras on sandbox hosts: files, dirs, blocks, packages, services, commands'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

sandbox_start eb 10.250.62 3
sb_apt_prereq

write_cluster() {
	sb_cluster_yaml >cluster.yaml
	cat >>cluster.yaml <<-\EOF
	extras:
	  - group: all
	    packages: [kcfg-test-pkg]
	    directories:
	      - path: /opt/kcfg-lab
	        mode: "0750"
	    files:
	      - path: /etc/motd
	        content: |
	          Welcome to {{ inventory_hostname }} ({{ ansible_host }})
	      - path: /etc/systemd/system/kcfg-demo.service
	        content: |
	          [Unit]
	          Description=kcfg demo
	          [Service]
	          ExecStart=/bin/sleep infinity
	          [Install]
	          WantedBy=multi-user.target
	        notify: restart kcfg-demo
	    blocks:
	      - path: /etc/environment
	        marker: lab
	        content: "LAB_DATA=/opt/kcfg-lab\n"
	    absent: [/etc/kcfg-old]
	    services: [kcfg-demo]
	    commands:
	      - run: "hostname > /opt/kcfg-lab/stamp"
	        creates: /opt/kcfg-lab/stamp
	  - group: lab
	    files:
	      - path: /etc/kcfg-lab.conf
	        content: "lab={{ inventory_hostname }}\n"
	        mode: "0600"
	        owner: tester
	        group: tester
	EOF
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX_APT 'set up: inventory with a lab group, local apt repository' '
	SB_GROUPS="lab:2,3" sb_inventory 3 &&
	write_cluster &&
	sb_local_repo 3 kcfg-test-pkg &&
	for i in 1 2 3; do sb_on $i "apt-get update -q >/dev/null" || exit 1; done &&
	sb_on 1 "echo old >/etc/kcfg-old"
'

test_expect_success SANDBOX_APT 'plan lists every extra, per host and group' '
	test_expect_code 2 "$KCFG" plan -C extras --detailed-exitcode >out 2>err &&
	sed -n "/^$(sb_host 1):$/,/^$(sb_host 1): /p" out >got &&
	cat >expect <<-EOF &&
	$(sb_host 1):
	  + install kcfg-test-pkg [extras]
	  + dir /opt/kcfg-lab (0750 root:root) [extras]
	  ~ file /etc/motd [extras]
	  + file /etc/systemd/system/kcfg-demo.service (0644 root:root) [extras]
	  + block '"'"'lab'"'"' in /etc/environment [extras]
	  - remove /etc/kcfg-old [extras]
	  * systemctl daemon-reload (unit files changed)
	  ~ service kcfg-demo: enable, start [extras]
	  ! run '"'"'hostname > /opt/kcfg-lab/stamp'"'"' [extras]
	  * handler '"'"'restart kcfg-demo'"'"' (notified by file:/etc/systemd/system/kcfg-demo.service)
	$(sb_host 1): 10 to change, 0 unchanged
	EOF
	grep -v "^      " got >lines &&
	test_cmp expect lines &&
	test_grep "      +Welcome to $(sb_host 1) ($(sb_ip 1))" got &&
	test_grep "  + file /etc/kcfg-lab.conf (0600 tester:tester) [extras]" out &&
	test_grep "$(sb_host 2): 10 to change, 1 unchanged" out &&
	test_grep "plan: 30 to change on 3 of 3 hosts" out
'

test_expect_success SANDBOX_APT 'apply makes them all' '
	"$KCFG" apply -C extras >out 2>err &&
	grep -E "^$(sb_host 1) +changed +10 +0 +0 " out &&
	grep -E "^$(sb_host 2) +changed +10 +1 +0 " out &&
	for i in 1 2 3; do
		test "$(sb_on $i cat /etc/motd)" = "Welcome to $(sb_host $i) ($(sb_ip $i))" &&
		test "$(sb_on $i cat /opt/kcfg-lab/stamp)" = "$(sb_host $i)" &&
		test "$(sb_on $i stat -c %a /opt/kcfg-lab)" = 750 &&
		test "$(sb_on $i systemctl is-active kcfg-demo)" = active &&
		test "$(sb_on $i systemctl is-enabled kcfg-demo)" = enabled &&
		sb_on $i "dpkg-query -W -f=\"\\\${db:Status-Abbrev}\" kcfg-test-pkg | grep -q ^ii" &&
		sb_on $i "grep -x LAB_DATA=/opt/kcfg-lab /etc/environment" &&
		sb_on $i "test ! -e /etc/kcfg-old" || exit 1
	done &&
	test "$(sb_on 2 stat -c %a:%U:%G /etc/kcfg-lab.conf)" = 600:tester:tester &&
	test "$(sb_on 3 cat /etc/kcfg-lab.conf)" = "lab=$(sb_host 3)" &&
	sb_on 1 "test ! -e /etc/kcfg-lab.conf"
'

test_expect_success SANDBOX_APT 'a second plan reports zero changes, a second apply changes nothing' '
	"$KCFG" plan -C extras --detailed-exitcode >out 2>err &&
	test_grep "plan: 0 to change on 0 of 3 hosts" out &&
	test_grep "$(sb_host 1): no changes (8 resources)" out &&
	test_grep "$(sb_host 2): no changes (9 resources)" out &&
	"$KCFG" apply -C extras >out 2>err &&
	grep -E "^$(sb_host 1) +ok +0 +8 +0 " out &&
	grep -E "^$(sb_host 2) +ok +0 +9 +0 " out
'

test_expect_success SANDBOX_APT 'drift by hand is planned as diffs and repaired by apply' '
	sb_on 2 "chmod 644 /etc/kcfg-lab.conf &&
		sed -i s/LAB_DATA=.*/LAB_DATA=elsewhere/ /etc/environment &&
		systemctl stop kcfg-demo && echo tampered >/etc/motd" &&
	test_expect_code 2 "$KCFG" plan -C extras -l lab --detailed-exitcode >out 2>err &&
	sed -n "/^$(sb_host 2):$/,/^$(sb_host 2): /p" out >got &&
	cat >expect <<-EOF &&
	$(sb_host 2):
	  ~ file /etc/motd [extras]
	      --- /etc/motd (on $(sb_host 2))
	      +++ /etc/motd (kcfg)
	      @@ -1 +1 @@
	      -tampered
	      +Welcome to $(sb_host 2) ($(sb_ip 2))
	  ~ block '"'"'lab'"'"' in /etc/environment [extras]
	      --- /etc/environment#lab (on $(sb_host 2))
	      +++ /etc/environment#lab (kcfg)
	      @@ -1 +1 @@
	      -LAB_DATA=elsewhere
	      +LAB_DATA=/opt/kcfg-lab
	  ~ service kcfg-demo: start [extras]
	  ~ file /etc/kcfg-lab.conf, mode 0644 -> 0600 [extras]
	$(sb_host 2): 4 to change, 5 unchanged
	EOF
	test_cmp expect got &&
	test_grep "$(sb_host 3): no changes (9 resources)" out &&
	"$KCFG" apply -C extras -l lab >out 2>err &&
	grep -E "^$(sb_host 2) +changed +4 +5 +0 " out &&
	"$KCFG" plan -C extras --detailed-exitcode >out 2>err &&
	test "$(sb_on 2 stat -c %a /etc/kcfg-lab.conf)" = 600 &&
	test "$(sb_on 2 systemctl is-active kcfg-demo)" = active
'

test_expect_success SANDBOX_APT 'a changed unit file reloads systemd and restarts the service once' '
	sed -i "s|ExecStart=/bin/sleep infinity|ExecStart=/bin/sleep 86400|" cluster.yaml &&
	sb_on 1 "systemctl show -p MainPID --value kcfg-demo" >pid.before &&
	"$KCFG" apply -C extras -l $(sb_host 1) >out 2>err &&
	cat >expect <<-EOF &&
	$(sb_host 1):
	  ~ file /etc/systemd/system/kcfg-demo.service [extras]: done
	  * systemctl daemon-reload (unit files changed): done
	  * handler '"'"'restart kcfg-demo'"'"' (notified by file:/etc/systemd/system/kcfg-demo.service): done
	EOF
	sed -n "1,4p" out >got &&
	test_cmp expect got &&
	sb_on 1 "systemctl show -p MainPID --value kcfg-demo" >pid.after &&
	! test_cmp pid.before pid.after &&
	sb_on 1 "systemctl show -p ExecStart --value kcfg-demo" | grep -q "sleep 86400"
'

test_expect_success SANDBOX_APT 'a package installed and removed on one host is a conflict' '
	cp cluster.yaml cluster.good &&
	cat >>cluster.yaml <<-\EOF &&
	  - group: lab
	    packages_absent: [kcfg-test-pkg]
	EOF
	test_expect_code 1 "$KCFG" plan -C extras -l $(sb_host 2) 2>err &&
	test_grep "error: on '"'"'$(sb_host 2)'"'"': package '"'"'kcfg-test-pkg'"'"' is both installed (from component '"'"'extras'"'"') and removed (from component '"'"'extras'"'"')" err
'

test_expect_success SANDBOX_APT 'packages_absent removes a package; once gone it is no change' '
	sed "s/    packages: \[kcfg-test-pkg\]/    packages_absent: [kcfg-test-pkg]/" cluster.good >cluster.yaml &&
	test_expect_code 2 "$KCFG" plan -C extras -l $(sb_host 1) --detailed-exitcode >out &&
	test_grep "  - uninstall kcfg-test-pkg [extras]" out &&
	"$KCFG" apply -C extras -l $(sb_host 1) >out 2>err &&
	test_must_fail sb_on 1 "dpkg-query -W -f=\"\\\${db:Status-Abbrev}\" kcfg-test-pkg | grep -q ^ii" &&
	"$KCFG" plan -C extras -l $(sb_host 1) --detailed-exitcode >out
'

test_expect_success SANDBOX_APT 'a file with src is uploaded once, checked by sha256' '
	head -c 3000000 /dev/urandom >tool.bin &&
	cat >>cluster.yaml <<-\EOF &&
	  - group: all
	    files:
	      - {path: /usr/local/bin/kcfg-tool, src: tool.bin, mode: "0750", owner: tester}
	EOF
	test_expect_code 2 "$KCFG" plan -C extras -l $(sb_host 1) --detailed-exitcode >out &&
	test_grep "  > upload /usr/local/bin/kcfg-tool (0750 tester:) [extras]" out &&
	"$KCFG" apply -C extras >out 2>err &&
	test_grep "  > upload /usr/local/bin/kcfg-tool (0750 tester:) [extras]: done" out &&
	sha=$(sha256sum <tool.bin | cut -c1-64) &&
	for i in 1 2 3; do
		test "$(sb_on $i sha256sum /usr/local/bin/kcfg-tool | cut -c1-64)" = "$sha" &&
		test "$(sb_on $i stat -c %a:%U /usr/local/bin/kcfg-tool)" = 750:tester || exit 1
	done &&
	"$KCFG" plan -C extras --detailed-exitcode >out &&
	sb_on 2 "echo tampered >>/usr/local/bin/kcfg-tool" &&
	test_expect_code 2 "$KCFG" plan -C extras --detailed-exitcode --no-diff >out &&
	test_grep "$(sb_host 2): 1 to change" out &&
	test_grep "$(sb_host 1): no changes" out &&
	"$KCFG" apply -C extras >out 2>err &&
	test "$(sb_on 2 sha256sum /usr/local/bin/kcfg-tool | cut -c1-64)" = "$sha"
'

test_expect_success SANDBOX_APT 'extras leave no temporary files behind' '
	for i in 1 2 3; do
		test -z "$(sb_on $i "find /etc /opt /usr/local -name \".*.kcfg-*\" ! -name \"*.kcfg-orig\"; ls -d /tmp/kcfg* 2>/dev/null; true")" ||
			exit 1
	done
'

test_done
