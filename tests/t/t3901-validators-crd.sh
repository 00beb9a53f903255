#!/bin/sh
test_description='validate-crd: custom resources strictly against their CRD schemas, chart values against chart defaults'
. "$(dirname "$0")/../test-lib.sh"

V=$SRCDIR/tests/tools/validate-crd
python3 -c 'import yaml' 2>/dev/null && test_set_prereq PYYAML

# Runs validate-crd; its errors (without the summary line) land in `err`.
crd() {
	rc=0
	"$V" -q "$@" 2>err || rc=$?
	return $rc
}

cat >good.yaml <<\EOF
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: default-pool
  namespace: metallb-system
spec:
  addresses:
    - 10.18.20.200-10.18.20.210
  autoAssign: true
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: default
  namespace: metallb-system
spec:
  ipAddressPools: [default-pool]
---
apiVersion: helm.k0sproject.io/v1beta1
kind: Chart
metadata:
  name: gpu-operator
  namespace: kube-system
  finalizers: [helm.k0sproject.io/uninstall-helm-release]
spec:
  chartName: nvidia/gpu-operator
  version: v25.3.0
  namespace: gpu-operator
  values: |
    driver:
      enabled: false
      rdma:
        enabled: true
        useHostMofed: true
    toolkit:
      enabled: true
      env:
        - name: CONTAINERD_SOCKET
          value: /run/k0s/containerd.sock
    mig:
      strategy: mixed
    migManager:
      enabled: true
    gdrcopy:
      enabled: true
    operator:
      nodeSelector:
        anything.example.com/free-form: "yes"
    node-feature-discovery:
      worker:
        keysTheSubchartKnows: 1
---
apiVersion: v1
kind: Namespace
metadata:
  name: left-to-validate-core
EOF

test_expect_success PYYAML 'valid custom resources and chart values pass' '
	"$V" good.yaml 2>err &&
	test_grep "validate-crd: 1 files, 3 custom resources checked (1 core left to validate-core), 0 errors" err
'

cat >unknown.yaml <<\EOF
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: pool
spec:
  addresses: [10.0.0.1/32]
  autoAsign: true
EOF
cat >expect <<\EOF
unknown.yaml:7:3: document 1 (IPAddressPool pool): .spec.autoAsign: unknown field 'autoAsign' (did you mean 'autoAssign'?)
EOF
test_expect_success PYYAML 'an unknown field is rejected with file, line, document, path' '
	test_expect_code 1 crd unknown.yaml &&
	test_cmp expect err
'

cat >types.yaml <<\EOF
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: pool
spec:
  addresses: 10.0.0.1/32
  autoAssign: "true"
---
apiVersion: kubeflow.org/v2beta1
kind: MPIJob
metadata:
  name: job
spec:
  slotsPerWorker: 1.5
  mpiImplementation: LAM
  mpiReplicaSpecs:
    Worker:
      replicas: 1
      template:
        spec:
          containers:
            - name: w
              image: x
              ports:
                - containerPort: 3000000000
EOF
cat >expect <<\EOF
types.yaml:6:3: document 1 (IPAddressPool pool): .spec.addresses: expected array, got string "10.0.0.1/32"
types.yaml:7:3: document 1 (IPAddressPool pool): .spec.autoAssign: expected boolean, got string "true"
types.yaml:14:3: document 2 (MPIJob job): .spec.slotsPerWorker: expected integer, got number 1.5
types.yaml:15:3: document 2 (MPIJob job): .spec.mpiImplementation: "LAM" is not one of "OpenMPI", "Intel", "MPICH"
types.yaml:25:19: document 2 (MPIJob job): .spec.mpiReplicaSpecs.Worker.template.spec.containers[0].ports[0].containerPort: 3000000000 is out of range for int32
EOF
test_expect_success PYYAML 'wrong types, integer vs number, enum and format are rejected' '
	test_expect_code 1 crd types.yaml &&
	test_cmp expect err
'

cat >required.yaml <<\EOF
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  name: app
spec:
  type: Python
  mainApplicationFile: local:///x.py
  driver: {}
  executor: {}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  namespace: metallb-system
EOF
cat >expect <<\EOF
required.yaml:5:1: document 1 (SparkApplication app): .spec: missing required field 'sparkVersion'
required.yaml:13:1: document 2 (L2Advertisement): .metadata: missing required field 'name'
EOF
test_expect_success PYYAML 'a missing required field and a missing name are rejected' '
	test_expect_code 1 crd required.yaml &&
	test_cmp expect err
'

cat >intorstr.yaml <<\EOF
apiVersion: kubeflow.org/v2beta1
kind: MPIJob
metadata:
  name: job
spec:
  mpiReplicaSpecs:
    Worker:
      replicas: 1
      template:
        spec:
          containers:
            - name: w
              resources:
                limits:
                  cpu: true
                  memory: 1Gi
                  nvidia.com/gpu: 1
EOF
test_expect_success PYYAML 'x-kubernetes-int-or-string takes integers and strings only' '
	test_expect_code 1 crd intorstr.yaml &&
	test_grep ".spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits.cpu: expected an integer or a string, got boolean true" err &&
	test $(wc -l <err) -eq 1
'

cat >meta.yaml <<\EOF
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: Bad_Name
  labels:
    version: 1
    ok: "a b"
spec:
  addresses: [10.0.0.1/32]
EOF
test_expect_success PYYAML 'metadata is checked like the API server does' '
	test_expect_code 1 crd meta.yaml &&
	test_grep ".metadata.name: '"'"'Bad_Name'"'"' is not a valid name" err &&
	test_grep ".metadata.labels.version: label values must be strings (quote 1)" err &&
	test_grep ".metadata.labels.ok: label value '"'"'a b'"'"' is not valid" err
'

cat >noschema.yaml <<\EOF
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
---
apiVersion: metallb.io/v1beta1
kind: BGPPeer
metadata:
  name: p
---
kind: NoApiVersion
EOF
cat >expect <<\EOF
noschema.yaml:2:1: document 1 (Widget w): .kind: no schema for apiVersion 'example.com/v1' kind 'Widget' (add its CustomResourceDefinition under the schema directory)
noschema.yaml:7:1: document 2 (BGPPeer p): .kind: no schema for apiVersion 'metallb.io/v1beta1' kind 'BGPPeer' (the CRDs of group 'metallb.io' define IPAddressPool, L2Advertisement)
noschema.yaml:11:1: document 3 (NoApiVersion): .: missing apiVersion or kind (every document needs both)
EOF
test_expect_success PYYAML 'a kind without a schema is an error, so nothing slips through' '
	test_expect_code 1 crd noschema.yaml &&
	test_cmp expect err
'

cat >version.yaml <<\EOF
apiVersion: metallb.io/v1beta2
kind: IPAddressPool
metadata:
  name: pool
EOF
test_expect_success PYYAML 'a version the CRD does not serve is rejected' '
	test_expect_code 1 crd version.yaml &&
	test_grep ".apiVersion: '"'"'v1beta2'"'"' is not a served version of IPAddressPool (served: metallb.io/v1beta1)" err
'

cat >yamlerr.yaml <<\EOF
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: pool
  name: again
spec:
  addresses: [10.0.0.1/32
EOF
test_expect_success PYYAML 'duplicate keys and YAML syntax errors are reported' '
	test_expect_code 1 crd yamlerr.yaml &&
	test_grep "yamlerr.yaml:8:1: not valid YAML" err &&
	printf "apiVersion: v1\nkind: A\nkind: B\n" >dup.yaml &&
	test_expect_code 1 crd dup.yaml &&
	test_grep "dup.yaml:3:1: document 1 (B): .kind: duplicate key '"'"'kind'"'"'" err
'

cat >preserve.yaml <<\EOF
apiVersion: k0s.k0sproject.io/v1beta1
kind: ClusterConfig
metadata:
  name: k0s
spec:
  api:
    rawArgs: [--v=2]
  telemetry:
    enabled: false
  workerProfiles:
    - name: gpu
      values:
        cpuManagerPolicy: static
        maxPods: 200
EOF
cat >template.yaml <<\EOF
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  name: app
spec:
  type: Python
  sparkVersion: 3.5.1
  mainApplicationFile: local:///x.py
  driver: {}
  executor:
    template:
      anything: goes
      spec: {containers: [{name: x, whatever: 1}]}
EOF
test_expect_success PYYAML 'x-kubernetes-preserve-unknown-fields keeps its fields' '
	crd preserve.yaml template.yaml &&
	test ! -s err
'

test_expect_success PYYAML '--k0s-version picks the ClusterConfig schema of that k0s line' '
	crd --k0s-version 1.35.7 preserve.yaml &&
	test_expect_code 1 crd --k0s-version v1.33.6+k0s.0 preserve.yaml &&
	test_grep ".spec.api.rawArgs: unknown field '"'"'rawArgs'"'"'" err &&
	printf "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata:\n  name: k0s\nspec:\n  metricsServer: {}\n" >ms.yaml &&
	crd ms.yaml &&
	crd --k0s-version 1.36.1 ms.yaml &&
	test_expect_code 1 crd --k0s-version 1.35.7 ms.yaml &&
	test_grep ".spec.metricsServer: unknown field" err &&
	test_expect_code 2 crd --k0s-version 1.34.0 ms.yaml &&
	test_grep "no ClusterConfig schema for k0s 1.34" err
'

cat >kubelet.yaml <<\EOF
apiVersion: k0s.k0sproject.io/v1beta1
kind: ClusterConfig
metadata:
  name: k0s
spec:
  workerProfiles:
    - name: numa-2
      values:
        cpuManagerPolicy: static
        memoryManagerPolicy: Static
        topologyManagerPolicy: single-numa-node
        kubeReserved: {cpu: 500m, memory: 500Mi}
        systemReserved: {cpu: 500m, memory: 500Mi}
        reservedMemory:
          - {numaNode: 0, limits: {memory: 550Mi}}
          - {numaNode: 1, limits: {memory: 550Mi}}
    - name: broken
      values:
        cpuManagerPolicy: Static
        memoryManagerPolicy: Static
        kubeReserved: {memory: 500Mi}
        systemReserved: {memory: 500Mi}
        evictionHard: {memory.available: 200Mi}
        reservedMemory:
          - {numaNode: 0, limits: {memory: 1100Mi}}
        topologyManagerScop: pod
EOF
cat >expect <<\EOF
kubelet.yaml:19:9: document 1 (ClusterConfig k0s): .spec.workerProfiles[1].values.cpuManagerPolicy: "Static" is not one of "none", "static"
kubelet.yaml:26:9: document 1 (ClusterConfig k0s): .spec.workerProfiles[1].values.topologyManagerScop: unknown field 'topologyManagerScop' (did you mean 'topologyManagerScope'?)
kubelet.yaml:24:9: document 1 (ClusterConfig k0s): .spec.workerProfiles[1].values.reservedMemory: reservedMemory adds up to 1100Mi but kubeReserved + systemReserved + evictionHard memory.available is 1200Mi (500Mi + 500Mi + 200Mi): the kubelet refuses to start with the Static memory manager
EOF
test_expect_success PYYAML 'worker profile values are checked as a KubeletConfiguration' '
	test_expect_code 1 crd kubelet.yaml &&
	test_cmp expect err
'

cat >values.yaml <<\EOF
apiVersion: helm.k0sproject.io/v1beta1
kind: Chart
metadata:
  name: gpu-operator
  namespace: kube-system
spec:
  chartName: nvidia/gpu-operator
  values: |
    driver:
      enable: false
      rdma:
        useHostMofd: true
    toolkit:
      enabled: "false"
    bogusTopLevel: {}
EOF
cat >expect <<\EOF
values.yaml:8:3: document 1 (Chart gpu-operator): .spec.values: .driver.enable: unknown key 'enable': the chart's default values have no such key (did you mean 'enabled'?)
values.yaml:8:3: document 1 (Chart gpu-operator): .spec.values: .driver.rdma.useHostMofd: unknown key 'useHostMofd': the chart's default values have no such key (did you mean 'useHostMofed'?)
values.yaml:8:3: document 1 (Chart gpu-operator): .spec.values: .toolkit.enabled: expected a boolean (the chart's default is true), got a string 'false'
values.yaml:8:3: document 1 (Chart gpu-operator): .spec.values: .bogusTopLevel: unknown key 'bogusTopLevel': the chart's default values have no such key
EOF
test_expect_success PYYAML 'unknown top-level and nested chart values keys are rejected' '
	test_expect_code 1 crd values.yaml &&
	test_cmp expect err
'

cat >values2.yaml <<\EOF
apiVersion: helm.k0sproject.io/v1beta1
kind: Chart
metadata:
  name: metallb
  namespace: default
spec:
  chartName: oci://registry.example.com/charts/metallb:0.15.2
  values: |
    controller:
      logLevel: loud
---
apiVersion: helm.k0sproject.io/v1beta1
kind: Chart
metadata:
  name: other
  namespace: kube-system
spec:
  chartName: example/unknown-chart
  values: |
    a: 1
---
apiVersion: helm.k0sproject.io/v1beta1
kind: Chart
metadata:
  name: stack
  namespace: kube-system
spec:
  chartName: /var/lib/k0s/charts/kube-prometheus-stack-77.0.1.tgz
  values: |
    grafana:
      adminPassword: secret
      service:
        type: LoadBalancer
    prometheus:
      prometheusSpec:
        retentoin: 10d
EOF
test_expect_success PYYAML 'metallb values meet its schema, charts need defaults, subcharts stay open' '
	test_expect_code 1 crd values2.yaml &&
	test_grep "document 1 (Chart metallb): .metadata.namespace: k0s only installs Chart resources in namespace '"'"'kube-system'"'"', this one is in '"'"'default'"'"'" err &&
	test_grep "document 1 (Chart metallb): .spec.values: .controller.logLevel: \"loud\" is not one of \"all\", \"debug\", \"info\", \"warn\", \"error\", \"none\" (the chart'"'"'s values.schema.json)" err &&
	test_grep "document 2 (Chart other): .spec.values: no default values for chart '"'"'unknown-chart'"'"'" err &&
	test_grep "document 3 (Chart stack): .spec.values: .prometheus.prometheusSpec.retentoin: unknown key '"'"'retentoin'"'"'" err &&
	test $(wc -l <err) -eq 4
'

cat >clusterconfig.yaml <<\EOF
apiVersion: k0s.k0sproject.io/v1beta1
kind: ClusterConfig
metadata:
  name: k0s
spec:
  extensions:
    helm:
      charts:
        - name: spark-operator
          chartname: spark-operator/spark-operator
          namespace: spark-operator
          values: |
            spark:
              jobNamespaces: [default]
            webhook:
              enabled: true
EOF
test_expect_success PYYAML 'chart values inside a ClusterConfig are checked too' '
	test_expect_code 1 crd clusterconfig.yaml &&
	test_grep ".spec.extensions.helm.charts[0].values: .webhook.enabled: unknown key '"'"'enabled'"'"': the chart'"'"'s default values have no such key (did you mean '"'"'enable'"'"'?)" err
'

cat >nad.yaml <<\EOF
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: net
spec:
  config: '{ "cniVersion": "0.3.1", "type": "ipvlan", }'
EOF
test_expect_success PYYAML 'a NetworkAttachmentDefinition needs a CNI configuration in JSON' '
	test_expect_code 1 crd nad.yaml &&
	test_grep "document 1 (NetworkAttachmentDefinition net): .spec.config: not valid JSON" err
'

test_expect_success PYYAML 'directories are searched, plain files skipped, missing paths reported' '
	mkdir -p tree/sub &&
	cp unknown.yaml tree/sub/a.yml &&
	printf "hostname: harbor\n" >tree/harbor.yml &&
	test_expect_code 1 crd --plain harbor.yml tree nosuch.yaml &&
	test_grep "tree/sub/a.yml:7:3:" err &&
	test_grep "nosuch.yaml: no such file or directory" err &&
	test $(wc -l <err) -eq 2
'

# A CRD of our own, for the schema features the upstream CRDs do not use.
mkdir -p myschemas/test
cat >myschemas/test/widgets.yaml <<\EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1, maximum: 10}
                ratio: {type: number, exclusiveMaximum: true, maximum: 1}
                name: {type: string, pattern: "^[a-z]+$", minLength: 2, maxLength: 5}
                note: {type: string, nullable: true}
                when: {type: string, format: date-time}
                tags: {type: array, maxItems: 2, x-kubernetes-list-type: set, items: {type: string}}
                ports:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [port]
                  items: {type: object, properties: {port: {type: integer}, name: {type: string}}}
                choice:
                  type: object
                  properties: {a: {type: string}, b: {type: string}}
                  oneOf: [{required: [a]}, {required: [b]}]
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  x-kubernetes-preserve-unknown-fields: true
                extra:
                  type: object
                  additionalProperties: false
EOF
cat >widget.yaml <<\EOF
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: default
spec:
  ratio: 1
  name: Abcdefg
  note: null
  when: yesterday
  tags: [x, y, x]
  ports: [{port: 80, name: a}, {port: 80, name: b}]
  choice: {a: "1", b: "2"}
  template: {kind: Pod, metadata: {name: Bad_Name}}
  extra: {x: 1}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: ok
spec:
  size: 3
  ratio: 0.5
  tags: [x]
  choice: {b: "2"}
  template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {anything: 1}}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: nulls
spec:
  size: null
EOF
cat >expect <<\EOF
widget.yaml:5:3: document 1 (Widget w): .metadata.namespace: a cluster-scoped object has no namespace; remove it
widget.yaml:6:1: document 1 (Widget w): .spec: missing required field 'size'
widget.yaml:7:3: document 1 (Widget w): .spec.ratio: 1 is more than the maximum 1 (exclusive)
widget.yaml:8:3: document 1 (Widget w): .spec.name: 'Abcdefg' is longer than 5 characters
widget.yaml:8:3: document 1 (Widget w): .spec.name: 'Abcdefg' does not match the pattern '^[a-z]+$'
widget.yaml:10:3: document 1 (Widget w): .spec.when: 'yesterday' is not an RFC 3339 date-time
widget.yaml:11:3: document 1 (Widget w): .spec.tags: has 3 items, allows at most 2
widget.yaml:11:16: document 1 (Widget w): .spec.tags[2]: duplicate item "x" in a set
widget.yaml:12:32: document 1 (Widget w): .spec.ports[1]: duplicate entry for port=80 (item 0 has the same)
widget.yaml:13:3: document 1 (Widget w): .spec.choice: {"a": "1", "b": "2"} matches 2 of the forms, exactly one is allowed (oneOf)
widget.yaml:14:3: document 1 (Widget w): .spec.template: missing required field 'apiVersion' (an embedded resource)
widget.yaml:14:36: document 1 (Widget w): .spec.template.metadata.name: 'Bad_Name' is not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters
widget.yaml:15:11: document 1 (Widget w): .spec.extra.x: unknown field 'x'
widget.yaml:33:3: document 3 (Widget nulls): .spec.size: null is not allowed (the field is not nullable; the API server would drop it)
EOF
test_expect_success PYYAML 'schema features: ranges, lengths, pattern, format, sets, map lists, oneOf, embedded, nullable' '
	test_expect_code 1 crd --schemas myschemas widget.yaml &&
	test_cmp expect err
'

test_expect_success 'the schema files are the ones SOURCES.md fingerprints' '
	sed -n "s/^| \([a-z0-9./-]*\) |[ v0-9.]*| \([0-9a-f]\{64\}\) |\$/\2  \1/p" \
		"$TEST_DATA/schemas/SOURCES.md" >sums &&
	test $(wc -l <sums) -eq $(cd "$TEST_DATA/schemas" && find . -type f ! -name SOURCES.md | wc -l) &&
	(cd "$TEST_DATA/schemas" && sha256sum -c --quiet) <sums
'

test_done
