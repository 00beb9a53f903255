#!/bin/sh
test_description='examples/: each document is really checked (a planted unknown field is caught in every one)'
. "$(dirname "$0")/../test-lib.sh"

T=$SRCDIR/tests/tools
EX=$SRCDIR/examples
DIRS="storage loadbalancer grafana gpu rdma mpi spark mig"
python3 -c 'import yaml' 2>/dev/null && command -v node >/dev/null 2>&1 &&
	[ -d "$T/node_modules/kubernetes-models" ] && test_set_prereq VALIDATORS

# For every document of every example, a copy of its file in which only
# that document has an extra field (at the top, and inside spec when it
# has one). mutants.txt lists "FILE DOCUMENT-NUMBER PATH" per copy.
cat >mutate.py <<\EOF
import os, sys, yaml
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with open("mutants.txt", "w") as listing:
    for src in sys.argv[2:]:
        docs = [d for d in yaml.safe_load_all(open(src)) if d is not None]
        for i, doc in enumerate(docs):
            places = [((), doc)]
            if isinstance(doc.get("spec"), dict):
                places.append((("spec",), doc["spec"]))
            for path, target in places:
                target["kcfgPlantedField"] = 1
                name = "%s-%s-%d-%s.yaml" % (os.path.basename(os.path.dirname(src)),
                                              os.path.basename(src)[:-5], i + 1,
                                              "-".join(path) or "top")
                with open(os.path.join(out, name), "w") as f:
                    yaml.safe_dump_all(docs, f, sort_keys=False)
                del target["kcfgPlantedField"]
                listing.write("%s/%s %d .%s\n" % (out, name, i + 1,
                              "".join(p + "." for p in path) + "kcfgPlantedField"))
EOF

test_expect_success VALIDATORS 'plant an unknown field in each document of each example' '
	python3 mutate.py mutants $(for d in $DIRS; do ls "$EX/$d"/*.yaml; done) &&
	test $(wc -l <mutants.txt) -ge 16
'

test_expect_success VALIDATORS 'validate-crd and validate-core find every planted field' '
	test_must_fail "$T/validate-crd" -q mutants 2>err.crd &&
	test_must_fail "$T/validate-core" -q mutants 2>err.core &&
	cat err.crd err.core >err &&
	while read -r file doc path; do
		grep -F "$file:" err | grep -F "document $doc " | grep -F ": $path: unknown field" >/dev/null ||
		{ echo "not caught: $file document $doc $path"; exit 1; }
	done <mutants.txt &&
	test $(wc -l <err) -eq $(wc -l <mutants.txt)
'

test_done
