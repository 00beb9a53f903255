#!/bin/sh
test_description='vault: encrypt, decrypt and rekey files; modes; the command line'
. "$(dirname "$0")/../test-lib.sh"

printf "pw\n" >pw
printf "new\n" >newpw
printf "harbor_admin_password: x\n" >plain
command -v setsid >/dev/null 2>&1 && test_set_prereq SETSID

test_expect_success 'encrypt in place writes 0600 whatever the umask, and decrypts back' '
	cp plain a.yml && chmod 666 a.yml &&
	(umask 0 && "$KCFG" vault encrypt --vault-password-file pw a.yml) &&
	test "$(stat -c %a a.yml)" = 600 &&
	head -n 1 a.yml | grep -qx "\$ANSIBLE_VAULT;1.1;AES256" &&
	"$KCFG" vault decrypt --vault-password-file pw a.yml &&
	cmp plain a.yml
'

test_expect_success 'encrypt reads stdin and writes stdout; each run has a new salt' '
	"$KCFG" vault encrypt --vault-password-file pw <plain >s1 &&
	"$KCFG" vault encrypt --vault-password-file pw --output - <plain >s2 &&
	! cmp -s s1 s2 &&
	"$KCFG" vault view --vault-password-file pw s1 >out &&
	cmp plain out
'

test_expect_success 'the vault text is 80 columns wide and ends with a newline' '
	head -c 3000 /dev/zero | tr "\0" x >big &&
	"$KCFG" vault encrypt --vault-password-file pw --output big.vault big &&
	sed -n "2,\$p" big.vault | awk "length != 80 { n++ } END { exit n > 1 }" &&
	test "$(tail -c 1 big.vault | od -An -tx1 | tr -d " ")" = 0a
'

test_expect_success 'a file that already is a vault is not encrypted again' '
	cp s1 twice &&
	test_expect_code 1 "$KCFG" vault encrypt --vault-password-file pw twice 2>err &&
	test_grep "error: '"'"'twice'"'"' is already vault encrypted" err &&
	cmp s1 twice
'

test_expect_success SETSID 'a missing input is reported before any password is asked' '
	test_expect_code 1 setsid -w "$KCFG" vault decrypt nope 2>err &&
	test_grep "error: cannot read '"'"'nope'"'"': No such file or directory" err &&
	test_expect_code 1 setsid -w "$KCFG" vault encrypt nope 2>err &&
	test_grep "error: cannot read '"'"'nope'"'"': No such file or directory" err &&
	test_expect_code 1 setsid -w "$KCFG" vault encrypt s1 2>err &&
	test_grep "error: '"'"'s1'"'"' is already vault encrypted" err
'

test_expect_success 'in place through a symbolic link: the target changes, the link stays' '
	cp plain target.yml && ln -s target.yml link.yml &&
	"$KCFG" vault encrypt --vault-password-file pw link.yml &&
	test -L link.yml &&
	head -n 1 target.yml | grep -q ANSIBLE_VAULT
'

test_expect_success 'rekey changes the password and keeps the mode' '
	cp s1 r.yml && chmod 640 r.yml &&
	"$KCFG" vault rekey --vault-password-file pw --new-vault-password-file newpw r.yml &&
	test "$(stat -c %a r.yml)" = 640 &&
	"$KCFG" vault view --vault-password-file newpw r.yml >out &&
	cmp plain out &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file pw r.yml 2>err &&
	test_grep "decryption failed" err &&
	"$KCFG" vault rekey --vault-password-file newpw --new-vault-id dev@pw r.yml &&
	head -n 1 r.yml | grep -qx "\$ANSIBLE_VAULT;1.2;AES256;dev"
'

test_expect_success 'rekey with a wrong old password changes nothing' '
	cp r.yml before &&
	test_expect_code 1 "$KCFG" vault rekey --vault-password-file newpw \
		--new-vault-password-file newpw r.yml 2>err &&
	cmp before r.yml
'

test_expect_success 'usage errors exit 64' '
	test_expect_code 64 "$KCFG" vault 2>err &&
	test_grep "usage: kcfg vault" err &&
	test_expect_code 64 "$KCFG" vault decrpyt x 2>err &&
	test_grep "error: '"'"'decrpyt'"'"' is not a '"'"'kcfg vault'"'"' command" err &&
	test_grep "hint: did you mean '"'"'kcfg vault decrypt'"'"'?" err &&
	test_expect_code 64 "$KCFG" vault view --output x a.yml 2>err &&
	test_grep "error: option '"'"'--output'"'"' does not apply to '"'"'kcfg vault view'"'"'" err &&
	test_expect_code 64 "$KCFG" vault decrypt --output x a.yml b.yml 2>err &&
	test_grep "error: --output takes one input file, not 2" err &&
	test_expect_code 64 "$KCFG" vault view 2>err &&
	test_grep "error: '"'"'kcfg vault view'"'"' needs a file name" err &&
	test_expect_code 64 "$KCFG" vault decrypt --vault-passwrd-file pw a.yml 2>err &&
	test_grep "hint: did you mean '"'"'--vault-password-file'"'"'?" err &&
	test_expect_code 64 "$KCFG" vault create a b 2>err &&
	test_expect_code 64 "$KCFG" vault rekey --new-vault-id a@pw --new-vault-password-file pw \
		r.yml 2>err &&
	test_grep "give one new password" err
'

test_expect_success 'help shows the vault commands' '
	"$KCFG" help vault >out &&
	test_grep "encrypt-string" out &&
	test_grep "--vault-password-file FILE" out &&
	"$KCFG" vault decrypt --help >out &&
	test_grep "usage: kcfg vault decrypt" out
'

test_done
