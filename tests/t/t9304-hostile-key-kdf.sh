#!/bin/sh
test_description='hostile: the registry keys are no cheaper to guess the vault password from than the vault'
. "$(dirname "$0")/../test-lib.sh"

command -v openssl >/dev/null 2>&1 && test_set_prereq OPENSSL

FACTS=$SRCDIR/examples/mdx/facts
# ansible-vault's KDF, the floor: PBKDF2-HMAC-SHA256, 10000 rounds
VAULT_ROUNDS=10000

cp "$SRCDIR/examples/mdx/inventory.ini" .
cp "$TEST_DATA/state/vault.yaml" .
echo vault-pw >pwfile

render() {
	"$KCFG" render --facts "$FACTS" --vault-password-file pwfile --component harbor -o out "$@"
}

# "PRF ROUNDS CIPHER" of an encrypted PKCS#8 key, from openssl asn1parse.
kdf_of() {
	openssl asn1parse -in "$1" >asn1 &&
	grep -q ":PBES2" asn1 && grep -q ":PBKDF2" asn1 &&
	prf=$(sed -n "s/.*OBJECT *:\(hmacWith[A-Z0-9]*\).*/\1/p" asn1) &&
	rounds=$(sed -n "/:PBKDF2/,/hmacWith/s/.*INTEGER *:\([0-9A-F]*\).*/\1/p" asn1 | head -n 1) &&
	cipher=$(sed -n "s/.*OBJECT *:\(aes-[0-9]*-[a-z]*\).*/\1/p" asn1) &&
	echo "$prf $((0x$rounds)) $cipher"
}

test_expect_success OPENSSL 'the keys render writes use PBKDF2-HMAC-SHA256 with at least the vault'"'"'s rounds' '
	render 2>err &&
	for k in ca server; do
		kdf_of .kcfg/pki/$k.key >kdf &&
		read prf rounds cipher <kdf &&
		test "$prf" = hmacWithSHA256 &&
		test "$cipher" = aes-256-cbc &&
		test "$rounds" -ge $VAULT_ROUNDS || { cat kdf; exit 1; }
	done
'

test_expect_success OPENSSL 'keys an older kcfg wrote (2048 rounds) still load, and get the strong KDF' '
	rm -rf .kcfg out &&
	render 2>err &&
	for k in ca server; do
		openssl pkey -in .kcfg/pki/$k.key -passin file:pwfile >plain.$k &&
		openssl pkey -in plain.$k -pubout >pub.$k &&
		openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 2048 \
			-in plain.$k -passout file:pwfile -out .kcfg/pki/$k.key &&
		test "$(kdf_of .kcfg/pki/$k.key)" = "hmacWithSHA256 2048 aes-256-cbc" || exit 1
	done &&
	cp .kcfg/pki/ca.crt ca.before &&
	render 2>err &&
	test_grep "note: re-encrypted 2 keys in .kcfg/pki with a stronger KDF" err &&
	cmp ca.before .kcfg/pki/ca.crt &&
	for k in ca server; do
		kdf_of .kcfg/pki/$k.key >kdf &&
		read prf rounds cipher <kdf &&
		test "$rounds" -ge $VAULT_ROUNDS &&
		openssl pkey -in .kcfg/pki/$k.key -passin file:pwfile -pubout | cmp - pub.$k || exit 1
	done &&
	render 2>err &&
	! grep -q "re-encrypted" err
'

test_expect_success OPENSSL 'vault rekey writes old-format keys anew with the strong KDF' '
	for k in ca server; do
		openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 2048 \
			-in plain.$k -passout file:pwfile -out .kcfg/pki/$k.key || exit 1
	done &&
	"$KCFG" vault encrypt --vault-password-file pwfile vault.yaml &&
	echo new-pw >newpw &&
	"$KCFG" vault rekey --vault-password-file pwfile --new-vault-password-file newpw \
		vault.yaml 2>err &&
	for k in ca server; do
		kdf_of .kcfg/pki/$k.key >kdf &&
		read prf rounds cipher <kdf &&
		test "$prf" = hmacWithSHA256 &&
		test "$rounds" -ge $VAULT_ROUNDS &&
		openssl pkey -in .kcfg/pki/$k.key -passin file:newpw -pubout | cmp - pub.$k || exit 1
	done
'

test_done
