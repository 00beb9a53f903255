#!/bin/sh
test_description='render: the Lustre client on the workers (LNet, fstab, mounts)'
. "$(dirname "$0")/../test-lib.sh"

command -v yamllint >/dev/null 2>&1 && test_set_prereq YAMLLINT

FACTS=$SRCDIR/examples/mdx/facts

cat >vault.yaml <<'EOF'
harbor_admin_password: admin-pw
harbor_db_password: db-pw
EOF
echo vault-pw >pwfile
cp "$SRCDIR/examples/mdx/inventory.ini" .

render() {
	"$KCFG" render --facts "$FACTS" --vault-password-file pwfile --component lustre "$@" 2>render.err
}

test_expect_success 'every worker, and only the workers, get the Lustre client' '
	render -o out &&
	ls out >hosts &&
	printf "%s\n" kube-gpu1 kube-gpu2 kube-node1 kube-node2 >expect &&
	test_cmp expect hosts
'

test_expect_success 'LNet of kube-node1: o2ib and tcp on its RoCE interface, the servers as peers' '
	cat >expect <<-\EOF &&
	# Written by kcfg: LNet of kube-node1 over its RoCE interface, in lnetctl'"'"'s
	# import format. Changes here are replaced on the next apply.
	net:
	- net type: o2ib10
	  local NI(s):
	  - nid: 10.146.18.21@o2ib10
	    interfaces:
	      0: ens192
	- net type: tcp10
	  local NI(s):
	  - nid: 10.146.18.21@tcp10
	    interfaces:
	      0: ens192
	peer:
	- primary nid: 172.17.8.40@o2ib10
	  peer ni:
	  - nid: 172.17.8.40@o2ib10
	- primary nid: 172.17.8.41@o2ib10
	  peer ni:
	  - nid: 172.17.8.41@o2ib10
	- primary nid: 172.17.8.56@o2ib10
	  peer ni:
	  - nid: 172.17.8.56@o2ib10
	- primary nid: 172.17.8.57@o2ib10
	  peer ni:
	  - nid: 172.17.8.57@o2ib10
	EOF
	test_cmp expect out/kube-node1/etc/lnet.conf.ddn &&
	test "$(stat -c %a out/kube-node1/etc/lnet.conf.ddn)" = 644 &&
	test_grep "nid: 10.146.18.32@o2ib10" out/kube-gpu2/etc/lnet.conf.ddn
'

test_expect_success YAMLLINT 'the LNet configuration is clean YAML' '
	yamllint -s -c "$SRCDIR/.yamllint" out/*/etc/lnet.conf.ddn
'

test_expect_success 'an fstab block with one line per filesystem' '
	cat >expect <<-\EOF &&
	172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast /fast lustre network=o2ib10,flock,noauto,defaults 0 0
	172.17.8.56@o2ib10:172.17.8.57@o2ib10:/large /large lustre network=o2ib10,flock,noauto,defaults 0 0
	EOF
	test_cmp expect out/kube-gpu1/etc/fstab.kcfg-block-lustre
'

test_expect_success 'RESOURCES: the service, mount points, the block and guarded mounts' '
	r=out/kube-node2/RESOURCES &&
	test_grep "lustre     file:/etc/lnet.conf.ddn mode=0644 notify=restart lustre_client" $r &&
	test_grep "lustre     service:lustre_client enabled started" $r &&
	test_grep "lustre     dir:/fast" $r &&
	test_grep "lustre     dir:/large" $r &&
	test_grep "lustre     block:/etc/fstab#lustre" $r &&
	test_grep "    run: mount '"'"'/fast'"'"'" $r &&
	test_grep "    unless: mountpoint -q '"'"'/fast'"'"'" $r &&
	test_grep "    run: mount '"'"'/large'"'"'" $r &&
	test_grep "apt-mark hold" $r
'

test_expect_success 'filesystems, LNet names and the service come from cluster.yaml' '
	cat >storage.yaml <<-\EOF &&
	storage:
	  hold_kernel: false
	  lnet:
	    o2ib_net: o2ib3
	    tcp_net: tcp3
	    config_path: /etc/lnet.conf
	    service: lnet
	  filesystems:
	  - storage_class: scratch
	    default: true
	    exa_fs: 192.168.7.1@o2ib3,192.168.7.2@o2ib3:/scratch
	    mount_point: /mnt/scratch
	    mount_options: network=o2ib3,flock
	EOF
	"$KCFG" -c storage.yaml render -o custom --facts "$FACTS" --vault-password-file pwfile \
		--component lustre 2>err &&
	l=custom/kube-node1/etc/lnet.conf &&
	test_grep "- net type: o2ib3" $l &&
	test_grep "  - nid: 10.146.18.21@tcp3" $l &&
	test_grep "- primary nid: 192.168.7.2@o2ib3" $l &&
	echo "192.168.7.1@o2ib3,192.168.7.2@o2ib3:/scratch /mnt/scratch lustre network=o2ib3,flock 0 0" >expect &&
	test_cmp expect custom/kube-node1/etc/fstab.kcfg-block-lustre &&
	test_grep "lustre     service:lnet enabled started" custom/kube-node1/RESOURCES &&
	! grep apt-mark custom/kube-node1/RESOURCES
'

test_expect_success 'without RDMA, LNet runs over tcp only' '
	printf "cluster:\n  rdma: false\n" >tcp.yaml &&
	"$KCFG" -c tcp.yaml render -o tcp --facts "$FACTS" --vault-password-file pwfile \
		--component lustre 2>err &&
	! grep o2ib10 tcp/kube-node1/etc/lnet.conf.ddn &&
	test_grep "  - nid: 10.146.18.21@tcp10" tcp/kube-node1/etc/lnet.conf.ddn
'

test_expect_success 'a worker without roce_host, RDMA off and storage on, is an error naming it' '
	sed "s/^\(kube-node2 ansible_host=[0-9.]*\) roce_host=.*/\1/" inventory.ini >noroce.ini &&
	test_must_fail "$KCFG" -i noroce.ini -c tcp.yaml render -o bad --facts "$FACTS" \
		--vault-password-file pwfile --component lustre 2>err &&
	test_grep "error: host '"'"'kube-node2'"'"': addons.storage is on, and it has no roce_host: set roce_host=ADDRESS on its line in the inventory (Lustre'"'"'s LNet runs over the RoCE network), or set addons.storage: false in cluster.yaml" err &&
	test ! -e bad
'

test_expect_success 'storage off: no Lustre client anywhere' '
	printf "addons:\n  storage: false\n" >off.yaml &&
	"$KCFG" -c off.yaml render -o off --facts "$FACTS" --vault-password-file pwfile \
		--component lustre 2>err &&
	! find off -name "lnet.conf*" | grep . &&
	! find off -name "fstab*" | grep .
'

test_done
