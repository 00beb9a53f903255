#ifndef KCFG_PROBE_H
#define KCFG_PROBE_H

#include <stddef.h>

struct facts;
struct strbuf;

/*
 * Facts in one round trip: a POSIX sh script (run on the host, needing
 * only sh, coreutils and iproute2, all on every Ubuntu) prints one record
 * per line, fields separated by tabs, and facts_from_probe() turns that
 * into a struct facts. Reading /sys and /proc directly keeps it fast and
 * independent of tools like lscpu, numactl or nvidia-smi (used for the GPU
 * model name when present).
 *
 * Records:  host NAME | machine_id ID | os ID VERSION_ID PRETTY | kernel R
 *           | arch M | cpus N | mem KB | disk TOTAL_BYTES FREE_BYTES
 *           | numa ID CPULIST MEM_KB | route IFACE ADDR GATEWAY
 *           | iface NAME MAC MTU OPERSTATE | addr IFACE CIDR
 *           | rdma NAME NETDEV LINK_LAYER STATE
 *           | gpu PCI VENDOR DEVICE NUMA MODEL | k0s VERSION
 */
extern const char facts_probe_script[];

/* The most output the probe may produce. */
#define PROBE_MAX_OUTPUT (1u << 20)

/*
 * Parses probe output for `host`. Unknown records are skipped (a newer
 * probe may send more). Returns 0, or -1 with "host 'H': probe line N:
 * problem" in err.
 */
int facts_from_probe(const char *out, size_t len, const char *host,
		     struct facts *f, struct strbuf *err);

#endif
