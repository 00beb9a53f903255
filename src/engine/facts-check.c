/*
 * The ranges of what a host may report, shared by the probe's parser
 * (probe.c) and the facts file reader (facts.c): a host that says it has
 * 2^32-1 as a NUMA id, 2^70 bytes of memory or a cpulist of a million
 * ranges is refused where the number is read, before any component
 * computes with it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_SHOWN 40	/* bytes of a bad value quoted back */

const struct facts_range facts_range_cpus = {
	1, FACTS_MAX_CPUS, "1 to 65536 CPUs"
};
const struct facts_range facts_range_numa_id = {
	0, FACTS_MAX_NUMA_NODES - 1, "NUMA node ids 0 to 1023"
};
const struct facts_range facts_range_gpu_numa = {
	-1, FACTS_MAX_NUMA_NODES - 1, "a NUMA node id 0 to 1023, or -1 when the platform does not say"
};
const struct facts_range facts_range_memory = {
	0, (long long)FACTS_MAX_MEMORY, "0 to 4503599627370496 bytes (4 PiB)"
};
const struct facts_range facts_range_disk = {
	0, (long long)FACTS_MAX_DISK, "0 to 1152921504606846976 bytes (1 EiB)"
};
const struct facts_range facts_range_mtu = {
	0, FACTS_MAX_MTU, "an MTU of 0 to 2147483647"
};

void facts_quote(struct strbuf *out, const char *s)
{
	size_t len = strlen(s);

	/* control characters are shown as escapes where the message is printed */
	strbuf_addch(out, '\'');
	strbuf_add(out, s, len < MAX_SHOWN ? len : MAX_SHOWN);
	if (len > MAX_SHOWN)
		strbuf_addstr(out, "...");
	strbuf_addch(out, '\'');
}

int facts_read_number(const char *text, const char *field, const struct facts_range *r,
		      unsigned scale, long long *out, struct strbuf *why)
{
	const char *p = text;
	unsigned long long v = 0, mag;
	int neg = *p == '-', big = 0;
	long long value;

	p += neg;
	if (*p < '0' || *p > '9')
		goto not_a_number;
	for (; *p >= '0' && *p <= '9'; p++) {
		/* past ULLONG_MAX / 10 it is out of every range: just keep reading */
		if (v > (ULLONG_MAX - 9) / 10)
			big = 1;
		else
			v = v * 10 + (unsigned)(*p - '0');
	}
	if (*p)
		goto not_a_number;
	if (scale > 1 && v > ULLONG_MAX / scale)
		big = 1;
	else
		v *= scale ? scale : 1;
	mag = neg ? (unsigned long long)-(r->min < 0 ? r->min : 0) : (unsigned long long)r->max;
	if (big || v > mag)
		goto out_of_range;
	value = neg ? -(long long)v : (long long)v;
	if (value < r->min || value > r->max)
		goto out_of_range;
	*out = value;
	return 0;

out_of_range:
	strbuf_addf(why, "'%s' is ", field);
	facts_quote(why, text);
	strbuf_addf(why, "%s: kcfg accepts %s", scale == 1024 ? " kB" : "", r->accepted);
	return -1;
not_a_number:
	strbuf_addf(why, "'%s' is ", field);
	facts_quote(why, text);
	strbuf_addf(why, ", not a whole number: kcfg accepts %s", r->accepted);
	return -1;
}

static unsigned long read_cpu(const char **p, int *ok)
{
	unsigned long v = 0;

	*ok = **p >= '0' && **p <= '9';
	for (; **p >= '0' && **p <= '9'; (*p)++) {
		v = v * 10 + (unsigned long)(**p - '0');
		if (v >= FACTS_MAX_CPUS) {
			*ok = 0;
			return 0;
		}
	}
	return v;
}

long cpulist_mark(const char *list, unsigned char *seen, unsigned *twice)
{
	const char *p = list;
	long count = 0;
	int ok;

	if (!*p)
		return 0;
	for (;;) {
		unsigned long a = read_cpu(&p, &ok), b = a;

		if (!ok)
			return -1;
		if (*p == '-') {
			p++;
			b = read_cpu(&p, &ok);
			if (!ok || b < a)
				return -1;
		}
		/* each CPU once: the count can never pass FACTS_MAX_CPUS */
		for (unsigned long cpu = a; cpu <= b; cpu++) {
			if (seen[cpu / 8] & (1u << (cpu % 8))) {
				*twice = (unsigned)cpu;
				return -2;
			}
			seen[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
		}
		count += (long)(b - a + 1);
		if (!*p)
			return count;
		if (*p != ',')
			return -1;
		p++;
	}
}

void facts_bad_cpulist(struct strbuf *why, size_t node, const char *list)
{
	strbuf_addf(why, "'numa_nodes[%zu].cpus' must be a kernel cpulist like \"0-17,36-53\" "
		    "of CPUs 0 to 65535, each once, not ", node);
	facts_quote(why, list);
}

int cpulist_count(const char *list)
{
	unsigned char *seen = xcalloc(1, CPULIST_BITMAP_BYTES);
	unsigned twice;
	long n = cpulist_mark(list, seen, &twice);

	free(seen);
	return n < 0 ? -1 : (int)n;
}

int facts_check_numa(const struct facts *f, struct strbuf *why)
{
	unsigned char *seen, *mine;
	unsigned long long memory = 0;
	int ret = -1;

	if (f->nr_numa > FACTS_MAX_NUMA_NODES) {
		strbuf_addf(why, "'numa_nodes' lists %zu nodes: kcfg accepts at most %d",
			    f->nr_numa, FACTS_MAX_NUMA_NODES);
		return -1;
	}
	seen = xcalloc(1, CPULIST_BITMAP_BYTES);
	mine = xcalloc(1, CPULIST_BITMAP_BYTES);
	for (size_t i = 0; i < f->nr_numa; i++) {
		const struct numa_node *n = &f->numa[i];
		unsigned twice;

		for (size_t j = 0; j < i; j++)
			if (n->id == f->numa[j].id) {
				strbuf_addf(why, "NUMA node %d is listed twice", n->id);
				goto out;
			}
		if (n->memory_bytes > FACTS_MAX_MEMORY - memory) {
			strbuf_addf(why, "the NUMA nodes' memory_bytes add up to more than "
				    "%llu bytes (4 PiB) at 'numa_nodes[%zu]'", FACTS_MAX_MEMORY, i);
			goto out;
		}
		memory += n->memory_bytes;
		memset(mine, 0, CPULIST_BITMAP_BYTES);
		if (!n->cpulist || cpulist_mark(n->cpulist, mine, &twice) < 0)
			continue;	/* reported where it was read */
		for (size_t b = 0; b < CPULIST_BITMAP_BYTES; b++) {
			if (!(seen[b] & mine[b]))
				continue;
			twice = (unsigned)(b * 8 + (unsigned)__builtin_ctz(seen[b] & mine[b]));
			strbuf_addf(why, "CPU %u is in two NUMA nodes: 'numa_nodes[%zu].cpus' "
				    "lists it and an earlier node too", twice, i);
			goto out;
		}
		for (size_t b = 0; b < CPULIST_BITMAP_BYTES; b++)
			seen[b] |= mine[b];
	}
	ret = 0;
out:
	free(seen);
	free(mine);
	return ret;
}
