#!/bin/sh
test_description='the layers of src/: no file includes a higher layer; cli/ drives no engine or runner itself'
. "$(dirname "$0")/../test-lib.sh"

# lowest first (STYLE.md): a file may include its own layer and those below
LAYERS="util config vault pki transport engine components run cli"

layer_index() {
	i=0
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $i; return 0; }
		i=$((i + 1))
	done
	echo "unknown layer '$1'" >&2
	return 1
}

test_expect_success 'every folder of src/ is a known layer' '
	for d in "$SRCDIR"/src/*/; do
		layer_index "$(basename "$d")" >/dev/null || exit 1
	done
'

test_expect_success 'no file includes a layer above its own' '
	: >violations &&
	for l in $LAYERS; do
		mine=$(layer_index $l) &&
		for f in "$SRCDIR"/src/$l/*.c "$SRCDIR"/src/$l/*.h; do
			[ -f "$f" ] || continue
			sed -n "s/^#include \"\\([a-z]*\\)\\/.*/\\1/p" "$f" | sort -u |
			while read -r inc; do
				theirs=$(layer_index "$inc") || exit 1
				[ "$theirs" -le "$mine" ] ||
					echo "src/$l/$(basename "$f") includes $inc/" >>violations
			done || exit 1
		done
	done &&
	test_must_fail test -s violations || { cat violations; false; }
'

test_expect_success 'the check finds a violation when there is one' '
	mkdir -p fake/src/util &&
	printf "#include \"cli/cli.h\"\n" >fake/src/util/x.c &&
	inc=$(sed -n "s/^#include \"\\([a-z]*\\)\\/.*/\\1/p" fake/src/util/x.c) &&
	test "$(layer_index "$inc")" -gt "$(layer_index util)"
'

test_expect_success 'cli/ calls neither the engine nor the runner: it includes neither' '
	grep -l "^#include \"\\(engine\\|transport\\)/" "$SRCDIR"/src/cli/*.c "$SRCDIR"/src/cli/*.h >found || :
	test_must_fail test -s found || { cat found; false; }
'

test_done
