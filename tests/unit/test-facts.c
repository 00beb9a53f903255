/* Unit tests for src/engine/facts: the JSON form of a host's facts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "engine/facts.h"
#include "util/strbuf.h"

static const char *const fixtures[] = {
	"bastion", "harbor", "kube-master", "kube-node1", "kube-node2", "kube-gpu1", "kube-gpu2",
};

static void test_fixtures_round_trip_byte_exact(void **state)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct strbuf path = STRBUF_INIT, file = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
		struct facts f;

		strbuf_addf(&path, "%s/examples/mdx/facts/%s.json", KCFG_SRCDIR, fixtures[i]);
		assert_int_equal(strbuf_read_file(&file, path.buf, FACTS_MAX_FILE), 0);
		if (facts_load_file(path.buf, &f, &err) < 0)
			fail_msg("%s", err.buf);
		assert_string_equal(f.hostname, fixtures[i]);
		facts_to_json(&f, &out);
		assert_string_equal(out.buf, file.buf);
		facts_release(&f);
		strbuf_release(&path);
		strbuf_release(&file);
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

static void test_gpu_node_shape(void **state)
{
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	struct facts f;

	strbuf_addf(&path, "%s/examples/mdx/facts/kube-gpu1.json", KCFG_SRCDIR);
	assert_int_equal(facts_load_file(path.buf, &f, &err), 0);
	assert_int_equal(f.nr_numa, 2);
	assert_int_equal(f.numa[1].cpus, 36);
	assert_int_equal(f.nr_gpus, 4);
	assert_string_equal(f.gpus[2].model, "NVIDIA A100-SXM4-40GB");
	assert_int_equal(f.gpus[2].numa_node, 1);
	assert_int_equal(f.nr_rdma, 1);
	assert_string_equal(f.rdma[0].netdev, "ens192");
	facts_release(&f);
	strbuf_release(&path);
	strbuf_release(&err);
}

static void expect_error(const char *json, const char *want)
{
	struct strbuf err = STRBUF_INIT;
	struct facts f;

	assert_int_equal(facts_from_json(json, strlen(json), "h.json", &f, &err), -1);
	assert_string_equal(err.buf, want);
	strbuf_release(&err);
}

static void test_errors_name_the_place(void **state)
{
	expect_error("[]", "h.json:1:1: facts must be a JSON object");
	expect_error("{\"hostname\": 5}",
		     "h.json:1:14: 'hostname' must be a string\n"
		     "h.json:1:1: missing 'cpus'\n"
		     "h.json:1:1: missing 'memory_bytes'\n"
		     "h.json:1:1: missing 'numa_nodes'");
	expect_error("{\"hostname\": \"a\", \"cpus\": 4, \"memory_bytes\": 1,\n"
		     " \"numa_nodes\": [{\"id\": 0, \"cpus\": \"0-2\", \"memory_bytes\": 1}]}",
		     "h.json:1:27: the NUMA nodes list 3 CPUs but 'cpus' says 4");
	expect_error("{\"hostname\": \"a\", \"cpus\": 4, \"memory_bytes\": 1,\n"
		     " \"numa_nodes\": [{\"id\": 0, \"cpus\": \"0-x\", \"memory_bytes\": 1}]}",
		     "h.json:2:35: 'cpus' must be a kernel cpulist like \"0-17,36-53\", not '0-x'");
	expect_error("{\"hostname\": \"a\", \"cpus\": 1, \"memory_bytes\": 1,\n"
		     " \"numa_nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 1}],\n"
		     " \"gpus\": [{\"pci_address\": \"0000:07:00.0\", \"numa_node\": 3}]}",
		     "h.json:3:10: GPU '0000:07:00.0' sits on a NUMA node that 'numa_nodes' does not list");
	expect_error("{\"hostname\": \"a\",", "h.json:1:18: unexpected end of input");
}

static void test_cpulist_count(void **state)
{
	assert_int_equal(cpulist_count("0-3,8,10-11"), 7);
	assert_int_equal(cpulist_count("0"), 1);
	assert_int_equal(cpulist_count(""), 0);
	assert_int_equal(cpulist_count("3-1"), -1);
	assert_int_equal(cpulist_count("0,"), -1);
	assert_int_equal(cpulist_count("0-70000"), -1);
	assert_int_equal(cpulist_count("a"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_round_trip_byte_exact),
		cmocka_unit_test(test_gpu_node_shape),
		cmocka_unit_test(test_errors_name_the_place),
		cmocka_unit_test(test_cpulist_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
