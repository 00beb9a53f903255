#!/bin/sh
test_description='validate-all: every checker over a rendered tree, by file type'
. "$(dirname "$0")/../test-lib.sh"

A=$SRCDIR/tests/tools/validate-all
python3 -c 'import yaml, tomllib' 2>/dev/null &&
	command -v node >/dev/null 2>&1 &&
	[ -d "$SRCDIR/tests/tools/node_modules/kubernetes-models" ] &&
	command -v containerd >/dev/null 2>&1 &&
	command -v yamllint >/dev/null 2>&1 &&
	command -v openssl >/dev/null 2>&1 && test_set_prereq VALIDATORS

# A small tree laid out like rendered output: one folder per host.
mkdir -p tree/kube-master/etc/k0s tree/kube-master/var/lib/k0s/manifests/metallb \
	tree/kube-master/var/lib/k0s/manifests/gpu-operator \
	tree/kube-gpu1/etc/k0s/containerd.d/certs.d/harbor.internal \
	tree/harbor/opt/harbor tree/harbor/etc/harbor/pki tree/kube-node1/etc
cat >tree/kube-master/etc/k0s/k0s.yaml <<\EOF
apiVersion: k0s.k0sproject.io/v1beta1
kind: ClusterConfig
metadata:
  name: k0s
spec:
  api:
    address: 10.0.0.10
    sans: [10.0.0.10, kube-master]
  telemetry:
    enabled: false
  workerProfiles:
    - name: gpu-2numa
      values:
        cpuManagerPolicy: static
        topologyManagerPolicy: single-numa-node
EOF
cat >tree/kube-master/var/lib/k0s/manifests/metallb/pool.yaml <<\EOF
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: default
  namespace: metallb-system
spec:
  addresses: [10.18.20.200-10.18.20.210]
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: default
  namespace: metallb-system
EOF
cat >tree/kube-master/var/lib/k0s/manifests/gpu-operator/chart.yaml <<\EOF
apiVersion: v1
kind: Namespace
metadata:
  name: gpu-operator
---
apiVersion: helm.k0sproject.io/v1beta1
kind: Chart
metadata:
  name: gpu-operator
  namespace: kube-system
spec:
  chartName: nvidia/gpu-operator
  namespace: gpu-operator
  values: |
    driver:
      enabled: false
    mig:
      strategy: mixed
EOF
cat >tree/kube-gpu1/etc/k0s/containerd.d/nvidia.toml <<\EOF
version = 2

[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "nvidia"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]
  BinaryName = "/usr/bin/nvidia-container-runtime"
EOF
cat >tree/kube-gpu1/etc/k0s/containerd.d/certs.d/harbor.internal/hosts.toml <<\EOF
server = "https://harbor.internal"

[host."https://harbor.internal"]
  capabilities = ["pull", "resolve", "push"]
  ca = "/etc/k0s/containerd.d/certs.d/harbor.internal/ca.crt"
EOF
cat >tree/harbor/opt/harbor/harbor.yml <<\EOF
hostname: harbor.internal
https:
  port: 443
  certificate: /etc/harbor/pki/server.crt
  private_key: /etc/harbor/pki/server.key
EOF
printf "127.0.0.1 localhost\n" >tree/kube-node1/etc/hosts

test_expect_success VALIDATORS 'setup: the registry certificates' '
	pki=tree/harbor/etc/harbor/pki &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out $pki/ca.crt -days 3650 \
		-subj /CN=ca -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -keyout $pki/server.key -out server.csr \
		-subj /CN=harbor.internal 2>/dev/null &&
	printf "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:harbor,DNS:harbor.internal,IP:10.0.0.5\n" >ext &&
	openssl x509 -req -in server.csr -CA $pki/ca.crt -CAkey ca.key -CAserial ca.srl -CAcreateserial \
		-out $pki/server.crt -days 825 -extfile ext 2>/dev/null
'

test_expect_success VALIDATORS 'a valid tree passes every checker' '
	"$A" --cert-host harbor.internal --cert-ip 10.0.0.5 tree 2>err &&
	test_grep "validate-all: 10 files, all valid" err &&
	test_grep "not checked (no checker for their type):" err &&
	test_grep "  tree/kube-node1/etc/hosts" err
'

test_expect_success VALIDATORS 'certificates need the host name and address to be checked' '
	test_expect_code 1 "$A" tree 2>err &&
	test_grep "validate-all: certificates in '"'"'tree/harbor/etc/harbor/pki'"'"' need --cert-host and --cert-ip to be checked" err &&
	test_expect_code 1 "$A" --cert-host harbor.example.org --cert-ip 10.0.0.5 tree 2>err &&
	test_grep "is not valid for the host name '"'"'harbor.example.org'"'"'" err
'

test_expect_success VALIDATORS 'each kind of file is checked: one broken file fails the run' '
	for f in k0s kube-node chart toml harbor; do
		rm -rf t && cp -r tree t &&
		case $f in
		k0s) printf "  telemetri: {}\n" >>t/kube-master/etc/k0s/k0s.yaml; want="unknown field" ;;
		kube-node) printf "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labelz: {}\n" >t/kube-node1/etc/ns.yaml; want="unknown field" ;;
		chart) sed -i "s/strategy: mixed/stratgy: mixed/" t/kube-master/var/lib/k0s/manifests/gpu-operator/chart.yaml; want="unknown key" ;;
		toml) sed -i "s/BinaryName/BinaryNam/" t/kube-gpu1/etc/k0s/containerd.d/nvidia.toml; want="is not an option of runc" ;;
		harbor) printf "external_url: yes\n" >>t/harbor/opt/harbor/harbor.yml; want="truthy" ;;
		esac &&
		test_expect_code 1 "$A" --cert-host harbor.internal --cert-ip 10.0.0.5 t 2>err &&
		test_grep "$want" err &&
		test_grep "problems found" err || exit 1
	done
'

test_expect_success VALIDATORS 'a lone ca.crt must be a CA certificate' '
	rm -rf t && cp -r tree t &&
	cp t/harbor/etc/harbor/pki/server.crt t/kube-gpu1/etc/k0s/containerd.d/certs.d/harbor.internal/ca.crt &&
	test_expect_code 1 "$A" --cert-host harbor.internal --cert-ip 10.0.0.5 t 2>err &&
	test_grep "validate-all: '"'"'t/kube-gpu1/etc/k0s/containerd.d/certs.d/harbor.internal/ca.crt'"'"' is not a CA certificate (no basicConstraints CA:TRUE)" err &&
	printf "junk\n" >t/kube-gpu1/etc/k0s/containerd.d/certs.d/harbor.internal/ca.crt &&
	test_expect_code 1 "$A" --cert-host harbor.internal --cert-ip 10.0.0.5 t 2>err &&
	test_grep "is not a PEM certificate" err
'

test_expect_success VALIDATORS 'a document of a kind nobody knows fails the run' '
	rm -rf t && cp -r tree t &&
	printf "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: x\n" >t/kube-master/var/lib/k0s/manifests/thing.yaml &&
	test_expect_code 1 "$A" --cert-host harbor.internal --cert-ip 10.0.0.5 t 2>err &&
	test_grep "no schema for apiVersion '"'"'example.com/v1'"'"' kind '"'"'Thing'"'"'" err
'

test_expect_success VALIDATORS '--k0s-version reaches validate-crd; usage errors exit 2' '
	test_expect_code 2 "$A" --k0s-version 1.34.0 tree 2>err &&
	test_grep "no ClusterConfig schema for k0s 1.34" err &&
	test_expect_code 2 "$A" 2>err &&
	test_grep "usage: validate-all" err &&
	test_expect_code 2 "$A" nosuch 2>err &&
	test_grep "validate-all: '"'"'nosuch'"'"' does not exist" err
'

test_done
