#!/bin/sh
# kcfg test stand-in for Harbor's install.sh (goharbor/harbor
# make/install.sh), packed as harbor/install.sh in a stand-in of
# harbor-online-installer-VERSION.tgz. Harbor's own runs `prepare` on
# harbor.yml, stops a running Harbor and starts its nine containers with
# docker compose; their images come from the internet and runc cannot
# make their cgroups in a sandbox host. This one checks what prepare
# needs (harbor.yml beside it: "harbor.yml not found" otherwise, as
# make/prepare says; the https certificate and key it names), then
# stands in for the running Harbor:
#   - the nine containers' names in /run/harbor-standin/running, which
#     tests/standins/docker answers `docker inspect` from;
#   - nginx's HTTPS on 443 with that certificate: `openssl s_server -WWW`
#     serving GET /api/v2.0/health as Harbor's API does (api/v2.0/
#     swagger.yaml OverallHealthStatus: status, components[] of
#     ComponentHealthStatus name/status), as the systemd unit
#     harbor-standin, run by the name of the process that holds a
#     published port of a real Harbor (docker's userland proxy,
#     docker-proxy), through a link to openssl.
# Every run is logged to /var/log/harbor-standin.log.
set -e
cd "$(dirname "$0")"
echo "$(date +%s.%N) install.sh $*" >>/var/log/harbor-standin.log
test -f harbor.yml || { echo "harbor.yml not found, please set up harbor.yml first" >&2; exit 1; }
cert=$(sed -n 's/^ *certificate: *//p' harbor.yml | tr -d "'\"")
key=$(sed -n 's/^ *private_key: *//p' harbor.yml | tr -d "'\"")
test -r "$cert" && test -r "$key" || { echo "the https certificate or key of harbor.yml is missing" >&2; exit 1; }
mkdir -p /srv/harbor-standin/api/v2.0 /run/harbor-standin
printf '{"status":"healthy","components":[%s]}\n' \
	'{"name":"core","status":"healthy"},{"name":"database","status":"healthy"},{"name":"jobservice","status":"healthy"},{"name":"portal","status":"healthy"},{"name":"redis","status":"healthy"},{"name":"registry","status":"healthy"},{"name":"registryctl","status":"healthy"}' \
	>/srv/harbor-standin/api/v2.0/health
systemctl stop harbor-standin 2>/dev/null || true
systemctl reset-failed harbor-standin 2>/dev/null || true
ln -sf "$(command -v openssl)" /run/harbor-standin/docker-proxy
systemd-run --quiet --unit=harbor-standin --working-directory=/srv/harbor-standin \
	/run/harbor-standin/docker-proxy s_server -quiet -WWW -accept 443 -cert "$cert" -key "$key"
printf '%s\n' harbor-log registry registryctl harbor-db harbor-core harbor-portal \
	harbor-jobservice redis nginx >/run/harbor-standin/running
echo "✔ ----Harbor has been installed and started successfully.----"
