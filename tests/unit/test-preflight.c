/*
 * Unit tests for src/engine/preflight.c and preflight-check.c: the
 * preflight script run for real on this machine through sh, its parser
 * on canned and hostile output, the parsers of `nvidia-smi -L`,
 * /proc/driver/nvidia/version (recorded real output in
 * tests/data/preflight, SOURCES.md) and `k0s sysinfo`, and each pure check.
 *
 * Boundary: no GPU, k0s or Lustre client is on the machines these tests
 * run on; their lines are checked on recorded output, and `kcfg
 * preflight --local` on a GPU machine is the check past that point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/facts.h"
#include "engine/preflight.h"
#include "util/diag.h"
#include "util/strbuf.h"

static void read_data(const char *name, struct strbuf *out)
{
	char path[512];
	char buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/preflight/%s", KCFG_SRCDIR, name);
	f = fopen(path, "r");
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	fclose(f);
}

static int parse(const char *text, struct preflight_probe *p, struct strbuf *err)
{
	return preflight_from_probe(text, strlen(text), "h1", p, err);
}

static int has(const struct diag_list *dl, enum diag_level level, const char *part)
{
	for (size_t i = 0; i < dl->nr; i++)
		if (dl->d[i].level == level && strstr(dl->d[i].msg, part))
			return 1;
	return 0;
}

static int has_hint(const struct diag_list *dl, const char *part)
{
	for (size_t i = 0; i < dl->nr; i++)
		if (dl->d[i].hint && strstr(dl->d[i].hint, part))
			return 1;
	return 0;
}

static void test_script_runs_here(void **state)
{
	static const char *const paths[] = { "/", "/no/such/dir/below" };
	struct preflight_ask ask = { paths, 2, 0, 1, 1 };
	struct strbuf script = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct preflight_probe p;
	char name[64], buf[4096], cmd[128];
	long long now = (long long)time(NULL);
	size_t n;
	FILE *f;

	preflight_script(&ask, &script);
	snprintf(name, sizeof(name), "/tmp/kcfg-preflight-%d.sh", (int)getpid());
	f = fopen(name, "w");
	assert_non_null(f);
	fputs(script.buf, f);
	fclose(f);
	/* an nvidia-smi stand-in on PATH prints the recorded real output */
	f = fopen("/tmp/kcfg-preflight-bin/nvidia-smi", "w");
	if (!f) {
		assert_int_equal(system("mkdir -p /tmp/kcfg-preflight-bin"), 0);
		f = fopen("/tmp/kcfg-preflight-bin/nvidia-smi", "w");
	}
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n[ \"$1\" = -L ] && exec cat %s/tests/data/preflight/"
		"nvidia-smi-L.dgx-a100-mig.txt\nexit 2\n", KCFG_SRCDIR);
	fclose(f);
	assert_int_equal(system("chmod +x /tmp/kcfg-preflight-bin/nvidia-smi"), 0);
	snprintf(cmd, sizeof(cmd), "PATH=/tmp/kcfg-preflight-bin:$PATH sh < %s", name);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&out, buf, n);
	assert_int_equal(pclose(f), 0);
	unlink(name);
	assert_int_equal(preflight_from_probe(out.buf, out.len, "here", &p, &err), 0);
	assert_true(p.have_clock);
	assert_true(p.clock >= now - 5 && p.clock <= now + 60);
	assert_int_equal(p.uid, (long long)getuid());
	/* a path that does not exist is measured on the directory that holds it */
	assert_non_null(preflight_df_of(&p, "/"));
	assert_non_null(preflight_df_of(&p, "/no/such/dir/below"));
	assert_true(preflight_df_of(&p, "/")->size == preflight_df_of(&p, "/no/such/dir/below")->size);
	assert_true(p.modules_asked);
	assert_false(p.sysinfo_ran);	/* not asked */
	assert_true(p.nvsmi_ran);
	assert_int_equal(p.nvsmi_status, 0);
	assert_int_equal(p.nvsmi_gpus.nr, 8);
	assert_string_equal(p.nvsmi_gpus.v[7], "GPU 7: NVIDIA A100-SXM4-40GB");
	assert_int_equal(p.nvsmi_other.nr, 0);
	/* the gpu records: this machine's own answers */
	assert_true(p.gpu_asked);
	assert_int_equal(p.nvidia_runtime, access(PREFLIGHT_NVIDIA_RUNTIME, X_OK) == 0);
	assert_int_equal(p.modules_read, access("/proc/modules", R_OK) == 0 ||
					 access("/sys/module", X_OK) == 0);
	unlink("/tmp/kcfg-preflight-bin/nvidia-smi");
	rmdir("/tmp/kcfg-preflight-bin");
	preflight_probe_release(&p);
	strbuf_release(&script);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_script_quotes_paths(void **state)
{
	static const char *const paths[] = { "/data/it's $(reboot)" };
	struct preflight_ask ask = { paths, 1, 0, 0 };
	struct strbuf script = STRBUF_INIT;

	preflight_script(&ask, &script);
	assert_non_null(strstr(script.buf, "set -- '/data/it'\\''s $(reboot)'\n"));
	strbuf_release(&script);
}

static void test_parse_canned(void **state)
{
	const char *out =
		"clock\t1700000000\n"
		"uid\t0\n"
		"ss\tLISTEN 0      4096         0.0.0.0:6443      0.0.0.0:*    users:((\"k0s\",pid=12,fd=7))\n"
		"ss\tLISTEN 0      511          [::]:443          [::]:*    users:((\"nginx\",pid=9,fd=6),(\"nginx\",pid=8,fd=6))\n"
		"ss\tLISTEN 0      128          *:10250           *:*\n"
		"ss\tgarbage\n"
		"ss\tLISTEN 0 1 1.2.3.4:99999 0.0.0.0:*\n"
		"df\t/data\t171798691840\t100000\n"
		"sysinfo_status\t1\n"
		"sysinfo\tTotal memory: 1.9 GiB (pass)\n"
		"sysinfo\t  AppArmor: unavailable (warning: not enforced)\n"
		"sysinfo\t  CONFIG_CGROUPS: Control Group support: no kernel config found (rejected: needed)\n"
		"nvidia_driver\tNVRM version: NVIDIA UNIX Open Kernel Module for x86_64  575.57.08  Release Build  (dvs-builder@U16)  Tue May 20 2025\n"
		"nvsmi_status\t0\n"
		"nvsmi\tGPU 0: NVIDIA H200 (UUID: GPU-00000000-1111-2222-3333-444444444444)\n"
		"module\tlnet\t1\n"
		"module\tlustre\t0\n"
		"future\trecord\n";
	struct strbuf err = STRBUF_INIT;
	struct preflight_probe p;

	assert_int_equal(parse(out, &p, &err), 0);
	assert_int_equal(p.clock, 1700000000);
	assert_int_equal(p.uid, 0);
	assert_int_equal(p.nr_listen, 3);
	assert_string_equal(preflight_listener(&p, 6443)->process, "k0s");
	assert_string_equal(preflight_listener(&p, 443)->process, "nginx");
	assert_null(preflight_listener(&p, 10250)->process);
	assert_null(preflight_listener(&p, 80));
	assert_true(preflight_df_of(&p, "/data")->size == 171798691840ULL);
	assert_true(p.sysinfo_ran);
	assert_int_equal(p.sysinfo_status, 1);
	assert_int_equal(p.sysinfo.nr, 2);	/* the passes are not kept */
	assert_string_equal(p.nvidia_driver, "575.57.08");
	assert_int_equal(p.nvsmi_gpus.nr, 1);
	assert_string_equal(p.nvsmi_gpus.v[0], "GPU 0: NVIDIA H200");
	assert_true(p.lnet);
	assert_false(p.lustre);
	preflight_probe_release(&p);
	strbuf_release(&err);
}

static void test_parse_hostile(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct preflight_probe p;
	static const char nul[] = "clock\t1\nuid\t0\0x\n";

	assert_int_equal(parse("uid\t0\n", &p, &err), -1);
	assert_non_null(strstr(err.buf, "no 'clock' record"));
	strbuf_reset(&err);
	assert_int_equal(parse("clock\t99999999999999999999\n", &p, &err), -1);
	assert_non_null(strstr(err.buf, "host 'h1': preflight line 1: 'clock'"));
	strbuf_reset(&err);
	assert_int_equal(parse("clock\t1\nuid\t-1\n", &p, &err), -1);
	assert_non_null(strstr(err.buf, "line 2: 'uid'"));
	strbuf_reset(&err);
	assert_int_equal(parse("clock\t1\ndf\t/\t1\t2e9\n", &p, &err), -1);
	strbuf_reset(&err);
	assert_int_equal(preflight_from_probe(nul, sizeof(nul) - 1, "h1", &p, &err), -1);
	assert_non_null(strstr(err.buf, "NUL"));
	strbuf_reset(&err);
	/* escape sequences and bytes past ASCII become '?' */
	assert_int_equal(parse("clock\t1\nsysinfo\tx\033[2J\xff: y (rejected: z)\n", &p, &err), 0);
	assert_string_equal(p.sysinfo.v[0], "x?[2J?: y (rejected: z)");
	preflight_probe_release(&p);
	strbuf_release(&err);
}

static void test_nvsmi_recorded(void **state)
{
	struct strbuf data = STRBUF_INIT, model = STRBUF_INIT;
	size_t gpus = 0, mig = 0, other = 0;
	char *line, *save = NULL;

	read_data("nvidia-smi-L.dgx-a100-mig.txt", &data);
	for (line = strtok_r(data.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int kind = preflight_nvsmi_line(line, &model);

		if (kind == 1) {
			char want[64];

			snprintf(want, sizeof(want), "GPU %zu: NVIDIA A100-SXM4-40GB", gpus);
			assert_string_equal(model.buf, want);
			gpus++;
		}
		mig += kind == 0;
		other += kind < 0;
	}
	assert_int_equal(gpus, 8);
	assert_int_equal(mig, 1 + 3 * 7 + 4 - 1);
	assert_int_equal(other, 0);
	/* MIG lines indented under their GPU, as older drivers print them */
	assert_int_equal(preflight_nvsmi_line("  MIG 3g.20gb     Device  0: (UUID: MIG-744060a1)", &model), 0);
	assert_int_equal(preflight_nvsmi_line("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", &model), -1);
	assert_int_equal(preflight_nvsmi_line("GPU 0: (UUID: GPU-x)", &model), -1);
	assert_int_equal(preflight_nvsmi_line("GPU x: A (UUID: GPU-x)", &model), -1);
	strbuf_release(&data);
	strbuf_release(&model);
}

static void test_nvidia_version(void **state)
{
	struct strbuf data = STRBUF_INIT, v = STRBUF_INIT;

	read_data("proc-driver-nvidia-version.515", &data);
	data.buf[strcspn(data.buf, "\n")] = '\0';
	assert_int_equal(preflight_nvidia_version(data.buf, &v), 0);
	assert_string_equal(v.buf, "515.76");
	assert_int_equal(preflight_nvidia_version("NVRM version: NVIDIA UNIX Open Kernel Module "
						  "for x86_64  575.57.08  Release Build", &v), 0);
	assert_string_equal(v.buf, "575.57.08");
	assert_int_equal(preflight_nvidia_version("NVRM version: NVIDIA UNIX x86_64 Kernel Module", &v), -1);
	assert_int_equal(preflight_nvidia_version("hello 1.2", &v), -1);
	assert_int_equal(preflight_nvidia_version("Kernel Module 1..2 .3 4.", &v), -1);
	strbuf_release(&data);
	strbuf_release(&v);
}

static void test_sysinfo_levels(void **state)
{
	assert_int_equal(preflight_sysinfo_level("Machine ID: \"abc\" (from machine) (pass)"), 0);
	assert_int_equal(preflight_sysinfo_level("  AppArmor: unavailable (warning: x)"), 1);
	assert_int_equal(preflight_sysinfo_level("    CONFIG_NETFILTER: no (rejected: needed)"), 2);
	assert_int_equal(preflight_sysinfo_level("    CONFIG_NETFILTER: no (rejected)"), 2);
	assert_int_equal(preflight_sysinfo_level("  Disk space available for /var/lib/k0s: error: boom"), 2);
	assert_int_equal(preflight_sysinfo_level("Error: sysinfo failed"), -1);
	assert_int_equal(preflight_sysinfo_level(""), -1);
}

static struct facts *facts_of(const char *os, const char *version, unsigned cpus,
			      unsigned long long memory)
{
	struct facts *f = calloc(1, sizeof(*f));

	f->os_id = os ? strdup(os) : NULL;
	f->os_version = version ? strdup(version) : NULL;
	f->cpus = cpus;
	f->memory_bytes = memory;
	return f;
}

static void facts_free(struct facts *f)
{
	facts_release(f);
	free(f);
}

static void test_checks_release_size(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct facts *ok = facts_of("ubuntu", "22.04", 4, 8ULL << 30);
	struct facts *old = facts_of("ubuntu", "18.04", 1, 512ULL << 20);
	struct facts *none = facts_of(NULL, NULL, 2, 4ULL << 30);

	preflight_check_release(ok, &dl);
	preflight_check_size(ok, "registry", 2, 1LL << 30, &dl);
	assert_int_equal(dl.nr, 0);
	preflight_check_release(old, &dl);
	preflight_check_size(old, "registry", 2, 1LL << 30, &dl);
	preflight_check_release(none, &dl);
	assert_int_equal(dl.errors, 4);
	assert_true(has(&dl, DIAG_ERROR, "(ubuntu 18.04), a release kcfg does not support "
			"(it supports ubuntu 20.04, ubuntu 22.04, ubuntu 24.04, debian 12)"));
	assert_true(has(&dl, DIAG_ERROR, "it has 1 CPU core; a registry needs at least 2"));
	assert_true(has(&dl, DIAG_ERROR, "it has 0.5 GiB of memory; a registry needs at least 1.0 GiB"));
	assert_true(has(&dl, DIAG_ERROR, "its release is not known"));
	diag_release(&dl);
	facts_free(ok);
	facts_free(old);
	facts_free(none);
}

static void test_checks_ports_disk_clock(void **state)
{
	static const unsigned ports[] = { 6443, 8132, 9443, 2380 };
	static const char *const own[] = { "k0s", NULL };
	const char *out =
		"clock\t1000\nuid\t0\n"
		"ss\tLISTEN 0 1 0.0.0.0:6443 0.0.0.0:* users:((\"k0s\",pid=1,fd=3))\n"
		"ss\tLISTEN 0 1 127.0.0.1:2380 0.0.0.0:* users:((\"nc\",pid=2,fd=3))\n"
		"ss\tLISTEN 0 1 *:9443 *:*\n"
		"df\t/data\t99000000000\t1\n";
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct preflight_probe p;

	assert_int_equal(parse(out, &p, &err), 0);
	preflight_check_ports(&p, ports, 4, own, "the k0s controller", &dl);
	assert_int_equal(dl.errors, 2);
	assert_true(has(&dl, DIAG_ERROR, "TCP port 2380, which the k0s controller needs, is taken by 'nc'"));
	assert_true(has(&dl, DIAG_ERROR, "TCP port 9443, which the k0s controller needs, is taken by another program"));
	preflight_check_disk(&p, "/data", 160000000000LL, "Harbor's data volume",
			     "preflight.registry_disk", &dl);
	assert_true(has(&dl, DIAG_ERROR, "Harbor's data volume (/data) is on a filesystem of 99.0 GB; it needs at least 160.0 GB"));
	preflight_check_disk(&p, "/var/lib/k0s", 1, "x", "y", &dl);
	assert_true(has(&dl, DIAG_WARNING, "the size of x (/var/lib/k0s) could not be read"));
	preflight_check_clock(&p, 1030, 30, &dl);
	assert_int_equal(dl.errors, 3);
	preflight_check_clock(&p, 1031, 30, &dl);
	assert_true(has(&dl, DIAG_ERROR, "its clock is 31 s behind this machine's; at most 30 s"));
	preflight_check_clock(&p, 900, 30, &dl);
	assert_true(has(&dl, DIAG_ERROR, "its clock is 100 s ahead of this machine's"));
	preflight_probe_release(&p);
	diag_release(&dl);

	assert_int_equal(parse("clock\t1\nno_ss\n", &p, &err), 0);
	preflight_check_ports(&p, ports, 4, own, "the k0s controller", &dl);
	assert_int_equal(dl.errors, 0);
	assert_true(has(&dl, DIAG_WARNING, "'ss' is not installed"));
	preflight_probe_release(&p);
	diag_release(&dl);
	strbuf_release(&err);
}

static void test_checks_sysinfo_gpu_lustre(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct preflight_probe p;
	struct facts *f = facts_of("ubuntu", "22.04", 4, 8ULL << 30);

	assert_int_equal(parse("clock\t1\nsysinfo_status\t1\n"
			       "sysinfo\t  AppArmor: unavailable (warning: x)\n"
			       "sysinfo\t  CONFIG_CGROUPS: no (rejected: needed)\n"
			       "module\tlnet\t0\nmodule\tlustre\t0\n", &p, &err), 0);
	preflight_check_sysinfo(&p, &dl);
	assert_int_equal(dl.errors, 1);
	assert_true(has(&dl, DIAG_ERROR, "k0s sysinfo rejects: CONFIG_CGROUPS: no (rejected: needed)"));
	assert_true(has(&dl, DIAG_WARNING, "k0s sysinfo warns: AppArmor"));
	preflight_check_gpu(&p, f, &dl);
	assert_true(has(&dl, DIAG_ERROR, "the NVIDIA driver is not loaded"));
	preflight_check_lustre(&p, &dl);
	assert_true(has(&dl, DIAG_ERROR, "'modinfo lnet' finds no module"));
	assert_true(has(&dl, DIAG_ERROR, "'modinfo lustre' finds no module"));
	assert_int_equal(dl.errors, 4);
	preflight_probe_release(&p);
	diag_release(&dl);

	/* a driver, nvidia-smi listing fewer GPUs than the PCI bus has */
	f->gpus = calloc(2, sizeof(*f->gpus));
	f->nr_gpus = 2;
	assert_int_equal(parse("clock\t1\nnvidia_driver\tNVRM version: NVIDIA UNIX x86_64 Kernel "
			       "Module  550.163.01  x\nnvsmi_status\t0\n"
			       "nvsmi\tGPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-a)\n", &p, &err), 0);
	preflight_check_gpu(&p, f, &dl);
	assert_int_equal(dl.errors, 0);
	assert_true(has(&dl, DIAG_WARNING, "nvidia-smi lists 1 GPU, the PCI bus 2"));
	preflight_probe_release(&p);
	diag_release(&dl);
	/* nvidia-smi failing */
	assert_int_equal(parse("clock\t1\nnvidia_driver\tNVRM version: NVIDIA UNIX x86_64 Kernel "
			       "Module  550.163.01  x\nnvsmi_status\t9\nnvsmi\tNVIDIA-SMI has "
			       "failed because it couldn't communicate with the NVIDIA driver.\n",
			       &p, &err), 0);
	preflight_check_gpu(&p, f, &dl);
	assert_true(has(&dl, DIAG_ERROR, "nvidia-smi failed with exit status 9: NVIDIA-SMI has failed"));
	preflight_probe_release(&p);
	diag_release(&dl);
	facts_free(f);
	strbuf_release(&err);
}

/* The NVIDIA runtime and GPUDirect records: parsed strictly, checked. */
static void test_checks_runtime_gpudirect(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct preflight_probe p;

	/* not asked (no GPU worker): nothing to say */
	assert_int_equal(parse("clock\t1\n", &p, &err), 0);
	preflight_check_nvidia_runtime(&p, &dl);
	preflight_check_gpudirect(&p, 1, 1, &dl);
	assert_int_equal(dl.nr, 0);
	preflight_probe_release(&p);

	/* no runtime, /proc/modules read without either module */
	assert_int_equal(parse("clock\t1\nnvidia_runtime\t0\nmodules_read\n"
			       "loaded\tnvidia_peermemx\nloaded\tnvidia\n", &p, &err), 0);
	preflight_check_nvidia_runtime(&p, &dl);
	assert_true(has(&dl, DIAG_ERROR, "there is no /usr/bin/nvidia-container-runtime, which "
			"kcfg's containerd drop-in makes the default runtime"));
	assert_true(has_hint(&dl, "install nvidia-container-toolkit from NVIDIA's apt repository"));
	assert_true(has_hint(&dl, "gpu_operator.toolkit: true"));
	preflight_check_gpudirect(&p, 1, 1, &dl);
	assert_true(has(&dl, DIAG_WARNING, "the nvidia_peermem module is not loaded"));
	assert_true(has_hint(&dl, "'modprobe nvidia-peermem'"));
	assert_true(has_hint(&dl, "/etc/modules-load.d"));
	assert_true(has(&dl, DIAG_WARNING, "the gdrdrv module is not loaded"));
	assert_true(has_hint(&dl, "gpu_operator.driver: true"));
	assert_int_equal(dl.errors, 1);
	assert_int_equal(dl.nr, 3);
	diag_release(&dl);
	/* only what is on: RDMA off asks for no nvidia_peermem */
	preflight_check_gpudirect(&p, 0, 1, &dl);
	assert_int_equal(dl.nr, 1);
	assert_true(has(&dl, DIAG_WARNING, "gdrdrv"));
	diag_release(&dl);
	preflight_probe_release(&p);

	/* all there: nothing */
	assert_int_equal(parse("clock\t1\nnvidia_runtime\t1\nmodules_read\n"
			       "loaded\tgdrdrv\nloaded\tnvidia_peermem\n", &p, &err), 0);
	preflight_check_nvidia_runtime(&p, &dl);
	preflight_check_gpudirect(&p, 1, 1, &dl);
	assert_int_equal(dl.nr, 0);
	preflight_probe_release(&p);

	/* /proc/modules not readable: one warning, not a false "not loaded" */
	assert_int_equal(parse("clock\t1\nnvidia_runtime\t1\n", &p, &err), 0);
	preflight_check_gpudirect(&p, 1, 1, &dl);
	assert_int_equal(dl.nr, 1);
	assert_true(has(&dl, DIAG_WARNING, "its loaded kernel modules could not be read"));
	diag_release(&dl);
	preflight_probe_release(&p);

	/* a hostile host: anything but 0 or 1 is refused, naming the line */
	assert_int_equal(parse("clock\t1\nnvidia_runtime\tyes\n", &p, &err), -1);
	assert_non_null(strstr(err.buf, "host 'h1': preflight line 2: 'nvidia_runtime'"));
	strbuf_reset(&err);
	assert_int_equal(parse("clock\t1\nnvidia_runtime\t2\n", &p, &err), -1);
	strbuf_release(&err);
}

static void test_checks_rdma_unique(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct facts *a = facts_of("ubuntu", "22.04", 4, 8ULL << 30);
	struct facts *b = facts_of("ubuntu", "22.04", 4, 8ULL << 30);
	const struct facts *all[3];
	const char *names[3] = { "n1", "n2", "n3" };
	const char *addresses[3] = { "10.0.0.1", "10.0.0.2", "10.0.0.1" };


	a->ifaces = calloc(1, sizeof(*a->ifaces));
	a->nr_ifaces = 1;
	a->ifaces[0].name = strdup("ens192");
	a->ifaces[0].addresses = calloc(1, sizeof(char *));
	a->ifaces[0].addresses[0] = strdup("10.1.0.5/21");
	a->ifaces[0].nr_addresses = 1;
	preflight_check_rdma(a, "ens192", "10.1.0.5", &dl);
	assert_true(has(&dl, DIAG_ERROR, "no RDMA device sits on 'ens192'"));
	assert_int_equal(dl.errors, 1);
	a->rdma = calloc(1, sizeof(*a->rdma));
	a->nr_rdma = 1;
	a->rdma[0].name = strdup("mlx5_0");
	a->rdma[0].netdev = strdup("ens192");
	preflight_check_rdma(a, "ens192", "10.1.0.5", &dl);
	assert_int_equal(dl.errors, 1);
	preflight_check_rdma(a, "ens192", "10.1.0.6", &dl);
	assert_true(has(&dl, DIAG_ERROR, "'ens192' does not hold its roce_host address 10.1.0.6"));
	preflight_check_rdma(a, "ens7", "10.1.0.5", &dl);
	assert_true(has(&dl, DIAG_ERROR, "it has no interface 'ens7' (roce_netif)"));
	preflight_check_rdma(a, NULL, "10.1.0.5", &dl);
	assert_true(has(&dl, DIAG_ERROR, "it has no roce_netif"));
	diag_release(&dl);

	a->machine_id = strdup("0123456789abcdef0123456789abcdef");
	b->machine_id = strdup("0123456789abcdef0123456789abcdef");
	a->hostname = strdup("ubuntu");
	b->hostname = strdup("ubuntu");
	all[0] = a;
	all[1] = b;
	all[2] = NULL;
	preflight_check_unique(names, all, addresses, 3, 0, &dl);
	assert_true(has(&dl, DIAG_ERROR, "its address 10.0.0.1 is also host 'n3''s"));
	assert_true(has(&dl, DIAG_ERROR, "its machine-id '0123456789abcdef0123456789abcdef' is also host 'n2''s"));
	assert_true(has(&dl, DIAG_WARNING, "its hostname 'ubuntu' is also host 'n2''s"));
	assert_int_equal(dl.errors, 2);
	diag_release(&dl);
	preflight_check_unique(names, all, addresses, 3, 2, &dl);
	assert_int_equal(dl.nr, 1);	/* no facts: only the inventory address */
	diag_release(&dl);
	facts_free(a);
	facts_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_runs_here),
		cmocka_unit_test(test_script_quotes_paths),
		cmocka_unit_test(test_parse_canned),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_nvsmi_recorded),
		cmocka_unit_test(test_nvidia_version),
		cmocka_unit_test(test_sysinfo_levels),
		cmocka_unit_test(test_checks_release_size),
		cmocka_unit_test(test_checks_ports_disk_clock),
		cmocka_unit_test(test_checks_sysinfo_gpu_lustre),
		cmocka_unit_test(test_checks_runtime_gpudirect),
		cmocka_unit_test(test_checks_rdma_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
