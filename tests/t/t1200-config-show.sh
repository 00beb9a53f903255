#!/bin/sh
test_description='config show and check: defaults, -c, stable output'
. "$(dirname "$0")/../test-lib.sh"

python3 -c "import yaml" 2>/dev/null && test_set_prereq PYYAML
command -v yamllint >/dev/null 2>&1 && test_set_prereq YAMLLINT

test_expect_success 'without cluster.yaml, show prints the defaults and says so' '
	"$KCFG" config show >out 2>err &&
	test_grep "note: no cluster.yaml here; using the defaults" err &&
	test_grep "  internal_domain: internal" out &&
	test_grep "  name: harbor.internal" out &&
	test_grep "  k0s: v1.36.4+k0s.1" out &&
	test_grep "    cpu: 500m" out &&
	test_grep "  memory_manager_policy: Static" out &&
	"$KCFG" config show --defaults >defaults 2>err2 &&
	test_cmp out defaults &&
	test_must_fail test -s err2
'

test_expect_success 'show prints every key, at its default' '
	"$KCFG" config show --defaults >out &&
	"$KCFG" config keys >keys &&
	test "$(wc -l <keys)" -gt 70 &&
	while read -r key type def; do
		leaf=${key##*.}
		grep -q "^ *$leaf:" out || { echo "no $key in show"; exit 1; }
	done <keys
'

test_expect_success 'show reads ./cluster.yaml' '
	cp "$TEST_DATA/config/full.yaml" cluster.yaml &&
	"$KCFG" config show >out 2>err &&
	test_must_fail test -s err &&
	test_grep "  internal_domain: lab.example" out &&
	test_grep "  name: harbor.lab.example" out &&
	test_grep "  k0s_sha256: 09e5c5b9ba0a6218fe46dafde799ccd62270f83fe5c3ea695beb1b4098baed67" out &&
	test_grep "  hold_kernel: false" out &&
	test_grep "    cpu: '"'"'0.25'"'"'" out &&
	test_grep "  - 10.18.21.0/28" out &&
	test_grep "  spark_operator: false" out
'

test_expect_success 'show --defaults ignores cluster.yaml' '
	cp "$TEST_DATA/config/full.yaml" cluster.yaml &&
	"$KCFG" config show --defaults >out &&
	test_grep "  internal_domain: internal" out
'

test_expect_success 'print, parse, print gives the same bytes' '
	"$KCFG" -c "$TEST_DATA/config/full.yaml" config show >one &&
	"$KCFG" -c one config show >two &&
	test_cmp one two &&
	"$KCFG" config show --defaults >d1 &&
	"$KCFG" -c d1 config show >d2 &&
	test_cmp d1 d2
'

test_expect_success PYYAML 'show output reads back the same in PyYAML' '
	"$KCFG" -c "$TEST_DATA/config/full.yaml" config show >out &&
	python3 -c "
import sys, yaml
d = yaml.safe_load(open(\"out\"))
assert d[\"cluster\"][\"rdma\"] is True
assert d[\"versions\"][\"metallb\"] == \"0.15.3\"
assert d[\"cluster\"][\"roce_netif\"] == \"ens192\"
assert d[\"network_operator\"][\"rdma_vendor\"] == \"15b3\"
assert d[\"kubelet\"][\"system_reserved\"][\"cpu\"] == \"0.25\"
assert d[\"kubelet\"][\"kube_reserved\"][\"cpu\"] == 1
assert d[\"storage\"][\"filesystems\"][0][\"default\"] is True
"
'

test_expect_success YAMLLINT 'show output passes the project yamllint settings' '
	"$KCFG" -c "$TEST_DATA/config/full.yaml" config show >full.yaml &&
	"$KCFG" config show --defaults >defaults.yaml &&
	yamllint -s -c "$SRCDIR/.yamllint" full.yaml defaults.yaml
'

test_expect_success '-c names the file; KCFG_CONFIG too' '
	cp "$TEST_DATA/config/full.yaml" other.yaml &&
	"$KCFG" -c other.yaml config show >out &&
	test_grep "  ansible_user: ubuntu" out &&
	KCFG_CONFIG=other.yaml "$KCFG" config show >out2 &&
	test_cmp out out2
'

test_expect_success 'a missing file named with -c is an error' '
	test_expect_code 1 "$KCFG" -c nope.yaml config show >out 2>err &&
	cat >expect <<-\EOT &&
	error: cannot read '"'"'nope.yaml'"'"': no such file
	  hint: check the path given with -c, or write one with '"'"'kcfg init'"'"'
	EOT
	test_cmp expect err &&
	test_must_fail test -s out &&
	test_expect_code 1 "$KCFG" -c nope.yaml config check 2>err &&
	test_cmp expect err
'

test_expect_success 'check: the bundled mdx example and the defaults leave no download unpinned' '
	mkdir pins && (
		cd pins &&
		"$KCFG" -c "$SRCDIR/examples/mdx/cluster.yaml" -i "$SRCDIR/examples/mdx/inventory.ini" \
			config check >out 2>err &&
		test ! -s err &&
		# the defaults (every add-on on): only the MetalLB addresses are missing
		"$KCFG" config check >out 2>err &&
		! grep -n "sha256" err &&
		test_grep "warning: '"'"'metallb.addresses'"'"' is empty" err &&
		"$KCFG" config show >shown &&
		for key in k0s kubectl helm harbor mpi_operator exascaler_csi; do
			grep -Eqx "  ${key}_sha256: [0-9a-f]{64}" shown ||
				{ echo "versions.${key}_sha256 is not a sha256"; exit 1; }
		done
	)
'

test_expect_success 'check: 0 for a good file, 65 with every problem for a bad one' '
	cp "$TEST_DATA/config/full.yaml" cluster.yaml &&
	"$KCFG" config check >out 2>err &&
	# full.yaml empties the MPI operator pin: a warning at its line
	cat >expect <<-\EOT &&
	cluster.yaml:17:3: warning: '"'"'versions.mpi_operator_sha256'"'"' is empty, but kcfg downloads mpi_operator v0.8.0
	  hint: set it to the sha256 of the versions.mpi_operator download, or turn '"'"'addons.mpi_operator'"'"' off
	EOT
	test_cmp expect err &&
	test_must_fail test -s out &&
	"$KCFG" config check </dev/null 2>/dev/null &&
	printf "kubelt: {}\ncluster:\n  rdma: 2\n" >cluster.yaml &&
	test_expect_code 65 "$KCFG" config check 2>err &&
	cat >expect <<-\EOT &&
	cluster.yaml:1:1: error: unknown key '"'"'kubelt'"'"'
	  hint: did you mean '"'"'kubelet'"'"'?
	cluster.yaml:3:9: error: '"'"'cluster.rdma'"'"' must be true or false, got '"'"'2'"'"'
	2 errors
	EOT
	test_cmp expect err &&
	test_expect_code 65 "$KCFG" config show >out 2>err2 &&
	test_cmp expect err2 &&
	test_must_fail test -s out
'

test_expect_success 'an empty cluster.yaml means the defaults' '
	: >cluster.yaml &&
	"$KCFG" config show >out 2>err &&
	test_must_fail test -s err &&
	"$KCFG" config show --defaults >expect &&
	test_cmp expect out
'

test_expect_success 'keys lists each key with its type and default' '
	"$KCFG" config keys >keys &&
	test_grep "cluster.rdma                                   bool        true" keys &&
	test_grep "kubelet.kube_reserved.memory                   size        500Mi" keys &&
	test_grep "registry.name                                  string      (follows other keys)" keys &&
	test_grep "cluster.roce_netif                             string      \"\"" keys &&
	test_grep "versions.mpi_operator_sha256                   sha256      b38def13a94abe60b2a4b3485239d77f64892b8fbd202e9e435a6031b7500a8f" keys
'

test_expect_success 'bad subcommands and options are usage errors' '
	test_expect_code 64 "$KCFG" config 2>err &&
	test_grep "usage: kcfg [-c CLUSTER_YAML] config show [--defaults]" err &&
	test_expect_code 64 "$KCFG" config shw 2>err &&
	test_grep "error: '"'"'shw'"'"' is not a '"'"'kcfg config'"'"' command" err &&
	test_expect_code 64 "$KCFG" config show --defualts 2>err &&
	test_grep "hint: did you mean '"'"'--defaults'"'"'?" err &&
	test_expect_code 64 "$KCFG" config check extra 2>err &&
	"$KCFG" help config >out &&
	test_grep "docs/cluster-yaml.md" out
'

test_done
