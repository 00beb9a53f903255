/*
 * Property test of the NUMA reservation split (src/components/numa.c):
 * for many node shapes (1 to 8 NUMA nodes, uneven memory, random
 * reservations) the shares sum to exactly kube-reserved + system-reserved
 * + eviction threshold, as the Static memory manager requires, and no
 * NUMA node is over-reserved; infeasible shapes are errors naming the host.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "components/numa.h"
#include "engine/facts.h"
#include "util/strbuf.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint64_t between(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static void make_shape(struct facts *f, struct numa_node *nodes, size_t nr)
{
	unsigned cpus = 0;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < nr; i++) {
		nodes[i].id = (int)i;
		nodes[i].cpus = (unsigned)between(1, 64);
		/* uneven: anywhere from 300 MiB to 512 GiB, sometimes not MiB-aligned */
		nodes[i].memory_bytes = between(300 * MiB, 512 * GiB);
		if (rnd() % 2)
			nodes[i].memory_bytes -= nodes[i].memory_bytes % MiB;
		cpus += nodes[i].cpus;
	}
	f->numa = nodes;
	f->nr_numa = nr;
	f->cpus = cpus;
}

static void random_reservation(struct kubelet_reservation *r)
{
	r->kube_cpu_millis = (unsigned)between(0, 4000);
	r->system_cpu_millis = (unsigned)between(1, 4000);
	/* mostly MiB multiples as users write them, sometimes decimal (500M) */
	r->kube_memory = rnd() % 4 ? between(0, 8192) * MiB : between(0, 8000) * 1000000ULL;
	r->system_memory = between(0, 8192) * MiB;
	r->eviction_hard_memory = rnd() % 3 ? 100 * MiB : between(0, 1024) * MiB;
}

static void test_property_sum_exact_and_no_node_over_reserved(void **state)
{
	unsigned ok = 0, refused = 0;

	for (int iter = 0; iter < 20000; iter++) {
		struct numa_node nodes[8];
		size_t nr = (size_t)between(1, 8);
		struct kubelet_reservation r;
		struct strbuf err = STRBUF_INIT;
		struct numa_plan p;
		struct facts f;
		unsigned long long total, sum = 0, mem = 0;

		make_shape(&f, nodes, nr);
		random_reservation(&r);
		total = r.kube_memory + r.system_memory + r.eviction_hard_memory;
		for (size_t i = 0; i < nr; i++)
			mem += nodes[i].memory_bytes;

		if (numa_plan_compute("node-x", &f, &r, &p, &err) < 0) {
			/* refusals must name the host and be for a real reason */
			assert_non_null(strstr(err.buf, "node-x"));
			refused++;
			strbuf_release(&err);
			continue;
		}
		ok++;
		assert_int_equal(p.nr, nr);
		assert_true(p.total_reserved == total);
		for (size_t i = 0; i < nr; i++) {
			long double exact = (long double)total * nodes[i].memory_bytes / mem;
			long double diff = (long double)p.shares[i].reserved_bytes - exact;
			sum += p.shares[i].reserved_bytes;
			assert_int_equal(p.shares[i].numa_node, nodes[i].id);
			assert_true(p.shares[i].reserved_bytes <= nodes[i].memory_bytes);
			assert_true(nodes[i].memory_bytes - p.shares[i].reserved_bytes >= 256 * MiB);
			/* proportional to within one split unit */
			assert_true(diff > -(long double)MiB && diff < (long double)MiB);
			if (total % MiB == 0)
				assert_int_equal(p.shares[i].reserved_bytes % MiB, 0);
		}
		assert_true(sum == total);
		assert_true(p.reserved_cpus * 1000 >= r.kube_cpu_millis + r.system_cpu_millis);
		assert_true(p.reserved_cpus < f.cpus);
		numa_plan_release(&p);
	}
	/* the generator must exercise both outcomes */
	assert_true(ok > 1000);
	assert_true(refused > 100);
	print_message("numa property: %u shapes planned, %u refused\n", ok, refused);
}

static void test_mdx_defaults_on_two_sockets(void **state)
{
	struct numa_node nodes[2] = {
		{ 0, NULL, 38, 120 * GiB }, { 1, NULL, 38, 120 * GiB },
	};
	struct kubelet_reservation r = { 500, 500, 500 * MiB, 500 * MiB, 100 * MiB };
	struct strbuf err = STRBUF_INIT, q = STRBUF_INIT;
	struct numa_plan p;
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.numa = nodes;
	f.nr_numa = 2;
	f.cpus = 76;
	assert_int_equal(numa_plan_compute("kube-node1", &f, &r, &p, &err), 0);
	/* the original's 1100Mi, now split evenly over both sockets */
	assert_true(p.total_reserved == 1100 * MiB);
	assert_true(p.shares[0].reserved_bytes == 550 * MiB);
	assert_true(p.shares[1].reserved_bytes == 550 * MiB);
	assert_int_equal(p.reserved_cpus, 1);
	quantity_bytes(&q, p.shares[0].reserved_bytes);
	assert_string_equal(q.buf, "550Mi");
	numa_plan_release(&p);
	strbuf_release(&q);
}

static void test_too_small_node_is_an_error_with_numbers(void **state)
{
	struct numa_node nodes[1] = { { 0, NULL, 2, 1 * GiB } };
	struct kubelet_reservation r = { 500, 500, 500 * MiB, 500 * MiB, 100 * MiB };
	struct strbuf err = STRBUF_INIT;
	struct numa_plan p;
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.numa = nodes;
	f.nr_numa = 1;
	f.cpus = 2;
	assert_int_equal(numa_plan_compute("tiny", &f, &r, &p, &err), -1);
	assert_string_equal(err.buf,
		"host 'tiny' is too small for its memory reservation: kube-reserved + "
		"system-reserved + eviction threshold = 1100 MiB, but its NUMA nodes have "
		"1024 MiB in all and pods need at least 256 MiB per NUMA node; lower "
		"kubelet.kube_reserved/system_reserved in cluster.yaml or give the VM more memory");
	strbuf_reset(&err);
	nodes[0].memory_bytes = 16 * GiB;
	f.cpus = 1;
	assert_int_equal(numa_plan_compute("tiny", &f, &r, &p, &err), -1);
	assert_string_equal(err.buf,
		"host 'tiny' has 1 CPU but reserves 1.000 CPUs for the kubelet and the "
		"system, leaving none for pods; lower the reservation or add CPUs");
	strbuf_release(&err);
}

static void test_uneven_node_gets_an_error_for_its_share(void **state)
{
	/* node 1 is tiny: its proportional share leaves pods under 256 MiB */
	struct numa_node nodes[2] = { { 0, NULL, 8, 64 * GiB }, { 1, NULL, 8, 300 * MiB } };
	struct kubelet_reservation r = { 500, 500, 8 * GiB, 8 * GiB, 100 * MiB };
	struct strbuf err = STRBUF_INIT;
	struct numa_plan p;
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.numa = nodes;
	f.nr_numa = 2;
	f.cpus = 16;
	assert_int_equal(numa_plan_compute("lopsided", &f, &r, &p, &err), -1);
	assert_non_null(strstr(err.buf, "host 'lopsided': NUMA node 1 has 300 MiB but its share of the reservation is"));
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property_sum_exact_and_no_node_over_reserved),
		cmocka_unit_test(test_mdx_defaults_on_two_sockets),
		cmocka_unit_test(test_too_small_node_is_an_error_with_numbers),
		cmocka_unit_test(test_uneven_node_gets_an_error_for_its_share),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
