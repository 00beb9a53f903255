#!/bin/sh
test_description='kcfg plan without hosts: options, errors, and --local on this machine'
. "$(dirname "$0")/../test-lib.sh"

# Three hosts with the roles kcfg needs; --local plans run /bin/sh here.
cat >inventory.ini <<EOF
[bastion_host]
b1 ansible_host=10.0.0.1 ansible_user=root
[registry]
r1 ansible_host=10.0.0.2 ansible_user=root
[kube_master]
m1 ansible_host=10.0.0.3 ansible_user=root
[lab:children]
bastion_host
EOF

write_cluster() {
	cat >cluster.yaml <<-EOF
	cluster:
	  rdma: false
	extras:
	  - group: lab
	    directories:
	      - path: $TRASH/d
	        mode: "0700"
	    files:
	      - path: $TRASH/motd
	        content: |
	          hello {{ inventory_hostname }} at {{ ansible_host }}
	      - path: $TRASH/old.conf
	        content: "new\n"
	    blocks:
	      - path: $TRASH/fstab
	        marker: lab
	        content: "x y\n"
	    absent: [$TRASH/gone]
	    commands:
	      - run: "touch $TRASH/stamp"
	        creates: $TRASH/stamp
	EOF
}

test_expect_success 'an unknown component is refused with the nearest one' '
	write_cluster &&
	test_expect_code 64 "$KCFG" plan -C comon --local >out 2>err &&
	cat >expect <<-\EOF &&
	error: no component '"'"'comon'"'"'
	  hint: did you mean '"'"'common'"'"'?
	EOF
	test_cmp expect err &&
	test ! -s out
'

test_expect_success '--limit naming no host or group is refused' '
	test_expect_code 64 "$KCFG" plan -l b2 --local >out 2>err &&
	cat >expect <<-\EOF &&
	error: --limit names '"'"'b2'"'"' is no host or group of inventory.ini
	  hint: did you mean '"'"'b1'"'"'?
	EOF
	test_cmp expect err
'

test_expect_success 'apply refuses --local and --detailed-exitcode' '
	test_expect_code 64 "$KCFG" apply --local 2>err &&
	test_grep "error: '"'"'kcfg apply'"'"' has no --local: it would change this machine" err &&
	test_expect_code 64 "$KCFG" apply --detailed-exitcode 2>err &&
	test_grep "error: --detailed-exitcode is for '"'"'kcfg plan'"'"'" err
'

test_expect_success 'bad numbers and stray arguments are usage errors' '
	test_expect_code 64 "$KCFG" plan --forks 0 2>err &&
	test_grep "error: --forks wants a number from 1 to 1000, not '"'"'0'"'"'" err &&
	test_expect_code 64 "$KCFG" plan b1 2>err &&
	test_grep "error: '"'"'kcfg plan'"'"' takes no arguments, got '"'"'b1'"'"'" err &&
	test_grep "hint: name hosts with --limit HOST[,HOST...]" err
'

test_expect_success 'a become password file that cannot be read or holds two lines' '
	test_expect_code 1 "$KCFG" plan --local --become-password-file nope 2>err &&
	test_grep "error: cannot read the become password from '"'"'nope'"'"': No such file or directory" err &&
	printf "one\ntwo\n" >two-lines &&
	test_expect_code 1 "$KCFG" plan --local --become-password-file two-lines 2>err &&
	test_grep "error: '"'"'two-lines'"'"' holds more than one line" err &&
	test ! -d .kcfg/logs
'

test_expect_success 'an empty download pin stops the plan at its line, before any host is read' '
	printf "cluster:\n  rdma: false\nversions:\n  k0s_sha256: \"\"\n" >nopin.yaml &&
	test_expect_code 65 "$KCFG" -c nopin.yaml plan --local -C k0s -l m1 >out 2>err &&
	cat >expect <<-\EOF &&
	nopin.yaml:4:3: error: '"'"'versions.k0s_sha256'"'"' is empty, but component '"'"'k0s'"'"' uploads .kcfg/cache/k0s-v1.36.4+k0s.1-amd64, which kcfg must check first
	  hint: set it to the sha256 of that download (docs/components.md says where it comes from), or run without component '"'"'k0s'"'"'
	1 error
	EOF
	test_cmp expect err &&
	test ! -s out &&
	echo "  mpi_operator_sha256: \"\"" >>nopin.yaml &&
	test_expect_code 65 "$KCFG" -c nopin.yaml plan --local -C mpi-operator -l m1 2>err &&
	test_grep "error: '"'"'versions.mpi_operator_sha256'"'"' is empty, but component '"'"'mpi-operator'"'"' uploads .kcfg/cache/mpi-operator-" err
'

test_expect_success 'a StorageClass whose project id no host can tell stops the plan; with it, it plans' '
	mkdir -p .kcfg/cache &&
	echo "stand-in manifest" >.kcfg/cache/exascaler-csi-file-driver-v2.9.0.yaml &&
	pin=$(sha256sum .kcfg/cache/exascaler-csi-file-driver-v2.9.0.yaml | cut -c1-64) &&
	cat >storage.yaml <<-EOF &&
	cluster:
	  rdma: false
	versions:
	  exascaler_csi_sha256: $pin
	storage:
	  filesystems:
	    - storage_class: exascaler-sc-fast
	      default: true
	      exa_fs: 172.17.8.40@o2ib10:/fast
	      mount_point: /fast
	EOF
	test_expect_code 65 "$KCFG" -c storage.yaml plan --local -C exascaler-csi -l m1 >out 2>err &&
	cat >expect <<-\EOF &&
	storage.yaml:6:3: error: the cluster needs the Lustre project id of /fast, and no host in inventory.ini can tell it
	  hint: set '"'"'project_id'"'"' in its storage.filesystems entry in cluster.yaml, or apply again once the first worker mounts the filesystem
	1 error
	EOF
	test_cmp expect err &&
	test ! -s out &&
	echo "      project_id: \"1000\"" >>storage.yaml &&
	test_expect_code 2 "$KCFG" -c storage.yaml plan --local -C exascaler-csi -l m1 --detailed-exitcode >out 2>err &&
	test_grep "+  projectId: '"'"'1000'"'"'" out &&
	sed -i "s/project_id: \"1000\"/project_id: x1000/" storage.yaml &&
	test_expect_code 65 "$KCFG" -c storage.yaml config check 2>err &&
	test_grep "a Lustre project id like 1000" err
'

test_expect_success 'an empty project_id is read on the first worker (lfs project -d), or plan says why not' '
	sed "/project_id/d" storage.yaml >auto.yaml &&
	cat inventory.ini >with-worker.ini &&
	printf "[kube_node]\nw1 ansible_host=10.0.0.4 ansible_user=root\n" >>with-worker.ini &&
	mkdir -p bin &&
	printf "#!/bin/sh\necho \"\$*\" >>lfs.calls\ntest \"\$1 \$2\" = \"project -d\" && echo \"4242 P \$3\"\n" >bin/lfs &&
	chmod +x bin/lfs &&
	PATH="$TRASH/bin:$PATH" test_expect_code 2 "$KCFG" -i with-worker.ini -c auto.yaml \
		plan --local -C exascaler-csi -l m1 --detailed-exitcode >out 2>err &&
	test_grep "+  projectId: '"'"'4242'"'"'" out &&
	test "$(cat lfs.calls)" = "project -d /fast" &&
	printf "#!/bin/sh\necho \"lfs: \$3: not a Lustre filesystem\" >&2\nexit 1\n" >bin/lfs &&
	PATH="$TRASH/bin:$PATH" test_expect_code 2 "$KCFG" -i with-worker.ini -c auto.yaml \
		plan --local -C exascaler-csi -l m1 --detailed-exitcode >out 2>err &&
	test_grep "  ? file /var/lib/k0s/manifests/exascaler/30-storageclasses.yaml: waits for the Lustre project id of /fast [exascaler-csi]" out &&
	test_grep "      cannot read the Lustre project id of /fast on '"'"'w1'"'"': step '"'"'lustre-project-id'"'"' on '"'"'w1'"'"' failed with exit status 1: lfs: /fast: not a Lustre filesystem" out
'

test_expect_success 'extras naming a group the inventory lacks is an error at its line' '
	cat >bad.yaml <<-\EOF &&
	cluster:
	  rdma: false
	extras:
	  - group: labs
	    packages: [htop]
	EOF
	test_expect_code 65 "$KCFG" -c bad.yaml plan --local 2>err &&
	cat >expect <<-\EOF &&
	bad.yaml:4:12: error: '"'"'extras[0].group'"'"' names '"'"'labs'"'"', which is not a group of inventory.ini
	  hint: did you mean '"'"'lab'"'"'?
	1 error
	EOF
	test_cmp expect err
'

test_expect_success 'extras problems are reported together with file:line:col' '
	cat >bad.yaml <<-\EOF &&
	extras:
	  - group: all
	    files:
	      - path: etc/motd
	        content: "x"
	        mode: 644x
	      - path: /etc/a
	        contnt: "y"
	    packages: [Bad_Name]
	    services: [{name: chrony, enabled: maybe}]
	    commands: [{creates: /x}]
	  - grup: all
	EOF
	test_expect_code 65 "$KCFG" -c bad.yaml config check 2>err &&
	cat >expect <<-\EOF &&
	bad.yaml:4:15: error: '"'"'extras[0].files[0].path'"'"' must be an absolute path, got '"'"'etc/motd'"'"'
	bad.yaml:6:15: error: '"'"'extras[0].files[0].mode'"'"' must be a mode of octal digits like "0644", got '"'"'644x'"'"'
	  hint: quote it: mode: "0644"
	bad.yaml:7:9: error: '"'"'extras[0].files[1]'"'"' has no '"'"'content'"'"'
	  hint: give the file'"'"'s text with '"'"'content:'"'"' ("" for an empty file), or a local file with '"'"'src:'"'"'
	bad.yaml:8:9: error: unknown key '"'"'extras[0].files[1].contnt'"'"'
	  hint: did you mean '"'"'content'"'"'?
	bad.yaml:9:16: error: '"'"'extras[0].packages[0]'"'"' must be a Debian package name, got '"'"'Bad_Name'"'"'
	bad.yaml:10:40: error: '"'"'extras[0].services[0].enabled'"'"' must be true or false, got '"'"'maybe'"'"'
	bad.yaml:11:16: error: '"'"'extras[0].commands[0]'"'"' has no '"'"'run'"'"'
	bad.yaml:12:5: error: unknown key '"'"'extras[1].grup'"'"'
	  hint: did you mean '"'"'group'"'"'?
	bad.yaml:12:5: error: '"'"'extras[1]'"'"' has no '"'"'group'"'"'
	  hint: name the inventory group it is for, e.g. '"'"'group: all'"'"'
	9 errors
	EOF
	test_cmp expect err
'

test_expect_success 'config show prints extras back so that they load the same' '
	write_cluster &&
	"$KCFG" config show >shown &&
	"$KCFG" -c shown config show >again &&
	test_cmp shown again &&
	test_grep "- group: lab" shown
'

test_expect_success 'plan --local shows what this machine lacks, with diffs' '
	printf "old\n" >old.conf &&
	printf "/dev/sda1 / ext4 defaults 0 1\n" >fstab &&
	: >gone &&
	test_expect_code 2 "$KCFG" plan --local -l b1 -C extras --detailed-exitcode >out 2>err &&
	cat >expect <<-EOF &&
	b1:
	  + dir $TRASH/d (0700 root:root) [extras]
	  + file $TRASH/motd (0644 root:root) [extras]
	      --- /dev/null
	      +++ $TRASH/motd (kcfg)
	      @@ -0,0 +1 @@
	      +hello b1 at 10.0.0.1
	  ~ file $TRASH/old.conf [extras]
	      --- $TRASH/old.conf (on b1)
	      +++ $TRASH/old.conf (kcfg)
	      @@ -1 +1 @@
	      -old
	      +new
	  + block '"'"'lab'"'"' in $TRASH/fstab [extras]
	      --- /dev/null
	      +++ $TRASH/fstab#lab (kcfg)
	      @@ -0,0 +1 @@
	      +x y
	  - remove $TRASH/gone [extras]
	  ! run '"'"'touch $TRASH/stamp'"'"' [extras]
	b1: 6 to change, 0 unchanged
	plan: 6 to change on 1 of 1 host
	EOF
	test_cmp expect out
'

test_expect_success 'plan --local gathered and cached the facts it needed' '
	test -f .kcfg/facts/b1.json &&
	test ! -f .kcfg/facts/r1.json &&
	test_grep "\"hostname\": \"$(uname -n)\"" .kcfg/facts/b1.json
'

test_expect_success 'plan --local reports nothing once the machine matches' '
	mkdir -m 700 d &&
	echo "hello b1 at 10.0.0.1" >motd &&
	echo new >old.conf &&
	printf "/dev/sda1 / ext4 defaults 0 1\n# BEGIN kcfg lab\nx y\n# END kcfg lab\n" >fstab &&
	rm gone && touch stamp &&
	"$KCFG" plan --local -l b1 -C extras --detailed-exitcode >out 2>err &&
	cat >expect <<-EOF &&
	b1: no changes (6 resources)
	plan: 0 to change on 0 of 1 host
	EOF
	test_cmp expect out
'

test_expect_success 'a plan log is written under .kcfg/logs, private' '
	log=$(ls -t .kcfg/logs/*-plan*.log | head -n 1) &&
	test "$(stat -c %a "$log")" = 600 &&
	test_grep "b1: 6 resources, 0 to change" "$log"
'

test_done
