#!/bin/sh
test_description='hostile names: IPv6 front addresses give bracketed URLs and valid YAML and TOML'
. "$(dirname "$0")/../test-lib.sh"

python3 -c 'import yaml, tomllib' 2>/dev/null && test_set_prereq PYPARSE

MDX=$SRCDIR/examples/mdx
cp "$MDX/cluster.yaml" "$MDX/vault.yaml" "$MDX/vault-password.txt" .
# every front address IPv6 (fd00::N for 10.18.20.N); RoCE stays IPv4
sed 's/ansible_host=10\.18\.20\.\([0-9]*\)/ansible_host=fd00::\1/' "$MDX/inventory.ini" >inventory.ini

test_expect_success PYPARSE 'every URL and HOST:PORT with an IPv6 address has it in brackets, every file parses' '
	grep -q "^kube-master ansible_host=fd00::12$" inventory.ini &&
	"$KCFG" render --facts "$MDX/facts" --vault vault.yaml \
		--vault-password-file vault-password.txt -o out 2>err &&
	# an address right after :// or before :PORT, not in brackets
	! grep -rnE "://[0-9a-fA-F]*:[0-9a-fA-F:.]*|[^[0-9a-fA-F:][0-9a-fA-F]*::?[0-9a-fA-F:]*:(6443|443|80)\b" out &&
	test_grep "fd00::12 kube-master kube-master.internal" out/kube-node1/etc/hosts &&
	test_grep "fd00::11 harbor harbor.internal" out/kube-node1/etc/hosts &&
	# and each rendered YAML and TOML file parses, k0s.yaml names the controller
	find out -name "*.yaml" -o -name "*.yml" -o -name "*.toml" >files &&
	test -s files &&
	python3 -c "
import sys, tomllib, yaml
for path in open(sys.argv[1]).read().split():
    with open(path, \"rb\") as f:
        if path.endswith(\".toml\"):
            tomllib.load(f)
        else:
            list(yaml.safe_load_all(f))
k0s = yaml.safe_load(open(\"out/kube-master/etc/k0s/k0s.yaml\"))
api = k0s[\"spec\"][\"api\"]
assert api[\"address\"] == \"fd00::12\", api
assert \"fd00::12\" in api[\"sans\"], api
" files
'

test_done
