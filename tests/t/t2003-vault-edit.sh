#!/bin/sh
test_description='vault: edit and create through $EDITOR, leaving no plaintext behind'
. "$(dirname "$0")/../test-lib.sh"

# The editor's private directory goes under $TMPDIR, here inside the trash.
XDG_RUNTIME_DIR=
TMPDIR=$TRASH/tmp
export TMPDIR
unset XDG_RUNTIME_DIR
mkdir "$TMPDIR"

printf "pw\n" >pw
printf "harbor_admin_password: one\n" >plain
"$KCFG" vault encrypt --vault-id prod@pw --output v.yml plain

# An editor that records what it saw, then runs its $ACTION on the file.
cat >ed.sh <<\EOT
#!/bin/sh
f=$1
dir=$(dirname "$f")
stat -c "%a" "$dir" >"$ED_LOG.dirmode"
stat -c "%a" "$f" >"$ED_LOG.filemode"
printf "%s\n" "$f" >"$ED_LOG.path"
cp "$f" "$ED_LOG.seen"
: >"$dir/.$(basename "$f").swp"	# as vi leaves a swap file beside it
eval "$ACTION"
EOT
chmod +x ed.sh
EDITOR=$TRASH/ed.sh
ED_LOG=$TRASH/ed
export EDITOR ED_LOG

tmp_is_empty() {
	[ -z "$(ls -A "$TMPDIR")" ] || { echo "left behind:"; ls -lAR "$TMPDIR"; return 1; }
}

test_expect_success 'edit shows the plaintext in a private file and re-encrypts changes' '
	chmod 640 v.yml &&
	ACTION="echo grafana_password: two >>\"\$f\"" "$KCFG" vault edit --vault-password-file pw v.yml &&
	cmp plain ed.seen &&
	test "$(cat ed.dirmode)" = 700 &&
	test "$(cat ed.filemode)" = 600 &&
	test "$(basename "$(cat ed.path)")" = v.yml &&
	case $(cat ed.path) in "$TMPDIR"/kcfg-vault.*) ;; *) exit 1 ;; esac &&
	tmp_is_empty &&
	"$KCFG" vault view --vault-password-file pw v.yml >out &&
	printf "harbor_admin_password: one\ngrafana_password: two\n" >expect &&
	test_cmp expect out &&
	head -n 1 v.yml | grep -qx "\$ANSIBLE_VAULT;1.2;AES256;prod" &&
	test "$(stat -c %a v.yml)" = 640
'

test_expect_success 'an edit that changes nothing does not rewrite the file' '
	cp v.yml before &&
	ACTION=: "$KCFG" vault edit --vault-password-file pw v.yml &&
	cmp before v.yml &&
	tmp_is_empty
'

test_expect_success 'an editor that fails: exit 1, file unchanged, plaintext removed' '
	ACTION="echo junk >>\"\$f\"; exit 3" test_expect_code 1 "$KCFG" vault edit \
		--vault-password-file pw v.yml 2>err &&
	test_grep "error: the editor '"'"'$EDITOR'"'"' exited with status 3; '"'"'v.yml'"'"' is unchanged" err &&
	cmp before v.yml &&
	tmp_is_empty
'

test_expect_success 'an editor killed by a signal: same' '
	ACTION="echo junk >>\"\$f\"; kill -9 \$\$" test_expect_code 1 "$KCFG" vault edit \
		--vault-password-file pw v.yml 2>err &&
	test_grep "was killed by signal 9" err &&
	cmp before v.yml &&
	tmp_is_empty
'

test_expect_success 'kcfg killed (SIGTERM) while the editor runs: plaintext removed' '
	ACTION="echo junk >>\"\$f\"; kill -TERM \$PPID; sleep 1" \
		test_expect_code 143 "$KCFG" vault edit --vault-password-file pw v.yml 2>err &&
	test_grep "stopped by signal 15 while editing" err &&
	cmp before v.yml &&
	tmp_is_empty
'

test_expect_success 'an editor that cannot start: plaintext removed' '
	EDITOR=/nonexistent/editor test_expect_code 1 "$KCFG" vault edit \
		--vault-password-file pw v.yml 2>err &&
	test_grep "error: cannot run the editor '"'"'/nonexistent/editor'"'"': No such file or directory" err &&
	tmp_is_empty
'

test_expect_success 'EDITOR may hold arguments; it then runs through sh' '
	ACTION="echo \"\$ED_ARG\" >>\"\$f\"" EDITOR="ED_ARG=via-sh $TRASH/ed.sh" \
		"$KCFG" vault edit --vault-password-file pw v.yml &&
	"$KCFG" vault view --vault-password-file pw v.yml >out &&
	test_grep via-sh out
'

test_expect_success 'a wrong password: the editor never runs' '
	printf "wrong\n" >wrongpw &&
	rm -f ed.path &&
	test_expect_code 1 "$KCFG" vault edit --vault-password-file wrongpw v.yml 2>err &&
	test_grep "decryption failed" err &&
	! test -e ed.path
'

test_expect_success 'edit of a missing file points to create' '
	test_expect_code 1 "$KCFG" vault edit --vault-password-file pw nope.yml 2>err &&
	test_grep "hint: create it with '"'"'kcfg vault create nope.yml'"'"'" err
'

test_expect_success 'create writes a new vault, 0600, in a new directory if needed' '
	ACTION="echo created >\"\$f\"" "$KCFG" vault create --vault-password-file pw \
		sub/dir/new.yml 2>err &&
	test_grep "warning: '"'"'sub/dir'"'"' does not exist, creating it" err &&
	test "$(stat -c %a sub/dir/new.yml)" = 600 &&
	head -n 1 sub/dir/new.yml | grep -qx "\$ANSIBLE_VAULT;1.1;AES256" &&
	"$KCFG" vault view --vault-password-file pw sub/dir/new.yml >out &&
	echo created >expect &&
	test_cmp expect out &&
	tmp_is_empty
'

test_expect_success 'create refuses an existing file, and writes nothing when the editor fails' '
	test_expect_code 1 "$KCFG" vault create --vault-password-file pw v.yml 2>err &&
	test_grep "hint: use '"'"'kcfg vault edit v.yml'"'"'" err &&
	ACTION="echo x >\"\$f\"; exit 1" test_expect_code 1 "$KCFG" vault create \
		--vault-password-file pw other.yml 2>err &&
	! test -e other.yml &&
	tmp_is_empty
'

test_expect_success 'create with a vault id writes format 1.2' '
	ACTION="echo x >\"\$f\"" "$KCFG" vault create --vault-id dev@pw labelled.yml &&
	head -n 1 labelled.yml | grep -qx "\$ANSIBLE_VAULT;1.2;AES256;dev"
'

test_done
