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
 * list is malformed or names CPUs beyond 65535.
 */
int cpulist_count(const char *list);

#endif
