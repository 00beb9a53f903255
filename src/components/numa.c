#include <stdlib.h>
#include <string.h>

#include "components/numa.h"
#include "engine/facts.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MiB (1ULL << 20)
/* Leave pods at least this much per NUMA node, or the node is useless. */
#define MIN_POD_MEMORY_PER_NODE (256 * MiB)

void quantity_bytes(struct strbuf *out, unsigned long long bytes)
{
	static const char *const units[] = { "Ki", "Mi", "Gi", "Ti" };
	int u = -1;

	if (bytes == 0) {
		strbuf_addch(out, '0');
		return;
	}
	while (u < 3 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	/* prefer Mi for reservations: 1024Mi reads better as 1Gi only when exact */
	strbuf_addf(out, "%llu%s", bytes, u >= 0 ? units[u] : "");
}

static void mib(struct strbuf *sb, unsigned long long bytes)
{
	strbuf_addf(sb, "%llu MiB", bytes / MiB);
	if (bytes % MiB)
		strbuf_addf(sb, " (%llu bytes)", bytes);
}

int numa_plan_compute(const char *host, const struct facts *f,
		      const struct kubelet_reservation *r, struct numa_plan *out,
		      struct strbuf *err)
{
	unsigned long long total = r->kube_memory + r->system_memory + r->eviction_hard_memory;
	unsigned long long node_mem = 0, unit, units, given = 0;
	unsigned cpu_millis = r->kube_cpu_millis + r->system_cpu_millis;
	unsigned long long *frac;
	struct numa_plan p;

	memset(&p, 0, sizeof(p));
	if (!f->nr_numa) {
		strbuf_addf(err, "host '%s': its facts list no NUMA nodes", host);
		return -1;
	}
	for (size_t i = 0; i < f->nr_numa; i++)
		node_mem += f->numa[i].memory_bytes;
	if (total + MIN_POD_MEMORY_PER_NODE * f->nr_numa > node_mem) {
		strbuf_addf(err, "host '%s' is too small for its memory reservation: "
			    "kube-reserved + system-reserved + eviction threshold = ", host);
		mib(err, total);
		strbuf_addstr(err, ", but its NUMA nodes have ");
		mib(err, node_mem);
		strbuf_addf(err, " in all and pods need at least %llu MiB per NUMA node; "
			    "lower kubelet.kube_reserved/system_reserved in cluster.yaml or give the VM more memory",
			    MIN_POD_MEMORY_PER_NODE / MiB);
		return -1;
	}
	/* static CPU manager: needs a non-zero reservation and a CPU left for pods */
	p.reserved_cpus = (cpu_millis + 999) / 1000;
	if (!cpu_millis) {
		strbuf_addf(err, "host '%s': the static CPU manager needs a CPU reservation; "
			    "set kubelet.kube_reserved.cpu or system_reserved.cpu above 0", host);
		return -1;
	}
	if (p.reserved_cpus >= f->cpus) {
		strbuf_addf(err, "host '%s' has %u CPU%s but reserves %u.%03u CPUs for the "
			    "kubelet and the system, leaving none for pods; lower the reservation or add CPUs",
			    host, f->cpus, f->cpus == 1 ? "" : "s", cpu_millis / 1000, cpu_millis % 1000);
		return -1;
	}

	/* split in whole MiB when the total allows it, so quantities read well */
	unit = total % MiB == 0 ? MiB : 1;
	units = total / unit;
	p.nr = f->nr_numa;
	p.shares = xcalloc(p.nr, sizeof(*p.shares));
	frac = xcalloc(p.nr, sizeof(*frac));
	for (size_t i = 0; i < p.nr; i++) {
		unsigned __int128 num = (unsigned __int128)units * f->numa[i].memory_bytes;
		unsigned long long share = (unsigned long long)(num / node_mem);
		frac[i] = (unsigned long long)(num % node_mem);
		p.shares[i].numa_node = f->numa[i].id;
		p.shares[i].reserved_bytes = share * unit;
		given += share;
	}
	/* largest remainder: hand the leftover units to the biggest fractions */
	while (given < units) {
		size_t best = 0;
		for (size_t i = 1; i < p.nr; i++)
			if (frac[i] > frac[best])
				best = i;
		p.shares[best].reserved_bytes += unit;
		frac[best] = 0;
		given++;
	}
	free(frac);
	for (size_t i = 0; i < p.nr; i++) {
		if (p.shares[i].reserved_bytes + MIN_POD_MEMORY_PER_NODE > f->numa[i].memory_bytes) {
			strbuf_addf(err, "host '%s': NUMA node %d has ", host, f->numa[i].id);
			mib(err, f->numa[i].memory_bytes);
			strbuf_addstr(err, " but its share of the reservation is ");
			mib(err, p.shares[i].reserved_bytes);
			strbuf_addstr(err, "; lower the reservation or give the VM more memory");
			numa_plan_release(&p);
			return -1;
		}
	}
	p.total_reserved = total;
	*out = p;
	return 0;
}

void numa_plan_release(struct numa_plan *p)
{
	free(p->shares);
	memset(p, 0, sizeof(*p));
}
