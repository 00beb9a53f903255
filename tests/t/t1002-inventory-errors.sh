#!/bin/sh
test_description='inventory syntax errors: file:line:col, hints, all at once, exit 65'
. "$(dirname "$0")/../test-lib.sh"

errors=$TEST_DATA/inventory/errors
export ANSIBLE_INVENTORY_ENABLED=ini ANSIBLE_INVENTORY_UNPARSED_FAILED=true

# Each errors/NAME.ini is a bad inventory; NAME.stderr what kcfg says about it.
for f in "$errors"/*.ini; do
	name=$(basename "$f" .ini)
	test_expect_success "$name: exact errors, exit 65, nothing on stdout" "
		cp \"$f\" inventory.ini &&
		test_expect_code 65 \"\$KCFG\" inventory --list >out 2>err &&
		test_cmp \"$errors/$name.stderr\" err &&
		test ! -s out
	"
	test_expect_success ANSIBLE "$name: ansible-inventory rejects it too" "
		cp \"$f\" inventory.ini &&
		test_must_fail ansible-inventory -i inventory.ini --list >/dev/null 2>&1
	"
done

test_expect_success 'every action reports the same syntax errors' '
	cp "$errors/many-errors.ini" inventory.ini &&
	for act in --list --graph "--host bastion" --check; do
		test_expect_code 65 "$KCFG" inventory $act >out 2>err &&
		test_cmp "$errors/many-errors.stderr" err &&
		test ! -s out || exit 1
	done
'

cat >expect.nul <<\EOT
inventory.ini:2:6: error: line has a NUL byte
  hint: remove it: an inventory is text
1 error
EOT

test_expect_success 'a NUL byte is an error with its column' '
	printf "[kube_node]\nnode1\000x\n" >inventory.ini &&
	test_expect_code 65 "$KCFG" inventory --list 2>err &&
	test_cmp expect.nul err
'

cat >expect.utf8 <<\EOT
inventory.ini:3:12: error: line is not valid UTF-8
  hint: save the inventory as UTF-8
1 error
EOT

test_expect_success 'bytes that are not UTF-8 are an error, except in comments' '
	printf "# caf\351 in a comment is fine\n[kube_node]\nnode1 x=caf\351\n; and \377 here\n" >inventory.ini &&
	test_expect_code 65 "$KCFG" inventory --list 2>err &&
	test_cmp expect.utf8 err
'

test_expect_success 'after 100 errors kcfg stops and says so' '
	{
		echo "[kube_node]" &&
		i=0 && while [ $i -lt 150 ]; do echo "node$i bad"; i=$((i + 1)); done
	} >inventory.ini &&
	test_expect_code 65 "$KCFG" inventory --list 2>err &&
	test $(grep -c "is not key=value" err) = 100 &&
	tail -n 2 err >last &&
	printf "inventory.ini:102: warning: too many errors, stopping here\n100 errors, 1 warning\n" >expect &&
	test_cmp expect last
'

test_done
