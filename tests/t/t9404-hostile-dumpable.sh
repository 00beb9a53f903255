#!/bin/sh
test_description='a command that reads a vault is not dumpable and has no core file limit before it reads any secret'
. "$(dirname "$0")/../test-lib.sh"

# kcfg runs as nobody, so that /proc shows whether it is dumpable: the
# files of a process that is not are owned by root (proc(5)). Each run
# blocks on a vault password file that is a FIFO, before any secret is
# read; the test looks at it there, then feeds the password or ends it.
NOBODY=65534
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && test_set_prereq SETPRIV

chmod 755 "$TRASH"
mkdir w && cp -r "$SRCDIR/examples/mdx" w/mdx && rm -rf w/mdx/.kcfg &&
cat >w/local.ini <<EOF
[bastion_host]
b1 ansible_host=127.0.0.2 ansible_user=root
[registry]
r1 ansible_host=127.0.0.3 ansible_user=root
[kube_master]
m1 ansible_host=127.0.0.4 ansible_user=root
EOF
chown -R $NOBODY:$NOBODY w 2>/dev/null

# start ARGS...: kcfg ARGS as nobody in w/, its vault password from the
# FIFO w/pw; sets $pid once it waits on the FIFO.
start() {
	rm -f w/pw && mkfifo -m 666 w/pw &&
	(cd w && exec setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		"$KCFG" "$@" --vault-password-file pw >../out 2>../err) &
	pid=$!
	for i in $(seq 1 200); do
		[ "$(cat /proc/$pid/wchan 2>/dev/null)" = wait_for_partner ] && return 0
		sleep 0.1
	done
	echo "kcfg never waited for its password:"; cat err; kill $pid; return 1
}

# guarded: the running kcfg is not dumpable and may not write a core file
guarded() {
	owner=$(stat -c %u:%g /proc/$pid/status) &&
	test "$owner" = 0:0 || { echo "/proc/$pid belongs to $owner: kcfg is dumpable"; return 1; }
	grep "^Max core file size" /proc/$pid/limits >limits &&
	grep -q "^Max core file size  *0  *0 " limits || { cat limits; return 1; }
}

test_expect_success SETPRIV 'render: guarded while it waits for the password, then renders' '
	start -i mdx/inventory.ini -c mdx/cluster.yaml render --facts mdx/facts --vault mdx/vault.yaml -o out-render &&
	guarded &&
	cat w/mdx/vault-password.txt >w/pw &&
	wait $pid &&
	test -f w/out-render/kube-master/etc/k0s/k0s.yaml
'

test_expect_success SETPRIV 'config show: guarded, then prints the secrets redacted' '
	start -i mdx/inventory.ini -c mdx/cluster.yaml config show --vault mdx/vault.yaml &&
	guarded &&
	cat w/mdx/vault-password.txt >w/pw &&
	wait $pid &&
	test_grep "#   grafana_password: <redacted>" out
'

# plan and apply would go on to the hosts: they are ended where they wait
for cmd in plan apply; do
	test_expect_success SETPRIV "$cmd: guarded while it waits for the password" '
		start -i local.ini -c mdx/cluster.yaml '$cmd' --vault mdx/vault.yaml &&
		guarded &&
		kill $pid && { wait $pid || true; }
	'
done

test_expect_success SETPRIV 'vault view: guarded as before' '
	start vault view mdx/vault.yaml &&
	guarded &&
	cat w/mdx/vault-password.txt >w/pw &&
	wait $pid &&
	test_grep "grafana" out
'

test_done
