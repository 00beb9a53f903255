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
	assert_string_equal(err.buf, "host 'h': probe line 1: expected a number");
	strbuf_reset(&err);
	assert_int_equal(facts_from_probe("", 0, "h", &f, &err), -1);
	assert_string_equal(err.buf, "host 'h': the probe printed no 'host' record: it did not run");
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_runs_here_and_parses),
		cmocka_unit_test(test_gpu_node_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
