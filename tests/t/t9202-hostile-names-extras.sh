#!/bin/sh
test_description='hostile names: {{ inventory_hostname }} and {{ ansible_host }} go into extras commands quoted'
. "$(dirname "$0")/../test-lib.sh"

MDX=$SRCDIR/examples/mdx
cp "$MDX/inventory.ini" "$MDX/vault.yaml" "$MDX/vault-password.txt" .

# Each command prints what it was given, one line per word, so the rendered
# script can be run here and must print the host's own name and address.
cat >cluster.yaml <<'EOF'
metallb:
  addresses:
  - 10.18.20.200-10.18.20.210
extras:
  - group: kube_node
    commands:
      - run: printf '%s\n' {{ inventory_hostname }} {{ansible_host}}
      - run: printf '%s\n' "name={{ inventory_hostname }}" 'at {{ ansible_host }}'
        unless: test -e /nonexistent/{{ inventory_hostname }}
      - run: |
          cat <<EOF
          host {{ inventory_hostname }} $((1 + 1))
          EOF
          printf '%s\n' "$(printf '%s' {{ inventory_hostname }})"
EOF

# RESOURCES as rendered: each value a word, inside "...", inside '...'
# (closed and reopened around it), in a guard and in a here-document.
cat >expect.resources <<\EOT
extras     command:printf '%s\n' 'kube-node1' '10.18.20.21'
    run: printf '%s\n' 'kube-node1' '10.18.20.21'
extras     command:printf '%s\n' "name=kube-node1" 'at ''10.18.20.21'''
    run: printf '%s\n' "name=kube-node1" 'at ''10.18.20.21'''
    unless: test -e /nonexistent/'kube-node1'
extras     command:cat <<EOF
host kube-node1 $((1 + 1))
EOF
printf '%s\n' "$(printf '%s' 'kube-node1')"

    run: cat <<EOF
host kube-node1 $((1 + 1))
EOF
printf '%s\n' "$(printf '%s' 'kube-node1')"

EOT

render() {
	"$KCFG" render --facts "$MDX/facts" --vault vault.yaml \
		--vault-password-file vault-password.txt --component extras "$@"
}

test_expect_success 'the name and address are quoted for where they stand, and sh reads them back' '
	render -o out 2>err &&
	test_cmp expect.resources out/kube-node1/RESOURCES &&
	sed -n "s/^    run: //p" out/kube-node1/RESOURCES | head -n 2 >run.sh &&
	sed -n "/^    run: cat <<EOF/,\$p" out/kube-node1/RESOURCES | sed "s/^    run: //" >>run.sh &&
	sh run.sh >got &&
	printf "%s\n" kube-node1 10.18.20.21 name=kube-node1 "at 10.18.20.21" \
		"host kube-node1 2" kube-node1 >expect &&
	test_cmp expect got
'

test_expect_success 'a value where no quoting keeps it data is an error naming host and entry' '
	cat >>cluster.yaml <<-\EOF &&
	  - group: kube_gpu
	    commands:
	      - run: echo \{{ inventory_hostname }}
	EOF
	test_expect_code 1 render -o out2 2>err &&
	test_grep "host '\''kube-gpu1'\'': a command'\''s run of the extras entry at cluster.yaml:15: a value right after a backslash cannot be quoted" err &&
	test ! -e out2
'

test_done
