#!/bin/sh
test_description='vault: password sources, the terminal prompt, vault ids'
. "$(dirname "$0")/../test-lib.sh"

V=$TEST_DATA/vault
command -v python3 >/dev/null 2>&1 && test_set_prereq PYTHON3
command -v setsid >/dev/null 2>&1 && test_set_prereq SETSID

# pty-run.py: tests/tools/pty-run.py (answers prompts on a pseudo-terminal)
cp "$SRCDIR/tests/tools/pty-run.py" pty-run.py

printf "data\n" >d

test_expect_success 'KCFG_VAULT_PASSWORD_FILE names the password file' '
	printf "env-pw\n" >envpw &&
	KCFG_VAULT_PASSWORD_FILE=envpw "$KCFG" vault encrypt --output e.vault d &&
	"$KCFG" vault view --vault-password-file envpw e.vault >out &&
	cmp d out
'

test_expect_success 'ANSIBLE_VAULT_PASSWORD_FILE works too, and KCFG_ wins over it' '
	ANSIBLE_VAULT_PASSWORD_FILE=envpw "$KCFG" vault view e.vault >out &&
	cmp d out &&
	printf "other\n" >otherpw &&
	KCFG_VAULT_PASSWORD_FILE=envpw ANSIBLE_VAULT_PASSWORD_FILE=otherpw \
		"$KCFG" vault view e.vault >out &&
	cmp d out &&
	test_expect_code 1 env KCFG_VAULT_PASSWORD_FILE=missing "$KCFG" vault view e.vault 2>err &&
	cat >expect <<-\EOT &&
	error: vault password file '"'"'missing'"'"' was not found
	  hint: the file is named by $KCFG_VAULT_PASSWORD_FILE
	EOT
	test_cmp expect err
'

test_expect_success 'a command-line source wins over the environment' '
	KCFG_VAULT_PASSWORD_FILE=otherpw "$KCFG" vault view --vault-password-file envpw \
		e.vault >out &&
	cmp d out
'

test_expect_success SETSID 'without any source and without a terminal: a clear error' '
	test_expect_code 1 setsid -w "$KCFG" vault view e.vault 2>err </dev/null &&
	cat >expect <<-\EOT &&
	error: no vault password given, and no terminal to ask for it
	  hint: use --vault-password-file FILE or --vault-id LABEL@FILE, or set KCFG_VAULT_PASSWORD_FILE to a password file
	EOT
	test_cmp expect err
'

test_expect_success 'password file problems say what is wrong' '
	: >emptypw &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file emptypw e.vault 2>err &&
	test_grep "error: vault password file '"'"'emptypw'"'"' is empty" err &&
	printf "#!/bin/sh\nexit 4\n" >fail.sh && chmod +x fail.sh &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file ./fail.sh e.vault 2>err &&
	test_grep "error: vault password script '"'"'./fail.sh'"'"' exited with status 4" err &&
	printf "#!/bin/sh\nkill -9 \$\$\n" >killed.sh && chmod +x killed.sh &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file ./killed.sh e.vault 2>err &&
	test_grep "was killed by signal 9" err &&
	printf "not a script" >notscript && chmod +x notscript &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file notscript e.vault 2>err &&
	test_grep "error: cannot run vault password script '"'"'notscript'"'"': Exec format error" err &&
	test_grep "hint: if it is not a script, remove its executable bit" err &&
	printf "#!/bin/sh\nexec yes\n" >chatty.sh && chmod +x chatty.sh &&
	test_expect_code 1 "$KCFG" vault view --vault-password-file ./chatty.sh e.vault 2>err &&
	test_grep "printed more than 65536 bytes" err
'

test_expect_success 'an executable password file gets a clean environment of kcfg' '
	cat >env.sh <<-\EOT &&
	#!/bin/sh
	env >script-env
	echo env-pw
	EOT
	chmod +x env.sh &&
	"$KCFG" vault view --vault-password-file ./env.sh e.vault >out &&
	cmp d out &&
	! grep -i -e "env-pw" -e vault_pass script-env
'

test_expect_success '--vault-id checks its label' '
	test_expect_code 64 "$KCFG" vault view --vault-id "a;b@envpw" e.vault 2>err &&
	test_grep "error: '"'"'a;b'"'"' is not a valid vault id: it must not contain '"'"';'"'"'" err &&
	test_expect_code 64 "$KCFG" vault view --vault-id "prod@" e.vault 2>err &&
	test_grep "names no password source" err
'

test_expect_success 'several ids: decrypt tries the matching label first; encrypt needs a choice' '
	printf "pw-a\n" >pwa && printf "pw-b\n" >pwb &&
	"$KCFG" vault encrypt --vault-id b@pwb --output b.vault d &&
	"$KCFG" vault view --vault-id a@pwa --vault-id b@pwb b.vault >out &&
	cmp d out &&
	test_expect_code 64 "$KCFG" vault encrypt --vault-id a@pwa --vault-id b@pwb \
		--output x.vault d 2>err &&
	test_grep "hint: add --encrypt-vault-id LABEL" err &&
	! test -e x.vault &&
	"$KCFG" vault encrypt --vault-id a@pwa --vault-id b@pwb --encrypt-vault-id a \
		--output x.vault d &&
	head -n 1 x.vault | grep -qx "\$ANSIBLE_VAULT;1.2;AES256;a" &&
	test_expect_code 64 "$KCFG" vault encrypt --vault-id a@pwa --encrypt-vault-id c d 2>err &&
	test_grep "error: --encrypt-vault-id '"'"'c'"'"' matches no --vault-id" err
'

test_expect_success PYTHON3 'the prompt reads the terminal without echo' '
	python3 pty-run.py "$(cat envpw)" -- "$KCFG" vault view e.vault >transcript &&
	test_grep "Vault password: " transcript &&
	test_grep "data" transcript &&
	! grep -F "env-pw" transcript
'

test_expect_success PYTHON3 'after ^Z the terminal is restored and the prompt comes again' '
	python3 pty-run.py "^Z" "$(cat envpw)" -- "$KCFG" vault view e.vault >transcript &&
	test "$(grep -o "Vault password: " transcript | wc -l)" = 2 &&
	test_grep "data" transcript &&
	! grep -F "env-pw" transcript
'

test_expect_success PYTHON3 'a labelled prompt says its label, as ansible-vault does' '
	python3 pty-run.py "$(cat envpw)" -- "$KCFG" vault view --vault-id dev@prompt \
		e.vault >transcript &&
	test_grep "Vault password (dev): " transcript
'

test_expect_success PYTHON3 'a new password is asked twice and must match' '
	python3 pty-run.py "new-pw" "new-pw" -- "$KCFG" vault encrypt --output n.vault d \
		>transcript &&
	test_grep "New Vault password: " transcript &&
	test_grep "Confirm New Vault password: " transcript &&
	! grep -F "new-pw" transcript &&
	printf "new-pw" >newpw &&
	"$KCFG" vault view --vault-password-file newpw n.vault >out &&
	cmp d out &&
	test_expect_code 1 python3 pty-run.py "new-pw" "other" -- "$KCFG" vault encrypt \
		--output m.vault d >transcript &&
	test_grep "error: the vault passwords do not match" transcript &&
	! test -e m.vault &&
	test_expect_code 1 python3 pty-run.py "  " -- "$KCFG" vault encrypt \
		--output m.vault d >transcript &&
	test_grep "error: the vault password must not be empty" transcript
'

test_expect_success PYTHON3 'rekey asks for the old and the new password' '
	cp e.vault r.vault &&
	python3 pty-run.py "env-pw" "rekeyed" "rekeyed" -- "$KCFG" vault rekey \
		--ask-vault-password r.vault >transcript &&
	test_grep "Vault password: " transcript &&
	test_grep "New Vault password: " transcript &&
	printf "rekeyed" >rekeyedpw &&
	"$KCFG" vault view --vault-password-file rekeyedpw r.vault >out &&
	cmp d out
'

test_done
