#include <string.h>

#include "engine/diff.h"
#include "engine/plan.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define SHOWN_COMMAND 70	/* bytes of a command shown in a plan line */

static void add_attrs(const struct change *c, struct strbuf *out)
{
	if (c->what & CHG_MODE)
		strbuf_addf(out, ", mode %04o -> %04o", c->old_mode, c->mode);
	if (c->what & CHG_OWNER)
		strbuf_addf(out, ", owner %s -> %s", c->old_owner ? c->old_owner : "?", c->owner);
}

static void add_command(const struct resource *r, struct strbuf *out)
{
	const char *cmd = r->command;
	size_t len = strcspn(cmd, "\n");

	if (r->secret) {
		strbuf_addstr(out, "a command (secret)");
		return;
	}
	strbuf_addch(out, '\'');
	for (size_t i = 0; i < len && i < SHOWN_COMMAND; i++)
		strbuf_addch(out, (unsigned char)cmd[i] < ' ' ? ' ' : cmd[i]);
	if (len > SHOWN_COMMAND || cmd[len])
		strbuf_addstr(out, "...");
	strbuf_addch(out, '\'');
}

void plan_describe_change(const struct resource_list *rl, const struct change *c,
			  struct strbuf *out)
{
	const struct resource *r = c->res != CHANGE_NO_RESOURCE ? &rl->items[c->res] : NULL;

	switch (c->kind) {
	case CH_FILE:
		strbuf_addf(out, "%c file %s", c->what & CHG_CREATE ? '+' : '~', r->path);
		if (c->what & CHG_CREATE)
			strbuf_addf(out, " (%04o %s)", c->mode, c->owner);
		if (c->what & CHG_TYPE)
			strbuf_addstr(out, ", replacing what is there");
		add_attrs(c, out);
		break;
	case CH_ATTRS:
		strbuf_addf(out, "~ %s %s", r->kind == RES_DIR ? "dir" : "file", r->path);
		add_attrs(c, out);
		break;
	case CH_DIR:
		strbuf_addf(out, "+ dir %s (%04o %s)", r->path, c->mode, c->owner);
		if (c->what & CHG_TYPE)
			strbuf_addstr(out, ", where something else is");
		break;
	case CH_ABSENT:
		strbuf_addf(out, "- remove %s", r->path);
		break;
	case CH_BLOCK:
		strbuf_addf(out, "%c block '%s' in %s", c->what & CHG_CREATE ? '+' : '~',
			    r->marker, r->path);
		break;
	case CH_INSTALL:
	case CH_REMOVE:
		strbuf_addf(out, "%c %s", c->kind == CH_INSTALL ? '+' : '-',
			    c->kind == CH_INSTALL ? "install" : "uninstall");
		for (size_t k = 0; k < c->packages.nr; k++)
			strbuf_addf(out, " %s", c->packages.v[k]);
		break;
	case CH_SERVICE: {
		static const struct { unsigned bit; const char *verb; } verbs[] = {
			{ CHG_ENABLE, "enable" }, { CHG_DISABLE, "disable" },
			{ CHG_START, "start" }, { CHG_STOP, "stop" },
		};
		int first = 1;

		strbuf_addf(out, "~ service %s:", r->unit);
		for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
			if (c->what & verbs[k].bit) {
				strbuf_addf(out, "%s %s", first ? "" : ",", verbs[k].verb);
				first = 0;
			}
		break;
	}
	case CH_COMMAND:
		strbuf_addstr(out, "! run ");
		add_command(r, out);
		break;
	case CH_UPLOAD:
		strbuf_addf(out, "> upload %s (%04o %s)", r->path, c->mode, c->owner);
		break;
	case CH_DAEMON_RELOAD:
		strbuf_addstr(out, "* systemctl daemon-reload (unit files changed)");
		break;
	case CH_PENDING:
		strbuf_addf(out, "? %s %s: waits for %s", resource_kind_name(r->kind), r->path,
			    r->pending);
		break;
	case CH_HANDLER:
		strbuf_addf(out, "* handler '%s'", c->handler);
		if (c->notified_by)
			strbuf_addf(out, " (notified by %s)", c->notified_by);
		if (c->pending)
			strbuf_addstr(out, c->notified_by ? " (also pending from an interrupted apply)"
							  : " (pending from an interrupted apply)");
		break;
	}
	if (r)
		strbuf_addf(out, " [%s]", r->component);
}

void plan_format_host(const char *host, const struct resource_list *rl,
		      const struct host_plan *plan, int diffs, struct strbuf *out)
{
	if (plan->nr)
		strbuf_addf(out, "%s:\n", host);
	for (size_t i = 0; i < plan->nr; i++) {
		const struct change *c = &plan->v[i];

		strbuf_addstr(out, "  ");
		plan_describe_change(rl, c, out);
		strbuf_addch(out, '\n');
		if (diffs && c->diff.len)
			strbuf_add_indented(out, c->diff.buf, c->diff.len, 6);
	}
	if (plan->nr)
		strbuf_addf(out, "%s: %zu to change, %zu unchanged\n", host, plan->nr,
			    plan->unchanged);
	else
		strbuf_addf(out, "%s: no changes (%zu resources)\n", host, plan->resources);
}
