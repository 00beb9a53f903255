/*
 * Unit tests for src/engine/probe: the facts probe script run for real on
 * this machine through sh, and the parser on canned output of a GPU node.
 *
 * Boundary: no GPU is on the machines these tests run on, so the GPU
 * lines (PCI address, vendor and device, NUMA node, model) are checked on
 * canned probe output of an mdx A100 node, not read from real hardware;
 * `kcfg facts --local` on a GPU machine is the check past that point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/facts.h"
#include "engine/probe.h"
#include "util/strbuf.h"

static void test_probe_runs_here_and_parses(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, script = STRBUF_INIT;
	struct utsname u;
	struct facts f;
	unsigned cpus = 0;
	FILE *p;
	char buf[4096];
	size_t n;

	/* the script is sent on stdin to a remote sh; do the same locally */
	strbuf_addf(&script, "/tmp/kcfg-probe-%d.sh", (int)getpid());
	p = fopen(script.buf, "w");
	assert_non_null(p);
	fputs(facts_probe_script, p);
	fclose(p);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "sh < %s", script.buf);
		p = popen(cmd, "r");
	}
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_add(&out, buf, n);
	assert_int_equal(pclose(p), 0);
	unlink(script.buf);

	if (facts_from_probe(out.buf, out.len, "local", &f, &err) < 0)
		fail_msg("%s\n%s", err.buf, out.buf);
	assert_int_equal(uname(&u), 0);
	assert_string_equal(f.hostname, u.nodename);
	assert_string_equal(f.kernel, u.release);
	assert_int_equal(f.cpus, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	assert_true(f.memory_bytes > 0);
	assert_true(f.nr_numa >= 1);
	for (size_t i = 0; i < f.nr_numa; i++)
		cpus += f.numa[i].cpus;
	assert_int_equal(cpus, f.cpus);
	assert_true(f.disk_root_bytes > 0);
	facts_release(&f);
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&script);
}

static void test_gpu_node_output(void **state)
{
	static const char out[] =
		"host\tkube-gpu1\n"
		"os\tubuntu\t24.04\tUbuntu 24.04.1 LTS\n"
		"cpus\t8\n"
		"mem\t65536000\n"
		"numa\t0\t0-3\t32768000\n"
		"numa\t1\t4-7\t32768000\n"
		"route\tens160\t10.18.20.31\t10.18.16.1\n"
		"iface\tens160\t00:50:56:aa:bb:cc\t1500\tup\n"
		"iface\tens192\t00:50:56:aa:bb:cd\t9000\tup\n"
		"addr\tens160\t10.18.20.31/21\n"
		"addr\tens192\t10.146.18.31/21\n"
		"rdma\tmlx5_0\tens192\tEthernet\tACTIVE\n"
		"gpu\t0000:07:00.0\t10de\t20b0\t0\tNVIDIA A100-SXM4-40GB\n"
		"gpu\t0000:48:00.0\t10de\t20b0\t1\t\n"
		"future\trecord\tignored\n"
		"k0s\tv1.35.7+k0s.0\n";
	struct strbuf err = STRBUF_INIT;
	struct facts f;

	assert_int_equal(facts_from_probe(out, strlen(out), "kube-gpu1", &f, &err), 0);
	assert_int_equal(f.nr_numa, 2);
	assert_true(f.numa[1].memory_bytes == 32768000ULL * 1024);
	assert_int_equal(f.nr_gpus, 2);
	assert_string_equal(f.gpus[0].model, "NVIDIA A100-SXM4-40GB");
	assert_null(f.gpus[1].model);
	assert_int_equal(f.gpus[1].numa_node, 1);
	assert_string_equal(f.default_ipv4, "10.18.20.31");
	assert_int_equal(f.ifaces[1].nr_addresses, 1);
	assert_string_equal(f.ifaces[1].addresses[0], "10.146.18.31/21");
	assert_string_equal(f.rdma[0].netdev, "ens192");
	assert_true(f.k0s_installed);
	facts_release(&f);

	assert_int_equal(facts_from_probe("cpus\tmany\n", 10, "h", &f, &err), -1);
	assert_string_equal(err.buf, "host 'h': probe line 1: 'cpus' is 'many', not a whole number: "
			    "kcfg accepts 1 to 65536 CPUs");
	strbuf_reset(&err);
	assert_int_equal(facts_from_probe("", 0, "h", &f, &err), -1);
	assert_string_equal(err.buf, "host 'h': the probe printed no 'host' record: it did not run");
	strbuf_release(&err);
}

/* The probe output of a small host with `lines` in the middle. */
static void expect_probe_error(const char *lines, const char *want)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct facts f;

	strbuf_addf(&out, "host\th\ncpus\t2\nmem\t4096\n%s", lines);
	if (facts_from_probe(out.buf, out.len, "h", &f, &err) == 0) {
		facts_release(&f);
		fail_msg("accepted: %s", lines);
	}
	assert_string_equal(err.buf, want);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_numbers_out_of_range_are_refused(void **state)
{
	struct strbuf lines = STRBUF_INIT;

	/* 2^32-1 once became NUMA node -1 */
	expect_probe_error("numa\t4294967295\t0-1\t4096\n",
			   "host 'h': probe line 4: 'numa_nodes[0].id' is '4294967295': "
			   "kcfg accepts NUMA node ids 0 to 1023");
	/* 2^54 kB once wrapped to 0 bytes */
	expect_probe_error("mem\t18014398509481984\n",
			   "host 'h': probe line 4: 'memory_bytes' is '18014398509481984' kB: "
			   "kcfg accepts 0 to 4503599627370496 bytes (4 PiB)");
	/* each node fits, their sum does not */
	expect_probe_error("numa\t0\t0\t3298534883328\nnuma\t1\t1\t3298534883328\n",
			   "host 'h': the NUMA nodes' memory_bytes add up to more than "
			   "4503599627370496 bytes (4 PiB) at 'numa_nodes[1]'");
	/* 2^32 + 2 CPUs once read as 2 */
	expect_probe_error("cpus\t4294967298\n",
			   "host 'h': probe line 4: 'cpus' is '4294967298': kcfg accepts 1 to 65536 CPUs");
	expect_probe_error("numa\t0\t0-1\t4096\nnuma\t1\t1\t4096\n",
			   "host 'h': CPU 1 is in two NUMA nodes: 'numa_nodes[1].cpus' lists it "
			   "and an earlier node too");
	expect_probe_error("numa\t0\t0-1\t4096\nnuma\t0\t2\t4096\n",
			   "host 'h': NUMA node 0 is listed twice");
	expect_probe_error("gpu\t0000:07:00.0\t10de\t20b0\t70000\tA100\n",
			   "host 'h': probe line 4: 'gpus[0].numa_node' is '70000': kcfg accepts "
			   "a NUMA node id 0 to 1023, or -1 when the platform does not say");
	expect_probe_error("iface\teth0\t00:11:22:33:44:55\t4294967296\tup\n",
			   "host 'h': probe line 4: 'interfaces[0].mtu' is '4294967296': "
			   "kcfg accepts an MTU of 0 to 2147483647");
	expect_probe_error("disk\t1\t-1\n",
			   "host 'h': probe line 4: 'disk.root_free_bytes' is '-1': "
			   "kcfg accepts 0 to 1152921504606846976 bytes (1 EiB)");
	/* 65537 times 0-65535 once counted 65536 CPUs, wrapping a signed int */
	strbuf_addstr(&lines, "numa\t0\t0-65535");
	for (int i = 0; i < 65536; i++)
		strbuf_addstr(&lines, ",0-65535");
	strbuf_addstr(&lines, "\t4096\n");
	expect_probe_error(lines.buf, "host 'h': probe line 4: 'numa_nodes[0].cpus' must be a "
			   "kernel cpulist like \"0-17,36-53\" of CPUs 0 to 65535, each once, "
			   "not '0-65535,0-65535,0-65535,0-65535,0-65535,...'");
	strbuf_release(&lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_runs_here_and_parses),
		cmocka_unit_test(test_gpu_node_output),
		cmocka_unit_test(test_numbers_out_of_range_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
