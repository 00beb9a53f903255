#!/bin/sh
test_description='render: the bastion (docker trust, kubectl, helm, kubeconfig)'
. "$(dirname "$0")/../test-lib.sh"

FACTS=$SRCDIR/examples/mdx/facts

cat >vault.yaml <<'EOF'
harbor_admin_password: admin-pw
harbor_db_password: db-pw
EOF
echo vault-pw >pwfile
cp "$SRCDIR/examples/mdx/inventory.ini" .

render() {
	"$KCFG" render --facts "$FACTS" --vault-password-file pwfile --component bastion "$@" 2>render.err
}

test_expect_success 'docker on the bastion trusts the registry CA' '
	render -o out &&
	ls out >hosts &&
	echo bastion >expect &&
	test_cmp expect hosts &&
	cmp out/bastion/etc/docker/certs.d/harbor.internal/ca.crt .kcfg/pki/ca.crt &&
	test "$(stat -c %a out/bastion/etc/docker/certs.d/harbor.internal/ca.crt)" = 644
'

test_expect_success 'RESOURCES: docker, the pinned kubectl and helm, the kubeconfig' '
	sed -n "/^bastion /p" out/bastion/RESOURCES >actual &&
	cat >expect <<-\EOF &&
	bastion    packages:docker.io,curl installed
	bastion    service:docker enabled started
	bastion    dir:/etc/docker/certs.d/harbor.internal mode=0755
	bastion    file:/etc/docker/certs.d/harbor.internal/ca.crt mode=0644
	bastion    command:usermod -aG docker '"'"'mdxuser'"'"'
	bastion    upload:/usr/local/bin/kubectl sha256=8b8f088da2dab964f853b38464033b1be15ede2839eca751482357c45abdd05a
	bastion    upload:/var/cache/kcfg/helm-v4.2.4-linux-amd64.tar.gz sha256=c306b46f719b0a4da32d0f78ee21bf90ce8d602f15b22ab753f0674d1670a7f3
	bastion    command:mkdir -p '"'"'/usr/local/lib/kcfg/helm-v4.2.4'"'"' && tar -xzf '"'"'/var/cache/kcfg/helm-v4.2.4-linux-amd64.tar.gz'"'"' -C '"'"'/usr/local/lib/kcfg/helm-v4.2.4'"'"' --strip-components=1 --no-same-owner linux-amd64/helm && ln -sfn '"'"'/usr/local/lib/kcfg/helm-v4.2.4/helm'"'"' /usr/local/bin/helm
	bastion    dir:/home/mdxuser/.kube mode=0700 owner=mdxuser
	bastion    file:/home/mdxuser/.kube/config mode=0600 owner=mdxuser secret from=k0s-kubeconfig-admin
	EOF
	test_cmp expect actual
'

test_expect_success 'registry name, user and pinned versions follow cluster.yaml' '
	cat >cluster.yaml <<-\EOF &&
	cluster:
	  ansible_user: ubuntu
	registry:
	  name: registry.lab.example
	versions:
	  kubectl: v1.35.2
	  kubectl_sha256: 2222222222222222222222222222222222222222222222222222222222222222
	EOF
	render -o other &&
	test -f other/bastion/etc/docker/certs.d/registry.lab.example/ca.crt &&
	r=other/bastion/RESOURCES &&
	test_grep "upload:/usr/local/bin/kubectl sha256=2222" $r &&
	test_grep "usermod -aG docker '"'"'ubuntu'"'"'" $r &&
	test_grep "file:/home/ubuntu/.kube/config mode=0600 owner=ubuntu secret" $r &&
	rm cluster.yaml
'

test_expect_success 'the kubeconfig is not written at render time' '
	! find out -path "*/.kube/*" -type f | grep .
'

test_done
