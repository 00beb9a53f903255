#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg apply of k0s on sandbox hosts: controller first, then the workers join with its token'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: the real k0s binary cannot be downloaded here, and a real
# control plane does not run in these containers. The k0s that kcfg
# fetches and uploads is a stand-in script that does what kcfg relies
# on: `install` writes the systemd unit, the controller's service marks
# the API up, `token create` answers only then, and the worker's
# `install` checks the token file it was given. Everything up to that
# binary is real: fetch, sha256 pins, uploads, sessions, systemd, the
# two passes of apply.
sandbox_start eg 10.250.67 4

cat >k0s-standin <<\EOF
#!/bin/sh
# kcfg test stand-in for k0s: logs each call, then acts like k0s would.
echo "$*" >>/var/log/k0s-standin.log
unit() {
	cat >/etc/systemd/system/$1.service <<UNIT
[Unit]
Description=$1 (kcfg test stand-in)
[Service]
ExecStart=/bin/sh -c '$2; exec sleep infinity'
[Install]
WantedBy=multi-user.target
UNIT
	systemctl daemon-reload
}
case "$1 $2" in
"install controller")
	test -f /etc/k0s/k0s.yaml || { echo "no /etc/k0s/k0s.yaml" >&2; exit 1; }
	unit k0scontroller "touch /run/k0s-api-up" ;;
"install worker")
	f=$4
	test "$3" = --token-file || exit 2
	test "$(stat -c %a "$f")" = 600 || { echo "token file is not 0600" >&2; exit 1; }
	grep -q '^kcfg-test-token-' "$f" || { echo "no join token in $f" >&2; exit 1; }
	unit k0sworker true ;;
"token create")
	test -e /run/k0s-api-up || { echo "the API is not up" >&2; exit 1; }
	echo "kcfg-test-token-$(hostname)-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" ;;
"kubeconfig admin")
	test -e /run/k0s-api-up || exit 1
	cat <<KUBECONFIG
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Y2EK
    server: https://localhost:6443
  name: local
users:
- name: admin
  user:
    client-key-data: a2NmZy10ZXN0LWFkbWluLWtleQ==
KUBECONFIG
	;;
*)	echo "k0s stand-in: unknown command: $*" >&2; exit 2 ;;
esac
EOF

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'set up: inventory, the stand-in fetched into the cache by its pin' '
	sb_inventory 4 &&
	sb_cluster_yaml >cluster.yaml &&
	printf "versions:\n  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)" >>cluster.yaml &&
	mkdir mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	test_grep "fetch: 1 file: 1 fetched" out
'

test_expect_success SANDBOX 'apply installs the controller, then joins the worker with a token from it' '
	"$KCFG" apply -C k0s >out 2>err &&
	grep -E "^$(sb_host 3) +changed +[0-9]+ +[0-9]+ +0 " out &&
	grep -E "^$(sb_host 4) +changed +[0-9]+ +[0-9]+ +0 " out &&
	sb_on 3 "systemctl is-active k0scontroller" &&
	sb_on 4 "systemctl is-active k0sworker" &&
	sb_on 3 "cat /var/log/k0s-standin.log" >ctl.log &&
	cat >expect <<-\EOF &&
	install controller --config /etc/k0s/k0s.yaml
	token create --role=worker --expiry=1h
	EOF
	test_cmp expect ctl.log &&
	sb_on 4 "cat /var/log/k0s-standin.log" >worker.log &&
	grep -q "^install worker --token-file /etc/k0s/worker-token --profile numa-" worker.log &&
	token=$(sb_on 4 "cat /etc/k0s/worker-token") &&
	case "$token" in kcfg-test-token-$(sb_host 3)-*) ;; *) false ;; esac &&
	test_grep "$(sb_host 4): waiting for the controller" err &&
	# the token is a secret: not in kcfg output or logs
	test_must_fail grep -rq "$token" out err .kcfg/logs
'

test_expect_success SANDBOX 'a second apply changes nothing and asks for no token' '
	"$KCFG" plan -C k0s --detailed-exitcode >out &&
	"$KCFG" apply -C k0s >out 2>err &&
	grep -E "^$(sb_host 4) +ok +0 " out &&
	test $(sb_on 3 "grep -c \"^token create\" /var/log/k0s-standin.log") -eq 1
'

test_expect_success SANDBOX 'a worker whose controller cannot give a token fails with the reason; the others finish' '
	sb_on 4 "systemctl disable --now k0sworker && rm /etc/systemd/system/k0sworker.service" &&
	sb_on 3 "rm /run/k0s-api-up" &&
	test_expect_code 1 "$KCFG" apply -C k0s --timeout 4 >out 2>err &&
	grep -E "^$(sb_host 3) +ok " out &&
	grep -E "^$(sb_host 4) +failed " out &&
	test_grep "error: on '"'"'$(sb_host 4)'"'"', cannot read the worker join token on '"'"'$(sb_host 3)'"'"': " err &&
	test_grep "hint: check that k0s runs on '"'"'$(sb_host 3)'"'"'" err
'

test_expect_success SANDBOX 'once the controller answers again, the next apply joins the worker' '
	sb_on 3 "touch /run/k0s-api-up" &&
	"$KCFG" apply -C k0s >out 2>err &&
	grep -E "^$(sb_host 4) +changed " out &&
	sb_on 4 "systemctl is-active k0sworker"
'

test_expect_success SANDBOX 'kubeconfig: the admin kubeconfig, its server the controller'"'"'s front address' '
	"$KCFG" kubeconfig >kc 2>err &&
	test_grep "    server: https://$(sb_ip 3):6443" kc &&
	test_grep "    client-key-data: a2NmZy10ZXN0LWFkbWluLWtleQ==" kc &&
	test_must_fail grep -q localhost kc &&
	test ! -s err
'

test_expect_success SANDBOX 'kubeconfig --local -o FILE: 127.0.0.1, mode 0600, and the tunnel through the bastion' '
	"$KCFG" kubeconfig --local -o local.kc >out 2>err &&
	test ! -s out &&
	test "$(stat -c %a local.kc)" = 600 &&
	test_grep "    server: https://127.0.0.1:6443" local.kc &&
	test_grep "  ssh -N -L 6443:$(sb_ip 3):6443 root@$(sb_ip 1)" err &&
	# (the cache holds the stand-in, which has the key in its text)
	test_must_fail grep -rq --exclude-dir=cache a2NmZy10ZXN0LWFkbWluLWtleQ .kcfg
'

test_done
