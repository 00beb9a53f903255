/* Unit tests for src/engine/facts: the JSON form of a host's facts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		     "h.json:2:35: 'numa_nodes[0].cpus' must be a kernel cpulist like \"0-17,36-53\" "
		     "of CPUs 0 to 65535, each once, not '0-x'");
	expect_error("{\"hostname\": \"a\", \"cpus\": 1, \"memory_bytes\": 1,\n"
		     " \"numa_nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 1}],\n"
		     " \"gpus\": [{\"pci_address\": \"0000:07:00.0\", \"numa_node\": 3}]}",
		     "h.json:3:10: GPU '0000:07:00.0' sits on a NUMA node that 'numa_nodes' does not list");
	expect_error("{\"hostname\": \"a\",", "h.json:1:18: unexpected end of input");
}

/* A facts document of `cpus` CPUs whose numa_nodes list is `numa`, plus `more` keys. */
static void doc(struct strbuf *json, const char *cpus, const char *numa, const char *more)
{
	strbuf_reset(json);
	strbuf_addf(json, "{\"hostname\": \"a\", \"cpus\": %s, \"memory_bytes\": 1,\n"
		    " \"numa_nodes\": [%s]%s}", cpus, numa, more);
}

static void expect_doc_error(const char *cpus, const char *numa, const char *more,
			     const char *want)
{
	struct strbuf json = STRBUF_INIT;

	doc(&json, cpus, numa, more);
	expect_error(json.buf, want);
	strbuf_release(&json);
}

/* "0-65535" n times, comma-separated: a list that counts n * 65536 CPUs if not refused. */
static char *repeated_cpulist(size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++)
		strbuf_addstr(&sb, i ? ",0-65535" : "0-65535");
	return strbuf_detach(&sb, NULL);
}

static void test_numbers_out_of_range_are_refused(void **state)
{
	struct strbuf numa = STRBUF_INIT, json = STRBUF_INIT;
	char *huge;

	/* a NUMA id of 2^32-1 once became numaNode: -1 */
	expect_doc_error("1", "{\"id\": 4294967295, \"cpus\": \"0\", \"memory_bytes\": 1}", "",
			 "h.json:2:24: 'numa_nodes[0].id' is '4294967295': "
			 "kcfg accepts NUMA node ids 0 to 1023");
	expect_doc_error("1", "{\"id\": -1, \"cpus\": \"0\", \"memory_bytes\": 1}", "",
			 "h.json:2:24: 'numa_nodes[0].id' is '-1': "
			 "kcfg accepts NUMA node ids 0 to 1023");
	/* 2^32 + 1 CPUs once read as 1 */
	expect_doc_error("4294967297", "{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 1}", "",
			 "h.json:1:27: 'cpus' is '4294967297': kcfg accepts 1 to 65536 CPUs");
	expect_doc_error("0", "{\"id\": 0, \"cpus\": \"\", \"memory_bytes\": 1}", "",
			 "h.json:1:27: 'cpus' is '0': kcfg accepts 1 to 65536 CPUs");
	/* each node fits, the sum does not: the reservation split would overflow */
	expect_doc_error("2", "{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 3377699720527872},"
			 " {\"id\": 1, \"cpus\": \"1\", \"memory_bytes\": 3377699720527872}", "",
			 "h.json:2:16: the NUMA nodes' memory_bytes add up to more than "
			 "4503599627370496 bytes (4 PiB) at 'numa_nodes[1]'");
	expect_doc_error("1", "{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 9223372036854775807}", "",
			 "h.json:2:56: 'numa_nodes[0].memory_bytes' is '9223372036854775807': "
			 "kcfg accepts 0 to 4503599627370496 bytes (4 PiB)");
	expect_doc_error("1", "{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 1}",
			 ", \"disk\": {\"root_bytes\": 99999999999999999999999}",
			 "h.json:2:84: 'disk.root_bytes' is '99999999999999999999999': "
			 "kcfg accepts 0 to 1152921504606846976 bytes (1 EiB)");
	expect_doc_error("1", "{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 1}",
			 ", \"interfaces\": [{\"name\": \"e\", \"mtu\": 4294967296}]",
			 "h.json:2:97: 'interfaces[0].mtu' is '4294967296': "
			 "kcfg accepts an MTU of 0 to 2147483647");
	expect_doc_error("1", "{\"id\": 0, \"cpus\": \"0\", \"memory_bytes\": 1}",
			 ", \"gpus\": [{\"pci_address\": \"p\", \"numa_node\": 1.5}]",
			 "h.json:2:104: 'gpus[0].numa_node' is '1.5', not a whole number: kcfg accepts "
			 "a NUMA node id 0 to 1023, or -1 when the platform does not say");
	/* a CPU in two nodes, or twice in one list, counted twice */
	expect_doc_error("4", "{\"id\": 0, \"cpus\": \"0-1\", \"memory_bytes\": 1},"
			 " {\"id\": 1, \"cpus\": \"1-2,3\", \"memory_bytes\": 1}", "",
			 "h.json:2:16: CPU 1 is in two NUMA nodes: 'numa_nodes[1].cpus' lists it "
			 "and an earlier node too");
	expect_doc_error("2", "{\"id\": 0, \"cpus\": \"0,0\", \"memory_bytes\": 1}", "",
			 "h.json:2:35: 'numa_nodes[0].cpus' must be a kernel cpulist like "
			 "\"0-17,36-53\" of CPUs 0 to 65535, each once, not '0,0'");
	/* 65537 times 0-65535 once counted 65536 CPUs (a signed int wrapped) */
	huge = repeated_cpulist(65537);
	strbuf_addf(&numa, "{\"id\": 0, \"cpus\": \"%s\", \"memory_bytes\": 1}", huge);
	doc(&json, "65536", numa.buf, "");
	{
		struct strbuf err = STRBUF_INIT;
		struct facts f;

		assert_int_equal(facts_from_json(json.buf, json.len, "h.json", &f, &err), -1);
		assert_non_null(strstr(err.buf, "h.json:2:35: 'numa_nodes[0].cpus' must be a kernel cpulist"));
		assert_non_null(strstr(err.buf, "not '0-65535,0-65535,0-65535,0-65535,0-65535,...'"));
		assert_true(err.len < 300);	/* the list is not echoed whole */
		strbuf_release(&err);
	}
	/* more nodes than Linux has */
	strbuf_reset(&numa);
	for (int i = 0; i < 1025; i++)
		strbuf_addf(&numa, "%s{\"id\": %d, \"cpus\": \"%d\", \"memory_bytes\": 1}",
			    i ? ", " : "", i, i);
	doc(&json, "1025", numa.buf, "");
	expect_error(json.buf, "h.json:2:16: 'numa_nodes' lists 1025 nodes: kcfg accepts at most 1024");
	free(huge);
	strbuf_release(&numa);
	strbuf_release(&json);
}

static void test_load_file_names_the_host(void **state)
{
	char dir[] = "/tmp/kcfg-facts-XXXXXX";
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT, json = STRBUF_INIT;
	struct facts f;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	strbuf_addf(&path, "%s/kube-gpu9.json", dir);
	doc(&json, "1", "{\"id\": 4294967295, \"cpus\": \"0\", \"memory_bytes\": 1}", "");
	fp = fopen(path.buf, "w");
	assert_non_null(fp);
	fputs(json.buf, fp);
	fclose(fp);
	assert_int_equal(facts_load_file(path.buf, &f, &err), -1);
	strbuf_reset(&json);	/* now: the message expected */
	strbuf_addf(&json, "%s:2:24: host 'kube-gpu9': 'numa_nodes[0].id' is '4294967295': "
		    "kcfg accepts NUMA node ids 0 to 1023", path.buf);
	assert_string_equal(err.buf, json.buf);
	unlink(path.buf);
	rmdir(dir);
	strbuf_release(&path);
	strbuf_release(&err);
	strbuf_release(&json);
}

static void test_cpulist_count(void **state)
{
	char *huge = repeated_cpulist(65537);

	assert_int_equal(cpulist_count("0-3,8,10-11"), 7);
	assert_int_equal(cpulist_count("0"), 1);
	assert_int_equal(cpulist_count(""), 0);
	assert_int_equal(cpulist_count("3-1"), -1);
	assert_int_equal(cpulist_count("0,"), -1);
	assert_int_equal(cpulist_count("0-70000"), -1);
	assert_int_equal(cpulist_count("a"), -1);
	assert_int_equal(cpulist_count("0-65535"), 65536);
	assert_int_equal(cpulist_count("65535"), 1);
	assert_int_equal(cpulist_count("65536"), -1);
	assert_int_equal(cpulist_count("99999999999999999999"), -1);
	assert_int_equal(cpulist_count(" 1"), -1);
	assert_int_equal(cpulist_count("+1"), -1);
	/* each CPU once: a repeated list must not count past 65536 (or wrap an int) */
	assert_int_equal(cpulist_count("0,0"), -1);
	assert_int_equal(cpulist_count("0-3,2-5"), -1);
	assert_int_equal(cpulist_count(huge), -1);
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_round_trip_byte_exact),
		cmocka_unit_test(test_gpu_node_shape),
		cmocka_unit_test(test_errors_name_the_place),
		cmocka_unit_test(test_numbers_out_of_range_are_refused),
		cmocka_unit_test(test_load_file_names_the_host),
		cmocka_unit_test(test_cpulist_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
