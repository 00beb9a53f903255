#!/bin/sh
test_description='config check: each kind of mistake, its exact message and exit 65'
. "$(dirname "$0")/../test-lib.sh"

# One case per tests/data/config/errors/NAME.yaml: checked as cluster.yaml,
# stderr must equal NAME.err.
for input in "$TEST_DATA"/config/errors/*.yaml; do
	name=$(basename "$input" .yaml)
	test_expect_success "error: $name" '
		cp "$TEST_DATA/config/errors/'"$name"'.yaml" cluster.yaml &&
		test_expect_code 65 "$KCFG" config check >out 2>err &&
		test_cmp "$TEST_DATA/config/errors/'"$name"'.err" err &&
		test_must_fail test -s out
	'
done

test_expect_success 'every case has its expected output' '
	for input in "$TEST_DATA"/config/errors/*.yaml; do
		test -f "${input%.yaml}.err" || { echo "no ${input%.yaml}.err"; exit 1; }
	done
'

test_expect_success 'messages name the file as given with -c' '
	mkdir sub &&
	printf "kubelt: {}\n" >sub/site.yaml &&
	test_expect_code 65 "$KCFG" -c sub/site.yaml config check 2>err &&
	test_grep "sub/site.yaml:1:1: error: unknown key '"'"'kubelt'"'"'" err
'

test_expect_success 'a file that is not UTF-8 gives its line and column' '
	printf "cluster:\n  roce_suffix: r\377\n" >cluster.yaml &&
	test_expect_code 65 "$KCFG" config check 2>err &&
	test_grep "cluster.yaml:2:17: error: invalid YAML: invalid leading UTF-8 octet" err
'

test_expect_success 'a cluster.yaml over 4 MiB is refused' '
	head -c 4194305 /dev/zero | tr "\0" "#" >cluster.yaml &&
	test_expect_code 65 "$KCFG" config check 2>err &&
	cat >expect <<-\EOT &&
	cluster.yaml: error: larger than 4 MiB
	  hint: split the file into smaller ones
	1 error
	EOT
	test_cmp expect err
'

test_expect_success 'a directory is not a cluster.yaml' '
	mkdir dir.yaml &&
	test_expect_code 65 "$KCFG" -c dir.yaml config check 2>err &&
	test_grep "dir.yaml: error: cannot read: " err
'

test_done
