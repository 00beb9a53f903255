#!/bin/sh
test_description='facts with absurd numbers (from a broken or hostile host) are refused naming the host and the field'
. "$(dirname "$0")/../test-lib.sh"

# render --facts reads the same JSON form kcfg caches from the probe, so
# each case is a facts file of the mdx example with one number changed.
cp -r "$SRCDIR/examples/mdx" mdx && rm -rf mdx/.kcfg

# bad NAME PYTHON: facts in NAME/ where kube-gpu1.json got PYTHON done to f
bad() {
	mkdir "$1" && cp mdx/facts/*.json "$1"/ &&
	python3 - "$1/kube-gpu1.json" "$2" <<-\EOT
	import json, sys
	f = json.load(open(sys.argv[1]))
	exec(sys.argv[2])
	json.dump(f, open(sys.argv[1], "w"), indent=2)
	EOT
}

render() {
	"$KCFG" -i mdx/inventory.ini -c mdx/cluster.yaml render --facts "$1" \
		--vault mdx/vault.yaml --vault-password-file mdx/vault-password.txt -o "out-$1"
}

# refused DIR MESSAGE: render stops with MESSAGE about kube-gpu1 and writes nothing
refused() {
	test_expect_code 65 render "$1" >out 2>err &&
	test_grep "error: $1/kube-gpu1.json:" err &&
	test_grep "host 'kube-gpu1': $2" err &&
	test ! -e "out-$1"
}

test_expect_success 'the facts as the hosts gave them render' '
	render mdx/facts 2>err && test -d out-mdx/facts
'

test_expect_success 'a NUMA id of 2^32-1 is refused, not rendered as numaNode: -1' '
	bad id "f[\"numa_nodes\"][1][\"id\"] = 4294967295; f[\"gpus\"] = f[\"gpus\"][:2]" &&
	refused id "'"'"'numa_nodes[1].id'"'"' is '"'"'4294967295'"'"': kcfg accepts NUMA node ids 0 to 1023"
'

test_expect_success 'NUMA memory that overflows when summed is refused' '
	bad memsum "f[\"numa_nodes\"][0][\"memory_bytes\"] = f[\"numa_nodes\"][1][\"memory_bytes\"] = (1 << 63) - 1" &&
	refused memsum "'"'"'numa_nodes[0].memory_bytes'"'"' is '"'"'9223372036854775807'"'"': kcfg accepts 0 to 4503599627370496 bytes (4 PiB)" &&
	bad memsum2 "f[\"numa_nodes\"][0][\"memory_bytes\"] = f[\"numa_nodes\"][1][\"memory_bytes\"] = 3 << 50" &&
	refused memsum2 "the NUMA nodes'"'"' memory_bytes add up to more than 4503599627370496 bytes (4 PiB) at '"'"'numa_nodes[1]'"'"'"
'

test_expect_success 'cpus past the range is refused, not truncated' '
	bad cpus "f[\"cpus\"] = (1 << 32) + 72" &&
	refused cpus "'"'"'cpus'"'"' is '"'"'4294967368'"'"': kcfg accepts 1 to 65536 CPUs"
'

test_expect_success 'a huge cpulist is refused, shown cut short' '
	bad cpulist "f[\"cpus\"] = 65536; f[\"numa_nodes\"] = [{\"id\": 0, \"memory_bytes\": 1 << 40, \"cpus\": \",\".join([\"0-65535\"] * 65537)}]; f[\"gpus\"] = []" &&
	refused cpulist "'"'"'numa_nodes[0].cpus'"'"' must be a kernel cpulist like \"0-17,36-53\" of CPUs 0 to 65535, each once, not '"'"'0-65535,0-65535,0-65535,0-65535,0-65535,...'"'"'" &&
	test $(wc -c <err) -lt 1000
'

test_expect_success 'a CPU in two NUMA nodes is refused' '
	bad overlap "f[\"numa_nodes\"][1][\"cpus\"] = \"35-70\"" &&
	refused overlap "CPU 35 is in two NUMA nodes: '"'"'numa_nodes[1].cpus'"'"' lists it and an earlier node too"
'

test_done
