/*
 * The table of every cluster.yaml key: type, default, documentation and
 * checks. Defaults are the values the original playbook hard-coded (see
 * docs/cluster-yaml.md), updated where upstream moved on.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/names.h"
#include "config/settings.h"
#include "config/settings-schema.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Character class helpers; locale-free on purpose. */
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Names and addresses are config/names.c's, shared with the inventory's checks. */
static int check_dns_label(const char *v)
{
	return names_label_ok(v) ? 0 : -1;
}

/* An image reference with a pinned tag: [registry/]path:tag, no digest-less "latest". */
static int check_image(const char *v)
{
	const char *colon = strrchr(v, ':');
	size_t n = strlen(v);

	if (!n || n > 255 || !colon || colon == v || strchr(colon, '/') || !colon[1] ||
	    !strcmp(colon + 1, "latest"))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || strchr("./:_-", v[i])))
			return -1;
	return 0;
}

/* An IPv4 CIDR a.b.c.d/n, or empty. */
static int check_cidr_or_empty(const char *v)
{
	const char *slash = strchr(v, '/');
	char ip[16];
	char *end;
	long bits;

	if (!*v)
		return 0;
	if (!slash || (size_t)(slash - v) >= sizeof(ip))
		return -1;
	memcpy(ip, v, (size_t)(slash - v));
	ip[slash - v] = '\0';
	if (!names_ipv4_ok(ip) || slash[1] < '0' || slash[1] > '9')
		return -1;
	bits = strtol(slash + 1, &end, 10);
	return *end || bits < 8 || bits > 30 ? -1 : 0;
}

static int check_dns_name(const char *v)
{
	return names_dns_ok(v) ? 0 : -1;
}

static int check_user(const char *v)
{
	return names_user_ok(v) ? 0 : -1;
}

static int check_netif(const char *v)
{
	return names_netif_ok(v) ? 0 : -1;
}

int project_id_check(const char *v)
{
	unsigned long long n = 0;
	size_t len = strlen(v);

	if (len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (unsigned)(v[i] - '0');
	}
	return n > 4294967295ull ? -1 : 0;
}

static int check_abs_path(const char *v)
{
	size_t len = strlen(v);

	if (v[0] != '/' || len > 4095)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] <= ' ' || v[i] == 0x7f)
			return -1;
	if (strstr(v, "/../") || ends_with(v, "/..") || strstr(v, "//"))
		return -1;
	return 0;
}

static int check_url(const char *v)
{
	const char *host;

	if (starts_with(v, "https://"))
		host = v + 8;
	else if (starts_with(v, "http://"))
		host = v + 7;
	else if (starts_with(v, "oci://"))
		host = v + 6;
	else
		return -1;
	if (!*host || *host == '/')
		return -1;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\'')
			return -1;
	return 0;
}

/* An OpenSSL -subj string without CN: /C=JP/O=Example */
static int check_subject(const char *v)
{
	const char *p = v;

	if (*p != '/')
		return -1;
	while (*p == '/') {
		const char *key = ++p;
		while (is_alpha(*p))
			p++;
		if (p == key || *p != '=')
			return -1;
		const char *val = ++p;
		while (*p && *p != '/') {
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				return -1;
			p++;
		}
		if (p == val)
			return -1;
	}
	return *p ? -1 : 0;
}

/* An LNet network: a type and a number, o2ib10, tcp0 (the type may hold digits) */
static int lnet_net_ok(const char *v, size_t n)
{
	if (!n || n > 16 || !is_lower(v[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_lower(v[i]) && !is_digit(v[i]))
			return 0;
	return 1;
}

static int check_lnet_net(const char *v)
{
	return lnet_net_ok(v, strlen(v)) ? 0 : -1;
}

static int check_resource_name(const char *v)
{
	size_t len = strlen(v);

	if (!len || len > 63 || !is_alnum(v[0]))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(v[i]) && v[i] != '_' && v[i] != '-' && v[i] != '.')
			return -1;
	return 0;
}

static int check_pci_vendor(const char *v)
{
	if (strlen(v) != 4)
		return -1;
	for (int i = 0; i < 4; i++)
		if (!is_hex(v[i]))
			return -1;
	return 0;
}

static int check_kmod(const char *v)
{
	size_t len = strlen(v);

	if (!len || len > 55)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!is_lower(v[i]) && !is_digit(v[i]) && v[i] != '_')
			return -1;
	return 0;
}

static int check_mount_options(const char *v)
{
	if (!*v)
		return -1;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '#')
			return -1;
	return 0;
}

/* Reads digits; returns the number or -1 when there are none (or too many). */
static long read_num(const char **pp)
{
	const char *p = *pp;
	long n = 0;

	if (!is_digit(*p))
		return -1;
	while (is_digit(*p)) {
		if (n > 99999999)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	*pp = p;
	return n;
}

/* v1.36.4+k0s.1, from the 1.35 line on (older lines lack the drop-ins kcfg writes) */
static int check_k0s_version(const char *v)
{
	const char *p = v;

	if (*p++ != 'v' || read_num(&p) != 1 || *p++ != '.' || read_num(&p) < 35 ||
	    *p++ != '.' || read_num(&p) < 0 || !starts_with(p, "+k0s."))
		return -1;
	p += 5;
	if (read_num(&p) < 0 || *p)
		return -1;
	return 0;
}

/* kcfg writes harbor.yml in Harbor 2.x's format. */
static int check_harbor_version(const char *v)
{
	return starts_with(v, "v2.") ? 0 : -1;
}

/*
 * An Exascaler filesystem: NIDs (ADDRESS@NET) separated by ':' (or ','
 * between failover partners), then ':/' and the filesystem name, e.g.
 * 172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast
 */
static int check_exa_fs(const char *v)
{
	const char *fs = strstr(v, ":/");
	const char *p = v;

	if (!fs || fs == v || fs[-1] == ',' || fs[-1] == ':' || !fs[2])
		return -1;
	for (const char *q = fs + 2; *q; q++)
		if (!is_alnum(*q) && *q != '_' && *q != '-' && *q != '.' && *q != '/')
			return -1;
	while (p < fs) {
		const char *end = p, *at;
		unsigned long addr;

		while (end < fs && *end != ':' && *end != ',')
			end++;
		at = memchr(p, '@', (size_t)(end - p));
		if (!at || ipv4_parse(p, (size_t)(at - p), &addr) < 0 ||
		    !lnet_net_ok(at + 1, (size_t)(end - at - 1)))
			return -1;
		p = end + 1;
	}
	return 0;
}

static const char *const topology_policies[] = {
	"none", "best-effort", "restricted", "single-numa-node", NULL,
};
static const char *const topology_scopes[] = { "container", "pod", NULL };
static const char *const cpu_policies[] = { "none", "static", NULL };
static const char *const memory_policies[] = { "None", "Static", NULL };
static const char *const mig_strategies[] = { "none", "single", "mixed", NULL };

#define OFF(f) offsetof(struct settings, f)
#define SECTION(k, d) { .key = (k), .type = ST_SECTION, .doc = (d) }
#define STRING(k, f, dflt, chk, w, d) \
	{ .key = (k), .type = ST_STRING, .off = OFF(f), .def = (dflt), .check = (chk), \
	  .what = (w), .doc = (d) }
#define BOOL(k, f, dflt, d) \
	{ .key = (k), .type = ST_BOOL, .off = OFF(f), .def = (dflt), .doc = (d) }
#define INT(k, f, dflt, lo, hi, d) \
	{ .key = (k), .type = ST_INT, .off = OFF(f), .def = (dflt), .min = (lo), .max = (hi), \
	  .doc = (d) }
#define ENUM(k, f, dflt, ch, d) \
	{ .key = (k), .type = ST_ENUM, .off = OFF(f), .def = (dflt), .choices = (ch), .doc = (d) }
#define VERSION(k, f, dflt, d) \
	{ .key = (k), .type = ST_VERSION, .off = OFF(f), .def = (dflt), .doc = (d) }
#define PIN(k, f, dflt, of, need, d) \
	{ .key = (k), .type = ST_SHA256, .off = OFF(f), .def = (dflt), .flags = SF_EMPTY_OK, \
	  .pin_for = (of), .needed_if = (need), .doc = (d) }
/* a pin of one of several files of a release, needed while both bools are on */
#define PIN2(k, f, dflt, of, need, also, d) \
	{ .key = (k), .type = ST_SHA256, .off = OFF(f), .def = (dflt), .flags = SF_EMPTY_OK, \
	  .pin_for = (of), .needed_if = (need), .needed_also = (also), .doc = (d) }
#define CPU(k, f, dflt, d) { .key = (k), .type = ST_CPU, .off = OFF(f), .def = (dflt), .doc = (d) }
#define BYTES(k, f, dflt, d) \
	{ .key = (k), .type = ST_BYTES, .off = OFF(f), .def = (dflt), .doc = (d) }

#define W_DNS "a DNS name like harbor.internal (lowercase letters, digits, '-' and '.')"
#define W_LABEL "a DNS label like gpu-operator (lowercase letters, digits and '-')"
#define W_PATH "an absolute path like /opt/harbor"
#define W_URL "a chart repository URL like https://example.org/charts"

const struct setting_def settings_schema[] = {
	SECTION("cluster", "Who kcfg logs in as, host names and the RoCE network."),
	STRING("cluster.ansible_user", cluster.ansible_user, "mdxuser", check_user,
	       "a user name like mdxuser",
	       "User kcfg logs in as on every host (mdx's default VM user). "
	       "An inventory ansible_user overrides it per host."),
	STRING("cluster.internal_domain", cluster.internal_domain, "internal", check_dns_name,
	       W_DNS,
	       "Domain of the cluster's own names in /etc/hosts: each host is also "
	       "NAME.<internal_domain>."),
	STRING("cluster.roce_suffix", cluster.roce_suffix, "roce", check_dns_label, W_LABEL,
	       "Suffix of each host's RoCE name in /etc/hosts: NAME-<roce_suffix> "
	       "resolves to its roce_host."),
	{ .key = "cluster.roce_netif", .type = ST_STRING, .off = OFF(cluster.roce_netif),
	  .def = "", .flags = SF_EMPTY_OK, .check = check_netif,
	  .what = "a network interface name like ens192",
	  .doc = "RoCE network interface for hosts whose inventory group sets no "
		 "roce_netif. Empty: the inventory must set it." },
	BOOL("cluster.rdma", cluster.rdma, "true",
	     "RDMA over RoCE: every worker needs a roce_host in the inventory, the "
	     "network operator exposes the RDMA device and Lustre uses o2ib."),
	INT("cluster.apt_cache_max_age", cluster.apt_cache_max_age, "3600", 0, 2592000,
	    "Seconds after which the apt package lists are refreshed (0: every run)."),

	SECTION("registry", "The Harbor registry on the registry host."),
	{ .key = "registry.name", .type = ST_STRING, .off = OFF(registry.name),
	  .flags = SF_DERIVED, .check = check_dns_name, .what = W_DNS,
	  .doc = "Registry host name, in its certificate and in image names. "
		 "Default: harbor.<cluster.internal_domain>." },
	STRING("registry.install_dir", registry.install_dir, "/opt/harbor", check_abs_path,
	       W_PATH, "Where the Harbor installer and harbor.yml live on the registry host."),
	STRING("registry.data_volume", registry.data_volume, "/data", check_abs_path, W_PATH,
	       "Harbor's data volume (images, database) on the registry host."),
	STRING("registry.cert_subject", registry.cert_subject,
	       "/C=JP/ST=Chiba/L=Kashiwa/O=MDX/OU=Private", check_subject,
	       "an OpenSSL subject like /C=JP/O=Example",
	       "Subject of the registry CA and certificate; kcfg adds CN=<registry.name>."),
	INT("registry.cert_days", registry.cert_days, "3650", 1, 36500,
	    "Days the registry CA and server certificate are valid."),

	SECTION("versions", "Pinned versions, with the sha256 of every downloaded file."),
	{ .key = "versions.k0s", .type = ST_VERSION, .off = OFF(versions.k0s),
	  .def = "v1.36.4+k0s.1", .check = check_k0s_version,
	  .what = "a k0s release like v1.36.4+k0s.1 (the 1.35 line or later)",
	  .doc = "k0s release. The 1.36 line embeds containerd 2 (drop-ins "
		 "version = 3); the 1.35 line takes version 2 drop-ins." },
	PIN("versions.k0s_sha256", versions.k0s_sha256,
	    "18c304d53cdd70095e99c6b859b269b4fef0bb84579d7e7185271a9135694a31",
	    "versions.k0s", NULL, "sha256 of the linux-amd64 k0s binary."),
	VERSION("versions.kubectl", versions.kubectl, "v1.36.4",
		"kubectl put on the bastion (keep it within one minor of k0s)."),
	PIN("versions.kubectl_sha256", versions.kubectl_sha256,
	    "8b8f088da2dab964f853b38464033b1be15ede2839eca751482357c45abdd05a",
	    "versions.kubectl", NULL, "sha256 of the linux-amd64 kubectl binary."),
	VERSION("versions.helm", versions.helm, "v4.2.4", "helm put on the bastion."),
	PIN("versions.helm_sha256", versions.helm_sha256,
	    "c306b46f719b0a4da32d0f78ee21bf90ce8d602f15b22ab753f0674d1670a7f3",
	    "versions.helm", NULL, "sha256 of helm-<version>-linux-amd64.tar.gz."),
	{ .key = "versions.harbor", .type = ST_VERSION, .off = OFF(versions.harbor),
	  .def = "v2.15.2", .check = check_harbor_version,
	  .what = "a Harbor 2.x release like v2.15.2",
	  .doc = "Harbor online installer release (2.x)." },
	PIN("versions.harbor_sha256", versions.harbor_sha256,
	    "88f6a7436b31890e8e472972a7433d36b7d6a36de9adeb86337fdc9fe7fb5fa3",
	    "versions.harbor", NULL, "sha256 of harbor-online-installer-<version>.tgz."),
	VERSION("versions.gpu_operator", versions.gpu_operator, "v26.7.0",
		"NVIDIA gpu-operator chart version."),
	VERSION("versions.network_operator", versions.network_operator, "v26.4.2",
		"NVIDIA network-operator chart version."),
	VERSION("versions.metallb", versions.metallb, "0.15.3", "metallb chart version."),
	VERSION("versions.kube_prometheus_stack", versions.kube_prometheus_stack, "88.6.0",
		"kube-prometheus-stack chart version."),
	VERSION("versions.spark_operator", versions.spark_operator, "2.5.2",
		"kubeflow spark-operator chart version."),
	VERSION("versions.mpi_operator", versions.mpi_operator, "v0.8.0",
		"kubeflow mpi-operator release; its deploy/v2beta1/mpi-operator.yaml "
		"is applied."),
	PIN("versions.mpi_operator_sha256", versions.mpi_operator_sha256,
	    "b38def13a94abe60b2a4b3485239d77f64892b8fbd202e9e435a6031b7500a8f",
	    "versions.mpi_operator", "addons.mpi_operator",
	    "sha256 of that mpi-operator.yaml as the release tag holds it (upstream "
	    "publishes none; see docs/components.md)."),
	VERSION("versions.exascaler_csi", versions.exascaler_csi, "v2.9.0",
		"DDN exa-csi-driver release (its git tag); its "
		"deploy/kubernetes/exascaler-csi-file-driver.yaml is applied."),
	PIN("versions.exascaler_csi_sha256", versions.exascaler_csi_sha256,
	    "17239796fd42d67fb27e7e71604084524bed5d230e63c08af7b37232c8b3cbbb",
	    "versions.exascaler_csi", "addons.storage",
	    "sha256 of that exascaler-csi-file-driver.yaml as the release tag holds it "
	    "(upstream publishes none; see docs/components.md)."),

	VERSION("versions.whereabouts", versions.whereabouts, "v0.9.4",
		"Whereabouts release (its git tag); the manifests its README installs, "
		"doc/crds/*.yaml at that tag, are applied."),
	PIN2("versions.whereabouts_daemonset_sha256", versions.whereabouts_daemonset_sha256,
	     "5c4e4d528cb29f5b1ce0cda304485c6fc51e8187f2cced7c24df97e332803ab2",
	     "versions.whereabouts", "addons.network_operator", "network_operator.whereabouts",
	     "sha256 of its doc/crds/daemonset-install.yaml (RBAC, ConfigMap, DaemonSet)."),
	PIN2("versions.whereabouts_ippools_sha256", versions.whereabouts_ippools_sha256,
	     "8957e53f260e5ee0ad6560743d02c609ff21e15f6c3b23851971522b3bf6027a",
	     "versions.whereabouts", "addons.network_operator", "network_operator.whereabouts",
	     "sha256 of its doc/crds/whereabouts.cni.cncf.io_ippools.yaml (a CRD)."),
	PIN2("versions.whereabouts_reservations_sha256", versions.whereabouts_reservations_sha256,
	     "59ff31b1cbe8ff7732160f3f533a71884c4bb03b18d2aa48c97b0a2aadcc4cb0",
	     "versions.whereabouts", "addons.network_operator", "network_operator.whereabouts",
	     "sha256 of its doc/crds/whereabouts.cni.cncf.io_overlappingrangeipreservations.yaml "
	     "(a CRD)."),
	PIN2("versions.whereabouts_reconciler_sha256", versions.whereabouts_reconciler_sha256,
	     "4201b8d320e04af66d23ec42df21a1b328c59af20bedda8e7eb300dd7ee651c4",
	     "versions.whereabouts", "addons.network_operator", "network_operator.whereabouts",
	     "sha256 of its doc/crds/reconciler-deployment.yaml (the IP reconciler)."),

	SECTION("kubelet", "Kubelet policies and reservations on every worker (k0s worker profiles)."),
	ENUM("kubelet.topology_manager_policy", kubelet.topology_manager_policy,
	     "single-numa-node", topology_policies, "Topology manager policy."),
	ENUM("kubelet.topology_manager_scope", kubelet.topology_manager_scope, "container",
	     topology_scopes, "Topology manager scope."),
	ENUM("kubelet.cpu_manager_policy", kubelet.cpu_manager_policy, "static", cpu_policies,
	     "CPU manager policy (static: exclusive cores for Guaranteed pods)."),
	ENUM("kubelet.memory_manager_policy", kubelet.memory_manager_policy, "Static",
	     memory_policies,
	     "Memory manager policy. With Static, kcfg computes reserved memory per NUMA "
	     "node so that it sums to kube_reserved + system_reserved + eviction_hard."),
	SECTION("kubelet.kube_reserved", "Resources kept for Kubernetes' own daemons."),
	CPU("kubelet.kube_reserved.cpu", kubelet.kube_reserved.cpu, "500m", "CPU."),
	BYTES("kubelet.kube_reserved.memory", kubelet.kube_reserved.memory, "500Mi", "Memory."),
	BYTES("kubelet.kube_reserved.ephemeral_storage", kubelet.kube_reserved.ephemeral_storage,
	      "1Gi", "Local ephemeral storage."),
	SECTION("kubelet.system_reserved", "Resources kept for the operating system."),
	CPU("kubelet.system_reserved.cpu", kubelet.system_reserved.cpu, "500m", "CPU."),
	BYTES("kubelet.system_reserved.memory", kubelet.system_reserved.memory, "500Mi", "Memory."),
	BYTES("kubelet.system_reserved.ephemeral_storage",
	      kubelet.system_reserved.ephemeral_storage, "1Gi", "Local ephemeral storage."),
	SECTION("kubelet.eviction_hard", "Hard eviction thresholds."),
	BYTES("kubelet.eviction_hard.memory_available", kubelet.eviction_hard.memory_available,
	      "100Mi", "Pods are evicted when free memory drops below this (memory.available)."),

	SECTION("storage", "Exascaler (Lustre) client on the workers and its CSI driver."),
	STRING("storage.namespace", storage.namespace, "exascaler", check_dns_label, W_LABEL,
	       "Namespace of the Exascaler CSI driver."),
	INT("storage.mount_uid", storage.mount_uid, "1000", 0, 4294967294LL,
	    "UID that owns volumes the CSI driver creates (exaMountUid; mdxuser is 1000)."),
	BOOL("storage.hold_kernel", storage.hold_kernel, "true",
	     "Hold the kernel packages (apt-mark hold): the Lustre client modules match "
	     "the running kernel."),
	SECTION("storage.lnet", "LNet configuration of each worker, from its roce_host and roce_netif."),
	STRING("storage.lnet.o2ib_net", storage.lnet.o2ib_net, "o2ib10", check_lnet_net,
	       "an LNet network like o2ib10", "LNet network over RDMA."),
	STRING("storage.lnet.tcp_net", storage.lnet.tcp_net, "tcp10", check_lnet_net,
	       "an LNet network like tcp10", "LNet network over TCP."),
	STRING("storage.lnet.template_path", storage.lnet.template_path, "/etc/lnet.conf.ddn.j2",
	       check_abs_path, W_PATH,
	       "The DDN LNet template the worker image provides, with the peers of the "
	       "filesystem servers."),
	STRING("storage.lnet.config_path", storage.lnet.config_path, "/etc/lnet.conf.ddn",
	       check_abs_path, W_PATH, "The LNet configuration kcfg writes from the template."),
	STRING("storage.lnet.service", storage.lnet.service, "lustre_client",
	       check_resource_name, "a systemd unit name like lustre_client",
	       "Service restarted when the LNet configuration changes."),
	{ .key = "storage.filesystems", .type = ST_FS_LIST, .off = OFF(storage.filesystems),
	  .def = "- storage_class: exascaler-sc-fast\n"
		 "  default: true\n"
		 "  exa_fs: 172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast\n"
		 "  mount_point: /fast\n"
		 "- storage_class: exascaler-sc-large\n"
		 "  exa_fs: 172.17.8.56@o2ib10:172.17.8.57@o2ib10:/large\n"
		 "  mount_point: /large\n",
	  .doc = "Filesystems mounted on every worker, each with a StorageClass. "
		 "Fields: storage_class, default, exa_fs, mount_point, mount_options, "
		 "project_id." },

	SECTION("gpu_operator", "NVIDIA GPU operator (chart values)."),
	STRING("gpu_operator.namespace", gpu_operator.namespace, "gpu-operator", check_dns_label,
	       W_LABEL, "Namespace."),
	STRING("gpu_operator.repo", gpu_operator.repo, "https://helm.ngc.nvidia.com/nvidia",
	       check_url, W_URL, "Chart repository (NVIDIA's NGC helm repository)."),
	BOOL("gpu_operator.driver", gpu_operator.driver, "false",
	     "driver.enabled: deploy the GPU driver (off: the host provides it, and "
	     "with it nvidia-peermem and gdrdrv, which preflight checks)."),
	BOOL("gpu_operator.toolkit", gpu_operator.toolkit, "true",
	     "toolkit.enabled: the operator installs NVIDIA's container toolkit and "
	     "writes its runtime into k0s's containerd (off: the host provides "
	     "/usr/bin/nvidia-container-runtime, kcfg writes the containerd drop-in "
	     "naming it, and preflight blocks where it is missing)."),
	BOOL("gpu_operator.nfd", gpu_operator.nfd, "true",
	     "nfd.enabled: deploy node feature discovery."),
	ENUM("gpu_operator.mig_strategy", gpu_operator.mig_strategy, "mixed", mig_strategies,
	     "mig.strategy."),
	BOOL("gpu_operator.mig_manager", gpu_operator.mig_manager, "true",
	     "migManager.enabled: apply MIG profiles from node labels."),
	BOOL("gpu_operator.gdrcopy", gpu_operator.gdrcopy, "true",
	     "GDRCopy (gdrdrv): with driver on, gdrcopy.enabled (the operator's driver "
	     "pod loads gdrdrv); with driver off, the chart gets nothing and preflight "
	     "warns where the host has no gdrdrv loaded."),
	BOOL("gpu_operator.rdma", gpu_operator.rdma, "true",
	     "GPUDirect RDMA (nvidia-peermem), with cluster.rdma: with driver on, "
	     "driver.rdma.enabled; with driver off, the chart gets nothing and "
	     "preflight warns where the host has no nvidia_peermem loaded."),
	BOOL("gpu_operator.use_host_mofed", gpu_operator.use_host_mofed, "true",
	     "driver.rdma.useHostMofed (with driver on): the host provides the MOFED "
	     "driver."),
	STRING("gpu_operator.containerd_config_dir", gpu_operator.containerd_config_dir,
	       "/etc/k0s/containerd.d", check_abs_path, W_PATH,
	       "k0s's containerd drop-in directory: the toolkit writes nvidia.toml there "
	       "(RUNTIME_DROP_IN_CONFIG)."),
	STRING("gpu_operator.containerd_socket", gpu_operator.containerd_socket,
	       "/run/k0s/containerd.sock", check_abs_path, W_PATH,
	       "k0s's containerd socket (toolkit CONTAINERD_SOCKET)."),

	SECTION("network_operator", "NVIDIA network operator and the NicClusterPolicy kcfg writes."),
	STRING("network_operator.namespace", network_operator.namespace,
	       "nvidia-network-operator", check_dns_label, W_LABEL, "Namespace."),
	STRING("network_operator.repo", network_operator.repo,
	       "https://helm.ngc.nvidia.com/nvidia", check_url, W_URL, "Chart repository."),
	BOOL("network_operator.rdma_shared_device_plugin",
	     network_operator.rdma_shared_device_plugin, "true",
	     "Deploy the RDMA shared device plugin."),
	STRING("network_operator.rdma_resource_name", network_operator.rdma_resource_name,
	       "rdma_shared_device", check_resource_name, "a resource name like rdma_shared_device",
	       "Resource pods request as rdma/<name>."),
	STRING("network_operator.rdma_vendor", network_operator.rdma_vendor, "15b3",
	       check_pci_vendor, "a PCI vendor id of 4 hex digits like 15b3",
	       "PCI vendor of the RDMA devices (15b3: Mellanox/NVIDIA)."),
	STRING("network_operator.rdma_driver", network_operator.rdma_driver, "mlx5_core",
	       check_kmod, "a kernel module name like mlx5_core", "Driver of the RDMA devices."),
	INT("network_operator.rdma_hca_max", network_operator.rdma_hca_max, "1000", 1, 1000000,
	    "How many pods may share one RDMA device (rdmaHcaMax)."),
	BOOL("network_operator.multus", network_operator.multus, "true",
	     "Deploy Multus for secondary networks."),
	BOOL("network_operator.cni_plugins", network_operator.cni_plugins, "true",
	     "Deploy the standard CNI plugins (ipvlan, macvlan ...)."),
	BOOL("network_operator.whereabouts", network_operator.whereabouts, "true",
	     "Deploy Whereabouts IP address management (the 'whereabouts' IPAM of "
	     "secondary networks) from its pinned release (versions.whereabouts)."),

	SECTION("metallb", "MetalLB load balancer."),
	{ .key = "metallb.addresses", .type = ST_POOL, .off = OFF(metallb.addresses),
	  .def = "[]",
	  .doc = "Addresses for LoadBalancer services: a range (10.18.20.200-10.18.20.210), "
		 "a CIDR (10.18.20.0/28) or a list of them. Needed when addons.metallb is on." },
	STRING("metallb.namespace", metallb.namespace, "metallb-system", check_dns_label,
	       W_LABEL, "Namespace."),
	STRING("metallb.repo", metallb.repo, "https://metallb.github.io/metallb", check_url,
	       W_URL, "Chart repository."),
	STRING("metallb.pool_name", metallb.pool_name, "default", check_dns_label, W_LABEL,
	       "Name of the IPAddressPool and L2Advertisement."),

	SECTION("monitoring", "kube-prometheus-stack; Grafana's password comes from the vault."),
	STRING("monitoring.namespace", monitoring.namespace, "prometheus", check_dns_label,
	       W_LABEL, "Namespace."),
	STRING("monitoring.repo", monitoring.repo,
	       "https://prometheus-community.github.io/helm-charts", check_url, W_URL,
	       "Chart repository."),

	SECTION("spark_operator", "Kubeflow Spark operator."),
	STRING("spark_operator.namespace", spark_operator.namespace, "spark-operator",
	       check_dns_label, W_LABEL, "Namespace of the operator."),
	STRING("spark_operator.repo", spark_operator.repo,
	       "https://kubeflow.github.io/spark-operator", check_url, W_URL,
	       "Chart repository."),
	STRING("spark_operator.job_namespace", spark_operator.job_namespace, "default",
	       check_dns_label, W_LABEL, "Namespace where SparkApplications run."),

	SECTION("smoke", "What 'kcfg status --smoke' runs (docs/status.md): images with pinned "
		"tags, pulled by the cluster's nodes."),
	STRING("smoke.gpu_image", smoke.gpu_image, "nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04",
	       check_image, "an image with a pinned tag like nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04",
	       "Image of the GPU pod (it runs 'nvidia-smi -L'; NVIDIA's CUDA base image)."),
	STRING("smoke.tools_image", smoke.tools_image, "docker.io/library/busybox:1.36.1",
	       check_image, "an image with a pinned tag like docker.io/library/busybox:1.36.1",
	       "Image of the RDMA and storage pods (a shell, ls and ip: busybox)."),
	STRING("smoke.rdma_range", smoke.rdma_range, "", check_cidr_or_empty,
	       "an IPv4 CIDR like 10.146.16.0/21, or empty",
	       "Addresses on the RoCE network for the RDMA pod's second interface (its "
	       "NetworkAttachmentDefinition's IPAM range). Empty: the RDMA pod is not run."),

	SECTION("preflight", "What 'kcfg preflight' (and apply's first phase) requires of each "
		"host; the sizes are the original playbook's prerequisites."),
	INT("preflight.max_clock_skew", preflight.max_clock_skew, "30", 1, 86400,
	    "Seconds a host's clock may differ from this machine's (certificates and etcd "
	    "need close clocks)."),
	SECTION("preflight.min_cpus", "CPU cores each role needs at least."),
	INT("preflight.min_cpus.bastion", preflight.min_cpus.bastion, "1", 1, 65536, "Bastion."),
	INT("preflight.min_cpus.registry", preflight.min_cpus.registry, "2", 1, 65536,
	    "Registry (Harbor)."),
	INT("preflight.min_cpus.controller", preflight.min_cpus.controller, "2", 1, 65536,
	    "k0s controller."),
	INT("preflight.min_cpus.worker", preflight.min_cpus.worker, "2", 1, 65536,
	    "Workers and GPU workers."),
	BYTES("preflight.min_memory", preflight.min_memory, "1Gi",
	      "Memory every host needs at least (k0s's own system requirements: 1 GB for a "
	      "controller)."),
	BYTES("preflight.registry_disk", preflight.registry_disk, "160G",
	      "Size of the filesystem holding registry.data_volume on the registry."),
	BYTES("preflight.worker_disk", preflight.worker_disk, "100G",
	      "Size of the filesystem holding /var/lib/k0s on each worker."),

	SECTION("addons", "Which cluster add-ons kcfg installs."),
	BOOL("addons.gpu_operator", addons.gpu_operator, "true", "NVIDIA GPU operator."),
	BOOL("addons.network_operator", addons.network_operator, "true",
	     "NVIDIA network operator (RDMA, Multus, Whereabouts)."),
	BOOL("addons.metallb", addons.metallb, "true", "MetalLB and its address pool."),
	BOOL("addons.monitoring", addons.monitoring, "true", "kube-prometheus-stack and Grafana."),
	BOOL("addons.mpi_operator", addons.mpi_operator, "true", "Kubeflow MPI operator."),
	BOOL("addons.spark_operator", addons.spark_operator, "true", "Kubeflow Spark operator."),
	BOOL("addons.storage", addons.storage, "true",
	     "Exascaler: Lustre client, CSI driver and storage classes."),

	{ .key = "extras", .type = ST_EXTRAS, .off = OFF(extras), .def = "[]",
	  .doc = "Your own additions per inventory group ('all' included): directories, "
		 "files, blocks, absent paths, packages, services and commands. "
		 "See docs/cluster-yaml.md." },
};

const size_t settings_schema_nr = ARRAY_SIZE(settings_schema);

#define FOFF(f) offsetof(struct storage_fs, f)

const struct setting_def storage_fs_fields[] = {
	{ .key = "storage_class", .type = ST_STRING, .off = FOFF(storage_class),
	  .flags = SF_REQUIRED, .check = check_dns_name,
	  .what = "a StorageClass name like exascaler-sc-fast",
	  .doc = "Name of the StorageClass." },
	{ .key = "default", .type = ST_BOOL, .off = FOFF(is_default), .def = "false",
	  .doc = "Make it the cluster's default StorageClass (at most one)." },
	{ .key = "exa_fs", .type = ST_STRING, .off = FOFF(exa_fs), .flags = SF_REQUIRED,
	  .check = check_exa_fs,
	  .what = "NIDs and a filesystem like 172.17.8.40@o2ib10:172.17.8.41@o2ib10:/fast",
	  .doc = "The filesystem: server NIDs and the filesystem name (exaFS)." },
	{ .key = "mount_point", .type = ST_STRING, .off = FOFF(mount_point),
	  .flags = SF_REQUIRED, .check = check_abs_path, .what = W_PATH,
	  .doc = "Where it is mounted on each worker." },
	{ .key = "mount_options", .type = ST_STRING, .off = FOFF(mount_options),
	  .def = "network=o2ib10,flock,noauto,defaults", .check = check_mount_options,
	  .what = "comma-separated mount options without spaces",
	  .doc = "Mount options (fstab and the StorageClass)." },
	{ .key = "project_id", .type = ST_STRING, .off = FOFF(project_id), .def = "",
	  .flags = SF_EMPTY_OK, .check = project_id_check,
	  .what = "a Lustre project id like 1000 (lfs project -d MOUNT_POINT)",
	  .doc = "Its Lustre project id, which the StorageClass carries." },
};

const size_t storage_fs_fields_nr = ARRAY_SIZE(storage_fs_fields);

const struct setting_def *schema_find(const char *key)
{
	for (size_t i = 0; i < settings_schema_nr; i++)
		if (!strcmp(settings_schema[i].key, key))
			return &settings_schema[i];
	return NULL;
}

size_t schema_index(const struct setting_def *d)
{
	return (size_t)(d - settings_schema);
}

const char *schema_leaf_name(const char *key)
{
	const char *dot = strrchr(key, '.');
	return dot ? dot + 1 : key;
}

int schema_depth(const char *key)
{
	int n = 0;
	for (; *key; key++)
		n += *key == '.';
	return n;
}

const char *schema_type_name(const struct setting_def *d)
{
	switch (d->type) {
	case ST_SECTION: return "section";
	case ST_STRING: return "string";
	case ST_BOOL: return "bool";
	case ST_INT: return "int";
	case ST_CPU: return "cpu";
	case ST_BYTES: return "size";
	case ST_VERSION: return "version";
	case ST_SHA256: return "sha256";
	case ST_ENUM: return "enum";
	case ST_POOL: return "addresses";
	case ST_FS_LIST: return "filesystems";
	case ST_EXTRAS: return "extras";
	}
	return "?";
}
