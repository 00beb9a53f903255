# Sourced by the t91xx-hostile tests after apply-lib.sh: a user without
# sudo (`nosudo` on the sandbox hosts) who owns a directory holding files
# kcfg manages, and tries to turn kcfg's writes there (as root) into
# writes elsewhere.
#
#   sb_as I USER CMD...     run a shell command on host I as USER (not root)
#   sb_snapshot I FILE      every path under /etc, /usr, /root and /home
#                           (except $SNAP_SKIP, a path of the user's own
#                           directory) on host I: type, owner, mode, size,
#                           change time; and the sha256 of each file under
#                           /etc, /root and /home
#   sb_plant_links I DIR NAME...
#                           as nosudo, in DIR on host I: a dangling link to
#                           /etc/kcfg-pwn-... at every name kcfg used for
#                           its temporaries and backups of NAME
#                           (.NAME.kcfg-new, NAME.kcfg-orig; for uploads,
#                           with $PIDS=1, .NAME.kcfg-PID for PIDs 2 to 10000)
#                           and at guesses of the random ones (.NAME.kcfg-HEX)
#   sb_no_pwn I             no /etc/kcfg-pwn-* and no /etc/ld.so.preload on host I
sb_as() {
	local i=$1 u=$2
	shift 2
	printf '%s\n' "$*" | sb_on "$i" "runuser -u $u -- sh -s"
}

sb_snapshot() {
	sb_on "$1" "find /etc /usr /root /home -xdev ${SNAP_SKIP:+-path '$SNAP_SKIP' -prune -o} \
		-printf '%p %y %U:%G %m %s %C@\n' | sort &&
		find /etc /root /home -xdev ${SNAP_SKIP:+-path '$SNAP_SKIP' -prune -o} -type f \
		-exec sha256sum {} + | sort" >"$2"
}

sb_plant_links() {
	local i=$1 dir=$2
	shift 2
	# perl (perl-base is on every Debian host): 10000 links in one process
	sb_as "$i" nosudo "cd '$dir' && perl -e '
		for my \$n (@ARGV) {
			symlink \"/etc/kcfg-pwn-new-\$n\", \".\$n.kcfg-new\";
			symlink \"/etc/kcfg-pwn-orig-\$n\", \"\$n.kcfg-orig\";
			symlink \"/etc/kcfg-pwn-pid-\$n-\$_\", \".\$n.kcfg-\$_\" for 2 .. (${PIDS:-0} ? 10000 : 1);
			symlink \"/etc/kcfg-pwn-guess-\$n-\$_\", \".\$n.kcfg-\$_\"
				for qw(0000000000000000 ffffffffffffffff 0123456789abcdef XXXXXX);
		}' $*"
}

sb_no_pwn() {
	sb_on "$1" 'ls -d /etc/kcfg-pwn-* /etc/ld.so.preload 2>/dev/null; true' >pwn.out &&
	{ test ! -s pwn.out || { echo "made outside: $(cat pwn.out)"; false; }; }
}
