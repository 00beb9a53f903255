# test-lib.sh: a small shell test library in the manner of git's t/.
# A test file sets test_description, sources this file, runs
# test_expect_success lines and ends with test_done.
#
#   test_expect_success [PREREQ] 'description' 'commands'
#   test_must_fail CMD...      CMD must exit non-zero (not by a signal)
#   test_expect_code N CMD...  CMD must exit with N
#   test_cmp EXPECTED ACTUAL   files must be equal (shows a diff)
#   test_set_prereq NAME / test_have_prereq NAME
#
# Each file runs in its own trash directory. $KCFG is the binary under
# test, $TEST_DATA the tests/data folder, $SRCDIR the source tree.
set -u
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$TEST_DIR/../.." && pwd)
TEST_DATA=$SRCDIR/tests/data
: "${KCFG_BUILD:=$SRCDIR/build}"
case $KCFG_BUILD in /*) ;; *) KCFG_BUILD=$SRCDIR/$KCFG_BUILD ;; esac
KCFG=$KCFG_BUILD/kcfg
PATH=$KCFG_BUILD:$PATH
export KCFG SRCDIR TEST_DATA PATH
unset KCFG_INVENTORY KCFG_CONFIG KCFG_VAULT_PASSWORD_FILE ANSIBLE_VAULT_PASSWORD_FILE

test_name=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/kcfg-$test_name.XXXXXX")
trap 'rm -rf "$TRASH"' EXIT
cd "$TRASH" || exit 1

test_count=0 test_passed=0 test_failed=0 test_skipped=0
test_prereqs=" "
verbose=${TEST_VERBOSE:-}

[ -x "$KCFG" ] || { echo "Bail out! $KCFG is not built"; exit 1; }

test_set_prereq() { test_prereqs="$test_prereqs$1 "; }
test_have_prereq() { case $test_prereqs in *" $1 "*) return 0 ;; esac; return 1; }

# Prerequisites many tests need.
command -v ansible-inventory >/dev/null 2>&1 && test_set_prereq ANSIBLE
command -v ansible-vault >/dev/null 2>&1 && test_set_prereq ANSIBLE_VAULT

test_expect_success() {
	local prereq=""
	[ $# -eq 3 ] && { prereq=$1; shift; }
	local desc=$1 body=$2 out rc
	test_count=$((test_count + 1))
	if [ -n "$prereq" ] && ! test_have_prereq "$prereq"; then
		test_skipped=$((test_skipped + 1))
		echo "ok $test_count # skip $desc (missing $prereq)"
		return 0
	fi
	out=$(cd "$TRASH" && eval "set -e; $body" 2>&1)
	rc=$?
	cd "$TRASH" || exit 1
	if [ $rc -eq 0 ]; then
		test_passed=$((test_passed + 1))
		echo "ok $test_count - $desc"
		[ -n "$verbose" ] && [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $desc"
		printf '%s\n' "$body" | sed 's/^/#   | /'
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/#   > /'
	fi
	return 0
}

test_must_fail() {
	local rc=0
	"$@" || rc=$?
	if [ $rc -eq 0 ]; then echo "test_must_fail: command succeeded: $*" >&2; return 1; fi
	if [ $rc -gt 128 ] && [ $rc -ne 255 ]; then echo "test_must_fail: died by signal $((rc - 128)): $*" >&2; return 1; fi
	return 0
}

test_expect_code() {
	local want=$1 rc=0; shift
	"$@" || rc=$?
	if [ $rc -ne "$want" ]; then echo "test_expect_code: want $want, got $rc: $*" >&2; return 1; fi
	return 0
}

test_cmp() { diff -u "$1" "$2"; }

# Fails unless file $2 contains the fixed string $1.
test_grep() { grep -F -e "$1" "$2" >/dev/null || { echo "'$1' not found in $2:" >&2; cat "$2" >&2; return 1; }; }

test_done() {
	echo "# $test_name: passed $test_passed failed $test_failed skipped $test_skipped"
	[ $test_failed -eq 0 ]
}

# test_line_count OP N FILE: the number of lines of FILE compared with N
# (OP as test(1) takes it: =, -ge, ...).
test_line_count() {
	local n
	n=$(wc -l <"$3")
	test "$n" "$1" "$2" || { echo "test_line_count: $3 has $n lines, want $1 $2:" >&2; cat "$3" >&2; return 1; }
}
