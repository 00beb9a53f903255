#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='hostile: a secret file never exists with a mode wider than its final one, not even for a moment'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"
. "$SRCDIR/tests/hostile-lib.sh"

# What the kernel did decides, not what kcfg's scripts look like: every
# `sh` a step runs on host 1 (the session's loop finds it on PATH) runs
# under this machine's strace, copied there with the libraries it needs,
# and the trace shows each file created (open with O_CREAT, the mode
# asked for) and the umask of the process that created it. Every file
# created for a secret (its name holds "secret") must come out 0600 or
# narrower. Old kcfg wrote the file under umask 022 (0644, readable by
# every user while it was being written) and narrowed it afterwards.
sandbox_start wb 10.250.192 1
LAB=/home/nosudo/lab

if test_have_prereq SANDBOX && command -v strace >/dev/null 2>&1 &&
   command -v python3 >/dev/null 2>&1; then
	test_set_prereq STRACE
else
	echo "# skipping the traced applies: strace or python3 is missing here"
fi

write_cluster() {
	sb_cluster_yaml >cluster.yaml
	cat >>cluster.yaml <<-EOF
	extras:
	  - group: all
	    files:
	      - {path: /etc/kcfg-secret.conf, content: "password=$1\n", mode: "0600"}
	      - {path: /etc/kcfg/secret-dir/secret.yml, content: "key: $1\n", mode: "0600"}
	      - {path: $LAB/secret.conf, content: "token=$1\n", mode: "0600", owner: nosudo, group: nosudo}
	      - {path: /etc/kcfg-secret.bin, src: secret.bin, mode: "0600"}
	      - {path: /etc/kcfg-secret-group.conf, content: "g=$1\n", mode: "0640", group: nosudo}
	EOF
}

# The files created for secrets in the trace, as "MODE PATH", where MODE
# is what open's mode and the process's umask made.
created_modes() {
	sb_on 1 'cat /var/log/kcfg-trace/* 2>/dev/null' >trace &&
	python3 - trace <<-\EOF
	import re, sys
	umask, out = {}, []
	for line in open(sys.argv[1], errors="replace"):
	    m = re.match(r"(\d+) +(.*)", line)
	    if not m:
	        continue
	    pid, call = m.groups()
	    ret = re.search(r"= (-?\d+)(?: \w+ \(.*\))?$", call)
	    ret = int(ret.group(1)) if ret else None
	    u = re.match(r"(?:<\.\.\. )?umask(?:\(| resumed>)", call)
	    if u and ret is not None:
	        arg = re.match(r"umask\((0?[0-7]+)\)", call)
	        if arg:
	            umask[pid] = int(arg.group(1), 8)
	    if re.match(r"(?:<\.\.\. )?(?:clone3?|fork|vfork)\b", call) and ret and ret > 0:
	        umask[str(ret)] = umask.get(pid, 0o022)
	    o = re.match(r'(?:open|openat)\((?:AT_FDCWD, |\d+, )?"([^"]*)", ([A-Z_|]+), (0[0-7]+)\)', call)
	    if o and "O_CREAT" in o.group(2) and ret is not None and ret >= 0:
	        path = o.group(1)
	        if "secret" in path.rsplit("/", 1)[-1]:
	            mode = int(o.group(3), 8) & ~umask.get(pid, 0o022) & 0o7777
	            out.append("%04o %s" % (mode, path))
	if out:
	    print("\n".join(out))
	EOF
}

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success STRACE 'set up: strace on host 1 for every step'"'"'s sh' '
	sb_inventory 1 &&
	head -c 100000 /dev/urandom >secret.bin &&
	write_cluster one &&
	sb_as 1 nosudo "mkdir $LAB" &&
	sb_on 1 "mkdir -p /opt/kcfg-strace /var/log/kcfg-trace" &&
	for f in /usr/bin/strace $(ldd /usr/bin/strace | awk "/=> \\/.*unwind/ { print \$3 }"); do
		sb_on 1 "cat >/opt/kcfg-strace/${f##*/}" <"$f" || exit 1
	done &&
	sb_on 1 "chmod 755 /opt/kcfg-strace/strace && cat >/usr/local/bin/sh && chmod 755 /usr/local/bin/sh" <<-\EOF &&
	#!/bin/dash
	LD_LIBRARY_PATH=/opt/kcfg-strace exec /opt/kcfg-strace/strace -f -qq -E LD_LIBRARY_PATH \
		-e trace=umask,open,openat,creat,clone,clone3,fork,vfork \
		-o /var/log/kcfg-trace/sh.$$ /bin/dash "$@"
	EOF
	sb_on 1 "sh -c \"umask 0177; : >/tmp/kcfg-secret-probe\"" &&
	created_modes >got &&
	echo "0600 /tmp/kcfg-secret-probe" >expect &&
	test_cmp expect got &&
	sb_on 1 "rm -f /var/log/kcfg-trace/* /tmp/kcfg-secret-probe"
'

test_expect_success STRACE 'apply creates every secret file 0600 (0640) from the start' '
	"$KCFG" apply -C extras -l "$(sb_host 1)" >out 2>err &&
	created_modes >got &&
	cat got && test -s got &&
	# a file and an upload in root'"'"'s directories, one in the user'"'"'s
	grep -q "^0600 .*kcfg-secret.conf" got &&
	grep -q "^0600 .*secret.yml" got &&
	grep -q "^0600 .*secret.conf" got &&
	grep -q "^0600 .*kcfg-secret.bin" got &&
	grep -q "^0640 .*kcfg-secret-group.conf" got &&
	! grep -v -e "^0600 " -e "^0640 .*kcfg-secret-group.conf" got &&
	sb_on 1 "stat -c \"%a %U:%G %n\" /etc/kcfg-secret.conf /etc/kcfg/secret-dir/secret.yml \
		$LAB/secret.conf /etc/kcfg-secret.bin /etc/kcfg-secret-group.conf" >got &&
	cat >expect <<-EOF &&
	600 root:root /etc/kcfg-secret.conf
	600 root:root /etc/kcfg/secret-dir/secret.yml
	600 nosudo:nosudo $LAB/secret.conf
	600 root:root /etc/kcfg-secret.bin
	640 root:nosudo /etc/kcfg-secret-group.conf
	EOF
	test_cmp expect got
'

test_expect_success STRACE 'changing them again: the same' '
	sb_on 1 "rm -f /var/log/kcfg-trace/*" &&
	write_cluster two &&
	head -c 100000 /dev/urandom >secret.bin &&
	"$KCFG" apply -C extras -l "$(sb_host 1)" >out 2>err &&
	grep -E "^$(sb_host 1) +changed +5 " out &&
	created_modes >got &&
	test $(grep -c . got) -ge 5 &&
	! grep -v -e "^0600 " -e "^0640 .*kcfg-secret-group.conf" got &&
	test "$(sb_on 1 cat /etc/kcfg-secret.conf)" = password=two
'

test_expect_success STRACE 'clean up: the steps'"'"' sh is the host'"'"'s again' '
	sb_on 1 "rm -rf /usr/local/bin/sh /opt/kcfg-strace /var/log/kcfg-trace" &&
	"$KCFG" plan -C extras -l "$(sb_host 1)" --detailed-exitcode >out
'

test_done
