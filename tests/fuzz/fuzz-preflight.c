/*
 * What the preflight script prints on a host, fed arbitrary bytes: the
 * parser (engine/preflight.h). Whatever it accepts must hold what the
 * header promises: ports 1..65535, sizes within FACTS_MAX_DISK, every
 * kept line printable ASCII and within PREFLIGHT_MAX_LINE, lists capped;
 * and the checks must run on it without tripping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "engine/preflight.h"
#include "util/diag.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
	size_t len = strlen(s);

	if (len > PREFLIGHT_MAX_LINE)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned ports[] = { 80, 443, 6443, 10250 };
	static const char *const own[] = { "k0s", NULL };
	struct strbuf err = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct preflight_probe p;
	struct facts f;

	if (preflight_from_probe((const char *)data, size, "fuzz", &p, &err) == 0) {
		for (size_t i = 0; i < p.nr_listen; i++) {
			if (p.listen[i].port < 1 || p.listen[i].port > 65535)
				abort();
			if (p.listen[i].process)
				check_text(p.listen[i].process);
		}
		for (size_t i = 0; i < p.nr_df; i++)
			if (p.df[i].size > FACTS_MAX_DISK || p.df[i].avail > FACTS_MAX_DISK)
				abort();
		if (p.nr_listen > PREFLIGHT_MAX_RECORDS || p.sysinfo.nr > PREFLIGHT_MAX_RECORDS ||
		    p.nvsmi_gpus.nr > PREFLIGHT_MAX_RECORDS)
			abort();
		for (size_t i = 0; i < p.sysinfo.nr; i++)
			check_text(p.sysinfo.v[i]);
		for (size_t i = 0; i < p.nvsmi_gpus.nr; i++)
			check_text(p.nvsmi_gpus.v[i]);
		memset(&f, 0, sizeof(f));
		preflight_check_ports(&p, ports, 4, own, "fuzz", &dl);
		preflight_check_clock(&p, 1700000000, 30, &dl);
		preflight_check_sysinfo(&p, &dl);
		preflight_check_gpu(&p, &f, &dl);
		preflight_check_lustre(&p, &dl);
		preflight_check_disk(&p, "/", 1, "fuzz", "fuzz", &dl);
		preflight_probe_release(&p);
	}
	diag_release(&dl);
	strbuf_release(&err);
	return 0;
}
