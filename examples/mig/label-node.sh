#!/bin/sh
# Splits every GPU of a node into seven 1g.5gb MIG slices (A100 40GB).
# The GPU operator's MIG manager sees the label, drains the GPUs of that
# node, applies the layout and sets nvidia.com/mig.config.state=success.
# usage: label-node.sh [NODE] [LAYOUT]   (default: kube-gpu1 all-1g.5gb)
# Undo with the layout all-disabled.
set -eu
node=${1:-kube-gpu1}
layout=${2:-all-1g.5gb}
kubectl label nodes "$node" nvidia.com/mig.config="$layout" --overwrite
echo "waiting for the MIG manager on $node..." >&2
kubectl wait node "$node" --for=jsonpath='{.metadata.labels.nvidia\.com/mig\.config\.state}'=success --timeout=10m
kubectl get node "$node" -o jsonpath='{.status.allocatable}'; echo
