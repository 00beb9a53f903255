# Sourced by the t5xxx tests after test-lib.sh: starts N sandbox hosts
# (scripts/sandbox) once for the whole file, under its own prefix and
# subnet so it never touches a sandbox someone started by hand, and stops
# them on exit, also when a test fails. Sets the prereq SANDBOX when the
# machine can run them (root, systemd-nspawn, debootstrap); otherwise the
# tests that need them are skipped with the reason printed.
#
#   sandbox_start PREFIX NET N [--light] [--proxy]
#
# (--light: light hosts, an sshd each without systemd; see docs/sandbox.md;
# --proxy: `scripts/sandbox proxy` before the hosts start, so their apt
# reaches Debian's mirrors: a host gets the proxy's apt config only when
# the proxy runs as it starts, and `down` stops the proxy)
# Afterwards: $SB (the script), $SB_KEY, $SB_KNOWN, sb_ip I, and
# sb_ping ARGS... (kcfg ping with the sandbox's key and known_hosts).
SB=$SRCDIR/scripts/sandbox
export SANDBOX_DIR=${SANDBOX_DIR:-/var/tmp/kcfg-sandbox}

# KCFG_SANDBOX_SLOT=1..9 moves every file's hosts to another prefix and
# subnet (10.250.x becomes 10.(250-SLOT).x), so that two checkouts can run
# their sandbox tests on one machine at the same time.
sandbox_start() {
	export SANDBOX_PREFIX=$1 SANDBOX_NET=$2
	case ${KCFG_SANDBOX_SLOT:-} in
	[1-9]) SANDBOX_PREFIX=$1$KCFG_SANDBOX_SLOT
	       SANDBOX_NET=10.$((250 - KCFG_SANDBOX_SLOT)).${2#10.250.} ;;
	esac
	SB_KEY=$SANDBOX_DIR/keys/id_ed25519
	SB_KNOWN=$SANDBOX_DIR/known_hosts.$SANDBOX_PREFIX
	if ! why=$("$SB" check 2>&1); then
		echo "# skipping the tests that need sandbox hosts: ${why#sandbox: }"
		return 0
	fi
	trap '"$SB" down >/dev/null 2>&1; rm -rf "$TRASH"' EXIT
	local n=$3 light= proxy= a
	shift 3
	for a in "$@"; do
		case $a in --light) light=--light ;; --proxy) proxy=1 ;; esac
	done
	if [ -n "$proxy" ] && ! command -v tinyproxy >/dev/null 2>&1; then
		echo "# skipping the tests that need sandbox hosts: the apt proxy needs tinyproxy"
		return 0
	fi
	"$SB" down >/dev/null 2>&1	# leftovers of an interrupted run
	if [ -n "$proxy" ] && ! "$SB" proxy >"$TRASH/sandbox-proxy.log" 2>&1; then
		echo "# scripts/sandbox proxy failed:"
		sed 's/^/#   /' "$TRASH/sandbox-proxy.log" | tail -n 5
		test_set_prereq SANDBOX_BROKEN
		return 0
	fi
	if "$SB" up "$n" $light >"$TRASH/sandbox-up.log" 2>&1; then
		test_set_prereq SANDBOX
	else
		echo "# scripts/sandbox up $n failed:"
		sed 's/^/#   /' "$TRASH/sandbox-up.log" | tail -n 20
		test_set_prereq SANDBOX_BROKEN
	fi
}

sb_ip() { echo "$SANDBOX_NET.$((10 + $1))"; }

sb_ping() {
	"$KCFG" ping --key "$SB_KEY" --ssh-args "-oUserKnownHostsFile=$SB_KNOWN" "$@"
}
