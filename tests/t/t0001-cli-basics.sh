#!/bin/sh
test_description='command line: version, help, unknown commands and options'
. "$(dirname "$0")/../test-lib.sh"

test_expect_success '--version and version print the version' '
	"$KCFG" --version >out &&
	grep -E "^kcfg [0-9]+\.[0-9]+\.[0-9]+$" out &&
	"$KCFG" version >out2 &&
	test_cmp out out2
'

test_expect_success 'help lists every command and the exit codes' '
	"$KCFG" help >out &&
	for c in init inventory config vault help version; do
		grep -E "^  $c " out || exit 1
	done &&
	test_grep "65  invalid input" out
'

test_expect_success 'no command prints usage and exits 64' '
	test_expect_code 64 "$KCFG" 2>err &&
	test_grep "usage: kcfg" err
'

test_expect_success 'an unknown command suggests the nearest one' '
	test_expect_code 64 "$KCFG" inventroy 2>err &&
	cat >expect <<-\EOT &&
	error: '"'"'inventroy'"'"' is not a kcfg command
	  hint: did you mean '"'"'kcfg inventory'"'"'?
	Run '"'"'kcfg help'"'"' for the list of commands.
	EOT
	test_cmp expect err
'

test_expect_success 'an unknown global option suggests the nearest one' '
	test_expect_code 64 "$KCFG" --inventroy x help 2>err &&
	test_grep "error: unknown option '"'"'--inventroy'"'"' for '"'"'kcfg'"'"'" err &&
	test_grep "hint: did you mean '"'"'--inventory'"'"'?" err
'

test_expect_success 'a global option without its value is a usage error' '
	test_expect_code 64 "$KCFG" -i 2>err &&
	test_grep "option '"'"'-i'"'"' needs a value" err
'

test_expect_success 'help COMMAND shows that command' '
	"$KCFG" help inventory >out &&
	test_grep "usage: kcfg" out &&
	test_expect_code 64 "$KCFG" help nosuch 2>err &&
	test_grep "is not a kcfg command" err
'

test_done
