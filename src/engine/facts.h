#ifndef KCFG_FACTS_H
#define KCFG_FACTS_H

#include <stddef.h>

struct strbuf;

/*
 * What kcfg knows about one host: gathered by `kcfg facts` in one round
 * trip, cached as JSON in .kcfg/facts/<host>.json, and read by `kcfg
 * render --facts DIR` (one <host>.json per host). docs/facts.md documents
 * the JSON form; facts_to_json() and facts_from_json() are inverses.
 * All strings are owned by the struct; absent optional strings are NULL.
 */
struct numa_node {
	int id;
	char *cpulist;			/* kernel cpulist form, e.g. "0-17,36-53" */
	unsigned cpus;			/* CPUs in cpulist */
	unsigned long long memory_bytes;
};

struct net_iface {
	char *name;
	char *mac;			/* may be NULL */
	unsigned mtu;
	int up;
	char **addresses;		/* CIDR form, e.g. "10.13.1.21/21" */
	size_t nr_addresses;
};

struct rdma_device {
	char *name;			/* e.g. "mlx5_0" */
	char *netdev;			/* the Ethernet device it sits on, or NULL */
	char *link_layer;		/* "Ethernet" (RoCE) or "InfiniBand" */
	char *state;			/* e.g. "ACTIVE" */
};

struct gpu {
	char *pci_address;		/* e.g. "0000:07:00.0" */
	char *vendor_id;		/* e.g. "10de" */
	char *device_id;
	char *model;			/* e.g. "NVIDIA A100-SXM4-40GB" */
	int numa_node;			/* -1 when the platform does not say */
};

struct facts {
	char *hostname;
	char *machine_id;
	char *os_id;			/* /etc/os-release ID, e.g. "ubuntu" */
	char *os_version;		/* VERSION_ID, e.g. "22.04" */
	char *os_pretty;		/* PRETTY_NAME */
	char *kernel;			/* uname -r */
	char *arch;			/* uname -m */
	unsigned cpus;
	unsigned long long memory_bytes;
	unsigned long long disk_root_bytes;
	unsigned long long disk_root_free_bytes;
	struct numa_node *numa;
	size_t nr_numa;
	char *default_ipv4;		/* address only, no prefix */
	char *default_iface;
	char *default_gateway;
	struct net_iface *ifaces;
	size_t nr_ifaces;
	struct rdma_device *rdma;
	size_t nr_rdma;
	struct gpu *gpus;
	size_t nr_gpus;
	int k0s_installed;
	char *k0s_version;		/* e.g. "v1.35.7+k0s.0", or NULL */
};

#define FACTS_MAX_FILE (1u << 20)	/* a facts file is never bigger */

/*
 * What a host may report. Every number read from the probe or a facts
 * file is checked against its range where it is read (facts-check.c), so
 * nothing downstream computes with a wrapped or truncated value: a value
 * outside is an error naming the host, the field, what was read and what
 * is accepted. docs/facts.md lists the ranges.
 */
#define FACTS_MAX_CPUS		65536		/* CPU numbers 0..65535 */
#define FACTS_MAX_NUMA_NODES	1024		/* Linux's MAX_NUMNODES: ids 0..1023 */
#define FACTS_MAX_MEMORY	(1ULL << 52)	/* 4 PiB: a 52-bit physical address space */
#define FACTS_MAX_DISK		(1ULL << 60)	/* 1 EiB */
#define FACTS_MAX_MTU		2147483647LL	/* the kernel keeps an MTU in an int */

struct facts_range {
	long long min, max;
	const char *accepted;	/* for messages: "kcfg accepts ACCEPTED" */
};

extern const struct facts_range facts_range_cpus;	/* 1..FACTS_MAX_CPUS */
extern const struct facts_range facts_range_numa_id;	/* 0..FACTS_MAX_NUMA_NODES-1 */
extern const struct facts_range facts_range_gpu_numa;	/* a NUMA id, or -1 */
extern const struct facts_range facts_range_memory;	/* 0..FACTS_MAX_MEMORY bytes */
extern const struct facts_range facts_range_disk;	/* 0..FACTS_MAX_DISK bytes */
extern const struct facts_range facts_range_mtu;	/* 0..FACTS_MAX_MTU */

/*
 * Reads `text`, a decimal whole number (an optional '-', digits only), as
 * a value of field `field` times `scale` (1024 for the probe's kB), when
 * the product lies in `r`. Returns 0 and sets *out, or -1 with "'FIELD'
 * is TEXT: kcfg accepts ..." (or "... is not a whole number") in `why`;
 * TEXT is cut short when long. Nothing overflows on the way.
 */
int facts_read_number(const char *text, const char *field, const struct facts_range *r,
		      unsigned scale, long long *out, struct strbuf *why);

/*
 * Appends `s` for a message: quoted, cut to a few dozen bytes. Its bytes
 * are as they came: whoever prints the message shows control characters
 * as escapes (util/visible.h).
 */
void facts_quote(struct strbuf *out, const char *s);

/*
 * Marks the CPUs of kernel cpulist `list` ("0-3,8,10-11") in `seen`, a
 * bitmap of FACTS_MAX_CPUS bits (CPULIST_BITMAP_BYTES). Returns the
 * number marked; -1 when the list is malformed or names a CPU past
 * 65535; -2 when it names a CPU already marked (*twice says which).
 */
#define CPULIST_BITMAP_BYTES (FACTS_MAX_CPUS / 8)
long cpulist_mark(const char *list, unsigned char *seen, unsigned *twice);
/* Appends why `list`, the cpulist of numa_nodes[node], is refused. */
void facts_bad_cpulist(struct strbuf *why, size_t node, const char *list);

/*
 * The checks across a host's NUMA nodes that no single number shows: at
 * most FACTS_MAX_NUMA_NODES of them, each id once, each CPU in one node
 * only, and memory that adds up to at most FACTS_MAX_MEMORY. Lists that
 * are malformed (reported where they were read) are skipped. Returns 0,
 * or -1 with the first problem in `why`.
 */
int facts_check_numa(const struct facts *f, struct strbuf *why);

void facts_release(struct facts *f);

/*
 * Parses the JSON form. `origin` (a file name) prefixes error messages:
 * "ORIGIN:LINE:COL: problem". Every problem found is appended to err,
 * one per line. Returns 0, or -1 and leaves *out untouched.
 */
int facts_from_json(const char *buf, size_t len, const char *origin,
		    struct facts *out, struct strbuf *err);
int facts_load_file(const char *path, struct facts *out, struct strbuf *err);
/* Appends the JSON form (pretty, stable key order, trailing newline). */
void facts_to_json(const struct facts *f, struct strbuf *out);

/*
 * Counts the CPUs in a kernel cpulist ("0-3,8,10-11" -> 7); -1 when the
 * list is malformed, names CPUs beyond 65535 or one CPU twice.
 */
int cpulist_count(const char *list);

#endif
