/* Unit tests for src/config/settings: schema, defaults, types, errors, output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config/settings.h"
#include "config/settings-schema.h"
#include "config/templates.h"
#include "config/yaml.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static int load(const char *text, struct settings *s, struct diag_list *dl)
{
	return settings_load_buf(s, "cluster.yaml", text, strlen(text), dl);
}

/* Loads `text`, which must succeed; the caller releases *s. */
static void load_ok(const char *text, struct settings *s)
{
	struct diag_list dl = DIAG_LIST_INIT;

	if (load(text, s, &dl) < 0) {
		struct strbuf sb = STRBUF_INIT;
		diag_format(&dl, &sb);
		fail_msg("'%s' does not load:\n%s", text, sb.buf);
	}
	assert_int_equal(dl.nr, 0);
}

/* Loads `text`, which must fail with exactly the diagnostics `want`. */
static void load_fails(const char *text, const char *want)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf got = STRBUF_INIT;
	struct settings s;

	memset(&s, 0x5a, sizeof(s));
	assert_int_equal(load(text, &s, &dl), -1);
	/* nothing is written to the output on failure */
	assert_int_equal(((unsigned char *)&s)[0], 0x5a);
	diag_sort(&dl);
	diag_format(&dl, &got);
	if (strcmp(got.buf, want))
		fail_msg("for:\n%s\ngot:\n%s\nwant:\n%s", text, got.buf, want);
	diag_release(&dl);
	strbuf_release(&got);
}

static void test_schema_is_consistent(void **state)
{
	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *d = &settings_schema[i];
		const char *dot = strrchr(d->key, '.');

		assert_non_null(d->doc);
		assert_true(strlen(d->doc) > 0);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(settings_schema[j].key, d->key))
				fail_msg("'%s' is in the table twice", d->key);
		if (dot) {
			/* the parent section comes first and nothing else sits between */
			char *parent = strndup(d->key, (size_t)(dot - d->key));
			const struct setting_def *p = schema_find(parent);
			if (!p || p->type != ST_SECTION || p > d)
				fail_msg("'%s' has no section before it", d->key);
			for (const struct setting_def *q = p + 1; q < d; q++)
				if (strncmp(q->key, parent, strlen(parent)) ||
				    q->key[strlen(parent)] != '.')
					fail_msg("'%s' is apart from its section '%s'", d->key, parent);
			free(parent);
		}
		if (d->type == ST_SECTION)
			assert_null(d->def);
		else if (!(d->flags & SF_DERIVED))
			assert_non_null(d->def);
		if (d->type == ST_SHA256 && d->pin_for)
			assert_non_null(schema_find(d->pin_for));
		if (d->needed_if)
			assert_int_equal(schema_find(d->needed_if)->type, ST_BOOL);
	}
}

static void test_defaults(void **state)
{
	struct settings s;

	settings_init_defaults(&s);
	assert_string_equal(s.cluster.ansible_user, "mdxuser");
	assert_string_equal(s.cluster.internal_domain, "internal");
	assert_string_equal(s.cluster.roce_suffix, "roce");
	assert_string_equal(s.cluster.roce_netif, "");
	assert_int_equal(s.cluster.rdma, 1);
	assert_int_equal(s.cluster.apt_cache_max_age, 3600);
	assert_string_equal(s.registry.name, "harbor.internal");

	assert_string_equal(s.versions.k0s, "v1.36.4+k0s.1");
	assert_int_equal(strlen(s.versions.k0s_sha256), 64);
	assert_int_equal(settings_k0s_minor(&s), 36);
	assert_int_equal(settings_containerd_config_version(&s), 3);
	assert_true(starts_with(s.versions.harbor, "v2."));
	assert_int_equal(strlen(s.versions.mpi_operator_sha256), 64);
	assert_int_equal(strlen(s.versions.exascaler_csi_sha256), 64);

	assert_string_equal(s.kubelet.topology_manager_policy, "single-numa-node");
	assert_string_equal(s.kubelet.topology_manager_scope, "container");
	assert_string_equal(s.kubelet.cpu_manager_policy, "static");
	assert_string_equal(s.kubelet.memory_manager_policy, "Static");
	assert_string_equal(s.kubelet.kube_reserved.cpu.text, "500m");
	assert_int_equal(s.kubelet.kube_reserved.cpu.value, 500);
	assert_int_equal(s.kubelet.kube_reserved.memory.value, 500LL << 20);
	assert_int_equal(s.kubelet.kube_reserved.ephemeral_storage.value, 1LL << 30);
	assert_int_equal(s.kubelet.system_reserved.cpu.value, 500);
	assert_int_equal(s.kubelet.system_reserved.memory.value, 500LL << 20);
	assert_int_equal(s.kubelet.eviction_hard.memory_available.value, 100LL << 20);

	assert_int_equal(s.storage.filesystems.nr, 2);
	assert_string_equal(s.storage.filesystems.v[0].storage_class, "exascaler-sc-fast");
	assert_int_equal(s.storage.filesystems.v[0].is_default, 1);
	assert_string_equal(s.storage.filesystems.v[0].mount_point, "/fast");
	assert_string_equal(s.storage.filesystems.v[0].exa_fs,
			    "172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast");
	assert_string_equal(s.storage.filesystems.v[1].storage_class, "exascaler-sc-large");
	assert_int_equal(s.storage.filesystems.v[1].is_default, 0);
	assert_string_equal(s.storage.filesystems.v[1].mount_point, "/large");

	assert_int_equal(s.gpu_operator.driver, 0);
	assert_int_equal(s.gpu_operator.toolkit, 1);
	assert_int_equal(s.gpu_operator.nfd, 1);
	assert_string_equal(s.gpu_operator.mig_strategy, "mixed");
	assert_int_equal(s.gpu_operator.mig_manager, 1);
	assert_int_equal(s.gpu_operator.gdrcopy, 1);
	assert_int_equal(s.gpu_operator.rdma, 1);
	assert_int_equal(s.gpu_operator.use_host_mofed, 1);
	assert_string_equal(s.gpu_operator.containerd_socket, "/run/k0s/containerd.sock");
	assert_string_equal(s.network_operator.rdma_resource_name, "rdma_shared_device");
	assert_string_equal(s.network_operator.rdma_driver, "mlx5_core");
	assert_int_equal(s.network_operator.multus && s.network_operator.cni_plugins &&
			 s.network_operator.whereabouts, 1);
	assert_int_equal(s.metallb.addresses.nr, 0);
	assert_int_equal(s.addons.gpu_operator && s.addons.network_operator &&
			 s.addons.metallb && s.addons.monitoring && s.addons.mpi_operator &&
			 s.addons.spark_operator && s.addons.storage, 1);
	settings_release(&s);
}

static void test_empty_file_is_defaults(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, err = STRBUF_INIT;
	struct settings s, d;
	unsigned line, col;

	load_ok("# nothing set\n", &s);
	settings_init_defaults(&d);
	assert_int_equal(settings_to_yaml(&s, &a, &err), 0);
	assert_int_equal(settings_to_yaml(&d, &b, &err), 0);
	assert_string_equal(a.buf, b.buf);
	assert_null(settings_origin(&s, "cluster.rdma", &line, &col));
	settings_release(&s);
	settings_release(&d);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_print_parse_print_is_stable(void **state)
{
	static const char text[] =
		"cluster:\n"
		"  internal_domain: example.org\n"
		"  roce_netif: ens192\n"
		"  apt_cache_max_age: 0\n"
		"kubelet:\n"
		"  kube_reserved: {cpu: 1, memory: 1.5Gi}\n"
		"  system_reserved:\n"
		"    cpu: '0.5'\n"
		"metallb:\n"
		"  addresses: 10.18.20.200-10.18.20.210\n"
		"storage:\n"
		"  filesystems: []\n"
		"versions:\n"
		"  mpi_operator_sha256: ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789\n";
	struct strbuf one = STRBUF_INIT, two = STRBUF_INIT, err = STRBUF_INIT;
	struct settings s, t;

	load_ok(text, &s);
	assert_string_equal(s.registry.name, "harbor.example.org");
	assert_int_equal(s.kubelet.kube_reserved.cpu.value, 1000);
	assert_int_equal(s.kubelet.kube_reserved.memory.value, 1536LL << 20);
	assert_int_equal(s.kubelet.system_reserved.cpu.value, 500);
	assert_int_equal(s.metallb.addresses.nr, 1);
	assert_int_equal(s.storage.filesystems.nr, 0);
	assert_string_equal(s.versions.mpi_operator_sha256,
			    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	assert_int_equal(settings_to_yaml(&s, &one, &err), 0);
	load_ok(one.buf, &t);
	assert_int_equal(settings_to_yaml(&t, &two, &err), 0);
	assert_string_equal(one.buf, two.buf);
	assert_non_null(strstr(one.buf, "\n    cpu: 1\n"));
	assert_non_null(strstr(one.buf, "\n    cpu: '0.5'\n"));
	assert_non_null(strstr(one.buf, "  addresses:\n  - 10.18.20.200-10.18.20.210\n"));
	settings_release(&s);
	settings_release(&t);
	strbuf_release(&one);
	strbuf_release(&two);
}

static void test_registry_name(void **state)
{
	struct settings s;
	unsigned line = 0, col = 0;

	load_ok("cluster: {internal_domain: lab}\n", &s);
	assert_string_equal(s.registry.name, "harbor.lab");
	settings_release(&s);
	load_ok("cluster: {internal_domain: lab}\nregistry:\n  name: reg.lab\n", &s);
	assert_string_equal(s.registry.name, "reg.lab");
	assert_string_equal(settings_origin(&s, "registry.name", &line, &col), "cluster.yaml");
	assert_int_equal(line, 3);
	assert_int_equal(col, 3);
	settings_release(&s);
}

static void test_bool_values(void **state)
{
	static const char *const yes[] = { "true", "True", "yes", "on", "ON", "y" };
	static const char *const no[] = { "false", "FALSE", "no", "off", "n" };
	struct strbuf text = STRBUF_INIT;
	struct settings s;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		strbuf_reset(&text);
		strbuf_addf(&text, "addons: {metallb: false}\ncluster: {rdma: %s}\n", yes[i]);
		load_ok(text.buf, &s);
		assert_int_equal(s.cluster.rdma, 1);
		settings_release(&s);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		strbuf_reset(&text);
		strbuf_addf(&text, "cluster: {rdma: %s}\n", no[i]);
		load_ok(text.buf, &s);
		assert_int_equal(s.cluster.rdma, 0);
		settings_release(&s);
	}
	strbuf_release(&text);
	load_fails("cluster:\n  rdma: maybe\n",
		   "cluster.yaml:2:9: error: 'cluster.rdma' must be true or false, got 'maybe'\n");
	load_fails("cluster:\n  rdma: \"true\"\n",
		   "cluster.yaml:2:9: error: 'cluster.rdma' must be true or false, got 'true'\n"
		   "  hint: remove the quotes\n");
	load_fails("cluster:\n  rdma: [true]\n",
		   "cluster.yaml:2:9: error: 'cluster.rdma' must be true or false, got a sequence\n");
}

static void test_int_values(void **state)
{
	struct settings s;

	load_ok("cluster: {apt_cache_max_age: 2592000}\n", &s);
	assert_int_equal(s.cluster.apt_cache_max_age, 2592000);
	settings_release(&s);
	load_fails("cluster: {apt_cache_max_age: 2592001}\n",
		   "cluster.yaml:1:30: error: 'cluster.apt_cache_max_age' must be a whole number "
		   "from 0 to 2592000, got '2592001'\n");
	load_fails("cluster: {apt_cache_max_age: -1}\n",
		   "cluster.yaml:1:30: error: 'cluster.apt_cache_max_age' must be a whole number "
		   "from 0 to 2592000, got '-1'\n");
	load_fails("cluster: {apt_cache_max_age: '60'}\n",
		   "cluster.yaml:1:30: error: 'cluster.apt_cache_max_age' must be a whole number "
		   "from 0 to 2592000, got '60'\n  hint: remove the quotes\n");
	load_fails("cluster: {apt_cache_max_age: 1.5}\n",
		   "cluster.yaml:1:30: error: 'cluster.apt_cache_max_age' must be a whole number "
		   "from 0 to 2592000, got '1.5'\n");
}

static void test_quantities(void **state)
{
	static const struct { const char *text; long long milli; } cpu[] = {
		{ "500m", 500 }, { "2", 2000 }, { "0.5", 500 }, { "1.5", 1500 },
		{ "1k", 1000000 }, { "1e3", 1000000 }, { "1E-3", 1 }, { ".5", 500 },
		{ "0", 0 },
	};
	static const struct { const char *text; long long bytes; } mem[] = {
		{ "500Mi", 500LL << 20 }, { "1Gi", 1LL << 30 }, { "1.5Gi", 3LL << 29 },
		{ "100Mi", 100LL << 20 }, { "1k", 1000 }, { "128974848", 128974848 },
		{ "129e6", 129000000 }, { "1M", 1000000 }, { "1Ki", 1024 }, { "2Ti", 2LL << 40 },
	};
	static const char *const bad_cpu[] = {
		"", "-1", "500x", ".", "m", "0.0001", "1e19", "1Ei", "5 m", "1.2345678901", "1..5",
		"1.123456789e-18", "0.000000001E-18",
	};
	static const char *const bad_mem[] = { "500m", "1.5", "1Ei", "abc", "1e-3", "9E" };
	long long v;

	for (size_t i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++) {
		if (quantity_parse_cpu(cpu[i].text, &v) < 0 || v != cpu[i].milli)
			fail_msg("cpu '%s': %lld", cpu[i].text, v);
	}
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		if (quantity_parse_bytes(mem[i].text, &v) < 0 || v != mem[i].bytes)
			fail_msg("bytes '%s': %lld", mem[i].text, v);
	}
	for (size_t i = 0; i < sizeof(bad_cpu) / sizeof(bad_cpu[0]); i++)
		if (!quantity_parse_cpu(bad_cpu[i], &v))
			fail_msg("cpu '%s' accepted", bad_cpu[i]);
	for (size_t i = 0; i < sizeof(bad_mem) / sizeof(bad_mem[0]); i++)
		if (!quantity_parse_bytes(bad_mem[i], &v))
			fail_msg("bytes '%s' accepted", bad_mem[i]);

	load_fails("kubelet:\n  kube_reserved:\n    memory: 500m\n",
		   "cluster.yaml:3:13: error: 'kubelet.kube_reserved.memory' must be a size like "
		   "500Mi or 1Gi (whole bytes), got '500m'\n");
	load_fails("kubelet:\n  system_reserved:\n    cpu: yes\n",
		   "cluster.yaml:3:10: error: 'kubelet.system_reserved.cpu' must be a CPU quantity "
		   "like 500m or 2, got 'yes'\n");
}

static void test_versions_and_pins(void **state)
{
	struct settings s;

	load_ok("versions:\n  k0s: v1.35.8+k0s.1\n"
		"  k0s_sha256: 09e5c5b9ba0a6218fe46dafde799ccd62270f83fe5c3ea695beb1b4098baed67\n",
		&s);
	assert_int_equal(settings_k0s_minor(&s), 35);
	assert_int_equal(settings_containerd_config_version(&s), 2);
	settings_release(&s);
	/* versions are text however they are written: 2.5 is not a float here */
	load_ok("versions: {gpu_operator: v26.7.0-rc.1, metallb: '0.15', spark_operator: 2.5}\n",
		&s);
	assert_string_equal(s.versions.gpu_operator, "v26.7.0-rc.1");
	assert_string_equal(s.versions.metallb, "0.15");
	assert_string_equal(s.versions.spark_operator, "2.5");
	settings_release(&s);
	/* a new version with its own pin */
	load_ok("versions:\n  helm: v4.2.5\n  helm_sha256: "
		"0000000000000000000000000000000000000000000000000000000000000000\n", &s);
	settings_release(&s);
}

static void test_version_errors(void **state)
{
	load_fails("versions:\n  k0s: v1.34.2+k0s.0\n",
		   "cluster.yaml:2:8: error: 'versions.k0s' must be a k0s release like "
		   "v1.36.4+k0s.1 (the 1.35 line or later), got 'v1.34.2+k0s.0'\n");
	load_fails("versions:\n  k0s: 1.36.4+k0s.1\n",
		   "cluster.yaml:2:8: error: 'versions.k0s' must be a k0s release like "
		   "v1.36.4+k0s.1 (the 1.35 line or later), got '1.36.4+k0s.1'\n");
	load_fails("versions:\n  helm: latest\n",
		   "cluster.yaml:2:9: error: 'versions.helm' must be a version like v1.2.3, "
		   "got 'latest'\n  hint: pin an exact release\n");
	load_fails("versions:\n  harbor: v1.10.0\n",
		   "cluster.yaml:2:11: error: 'versions.harbor' must be a Harbor 2.x release like "
		   "v2.15.2, got 'v1.10.0'\n");
	load_fails("versions:\n  helm_sha256: abc\n",
		   "cluster.yaml:2:16: error: 'versions.helm_sha256' must be a sha256: 64 "
		   "hexadecimal digits, got 'abc'\n");
	/* a new version with the old version's checksum */
	load_fails("versions:\n  kubectl: v1.36.5\n",
		   "cluster.yaml:2:3: error: 'versions.kubectl_sha256' is the checksum of "
		   "v1.36.4, not of 'v1.36.5'\n"
		   "  hint: set 'versions.kubectl_sha256' to the sha256 published for v1.36.5\n");
}

static void test_enums(void **state)
{
	struct settings s;

	load_ok("kubelet: {topology_manager_policy: best-effort, memory_manager_policy: None}\n",
		&s);
	assert_string_equal(s.kubelet.topology_manager_policy, "best-effort");
	assert_string_equal(s.kubelet.memory_manager_policy, "None");
	settings_release(&s);
	load_fails("kubelet:\n  memory_manager_policy: static\n",
		   "cluster.yaml:2:26: error: 'kubelet.memory_manager_policy' must be 'None' or "
		   "'Static', got 'static'\n  hint: did you mean 'Static'?\n");
	load_fails("gpu_operator:\n  mig_strategy: all\n",
		   "cluster.yaml:2:17: error: 'gpu_operator.mig_strategy' must be 'none', 'single' "
		   "or 'mixed', got 'all'\n");
}

static void test_strings(void **state)
{
	struct settings s;

	load_ok("cluster: {roce_netif: ~, internal_domain: a-b.c1}\n", &s);
	assert_string_equal(s.cluster.roce_netif, "");
	assert_string_equal(s.cluster.internal_domain, "a-b.c1");
	settings_release(&s);
	load_fails("cluster:\n  internal_domain: Example.ORG\n",
		   "cluster.yaml:2:20: error: 'cluster.internal_domain' must be a DNS name like "
		   "harbor.internal (lowercase letters, digits, '-' and '.'), got 'Example.ORG'\n");
	load_fails("cluster:\n  internal_domain:\n",
		   "cluster.yaml:2:19: error: 'cluster.internal_domain' needs a value\n"
		   "  hint: write a value after the ':' or delete the line to keep the default\n");
	load_fails("registry:\n  install_dir: opt/harbor\n",
		   "cluster.yaml:2:16: error: 'registry.install_dir' must be an absolute path like "
		   "/opt/harbor, got 'opt/harbor'\n");
	load_fails("cluster:\n  ansible_user: !vault abc\n",
		   "cluster.yaml:2:17: error: 'cluster.ansible_user' has an unsupported tag "
		   "'!vault'\n  hint: remove the tag\n");
	load_fails("cluster:\n  ansible_user: \"a\\0b\"\n",
		   "cluster.yaml:2:17: error: 'cluster.ansible_user' contains a NUL character\n");
	load_fails("gpu_operator:\n  repo: ftp://x\n",
		   "cluster.yaml:2:9: error: 'gpu_operator.repo' must be a chart repository URL "
		   "like https://example.org/charts, got 'ftp://x'\n");
}

static void test_metallb_addresses(void **state)
{
	struct settings s;

	load_ok("metallb:\n  addresses:\n  - 10.18.20.200-10.18.20.210\n  - 10.0.0.0/28\n"
		"  - 10.1.0.1 - 10.1.0.1\n", &s);
	assert_int_equal(s.metallb.addresses.nr, 3);
	assert_string_equal(s.metallb.addresses.v[1], "10.0.0.0/28");
	settings_release(&s);
	load_ok("metallb: {addresses: 192.168.0.0/16}\n", &s);
	assert_int_equal(s.metallb.addresses.nr, 1);
	settings_release(&s);

	assert_true(ipv4_pool_entry_valid("0.0.0.0/0"));
	assert_true(ipv4_pool_entry_valid("1.2.3.4/32"));
	assert_false(ipv4_pool_entry_valid("1.2.3.4/33"));
	assert_false(ipv4_pool_entry_valid("1.2.3.4/01"));
	assert_false(ipv4_pool_entry_valid("1.2.3.4"));
	assert_false(ipv4_pool_entry_valid("01.2.3.4/32"));
	assert_false(ipv4_pool_entry_valid("1.2.3/24"));
	assert_false(ipv4_pool_entry_valid("1.2.3.4.5/24"));
	assert_false(ipv4_pool_entry_valid("1.2.3.9-1.2.3.1"));
	assert_false(ipv4_pool_entry_valid("1.2.3.4-1.2.3.5/24"));
	assert_false(ipv4_pool_entry_valid("fe80::/64"));

	load_fails("metallb:\n  addresses: [10.0.0.1, 10.0.0.300-10.0.0.301]\n",
		   "cluster.yaml:2:15: error: 'metallb.addresses[0]' must be an IPv4 range like "
		   "10.18.20.200-10.18.20.210 or a CIDR like 10.18.20.0/28, got '10.0.0.1'\n"
		   "  hint: write a single address as 10.0.0.1/32\n"
		   "cluster.yaml:2:25: error: 'metallb.addresses[1]' must be an IPv4 range like "
		   "10.18.20.200-10.18.20.210 or a CIDR like 10.18.20.0/28, got "
		   "'10.0.0.300-10.0.0.301'\n");
	load_fails("metallb:\n  addresses: {a: b}\n",
		   "cluster.yaml:2:14: error: 'metallb.addresses' must be a list of ranges or "
		   "CIDRs, got a mapping\n");
}

static void test_filesystems(void **state)
{
	struct settings s;

	load_ok("storage:\n  filesystems:\n  - storage_class: scratch\n"
		"    exa_fs: 10.0.0.1@o2ib10,10.0.0.2@o2ib10:10.0.0.3@tcp0:/scratch\n"
		"    mount_point: /scratch\n    default: yes\n", &s);
	assert_int_equal(s.storage.filesystems.nr, 1);
	assert_int_equal(s.storage.filesystems.v[0].is_default, 1);
	assert_string_equal(s.storage.filesystems.v[0].mount_options,
			    "network=o2ib10,flock,noauto,defaults");
	settings_release(&s);

	load_fails("storage:\n  filesystems:\n  - storage_class: a\n    mountpoint: /a\n",
		   "cluster.yaml:3:5: error: 'storage.filesystems[0]' has no 'exa_fs'\n"
		   "  hint: each filesystem needs storage_class, exa_fs and mount_point\n"
		   "cluster.yaml:3:5: error: 'storage.filesystems[0]' has no 'mount_point'\n"
		   "  hint: each filesystem needs storage_class, exa_fs and mount_point\n"
		   "cluster.yaml:4:5: error: unknown key 'storage.filesystems[0].mountpoint'\n"
		   "  hint: did you mean 'storage.filesystems[0].mount_point'?\n");
	load_fails("storage:\n  filesystems:\n  - storage_class: a\n    exa_fs: 10.0.0.1:/a\n"
		   "    mount_point: /a\n",
		   "cluster.yaml:4:13: error: 'storage.filesystems[0].exa_fs' must be NIDs and a "
		   "filesystem like 172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast, got "
		   "'10.0.0.1:/a'\n");
	load_fails("storage:\n  filesystems:\n  - x\n",
		   "cluster.yaml:3:5: error: 'storage.filesystems[0]' must be a mapping of "
		   "storage_class, exa_fs, mount_point ..., got 'x'\n");
	load_fails("storage:\n  filesystems:\n"
		   "  - {storage_class: a, exa_fs: '1.2.3.4@tcp0:/a', mount_point: /a, default: true}\n"
		   "  - {storage_class: a, exa_fs: '1.2.3.4@tcp0:/b', mount_point: /a, default: true}\n",
		   "cluster.yaml:2:3: error: 'storage.filesystems' has two entries named 'a'\n"
		   "  hint: give each one its own name\n"
		   "cluster.yaml:2:3: error: 'storage.filesystems' mounts two filesystems on '/a'\n"
		   "cluster.yaml:2:3: error: 'storage.filesystems' has 2 default storage classes\n"
		   "  hint: set 'default: true' on one of them only\n");
}

static void test_unknown_keys(void **state)
{
	load_fails("kubelt:\n  cpu_manager_policy: static\n",
		   "cluster.yaml:1:1: error: unknown key 'kubelt'\n"
		   "  hint: did you mean 'kubelet'?\n");
	load_fails("kubelet:\n  cpu_manger_policy: static\n",
		   "cluster.yaml:2:3: error: unknown key 'kubelet.cpu_manger_policy'\n"
		   "  hint: did you mean 'kubelet.cpu_manager_policy'?\n");
	load_fails("internal_domain: lab\n",
		   "cluster.yaml:1:1: error: unknown key 'internal_domain'\n"
		   "  hint: did you mean 'cluster.internal_domain'?\n");
	load_fails("metallb_addresses: 10.0.0.1-10.0.0.2\n",
		   "cluster.yaml:1:1: error: unknown key 'metallb_addresses'\n"
		   "  hint: the playbook's 'metallb_addresses' is 'metallb.addresses' in "
		   "cluster.yaml\n");
	load_fails("zzzzzz: 1\n",
		   "cluster.yaml:1:1: error: unknown key 'zzzzzz'\n"
		   "  hint: 'kcfg config keys' lists every key\n");
	/* every problem at once, in file order */
	load_fails("kubelt: {}\ncluster:\n  rdma: 2\naddons: {gpu: true}\n",
		   "cluster.yaml:1:1: error: unknown key 'kubelt'\n"
		   "  hint: did you mean 'kubelet'?\n"
		   "cluster.yaml:3:9: error: 'cluster.rdma' must be true or false, got '2'\n"
		   "cluster.yaml:4:10: error: unknown key 'addons.gpu'\n"
		   "  hint: did you mean 'addons.gpu_operator'?\n");
}

static void test_structure_errors(void **state)
{
	struct settings s;

	load_ok("kubelet:\n# all commented out\n", &s);	/* a null section is empty */
	settings_release(&s);
	load_fails("- a\n- b\n",
		   "cluster.yaml:1:1: error: the top level must be a mapping of sections, got a "
		   "sequence\n  hint: start with a section such as 'cluster:' (see 'kcfg config "
		   "show')\n");
	load_fails("kubelet: static\n",
		   "cluster.yaml:1:10: error: 'kubelet' must be a mapping of keys, got 'static'\n"
		   "  hint: write its keys indented below 'kubelet:'\n");
	load_fails("cluster:\n  rdma: yes\n  rdma: no\n",
		   "cluster.yaml:3:3: error: duplicate key 'rdma'\n"
		   "  hint: it is first defined at line 2; keep only one of them\n");
}

static void test_check_required(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf got = STRBUF_INIT;
	struct settings s;

	/* the defaults pin every download a default add-on makes */
	settings_init_defaults(&s);
	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *d = &settings_schema[i];

		if (d->type == ST_SHA256 && d->pin_for)
			assert_int_equal(strlen(settings_string(&s, d->key)), 64);
	}
	assert_int_equal(settings_check_required(&s, DIAG_ERROR, &dl), 1);
	diag_format(&dl, &got);
	assert_string_equal(got.buf,
		"error: 'metallb.addresses' is empty, but 'addons.metallb' is on\n"
		"  hint: set it to a range like 10.18.20.200-10.18.20.210, or turn "
		"'addons.metallb' off\n");
	diag_release(&dl);
	strbuf_reset(&got);
	/* a pin emptied by hand is an error while its add-on is on */
	free(s.versions.mpi_operator_sha256);
	s.versions.mpi_operator_sha256 = xstrdup("");
	free(s.versions.exascaler_csi_sha256);
	s.versions.exascaler_csi_sha256 = xstrdup("");
	assert_int_equal(settings_check_required(&s, DIAG_ERROR, &dl), 3);
	diag_format(&dl, &got);
	assert_string_equal(got.buf,
		"error: 'versions.mpi_operator_sha256' is empty, but kcfg downloads "
		"mpi_operator v0.8.0\n"
		"  hint: set it to the sha256 of the versions.mpi_operator download, or turn "
		"'addons.mpi_operator' off\n"
		"error: 'versions.exascaler_csi_sha256' is empty, but kcfg downloads "
		"exascaler_csi v2.9.0\n"
		"  hint: set it to the sha256 of the versions.exascaler_csi download, or turn "
		"'addons.storage' off\n"
		"error: 'metallb.addresses' is empty, but 'addons.metallb' is on\n"
		"  hint: set it to a range like 10.18.20.200-10.18.20.210, or turn "
		"'addons.metallb' off\n");
	diag_release(&dl);
	settings_release(&s);
	/* config check only warns */
	settings_init_defaults(&s);
	assert_int_equal(settings_check_required(&s, DIAG_WARNING, &dl), 1);
	assert_int_equal(dl.errors, 0);
	assert_int_equal(dl.d[0].level, DIAG_WARNING);
	diag_release(&dl);
	settings_release(&s);

	load_ok("addons: {mpi_operator: false, storage: false}\n"
		"metallb:\n  addresses: 10.0.0.0/30\n", &s);
	assert_int_equal(settings_check_required(&s, DIAG_ERROR, &dl), 0);
	settings_release(&s);

	/* a Whereabouts pin is needed while the network operator and whereabouts are on */
	load_ok("versions: {whereabouts_ippools_sha256: \"\"}\n"
		"metallb:\n  addresses: 10.0.0.0/30\n", &s);
	assert_true(settings_pin_needed(&s, "versions.whereabouts_ippools_sha256"));
	assert_int_equal(settings_check_required(&s, DIAG_ERROR, &dl), 1);
	strbuf_reset(&got);
	diag_format(&dl, &got);
	assert_string_equal(got.buf,
		"cluster.yaml:1:12: error: 'versions.whereabouts_ippools_sha256' is empty, but kcfg "
		"downloads whereabouts v0.9.4\n"
		"  hint: set it to the sha256 of the versions.whereabouts download, or turn "
		"'network_operator.whereabouts' off\n");
	diag_release(&dl);
	settings_release(&s);
	load_ok("versions: {whereabouts_ippools_sha256: \"\"}\n"
		"network_operator: {whereabouts: false}\n"
		"metallb:\n  addresses: 10.0.0.0/30\n", &s);
	assert_false(settings_pin_needed(&s, "versions.whereabouts_ippools_sha256"));
	assert_int_equal(settings_check_required(&s, DIAG_ERROR, &dl), 0);
	settings_release(&s);
	load_ok("versions: {whereabouts_ippools_sha256: \"\"}\n"
		"addons: {network_operator: false}\n"
		"metallb:\n  addresses: 10.0.0.0/30\n", &s);
	assert_false(settings_pin_needed(&s, "versions.whereabouts_ippools_sha256"));
	assert_int_equal(settings_check_required(&s, DIAG_ERROR, &dl), 0);
	settings_release(&s);
	strbuf_release(&got);
}

static void test_template_loads_as_defaults(void **state)
{
	struct strbuf tmpl = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT, err = STRBUF_INIT;
	struct settings s, d;

	assert_int_equal(templates_cluster_yaml(&tmpl, &err), 0);
	/* every key appears in it */
	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *def = &settings_schema[i];
		struct strbuf k = STRBUF_INIT;
		strbuf_addch(&k, '\n');
		strbuf_addchars(&k, ' ', 2 * (size_t)schema_depth(def->key));
		if (def->flags & SF_DERIVED)
			strbuf_addstr(&k, "# ");	/* commented out */
		strbuf_addf(&k, "%s:", schema_leaf_name(def->key));
		if (!strstr(tmpl.buf, k.buf))
			fail_msg("'%s' is not in the template", def->key);
		strbuf_release(&k);
	}
	load_ok(tmpl.buf, &s);
	settings_init_defaults(&d);
	assert_int_equal(settings_to_yaml(&s, &a, &err), 0);
	assert_int_equal(settings_to_yaml(&d, &b, &err), 0);
	assert_string_equal(a.buf, b.buf);
	settings_release(&s);
	settings_release(&d);
	strbuf_release(&tmpl);
	strbuf_release(&a);
	strbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_is_consistent),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file_is_defaults),
		cmocka_unit_test(test_print_parse_print_is_stable),
		cmocka_unit_test(test_registry_name),
		cmocka_unit_test(test_bool_values),
		cmocka_unit_test(test_int_values),
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_versions_and_pins),
		cmocka_unit_test(test_version_errors),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_metallb_addresses),
		cmocka_unit_test(test_filesystems),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_check_required),
		cmocka_unit_test(test_template_loads_as_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
