/*
 * What a host reports, fed arbitrary bytes: the probe's output parser
 * (first byte 'p') and the facts JSON reader (anything else). Whatever
 * they accept must hold the ranges facts.h promises, so no component
 * computes with a wrapped or truncated number; JSON they accept must
 * write back and read again to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "engine/probe.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ranges(const struct facts *f)
{
	unsigned long long memory = 0;
	unsigned cpus = 0;

	if (f->cpus < 1 || f->cpus > FACTS_MAX_CPUS || f->memory_bytes > FACTS_MAX_MEMORY ||
	    f->disk_root_bytes > FACTS_MAX_DISK || f->disk_root_free_bytes > FACTS_MAX_DISK ||
	    f->nr_numa < 1 || f->nr_numa > FACTS_MAX_NUMA_NODES)
		abort();
	for (size_t i = 0; i < f->nr_numa; i++) {
		const struct numa_node *n = &f->numa[i];

		if (n->id < 0 || n->id >= FACTS_MAX_NUMA_NODES || n->cpus > FACTS_MAX_CPUS ||
		    n->memory_bytes > FACTS_MAX_MEMORY)
			abort();
		for (size_t j = 0; j < i; j++)
			if (f->numa[j].id == n->id)
				abort();
		memory += n->memory_bytes;
		cpus += n->cpus;
	}
	/* CPUs are in one node each; memory adds up without overflow */
	if (memory > FACTS_MAX_MEMORY || cpus > FACTS_MAX_CPUS)
		abort();
	for (size_t i = 0; i < f->nr_ifaces; i++)
		if (f->ifaces[i].mtu > FACTS_MAX_MTU)
			abort();
	for (size_t i = 0; i < f->nr_gpus; i++)
		if (f->gpus[i].numa_node < -1 || f->gpus[i].numa_node >= FACTS_MAX_NUMA_NODES)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, json = STRBUF_INIT, again = STRBUF_INIT;
	struct facts f, g;

	if (size && data[0] == 'p') {
		if (facts_from_probe((const char *)data + 1, size - 1, "h", &f, &err) == 0) {
			check_ranges(&f);
			facts_release(&f);
		} else if (!err.len) {
			abort();	/* a refusal says why */
		}
	} else if (facts_from_json((const char *)data, size, "h.json", &f, &err) == 0) {
		check_ranges(&f);
		facts_to_json(&f, &json);
		if (facts_from_json(json.buf, json.len, "again.json", &g, &err) < 0)
			abort();	/* what kcfg writes, it reads */
		facts_to_json(&g, &again);
		if (strcmp(json.buf, again.buf))
			abort();
		facts_release(&f);
		facts_release(&g);
	} else if (!err.len) {
		abort();
	}
	strbuf_release(&err);
	strbuf_release(&json);
	strbuf_release(&again);
	return 0;
}
