#!/bin/sh
test_description='hostile: kcfg runs started together take turns on .kcfg, so the CA is made once'
. "$(dirname "$0")/../test-lib.sh"

command -v openssl >/dev/null 2>&1 && test_set_prereq OPENSSL
command -v flock >/dev/null 2>&1 && test_set_prereq FLOCK

FACTS=$SRCDIR/examples/mdx/facts
ROUNDS=${KCFG_TEST_ROUNDS:-5}
LOCK_MSG="error: another kcfg is using '.kcfg'"

# b1, r1, m1: render reads their facts from facts/; plan --local gathers
# its own through /bin/sh here (read only: it plans, changes nothing).
cp "$TEST_DATA/state/local.ini" inventory.ini
cp "$TEST_DATA/state/vault.yaml" .
echo vault-pw >pwfile
mkdir facts
cp "$FACTS/bastion.json" facts/b1.json
cp "$FACTS/harbor.json" facts/r1.json
cp "$FACTS/kube-master.json" facts/m1.json
# the installer plan wants in the cache: a stand-in with its pin
echo "stand-in installer" >installer
printf 'cluster:\n  rdma: false\nversions:\n  harbor_sha256: %s\n' \
	"$(sha256sum installer | cut -c1-64)" >cluster.yaml

fresh_state() {
	rm -rf .kcfg runs &&
	mkdir -p .kcfg/cache runs &&
	cp installer .kcfg/cache/harbor-online-installer-v2.15.2.tgz
}

# Starts 6 renders and 2 plans at once, each recording its exit code.
start_runs() {
	for i in 1 2 3 4 5 6; do
		( "$KCFG" $1 render --facts facts --vault-password-file pwfile --component harbor \
			-o runs/r$i >/dev/null 2>runs/r$i.err; echo $? >runs/r$i.rc ) &
	done
	for i in 1 2; do
		( "$KCFG" $1 plan --local -C harbor -l r1 --vault-password-file pwfile \
			>runs/p$i.out 2>runs/p$i.err; echo $? >runs/p$i.rc ) &
	done
	wait
}

# The CA certificate a plan shows for /opt/harbor/cert/ca.crt.
plan_ca() {
	sed -n '/+++ \/opt\/harbor\/cert\/ca.crt/,/END CERTIFICATE/p' "$1" |
		sed -n 's/^ *+//p' | sed 1d
}

# Every run either stopped at the lock (and said so, and nothing else) or
# used the one CA that is kept; ca.key belongs to ca.crt. Prints what is wrong.
check_round() {
	bad=0 ok=0
	key=$(openssl pkey -in .kcfg/pki/ca.key -passin file:pwfile -pubout 2>/dev/null)
	crt=$(openssl x509 -in .kcfg/pki/ca.crt -noout -pubkey 2>/dev/null)
	if [ -z "$key" ] || [ "$key" != "$crt" ]; then
		echo "round $1: .kcfg/pki/ca.key does not belong to ca.crt"; bad=1
	fi
	for r in r1 r2 r3 r4 r5 r6 p1 p2; do
		rc=$(cat runs/$r.rc)
		if [ "$rc" = 0 ]; then
			ok=$((ok + 1))
			case $r in
			r*) cp runs/$r/r1/opt/harbor/cert/ca.crt runs/$r.ca 2>/dev/null ;;
			p*) plan_ca runs/$r.out >runs/$r.ca ;;
			esac
			cmp -s runs/$r.ca .kcfg/pki/ca.crt ||
				{ echo "round $1: $r used a CA other than the one kept"; bad=1; }
		elif ! grep -qF "$LOCK_MSG" runs/$r.err ||
		     [ "$(grep -c "^error:" runs/$r.err)" != 1 ]; then
			echo "round $1: $r failed otherwise:"; cat runs/$r.err; bad=1
		fi
	done
	[ $ok -ge 1 ] || { echo "round $1: no run got through"; bad=1; }
	return $bad
}

test_expect_success OPENSSL "$ROUNDS rounds of 8 first runs at once: each waits its turn or uses the one CA kept" '
	failed=0 &&
	for round in $(seq $ROUNDS); do
		fresh_state && start_runs "" &&
		check_round $round || failed=$((failed + 1))
	done &&
	echo "$failed of $ROUNDS rounds went wrong" &&
	test $failed = 0
'

test_expect_success OPENSSL 'with --wait-lock every one of them gets through, with the one CA' '
	fresh_state && start_runs --wait-lock &&
	check_round wait &&
	for r in r1 r2 r3 r4 r5 r6 p1 p2; do
		test "$(cat runs/$r.rc)" = 0 || { cat runs/$r.err; exit 1; }
	done
'

# The first render holds the lock while its vault password script waits
# for the file go (made once the others have been seen), not for a time:
# a slow machine cannot let it finish early.
test_expect_success 'a second kcfg says which kcfg holds the lock; --wait-lock waits for it' '
	fresh_state && rm -f go &&
	printf "#!/bin/sh\nfor i in \$(seq 1200); do [ -e %s/go ] && break; sleep 0.1; done\necho vault-pw\n" \
		"$PWD" >slow-pw &&
	chmod +x slow-pw &&
	( "$KCFG" render --facts facts --vault-password-file slow-pw --component harbor \
		-o runs/slow 2>runs/slow.err; echo $? >runs/slow.rc ) &
	for i in $(seq 600); do
		grep -q render .kcfg/lock 2>/dev/null && break
		sleep 0.1
	done &&
	test_expect_code 1 "$KCFG" render --facts facts --vault-password-file pwfile \
		--component harbor -o runs/second 2>err &&
	holder=$(cut -d" " -f1 .kcfg/lock) &&
	test_grep "$LOCK_MSG (pid $holder, kcfg render)" err &&
	test_grep "hint: wait for it to finish, or give '"'"'kcfg --wait-lock render ...'"'"' to wait for it" err &&
	test ! -e runs/second &&
	{ ( "$KCFG" --wait-lock render --facts facts --vault-password-file pwfile \
		--component harbor -o runs/third 2>third.err; echo $? >runs/third.rc ) & } &&
	for i in $(seq 600); do
		grep -q "^waiting:" third.err 2>/dev/null && break
		sleep 0.1
	done &&
	test_grep "waiting: another kcfg is using '"'"'.kcfg'"'"' (pid $holder, kcfg render)" third.err &&
	test ! -e runs/third.rc &&
	: >go &&
	wait &&
	test "$(cat runs/slow.rc)" = 0 &&
	test "$(cat runs/third.rc)" = 0 &&
	cmp runs/slow/r1/opt/harbor/cert/ca.crt runs/third/r1/opt/harbor/cert/ca.crt
'

test_expect_success FLOCK 'commands that only read .kcfg need no lock' '
	flock .kcfg/lock sh -c "touch held; sleep 8" &
	for i in $(seq 300); do
		test -e held && break
		sleep 0.1
	done &&
	test_expect_code 1 "$KCFG" render --facts facts --vault-password-file pwfile \
		--component harbor -o runs/blocked 2>err &&
	test_grep "$LOCK_MSG" err &&
	"$KCFG" inventory --list >out &&
	"$KCFG" config show >out &&
	"$KCFG" fetch --list -C harbor >out &&
	test_grep "cached" out &&
	wait
'

test_done
