#!/bin/sh
test_description='inventory corpus: --list, --graph and --host as ansible-inventory prints them'
. "$(dirname "$0")/../test-lib.sh"

command -v python3 >/dev/null 2>&1 && test_set_prereq PYTHON
corpus=$TEST_DATA/inventory
export ANSIBLE_INVENTORY_ENABLED=ini ANSIBLE_INVENTORY_UNPARSED_FAILED=true

# json_equal A B: the two files hold the same JSON value
json_equal() {
	python3 -c 'import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
if a != b:
    print("JSON differs:", json.dumps(a, sort_keys=True)[:2000], json.dumps(b, sort_keys=True)[:2000], sep="\n")
    sys.exit(1)' "$1" "$2"
}

test_expect_success 'the corpus has at least 12 inventories, each with expected output' '
	n=0 &&
	for f in "$corpus"/*.ini; do
		n=$((n + 1)) &&
		test -s "${f%.ini}.expected.json" &&
		test -s "${f%.ini}.expected.graph" || exit 1
	done &&
	test $n -ge 12
'

for f in "$corpus"/*.ini; do
	name=$(basename "$f" .ini)

	test_expect_success PYTHON "$name: --list has the committed ansible-inventory JSON" "
		\"\$KCFG\" -i \"$f\" inventory --list >out &&
		json_equal \"${f%.ini}.expected.json\" out
	"

	test_expect_success "$name: --graph prints the committed ansible-inventory graph" "
		\"\$KCFG\" -i \"$f\" inventory --graph >out &&
		test_cmp \"${f%.ini}.expected.graph\" out
	"

	test_expect_success ANSIBLE "$name: --list [--export], --graph [--vars] and --host match ansible-inventory now" "
		ansible-inventory -i \"$f\" --list >expect 2>/dev/null &&
		\"\$KCFG\" -i \"$f\" inventory --list >out &&
		json_equal expect out &&
		ansible-inventory -i \"$f\" --list --export >expect 2>/dev/null &&
		\"\$KCFG\" -i \"$f\" inventory --list --export >out &&
		json_equal expect out &&
		for g in --graph '--graph --vars' '--graph all --vars'; do
			ansible-inventory -i \"$f\" \$g >expect 2>/dev/null &&
			\"\$KCFG\" -i \"$f\" inventory \$g >out &&
			test_cmp expect out || exit 1
		done &&
		ansible-inventory -i \"$f\" --list 2>/dev/null >list.json &&
		python3 -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
hosts = {h for g in d.values() for h in g.get(\"hosts\", [])}
# names ansible-inventory --host can address as a pattern
print(\"\\n\".join(sorted(h for h in hosts if re.fullmatch(\"[A-Za-z0-9._-]+\", h))))' list.json | head -n 4 >hosts &&
		while read -r h; do
			ansible-inventory -i \"$f\" --host \"\$h\" >expect 2>/dev/null &&
			\"\$KCFG\" -i \"$f\" inventory --host \"\$h\" >out &&
			json_equal expect out || exit 1
		done <hosts
	"
done

test_expect_success ANSIBLE 'every group of the larger inventories graphs as in ansible-inventory' '
	for f in "$corpus"/mdx-large.ini "$corpus"/precedence.ini "$corpus"/children.ini; do
		for g in $("$KCFG" -i "$f" inventory --graph | sed -n "s/.*@\(.*\):$/\1/p" | sort -u); do
			ansible-inventory -i "$f" --graph --vars "$g" >expect 2>/dev/null &&
			"$KCFG" -i "$f" inventory --graph --vars "$g" >out &&
			test_cmp expect out || exit 1
		done
	done
'

test_done
