#!/bin/sh
test_description='a block holding a marker line (which would grow its file on every apply) is refused at its cluster.yaml line'
. "$(dirname "$0")/../test-lib.sh"

cat >inventory.ini <<EOF
[bastion_host]
b1 ansible_host=10.0.0.1 ansible_user=root
[registry]
r1 ansible_host=10.0.0.2 ansible_user=root
[kube_master]
m1 ansible_host=10.0.0.3 ansible_user=root
EOF

# block LINE...: cluster.yaml with one block of LINEs in $TRASH/fstab
block() {
	{
		printf 'cluster:\n  rdma: false\nextras:\n  - group: all\n    blocks:\n'
		printf '      - path: %s/fstab\n        marker: lab\n        content: |\n' "$TRASH"
		for l in "$@"; do printf '          %s\n' "$l"; done
	} >cluster.yaml
}

test_expect_success 'a block holding its own end marker is refused with file:line' '
	block "x y" "# END kcfg lab" "z" &&
	test_expect_code 65 "$KCFG" config check >out 2>err &&
	cat >expect <<-\EOF &&
	cluster.yaml:8:18: error: '"'"'extras[0].blocks[0].content'"'"' line 2 is '"'"'# END kcfg lab'"'"', a block marker line: kcfg would find the block'"'"'s end inside it and grow the file on every apply
	  hint: remove that line: kcfg writes the block'"'"'s own marker lines ('"'"'# BEGIN kcfg lab'"'"' and '"'"'# END kcfg lab'"'"') around the content
	1 error
	EOF
	test_cmp expect err
'

test_expect_success 'so is a begin marker, or another block'"'"'s marker; text that only looks like one is fine' '
	block "# BEGIN kcfg lab" &&
	test_expect_code 65 "$KCFG" config check 2>err &&
	test_grep "line 1 is '"'"'# BEGIN kcfg lab'"'"', a block marker line" err &&
	block "a" "# END kcfg other" &&
	test_expect_code 65 "$KCFG" config check 2>err &&
	test_grep "line 2 is '"'"'# END kcfg other'"'"', a block marker line" err &&
	block "#END kcfg lab" "  # END kcfg lab" "# END kcfglab" &&
	"$KCFG" config check
'

test_expect_success 'plan refuses it before it reads or writes any host file' '
	block "x y" "# END kcfg lab" "z" &&
	printf "/dev/sda1 / ext4 defaults 0 1\n" >fstab &&
	cp fstab fstab.before &&
	test_expect_code 65 "$KCFG" plan --local -l b1 -C extras >out 2>err &&
	test_grep "cluster.yaml:8:18: error: '"'"'extras[0].blocks[0].content'"'"' line 2" err &&
	test_cmp fstab.before fstab &&
	test ! -s out
'

test_done
