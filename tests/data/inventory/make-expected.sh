#!/bin/sh
# Regenerates NAME.expected.json and NAME.expected.graph for every
# NAME.ini here with the real ansible-inventory (see SOURCES.md).
set -eu
cd "$(dirname "$0")"
export ANSIBLE_INVENTORY_ENABLED=ini ANSIBLE_INVENTORY_UNPARSED_FAILED=true
for f in *.ini; do
	n=${f%.ini}
	ansible-inventory -i "$f" --list >"$n.expected.json"
	ansible-inventory -i "$f" --graph >"$n.expected.graph"
done
