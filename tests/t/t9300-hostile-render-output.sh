#!/bin/sh
test_description='hostile: render -o removes only what render made, and writes only inside it'
. "$(dirname "$0")/../test-lib.sh"

FACTS=$SRCDIR/examples/mdx/facts

cp "$TEST_DATA/state/vault.yaml" .
cat >cluster.yaml <<'EOF'
metallb:
  addresses:
  - 10.18.20.200-10.18.20.210
EOF
echo vault-pw >pwfile
cp "$SRCDIR/examples/mdx/inventory.ini" .

render() {
	"$KCFG" render --facts "$FACTS" --vault-password-file pwfile --component harbor "$@"
}

test_expect_success 'a directory of the user named OUT.kcfg-old survives, and render says why it stops' '
	mkdir -p out.kcfg-old/notes &&
	echo mine >out.kcfg-old/notes/keep &&
	test_expect_code 1 render -o out 2>err &&
	test_grep "error: '"'"'out.kcfg-old'"'"' is in the way and was not made by kcfg render; move it away" err &&
	test "$(cat out.kcfg-old/notes/keep)" = mine &&
	test ! -e out
'

test_expect_success 'so does one named OUT.kcfg-new; what an interrupted render left there is cleared' '
	mkdir out2.kcfg-new &&
	echo mine >out2.kcfg-new/keep &&
	test_expect_code 1 render -o out2 2>err &&
	test_grep "'"'"'out2.kcfg-new'"'"' is in the way and was not made by kcfg render" err &&
	test "$(cat out2.kcfg-new/keep)" = mine &&
	rm -r out2.kcfg-new &&
	render -o out3 2>err &&
	cp -r out3 out3.kcfg-new &&
	cp -r out3 out3.kcfg-old &&
	render -o out3 2>err &&
	test ! -e out3.kcfg-new &&
	test ! -e out3.kcfg-old &&
	test -f out3/harbor/opt/harbor/harbor.yml
'

test_expect_success '-o DIR/ renders into DIR, the first time and the next' '
	render -o slash/ 2>err &&
	test -f slash/harbor/opt/harbor/harbor.yml &&
	test -f slash/.kcfg-render &&
	render -o slash/ 2>err &&
	test -f slash/harbor/opt/harbor/harbor.yml &&
	ls -a slash >entries &&
	printf "%s\n" . .. .kcfg-render harbor >expect &&
	test_cmp expect entries &&
	test ! -e slash.kcfg-new && test ! -e slash.kcfg-old
'

test_expect_success '-o ., -o DIR/.. and -o / are refused with the reason, and nothing moves' '
	mkdir here && cp inventory.ini vault.yaml cluster.yaml pwfile here/ &&
	(cd here && ls -a >../before &&
	 for o in . ./ sub/.. / ; do
		test_expect_code 1 "$KCFG" render --facts "$FACTS" --vault-password-file pwfile \
			--component harbor -o $o 2>err || exit 1
		grep -F "error: cannot render into '"'"'$o'"'"': render replaces its output directory whole" err ||
			{ cat err; exit 1; }
	 done &&
	 rm err && ls -a >../after) &&
	grep -v "^.kcfg$" after >after.clean &&
	test_cmp before after.clean
'

test_expect_success 'a host whose name leads out of OUT gets nothing written outside OUT' '
	mkdir -p facts escape &&
	for h in b1 r1 m1; do cp "$FACTS/bastion.json" facts/$h.json; done &&
	cp "$FACTS/bastion.json" escape/evil.json &&
	cat >inv-evil.ini <<-\EOF &&
	[bastion_host]
	../escape/evil ansible_host=10.0.0.1
	[registry]
	r1 ansible_host=10.0.0.2
	[kube_master]
	m1 ansible_host=10.0.0.3
	EOF
	test_must_fail "$KCFG" -i inv-evil.ini render --facts facts --vault-password-file pwfile \
		--component common -o evil-out 2>err &&
	test ! -e escape/evil &&
	ls escape >left &&
	echo evil.json >expect &&
	test_cmp expect left
'

test_done
