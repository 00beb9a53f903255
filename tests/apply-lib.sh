# Sourced by the plan/apply/facts tests (t4xxx, t51xx, t52xx) after
# sandbox-lib.sh and sandbox_start:
#
#   sb_inventory N     inventory.ini for hosts 1..N: host 1 in [bastion_host],
#                      2 in [registry], 3 in [kube_master], the rest in
#                      [kube_node]; extra groups from $SB_GROUPS
#                      ("name:I,J name2:K" puts hosts I, J in [name])
#   sb_on I CMD...     run a shell command on host I as root
#   sb_host I          the name of host I
#   sb_local_repo N [PKG...]
#                      an offline apt repository on hosts 1..N holding small
#                      packages PKG (default kcfg-test-pkg), and sources.list
#                      naming only it
#   sb_apt_prereq      sets SANDBOX_APT (see below)
#   sb_cluster_yaml    a cluster.yaml start: RDMA off (sandbox hosts have no
#                      RoCE address) and an apt cache age from $SB_APT_AGE
sb_host() { echo "$SANDBOX_PREFIX$1"; }

sb_on() {
	local i=$1
	shift
	"$SB" ssh "$i" "$*"
}

sb_inventory() {
	local n=$1 i g
	{
		echo "[all:vars]"
		echo "ansible_user=root"
		echo "ansible_ssh_private_key_file=$SB_KEY"
		echo "ansible_ssh_common_args=-oUserKnownHostsFile=$SB_KNOWN"
		echo "[bastion_host]"
		echo "$(sb_host 1) ansible_host=$(sb_ip 1)"
		echo "[registry]"
		echo "$(sb_host 2) ansible_host=$(sb_ip 2)"
		echo "[kube_master]"
		echo "$(sb_host 3) ansible_host=$(sb_ip 3)"
		if [ "$n" -gt 3 ]; then
			echo "[kube_node]"
			for i in $(seq 4 "$n"); do echo "$(sb_host "$i") ansible_host=$(sb_ip "$i")"; done
		fi
		for g in ${SB_GROUPS:-}; do
			echo "[${g%%:*}]"
			for i in $(echo "${g#*:}" | tr ',' ' '); do echo "$(sb_host "$i")"; done
		done
	} >inventory.ini
}

sb_cluster_yaml() {
	printf 'cluster:\n  rdma: false\n  apt_cache_max_age: %s\n' "${SB_APT_AGE:-3600}"
}

sb_local_repo() {
	local n=$1 i p
	shift
	rm -rf pkg repo && mkdir -p repo || return 1
	: >repo/Packages
	for p in ${*:-kcfg-test-pkg}; do
		rm -rf pkg && mkdir -p pkg/DEBIAN pkg/usr/share/$p &&
		printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: kcfg tests <tests@example.invalid>\n' \
			"$p" >pkg/DEBIAN/control &&
		echo "Description: a package for kcfg's tests" >>pkg/DEBIAN/control &&
		echo hello >pkg/usr/share/$p/hello &&
		dpkg-deb --root-owner-group --build pkg "repo/${p}_1.0_all.deb" >/dev/null &&
		{
			sed '$d' pkg/DEBIAN/control
			echo "Filename: ./${p}_1.0_all.deb"
			echo "Size: $(stat -c %s "repo/${p}_1.0_all.deb")"
			echo "SHA256: $(sha256sum "repo/${p}_1.0_all.deb" | cut -d' ' -f1)"
			tail -n 1 pkg/DEBIAN/control
			echo
		} >>repo/Packages || return 1
	done
	for i in $(seq 1 "$n"); do
		tar -C repo -cf - . | sb_on "$i" 'mkdir -p /var/local/kcfg-repo &&
			tar -xf - -C /var/local/kcfg-repo &&
			echo "deb [trusted=yes] file:/var/local/kcfg-repo ./" >/etc/apt/sources.list' ||
			return 1
	done
}

# After sandbox_start: SANDBOX_APT when the hosts run and dpkg-deb can build
# the test packages here.
sb_apt_prereq() {
	if test_have_prereq SANDBOX && command -v dpkg-deb >/dev/null 2>&1; then
		test_set_prereq SANDBOX_APT
	elif test_have_prereq SANDBOX; then
		echo "# skipping the tests that need apt packages: dpkg-deb is missing"
	fi
}
