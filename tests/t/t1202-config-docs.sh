#!/bin/sh
test_description='config docs: every key documented, the example is what init writes'
. "$(dirname "$0")/../test-lib.sh"

test_expect_success 'docs/cluster-yaml.md has a row for every key' '
	"$KCFG" config keys >keys &&
	while read -r key type def; do
		grep -q "^| \`$key\` | " "$SRCDIR/docs/cluster-yaml.md" ||
			{ echo "$key is not in docs/cluster-yaml.md"; exit 1; }
	done <keys
'

test_expect_success 'docs/cluster-yaml.md documents no key that does not exist' '
	"$KCFG" config keys | cut -d" " -f1 | sort >known &&
	sed -n "s/^| \`\([a-z_]*\.[a-z_.]*\)\` | .*/\1/p" "$SRCDIR/docs/cluster-yaml.md" |
		sort -u >documented &&
	comm -13 known documented >extra &&
	test_must_fail test -s extra
'

test_expect_success 'docs/cluster-yaml.md shows the defaults kcfg uses' '
	"$KCFG" config keys >keys &&
	while read -r key type def; do
		case $def in "("*|'"'""'"'*) continue ;; esac
		grep -q "^| \`$key\` | [^|]* | \`$def\` |" "$SRCDIR/docs/cluster-yaml.md" ||
			{ echo "$key: default $def not in the docs"; exit 1; }
	done <keys
'

test_expect_success 'examples/cluster.yaml is what kcfg init writes' '
	"$KCFG" init fresh >/dev/null &&
	test_cmp fresh/cluster.yaml "$SRCDIR/examples/cluster.yaml"
'

test_expect_success 'examples/cluster.yaml loads to the defaults' '
	"$KCFG" -c "$SRCDIR/examples/cluster.yaml" config check &&
	"$KCFG" -c "$SRCDIR/examples/cluster.yaml" config show >got &&
	"$KCFG" config show --defaults >expect &&
	test_cmp expect got
'

test_done
