/*
 * What the run engine reads from hosts beside observe's output, fed
 * arbitrary bytes: each barrier's judge (the API's /readyz answer, the
 * Node list, the Chart list: JSON a host prints), over a small cluster
 * of a controller and two workers, and a pull's probe line. Checks
 * their promises: a verdict of -1, 0 or 1, a reason whenever the
 * barrier does not hold, and a probe accepted only with a 64-digit
 * lowercase hex digest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/settings.h"
#include "run/model.h"
#include "run/run.h"
#include "transport/pull.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct model m;
static struct run run;
static struct run_host hosts[3];
static struct comp_host chosts[3];
static struct run_opts opts;

static void setup(void)
{
	static const char *const names[] = { "ctl", "w1", "w2" };
	static const unsigned roles[] = { COMP_ROLE_MASTER, COMP_ROLE_NODE, COMP_ROLE_GPU };

	settings_init_defaults(&m.settings);
	m.hosts = chosts;
	m.nr_hosts = 3;
	for (size_t i = 0; i < 3; i++) {
		chosts[i].name = names[i];
		chosts[i].roles = roles[i];
		hosts[i].name = names[i];
		hosts[i].index = i;
		hosts[i].state = RUN_WAITING;
	}
	opts.apply = 1;
	run.m = &m;
	run.opts = &opts;
	run.hosts = hosts;
	run.nr = 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct strbuf why = STRBUF_INIT;
	char sha[PULL_SHA_HEX + 1];
	uint64_t n;

	if (!ready) {
		setup();
		ready = 1;
	}
	for (size_t p = 0; p < run_plan_phases_nr; p++) {
		const struct run_barrier *b = run_plan_phases[p].barrier;
		int rc;

		if (!b)
			continue;
		strbuf_reset(&why);
		rc = b->judge(&run, (const char *)data, size, &why);
		if (rc < -1 || rc > 1 || (rc <= 0 && !why.len))
			abort();
	}
	{
		char *line = malloc(size + 1);

		memcpy(line, data, size);
		line[size] = '\0';
		if (!pull_probe_parse(line, &n, sha)) {
			if (strlen(sha) != PULL_SHA_HEX || strspn(sha, "0123456789abcdef") != PULL_SHA_HEX)
				abort();
		}
		free(line);
	}
	strbuf_release(&why);
	return 0;
}
