#!/bin/sh
test_description='vault: the reference vectors decrypt byte for byte; corrupted ones fail cleanly'
. "$(dirname "$0")/../test-lib.sh"

V=$TEST_DATA/vault

test_expect_success 'every whole-file vector decrypts byte-exactly' '
	for d in 01-empty 02-newline-only 03-block-aligned-16 04-vault-yaml \
		 05-utf8-binary 06-v12-vault-id-prod 07-large-10000B 11-fixed-salt-libapi; do
		"$KCFG" vault decrypt --vault-password-file "$V/$d/password" \
			--output "$d.out" "$V/$d/vault" || exit 1
		cmp "$V/$d/plaintext" "$d.out" || exit 1
	done
'

test_expect_success 'the 1.2 vector opens with --vault-id and its label' '
	"$KCFG" vault decrypt --vault-id "prod@$V/06-v12-vault-id-prod/password" \
		--output out "$V/06-v12-vault-id-prod/vault" &&
	cmp "$V/06-v12-vault-id-prod/plaintext" out &&
	"$KCFG" vault decrypt --vault-password-file "$V/11-fixed-salt-libapi/password" \
		--output out2 "$V/11-fixed-salt-libapi/vault.v12" &&
	cmp "$V/11-fixed-salt-libapi/plaintext" out2
'

test_expect_success 'a password file is stripped as ansible-vault strips it' '
	"$KCFG" vault view --vault-password-file "$V/10-password-file-stripped/password.rawfile" \
		"$V/10-password-file-stripped/vault" >out &&
	cmp "$V/10-password-file-stripped/plaintext" out
'

test_expect_success 'decrypt reads stdin and writes stdout' '
	"$KCFG" vault decrypt --vault-password-file "$V/05-utf8-binary/password" \
		<"$V/05-utf8-binary/vault" >out &&
	cmp "$V/05-utf8-binary/plaintext" out &&
	"$KCFG" vault decrypt --vault-password-file "$V/07-large-10000B/password" \
		--output - - <"$V/07-large-10000B/vault" >out &&
	cmp "$V/07-large-10000B/plaintext" out
'

test_expect_success 'view prints encrypt_string vectors with the values decrypted' '
	"$KCFG" vault view --vault-password-file "$V/08-encrypt-string-inline/password" \
		"$V/08-encrypt-string-inline/vault" >out &&
	cat >expect <<-\EOT &&
	---
	harbor_user: admin
	harbor_admin_password: "Harbor12345-ChangeMe"
	grafana_user: admin
	EOT
	test_cmp expect out &&
	"$KCFG" vault view --vault-id "dev@$V/09-encrypt-string-v12-dev/password" \
		"$V/09-encrypt-string-v12-dev/vault" >out &&
	printf "%s\n" "---" "grafana_password: \"gr@fana_adm1n\"" >expect &&
	test_cmp expect out
'

test_expect_success 'decrypt in place replaces the file with the plaintext, mode 0600' '
	cp "$V/04-vault-yaml/vault" v.yml &&
	chmod 644 v.yml &&
	"$KCFG" vault decrypt --vault-password-file "$V/04-vault-yaml/password" v.yml &&
	cmp "$V/04-vault-yaml/plaintext" v.yml &&
	test "$(stat -c %a v.yml)" = 600
'

# file|exact first line of the error (the hint follows on its own line)
cat >corrupted.txt <<\EOT
c1-bad-hmac|error: decryption failed for 'c1-bad-hmac.vault'
c1b-ciphertext-bitflip|error: decryption failed for 'c1b-ciphertext-bitflip.vault'
c2-truncated-last-line|error: 'c2-truncated-last-line.vault' is truncated: the ciphertext is not a whole number of AES blocks
c2b-truncated-odd-hex|error: 'c2b-truncated-odd-hex.vault' is truncated: the ciphertext is not a whole number of AES blocks
c2c-header-only|error: 'c2c-header-only.vault' is truncated: nothing follows the vault header
c3-wrong-header-cipher|error: 'c3-wrong-header-cipher.vault' is encrypted with unsupported cipher 'AES128'
c3b-wrong-header-magic|error: 'c3b-wrong-header-magic.vault' is not vault encrypted
c3c-header-missing-cipher|error: 'c3c-header-missing-cipher.vault' has a malformed vault header '$ANSIBLE_VAULT;1.1'
c3d-header-version-9.9|error: 'c3d-header-version-9.9.vault' uses vault format version '9.9', which kcfg does not know
EOT

test_expect_success 'every corrupted vector fails with exit 1, its message, and writes nothing' '
	mkdir corr && cd corr &&
	while IFS="|" read -r f msg; do
		cp "$V/corrupted/$f.vault" . &&
		for cmd in decrypt view; do
			test_expect_code 1 "$KCFG" vault $cmd \
				--vault-password-file "$V/corrupted/password" \
				$( [ $cmd = decrypt ] && echo --output out ) "$f.vault" >stdout 2>err || exit 1
			# view says more of a file that is no vault: "... and has no !vault values"
			case "$(head -n 1 err)" in
			"$msg"|"$msg and has no !vault values") ;;
			*) echo "want: $msg"; cat err; exit 1 ;;
			esac
			test_grep "  hint: " err || exit 1
			! test -e out || exit 1
			! test -s stdout || exit 1
		done
		# in place: the file is left exactly as it was, and no temporary stays
		test_expect_code 1 "$KCFG" vault decrypt \
			--vault-password-file "$V/corrupted/password" "$f.vault" 2>err &&
		cmp "$V/corrupted/$f.vault" "$f.vault" || exit 1
		rm "$f.vault"
		[ "$(ls -A | tr "\n" " ")" = "err stdout " ] || { ls -A; exit 1; }
	done <../corrupted.txt
'

test_expect_success 'a tampered file and a wrong password give the same message' '
	cp "$V/corrupted/c4-wrong-password.vault" v &&
	test_expect_code 1 "$KCFG" vault decrypt \
		--vault-password-file "$V/corrupted/wrong-password" v 2>err &&
	cat >expect <<-\EOT &&
	error: decryption failed for '"'"'v'"'"'
	  hint: the vault password is wrong, or the file was changed after it was encrypted
	EOT
	test_cmp expect err &&
	cmp "$V/corrupted/c4-wrong-password.vault" v &&
	cp "$V/corrupted/c1b-ciphertext-bitflip.vault" v &&
	test_expect_code 1 "$KCFG" vault decrypt \
		--vault-password-file "$V/corrupted/password" v 2>err &&
	test_cmp expect err &&
	"$KCFG" vault view --vault-password-file "$V/corrupted/password" \
		"$V/corrupted/c4-wrong-password.vault" >out &&
	cmp "$V/corrupted/plaintext.original" out
'

test_expect_success 'one bad file among several: nothing is written' '
	cp "$V/04-vault-yaml/vault" a.vault &&
	cp "$V/04-vault-yaml/vault" c.vault &&
	cp "$V/corrupted/c1-bad-hmac.vault" b.vault &&
	test_expect_code 1 "$KCFG" vault decrypt \
		--vault-password-file "$V/04-vault-yaml/password" a.vault b.vault c.vault 2>err &&
	test_grep "decryption failed for '"'"'b.vault'"'"'" err &&
	cmp "$V/04-vault-yaml/vault" a.vault &&
	cmp "$V/04-vault-yaml/vault" c.vault
'

test_done
