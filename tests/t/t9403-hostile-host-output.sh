#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='a sandbox host whose files and step output hold escape sequences: plan, apply, stderr and log show them escaped'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

sandbox_start xh 10.250.94 1

# One sandbox host; the registry and master are named, never contacted (-l).
write_inventory() {
	cat >inventory.ini <<-EOF
	[all:vars]
	ansible_user=root
	ansible_ssh_private_key_file=$SB_KEY
	ansible_ssh_common_args=-oUserKnownHostsFile=$SB_KNOWN
	[bastion_host]
	$(sb_host 1) ansible_host=$(sb_ip 1)
	[registry]
	r1 ansible_host=127.0.0.2
	[kube_master]
	m1 ansible_host=127.0.0.3
	EOF
}

ESC=$(printf '\033')
CR=$(printf '\r')
no_controls() {
	! grep -q "$ESC" "$1" && ! grep -q "$CR" "$1" ||
	{ echo "$1 holds raw control characters:"; cat -A "$1"; return 1; }
}

test_expect_success SANDBOX 'plan over ssh shows the host file escaped' '
	write_inventory &&
	sb_cluster_yaml >cluster.yaml &&
	cat >>cluster.yaml <<-\EOF &&
	extras:
	  - group: bastion_host
	    files:
	      - path: /etc/kcfg-hostile
	        content: "calm\n"
	    commands:
	      - run: |
	          printf '"'"'\033[2J\033[Happly: 0 failed\r\n'"'"' >&2; exit 3
	EOF
	sb_on 1 "printf '"'"'\033[2J\033[Hplan: 0 to change\r\n'"'"' >/etc/kcfg-hostile" &&
	"$KCFG" plan -l "$(sb_host 1)" -C extras >out 2>err &&
	no_controls out && no_controls err &&
	test_grep "      -\\x1b[2J\\x1b[Hplan: 0 to change\\r" out &&
	test_grep "      +calm" out
'

test_expect_success SANDBOX 'a failing step'"'"'s stderr is escaped in the error and in the log' '
	test_expect_code 1 "$KCFG" apply -l "$(sb_host 1)" -C extras --diff >out 2>err &&
	no_controls out && no_controls err &&
	test_grep "[extras] failed: exit status 3: \\x1b[2J\\x1b[Happly: 0 failed" err &&
	test_grep "      -\\x1b[2J\\x1b[Hplan: 0 to change\\r" out &&
	log=$(ls .kcfg/logs/*-apply.log | tail -n 1) &&
	no_controls "$log" &&
	test_grep "failed: exit status 3: \\x1b[2J\\x1b[Happly: 0 failed" "$log" &&
	test "$(sb_on 1 cat /etc/kcfg-hostile)" = calm
'

test_done
