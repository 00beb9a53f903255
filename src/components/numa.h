#ifndef KCFG_NUMA_H
#define KCFG_NUMA_H

#include <stddef.h>

struct facts;
struct strbuf;

/*
 * NUMA-aware kubelet reservations, computed per node from its facts.
 *
 * The original playbook hard-coded --reserved-memory=0:memory=1100Mi on
 * every node. Kubernetes' Static memory manager requires that the memory
 * reserved over all NUMA nodes sums to exactly kube-reserved +
 * system-reserved + the hard eviction threshold, and each NUMA node's
 * share must fit in it. kcfg splits that sum over the node's NUMA nodes in
 * proportion to their memory (largest remainder, so the sum is exact).
 */
struct kubelet_reservation {
	unsigned kube_cpu_millis;
	unsigned system_cpu_millis;
	unsigned long long kube_memory;		/* bytes */
	unsigned long long system_memory;	/* bytes */
	unsigned long long eviction_hard_memory; /* bytes, memory.available */
};

struct numa_share {
	int numa_node;
	unsigned long long reserved_bytes;
};

struct numa_plan {
	struct numa_share *shares;	/* one per NUMA node, in facts order */
	size_t nr;
	unsigned long long total_reserved;	/* == the sum of shares */
	unsigned reserved_cpus;		/* whole CPUs the static CPU manager keeps back */
};

/*
 * Computes the plan for `host` (its name is used in messages). Returns 0,
 * or -1 with a message naming the host and the numbers when the node
 * cannot satisfy the reservation (too little memory or too few CPUs).
 */
int numa_plan_compute(const char *host, const struct facts *f,
		      const struct kubelet_reservation *r, struct numa_plan *out,
		      struct strbuf *err);
void numa_plan_release(struct numa_plan *p);

/*
 * Formats a byte count as a Kubernetes quantity: "1100Mi" when it is a
 * whole number of MiB (or Gi/Ki), else plain bytes.
 */
void quantity_bytes(struct strbuf *out, unsigned long long bytes);

#endif
