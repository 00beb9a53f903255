#!/bin/sh
test_description='examples/: every manifest users start from is valid against its schema'
. "$(dirname "$0")/../test-lib.sh"

T=$SRCDIR/tests/tools
EX=$SRCDIR/examples
# The example folders with manifests (examples/mdx holds kcfg's own inputs).
DIRS="storage loadbalancer grafana gpu rdma mpi spark mig"
python3 -c 'import yaml' 2>/dev/null && test_set_prereq PYYAML
command -v node >/dev/null 2>&1 && [ -d "$T/node_modules/kubernetes-models" ] &&
	test_set_prereq KMODELS
command -v yamllint >/dev/null 2>&1 && test_set_prereq YAMLLINT

paths() { for d in $DIRS; do printf '%s\n' "$EX/$d"; done; }

test_expect_success 'every example folder the seed README promises is there' '
	for d in $DIRS; do
		ls "$EX/$d"/*.yaml >/dev/null || exit 1
	done
'

test_expect_success YAMLLINT 'every example passes yamllint -s' '
	yamllint -s -c "$SRCDIR/.yamllint" $(paths)
'

test_expect_success PYYAML 'every custom resource of the examples passes validate-crd' '
	"$T/validate-crd" $(paths) 2>err &&
	test_grep "validate-crd: 11 files, 4 custom resources checked (12 core left to validate-core), 0 errors" err
'

test_expect_success KMODELS 'every core resource of the examples passes validate-core' '
	"$T/validate-core" $(paths) 2>err &&
	test_grep "validate-core: 11 files, 12 core documents checked (4 custom left to validate-crd), 0 errors" err
'

test_expect_success PYYAML 'between them the validators saw every document' '
	python3 -c "
import sys, yaml
print(sum(1 for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d is not None))
" $(find $(paths) -name "*.yaml" | sort) >count &&
	echo 16 >expect &&
	test_cmp expect count
'

test_expect_success PYYAML 'the storage examples use both storage classes kcfg creates' '
	python3 -c "
import sys, yaml
seen = set()
for f in sys.argv[1:]:
    for d in yaml.safe_load_all(open(f)):
        if d[\"kind\"] == \"PersistentVolumeClaim\":
            seen.add(d[\"spec\"][\"storageClassName\"])
        if d[\"kind\"] == \"Pod\":
            claim = d[\"spec\"][\"volumes\"][0][\"persistentVolumeClaim\"][\"claimName\"]
            assert claim.endswith(\"-pvc\"), claim
print(\" \".join(sorted(seen)))
" "$EX"/storage/*.yaml >out &&
	echo "exascaler-sc-fast exascaler-sc-large" >expect &&
	test_cmp expect out
'

test_expect_success PYYAML 'the Spark example runs RAPIDS with the UCX shuffle on GPU executors' '
	python3 -c "
import sys, yaml
app = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d[\"kind\"] == \"SparkApplication\"][0]
c = app[\"spec\"][\"sparkConf\"]
assert c[\"spark.plugins\"] == \"com.nvidia.spark.SQLPlugin\"
assert c[\"spark.shuffle.manager\"].endswith(\".RapidsShuffleManager\")
assert c[\"spark.rapids.shuffle.mode\"] == \"UCX\"
assert app[\"spec\"][\"executor\"][\"gpu\"] == {\"name\": \"nvidia.com/gpu\", \"quantity\": 1}
# The shim in the shuffle manager class must match sparkVersion (3.5.1 -> spark351).
shim = \"spark\" + app[\"spec\"][\"sparkVersion\"].replace(\".\", \"\")
assert \".%s.\" % shim in c[\"spark.shuffle.manager\"], (shim, c[\"spark.shuffle.manager\"])
" "$EX/spark/rapids-ucx.yaml"
'

test_expect_success PYYAML 'the RDMA pods use the network the NetworkAttachmentDefinition defines' '
	python3 -c "
import sys, yaml
nad = yaml.safe_load(open(sys.argv[1]))[\"metadata\"][\"name\"]
pods = [d for d in yaml.safe_load_all(open(sys.argv[2]))]
assert pods
for p in pods:
    assert p[\"metadata\"][\"annotations\"][\"k8s.v1.cni.cncf.io/networks\"] == nad
    assert p[\"spec\"][\"containers\"][0][\"resources\"][\"limits\"][\"rdma/rdma_shared_device\"] == 1
" "$EX/rdma/network.yaml" "$EX/rdma/rping.yaml"
'

test_expect_success 'the MIG script labels the node and is valid sh' '
	sh -n "$EX/mig/label-node.sh" &&
	test -x "$EX/mig/label-node.sh" &&
	test_grep "kubectl label nodes \"\$node\" nvidia.com/mig.config=\"\$layout\" --overwrite" "$EX/mig/label-node.sh" &&
	test_grep "layout=\${2:-all-1g.5gb}" "$EX/mig/label-node.sh" &&
	test_grep "nvidia.com/mig-1g.5gb: 1" "$EX/mig/mig-pod.yaml"
'

test_expect_success 'docs/examples.md describes every example file' '
	for d in $DIRS; do
		for f in "$EX/$d"/*; do
			test_grep "examples/$d/$(basename "$f")" "$SRCDIR/docs/examples.md" || exit 1
		done
	done
'

test_done
