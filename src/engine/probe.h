#ifndef KCFG_PROBE_H
#define KCFG_PROBE_H

#include <stddef.h>

struct facts;
struct strbuf;
struct strvec;

/*
 * The records of a read-only script's output (the facts probe, the
 * preflight script): one a line, fields separated by tabs, empty lines
 * skipped. A line longer than `max_len` is cut there; with `printable`,
 * every byte outside printable ASCII but the tab becomes '?' (the host's
 * text reaches messages, logs and JSON).
 */
struct probe_reader {
	const char *p, *end;
	unsigned line;		/* the number of the line last read */
	size_t max_len;
	int printable;
};

void probe_reader_init(struct probe_reader *r, const char *out, size_t len, size_t max_len,
		       int printable);
/*
 * The next record's fields into `fields` (cleared first). Returns 1, 0 at
 * the end, -1 for a line holding a NUL byte (r->line names it).
 */
int probe_read_record(struct probe_reader *r, struct strvec *fields);

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
