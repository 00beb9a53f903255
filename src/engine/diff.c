/*
 * Diff: desired resources against observed state, into an ordered list
 * of changes per host. Pure: no I/O except reading a local upload's
 * digest when its resource has no pinned one.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/diff.h"
#include "engine/observe.h"
#include "engine/resource.h"
#include "engine/udiff.h"
#include "transport/shell.h"
#include "transport/upload.h"
#include "util/xalloc.h"
#include "util/banned.h"

static struct change *add_change(struct host_plan *plan, enum change_kind kind, size_t res)
{
	struct change *c;

	ALLOC_GROW(plan->v, plan->nr + 1, plan->alloc);
	c = &plan->v[plan->nr++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->res = res;
	strvec_init(&c->packages);
	strbuf_init(&c->diff, 0);
	strbuf_init(&c->error, 0);
	return c;
}

static void change_release(struct change *c)
{
	free(c->owner);
	free(c->old_owner);
	strvec_clear(&c->packages);
	free(c->handler);
	free(c->command);
	free(c->notified_by);
	strbuf_release(&c->diff);
	strbuf_release(&c->error);
}

void host_plan_release(struct host_plan *plan)
{
	for (size_t i = 0; i < plan->nr; i++)
		change_release(&plan->v[i]);
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}

size_t host_plan_changes(const struct host_plan *plan)
{
	return plan->nr;
}

void diff_owner_spec(const struct resource *r, struct strbuf *out)
{
	if (!r->owner)
		strbuf_addf(out, "root:%s", r->group ? r->group : "root");
	else
		strbuf_addf(out, "%s:%s", r->owner, r->group ? r->group : "");
}

int diff_is_unit_path(const char *path)
{
	static const char *const dirs[] = {
		"/etc/systemd/system/", "/run/systemd/system/", "/lib/systemd/system/",
		"/usr/lib/systemd/system/", "/usr/local/lib/systemd/system/",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (starts_with(path, dirs[i]))
			return 1;
	return 0;
}

char *diff_handler_command(const struct resource_list *rl, const char *name)
{
	struct strbuf cmd = STRBUF_INIT;

	for (size_t i = 0; i < rl->nr; i++)
		if (rl->items[i].kind == RES_HANDLER && !strcmp(rl->items[i].name, name))
			return xstrdup(rl->items[i].command);
	if (starts_with(name, "restart ") || starts_with(name, "reload ")) {
		const char *unit = strchr(name, ' ') + 1;
		if (!*unit || strchr(unit, ' '))
			return NULL;
		strbuf_addf(&cmd, "systemctl %.*s -- ", (int)(unit - name - 1), name);
		sq_quote(&cmd, unit);
		return strbuf_detach(&cmd, NULL);
	}
	if (!strcmp(name, "daemon-reload"))
		return xstrdup("systemctl daemon-reload");
	if (!strcmp(name, "hostname"))
		return xstrdup("hostname -F /etc/hostname 2>/dev/null || "
			       "cat /etc/hostname > /proc/sys/kernel/hostname");
	return NULL;
}

/* Compares mode and owner; fills the change's attribute fields. */
static unsigned attr_diff(const struct resource *r, const struct obs_path *st,
			  unsigned want_mode, struct change *c)
{
	unsigned what = 0;
	const char *want_owner = r->owner ? r->owner : "root";
	const char *want_group = r->group ? r->group : (r->owner ? NULL : "root");

	if (want_mode && st->mode != want_mode)
		what |= CHG_MODE;
	if (strcmp(st->owner ? st->owner : "", want_owner) ||
	    (want_group && strcmp(st->group ? st->group : "", want_group)))
		what |= CHG_OWNER;
	if (what && c) {
		c->old_mode = st->mode;
		c->old_owner = xstrfmt("%s:%s", st->owner ? st->owner : "?",
				       st->group ? st->group : "?");
	}
	return what;
}

static void set_attrs(struct change *c, const struct resource *r, unsigned mode)
{
	struct strbuf owner = STRBUF_INIT;

	diff_owner_spec(r, &owner);
	c->owner = strbuf_detach(&owner, NULL);
	c->mode = mode;
}

static void labels(const char *host, const char *path, struct strbuf *a, struct strbuf *b)
{
	strbuf_addf(a, "%s (on %s)", path, host);
	strbuf_addf(b, "%s (kcfg)", path);
}

/* What plan says of a symbolic link where a file or block's file should be. */
#define LINK_REFUSED "a symbolic link is there: apply refuses to write through or over it " \
		     "(remove the link, or make it a regular file)"

static void content_diff(const char *host, const struct resource *r,
			 const struct obs_item *it, struct change *c)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	if (it->st.type == OBS_LINK && !r->links) {
		strbuf_addstr(&c->diff, LINK_REFUSED);
	} else if (r->needs) {
		strbuf_addf(&c->diff, "written from %s (secret)", r->needs);
	} else if (r->secret) {
		strbuf_addstr(&c->diff, c->what & CHG_CREATE ? "new file (secret)"
							     : "content changed (secret)");
	} else if (c->what & CHG_CREATE || c->what & CHG_TYPE) {
		if (r->content.len <= OBSERVE_CONTENT_MAX) {
			labels(host, r->path, &a, &b);
			udiff("", 0, r->content.buf, r->content.len, "/dev/null", b.buf, &c->diff);
		} else {
			strbuf_addf(&c->diff, "new file, %zu bytes", r->content.len);
		}
	} else if (it->have_content && it->st.size == it->content.len &&
		   r->content.len <= OBSERVE_CONTENT_MAX) {
		labels(host, r->path, &a, &b);
		udiff(it->content.buf, it->content.len, r->content.buf, r->content.len,
		      a.buf, b.buf, &c->diff);
	} else {
		strbuf_addf(&c->diff, "content changed (%llu bytes -> %zu bytes, too large to show)",
			    (unsigned long long)it->st.size, r->content.len);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

static int diff_file(const char *host, const struct resource *r, const struct obs_item *it,
		     size_t i, struct host_plan *plan)
{
	char hex[65];
	unsigned mode = r->mode ? r->mode : (it->st.type == OBS_FILE ? it->st.mode :
					     r->secret ? 0600 : 0644);
	struct change tmp, *c;
	unsigned what = 0;

	memset(&tmp, 0, sizeof(tmp));
	if (it->st.type == OBS_MISSING) {
		what = CHG_CREATE | CHG_CONTENT;
	} else if (it->st.type != OBS_FILE) {
		what = CHG_TYPE | CHG_CONTENT;
	} else {
		/* a file written from a cluster value is written once: its content is left alone */
		observe_sha256_hex(r->content.buf, r->content.len, hex);
		if (!r->needs && strcmp(hex, it->st.sha))
			what |= CHG_CONTENT;
		what |= attr_diff(r, &it->st, mode, &tmp);
	}
	if (!what) {
		free(tmp.old_owner);
		return 0;
	}
	c = add_change(plan, what & CHG_CONTENT ? CH_FILE : CH_ATTRS, i);
	c->what = what;
	c->old_mode = tmp.old_mode;
	c->old_owner = tmp.old_owner;
	set_attrs(c, r, mode);
	if (what & CHG_CONTENT)
		content_diff(host, r, it, c);
	return 1;
}

static int diff_dir(const struct resource *r, const struct obs_item *it, size_t i,
		    struct host_plan *plan)
{
	struct change tmp, *c;
	unsigned what;

	if (it->st.type == OBS_MISSING || it->st.type == OBS_FILE || it->st.type == OBS_OTHER) {
		c = add_change(plan, CH_DIR, i);
		c->what = it->st.type == OBS_MISSING ? CHG_CREATE : CHG_TYPE;
		set_attrs(c, r, r->mode ? r->mode : 0755);
		return 1;
	}
	if (it->st.type == OBS_LINK)
		return 0;	/* a link to a directory is left alone */
	memset(&tmp, 0, sizeof(tmp));
	what = attr_diff(r, &it->st, r->mode, &tmp);
	if (!what)
		return 0;
	c = add_change(plan, CH_ATTRS, i);
	c->what = what;
	c->old_mode = tmp.old_mode;
	c->old_owner = tmp.old_owner;
	set_attrs(c, r, r->mode ? r->mode : it->st.mode);
	return 1;
}

/* The block's text as written: ends with a newline unless empty. */
static void block_text(const struct resource *r, struct strbuf *out)
{
	strbuf_addbuf(out, &r->content);
	if (out->len && out->buf[out->len - 1] != '\n')
		strbuf_addch(out, '\n');
}

static int diff_block(const char *host, const struct resource *r, const struct obs_item *it,
		      size_t i, struct host_plan *plan)
{
	struct strbuf want = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct change *c;

	block_text(r, &want);
	if (it->block_found && !it->block_too_large && it->st.type == OBS_FILE &&
	    it->block.len == want.len && !memcmp(it->block.buf, want.buf, want.len)) {
		strbuf_release(&want);
		return 0;
	}
	c = add_change(plan, CH_BLOCK, i);
	c->what = CHG_CONTENT | (it->block_found ? 0 : CHG_CREATE);
	if (it->st.type == OBS_LINK && !r->links) {
		strbuf_addstr(&c->diff, LINK_REFUSED);
	} else if (r->secret) {
		strbuf_addstr(&c->diff, "block changed (secret)");
	} else if (it->block_too_large) {
		strbuf_addstr(&c->diff, "block changed (too large to show)");
	} else {
		strbuf_addf(&a, "%s#%s (on %s)", r->path, r->marker, host);
		strbuf_addf(&b, "%s#%s (kcfg)", r->path, r->marker);
		udiff(it->block.buf, it->block.len, want.buf, want.len,
		      it->block_found ? a.buf : "/dev/null", b.buf, &c->diff);
	}
	strbuf_release(&want);
	strbuf_release(&a);
	strbuf_release(&b);
	return 1;
}

static int diff_packages(const struct resource *r, const struct obs_item *it, size_t i,
			 struct host_plan *plan)
{
	struct change *c = NULL;

	for (size_t k = 0; k < r->packages.nr; k++) {
		int present = it->pkg_present ? it->pkg_present[k] : 0;

		if (r->absent ? present == 0 : present == 1)
			continue;
		if (!c)
			c = add_change(plan, r->absent ? CH_REMOVE : CH_INSTALL, i);
		strvec_push(&c->packages, r->packages.v[k]);
	}
	return c != NULL;
}

static int state_in(const char *state, const char *const *list)
{
	for (; state && *list; list++)
		if (!strcmp(state, *list))
			return 1;
	return 0;
}

static int diff_service(const struct resource *r, const struct obs_item *it, size_t i,
			struct host_plan *plan)
{
	static const char *const enabled[] = {
		"enabled", "enabled-runtime", "static", "alias", "indirect", "generated",
		"transient", NULL,
	};
	static const char *const disabled[] = {
		"disabled", "static", "masked", "masked-runtime", "", NULL,
	};
	static const char *const running[] = { "active", "reloading", "activating", NULL };
	unsigned what = 0;
	struct change *c;

	if (r->enabled && !state_in(it->unit_file, enabled))
		what |= CHG_ENABLE;
	if (!r->enabled && !state_in(it->unit_file, disabled) && it->unit_file)
		what |= CHG_DISABLE;
	if (r->started && !state_in(it->active, running))
		what |= CHG_START;
	if (!r->started && state_in(it->active, running))
		what |= CHG_STOP;
	if (!what)
		return 0;
	c = add_change(plan, CH_SERVICE, i);
	c->what = what;
	return 1;
}

static int diff_command(const struct resource *r, const struct obs_item *it, size_t i,
			struct host_plan *plan)
{
	if ((r->creates && it->creates == 1) || (r->unless && it->unless == 0))
		return 0;
	add_change(plan, CH_COMMAND, i);
	return 1;
}

static int diff_upload(const struct resource *r, const struct obs_item *it, size_t i,
		       struct host_plan *plan, struct strbuf *err)
{
	char sha[UPLOAD_SHA_HEX + 1];
	uint64_t size;
	unsigned mode = r->mode ? r->mode : 0644;
	struct change tmp, *c;
	unsigned what;

	if (r->pin_key && (!r->sha256 || !*r->sha256)) {
		/* never trust whatever sits in the cache */
		strbuf_addf(err, "upload of '%s' (from component '%s'): '%s' is empty, so "
			    "the download cannot be checked", r->path, r->component, r->pin_key);
		return -1;
	} else if (r->sha256 && *r->sha256) {
		xsnprintf(sha, sizeof(sha), "%s", r->sha256);
	} else if (!r->local_path) {
		strbuf_addf(err, "upload of '%s' (from component '%s') has no local file",
			    r->path, r->component);
		return -1;
	} else {
		struct strbuf why = STRBUF_INIT;
		int rc = upload_sha256_file(r->local_path, sha, &size, &why);

		if (rc < 0)
			strbuf_addf(err, "upload of '%s' (from component '%s'): %s", r->path,
				    r->component, why.buf);
		strbuf_release(&why);
		if (rc < 0)
			return -1;
	}
	if (it->st.type != OBS_FILE || strcmp(it->st.sha, sha)) {
		c = add_change(plan, CH_UPLOAD, i);
		c->what = it->st.type == OBS_MISSING ? CHG_CREATE : CHG_CONTENT;
		set_attrs(c, r, mode);
		return 1;
	}
	memset(&tmp, 0, sizeof(tmp));
	what = attr_diff(r, &it->st, mode, &tmp);
	if (!what)
		return 0;
	c = add_change(plan, CH_ATTRS, i);
	c->what = what;
	c->old_mode = tmp.old_mode;
	c->old_owner = tmp.old_owner;
	set_attrs(c, r, mode);
	return 1;
}

/* daemon-reload after unit files changed, before anything that may use them. */
static void insert_daemon_reload(const struct resource_list *rl, struct host_plan *plan)
{
	int pending = 0;

	for (size_t i = 0; i <= plan->nr; i++) {
		const struct change *c = i < plan->nr ? &plan->v[i] : NULL;
		int uses = !c || c->kind == CH_SERVICE || c->kind == CH_COMMAND ||
			   c->kind == CH_INSTALL || c->kind == CH_REMOVE || c->kind == CH_UPLOAD ||
			   c->kind == CH_HANDLER;
		struct change *d;

		if (pending && uses) {
			ALLOC_GROW(plan->v, plan->nr + 1, plan->alloc);
			memmove(plan->v + i + 1, plan->v + i, (plan->nr - i) * sizeof(*plan->v));
			plan->nr++;
			d = &plan->v[i];
			memset(d, 0, sizeof(*d));
			d->kind = CH_DAEMON_RELOAD;
			d->res = CHANGE_NO_RESOURCE;
			strvec_init(&d->packages);
			strbuf_init(&d->diff, 0);
			strbuf_init(&d->error, 0);
			pending = 0;
			continue;	/* the change that uses it comes next */
		}
		if (c && c->res != CHANGE_NO_RESOURCE &&
		    (c->kind == CH_FILE || c->kind == CH_ABSENT) &&
		    diff_is_unit_path(rl->items[c->res].path))
			pending = 1;
	}
}

static int add_handlers(const struct resource_list *rl, const struct observed *obs,
			struct host_plan *plan, struct strbuf *err)
{
	size_t changes = plan->nr;

	/* every notify must name a handler, changed or not: a typo shows at once */
	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *r = &rl->items[i];
		char *cmd;

		if (!r->notify)
			continue;
		cmd = diff_handler_command(rl, r->notify);
		if (!cmd) {
			struct strbuf id = STRBUF_INIT;
			resource_describe(r, &id);
			strbuf_addf(err, "'%s' (from component '%s') notifies '%s', which is no "
				    "handler: use 'restart UNIT', 'reload UNIT', 'daemon-reload', "
				    "'hostname' or a handler the component defines",
				    id.buf, r->component, r->notify);
			strbuf_release(&id);
			return -1;
		}
		free(cmd);
	}
	for (size_t i = 0; i < changes; i++) {
		const struct resource *r;
		struct change *c;
		struct strbuf id = STRBUF_INIT;
		int dup = 0;

		if (plan->v[i].res == CHANGE_NO_RESOURCE)
			continue;
		r = &rl->items[plan->v[i].res];
		if (!r->notify)
			continue;
		for (size_t j = changes; j < plan->nr && !dup; j++)
			dup = !strcmp(plan->v[j].handler, r->notify);
		if (dup)
			continue;
		c = add_change(plan, CH_HANDLER, CHANGE_NO_RESOURCE);
		c->handler = xstrdup(r->notify);
		c->command = diff_handler_command(rl, r->notify);
		resource_describe(r, &id);
		c->notified_by = strbuf_detach(&id, NULL);
	}
	for (size_t i = 0; obs && i < obs->pending.nr; i++) {
		char *cmd = diff_handler_command(rl, obs->pending.v[i]);
		int dup = 0;
		struct change *c;

		for (size_t j = changes; j < plan->nr && !dup; j++)
			if (!strcmp(plan->v[j].handler, obs->pending.v[i]))
				dup = plan->v[j].pending = 1;
		if (dup || !cmd) {
			free(cmd);	/* a name this run does not know is dropped with the file */
			continue;
		}
		c = add_change(plan, CH_HANDLER, CHANGE_NO_RESOURCE);
		c->handler = xstrdup(obs->pending.v[i]);
		c->command = cmd;
		c->pending = 1;
	}
	return 0;
}

static int same_attrs(const struct resource *a, const struct resource *b)
{
	return a->mode == b->mode && !strcmp(a->owner ? a->owner : "", b->owner ? b->owner : "") &&
	       !strcmp(a->group ? a->group : "", b->group ? b->group : "");
}

/* A package one resource installs and another removes. */
static int package_conflict(const struct resource_list *rl, struct strbuf *err)
{
	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *a = &rl->items[i];

		if (a->kind != RES_PACKAGES || !a->absent)
			continue;
		for (size_t j = 0; j < rl->nr; j++) {
			const struct resource *b = &rl->items[j];

			if (b->kind != RES_PACKAGES || b->absent)
				continue;
			for (size_t k = 0; k < a->packages.nr; k++) {
				if (strvec_find(&b->packages, a->packages.v[k]) < 0)
					continue;
				strbuf_addf(err, "package '%s' is both installed (from component '%s') "
					    "and removed (from component '%s')", a->packages.v[k],
					    b->component, a->component);
				return -1;
			}
		}
	}
	return 0;
}

int diff_check_conflicts(const struct resource_list *rl, struct strbuf *err)
{
	if (package_conflict(rl, err) < 0)
		return -1;
	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *a = &rl->items[i];

		if (!a->path || a->kind == RES_COMMAND || a->kind == RES_HANDLER)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct resource *b = &rl->items[j];
			struct strbuf ida = STRBUF_INIT, idb = STRBUF_INIT;
			int clash;

			if (!b->path || b->kind == RES_COMMAND || b->kind == RES_HANDLER ||
			    strcmp(a->path, b->path))
				continue;
			if (a->kind == RES_DIR && b->kind == RES_DIR)
				clash = !same_attrs(a, b);
			else if (a->kind == RES_BLOCK && b->kind == RES_BLOCK)
				clash = !strcmp(a->marker, b->marker);
			else
				clash = !(a->kind == RES_BLOCK || b->kind == RES_BLOCK) ||
					a->kind != b->kind;
			if (!clash)
				continue;
			resource_describe(b, &idb);
			resource_describe(a, &ida);
			strbuf_addf(err, "'%s' is managed twice: '%s' (from component '%s') and "
				    "'%s' (from component '%s')", a->path, idb.buf, b->component,
				    ida.buf, a->component);
			strbuf_release(&ida);
			strbuf_release(&idb);
			return -1;
		}
	}
	return 0;
}

int diff_host(const char *host, const struct resource_list *rl,
	      const struct observed *obs, struct host_plan *plan, struct strbuf *err)
{
	struct host_plan p = HOST_PLAN_INIT;

	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *r = &rl->items[i];
		const struct obs_item *it = &obs->items[i];
		int changed = 0;

		if (r->pending) {	/* what it will be is not known yet */
			add_change(&p, CH_PENDING, i);
			p.resources++;
			continue;
		}
		switch (r->kind) {
		case RES_FILE:
			changed = diff_file(host, r, it, i, &p);
			break;
		case RES_DIR:
			changed = diff_dir(r, it, i, &p);
			break;
		case RES_ABSENT:
			if (it->st.type != OBS_MISSING) {
				add_change(&p, CH_ABSENT, i);
				changed = 1;
			}
			break;
		case RES_BLOCK:
			changed = diff_block(host, r, it, i, &p);
			break;
		case RES_PACKAGES:
			changed = diff_packages(r, it, i, &p);
			break;
		case RES_SERVICE:
			changed = diff_service(r, it, i, &p);
			break;
		case RES_COMMAND:
			changed = diff_command(r, it, i, &p);
			break;
		case RES_UPLOAD:
			changed = diff_upload(r, it, i, &p, err);
			if (changed < 0) {
				host_plan_release(&p);
				return -1;
			}
			break;
		case RES_HANDLER:
			continue;
		}
		p.resources++;
		p.unchanged += !changed;
	}
	if (add_handlers(rl, obs, &p, err) < 0) {
		host_plan_release(&p);
		return -1;
	}
	insert_daemon_reload(rl, &p);
	host_plan_release(plan);
	*plan = p;
	return 0;
}
