#!/bin/sh
test_description='.yamllint: the project yamllint settings for rendered YAML and examples'
. "$(dirname "$0")/../test-lib.sh"

command -v yamllint >/dev/null 2>&1 && test_set_prereq YAMLLINT
lint() { yamllint -s -c "$SRCDIR/.yamllint" "$@"; }

test_expect_success YAMLLINT 'documents without --- and long unbreakable values pass' '
	cert=$(head -c 1500 /dev/zero | base64 -w0) &&
	printf "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ca\ndata:\n  ca.crt: %s\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"true\"\n" "$cert" >ok.yaml &&
	lint ok.yaml
'

test_expect_success YAMLLINT 'yes/no/on/off booleans are rejected, true and false pass' '
	printf "enabled: yes\n" >truthy.yaml &&
	test_must_fail lint truthy.yaml >out &&
	test_grep "truthy value should be one of [false, true]" out &&
	printf "on: true\n" >truthykey.yaml &&
	test_must_fail lint truthykey.yaml >out &&
	test_grep "(truthy)" out &&
	printf "enabled: true\nother: false\n" >bool.yaml &&
	lint bool.yaml
'

test_expect_success YAMLLINT 'duplicate keys, bad indentation, trailing spaces and long lists fail' '
	printf "a: 1\na: 2\n" >dup.yaml &&
	test_must_fail lint dup.yaml >out &&
	test_grep "duplication of key" out &&
	printf "a:\n  b: 1\n   c: 2\n" >indent.yaml &&
	test_must_fail lint indent.yaml >out &&
	printf "a: 1 \n" >trailing.yaml &&
	test_must_fail lint trailing.yaml >out &&
	test_grep "trailing spaces" out &&
	long=$(seq 1 60 | tr "\n" "," | sed "s/,\$//") &&
	printf "list: [%s]\n" "$long" >long.yaml &&
	test_must_fail lint long.yaml >out &&
	test_grep "line too long" out
'

test_expect_success YAMLLINT 'both list indentation styles pass' '
	printf "a:\n- x\nb:\n  - y\n" >lists.yaml &&
	lint lists.yaml
'

test_done
