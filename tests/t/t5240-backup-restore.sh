#!/bin/sh
#@ once: sandbox hosts; the last build (ASan in make test) runs it
test_description='kcfg backup and restore on sandbox hosts: the archive streamed intact, restore refused while k0s runs'
. "$(dirname "$0")/../test-lib.sh"
. "$SRCDIR/tests/sandbox-lib.sh"
. "$SRCDIR/tests/apply-lib.sh"

# Boundary: k0s cannot run here. The controller's /usr/local/bin/k0s is
# tests/standins/k0s, which follows k0s's CLI contract for `backup
# --save-path DIR` (k0s cmd/backup/backup_unix.go; the archive's name
# and members: pkg/backup/manager_unix.go, util_unix.go), `restore FILE
# --config-out P` (cmd/restore/restore_unix.go: refuses while k0s runs)
# and `status` (cmd/status/status.go), and logs every call. Real: ssh
# sessions, sudo, systemd units, the transfer both ways and its sha256
# checks, the run engine's phases and barrier. The test asserts what
# kcfg does and says, never what the stand-in does.
sandbox_start bk 10.250.78 3

test_expect_success 'sandbox hosts start when this machine can run them' '
	! test_have_prereq SANDBOX_BROKEN
'

test_expect_success SANDBOX 'set up: a running controller (the k0s stand-in installed by apply)' '
	cp "$SRCDIR/tests/standins/k0s" k0s-standin &&
	sb_inventory 3 &&
	{
		sb_cluster_yaml &&
		printf "addons:\n" &&
		for a in gpu_operator network_operator metallb monitoring mpi_operator spark_operator storage; do
			printf "  %s: false\n" $a
		done &&
		printf "versions:\n  k0s_sha256: %s\n" "$(sha256sum k0s-standin | cut -c1-64)"
	} >cluster.yaml &&
	mkdir mirror && cp k0s-standin mirror/k0s-v1.36.4+k0s.1-amd64 &&
	"$KCFG" fetch -C k0s --from mirror >out &&
	"$KCFG" apply -C k0s >out 2>err &&
	sb_on 3 "systemctl is-active k0scontroller"
'

test_expect_success SANDBOX 'backup streams an archive of more than 4 MiB intact, 0600, and removes the remote copy' '
	sb_on 3 "mkdir -p /etc/kcfg-standin && echo 6000000 >/etc/kcfg-standin/backup-size" &&
	"$KCFG" backup >out 2>err &&
	set -- k0s_backup_*.tar.gz &&
	test $# -eq 1 && test -f "$1" &&
	test "$(stat -c %a "$1")" = 600 &&
	test "$(stat -c %s "$1")" -gt 4194304 &&
	sum=$(sha256sum "$1" | cut -c1-64) &&
	test_grep "backup: $1 (" out &&
	test_grep "sha256 $sum) from the controller '"'"'$(sb_host 3)'"'"'" out &&
	# the sha256 of the archive k0s wrote there, taken on the host
	sb_on 3 "cat /var/log/k0s-standin.backups" >remote.sums &&
	test $(wc -l <remote.sums) = 1 &&
	test "$(cut -c1-64 remote.sums)" = "$sum" &&
	# what k0s wrote on the host, byte for byte
	tar -xzOf "$1" k0s.yaml >k0s.yaml.got &&
	sb_on 3 "cat /etc/k0s/k0s.yaml" >k0s.yaml.want &&
	test_cmp k0s.yaml.want k0s.yaml.got &&
	test "$(tar -xzOf "$1" etcd-snapshot.db | wc -c)" -eq 6000000 &&
	test -z "$(sb_on 3 "ls -d /var/tmp/kcfg-backup.* 2>/dev/null")" &&
	sb_on 3 "grep -c \"^backup --save-path /var/tmp/kcfg-backup\\.\" /var/log/k0s-standin.log" >n &&
	test "$(cat n)" = 1
'

test_expect_success SANDBOX 'backup -o FILE never replaces a file, and contacts no host for it' '
	echo keep >existing &&
	sb_on 3 ": >/var/log/k0s-standin.log" &&
	test_expect_code 64 "$KCFG" backup -o existing >out 2>err &&
	test_grep "error: existing exists: a backup never replaces a file" err &&
	test "$(cat existing)" = keep &&
	test -z "$(sb_on 3 "cat /var/log/k0s-standin.log")"
'

test_expect_success SANDBOX 'backup --json -o FILE: the file, its size and sha256' '
	"$KCFG" backup --json -o named.tar.gz >out.json 2>err &&
	sum=$(sha256sum named.tar.gz | cut -c1-64) &&
	test_grep "\"format\": \"kcfg-backup\"" out.json &&
	test_grep "\"ok\": true" out.json &&
	test_grep "\"file\": \"named.tar.gz\"" out.json &&
	test_grep "\"sha256\": \"$sum\"" out.json &&
	test_grep "\"bytes\": $(stat -c %s named.tar.gz)" out.json
'

test_expect_success SANDBOX 'backup fails clearly when k0s is not running, and leaves nothing on the host' '
	sb_on 3 "systemctl stop k0scontroller" &&
	test_expect_code 1 "$KCFG" backup -o none.tar.gz >out 2>err &&
	test_grep "unable to detect cluster status" err &&
	! test -e none.tar.gz &&
	test -z "$(sb_on 3 "ls -d /var/tmp/kcfg-backup.* 2>/dev/null")" &&
	sb_on 3 "systemctl start k0scontroller"
'

test_expect_success SANDBOX 'restore refuses while k0s runs on the controller, and changes nothing' '
	set -- k0s_backup_*.tar.gz &&
	sb_on 3 ": >/var/log/k0s-standin.log" &&
	test_expect_code 1 "$KCFG" restore "$1" >out 2>err &&
	test_grep "error: k0s is running on the controller '"'"'$(sb_host 3)'"'"' (its unit k0scontroller is active): a restore replaces the whole cluster state and k0s must be down for it" err &&
	test_grep "hint: nothing was changed. Stop it first on that host" err &&
	test_grep "restore: FAILED, nothing was changed" out &&
	! sb_on 3 "grep -q ^restore /var/log/k0s-standin.log" &&
	! sb_on 3 "test -e /var/lib/kcfg/restore" &&
	sb_on 3 "systemctl is-active k0scontroller"
'

test_expect_success SANDBOX 'restore refuses a backup of a controller at another address' '
	sb_on 3 "systemctl stop k0scontroller" &&
	mkdir other && tar -C other -xzf named.tar.gz &&
	sed "s/^\\( *\\)address: .*/\\1address: 192.0.2.7/" other/k0s.yaml >other/k0s.yaml.new &&
	mv other/k0s.yaml.new other/k0s.yaml &&
	tar -C other -czf other.tar.gz k0s.yaml pki etcd-snapshot.db &&
	test_expect_code 1 "$KCFG" restore other.tar.gz >out 2>err &&
	test_grep "error: the backup other.tar.gz was taken of a controller at 192.0.2.7, but '"'"'$(sb_host 3)'"'"' is at $(sb_ip 3)" err &&
	! sb_on 3 "grep -q ^restore /var/log/k0s-standin.log" &&
	# the uploaded archive holds the cluster keys: it does not stay
	test -z "$(sb_on 3 "ls /var/lib/kcfg/restore")"
'

test_expect_success SANDBOX 'restore on a stopped controller: k0s restore, started, the API barrier, then the status checks' '
	set -- k0s_backup_*.tar.gz &&
	! sb_on 3 "systemctl is-active --quiet k0scontroller" &&
	"$KCFG" restore "$1" >out 2>err &&
	test_grep "restore: the controller '"'"'$(sb_host 3)'"'"' runs the state of $1" out &&
	test_grep "restore: ok" out &&
	sb_on 3 "grep \"^restore /var/lib/kcfg/restore/k0s_backup.tar.gz --config-out /etc/k0s/k0s.yaml\$\" /var/log/k0s-standin.log" &&
	sb_on 3 "systemctl is-active k0scontroller" &&
	# the verify phase asked the restored API
	sb_on 3 "grep -c \"^kubectl get --raw=/readyz\" /var/log/k0s-standin.log" >n &&
	test "$(cat n)" -ge 2 &&
	# the archive does not stay on the host
	test -z "$(sb_on 3 "ls /var/lib/kcfg/restore")"
'

test_expect_success SANDBOX 'restore --json on a running controller: ok false, restored false, the reason' '
	set -- k0s_backup_*.tar.gz &&
	test_expect_code 1 "$KCFG" restore --json "$1" >out.json 2>err &&
	test_grep "\"format\": \"kcfg-restore\"" out.json &&
	test_grep "\"ok\": false" out.json &&
	test_grep "\"restored\": false" out.json &&
	test_grep "k0s is running on the controller" out.json
'

test_done
