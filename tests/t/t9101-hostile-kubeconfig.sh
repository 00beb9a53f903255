#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='hostile: the bastion'"'"'s ~/.kube/config is written like any file, never through a link its user planted'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"
. "$SRCDIR/tests/hostile-lib.sh"

# Host 1 is the bastion, host 3 the controller (host 2, the registry, is
# not needed by bastion and k0s). cluster.ansible_user is nosudo, a user
# without sudo: the admin kubeconfig goes to /home/nosudo/.kube/config,
# in a directory nosudo owns. The boundary is t5104's: tests/standins/k0s
# prints the admin kubeconfig once its "API" is up; kubectl and helm are
# stand-ins with pins, docker.io and curl empty packages from a local repository
# with a unit file put there by hand.
sandbox_start wc 10.250.193 3
sb_apt_prereq
KUBE=/home/nosudo/.kube
SNAP_SKIP=$KUBE

cp "$SRCDIR/tests/standins/k0s" k0s-standin

apply13() { "$KCFG" apply -C bastion,k0s -l "$(sb_host 1),$(sb_host 3)" --vault-password-file pwfile "$@"; }

# ~/.kube/config on host 1 is the admin kubeconfig, pointed at host 3.
kubeconfig_right() {
	test "$(sb_on 1 stat -c %U:%G:%a:%F $KUBE/config)" = "nosudo:nosudo:600:regular file" &&
	sb_on 1 cat $KUBE/config >kc &&
	test_grep "    server: https://$(sb_ip 3):6443" kc &&
	test_grep "    client-key-data: a2NmZy10ZXN0LWFkbWluLWtleQ==" kc &&
	test_must_fail grep -q localhost kc
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX_APT 'set up: stand-ins for k0s, kubectl, helm and docker; the vault' '
	sb_inventory 3 &&
	sb_cluster_yaml >cluster.yaml &&
	mkdir -p mirror/linux-amd64 &&
	cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	printf "#!/bin/sh\necho kubectl stand-in\n" >mirror/kubectl-v1.36.4-linux-amd64 &&
	printf "#!/bin/sh\necho helm stand-in\n" >mirror/linux-amd64/helm &&
	chmod 755 mirror/linux-amd64/helm &&
	tar -C mirror -czf mirror/helm-v4.2.4-linux-amd64.tar.gz linux-amd64 &&
	cat >>cluster.yaml <<-EOF &&
	  ansible_user: nosudo
	versions:
	  k0s_sha256: $(sha256sum <mirror/k0s-v1.36.4+k0s.1-amd64 | cut -c1-64)
	  kubectl_sha256: $(sha256sum <mirror/kubectl-v1.36.4-linux-amd64 | cut -c1-64)
	  helm_sha256: $(sha256sum <mirror/helm-v4.2.4-linux-amd64.tar.gz | cut -c1-64)
	EOF
	printf "harbor_admin_password: admin-pw\nharbor_db_password: db-pw\n" >vault.yaml &&
	echo vault-pw >pwfile &&
	"$KCFG" fetch -C bastion,k0s --from mirror >out &&
	sb_local_repo 1 docker.io curl &&
	sb_on 1 "apt-get update -q >/dev/null && groupadd docker &&
		printf \"[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n\" \
		>/etc/systemd/system/docker.service && systemctl daemon-reload"
'

test_expect_success SANDBOX_APT 'set up: apply makes the controller, then the kubeconfig on the bastion' '
	apply13 >out 2>err &&
	kubeconfig_right &&
	test "$(sb_on 1 stat -c %U:%a $KUBE)" = nosudo:700 &&
	test_must_fail grep -rq a2NmZy10ZXN0LWFkbWluLWtleQ out err .kcfg/logs
'

test_expect_success SANDBOX_APT 'links at the old temporary names in ~/.kube are never followed' '
	sb_as 1 nosudo "rm $KUBE/config && ln -s /etc/ld.so.preload $KUBE/config.kcfg-new" &&
	sb_plant_links 1 $KUBE config &&
	sb_snapshot 1 before &&
	apply13 >out 2>err &&
	sb_no_pwn 1 &&
	sb_snapshot 1 after &&
	test_cmp before after &&
	kubeconfig_right &&
	test "$(sb_on 1 readlink $KUBE/config.kcfg-new)" = /etc/ld.so.preload &&
	"$KCFG" plan -C bastion,k0s -l "$(sb_host 1),$(sb_host 3)" --vault-password-file pwfile \
		--detailed-exitcode >out
'

test_expect_success SANDBOX_APT 'plan shows the kubeconfig as a secret file written from the controller'"'"'s' '
	sb_as 1 nosudo "rm $KUBE/config" &&
	test_expect_code 2 "$KCFG" plan -C bastion -l "$(sb_host 1)" --vault-password-file pwfile \
		--detailed-exitcode >out 2>err &&
	test_grep "  + file $KUBE/config (0600 nosudo:nosudo) [bastion]" out &&
	test_grep "      written from k0s-kubeconfig-admin (secret)" out
'

test_expect_success SANDBOX_APT '~/.kube turned into a link to /etc is refused' '
	sb_as 1 nosudo "rm -rf $KUBE && ln -s /etc $KUBE" &&
	sb_snapshot 1 before &&
	test_expect_code 1 apply13 >out 2>err &&
	test_grep "'"'"'$KUBE'"'"' is a symbolic link in a directory that others than root can change: kcfg does not follow it" err &&
	sb_on 1 "test ! -e /etc/config" &&
	sb_snapshot 1 after &&
	test_cmp before after &&
	test_must_fail grep -rq a2NmZy10ZXN0LWFkbWluLWtleQ out err .kcfg/logs
'

test_expect_success SANDBOX_APT 'a kubeconfig that is a link is refused too' '
	sb_as 1 nosudo "rm $KUBE && mkdir -m 700 $KUBE && ln -s /etc/kcfg-pwn-kubeconfig $KUBE/config" &&
	test_expect_code 1 apply13 >out 2>err &&
	test_grep "'"'"'$KUBE/config'"'"' is a symbolic link: kcfg neither follows nor replaces it" err &&
	sb_no_pwn 1
'

test_done
