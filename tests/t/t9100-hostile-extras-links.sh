#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='hostile: a user who owns the directory of managed files cannot redirect kcfg'"'"'s writes with symbolic links'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"
. "$SRCDIR/tests/hostile-lib.sh"

# Host 1 only. The user `nosudo` (no sudo) owns /home/nosudo/lab, where
# kcfg (as root) manages files owned by nosudo: a file with a backup, a
# secret, one in a subdirectory kcfg makes, a block in nosudo's own file
# and an upload. nosudo plants links at every name kcfg used to write
# through, and races the writes.
sandbox_start wa 10.250.191 1
LAB=/home/nosudo/lab
SNAP_SKIP=$LAB

write_cluster() {
	sb_cluster_yaml >cluster.yaml
	cat >>cluster.yaml <<-EOF
	extras:
	  - group: all
	    files:
	      - {path: $LAB/app.conf, content: "app=1\n", owner: nosudo, group: nosudo, backup: true}
	      - {path: $LAB/secret.conf, content: "token=s3cr3t\n", mode: "0600", owner: nosudo, group: nosudo}
	      - {path: $LAB/sub/deep.conf, content: "deep\n", owner: nosudo, group: nosudo}
	      - {path: $LAB/tool.bin, src: tool.bin, mode: "0755", owner: nosudo, group: nosudo}
	    blocks:
	      - {path: $LAB/env, marker: lab, content: "LAB=1\n", backup: true}
	EOF
}

apply1() { "$KCFG" apply -C extras -l "$(sb_host 1)" "$@"; }

# nosudo's directory as at the start: its own files, links at every old
# temporary name and at guesses of the new ones (with PIDS=1, the upload's
# for every PID too: only the first time, they take a while).
fresh() {
	sb_as 1 nosudo "cd $LAB && find . -mindepth 1 -delete && echo old >app.conf &&
		echo PATH=/bin >env && mkdir sub" &&
	sb_plant_links 1 $LAB app.conf secret.conf env tool.bin &&
	sb_plant_links 1 $LAB/sub deep.conf
}

# fresh, then applied: every managed file right
applied() { fresh && apply1 >/dev/null 2>&1; }

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'set up: nosudo'"'"'s directory with its own files, and links planted at every old temporary name' '
	sb_inventory 1 &&
	write_cluster &&
	head -c 200000 /dev/urandom >tool.bin &&
	sb_as 1 nosudo "mkdir $LAB" &&
	PIDS=1 fresh &&
	sb_snapshot 1 before
'

test_expect_success SANDBOX 'apply writes every file right and nothing outside the managed files' '
	apply1 >out 2>err &&
	grep -E "^$(sb_host 1) +changed +5 +0 +0 " out &&
	sb_on 1 "stat -c \"%n %U:%G %a %F\" $LAB/app.conf $LAB/secret.conf $LAB/sub/deep.conf \
		$LAB/tool.bin $LAB/env" >got &&
	cat >expect <<-EOF &&
	$LAB/app.conf nosudo:nosudo 644 regular file
	$LAB/secret.conf nosudo:nosudo 600 regular file
	$LAB/sub/deep.conf nosudo:nosudo 644 regular file
	$LAB/tool.bin nosudo:nosudo 755 regular file
	$LAB/env nosudo:nosudo 644 regular file
	EOF
	test_cmp expect got &&
	test "$(sb_on 1 cat $LAB/app.conf)" = app=1 &&
	test "$(sb_on 1 cat $LAB/secret.conf)" = token=s3cr3t &&
	test "$(sb_on 1 sha256sum $LAB/tool.bin | cut -c1-64)" = "$(sha256sum <tool.bin | cut -c1-64)" &&
	printf "PATH=/bin\n# BEGIN kcfg lab\nLAB=1\n# END kcfg lab\n" >expect &&
	sb_on 1 cat $LAB/env >got &&
	test_cmp expect got &&
	# the backup name was taken by a link: kept as it was, not followed
	test "$(sb_on 1 readlink $LAB/app.conf.kcfg-orig)" = /etc/kcfg-pwn-orig-app.conf &&
	sb_no_pwn 1 &&
	sb_snapshot 1 after &&
	test_cmp before after &&
	"$KCFG" plan -C extras -l "$(sb_host 1)" --detailed-exitcode >out
'

test_expect_success SANDBOX 'a backup is a link to the old file, never a copy through a link' '
	sb_as 1 nosudo "rm $LAB/app.conf.kcfg-orig" &&
	sed -i "s/app=1/app=2/" cluster.yaml &&
	apply1 >out 2>err &&
	test "$(sb_on 1 cat $LAB/app.conf.kcfg-orig)" = app=1 &&
	test "$(sb_on 1 stat -c %U:%h $LAB/app.conf.kcfg-orig)" = nosudo:1 &&
	test "$(sb_on 1 cat $LAB/app.conf)" = app=2
'

test_expect_success SANDBOX 'a managed file that is a symbolic link is refused, plan says why' '
	sb_as 1 nosudo "ln -sf /etc/kcfg-pwn-target $LAB/secret.conf" &&
	test_expect_code 2 "$KCFG" plan -C extras -l "$(sb_host 1)" --detailed-exitcode >out &&
	test_grep "  ~ file $LAB/secret.conf, replacing what is there [extras]" out &&
	test_grep "      a symbolic link is there: apply refuses to write through or over it (remove the link, or make it a regular file)" out &&
	test_expect_code 1 apply1 >out 2>err &&
	test_grep "error: on '"'"'$(sb_host 1)'"'"', file $LAB/secret.conf, replacing what is there [extras] failed: exit status 1: '"'"'$LAB/secret.conf'"'"' is a symbolic link: kcfg neither follows nor replaces it; remove it, or make it a regular file" err &&
	test "$(sb_on 1 readlink $LAB/secret.conf)" = /etc/kcfg-pwn-target &&
	sb_no_pwn 1 &&
	sb_snapshot 1 after &&
	test_cmp before after
'

test_expect_success SANDBOX 'a block'"'"'s file that is a link is neither read nor written through' '
	applied &&
	sb_as 1 nosudo "rm $LAB/env && ln -s /etc/shadow $LAB/env" &&
	"$KCFG" plan -C extras -l "$(sb_host 1)" >out &&
	test_must_fail grep -q "^      [-+ ]root:" out &&
	test_grep "  + block '"'"'lab'"'"' in $LAB/env [extras]" out &&
	test_expect_code 1 apply1 >out 2>err &&
	test_grep "'"'"'$LAB/env'"'"' is a symbolic link: kcfg neither follows nor replaces it" err &&
	test "$(sb_on 1 readlink $LAB/env)" = /etc/shadow &&
	sb_snapshot 1 after &&
	test_cmp before after
'

test_expect_success SANDBOX 'a directory on the way that nosudo turned into a link is refused' '
	applied &&
	sb_as 1 nosudo "rm -r $LAB/sub && ln -s /etc $LAB/sub" &&
	test_expect_code 1 apply1 >out 2>err &&
	test_grep "'"'"'$LAB/sub'"'"' is a symbolic link in a directory that others than root can change: kcfg does not follow it" err &&
	sb_on 1 "test ! -e /etc/deep.conf" &&
	sb_no_pwn 1 &&
	sb_snapshot 1 after &&
	test_cmp before after
'

test_expect_success SANDBOX 'a link to a directory at the upload'"'"'s name is refused, never moved into' '
	applied &&
	sb_as 1 nosudo "rm $LAB/tool.bin && ln -s /etc $LAB/tool.bin" &&
	test_expect_code 1 apply1 >out 2>err &&
	test_grep "'"'"'$LAB/tool.bin'"'"' is a symbolic link" err &&
	sb_on 1 "ls -a /etc" >etc.ls &&
	test_must_fail grep -q "tool.bin" etc.ls &&
	sb_snapshot 1 after &&
	test_cmp before after
'

# nosudo renames every temporary that appears to x.NAME and puts a link
# in its place, as fast as it can, while kcfg writes everything again.
test_expect_success SANDBOX 'racing every write with renames and links changes nothing outside' '
	fresh &&
	sb_as 1 nosudo "cd $LAB || exit 1; nohup perl -e '"'"'
		my \$end = time + 60;
		while (time < \$end && !-e \"stop\") {
			opendir my \$d, \".\" or die;
			for (readdir \$d) {
				next unless /^\\..*\\.kcfg-/ && !-l \$_;
				rename \$_, \"x\$_\" and symlink \"/etc/kcfg-pwn-race\", \$_;
			}
			closedir \$d;
			select undef, undef, undef, 0.0005;
		}'"'"' >/dev/null 2>&1 & echo \$! >racer.pid" &&
	for round in 1 2 3; do
		sed -i "s/app=[0-9]*/app=$round$round/" cluster.yaml &&
		apply1 >out.$round 2>&1 || true
	done &&
	sb_as 1 nosudo "touch $LAB/stop; while kill -0 \$(cat $LAB/racer.pid) 2>/dev/null; do sleep 0.1; done" &&
	sb_no_pwn 1 &&
	sb_snapshot 1 after &&
	test_cmp before after
'

test_expect_success SANDBOX 'without the racer, the next apply puts every file right again' '
	fresh &&
	apply1 >out 2>err &&
	test "$(sb_on 1 cat $LAB/app.conf)" = app=33 &&
	"$KCFG" plan -C extras -l "$(sb_host 1)" --detailed-exitcode >out &&
	sb_on 1 "find $LAB -name \".*.kcfg-*\" ! -type l" >left &&
	test ! -s left
'

test_done
