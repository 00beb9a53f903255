#!/bin/sh
# Builds the image examples/spark/rapids-ucx.yaml runs and pushes it to
# the cluster's Harbor. Run it on the bastion: kcfg gave it docker, which
# trusts the registry's CA. Harbor's "library" project is there from the
# start; docker login asks for a Harbor user's password (the admin's is
# harbor_admin_password in the vault).
#
#   sh build-and-push.sh [REGISTRY]    (default harbor.internal: registry.name)
set -eu
registry=${1:-harbor.internal}
case $registry in
*[!A-Za-z0-9.:-]* | "" | -*) echo "build-and-push.sh: '$registry' is no registry name" >&2; exit 2 ;;
esac
image=$registry/library/spark-rapids:3.5.1
here=$(cd "$(dirname "$0")" && pwd)
docker build -t "$image" "$here"
docker login "$registry"
docker push "$image"
echo "pushed $image: kubectl apply -f $here/rapids-ucx.yaml"
