#!/bin/sh
test_description='hostile: vault rekey gives the registry keys the new password too, all or nothing'
. "$(dirname "$0")/../test-lib.sh"

command -v openssl >/dev/null 2>&1 && test_set_prereq OPENSSL
touch probe && chattr +i probe 2>/dev/null && chattr -i probe && test_set_prereq CHATTR
rm -f probe

FACTS=$SRCDIR/examples/mdx/facts

cp "$SRCDIR/examples/mdx/inventory.ini" .
cat >cluster.yaml <<'EOF'
metallb:
  addresses:
  - 10.18.20.200-10.18.20.210
EOF
cp "$TEST_DATA/state/vault.yaml" .
echo old-pw >old
echo new-pw >new
echo third-pw >third

render() {
	"$KCFG" render --facts "$FACTS" --component harbor "$@"
}
rekey() {
	old_pw=$1 new_pw=$2 &&
	shift 2 &&
	"$KCFG" vault rekey --vault-password-file "$old_pw" --new-vault-password-file "$new_pw" \
		vault.yaml "$@"
}
# A copy of what a failed rekey must leave as it was.
save() {
	rm -rf saved && mkdir saved && cp vault.yaml saved/ && cp .kcfg/pki/* saved/
}
unchanged() {
	cmp vault.yaml saved/vault.yaml &&
	for f in ca.crt ca.key server.crt server.key; do cmp .kcfg/pki/$f saved/$f || return 1; done
}

test_expect_success OPENSSL 'after a rekey, render works with the new password and the old one opens no key' '
	"$KCFG" vault encrypt --vault-password-file old vault.yaml &&
	render -o out --vault-password-file old 2>err &&
	cp .kcfg/pki/ca.crt ca.before &&
	rekey old new 2>err &&
	test_grep "note: the registry'"'"'s keys in '"'"'.kcfg/pki'"'"' now open with the new password too" err &&
	render -o out --vault-password-file new 2>err &&
	cmp ca.before .kcfg/pki/ca.crt &&
	cmp ca.before out/harbor/opt/harbor/cert/ca.crt &&
	for k in ca server; do
		openssl pkey -in .kcfg/pki/$k.key -passin file:new -noout &&
		test_must_fail openssl pkey -in .kcfg/pki/$k.key -passin file:old -noout 2>/dev/null ||
		exit 1
	done
'

test_expect_success OPENSSL 'plan, which decrypts the keys too, works with the new password' '
	mkdir -p .kcfg/cache &&
	echo "stand-in installer" >.kcfg/cache/harbor-online-installer-v2.15.2.tgz &&
	printf "versions:\n  harbor_sha256: %s\n" \
		"$(sha256sum .kcfg/cache/harbor-online-installer-v2.15.2.tgz | cut -c1-64)" >plan.yaml &&
	cat cluster.yaml >>plan.yaml &&
	cp "$TEST_DATA/state/local.ini" . &&
	"$KCFG" -i local.ini -c plan.yaml plan --local -C harbor -l r1 --vault-password-file new \
		>out.plan 2>err &&
	test_grep "+++ /opt/harbor/cert/ca.crt (kcfg)" out.plan
'

test_expect_success CHATTR 'a key file that cannot be replaced stops the rekey and changes nothing' '
	save &&
	chattr +i .kcfg/pki/server.key &&
	rc=0 && rekey new third 2>err || rc=$? ;
	chattr -i .kcfg/pki/server.key &&
	test $rc = 1 &&
	test_grep "error: cannot replace '"'"'.kcfg/pki/server.key'"'"': Operation not permitted" err &&
	test_grep "hint: nothing was changed: every file still opens with the old password" err &&
	unchanged &&
	render -o out --vault-password-file new 2>err
'

test_expect_success CHATTR 'a key directory that takes no file stops the rekey and changes nothing' '
	save &&
	chattr +i .kcfg/pki &&
	rc=0 && rekey new third 2>err || rc=$? ;
	chattr -i .kcfg/pki &&
	test $rc = 1 &&
	test_grep "error: cannot create a temporary file beside '"'"'.kcfg/pki/" err &&
	unchanged &&
	ls -a .kcfg/pki >entries &&
	printf "%s\n" . .. ca.crt ca.key server.crt server.key >expect &&
	test_cmp expect entries
'

test_expect_success CHATTR 'a second vault file that fails leaves the first as it was' '
	mkdir sub &&
	printf "x: 1\n" >sub/other.yaml &&
	"$KCFG" vault encrypt --vault-password-file new sub/other.yaml &&
	cp sub/other.yaml other.saved &&
	save &&
	chattr +i sub &&
	rc=0 && rekey new third sub/other.yaml 2>err || rc=$? ;
	chattr -i sub &&
	test $rc = 1 &&
	test_grep "other.yaml" err &&
	unchanged &&
	cmp other.saved sub/other.yaml
'

test_expect_success 'a rekey with a .kcfg that is a link, or that another kcfg holds, changes nothing' '
	save &&
	mv .kcfg real-state &&
	ln -s real-state .kcfg &&
	test_expect_code 1 rekey new third 2>err &&
	test_grep "error: '"'"'.kcfg'"'"' is a symbolic link" err &&
	rm .kcfg && mv real-state .kcfg &&
	unchanged &&
	printf "#!/bin/sh\nsleep 8\necho new-pw\n" >slow-pw &&
	chmod +x slow-pw &&
	( render -o slow --vault-password-file slow-pw 2>slow.err ) &
	for i in $(seq 300); do
		grep -q render .kcfg/lock 2>/dev/null && break
		sleep 0.1
	done &&
	rc=0 && rekey new third 2>err || rc=$? ;
	wait &&
	test $rc = 1 &&
	test_grep "error: another kcfg is using '"'"'.kcfg'"'"' (pid" err &&
	unchanged
'

test_expect_success OPENSSL 'a key no old password opens is left alone, with a warning' '
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null |
		openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:stranger -out stranger.key &&
	cp stranger.key .kcfg/pki/server.key &&
	rekey new third 2>err &&
	test_grep "warning: '"'"'.kcfg/pki/server.key'"'"' opens with none of the old passwords; it is left as it is" err &&
	cmp stranger.key .kcfg/pki/server.key &&
	openssl pkey -in .kcfg/pki/ca.key -passin file:third -noout
'

# nothing immutable may outlive the test, or its trash stays behind
test_have_prereq CHATTR && chattr -R -i "$TRASH" 2>/dev/null
test_done
