/*
 * The engine's readers of remote output fed arbitrary bytes: observe's
 * parser over a resource list with one resource of every kind, then
 * (when it accepts) the diff and the plan text built from what it
 * found, and apply's report reader. Checks the parser's promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/apply.h"
#include "engine/diff.h"
#include "engine/observe.h"
#include "engine/plan.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void resources(struct resource_list *rl)
{
	struct resource *r;

	r = resource_add_file(rl, "fuzz", "/etc/a", "A\nB\n", 4, 0644);
	r->notify = xstrdup("restart x");
	r = resource_add_file(rl, "fuzz", "/etc/s", "secret\n", 7, 0600);
	r->secret = 1;
	r = resource_add(rl, RES_DIR, "fuzz");
	r->path = xstrdup("/opt/d");
	r->mode = 0750;
	r = resource_add(rl, RES_ABSENT, "fuzz");
	r->path = xstrdup("/etc/old");
	r = resource_add(rl, RES_BLOCK, "fuzz");
	r->path = xstrdup("/etc/fstab");
	r->marker = xstrdup("m");
	strbuf_addstr(&r->content, "x y\n");
	r = resource_add(rl, RES_PACKAGES, "fuzz");
	strvec_push(&r->packages, "htop");
	strvec_push(&r->packages, "jq");
	r = resource_add(rl, RES_PACKAGES, "fuzz");
	strvec_push(&r->packages, "htop");
	r->absent = 1;
	r = resource_add(rl, RES_SERVICE, "fuzz");
	r->unit = xstrdup("x");
	r->enabled = r->started = 1;
	r = resource_add(rl, RES_COMMAND, "fuzz");
	r->command = xstrdup("touch /x");
	r->creates = xstrdup("/x");
	r->unless = xstrdup("true");
	r = resource_add(rl, RES_UPLOAD, "fuzz");
	r->path = xstrdup("/usr/local/bin/k");
	r->local_path = xstrdup("/nonexistent");
	r->sha256 = xstrdup("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	r = resource_add_file(rl, "fuzz", "/etc/systemd/system/x.service", "[Unit]\n", 7, 0644);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct resource_list rl = RESOURCE_LIST_INIT;
	struct observed obs = { 0 };
	struct host_plan plan = HOST_PLAN_INIT;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	struct apply_step step = { 0, STRBUF_INIT, 0, 0 };

	if (!rl.nr)
		resources(&rl);
	if (observe_parse(&rl, (const char *)data, size, &obs, &err) == 0) {
		if (err.len || obs.nr != rl.nr)
			abort();	/* success says nothing and covers every resource */
		for (size_t i = 0; i < obs.nr; i++)
			if (obs.items[i].content.len > OBSERVE_CONTENT_MAX ||
			    obs.items[i].block.len > OBSERVE_BLOCK_MAX ||
			    (rl.items[i].secret && obs.items[i].have_content))
				abort();
		if (diff_host("fuzz", &rl, &obs, &plan, &err) == 0) {
			plan_format_host("fuzz", &rl, &plan, 1, &text);
			/* a secret file's change says so and shows nothing of it */
			for (size_t i = 0; i < plan.nr; i++)
				if (plan.v[i].res != CHANGE_NO_RESOURCE &&
				    rl.items[plan.v[i].res].secret &&
				    strcmp(plan.v[i].diff.buf, "content changed (secret)") &&
				    strcmp(plan.v[i].diff.buf, "new file (secret)") &&
				    plan.v[i].diff.len)
					abort();
			step.nr = plan.nr;
			apply_read_report(&step, (const char *)data, size, &plan, &err);
		}
	} else if (!err.len || obs.items) {
		abort();	/* failure explains itself and leaves *obs alone */
	}
	host_plan_release(&plan);
	observed_release(&obs);
	strbuf_release(&err);
	strbuf_release(&text);
	return 0;
}
