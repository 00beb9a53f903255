#!/bin/sh
test_description='vault: the cluster secrets from vault.yaml, and no secret leaking'
. "$(dirname "$0")/../test-lib.sh"

V=$TEST_DATA/vault
printf "pw\n" >pw
command -v setsid >/dev/null 2>&1 && test_set_prereq SETSID

test_expect_success 'check lists the secrets of an encrypted vault.yaml, redacted' '
	"$KCFG" vault check --vault-password-file "$V/04-vault-yaml/password" \
		"$V/04-vault-yaml/vault" >out 2>err &&
	cat >expect <<-\EOT &&
	harbor_admin_password: <redacted>
	harbor_db_password: <redacted>
	grafana_password: <redacted>
	ansible_become_password: (not set)
	EOT
	test_cmp expect out &&
	! test -s err
'

test_expect_success 'check reads ./vault.yaml by default' '
	cp "$V/04-vault-yaml/vault" vault.yaml &&
	"$KCFG" vault check --vault-password-file "$V/04-vault-yaml/password" >out &&
	test_cmp expect out &&
	rm vault.yaml
'

test_expect_success 'a plain vault.yaml works, with a warning that it is not encrypted' '
	cat >plain.yaml <<-\EOT &&
	---
	harbor_admin_password: Harbor12345
	harbor_db_password: ""
	grafana_pasword: typo
	EOT
	"$KCFG" vault check plain.yaml >out 2>err &&
	cat >expect <<-\EOT &&
	harbor_admin_password: <redacted>
	harbor_db_password: (not set)
	grafana_password: (not set)
	ansible_become_password: (not set)
	EOT
	test_cmp expect out &&
	cat >expect.err <<-\EOT &&
	plain.yaml:2:24: warning: '"'"'harbor_admin_password'"'"' is not encrypted
	  hint: encrypt the file with '"'"'kcfg vault encrypt plain.yaml'"'"', or the value with '"'"'kcfg vault encrypt-string --name harbor_admin_password'"'"'
	plain.yaml:4:1: warning: unknown key '"'"'grafana_pasword'"'"' in the vault file is ignored
	  hint: did you mean '"'"'grafana_password'"'"'?
	EOT
	test_cmp expect.err err
'

test_expect_success SETSID 'a plain file asks for no password at all' '
	setsid -w "$KCFG" vault check plain.yaml </dev/null >out 2>/dev/null
'

test_expect_success 'inline values are decrypted for the cluster' '
	printf "a" | "$KCFG" vault encrypt-string --vault-password-file pw \
		--name harbor_db_password >inline.yaml &&
	printf "b" | "$KCFG" vault encrypt-string --vault-password-file pw \
		--name ansible_become_password >>inline.yaml &&
	"$KCFG" vault check --vault-password-file pw inline.yaml >out 2>err &&
	cat >expect <<-\EOT &&
	harbor_admin_password: (not set)
	harbor_db_password: <redacted>
	grafana_password: (not set)
	ansible_become_password: <redacted>
	EOT
	test_cmp expect out &&
	! test -s err
'

test_expect_success 'errors in vault.yaml exit 65 with their place' '
	printf "grafana_password: [a]\ngrafana_password: b\n" >bad.yaml &&
	"$KCFG" vault encrypt --vault-password-file pw bad.yaml &&
	test_expect_code 65 "$KCFG" vault check --vault-password-file pw bad.yaml 2>err &&
	test_grep "bad.yaml:1:19: error: '"'"'grafana_password'"'"' must be a string" err &&
	test_grep "bad.yaml:2:1: error: '"'"'grafana_password'"'"' is set twice (first at line 1)" err &&
	printf "a: [\n" >notyaml.yaml &&
	test_expect_code 65 "$KCFG" vault check notyaml.yaml 2>err &&
	test_grep "error: notyaml.yaml:2:1: invalid YAML" err
'

test_expect_success 'a wrong password exits 1' '
	printf "wrong\n" >wrongpw &&
	test_expect_code 1 "$KCFG" vault check --vault-password-file wrongpw \
		"$V/04-vault-yaml/vault" 2>err &&
	test_grep "decryption failed" err &&
	test_expect_code 1 "$KCFG" vault check --vault-password-file pw missing.yaml 2>err &&
	test_grep "error: cannot read vault file '"'"'missing.yaml'"'"': No such file or directory" err
'

# The secret values of the test vault, and its password.
PW="leak-test-pw-7c1e"
VALUES="Harbor-leak-9f2a db-leak-41bd grafana-leak-e07c become-leak-5a66"

# Captures what another user of the machine could see of kcfg (pid $2),
# while kcfg runs it: the process list, kcfg's command line and environment
# (readable only to root, kcfg being undumpable), and its own environment.
cat >spy.sh <<EOT
#!/bin/sh
out=$TRASH/spy.\$1.\$\$
ps -eo args >"\$out.ps"
tr '\0' '\n' </proc/\$2/cmdline >"\$out.cmdline"
tr '\0' '\n' </proc/\$2/environ >"\$out.environ" 2>/dev/null || :
tr '\0' '\n' </proc/self/environ >"\$out.self-environ"
EOT
chmod +x spy.sh
# as the editor it runs as kcfg's child; the password script passes kcfg's pid
printf '#!/bin/sh\nexec "%s/spy.sh" editor $PPID\n' "$TRASH" >spy-editor.sh
chmod +x spy-editor.sh

assert_no_secret() {
	for f in "$@"; do
		test -e "$f" || continue
		for s in $PW $VALUES; do
			if grep -F -e "$s" "$f"; then echo "'$s' leaked into $f"; return 1; fi
		done
	done
}

test_expect_success 'no secret in the process list, environment or log' '
	printf "%s\n" "harbor_admin_password: Harbor-leak-9f2a" "harbor_db_password: db-leak-41bd" \
		"grafana_password: grafana-leak-e07c" "ansible_become_password: become-leak-5a66" \
		>vault.yaml &&
	printf "#!/bin/sh\n%s/spy.sh pwscript \$PPID\necho %s\n" "$TRASH" "$PW" >pw.sh &&
	chmod +x pw.sh &&
	"$KCFG" -vv vault encrypt --vault-password-file ./pw.sh vault.yaml 2>log.encrypt &&
	"$KCFG" -vv vault check --vault-password-file ./pw.sh vault.yaml >out 2>log.check &&
	test_grep "decrypting '"'"'vault.yaml'"'"'" log.check &&
	test_grep "running vault password script" log.check &&
	EDITOR="$TRASH/spy-editor.sh" "$KCFG" -vv vault edit --vault-password-file ./pw.sh \
		vault.yaml 2>log.edit &&
	KCFG_VAULT_PASSWORD_FILE=./pw.sh "$KCFG" -vv vault view vault.yaml >viewed 2>log.view &&
	test_grep "Harbor-leak-9f2a" viewed &&
	# the spies did run, saw kcfg, and read its command line
	cat spy.pwscript.*.ps >all.ps &&
	test_grep "vault check" all.ps &&
	test_grep "vault edit" all.ps &&
	cat spy.pwscript.*.cmdline >all.cmdline &&
	test_grep "view" all.cmdline &&
	test_grep "edit" spy.editor.*.cmdline &&
	test -s spy.editor.*.self-environ &&
	assert_no_secret spy.* log.* out
'

test_expect_success 'the temporary file of edit is gone, and vault.yaml is 0600' '
	test "$(stat -c %a vault.yaml)" = 600
'

test_done
