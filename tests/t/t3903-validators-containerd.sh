#!/bin/sh
test_description='check-containerd: drop-ins read by containerd 1.x (version 2) or checked against containerd 2 (version 3)'
. "$(dirname "$0")/../test-lib.sh"

C=$SRCDIR/tests/tools/check-containerd
python3 -c 'import tomllib' 2>/dev/null && test_set_prereq TOMLLIB
command -v containerd >/dev/null 2>&1 && python3 -c 'import tomllib' 2>/dev/null &&
	test_set_prereq CONTAINERD

check() {
	rc=0
	"$C" -q "$@" 2>err || rc=$?
	return $rc
}

cat >nvidia-v2.toml <<\EOF
version = 2

[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "nvidia"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"
  privileged_without_host_devices = false

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]
  BinaryName = "/usr/bin/nvidia-container-runtime"
  SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/k0s/containerd.d/certs.d"
EOF

test_expect_success CONTAINERD 'a version-2 drop-in that containerd reads whole passes' '
	"$C" nvidia-v2.toml 2>err &&
	test_grep "check-containerd: 1 files, 0 errors" err
'

sed 's/default_runtime_name = "nvidia"/default_runtme_name = "nvidia"/' nvidia-v2.toml >misspelt-v2.toml
cat >expect <<\EOF
misspelt-v2.toml:4: plugins."io.containerd.grpc.v1.cri".containerd.default_runtme_name: containerd VERSION dropped this key (read as the whole configuration): it is not a setting containerd knows; check the spelling and the table it is in
misspelt-v2.toml:4: plugins."io.containerd.grpc.v1.cri".containerd.default_runtme_name: containerd VERSION dropped this key (read imported from a main configuration): it is not a setting containerd knows; check the spelling and the table it is in
EOF
test_expect_success CONTAINERD 'a key containerd drops is reported, standalone and imported' '
	test_expect_code 1 check misspelt-v2.toml &&
	version=$(containerd --version | cut -d" " -f3) &&
	sed "s/VERSION/$version/" expect >expect.v &&
	test_cmp expect.v err
'

test_expect_success CONTAINERD 'a key in the wrong table is dropped too' '
	printf "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  default_runtime_name = \"nvidia\"\n" >wrongtable.toml &&
	test_expect_code 1 check wrongtable.toml &&
	test_grep "wrongtable.toml:3: plugins.\"io.containerd.grpc.v1.cri\".default_runtime_name: containerd" err
'

test_expect_success CONTAINERD 'a drop-in without a version is read as version 1' '
	sed 1d nvidia-v2.toml >noversion.toml &&
	test_expect_code 1 check noversion.toml &&
	test_grep "noversion.toml:1: the drop-in needs '"'"'version = 2'"'"'" err
'

test_expect_success CONTAINERD 'runc options are checked by name (containerd keeps unknown ones)' '
	sed "s/BinaryName/Binaryname/" nvidia-v2.toml >option.toml &&
	test_expect_code 1 check option.toml &&
	test_grep "option.toml:11: plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options.Binaryname: '"'"'Binaryname'"'"' is not an option of runc (io.containerd.runc.v2); containerd drops it without a word (did you mean '"'"'BinaryName'"'"'?)" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success CONTAINERD 'a file containerd cannot load is reported' '
	printf "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  max_container_log_line_size = \"big\"\n" >badtype.toml &&
	test_expect_code 1 check badtype.toml &&
	test_grep "badtype.toml: containerd rejects the file" err
'

cat >nvidia-v3.toml <<\EOF
version = 3

[plugins."io.containerd.cri.v1.runtime".containerd]
  default_runtime_name = "nvidia"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options]
  BinaryName = "/usr/local/nvidia/toolkit/nvidia-container-runtime"
  SystemdCgroup = true

[plugins."io.containerd.cri.v1.images".registry]
  config_path = "/etc/k0s/containerd.d/certs.d"
EOF

test_expect_success TOMLLIB 'a version-3 drop-in for containerd 2 passes without containerd' '
	check --containerd /nonexistent nvidia-v3.toml &&
	test ! -s err
'

cat >old-layout-v3.toml <<\EOF
version = 3

[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "nvidia"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"
  privileged_without_host_device = true

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options]
  SystemdCgroup = "true"

[plugins."io.containerd.cri.v1.image".registry]
  config_path = "/etc/k0s/containerd.d/certs.d"
EOF
cat >expect <<\EOF
old-layout-v3.toml:3: plugins."io.containerd.grpc.v1.cri".containerd: unknown key 'containerd' in containerd 2's plugins."io.containerd.grpc.v1.cri"; in version 3 the CRI settings moved to the plugins 'io.containerd.cri.v1.runtime' (runtimes, cni, enable_cdi, ...) and 'io.containerd.cri.v1.images' (snapshotter, registry, pinned_images)
old-layout-v3.toml:8: plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.privileged_without_host_device: unknown key 'privileged_without_host_device' in containerd 2's plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia
old-layout-v3.toml:13: plugins."io.containerd.cri.v1.image": 'io.containerd.cri.v1.image' is not a plugin of containerd 2 (did you mean 'io.containerd.cri.v1.images'?)
old-layout-v3.toml:11: plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options.SystemdCgroup: expected a boolean, got a string
EOF
test_expect_success TOMLLIB 'version 3: moved tables, unknown keys, plugin names and option types are rejected' '
	test_expect_code 1 check old-layout-v3.toml &&
	test_cmp expect err
'

cat >hosts.toml <<\EOF
server = "https://harbor.internal"

[host."https://harbor.internal"]
  capabilities = ["pull", "resolve", "push"]
  ca = "/etc/k0s/containerd.d/certs.d/harbor.internal/ca.crt"
EOF
test_expect_success TOMLLIB 'a registry hosts.toml is checked by its keys' '
	check hosts.toml &&
	mkdir bad &&
	sed -e "s/capabilities/capability/" -e "s#\"https://harbor.internal\"\$#\"harbor.internal\"#" hosts.toml >bad/hosts.toml &&
	test_expect_code 1 check bad/hosts.toml &&
	test_grep "bad/hosts.toml:1: server: server must be a URL" err &&
	test_grep "bad/hosts.toml:4: host.\"https://harbor.internal\".capability: unknown key '"'"'capability'"'"' in a hosts.toml" err
'

test_expect_success TOMLLIB 'invalid TOML is reported' '
	printf "version = 3\n[plugins\n" >broken.toml &&
	test_expect_code 1 check broken.toml &&
	test_grep "broken.toml: not valid TOML" err
'

test_expect_success TOMLLIB 'a version-2 drop-in needs containerd: exit 2 without it' '
	test_expect_code 2 check --containerd "" nvidia-v2.toml &&
	test_grep "containerd is not installed" err
'

test_done
