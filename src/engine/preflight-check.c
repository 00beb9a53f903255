/*
 * The preflight checks that need no host: each looks at a host's facts
 * or what the preflight script read there and adds every problem it
 * finds to a diagnostic list (an error blocks the run, a warning does
 * not), with the fix as its hint. Callers say which host and component.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "engine/preflight.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define GIB (1024.0 * 1024 * 1024)
#define GB 1e9

/*
 * The releases kcfg's components are written for: the packages they
 * install (docker-compose-v2 from Ubuntu 22.04 on, harbor.c) and the
 * sandbox hosts' Debian 12 its tests run on. The original playbook
 * assumed Ubuntu 20.04.
 */
const char *const preflight_releases[] = {
	"ubuntu 20.04", "ubuntu 22.04", "ubuntu 24.04", "debian 12", NULL,
};

void preflight_check_release(const struct facts *f, struct diag_list *dl)
{
	struct strbuf have = STRBUF_INIT, list = STRBUF_INIT;

	if (!f->os_id || !f->os_version) {
		diag_error(dl, NULL, 0, 0, "make /etc/os-release readable (the os-release "
			   "package), then 'kcfg facts' again",
			   "its release is not known: the facts have no /etc/os-release");
		return;
	}
	strbuf_addf(&have, "%s %s", f->os_id, f->os_version);
	for (size_t i = 0; preflight_releases[i]; i++) {
		if (!strcmp(preflight_releases[i], have.buf))
			goto out;
		strbuf_addf(&list, "%s%s", i ? ", " : "", preflight_releases[i]);
	}
	strbuf_reset(&have);
	facts_quote(&have, f->os_pretty ? f->os_pretty : f->os_id);
	diag_error(dl, NULL, 0, 0, "install one of the supported releases on it",
		   "it runs %s (%s %s), a release kcfg does not support (it supports %s)",
		   have.buf, f->os_id, f->os_version, list.buf);
out:
	strbuf_release(&have);
	strbuf_release(&list);
}

void preflight_check_size(const struct facts *f, const char *role, long long min_cpus,
			  long long min_memory, struct diag_list *dl)
{
	if ((long long)f->cpus < min_cpus)
		diag_error(dl, NULL, 0, 0, "give the machine more CPU cores, or lower "
			   "preflight.min_cpus in cluster.yaml",
			   "it has %u CPU core%s; a %s needs at least %lld", f->cpus,
			   f->cpus == 1 ? "" : "s", role, min_cpus);
	if ((long long)f->memory_bytes < min_memory)
		diag_error(dl, NULL, 0, 0, "give the machine more memory, or lower "
			   "preflight.min_memory in cluster.yaml",
			   "it has %.1f GiB of memory; a %s needs at least %.1f GiB",
			   (double)f->memory_bytes / GIB, role, (double)min_memory / GIB);
}

void preflight_check_disk(const struct preflight_probe *p, const char *path,
			  long long min, const char *what, const char *setting,
			  struct diag_list *dl)
{
	const struct preflight_df *d = preflight_df_of(p, path);

	if (!d) {
		diag_warning(dl, NULL, 0, 0, "check that df works on the host",
			     "the size of %s (%s) could not be read", what, path);
		return;
	}
	if ((long long)d->size < min) {
		struct strbuf hint = STRBUF_INIT;

		strbuf_addf(&hint, "give it a larger disk, or lower %s in cluster.yaml", setting);
		diag_error(dl, NULL, 0, 0, hint.buf,
			   "%s (%s) is on a filesystem of %.1f GB; it needs at least %.1f GB",
			   what, path, (double)d->size / GB, (double)min / GB);
		strbuf_release(&hint);
	}
}

static int owned(const char *process, const char *const *own)
{
	for (size_t i = 0; process && own && own[i]; i++)
		if (!strcmp(process, own[i]))
			return 1;
	return 0;
}

void preflight_check_ports(const struct preflight_probe *p, const unsigned *ports,
			   size_t nr, const char *const *own, const char *what,
			   struct diag_list *dl)
{
	if (p->no_ss) {
		diag_warning(dl, NULL, 0, 0, "install iproute2 on the host",
			     "its listening ports could not be read: 'ss' is not installed");
		return;
	}
	for (size_t i = 0; i < nr; i++) {
		const struct preflight_listener *l = preflight_listener(p, ports[i]);
		struct strbuf who = STRBUF_INIT;

		if (!l || owned(l->process, own))
			continue;
		if (l->process)
			facts_quote(&who, l->process);
		else
			strbuf_addstr(&who, "another program");
		diag_error(dl, NULL, 0, 0, "stop that program or move it to another port "
			   "('ss -ltnp' on the host shows it)",
			   "TCP port %u, which %s needs, is taken by %s", ports[i], what, who.buf);
		strbuf_release(&who);
	}
}

void preflight_check_clock(const struct preflight_probe *p, long long local_now,
			   long long max_skew, struct diag_list *dl)
{
	long long skew = p->clock - local_now;

	if (!p->have_clock)
		return;
	if (skew > max_skew || -skew > max_skew)
		diag_error(dl, NULL, 0, 0, "synchronise its clock (systemd-timesyncd or chrony "
			   "against the same NTP servers as this machine), or raise "
			   "preflight.max_clock_skew in cluster.yaml",
			   "its clock is %lld s %s this machine's; at most %lld s is allowed "
			   "(certificates and etcd need close clocks)",
			   skew < 0 ? -skew : skew, skew < 0 ? "behind" : "ahead of", max_skew);
}

void preflight_check_sysinfo(const struct preflight_probe *p, struct diag_list *dl)
{
	size_t rejected = 0;

	if (!p->sysinfo_ran)
		return;
	for (size_t i = 0; i < p->sysinfo.nr; i++) {
		const char *line = p->sysinfo.v[i];
		int level = preflight_sysinfo_level(line);

		while (*line == ' ')
			line++;
		if (level == 2) {
			rejected++;
			diag_error(dl, NULL, 0, 0, "fix what k0s names ('k0s sysinfo' on the host "
				   "shows every check)", "k0s sysinfo rejects: %s", line);
		} else if (level == 1) {
			diag_warning(dl, NULL, 0, 0, "'k0s sysinfo' on the host shows every check",
				     "k0s sysinfo warns: %s", line);
		}
	}
	if (p->sysinfo_status && !rejected)
		diag_error(dl, NULL, 0, 0, "run 'k0s sysinfo' on the host to see why",
			   "k0s sysinfo failed with exit status %d", p->sysinfo_status);
}

void preflight_check_gpu(const struct preflight_probe *p, const struct facts *f,
			 struct diag_list *dl)
{
	size_t gpus = f ? f->nr_gpus : 0;

	if (!p->nvidia_driver) {
		if (p->nvidia_line)
			diag_error(dl, NULL, 0, 0, "check the NVIDIA driver installation",
				   "/proc/driver/nvidia/version names no driver version");
		else
			diag_error(dl, NULL, 0, 0, "install the NVIDIA driver (e.g. 'apt-get install "
				   "nvidia-driver-550-server') and load it (reboot or 'modprobe "
				   "nvidia'), or set gpu_operator.driver: true to let the GPU operator "
				   "install it", "%s", "the NVIDIA driver is not loaded "
				   "(/proc/driver/nvidia/version is missing)");
	}
	if (!p->nvsmi_ran) {
		if (p->nvidia_driver)
			diag_warning(dl, NULL, 0, 0, "install the driver's utilities "
				     "(nvidia-utils-VERSION) to see the GPUs it drives",
				     "nvidia-smi is not installed: the GPUs the driver sees were "
				     "not listed");
		return;
	}
	if (p->nvsmi_status)
		diag_error(dl, NULL, 0, 0, "run 'nvidia-smi' on the host to see why",
			   "nvidia-smi failed with exit status %d%s%s", p->nvsmi_status,
			   p->nvsmi_other.nr ? ": " : "",
			   p->nvsmi_other.nr ? p->nvsmi_other.v[0] : "");
	else if (!p->nvsmi_gpus.nr)
		diag_error(dl, NULL, 0, 0, "check that the GPUs are passed to the machine and "
			   "the driver supports them", "nvidia-smi lists no GPU");
	else if (gpus && p->nvsmi_gpus.nr != gpus)
		diag_warning(dl, NULL, 0, 0, "run 'nvidia-smi -L' and 'dmesg | grep NVRM' on the "
			     "host", "nvidia-smi lists %zu GPU%s, the PCI bus %zu",
			     p->nvsmi_gpus.nr, p->nvsmi_gpus.nr == 1 ? "" : "s", gpus);
}

/* 1 when `cidr` ("10.0.0.1/24") is `address`. */
static int same_address(const char *cidr, const char *address)
{
	size_t len = strcspn(cidr, "/");

	return strlen(address) == len && !strncmp(cidr, address, len);
}

void preflight_check_rdma(const struct facts *f, const char *netif, const char *address,
			  struct diag_list *dl)
{
	const struct net_iface *ni = NULL;
	int rdma = 0, has = 0;

	if (!netif || !address) {
		diag_error(dl, NULL, 0, 0, "set roce_host and roce_netif for it in the inventory "
			   "(or cluster.roce_netif), or cluster.rdma: false",
			   "it has no %s, which RDMA (cluster.rdma) needs",
			   !address ? "roce_host" : "roce_netif");
		return;
	}
	for (size_t i = 0; i < f->nr_rdma; i++)
		rdma |= f->rdma[i].netdev && !strcmp(f->rdma[i].netdev, netif);
	for (size_t i = 0; i < f->nr_ifaces; i++)
		if (!strcmp(f->ifaces[i].name, netif))
			ni = &f->ifaces[i];
	for (size_t i = 0; ni && i < ni->nr_addresses; i++)
		has |= same_address(ni->addresses[i], address);
	if (!ni)
		diag_error(dl, NULL, 0, 0, "fix roce_netif in the inventory, or attach the SR-IOV "
			   "(RoCE) interface to the machine", "it has no interface '%s' (roce_netif)",
			   netif);
	else if (!rdma)
		diag_error(dl, NULL, 0, 0, "attach an SR-IOV virtual function (RoCE) to the machine "
			   "and load its driver (mlx5_ib), then 'kcfg facts' again",
			   "no RDMA device sits on '%s' (/sys/class/infiniband/*/device/net/)", netif);
	if (ni && !has)
		diag_error(dl, NULL, 0, 0, "configure the address on the interface (netplan), "
			   "then 'kcfg facts' again",
			   "'%s' does not hold its roce_host address %s", netif, address);
}

void preflight_check_lustre(const struct preflight_probe *p, struct diag_list *dl)
{
	if (!p->modules_asked)
		return;
	if (!p->lnet)
		diag_error(dl, NULL, 0, 0, "install the Lustre client for the running kernel "
			   "(the DDN EXAScaler client packages)",
			   "the LNet module cannot load: 'modinfo lnet' finds no module");
	if (!p->lustre)
		diag_error(dl, NULL, 0, 0, "install the Lustre client for the running kernel "
			   "(the DDN EXAScaler client packages)",
			   "the Lustre client is not installed: 'modinfo lustre' finds no module");
}

void preflight_check_nvidia_runtime(const struct preflight_probe *p, struct diag_list *dl)
{
	if (!p->gpu_asked || p->nvidia_runtime)
		return;
	diag_error(dl, NULL, 0, 0, "install nvidia-container-toolkit from NVIDIA's apt "
		   "repository (NVIDIA Container Toolkit install guide), or set "
		   "gpu_operator.toolkit: true in cluster.yaml to let the GPU operator install it",
		   "there is no " PREFLIGHT_NVIDIA_RUNTIME ", which kcfg's containerd drop-in "
		   "makes the default runtime (gpu_operator.toolkit is false: the host "
		   "provides NVIDIA's container toolkit)");
}

void preflight_check_gpudirect(const struct preflight_probe *p, int rdma, int gdrcopy,
			       struct diag_list *dl)
{
	if (!p->gpu_asked)
		return;
	if (!p->modules_read) {
		if (rdma || gdrcopy)
			diag_warning(dl, NULL, 0, 0, "make /proc/modules or /sys/module readable "
				     "on the host",
				     "its loaded kernel modules could not be read: GPUDirect "
				     "(nvidia_peermem, gdrdrv) was not checked");
		return;
	}
	if (rdma && !p->nvidia_peermem)
		diag_warning(dl, NULL, 0, 0, "'modprobe nvidia-peermem' on the host and add "
			     "nvidia-peermem to a file in /etc/modules-load.d so it loads at boot",
			     "the nvidia_peermem module is not loaded: GPUDirect RDMA "
			     "(cluster.rdma, gpu_operator.rdma) does not work without it");
	if (gdrcopy && !p->gdrdrv)
		diag_warning(dl, NULL, 0, 0, "install GDRCopy's gdrdrv kernel module on the "
			     "host and load it, or set gpu_operator.driver: true to let the "
			     "operator manage the driver (and gdrdrv)",
			     "the gdrdrv module is not loaded: GDRCopy (gpu_operator.gdrcopy) "
			     "does not work without it");
}

static int same(const char *a, const char *b)
{
	return a && b && *a && !strcmp(a, b);
}

void preflight_check_unique(const char *const *names, const struct facts *const *facts,
			    const char *const *addresses, size_t nr, size_t me,
			    struct diag_list *dl)
{
	const struct facts *f = facts[me];
	struct strbuf q = STRBUF_INIT;

	for (size_t j = 0; j < nr; j++) {
		const struct facts *g = facts[j];

		if (j == me)
			continue;
		if (same(addresses[me], addresses[j]))
			diag_error(dl, NULL, 0, 0, "give each host its own ansible_host in the "
				   "inventory", "its address %s is also host '%s''s",
				   addresses[me], names[j]);
		if (!f || !g)
			continue;
		strbuf_reset(&q);
		if (same(f->machine_id, g->machine_id)) {
			facts_quote(&q, f->machine_id);
			diag_error(dl, NULL, 0, 0, "give each clone its own: 'rm /etc/machine-id && "
				   "systemd-machine-id-setup' on it, then 'kcfg facts' again",
				   "its machine-id %s is also host '%s''s (a cloned machine: "
				   "Kubernetes and DHCP tell nodes apart by it)", q.buf, names[j]);
		}
		strbuf_reset(&q);
		if (same(f->default_ipv4, g->default_ipv4)) {
			facts_quote(&q, f->default_ipv4);
			diag_error(dl, NULL, 0, 0, "give each machine its own address",
				   "its address %s (default route) is also host '%s''s",
				   q.buf, names[j]);
		}
		strbuf_reset(&q);
		if (same(f->hostname, g->hostname)) {
			facts_quote(&q, f->hostname);
			diag_warning(dl, NULL, 0, 0, "apply sets it to the inventory name (component "
				     "common) before k0s runs",
				     "its hostname %s is also host '%s''s", q.buf, names[j]);
		}
	}
	strbuf_release(&q);
}
