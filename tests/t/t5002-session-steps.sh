#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='steps over real ssh sessions: time limits, output cap, uploads, a dying shell'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"

sandbox_start tb 10.250.52 2
RUN=$KCFG_BUILD/tests/unit/helper-run

# run_steps USER STEP... on both hosts, as USER
run_steps() {
	u=$1; shift
	"$RUN" -u "$u" -k "$SB_KEY" -s "-oUserKnownHostsFile=$SB_KNOWN" \
		tb1=$(sb_ip 1) tb2=$(sb_ip 2) -- "$@"
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'a step past its time limit is killed and reported' '
	start=$(date +%s) &&
	test_expect_code 1 run_steps root "run@1:sleep 60; echo never" "run:echo after" >out &&
	test $(($(date +%s) - start)) -lt 8 &&
	grep "^tb1 run status=124 timed_out=1 truncated=0 skipped=0 out=0 err=0$" out &&
	grep "^tb2 run status=124 timed_out=1 " out &&
	grep "^tb1 failed: step '"'"'run'"'"' on '"'"'tb1'"'"' timed out after 1 s$" out &&
	! grep "^tb. run status=0" out &&
	"$SB" ssh 1 "! pgrep -x sleep"
'

test_expect_success SANDBOX 'output past the cap is dropped and fails the step' '
	test_expect_code 1 run_steps root "run:head -c 5000000 /dev/zero; echo done" >out &&
	grep "^tb1 run status=0 timed_out=0 truncated=1 skipped=0 out=4194304 err=0$" out &&
	grep "^tb2 failed: step '"'"'run'"'"' on '"'"'tb2'"'"' wrote more than the 4 MiB output cap$" out
'

test_expect_success SANDBOX 'steps run in order in one session, stdin is not the channel' '
	test_expect_code 1 run_steps tester "run:cd /; cat; exit 3" >out &&
	grep "^tb1 run status=3 .* out=0 err=0$" out &&
	run_steps tester "run:printf x" "run:printf abc >&2" "run:pwd" >out &&
	grep "^tb1 run status=0 .* out=1 err=0$" out &&
	grep "^tb1 run status=0 .* out=0 err=3$" out &&
	grep "^tb1 run status=0 .* out=13 err=0$" out &&
	grep "^tb1 ok$" out
'

test_expect_success SANDBOX 'an upload is checked by sha256 on the host and skipped the second time' '
	head -c 3000000 /dev/urandom >k0s &&
	run_steps tester "upload:$PWD/k0s:/home/tester/bin/k0s" "run:sha256sum bin/k0s; stat -c %a bin/k0s" >out &&
	grep "^tb1 upload status=0 timed_out=0 truncated=0 skipped=0 " out &&
	grep "^tb2 upload status=0 timed_out=0 truncated=0 skipped=0 " out &&
	"$SB" ssh 1 sha256sum /home/tester/bin/k0s >remote &&
	test "$(cut -c1-64 remote)" = "$(sha256sum <k0s | cut -c1-64)" &&
	test "$("$SB" ssh 2 stat -c %a /home/tester/bin/k0s)" = 755 &&
	run_steps tester "upload:$PWD/k0s:/home/tester/bin/k0s" >out &&
	grep "^tb1 upload status=0 timed_out=0 truncated=0 skipped=1 " out &&
	grep "^tb2 upload status=0 timed_out=0 truncated=0 skipped=1 " out &&
	echo changed >>k0s &&
	run_steps tester "upload:$PWD/k0s:/home/tester/bin/k0s" >out &&
	grep "^tb1 upload status=0 timed_out=0 truncated=0 skipped=0 " out &&
	"$SB" ssh 2 sha256sum /home/tester/bin/k0s >remote &&
	test "$(cut -c1-64 remote)" = "$(sha256sum <k0s | cut -c1-64)" &&
	test -z "$("$SB" ssh 1 "ls -a /home/tester/bin | grep kcfg")"
'

test_expect_success SANDBOX 'an upload the user may not write fails that host only' '
	test_expect_code 1 "$RUN" -u tester -k "$SB_KEY" -s "-oUserKnownHostsFile=$SB_KNOWN" \
		tb1=$(sb_ip 1) -- "upload:$PWD/k0s:/usr/local/bin/k0s" "run:echo next" >out &&
	grep "^tb1 upload status=1 " out &&
	grep "^tb1 failed: step '"'"'upload'"'"' on '"'"'tb1'"'"' failed with exit status 1: cannot write '"'"'/usr/local/bin/k0s'"'"'$" out &&
	"$RUN" -u tester -b -k "$SB_KEY" -s "-oUserKnownHostsFile=$SB_KNOWN" \
		tb1=$(sb_ip 1) -- "upload:$PWD/k0s:/usr/local/bin/k0s" >out &&
	grep "^tb1 upload status=0 .*skipped=0 " out
'

test_expect_success SANDBOX 'a remote shell that dies mid-step is reported for that host' '
	test_expect_code 1 "$RUN" -u root -k "$SB_KEY" -s "-oUserKnownHostsFile=$SB_KNOWN" \
		tb1=$(sb_ip 1) tb2=$(sb_ip 2) -- "run:test \$(hostname) = tb2 || kill -9 \$PPID; sleep 0.2" >out &&
	grep "^tb1 failed: connection to '"'"'tb1'"'"' lost during a step (exit status 255)$" out &&
	grep "^tb2 ok$" out
'

test_done
