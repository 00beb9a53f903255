# Sourced by bench/orchestration.sh and bench/scale.sh: the 50-task
# workload for both tools (bench/ansible-50 for ansible-playbook, the same
# as a cluster.yaml `extras` section for kcfg), the sandbox hosts it runs
# on, and timing. The caller sets:
#   top            the source tree
#   KCFG           the kcfg binary
#   W              a private work directory (mktemp -d)
#   SANDBOX_DIR, SANDBOX_PREFIX, SANDBOX_NET   exported, for scripts/sandbox
# and may set KCFG_PERSIST, how long kcfg's ssh connections outlive their
# last session (ssh's ControlPersist, default 60s as in Ansible's config).
SB=$top/scripts/sandbox
KEY=$SANDBOX_DIR/keys/id_ed25519
KNOWN=$SANDBOX_DIR/known_hosts.$SANDBOX_PREFIX

die() { echo "$(basename "$0" .sh): $*" >&2; exit 1; }

bench_check() {
	[ -x "$KCFG" ] || die "no kcfg at $KCFG (build it, or name it)"
	command -v ansible-playbook >/dev/null || die "ansible-playbook is missing (apt install ansible-core)"
	"$SB" check || die "this machine cannot run sandbox hosts"
}

# Ends both tools' persistent ssh connections, stops the hosts, removes $W.
bench_cleanup() {
	for sock in "$W"/ans-hosts/cp/* "$W"/kcp/*; do
		[ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit bench >/dev/null 2>&1
	done
	"$SB" down >/dev/null 2>&1 || true
	rm -rf "$W"
}

# A copy of the sandbox rootfs with python3 added from this machine's
# installed Debian packages (the same release as the rootfs): Ansible's
# modules need one; kcfg needs none.
prepare_rootfs() {
	local base=$SANDBOX_DIR/rootfs from=${SANDBOX_BASE_DIR:-/var/tmp/kcfg-sandbox} p
	[ -x "$base/usr/bin/python3" ] && [ -f "$KEY" ] && return 0
	SANDBOX_DIR=$from "$SB" build
	mkdir -p "$SANDBOX_DIR"
	rm -rf "$base" "$base.tmp" "$SANDBOX_DIR/keys"
	cp -a "$from/keys" "$SANDBOX_DIR/keys"	# the rootfs accepts this key
	cp -a "$from/rootfs" "$base.tmp"
	for p in python3.11-minimal libpython3.11-minimal libpython3.11-stdlib python3-minimal \
		 python3.11 python3 media-types; do
		dpkg -L "$p" | while read -r f; do [ -f "$f" ] || [ -L "$f" ] && echo "$f"; done
	done | tar -cf - -T - 2>/dev/null | tar -xf - -C "$base.tmp"
	[ -x "$base.tmp/usr/bin/python3" ] || die "could not give the sandbox rootfs a python3"
	mv "$base.tmp" "$base"
}

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Both tools' files under $W: Ansible's config, template and playbook.
bench_setup() {
	mkdir -p "$W/kcfg" "$W/ansible/templates" "$W/ans-hosts/cp" "$W/kcp"
	sed "s|\$WORKDIR/ans-hosts/id_ed25519|$KEY|; s|\$WORKDIR|$W|g" "$top/bench/ansible-50/ansible.cfg" \
		>"$W/ansible/ansible.cfg"
	cp "$top/bench/ansible-50/templates/svc.yaml.j2" "$W/ansible/templates/"
	( cd "$W/ansible" && python3 "$top/bench/ansible-50/gen_playbook.py" &&
	  sed -i "s|\$WORKDIR|$W|g" playbook-facts-off.yml playbook-facts-on.yml )
}

# The kcfg side: an inventory (the cluster roles kcfg needs, a controller
# that --limit leaves out) and the workload as extras, for N hosts.
kcfg_files() {
	local n=$1 i
	{
		echo "[all:vars]"
		echo "ansible_user=root"
		echo "ansible_ssh_private_key_file=$KEY"
		# the same connection reuse as Ansible's ansible.cfg (ControlPersist)
		echo "ansible_ssh_common_args=-oUserKnownHostsFile=$KNOWN -oControlMaster=auto -oControlPersist=${KCFG_PERSIST:-60s} -oControlPath=$W/kcp/%C"
		echo "[bastion_host]"
		echo "${SANDBOX_PREFIX}1 ansible_host=$SANDBOX_NET.11"
		echo "[registry]"
		echo "${SANDBOX_PREFIX}1"
		echo "[kube_master]"
		echo "controller ansible_host=$SANDBOX_NET.250"
		echo "[kube_node]"
		for i in $(seq 2 "$n"); do echo "$SANDBOX_PREFIX$i ansible_host=$SANDBOX_NET.$((10 + i))"; done
		echo "[targets]"
		for i in $(seq 1 "$n"); do echo "$SANDBOX_PREFIX$i"; done
	} >"$W/kcfg/inventory.ini"
	python3 - "$W" "$n" "$SANDBOX_PREFIX" >"$W/kcfg/cluster.yaml" <<-\PY
	import json, sys
	w, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	q = json.dumps    # a JSON string is a YAML double-quoted scalar
	peers = "".join("    - %s%d\n" % (prefix, i) for i in range(1, n + 1))
	dirs, files, blocks, cmds = [], [], [], []
	for g in range(1, 6):
	    d = "%s/kcfg-targets/{{ inventory_hostname }}/g%d" % (w, g)
	    dirs += ["{path: %s, mode: \"0755\"}" % q(d),
	             "{path: %s, mode: \"0750\"}" % q(d + "/sub/conf.d")]
	    files += ["{path: %s, mode: \"0644\", content: %s}" % (q(d + "/app.conf"),
	              q("# app config group %d\nname=app%d\nhost={{ inventory_hostname }}\n" % (g, g))),
	              "{path: %s, mode: \"0644\", content: %s}" % (q(d + "/svc.yaml"),
	              q("# managed by kcfg baseline - {{ inventory_hostname }}\nservice:\n"
	                "  name: svc-%d\n  host: {{ inventory_hostname }}\n"
	                "  listen: {{ ansible_host }}:%d\n  replicas: %d\n  peers:\n%s"
	                % (g, 8000 + g, g * 2, peers))),
	              "{path: %s, mode: \"0644\", content: %s}" % (q(d + "/present.txt"),
	              q("svc.yaml present\n"))]
	    blocks += ["{path: %s, marker: key%d, content: %s}" % (q(d + "/env.conf"), g,
	               q("key_%d=value_%d\n" % (g, g))),
	               "{path: %s, marker: host%d, content: %s}" % (q(d + "/sub/conf.d/hosts"), g,
	               q("%d.0.0.1 {{ inventory_hostname }}-g%d\n" % (g, g)))]
	    cmds += ["{run: %s, creates: %s}" % (q("touch %s/marker" % d), q(d + "/marker")),
	             "{run: %s, unless: %s}" % (q("grep -c key_%d %s/env.conf" % (g, d)),
	              q("test $(grep -c key_%d %s/env.conf) -le 1" % (g, d)))]
	print("cluster:\n  rdma: false\nextras:\n  - group: targets")
	for key, items in (("directories", dirs), ("files", files), ("blocks", blocks),
	                   ("commands", cmds)):
	    print("    %s:" % key)
	    for it in items:
	        print("      - " + it)
	PY
}

ansible_files() {
	local n=$1 i
	{
		echo "[targets]"
		for i in $(seq 1 "$n"); do echo "$SANDBOX_PREFIX$i ansible_host=$SANDBOX_NET.$((10 + i)) ansible_user=root"; done
	} >"$W/ansible/inventory.ini"
}

# Empties the work directories of hosts 1..N and ends both tools'
# persistent ssh connections, so that a first run starts cold and clean
# (a re-run then reuses the connections of the run before, as a user's
# would). The emptying goes over kcfg's connections where the run before
# left them (a login each costs more than the rest), 20 hosts at a time.
reset_hosts() {
	local i sock
	for i in $(seq 1 "$1"); do
		ssh -i "$KEY" -oUserKnownHostsFile="$KNOWN" -oStrictHostKeyChecking=yes -oBatchMode=yes \
			-oLogLevel=ERROR -oControlMaster=auto -oControlPath="$W/kcp/%C" \
			root@"$SANDBOX_NET.$((10 + i))" "rm -rf '$W/kcfg-targets' '$W/ans-targets'" &
		if [ $((i % 20)) -eq 0 ]; then wait; fi
	done
	wait
	for sock in "$W"/ans-hosts/cp/* "$W"/kcp/*; do
		[ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit bench >/dev/null 2>&1 &
	done
	wait
	rm -rf "$W/kcfg/.kcfg"
}

# run_ansible N: one ansible-playbook run with N forks.
run_ansible() {
	( cd "$W/ansible" && ANSIBLE_CONFIG="$W/ansible/ansible.cfg" \
		ansible-playbook -i inventory.ini -f "$1" playbook-facts-off.yml >"$W/ansible.log" 2>&1 ) ||
		{ tail -n 30 "$W/ansible.log"; die "ansible-playbook failed"; }
}

# run_kcfg [ARGS...]: one kcfg apply of the workload; ARGS go to apply.
run_kcfg() {
	"$KCFG" -q -i "$W/kcfg/inventory.ini" -c "$W/kcfg/cluster.yaml" apply -C extras -l targets "$@" \
		>"$W/kcfg.log" 2>&1 || { tail -n 30 "$W/kcfg.log"; die "kcfg apply failed"; }
}

# time_of TOOL ARG...: one run, its seconds on stdout.
time_of() {
	local t0 t1 tool=$1
	shift
	t0=$(now)
	"run_$tool" "$@"
	t1=$(now)
	elapsed "$t0" "$t1"
}
