#!/bin/sh
test_description='text from a host (a file it holds, facts it reports) reaches the terminal and the log with its control characters escaped'
. "$(dirname "$0")/../test-lib.sh"

# --local plans run /bin/sh here, so this machine plays the hostile host.
cat >inventory.ini <<EOF
[bastion_host]
b1 ansible_host=10.0.0.1 ansible_user=root
[registry]
r1 ansible_host=10.0.0.2 ansible_user=root
[kube_master]
m1 ansible_host=10.0.0.3 ansible_user=root
EOF
cat >cluster.yaml <<EOF
cluster:
  rdma: false
extras:
  - group: bastion_host
    files:
      - path: $TRASH/motd
        content: "hello\n"
EOF
ESC=$(printf '\033')
CR=$(printf '\r')

# no_controls FILE: FILE holds no ESC and no CR byte
no_controls() {
	! grep -q "$ESC" "$1" && ! grep -q "$CR" "$1" ||
	{ echo "$1 holds raw control characters:"; cat -A "$1"; return 1; }
}

test_expect_success 'a plan shows a host file that clears the screen and fakes a summary, escaped' '
	printf "\033[2J\033[Hplan: 0 to change on 0 of 1 host\r\n\033]0;owned\007\n" >motd &&
	"$KCFG" plan --local -l b1 -C extras >out 2>err &&
	no_controls out && no_controls err &&
	cat >expect <<-EOF &&
	b1:
	  ~ file $TRASH/motd [extras]
	      --- $TRASH/motd (on b1)
	      +++ $TRASH/motd (kcfg)
	      @@ -1,2 +1 @@
	      -\\x1b[2J\\x1b[Hplan: 0 to change on 0 of 1 host\\r
	      -\\x1b]0;owned\\x07
	      +hello
	b1: 1 to change, 0 unchanged
	plan: 1 to change on 1 of 1 host
	EOF
	test_cmp expect out
'

test_expect_success 'a fact that is no number is refused, and shown escaped on stderr and in the log' '
	mkdir -p bin &&
	printf "#!/bin/sh\nprintf \"4\\\\033[2J\\\\r\\\\n\"\n" >bin/getconf &&
	chmod +x bin/getconf &&
	PATH="$TRASH/bin:$PATH" test_expect_code 1 "$KCFG" plan --local -l b1 -C extras \
		--facts-max-age 0 >out 2>err &&
	no_controls err &&
	test_grep "error: cannot read the facts of '"'"'b1'"'"': host '"'"'b1'"'"': probe line 6: '"'"'cpus'"'"' is '"'"'4\\x1b[2J\\r'"'"', not a whole number: kcfg accepts 1 to 65536 CPUs" err &&
	log=$(ls -t .kcfg/logs/*-plan*.log | head -n 1) &&
	no_controls "$log" &&
	test_grep "'"'"'cpus'"'"' is '"'"'4\\x1b[2J\\r'"'"', not a whole number" "$log"
'

test_done
