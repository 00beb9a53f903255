#!/bin/sh
test_description='plan --json: the documented, versioned form, checked against docs/run.schema.json'
. "$(dirname "$0")/../test-lib.sh"

python3 -c 'import jsonschema' 2>/dev/null && test_set_prereq JSONSCHEMA
SCHEMA=$SRCDIR/docs/run.schema.json
check() { "$SRCDIR/tests/tools/check-json-schema" "$SCHEMA" "$@"; }
# query FILE: runs the Python on stdin with `d`, the JSON document of FILE
query() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); exec(sys.stdin.read())" "$1"; }

cat >inventory.ini <<EOF
[bastion_host]
b1 ansible_host=10.0.0.1 ansible_user=root
[registry]
r1 ansible_host=10.0.0.2 ansible_user=root
[kube_master]
m1 ansible_host=10.0.0.3 ansible_user=root
EOF
cat >cluster.yaml <<EOF
cluster:
  rdma: false
extras:
  - group: all
    files:
      - path: $TRASH/motd
        content: "hello {{ inventory_hostname }}\n"
      - path: $TRASH/other.conf
        content: "x=1\n"
        mode: "0600"
    commands:
      - run: "touch $TRASH/stamp"
        creates: $TRASH/stamp
EOF

test_expect_success JSONSCHEMA 'the schema is a valid JSON Schema and rejects what it must' '
	echo "{\"format\": \"kcfg-run\", \"version\": 2}" >bad.json &&
	test_must_fail check bad.json 2>err &&
	test_grep "bad.json: (top):" err
'

test_expect_success JSONSCHEMA 'plan --json: every phase, every change, valid against the schema' '
	test_expect_code 2 "$KCFG" plan --local -l b1 -C extras --json --detailed-exitcode >plan.json 2>err &&
	check plan.json &&
	query plan.json >got <<-\EOF &&
	print(d["command"], d["apply"], d["ok"], d["changes"])
	print(" ".join(p["name"] for p in d["phases"]))
	hosts = d["phases"][2]
	print(hosts["name"], hosts["barrier"]["state"])
	for c in hosts["hosts"][0]["changes"]:
	    print(c["action"], c["kind"], c["component"], c["result"])
	h = d["hosts"][0]
	print(h["host"], h["result"], h["planned"], h["changed"], h["error"])
	EOF
	cat >expect <<-\EOF &&
	plan False True 3
	facts preflight hosts workers nodes add-ons add-ons-2 add-ons-3 verify
	hosts not-run
	create file extras planned
	create file extras planned
	run command extras planned
	b1 changes 3 0 None
	EOF
	test_cmp expect got
'

test_expect_success JSONSCHEMA 'a plain file has its diff in the JSON' '
	query plan.json >diff <<-\EOF &&
	print(d["phases"][2]["hosts"][0]["changes"][0]["diff"])
	EOF
	test_grep "+hello b1" diff
'

test_expect_success JSONSCHEMA 'a secret (the Grafana Secret of the mdx example) has no diff, nor its text' '
	cp -r "$SRCDIR/examples/mdx" mdx && rm -rf mdx/.kcfg &&
	sed -i "s/^ansible_user=.*/ansible_user=root/" mdx/inventory.ini &&
	"$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml plan --local -l kube-master -C monitoring \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt --json >secret.json 2>err &&
	check secret.json &&
	query secret.json >secrets <<-\EOF &&
	for p in d["phases"]:
	    for h in p["hosts"]:
	        for c in h["changes"]:
	            if c["secret"]:
	                print(c["path"], c["diff"])
	EOF
	test_grep "/var/lib/k0s/manifests/monitoring/10-grafana-admin.yaml None" secrets &&
	pw=$("$KCFG" vault view mdx/vault.yaml --vault-password-file mdx/vault-password.txt |
		sed -n "s/^grafana_password: *//p") &&
	test -n "$pw" &&
	test_must_fail grep -qF "$pw" secret.json
'

test_expect_success JSONSCHEMA 'add-ons come after those whose CRDs they need, a phase per group' '
	WA=$SRCDIR/tests/data/addons/whereabouts-v0.9.4 &&
	mkdir -p mdx/.kcfg/cache &&
	cp "$WA/daemonset-install.yaml" mdx/.kcfg/cache/whereabouts-v0.9.4-daemonset-install.yaml &&
	cp "$WA/reconciler-deployment.yaml" mdx/.kcfg/cache/whereabouts-v0.9.4-reconciler-deployment.yaml &&
	cp "$WA/whereabouts.cni.cncf.io_ippools.yaml" mdx/.kcfg/cache/whereabouts-v0.9.4-ippools.yaml &&
	cp "$WA/whereabouts.cni.cncf.io_overlappingrangeipreservations.yaml" \
		mdx/.kcfg/cache/whereabouts-v0.9.4-overlappingrangeipreservations.yaml &&
	"$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml plan --local -l kube-master \
		-C whereabouts,network-operator,gpu-operator,metallb --vault mdx/vault.yaml \
		--vault-password-file mdx/vault-password.txt --json >order.json 2>err &&
	check order.json &&
	query order.json >got <<-\EOF &&
	for p in d["phases"]:
	    if p["name"].startswith("add-ons"):
	        comps = sorted({c["component"] for h in p["hosts"] for c in h["changes"]})
	        print(p["name"], " ".join(comps))
	EOF
	cat >expect <<-\EOF &&
	add-ons gpu-operator metallb
	add-ons-2 network-operator
	add-ons-3 whereabouts
	EOF
	test_cmp expect got
'

test_expect_success JSONSCHEMA 'a host that fails is in the JSON with its error; ok is false' '
	printf "[bastion_host]\nb1 ansible_host=10.0.0.1 ansible_user=root\n[registry]\nr1 ansible_host=10.0.0.2 ansible_user=root\n[kube_master]\nm1 ansible_host=10.0.0.3 ansible_user=nobody-here\n" >fail.ini &&
	test_expect_code 1 "$KCFG" -i fail.ini plan --local -C extras --json >fail.json 2>err &&
	check fail.json &&
	query fail.json >got <<-\EOF &&
	print(d["ok"])
	for h in d["hosts"]:
	    print(h["host"], h["result"], bool(h["error"]))
	EOF
	cat >expect <<-\EOF &&
	False
	b1 changes False
	r1 changes False
	m1 failed True
	EOF
	test_cmp expect got
'

test_expect_success JSONSCHEMA 'a plan with nothing to change: ok, no changes, still valid' '
	echo "hello b1" >motd &&
	printf "x=1\n" >other.conf && chmod 600 other.conf &&
	touch stamp &&
	"$KCFG" plan --local -l b1 -C extras --json --detailed-exitcode >none.json 2>err &&
	check none.json &&
	query none.json >got <<-\EOF &&
	print(d["changes"], d["ok"], d["hosts"][0]["result"])
	EOF
	echo "0 True ok" >expect &&
	test_cmp expect got
'

test_done
