#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='the run engine on sandbox hosts: barriers hold later phases back, batches, one session per host'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: k0s is tests/standins/k0s (see t5104 and that file for what
# it stands for); everything else is real: sessions, systemd, the phase
# driver, its barriers and batches. Five hosts: bastion, registry,
# controller, two workers.
sandbox_start eh 10.250.68 5

cp "$SRCDIR/tests/standins/k0s" k0s-standin
mkdir bin
# counts the ssh connections kcfg opens: the address after "--" (transport.c)
cat >bin/ssh <<EOF
#!/bin/sh
seen=
for a in "\$@"; do
	if [ -n "\$seen" ]; then echo "\$a" >>"$TRASH/ssh.log"; break; fi
	[ "\$a" = -- ] && seen=1
done
exec /usr/bin/ssh "\$@"
EOF
chmod +x bin/ssh

# hosts_timeline FILE: per host "NAME START END" from each host's
# /tmp/kcfg-turn log (written by the extras command below)
hosts_timeline() {
	for i in 1 2 3 4 5; do
		sb_on $i "cat /tmp/kcfg-turn 2>/dev/null" | tr '\n' ' ' | sed "s/^/$(sb_host $i) /"
		echo
	done | awk 'NF == 3' | sort -k2 -n >"$1"
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'set up: inventory, the k0s stand-in in the cache' '
	sb_inventory 5 &&
	sb_cluster_yaml >cluster.yaml &&
	printf "versions:\n  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)" >>cluster.yaml &&
	cp cluster.yaml k0s.yaml &&
	mkdir mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out
'

test_expect_success SANDBOX 'the API barrier holds the workers back until the API answers' '
	sb_on 3 "mkdir -p /etc/kcfg-standin && echo 4 >/etc/kcfg-standin/api-delay &&
		printf \"%s True\n%s True\n\" $(sb_host 4) $(sb_host 5) >/etc/kcfg-standin/nodes" &&
	PATH="$TRASH/bin:$PATH" "$KCFG" apply -C k0s >out 2>err &&
	test_grep "waiting until the API server is ready: it answers '"'"'The connection to the server localhost:6443 was refused" err &&
	# the controller says when its API came up; the workers joined after that
	up=$(sb_on 3 "stat -c %Y /run/k0s-api-up") &&
	for i in 4 5; do
		joined=$(sb_on $i "grep \" install worker \" /var/log/k0s-standin.times" | cut -d. -f1) &&
		test "$joined" -ge "$up" || exit 1
	done &&
	grep -E "^$(sb_host 4) +changed " out &&
	grep -E "^$(sb_host 5) +changed " out
'

test_expect_success SANDBOX 'one ssh connection per host for the whole run of many phases' '
	# facts, hosts, the API barrier, values on the controller, workers, the nodes barrier
	for i in 1 2 3 4 5; do
		test "$(grep -c "^$(sb_ip $i)\$" ssh.log)" -le 1 || exit 1
	done &&
	test "$(grep -c "^$(sb_ip 3)\$" ssh.log)" -eq 1 &&
	test "$(grep -c "^$(sb_ip 4)\$" ssh.log)" -eq 1
'

test_expect_success SANDBOX 'a barrier that never holds fails after its time, naming the node that is not Ready' '
	sb_on 5 "systemctl disable --now k0sworker && rm /etc/systemd/system/k0sworker.service" &&
	sb_on 3 "printf \"%s True\n%s False container runtime network not ready\n\" $(sb_host 4) $(sb_host 5) >/etc/kcfg-standin/nodes" &&
	test_expect_code 1 "$KCFG" apply -C k0s --wait-timeout 4 >out 2>err &&
	test_grep "error: gave up after 4 s waiting until every node is Ready (checked on '"'"'$(sb_host 3)'"'"'): node '"'"'$(sb_host 5)'"'"' is not Ready (Ready: False, container runtime network not ready)" err &&
	test_grep "hint: see '"'"'journalctl -u k0sworker'"'"' on that node" err
'

test_expect_success SANDBOX 'plan shows the phases, and what waits for a barrier' '
	sb_on 5 "systemctl disable --now k0sworker && rm /etc/systemd/system/k0sworker.service" &&
	test_expect_code 2 "$KCFG" plan -C k0s --detailed-exitcode >out 2>err &&
	test_grep "== hosts" out &&
	test_grep "== then: wait until the API server is ready" out &&
	test_grep "== workers" out &&
	test_grep "  ! run '"'"'umask 077 && mkdir -p /etc/k0s && printf" out
'

test_expect_success SANDBOX '--batch 1: one host at a time, strictly in turn' '
	cat k0s.yaml >cluster.yaml &&
	cat >>cluster.yaml <<-\EOF &&
	extras:
	  - group: all
	    commands:
	      - run: "date +%s.%N >/tmp/kcfg-turn; sleep 1; date +%s.%N >>/tmp/kcfg-turn"
	        creates: /tmp/kcfg-turn
	EOF
	"$KCFG" apply -C extras --batch 1 >out 2>err &&
	hosts_timeline timeline &&
	test_line_count = 5 timeline &&
	# each host started after the one before had ended
	awk "NR > 1 && \$2 < end { print \"overlap: \" \$0; bad = 1 } { end = \$3 } END { exit bad }" timeline &&
	# in inventory order
	cut -d" " -f1 timeline >order &&
	for i in 1 2 3 4 5; do sb_host $i; done >expect &&
	test_cmp expect order
'

test_expect_success SANDBOX '--batch 2: a failed host stops the later batches' '
	for i in 1 2 3 4 5; do sb_on $i "rm -f /tmp/kcfg-turn /tmp/kcfg-bad"; done &&
	cat k0s.yaml >cluster.yaml &&
	cat >>cluster.yaml <<-EOF &&
	extras:
	  - group: all
	    commands:
	      - run: "date +%s.%N >/tmp/kcfg-turn; test \$(hostname) != $(sb_host 2)"
	        creates: /tmp/kcfg-turn
	EOF
	test_expect_code 1 "$KCFG" apply -C extras --batch 2 >out 2>err &&
	grep -E "^$(sb_host 1) +changed " out &&
	grep -E "^$(sb_host 2) +failed " out &&
	for i in 3 4 5; do
		grep -E "^$(sb_host $i) +cancelled " out &&
		sb_on $i "test ! -e /tmp/kcfg-turn" || exit 1
	done &&
	test_grep "error: '"'"'$(sb_host 3)'"'"' was not started: a host of an earlier batch failed" err
'

test_expect_success SANDBOX '--batch 40%: batches of two of five, all applied when none fails' '
	for i in 1 2 3 4 5; do sb_on $i "rm -f /tmp/kcfg-turn"; done &&
	cat k0s.yaml >cluster.yaml &&
	cat >>cluster.yaml <<-\EOF &&
	extras:
	  - group: all
	    commands:
	      - run: "date +%s.%N >/tmp/kcfg-turn; sleep 1; date +%s.%N >>/tmp/kcfg-turn"
	        creates: /tmp/kcfg-turn
	EOF
	"$KCFG" apply -C extras --batch 40% --json >apply.json 2>err &&
	hosts_timeline timeline &&
	test_line_count = 5 timeline &&
	# at most two at once: the third to start began after the first ended
	awk "{ s[NR] = \$2; e[NR] = \$3 } END { exit !(s[3] >= e[1] && s[5] >= e[3]) }" timeline
'

test_expect_success SANDBOX 'apply --json says what was done, valid against docs/run.schema.json' '
	python3 -c "import jsonschema" 2>/dev/null || { echo "# no python3-jsonschema"; exit 0; }
	"$SRCDIR/tests/tools/check-json-schema" "$SRCDIR/docs/run.schema.json" apply.json &&
	python3 - apply.json >got <<-\EOF &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	print(d["command"], d["apply"], d["ok"], d["changes"])
	for h in d["hosts"]:
	    print(h["result"], h["changed"])
	EOF
	cat >expect <<-\EOF &&
	apply True True 5
	changed 1
	changed 1
	changed 1
	changed 1
	changed 1
	EOF
	test_cmp expect got
'

test_done
