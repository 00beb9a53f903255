#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg facts on sandbox hosts: gathered, printed, cached, and true to the host'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

sandbox_start ee 10.250.65 3

# A value of host H's facts in FILE (one host's JSON), by python3's json.
fact() {
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v=v[int(k)] if isinstance(v,list) else v[k]
print(v)' "$1" "$2"
}

command -v python3 >/dev/null 2>&1 && test_have_prereq SANDBOX && test_set_prereq SANDBOX_PY

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX_PY 'facts prints one JSON object keyed by host and caches each' '
	sb_inventory 3 &&
	sb_cluster_yaml >cluster.yaml &&
	"$KCFG" facts >all.json 2>err &&
	test ! -s err &&
	python3 -c "import json,sys; d=json.load(open(\"all.json\")); print(\" \".join(d))" >names &&
	echo "$(sb_host 1) $(sb_host 2) $(sb_host 3)" >expect &&
	test_cmp expect names &&
	for i in 1 2 3; do
		test -f .kcfg/facts/$(sb_host $i).json || exit 1
	done
'

test_expect_success SANDBOX_PY 'the facts are what each host says about itself' '
	for i in 1 2 3; do
		f=.kcfg/facts/$(sb_host $i).json &&
		test "$(fact $f hostname)" = "$(sb_on $i uname -n)" &&
		test "$(fact $f kernel)" = "$(sb_on $i uname -r)" &&
		test "$(fact $f arch)" = "$(sb_on $i uname -m)" &&
		test "$(fact $f cpus)" = "$(sb_on $i getconf _NPROCESSORS_ONLN)" &&
		kb=$(sb_on $i "sed -n \"s/^MemTotal: *\\([0-9]*\\) kB/\\1/p\" /proc/meminfo") &&
		test "$(fact $f memory_bytes)" = $((kb * 1024)) &&
		test "$(fact $f machine_id)" = "$(sb_on $i cat /etc/machine-id)" &&
		test "$(fact $f os.id)" = debian &&
		test "$(fact $f os.version_id)" = 12 &&
		test "$(fact $f default_ipv4.address)" = "$(sb_ip $i)" &&
		test "$(fact $f default_ipv4.interface)" = eth0 || exit 1
	done
'

test_expect_success SANDBOX_PY 'the printed facts are the cached ones' '
	python3 -c "import json; d=json.load(open(\"all.json\")); print(json.dumps(d[\"$(sb_host 2)\"], sort_keys=True))" >printed &&
	python3 -c "import json; print(json.dumps(json.load(open(\".kcfg/facts/$(sb_host 2).json\")), sort_keys=True))" >cached &&
	test_cmp printed cached
'

test_expect_success SANDBOX_PY 'render reads the cached facts (it stops later, at the vault)' '
	test_expect_code 65 "$KCFG" render -o out --vault none.yaml 2>err &&
	test_grep "error: cannot read vault '"'"'none.yaml'"'"'" err &&
	test_must_fail grep -q "no facts" err
'

test_expect_success SANDBOX_PY 'facts for named hosts only; an unknown name is refused' '
	rm -rf .kcfg/facts &&
	"$KCFG" facts $(sb_host 2) >one.json &&
	python3 -c "import json; print(list(json.load(open(\"one.json\"))))" >names &&
	echo "['"'"'$(sb_host 2)'"'"']" >expect &&
	test_cmp expect names &&
	test ! -f .kcfg/facts/$(sb_host 1).json &&
	test_expect_code 64 "$KCFG" facts $(sb_host 2)x 2>err &&
	test_grep "error: host '"'"'$(sb_host 2)x'"'"' is no host or group of inventory.ini" err &&
	test_grep "hint: did you mean '"'"'$(sb_host 2)'"'"'?" err
'

test_expect_success SANDBOX_PY 'plan gathers facts that are missing, older than --facts-max-age or than the inventory' '
	rm -rf .kcfg/facts &&
	"$KCFG" plan -C common --no-diff >out 2>err &&
	test -f .kcfg/facts/$(sb_host 3).json &&
	touch -d "2 days ago" .kcfg/facts/$(sb_host 3).json &&
	"$KCFG" plan -C common --no-diff >out 2>err &&
	test -n "$(find .kcfg/facts -name $(sb_host 3).json -newermt "-1 hour")" &&
	touch -d "2 hours ago" .kcfg/facts/$(sb_host 2).json &&
	"$KCFG" plan -C common --no-diff >out 2>err &&
	test -n "$(find .kcfg/facts -name $(sb_host 2).json -newermt "-1 hour")" &&
	touch -d "3 hours ago" inventory.ini &&
	touch -d "2 hours ago" .kcfg/facts/$(sb_host 1).json &&
	"$KCFG" plan -C common --no-diff --facts-max-age 86400 >out 2>err &&
	test -z "$(find .kcfg/facts -name $(sb_host 1).json -newermt "-1 hour")" &&
	"$KCFG" plan -C common --no-diff --facts-max-age 3600 >out 2>err &&
	test -n "$(find .kcfg/facts -name $(sb_host 1).json -newermt "-1 hour")"
'

test_expect_success SANDBOX_PY 'an unreachable host fails alone; the others are printed and cached' '
	# hosts 1 and 2 answer before host 3 goes (should they not, the
	# sandbox lost them, not kcfg)
	sb_on 1 true && sb_on 2 true &&
	"$SB" stop 3 &&
	test_expect_code 1 "$KCFG" facts >all.json 2>err &&
	python3 -c "import json; print(\" \".join(json.load(open(\"all.json\"))))" >names &&
	echo "$(sb_host 1) $(sb_host 2)" >expect &&
	{ test_cmp expect names || { cat err >&2; false; }; } &&
	test_grep "error: cannot connect to '"'"'$(sb_host 3)'"'"' ($(sb_ip 3))" err
'

test_done
