#!/bin/sh
test_description='hostile: .kcfg/ must be a directory of this user, and kcfg never writes through a link there'
. "$(dirname "$0")/../test-lib.sh"

FACTS=$SRCDIR/examples/mdx/facts
[ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && test_set_prereq ROOT

cp "$TEST_DATA/state/vault.yaml" .
echo vault-pw >pwfile
cp "$SRCDIR/examples/mdx/inventory.ini" .
# three hosts for the --local runs (plan and facts through /bin/sh here),
# in a project of their own without a vault
mkdir lp
cp "$TEST_DATA/state/local.ini" lp/
printf 'cluster:\n  rdma: false\n' >lp/local.yaml

render() {
	"$KCFG" render --facts "$FACTS" --vault-password-file pwfile --component harbor "$@"
}

test_expect_success 'a .kcfg that is a symbolic link is refused, and nothing is written where it points' '
	mkdir elsewhere &&
	ln -s elsewhere .kcfg &&
	test_expect_code 1 render -o out 2>err &&
	test_grep "error: '"'"'.kcfg'"'"' is a symbolic link; kcfg keeps its keys, facts and logs only in a directory of its own" err &&
	test_grep "hint: remove the link" err &&
	test -z "$(ls -A elsewhere)" &&
	test ! -e out &&
	rm .kcfg
'

test_expect_success ROOT 'a .kcfg of another user is refused' '
	mkdir .kcfg &&
	chown nobody .kcfg &&
	test_expect_code 1 render -o out 2>err &&
	test_grep "error: '"'"'.kcfg'"'"' belongs to another user (uid $(id -u nobody))" err &&
	test -z "$(ls -A .kcfg)" &&
	rmdir .kcfg
'

test_expect_success 'a .kcfg others may write to is refused, with the fix' '
	mkdir .kcfg &&
	chmod 0777 .kcfg &&
	test_expect_code 1 render -o out 2>err &&
	test_grep "error: '"'"'.kcfg'"'"' is writable by other users" err &&
	test_grep "hint: chmod go-w '"'"'.kcfg'"'"'" err &&
	test -z "$(ls -A .kcfg)" &&
	rmdir .kcfg
'

test_expect_success 'a .kcfg/pki that is a symbolic link is refused; the place it names gets no CA' '
	mkdir -p .kcfg keys-elsewhere &&
	ln -s ../keys-elsewhere .kcfg/pki &&
	test_expect_code 1 render -o out 2>err &&
	test_grep "error: '"'"'.kcfg/pki'"'"' is a symbolic link" err &&
	test -z "$(ls -A keys-elsewhere)" &&
	rm -r .kcfg
'

test_expect_success 'a link planted at the next log names is not followed; the log is a file of its own' '
	cd lp &&
	mkdir -p .kcfg/logs &&
	now=$(date +%s) &&
	for i in $(seq 0 300); do
		ln -sf ../../victim-$i .kcfg/logs/$(date -u -d "@$((now + i))" +%Y%m%dT%H%M%SZ)-plan.log ||
		exit 1
	done &&
	"$KCFG" -i local.ini -c local.yaml plan --local -C common -l b1 >out 2>err &&
	ls victim-* 2>/dev/null >victims || true &&
	test ! -s victims &&
	find .kcfg/logs -name "*-plan-2.log" -type f >logs &&
	test -s logs &&
	test "$(stat -c %a $(cat logs))" = 600 &&
	test_grep "b1: facts gathered" $(cat logs)
'

test_expect_success 'a .kcfg/logs that is a link gets no log: the run says so and goes on' '
	cd lp &&
	rm -r .kcfg/logs &&
	mkdir logs-elsewhere &&
	ln -s ../logs-elsewhere .kcfg/logs &&
	"$KCFG" -i local.ini -c local.yaml plan --local -C common -l b1 >out 2>err &&
	test_grep "warning: no log for this run: '"'"'.kcfg/logs'"'"' is a symbolic link" err &&
	test -z "$(ls -A logs-elsewhere)" &&
	rm .kcfg/logs
'

test_expect_success 'facts of a host whose name leads out of .kcfg/facts are not cached there or anywhere' '
	cd lp &&
	cat >evil.ini <<-\EOF &&
	[bastion_host]
	../../escape ansible_host=10.0.0.1 ansible_user=root
	[registry]
	r1 ansible_host=10.0.0.2 ansible_user=root
	[kube_master]
	m1 ansible_host=10.0.0.3 ansible_user=root
	EOF
	# the model refuses the name first; the facts cache checks it again at its write
	test_expect_code 65 "$KCFG" -i evil.ini -c local.yaml facts --local ../../escape >out 2>err &&
	test_grep "evil.ini:2: error: host '"'"'../../escape'"'"' has a name kcfg cannot use as its hostname" err &&
	test ! -e escape.json &&
	test ! -e .kcfg/escape.json
'

test_expect_success 'a link planted at a facts or download cache name is replaced, not followed or trusted' '
	cd lp &&
	mkdir -p .kcfg/facts .kcfg/cache src &&
	ln -sf ../../facts-victim .kcfg/facts/b1.json &&
	"$KCFG" -i local.ini -c local.yaml facts --local b1 >out 2>err &&
	test ! -e facts-victim &&
	test -f .kcfg/facts/b1.json && test ! -h .kcfg/facts/b1.json &&
	echo "stand-in installer" >src/harbor-online-installer-v2.15.2.tgz &&
	cp src/harbor-online-installer-v2.15.2.tgz linked-copy &&
	pin=$(sha256sum linked-copy | cut -c1-64) &&
	printf "cluster:\n  rdma: false\nversions:\n  harbor_sha256: %s\n" $pin >pinned.yaml &&
	ln -s ../../linked-copy .kcfg/cache/harbor-online-installer-v2.15.2.tgz &&
	"$KCFG" -i local.ini -c pinned.yaml fetch -C harbor --from src >out 2>err &&
	test -f .kcfg/cache/harbor-online-installer-v2.15.2.tgz &&
	test ! -h .kcfg/cache/harbor-online-installer-v2.15.2.tgz &&
	test_grep "fetched  harbor-online-installer-v2.15.2.tgz" out
'

test_done
