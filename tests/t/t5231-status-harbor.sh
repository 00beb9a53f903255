#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg status on sandbox hosts: Harbor health from the bastion through kcfg CA'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: Harbor cannot run here (its images are pulled from the
# internet). On the registry host a stand-in answers Harbor's health
# endpoint: openssl s_server -WWW (the sandbox rootfs's own OpenSSL)
# over HTTPS on port 443, with the certificate and key kcfg wrote for
# Harbor (`kcfg render --component harbor`: /opt/harbor/cert/server.{crt,key}),
# serving GET /api/v2.0/health from a file holding the JSON Harbor's
# API defines (goharbor/harbor api/v2.0/swagger.yaml: OverallHealthStatus
# {status, components[]}, ComponentHealthStatus {name, status "healthy"
# or "unhealthy", error}). The controller runs tests/standins/k0s (the
# API answers /readyz). Everything else is real: the ssh sessions, the
# bastion's curl (this machine's Debian package: the sandbox rootfs has
# none), /etc/hosts naming the registry, kcfg's CA sent as data, the
# verify phase and harbor's verify() hook. The test asserts what kcfg
# reports (messages, exit codes), never what the stand-in does.
sandbox_start hv 10.250.87 3
SCHEMA="$SRCDIR/docs/status.schema.json"
REG=harbor.internal
export KCFG_VAULT_PASSWORD_FILE="$TRASH/pwfile"
CURL_PKGS="curl libcurl4 libnghttp2-14 librtmp1 libssh2-1 libpsl5 libldap-2.5-0 libbrotli1 libsasl2-2 libsasl2-modules-db"

if test_have_prereq SANDBOX && dpkg -s $CURL_PKGS >/dev/null 2>&1; then
	test_set_prereq SANDBOX_CURL
elif test_have_prereq SANDBOX; then
	echo "# skipping: this machine has no curl packages to put on the bastion"
fi

has() { grep -E -e "$1" "$2" >/dev/null || { echo "'$1' not found in $2:" >&2; cat "$2" >&2; return 1; }; }

# health STATUS [NAME STATUS ERROR]: Harbor's answer on the registry host
health() {
	if [ $# -gt 1 ]; then
		printf '{"status":"%s","components":[{"name":"core","status":"healthy"},{"name":"%s","status":"%s","error":"%s"}]}\n' "$@"
	else
		printf '{"status":"%s","components":[{"name":"core","status":"healthy"},{"name":"database","status":"healthy"}]}\n' "$1"
	fi | sb_on 2 "mkdir -p /srv/harbor-standin/api/v2.0 && cat >/srv/harbor-standin/api/v2.0/health"
}

# serve CERT KEY: (re)start the stand-in with that certificate and key (on the host)
serve() {
	sb_on 2 "systemctl stop harbor-standin 2>/dev/null; systemctl reset-failed harbor-standin 2>/dev/null;
		systemd-run --unit=harbor-standin --working-directory=/srv/harbor-standin \
			openssl s_server -quiet -WWW -accept 443 -cert $1 -key $2 >/dev/null &&
		for i in \$(seq 50); do ss -ltn | grep -q ':443 ' && exit 0; sleep 0.1; done; exit 1"
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX_CURL 'set up: a vault, the registry CA, the certificate kcfg wrote for Harbor on the registry' '
	sb_inventory 3 &&
	sb_cluster_yaml >cluster.yaml &&
	cat >>cluster.yaml <<-\EOF &&
	addons:
	  gpu_operator: false
	  network_operator: false
	  metallb: false
	  monitoring: false
	  mpi_operator: false
	  spark_operator: false
	  storage: false
	EOF
	printf "harbor_admin_password: Harbor-test-1\nharbor_db_password: Db-test-1\ngrafana_password: Gr-test-1\n" >vault.yaml &&
	echo vault-pw >pwfile &&
	"$KCFG" facts >facts.out 2>&1 || { cat facts.out; false; } &&
	"$KCFG" render --component harbor -o rendered >render.out 2>&1 || { cat render.out; false; } &&
	certs=rendered/$(sb_host 2)/opt/harbor/cert &&
	test -s $certs/server.key &&
	tar -C $certs -cf - server.crt server.key |
		sb_on 2 "mkdir -p /opt/harbor/cert && tar -xf - -C /opt/harbor/cert" &&
	sb_on 3 "mkdir -p /etc/kcfg-standin && cat >/usr/local/bin/k0s && chmod 0755 /usr/local/bin/k0s && touch /run/k0s-api-up" \
		<"$SRCDIR/tests/standins/k0s" &&
	dpkg -L $CURL_PKGS | sort -u | while read -r f; do if test -f "$f" -o -L "$f"; then echo "$f"; fi; done >curl.files &&
	tar -cf - -T curl.files 2>/dev/null | sb_on 1 "tar -xf - -C / && ldconfig && curl --version >/dev/null" &&
	# the name as kcfg apply -C common writes it into /etc/hosts
	sb_on 1 "echo \"$(sb_ip 2) $REG\" >>/etc/hosts" &&
	health healthy &&
	serve /opt/harbor/cert/server.crt /opt/harbor/cert/server.key
'

test_expect_success SANDBOX_CURL 'a healthy Harbor with the certificate kcfg made: exit 0, nothing about Harbor' '
	"$KCFG" status >out 2>err &&
	has "^status: ok$" out &&
	! grep -i harbor out && ! grep "harbor:" err &&
	"$KCFG" status -C harbor --json >status.json &&
	"$SRCDIR/tests/tools/check-json-schema" "$SCHEMA" status.json &&
	python3 -c "
import json
d = json.load(open(\"status.json\"))
assert d[\"ok\"] is True and d[\"failures\"] == [], d
"
'

test_expect_success SANDBOX_CURL 'one component unhealthy: exit 1, naming it and its error' '
	health unhealthy jobservice unhealthy "dial tcp 172.18.0.5:8080: connect: connection refused" &&
	test_expect_code 1 "$KCFG" status >out 2>err &&
	has "^$(sb_host 2): harbor: error: Harbor.s jobservice is unhealthy: dial tcp 172.18.0.5:8080: connect: connection refused$" out &&
	has "^$(sb_host 2): harbor: error: Harbor at https://$REG/ is unhealthy, not healthy$" out &&
	! grep "Harbor.s core" out &&
	has "^status: FAILED$" out &&
	test_expect_code 1 "$KCFG" status -C harbor --json >status.json &&
	"$SRCDIR/tests/tools/check-json-schema" "$SCHEMA" status.json &&
	python3 -c "
import json
d = json.load(open(\"status.json\"))
got = [(f[\"host\"], f[\"component\"]) for f in d[\"failures\"]]
assert got == [(\"$(sb_host 2)\", \"harbor\")] * 2, got
"
'

test_expect_success SANDBOX_CURL 'a certificate that does not chain to kcfg CA: exit 1, saying so' '
	health healthy &&
	sb_on 2 "cd /srv && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=$REG \
		-addext subjectAltName=DNS:$REG -keyout other.key -out other.crt 2>/dev/null" &&
	serve /srv/other.crt /srv/other.key &&
	test_expect_code 1 "$KCFG" status >out 2>err &&
	has "^$(sb_host 2): harbor: error: Harbor at https://$REG/ does not show a certificate for that name chaining to kcfg.s CA \\(curl exit 60: " out &&
	has "^  hint: the registry must serve the certificate kcfg made \\(kcfg apply -C harbor\\)$" out
'

test_expect_success SANDBOX_CURL 'nothing listening: exit 1, with where to look' '
	sb_on 2 "systemctl stop harbor-standin" &&
	test_expect_code 1 "$KCFG" status >out 2>err &&
	has "^$(sb_host 2): harbor: error: Harbor at https://$REG/ does not answer from .$(sb_host 1). \\(curl exit 7: " out &&
	has "^  hint: check .docker ps. on the registry host, /var/log/harbor/ there, and that the bastion resolves the name" out
'

test_done
