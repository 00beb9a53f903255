#!/bin/sh
test_description='kcfg fetch: release files into the cache, checked against their pins'
. "$(dirname "$0")/../test-lib.sh"

# Boundary: upstream (github.com, dl.k8s.io, get.helm.sh) cannot be
# reached here, so the files are stand-ins served from a directory, from
# a real HTTP server on loopback (python3 -m http.server) and from a slow
# one; their pins are set to the stand-ins' sha256 in cluster.yaml.
command -v python3 >/dev/null 2>&1 && test_set_prereq PYTHON3

cat >inventory.ini <<\EOF
[bastion_host]
b1 ansible_host=10.0.0.1 ansible_user=root
[registry]
r1 ansible_host=10.0.0.2 ansible_user=root
[kube_master]
m1 ansible_host=10.0.0.3 ansible_user=root
EOF

K0S=k0s-v1.36.4+k0s.1-amd64
KUBECTL=kubectl-v1.36.4-linux-amd64
HELM=helm-v4.2.4-linux-amd64.tar.gz
HARBOR=harbor-online-installer-v2.15.2.tgz
MPI=mpi-operator-v0.8.0.yaml
mkdir mirror &&
for f in $K0S $KUBECTL $HELM $HARBOR $MPI; do
	echo "stand-in for $f" >mirror/$f
done
sha() { sha256sum "mirror/$1" | cut -c1-64; }

# cluster.yaml pinning the stand-ins; the MPI operator pin is empty
# unless $1 is "mpi"; Exascaler and Whereabouts off.
write_cluster() {
	cat >cluster.yaml <<-EOF
	cluster:
	  rdma: false
	addons:
	  storage: false
	network_operator:
	  whereabouts: false
	versions:
	  k0s_sha256: $(sha $K0S)
	  kubectl_sha256: $(sha $KUBECTL)
	  helm_sha256: $(sha $HELM)
	  harbor_sha256: $(sha $HARBOR)
	EOF
	if [ "${1:-}" = mpi ]; then
		echo "  mpi_operator_sha256: $(sha $MPI)" >>cluster.yaml
	else
		echo "  mpi_operator_sha256: \"\"" >>cluster.yaml
	fi
}

test_expect_success '--list says what, from where and whether cached; it fetches nothing' '
	write_cluster &&
	"$KCFG" fetch --list >out 2>err &&
	cat >expect <<-EOF &&
	k0s            $K0S                missing
	                 from https://github.com/k0sproject/k0s/releases/download/v1.36.4+k0s.1/$K0S
	bastion        $KUBECTL            missing
	                 from https://dl.k8s.io/release/v1.36.4/bin/linux/amd64/kubectl
	bastion        $HELM         missing
	                 from https://get.helm.sh/$HELM
	harbor         $HARBOR    missing
	                 from https://github.com/goharbor/harbor/releases/download/v2.15.2/$HARBOR
	mpi-operator   $MPI               no pin
	                 from https://raw.githubusercontent.com/kubeflow/mpi-operator/v0.8.0/deploy/v2beta1/mpi-operator.yaml
	EOF
	test_cmp expect out &&
	test ! -s err &&
	test ! -e .kcfg/cache
'

test_expect_success 'a file without a pin is refused at its line; the others are fetched' '
	test_expect_code 1 "$KCFG" fetch --from mirror >out 2>err &&
	test_grep "  fetched  $K0S ($(wc -c <mirror/$K0S) bytes)" out &&
	test_grep "  failed   $MPI (no pin)" out &&
	test_grep "fetch: 5 files: 4 fetched, 0 already cached, 1 failed" out &&
	cat >expect <<-EOF &&
	cluster.yaml:12:3: error: '"'"'versions.mpi_operator_sha256'"'"' is empty, so kcfg cannot check the MPI operator manifest v0.8.0
	  hint: download file://$TRASH/mirror/$MPI yourself, check it against its publisher, and set '"'"'versions.mpi_operator_sha256'"'"' to its sha256 (sha256sum FILE)
	EOF
	test_cmp expect err &&
	test ! -e .kcfg/cache/$MPI
'

test_expect_success 'fetched files are the mirror'"'"'s, mode 0644, in .kcfg/cache beside the inventory' '
	for f in $K0S $KUBECTL $HELM $HARBOR; do
		test_cmp mirror/$f .kcfg/cache/$f &&
		test "$(stat -c %a .kcfg/cache/$f)" = 644 || exit 1
	done &&
	test "$(stat -c %a .kcfg)" = 700
'

test_expect_success 'a second fetch finds everything cached and fetches nothing' '
	write_cluster mpi &&
	"$KCFG" fetch --from mirror >out 2>err &&
	test_grep "  ok       $K0S (in the cache)" out &&
	test_grep "fetch: 5 files: 1 fetched, 4 already cached, 0 failed" out &&
	"$KCFG" fetch --from mirror >out 2>err &&
	test_grep "fetch: 5 files: 0 fetched, 5 already cached, 0 failed" out &&
	test ! -s err
'

test_expect_success 'a damaged copy in the cache is fetched again' '
	echo damaged >.kcfg/cache/$HELM &&
	"$KCFG" fetch --from mirror -C bastion >out 2>err &&
	test_grep "  fetched  $HELM ($(wc -c <mirror/$HELM) bytes, replacing a copy that did not match its pin)" out &&
	test_grep "fetch: 2 files: 1 fetched, 1 already cached, 0 failed" out &&
	test_cmp mirror/$HELM .kcfg/cache/$HELM
'

test_expect_success 'a download that does not match its pin is not kept, and nothing half-written is left' '
	rm .kcfg/cache/$KUBECTL &&
	echo "not kubectl" >mirror/$KUBECTL &&
	test_expect_code 1 "$KCFG" fetch --from mirror -C bastion >out 2>err &&
	test_grep "  failed   $KUBECTL" out &&
	test_grep "error: file://$TRASH/mirror/$KUBECTL: its sha256 is $(sha $KUBECTL), but the pin says " err &&
	test_grep "hint: nothing was kept; if the pin is right, the file was changed or damaged on its way" err &&
	test ! -e .kcfg/cache/$KUBECTL &&
	test -z "$(ls -A .kcfg/cache | grep part)"
'

test_expect_success '-C limits the files; --from a missing directory is a usage error' '
	"$KCFG" fetch -C k0s --list >out &&
	test $(grep -c "^[a-z]" out) -eq 1 &&
	test_grep "$K0S" out &&
	test_expect_code 64 "$KCFG" fetch --from nowhere 2>err &&
	test_grep "error: --from '"'"'nowhere'"'"' is neither a directory nor a URL" err &&
	test_expect_code 64 "$KCFG" fetch -C k0z 2>err &&
	test_grep "hint: did you mean '"'"'k0s'"'"'?" err
'

test_expect_success 'the cache is beside the inventory wherever kcfg runs' '
	mkdir elsewhere &&
	(cd elsewhere && "$KCFG" -i ../inventory.ini -c ../cluster.yaml fetch -C k0s --from ../mirror >out) &&
	test_grep "fetching into ../.kcfg/cache/" elsewhere/out &&
	test_grep "  ok       $K0S (in the cache)" elsewhere/out &&
	test ! -e elsewhere/.kcfg
'

# A real HTTP server on loopback, on a port the kernel picks.
start_http() {
	python3 -m http.server --bind 127.0.0.1 0 --directory "$1" >http.log 2>&1 &
	http_pid=$!
	for _ in $(seq 50); do
		port=$(sed -n "s/.* port \([0-9]*\) .*/\1/p" http.log)
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	return 1
}

test_expect_success PYTHON3 'fetch over HTTP from a mirror; a missing file is an HTTP 404 with a hint' '
	echo "stand-in for $KUBECTL" >mirror/$KUBECTL &&
	rm -f .kcfg/cache/$HARBOR &&
	mkdir web && cp mirror/$KUBECTL web/ &&
	start_http web &&
	test_expect_code 1 "$KCFG" fetch --from "http://127.0.0.1:$port" -C bastion,harbor >out 2>err &&
	kill $http_pid &&
	test_grep "  fetched  $KUBECTL (" out &&
	test_grep "  failed   $HARBOR" out &&
	test_grep "error: http://127.0.0.1:$port/$HARBOR: the server answered HTTP 404" err &&
	test_grep "hint: no such file there: check the version in cluster.yaml, or the mirror given with --from" err &&
	test_cmp mirror/$KUBECTL .kcfg/cache/$KUBECTL
'

test_expect_success 'a mirror that cannot be reached says so and how to work offline' '
	test_expect_code 1 "$KCFG" fetch --from http://127.0.0.1:1/ -C harbor >out 2>err &&
	test_grep "error: http://127.0.0.1:1/$HARBOR: " err &&
	test_grep "hint: without internet access here, fetch the files on another machine and use '"'"'kcfg fetch --from DIR'"'"'" err &&
	test ! -e .kcfg/cache/$HARBOR
'

# Serves 1 MiB at 20 KiB/s: slow enough to be interrupted mid-way.
cat >slow.py <<\EOF
import http.server, socketserver, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(1 << 20))
        self.end_headers()
        for _ in range(1024):
            self.wfile.write(b"x" * 1024)
            time.sleep(0.05)
    def log_message(self, *a):
        pass
s = socketserver.TCPServer(("127.0.0.1", 0), H)
print("port", s.server_address[1], "ready", flush=True)
s.serve_forever()
EOF

# (the background commands stand alone: "a && b &" would background both)
test_expect_success PYTHON3 'Ctrl-C during a download keeps nothing half-written and exits 130' '
	python3 slow.py >slow.log 2>&1 &
	slow_pid=$!
	for _ in $(seq 50); do grep -q ready slow.log && break; sleep 0.1; done
	port=$(sed -n "s/^port \([0-9]*\) ready$/\1/p" slow.log)
	test -n "$port" || { kill $slow_pid; exit 1; }
	"$KCFG" fetch --from "http://127.0.0.1:$port" -C harbor >out 2>err &
	fetch_pid=$!
	sleep 1
	kill -INT $fetch_pid
	rc=0
	wait $fetch_pid || rc=$?
	kill $slow_pid
	test $rc -eq 130 &&
	test_grep "fetch: interrupted; what was fetched so far is kept" out &&
	test_grep "interrupted" err &&
	test ! -e .kcfg/cache/$HARBOR &&
	test -z "$(ls -A .kcfg/cache | grep part)"
'

test_expect_success 'plan stops before reading any host while a download is not cached' '
	rm -f .kcfg/cache/$K0S &&
	test_expect_code 1 "$KCFG" plan --local -C k0s -l m1 >out 2>err &&
	cat >expect <<-EOF &&
	error: component '"'"'k0s'"'"' uploads .kcfg/cache/$K0S, which is not in the cache yet
	  hint: run '"'"'kcfg fetch'"'"' first (or '"'"'kcfg fetch --from DIR'"'"' where there is no internet access)
	EOF
	test_cmp expect err &&
	test ! -s out &&
	"$KCFG" fetch --from mirror -C k0s >/dev/null &&
	test_expect_code 2 "$KCFG" plan --local -C k0s -l m1 --detailed-exitcode --no-diff >out 2>err &&
	test_grep "> upload /usr/local/bin/k0s (0755 root:root) [k0s]" out
'

test_expect_success 'the default Whereabouts pins are the sha256 of its files at the release tag' '
	mkdir wa-mirror &&
	WA=$SRCDIR/tests/data/addons/whereabouts-v0.9.4 &&
	cp "$WA/daemonset-install.yaml" wa-mirror/whereabouts-v0.9.4-daemonset-install.yaml &&
	cp "$WA/reconciler-deployment.yaml" wa-mirror/whereabouts-v0.9.4-reconciler-deployment.yaml &&
	cp "$WA/whereabouts.cni.cncf.io_ippools.yaml" wa-mirror/whereabouts-v0.9.4-ippools.yaml &&
	cp "$WA/whereabouts.cni.cncf.io_overlappingrangeipreservations.yaml" \
		wa-mirror/whereabouts-v0.9.4-overlappingrangeipreservations.yaml &&
	printf "cluster:\n  rdma: false\n" >defaults.yaml &&
	"$KCFG" -c defaults.yaml fetch -C whereabouts --from wa-mirror >out 2>err &&
	test_grep "fetch: 4 files: 4 fetched, 0 already cached, 0 failed" out &&
	test ! -s err
'

test_done
