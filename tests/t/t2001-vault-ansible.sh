#!/bin/sh
test_description='vault: what kcfg encrypts, the real ansible-vault decrypts, and back'
. "$(dirname "$0")/../test-lib.sh"

V=$TEST_DATA/vault
# ansible writes under $HOME; keep it in the trash directory
HOME=$TRASH/home
ANSIBLE_NOCOLOR=1
ANSIBLE_LOCALHOST_WARNING=False
ANSIBLE_INVENTORY_UNPARSED_WARNING=False
export HOME ANSIBLE_NOCOLOR ANSIBLE_LOCALHOST_WARNING ANSIBLE_INVENTORY_UNPARSED_WARNING
mkdir -p "$HOME"

VECTORS="01-empty 02-newline-only 03-block-aligned-16 04-vault-yaml 05-utf8-binary
06-v12-vault-id-prod 07-large-10000B 10-password-file-stripped 11-fixed-salt-libapi"

test_expect_success ANSIBLE_VAULT 'kcfg encrypts every vector plaintext as 1.1 and as 1.2' '
	n=0 &&
	for d in $VECTORS; do
		n=$((n + 1)) &&
		cp "$V/$d/plaintext" "v11-$n" && cp "$V/$d/plaintext" "v12-$n" &&
		"$KCFG" vault encrypt --vault-password-file "$V/$d/password" "v11-$n" &&
		"$KCFG" vault encrypt --vault-id "label$n@$V/$d/password" "v12-$n" &&
		head -n 1 "v11-$n" | grep -qx "\$ANSIBLE_VAULT;1.1;AES256" &&
		head -n 1 "v12-$n" | grep -qx "\$ANSIBLE_VAULT;1.2;AES256;label$n" || exit 1
	done
'

test_expect_success ANSIBLE_VAULT 'ansible-vault decrypts all of them byte-exactly' '
	ids= n=0 &&
	for d in $VECTORS; do
		n=$((n + 1)) && ids="$ids --vault-id label$n@$V/$d/password"
	done &&
	mkdir byansible && cp v11-* v12-* byansible/ &&
	ansible-vault decrypt $ids byansible/* &&
	n=0 &&
	for d in $VECTORS; do
		n=$((n + 1)) &&
		cmp "$V/$d/plaintext" "byansible/v11-$n" &&
		cmp "$V/$d/plaintext" "byansible/v12-$n" || exit 1
	done
'

# (view, unlike decrypt, turns binary data into text, so a text vector here)
test_expect_success ANSIBLE_VAULT 'ansible-vault view agrees, one file at a time' '
	ansible-vault view --vault-password-file "$V/04-vault-yaml/password" v12-4 >out &&
	cmp "$V/04-vault-yaml/plaintext" out
'

test_expect_success ANSIBLE_VAULT 'kcfg decrypts what ansible-vault encrypts now' '
	printf "%s\n" "harbor_admin_password: fresh" >fresh &&
	printf "fresh-pw\n" >pw &&
	ansible-vault encrypt --vault-id fresh@pw --output fresh.vault fresh &&
	"$KCFG" vault view --vault-password-file pw fresh.vault >out &&
	cmp fresh out
'

test_expect_success ANSIBLE_VAULT 'both tools strip a password file the same way' '
	printf " \t spaced pass \r\n\n" >rawpw &&
	printf "data\n" >d &&
	"$KCFG" vault encrypt --vault-password-file rawpw --output d.vault d &&
	ansible-vault view --vault-password-file rawpw d.vault >out &&
	cmp d out &&
	printf "spaced pass" >strippedpw &&
	ansible-vault view --vault-password-file strippedpw d.vault >out &&
	cmp d out
'

test_expect_success ANSIBLE_VAULT 'both tools run an executable password file the same way' '
	printf "#!/bin/sh\nprintf \"script-pw\\\\n\"\n" >pw.sh &&
	chmod +x pw.sh &&
	"$KCFG" vault encrypt --vault-password-file ./pw.sh --output s.vault d &&
	ansible-vault view --vault-password-file ./pw.sh s.vault >out &&
	cmp d out &&
	printf "script-pw" >plainpw &&
	"$KCFG" vault view --vault-password-file plainpw s.vault >out &&
	cmp d out
'

test_expect_success ANSIBLE_VAULT 'a -client script gets --vault-id LABEL from both tools' '
	cat >pass-client.sh <<-\EOT &&
	#!/bin/sh
	[ "$1" = --vault-id ] || exit 3
	case $2 in prod) echo prod-pw ;; *) echo "no $2" >&2; exit 2 ;; esac
	EOT
	chmod +x pass-client.sh &&
	"$KCFG" vault encrypt --vault-id prod@./pass-client.sh --output c.vault d &&
	head -n 1 c.vault | grep -qx "\$ANSIBLE_VAULT;1.2;AES256;prod" &&
	ansible-vault view --vault-id prod@./pass-client.sh c.vault >out &&
	cmp d out &&
	test_expect_code 1 "$KCFG" vault view --vault-id dev@./pass-client.sh c.vault 2>err &&
	test_grep "error: vault password client script '"'"'./pass-client.sh'"'"' has no password for vault id '"'"'dev'"'"': no dev" err
'

test_expect_success ANSIBLE_VAULT 'encrypt-string writes what ansible-vault encrypt_string writes' '
	printf "Harbor12345-ChangeMe" >value &&
	"$KCFG" vault encrypt-string --vault-password-file "$V/08-encrypt-string-inline/password" \
		--name harbor_admin_password <value >kcfg.yml &&
	ansible-vault encrypt_string --vault-password-file "$V/08-encrypt-string-inline/password" \
		--stdin-name harbor_admin_password <value >ansible.yml &&
	echo >>ansible.yml &&
	# the same shape; only the random salt (so every hex digit) differs
	sed "s/^          [0-9a-f]*$/          HEX/" kcfg.yml >kcfg.shape &&
	sed "s/^          [0-9a-f]*$/          HEX/" ansible.yml >ansible.shape &&
	test_cmp ansible.shape kcfg.shape &&
	awk "{ print length }" kcfg.yml >kcfg.len &&
	awk "{ print length }" ansible.yml >ansible.len &&
	test_cmp ansible.len kcfg.len
'

test_expect_success ANSIBLE 'ansible reads the values kcfg encrypt-string writes' '
	{ echo "---" && cat kcfg.yml &&
	  printf "gr" | "$KCFG" vault encrypt-string \
		--vault-password-file "$V/08-encrypt-string-inline/password" --name grafana_password
	} >vars.yml &&
	ansible localhost -c local -m debug -a var=harbor_admin_password,grafana_password \
		-e @vars.yml --vault-password-file "$V/08-encrypt-string-inline/password" >out &&
	test_grep "('"'"'Harbor12345-ChangeMe'"'"', '"'"'gr'"'"')" out
'

test_expect_success ANSIBLE_VAULT 'rekey output opens in ansible-vault with the new password' '
	cp v11-4 r.vault &&
	printf "new-pw\n" >newpw &&
	"$KCFG" vault rekey --vault-password-file "$V/04-vault-yaml/password" \
		--new-vault-id newid@newpw r.vault &&
	head -n 1 r.vault | grep -qx "\$ANSIBLE_VAULT;1.2;AES256;newid" &&
	ansible-vault view --vault-password-file newpw r.vault >out &&
	cmp "$V/04-vault-yaml/plaintext" out
'

test_done
