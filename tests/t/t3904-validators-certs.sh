#!/bin/sh
test_description='check-certs: registry CA and server certificate checked with openssl'
. "$(dirname "$0")/../test-lib.sh"

C=$SRCDIR/tests/tools/check-certs
command -v openssl >/dev/null 2>&1 && test_set_prereq OPENSSL

# make_pki DIR [SAN] [SERVER_EXT] [DAYS]: a CA and a server certificate
# for harbor.internal (SANs harbor, harbor.internal, 10.0.0.5 by default).
make_pki() {
	dir=$1
	san=${2:-DNS:harbor,DNS:harbor.internal,IP:10.0.0.5}
	ext=${3:-basicConstraints=critical,CA:FALSE}
	days=${4:-825}
	mkdir -p "$dir" &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" \
		-days 3650 -subj /CN=kcfg-test-ca \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
		2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -keyout "$dir/server.key" -out "$dir/server.csr" \
		-subj /CN=harbor.internal 2>/dev/null &&
	printf "%s\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n" \
		"$ext" "$san" >"$dir/ext" &&
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
		-CAcreateserial -out "$dir/server.crt" -days "$days" -sha256 -extfile "$dir/ext" 2>/dev/null &&
	rm -f "$dir/server.csr" "$dir/ext" "$dir/ca.srl"
}

test_expect_success OPENSSL 'a CA and server certificate for the host and address pass' '
	make_pki good &&
	"$C" good harbor.internal 10.0.0.5 >out 2>err &&
	test ! -s err &&
	test_grep "check-certs: '"'"'good/server.crt'"'"' is valid for harbor.internal and 10.0.0.5, chained to '"'"'good/ca.crt'"'"'" out
'

test_expect_success OPENSSL 'a certificate for another host name is rejected' '
	test_expect_code 1 "$C" good harbor.example.org 10.0.0.5 2>err &&
	test_grep "check-certs: openssl verify rejects '"'"'good/server.crt'"'"' for '"'"'harbor.example.org'"'"' and 10.0.0.5: error 62 at 0 depth lookup: hostname mismatch" err &&
	test_grep "check-certs: '"'"'good/server.crt'"'"' is not valid for the host name '"'"'harbor.example.org'"'"'" err &&
	test_grep "has no SAN DNS:harbor.example.org (has: DNS:harbor, DNS:harbor.internal, IP Address:10.0.0.5)" err &&
	! grep -q "address" err
'

test_expect_success OPENSSL 'a certificate for another address is rejected' '
	test_expect_code 1 "$C" good harbor.internal 10.0.0.6 2>err &&
	test_grep "is not valid for the address 10.0.0.6" err &&
	test_grep "has no SAN IP Address:10.0.0.6" err
'

test_expect_success OPENSSL 'a key that does not match its certificate is rejected' '
	cp -r good swapped &&
	cp good/ca.key swapped/server.key &&
	test_expect_code 1 "$C" swapped harbor.internal 10.0.0.5 2>err &&
	test_grep "check-certs: the key '"'"'swapped/server.key'"'"' does not match the certificate '"'"'swapped/server.crt'"'"'" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success OPENSSL 'a server certificate that is a CA, or lacks serverAuth, is rejected' '
	make_pki isca "" "basicConstraints=critical,CA:TRUE" &&
	test_expect_code 1 "$C" isca harbor.internal 10.0.0.5 2>err &&
	test_grep "must say basicConstraints CA:FALSE" err
'

test_expect_success OPENSSL 'a CA without keyCertSign and a certificate from another CA are rejected' '
	make_pki other &&
	cp -r good mixed &&
	cp other/ca.crt mixed/ca.crt &&
	rm mixed/ca.key &&
	test_expect_code 1 "$C" mixed harbor.internal 10.0.0.5 2>err &&
	test_grep "openssl verify rejects" err &&
	mkdir weakca &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout weakca/ca.key -out weakca/ca.crt -days 30 \
		-subj /CN=weak -addext basicConstraints=critical,CA:TRUE -addext keyUsage=digitalSignature 2>/dev/null &&
	cp good/server.crt good/server.key weakca/ &&
	test_expect_code 1 "$C" weakca harbor.internal 10.0.0.5 2>err &&
	test_grep "'"'"'weakca/ca.crt'"'"' keyUsage lacks keyCertSign" err
'

test_expect_success OPENSSL 'a server certificate valid for more than 825 days is rejected unless allowed' '
	make_pki long "" "" 3650 &&
	test_expect_code 1 "$C" long harbor.internal 10.0.0.5 2>err &&
	test_grep "check-certs: '"'"'long/server.crt'"'"' is valid for 3650 days, more than 825 (macOS and iOS clients refuse more than 825)" err &&
	test $(wc -l <err) -eq 1 &&
	"$C" --max-days 3650 long harbor.internal 10.0.0.5 >out &&
	test_expect_code 2 "$C" --max-days many long harbor.internal 10.0.0.5 2>err
'

test_expect_success OPENSSL 'encrypted keys need --passin' '
	cp -r good enc &&
	openssl pkey -in good/server.key -aes256 -passout pass:s3cret -out enc/server.key &&
	test_expect_code 1 "$C" enc harbor.internal 10.0.0.5 2>err &&
	test_grep "cannot read the key '"'"'enc/server.key'"'"' (encrypted? pass --passin)" err &&
	"$C" --passin pass:s3cret enc harbor.internal 10.0.0.5 >out
'

test_expect_success OPENSSL 'missing files and bad usage' '
	test_expect_code 2 "$C" good harbor.internal 2>err &&
	test_grep "usage: check-certs" err &&
	mkdir empty &&
	test_expect_code 1 "$C" empty harbor.internal 10.0.0.5 2>err &&
	test_grep "check-certs: '"'"'empty/ca.crt'"'"' is missing" err
'

test_done
