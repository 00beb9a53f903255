#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg apply when things go wrong: a failing change, a host stopped mid-apply, a lost connection, Ctrl-C'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

sandbox_start ec 10.250.63 3

# write_cluster VERSION [GROUP COMMAND]: files a and b on every host, and
# between them, on GROUP's hosts, COMMAND (VERSION in it replaced), run
# until /run/kcfg-done-VERSION exists.
write_cluster() {
	sb_cluster_yaml >cluster.yaml
	cat >>cluster.yaml <<-EOF
	extras:
	  - group: all
	    files:
	      - path: /etc/kcfg-a.conf
	        content: "a $1\n"
	        notify: restart kcfg-f
	      - path: /etc/systemd/system/kcfg-f.service
	        content: "[Service]\nExecStart=/bin/sleep infinity\n"
	EOF
	if [ $# -ge 3 ]; then
		cat >>cluster.yaml <<-EOF
		  - group: $2
		    commands:
		      - run: "$(echo "$3" | sed "s/VERSION/$1/g")"
		        creates: /run/kcfg-done-$1
		EOF
	fi
	cat >>cluster.yaml <<-EOF
	  - group: all
	    files:
	      - path: /etc/kcfg-b.conf
	        content: "b $1\n"
	EOF
}

# Every managed file on host I holds version OLD or NEW, and no
# temporary file is left anywhere kcfg writes.
consistent() {
	for f in a b; do
		case $(sb_on $1 "cat /etc/kcfg-$f.conf 2>/dev/null || echo missing") in
		"$f $2"|"$f $3"|missing) ;;
		*) echo "host $1: /etc/kcfg-$f.conf is neither version $2 nor $3"; return 1 ;;
		esac
	done
	left=$(sb_on $1 "find /etc -name \".*.kcfg-*\" ! -name \"*.kcfg-orig\"; ls -d /tmp/kcfg* 2>/dev/null; true") &&
	test -z "$left" || { echo "host $1 has leftovers: $left"; return 1; }
}

# has I FILE TEXT: /etc/kcfg-FILE.conf on host I holds TEXT (says what it holds).
has() {
	got=$(sb_on $1 "cat /etc/kcfg-$2.conf")
	test "$got" = "$3" || { echo "host $1: /etc/kcfg-$2.conf holds '$got', not '$3'"; return 1; }
}

# Waits until /run/kcfg-slow exists on host I (the slow command runs).
wait_slow() {
	for _ in $(seq 100); do
		sb_on $1 "test -e /run/kcfg-slow" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the slow command never started on host $1; kcfg said:"
	cat out err
	return 1
}

SLOW='touch /run/kcfg-slow; sleep 4; rm -f /run/kcfg-slow; touch /run/kcfg-done-VERSION'

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'set up: inventory with one group per host, version 1 applied' '
	SB_GROUPS="one:1 two:2 three:3" sb_inventory 3 &&
	write_cluster 1 &&
	"$KCFG" apply -C extras >out 2>err &&
	"$KCFG" plan -C extras --detailed-exitcode >out
'

test_expect_success SANDBOX 'a failing command stops its host and says which and why' '
	write_cluster 2 one "echo boom >&2; exit 3" &&
	test_expect_code 1 "$KCFG" apply -C extras >out 2>err &&
	cat >expect <<-EOF &&
	$(sb_host 1):
	  ~ file /etc/kcfg-a.conf [extras]: done
	  ! run '"'"'echo boom >&2; exit 3'"'"' [extras]: failed
	  ~ file /etc/kcfg-b.conf [extras]: not done
	  * handler '"'"'restart kcfg-f'"'"' (notified by file:/etc/kcfg-a.conf): not done
	EOF
	sed -n 1,5p out >got &&
	test_cmp expect got &&
	grep -E "^$(sb_host 1) +failed +1 +1 +1 " out &&
	grep -E "^$(sb_host 2) +changed +3 +1 +0 " out &&
	cat >expect <<-EOF &&
	error: on '"'"'$(sb_host 1)'"'"', run '"'"'echo boom >&2; exit 3'"'"' [extras] failed: exit status 3: boom
	  hint: fix the cause and apply again: what was done stays done, and the rest is planned afresh
	EOF
	grep -A1 "^error:" err >got &&
	test_cmp expect got &&
	consistent 1 1 2
'

test_expect_success SANDBOX 'a handler notified before the failure stays pending and runs next time' '
	write_cluster 2 &&
	test_expect_code 2 "$KCFG" plan -C extras -l one --detailed-exitcode --no-diff >out &&
	cat >expect <<-EOF &&
	$(sb_host 1):
	  ~ file /etc/kcfg-b.conf [extras]
	  * handler '"'"'restart kcfg-f'"'"' (pending from an interrupted apply)
	$(sb_host 1): 2 to change, 2 unchanged
	EOF
	sed -n 1,4p out >got &&
	test_cmp expect got &&
	sb_on 1 "systemctl show -p ActiveEnterTimestampMonotonic --value kcfg-f" >before &&
	"$KCFG" apply -C extras -l one >out 2>err &&
	test_grep "  * handler '"'"'restart kcfg-f'"'"' (pending from an interrupted apply): done" out &&
	sb_on 1 "systemctl show -p ActiveEnterTimestampMonotonic --value kcfg-f" >after &&
	! test_cmp before after &&
	"$KCFG" plan -C extras --detailed-exitcode >out
'

test_expect_success SANDBOX 'a host stopped mid-apply fails alone; the others finish whole' '
	write_cluster 3 two "$SLOW" &&
	{ "$KCFG" apply -C extras >out 2>err & } &&
	pid=$! &&
	wait_slow 2 &&
	"$SB" stop 2 &&
	rc=0 && wait $pid || rc=$? &&
	test $rc -eq 1 &&
	grep -E "^$(sb_host 1) +changed +3 +" out &&
	grep -E "^$(sb_host 2) +failed +0 +" out &&
	grep -E "^$(sb_host 3) +changed +3 +" out &&
	test_grep "error: connection to '"'"'$(sb_host 2)'"'"' lost during a step" err &&
	test_grep "  ! run '"'"'touch /run/kcfg-slow; sleep 4; rm -f /run/kcfg-slow; touch /run/kcfg-d...'"'"' [extras]: unknown (the host went away while it ran)" out &&
	for i in 1 3; do
		has $i a "a 3" && has $i b "b 3" && consistent $i 3 3 || exit 1
	done
'

test_expect_success SANDBOX 'a connection lost mid-apply leaves old or new files, never parts' '
	"$SB" up 3 >/dev/null &&
	write_cluster 1 &&
	"$KCFG" apply -C extras >out 2>err &&
	write_cluster 4 three "$SLOW" &&
	{ "$KCFG" apply -C extras >out 2>err & } &&
	pid=$! &&
	wait_slow 3 &&
	for c in $(pgrep -P $pid); do
		if tr "\0" " " </proc/$c/cmdline | grep -q " $(sb_ip 3) "; then kill $c; fi
	done &&
	rc=0 && wait $pid || rc=$? &&
	test $rc -eq 1 &&
	grep -E "^$(sb_host 3) +failed +" out &&
	grep -E "^$(sb_host 1) +changed +3 +" out &&
	test_grep "error: connection to '"'"'$(sb_host 3)'"'"' lost during a step" err &&
	sleep 5 &&
	consistent 3 1 4 &&
	has 3 a "a 4" && has 3 b "b 1" &&
	"$KCFG" apply -C extras >out 2>err &&
	"$KCFG" plan -C extras --detailed-exitcode >out &&
	consistent 3 4 4
'

test_expect_success SANDBOX 'Ctrl-C lets running steps finish and starts nothing new' '
	write_cluster 5 one "$SLOW" &&
	{ "$KCFG" apply -C extras -f 1 >out 2>err & } &&
	pid=$! &&
	wait_slow 1 &&
	kill -INT $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc -eq 130 &&
	grep -E "^$(sb_host 1) +changed +" out &&
	grep -E "^$(sb_host 2) +cancelled +" out &&
	grep -E "^$(sb_host 3) +cancelled +" out &&
	test_grep "error: '"'"'$(sb_host 2)'"'"' was not started (interrupted)" err &&
	has 1 b "b 5" &&
	consistent 1 5 5 && consistent 2 4 4 && consistent 3 4 4 &&
	"$KCFG" apply -C extras >out 2>err &&
	"$KCFG" plan -C extras --detailed-exitcode >out
'

test_expect_success SANDBOX 'an apply script killed mid-way leaves no half-written file' '
	write_cluster 6 one "kill -9 \$PPID" &&
	test_expect_code 1 "$KCFG" apply -C extras >out 2>err &&
	test_grep "error: on '"'"'$(sb_host 1)'"'"', run '"'"'kill -9 \$PPID'"'"' [extras] failed: step '"'"'apply'"'"' on '"'"'$(sb_host 1)'"'"' failed with exit status 137" err &&
	has 1 a "a 6" &&
	has 1 b "b 5" &&
	consistent 1 5 6 && consistent 2 6 6
'

test_done
