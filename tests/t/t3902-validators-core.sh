#!/bin/sh
test_description='validate-core: built-in Kubernetes documents strictly against kubernetes-models'
. "$(dirname "$0")/../test-lib.sh"

V=$SRCDIR/tests/tools/validate-core
command -v node >/dev/null 2>&1 &&
	[ -d "$SRCDIR/tests/tools/node_modules/kubernetes-models" ] &&
	[ -d "$SRCDIR/tests/tools/node_modules/yaml" ] && test_set_prereq KMODELS

core() {
	rc=0
	"$V" -q "$@" 2>err || rc=$?
	return $rc
}

cat >good.yaml <<\EOF
apiVersion: v1
kind: Namespace
metadata:
  name: exascaler-csi
  labels:
    kubernetes.io/metadata.name: exascaler-csi
---
apiVersion: v1
kind: Secret
metadata:
  name: exascaler-csi-config
  namespace: exascaler-csi
type: Opaque
stringData:
  exascaler-csi-file-driver-config.yaml: |
    exascaler_map:
      fast: {exaFS: "10.0.0.1@tcp:/fast", mountPoint: /fast}
data:
  ca.crt: bm90IGEgcmVhbCBjZXJ0aWZpY2F0ZQ==
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: exascaler-sc-fast
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: exa.csi.ddn.com
reclaimPolicy: Delete
volumeBindingMode: Immediate
parameters:
  exaMountUid: "1001"
  projectId: "100001"
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: exa-csi-node
  namespace: exascaler-csi
spec:
  selector:
    matchLabels: {app: exa-csi-node}
    matchExpressions:
      - {key: app, operator: In, values: [exa-csi-node]}
  template:
    metadata:
      labels: {app: exa-csi-node}
    spec:
      hostNetwork: true
      nodeSelector: {node-role.kubernetes.io/worker: "true"}
      tolerations:
        - {operator: Exists}
      containers:
        - name: driver
          image: harbor.internal/library/exa-csi:2.3.4
          args: ["--nodeid=$(KUBE_NODE_NAME)"]
          env:
            - name: KUBE_NODE_NAME
              valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
          securityContext: {privileged: true}
          resources:
            limits: {cpu: "1", memory: 512Mi, nvidia.com/gpu: 0}
          volumeMounts:
            - {name: kubelet, mountPath: /var/lib/k0s/kubelet, mountPropagation: Bidirectional}
      volumes:
        - name: kubelet
          hostPath: {path: /var/lib/k0s/kubelet, type: Directory}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:exa-csi
rules:
  - apiGroups: [""]
    resources: [persistentvolumes]
    verbs: [get, list, watch, create, delete]
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: left-to-validate-crd
EOF

test_expect_success KMODELS 'valid core documents pass, custom ones are left to validate-crd' '
	"$V" good.yaml 2>err &&
	test_grep "validate-core: 1 files, 5 core documents checked (1 custom left to validate-crd), 0 errors" err
'

cat >unknown.yaml <<\EOF
apiVersion: v1
kind: Pod
metadata:
  name: gpu
spec:
  restartPolicy: Never
  containers:
    - name: cuda
      image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04
      resoures:
        limits:
          nvidia.com/gpu: 1
  nodeselector:
    a: b
  tolerations:
    - {key: x, operator: Exists, efect: NoSchedule}
EOF
cat >expect <<\EOF
unknown.yaml:10:7: document 1 (Pod gpu): .spec.containers[0].resoures: unknown field 'resoures' (did you mean 'resources'?)
unknown.yaml:13:3: document 1 (Pod gpu): .spec.nodeselector: unknown field 'nodeselector' (did you mean 'nodeSelector'?)
unknown.yaml:16:34: document 1 (Pod gpu): .spec.tolerations[0].efect: unknown field 'efect' (did you mean 'effect'?)
EOF
test_expect_success KMODELS 'unknown fields in a Pod are rejected with file, line, document, path' '
	test_expect_code 1 core unknown.yaml &&
	test_cmp expect err
'

cat >types.yaml <<\EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: "2"
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
        - image: nginx:1.27
          imagePullPolicy: Sometimes
          ports:
            - containerPort: http
EOF
cat >expect <<\EOF
types.yaml:6:3: document 1 (Deployment nginx): .spec.replicas: expected integer, got string "2"
types.yaml:14:11: document 1 (Deployment nginx): .spec.template.spec.containers[0]: missing required field 'name'
types.yaml:15:11: document 1 (Deployment nginx): .spec.template.spec.containers[0].imagePullPolicy: "Sometimes" is not one of "Always", "IfNotPresent", "Never"
types.yaml:17:15: document 1 (Deployment nginx): .spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "http"
EOF
test_expect_success KMODELS 'wrong types, missing required fields and enums are rejected' '
	test_expect_code 1 core types.yaml &&
	test_cmp expect err
'

cat >nospurious.yaml <<\EOF
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  activeDeadlineSeconds: soon
  containers:
    - name: 5
      image: x
      workingDir: /tmp
EOF
test_expect_success KMODELS 'a type error does not make the following fields look unknown' '
	test_expect_code 1 core nospurious.yaml &&
	test_grep ".spec.activeDeadlineSeconds: expected integer" err &&
	test_grep ".spec.containers[0].name: expected string, got integer 5" err &&
	test $(wc -l <err) -eq 2
'

cat >api.yaml <<\EOF
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
---
apiVersion: apps/v1
kind: Deploymnet
metadata:
  name: typo
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: pdb
EOF
cat >expect <<\EOF
api.yaml:1:1: document 1 (Ingress old): .apiVersion: 'extensions/v1beta1' is not served by Kubernetes 1.33 or later (use networking.k8s.io/v1)
api.yaml:7:1: document 2 (Deploymnet typo): .kind: no schema for apiVersion 'apps/v1' kind 'Deploymnet' in kubernetes-models
api.yaml:11:1: document 3 (PodDisruptionBudget pdb): .apiVersion: 'policy/v1beta1' is not served by Kubernetes 1.33 or later (use policy/v1)
EOF
test_expect_success KMODELS 'removed API versions and unknown kinds are rejected' '
	test_expect_code 1 core api.yaml &&
	test_cmp expect err
'

cat >semantic.yaml <<\EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: webb}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: exascaler-sc-large
  namespace: default
provisioner: exa.csi.ddn.com
---
apiVersion: v1
kind: Service
metadata:
  name: 1nginx
  labels:
    app.kubernetes.io/name: -bad-
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Secret
metadata:
  name: s
data:
  token: not base64!
  bad key: eA==
EOF
test_expect_success KMODELS 'selectors, scope, names, labels and Secret data are checked like the API server' '
	test_expect_code 1 core semantic.yaml &&
	test_grep "document 1 (Deployment web): .spec.selector.matchLabels.app: selector app=web does not match the pod template" err &&
	test_grep "document 2 (StorageClass exascaler-sc-large): .metadata.namespace: a cluster-scoped object has no namespace; remove it" err &&
	test_grep "document 3 (Service 1nginx): .metadata.name: '"'"'1nginx'"'"' is not a valid Service name: it must start with a letter" err &&
	test_grep "document 3 (Service 1nginx): .metadata.labels[\"app.kubernetes.io/name\"]: label value '"'"'-bad-'"'"' is not valid" err &&
	test_grep "document 4 (Secret s): .data.token: \"not base64!\" is not valid byte (base64; use stringData for plain text)" err &&
	test_grep "document 4 (Secret s): .data[\"bad key\"]: '"'"'bad key'"'"' is not a valid key" err
'

test_expect_success KMODELS 'YAML errors, timestamps as strings, missing paths' '
	printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  when: 2024-01-01\n" >ts.yaml &&
	core ts.yaml &&
	printf "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n" >dup.yaml &&
	test_expect_code 1 core dup.yaml nosuch.yaml &&
	test_grep "dup.yaml:3:1: not valid YAML: Map keys must be unique" err &&
	test_grep "nosuch.yaml: no such file or directory" err
'

test_done
