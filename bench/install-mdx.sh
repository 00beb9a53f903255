#!/bin/sh
# The whole first install in the mdx example's shape on six sandbox hosts
# (a bastion, a registry, a controller, two CPU workers, a GPU worker):
# the install test tests/t/t5300-install-mdx.sh, which is that run with its
# stand-ins (see its header and docs/development.md, "Boundaries"), timed.
# Prints kcfg's wall time for the first apply (facts, preflight, every
# phase and barrier, apt through the sandbox's proxy), the plan after it
# and the apply with nothing to change, then the load average:
#
#   first_apply=S no_change_plan=S no_change_apply=S load=L1,L5,L15
#
#   bench/install-mdx.sh [BUILD]     (default: build; KCFG_SANDBOX_SLOT as
#                                     for the tests)
#
# There is no peer figure: the original playbook cannot run on these
# hosts (it downloads from the internet, and its k0s is no stand-in).
# Needs root, the sandbox's packages, tinyproxy and python3.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! KCFG_BUILD=$build TEST_VERBOSE=1 sh "$top/tests/t/t5300-install-mdx.sh" >"$out" 2>&1; then
	grep -v '^#   | ' "$out" | tail -n 40 >&2
	echo "bench/install-mdx.sh: the install test failed" >&2
	exit 1
fi
if grep -q '^# skipping' "$out"; then grep '^# skipping' "$out" >&2; exit 1; fi
fig() { sed -n "s/^#   # $1: \([0-9.]*\) s\$/\1/p" "$out"; }
echo "first_apply=$(fig 'first apply') no_change_plan=$(fig 'no-change plan')" \
     "no_change_apply=$(fig 'no-change apply')" \
     "load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ',')"
