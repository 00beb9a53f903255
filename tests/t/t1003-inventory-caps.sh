#!/bin/sh
test_description='inventory caps: file size and host count are bounded'
. "$(dirname "$0")/../test-lib.sh"

cat >expect.big <<\EOT
error: inventory 'big.ini' is larger than 16 MiB
EOT

test_expect_success 'an inventory larger than 16 MiB is refused' '
	{ head -c 16777216 /dev/zero | tr "\000" "#" && echo; } >big.ini &&
	test_expect_code 65 "$KCFG" -i big.ini inventory --list >out 2>err &&
	test_cmp expect.big err &&
	test ! -s out
'

test_expect_success 'an inventory of exactly 16 MiB is read' '
	{ head -c 16777215 /dev/zero | tr "\000" "#" && echo; } >max.ini &&
	"$KCFG" -i max.ini inventory --list >out &&
	test_grep "\"ungrouped\"" out
'

test_expect_success 'a range of 100000 hosts is fine' '
	printf "[kube_node]\nnode[1:100000]\n" >many.ini &&
	"$KCFG" -i many.ini inventory --graph kube_node >out &&
	test $(wc -l <out) = 100001 &&
	test_grep "  |--node100000" out
'

cat >expect.cap <<\EOT
caps.ini:2:1: error: host pattern 'node[0:100000]' takes the inventory past 100000 hosts
  hint: check the range's bounds
caps.ini:3:1: error: host pattern 'rack[1:1000][1:1000]' takes the inventory past 100000 hosts
  hint: check the range's bounds
caps.ini:5:1: error: host pattern 'gpu[1:2]' takes the inventory past 100000 hosts
  hint: check the range's bounds
caps.ini:6:1: error: invalid host pattern 'n[0:99999999999999999999]': range '[0:99999999999999999999]' has a number too large
  hint: write ranges like node[01:20], gpu[1:7:2] or node-[a:f]
4 errors
EOT

test_expect_success 'ranges past 100000 host entries in all are errors' '
	printf "[kube_node]\nnode[0:100000]\nrack[1:1000][1:1000]\nnode[1:99999]\ngpu[1:2]\nn[0:99999999999999999999]\n" >caps.ini &&
	test_expect_code 65 "$KCFG" -i caps.ini inventory --list >out 2>err &&
	test_cmp expect.cap err
'

test_done
