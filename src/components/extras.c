/*
 * extras: what users add to their hosts through cluster.yaml's `extras`
 * section (config/extras.h), for every host of each entry's inventory
 * group. Within an entry the order is the usual one of a hand-written
 * playbook: packages (removals, then installs), directories, files,
 * blocks, absent paths, services, commands; so a package's own default
 * config is in place before a file replaces it, and a service starts
 * with its files written.
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "config/extras.h"
#include "config/settings.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define COMP "extras"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static char *expand(const struct comp_host *h, const char *text, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	extras_expand(text, len, h->name, h->address, &sb);
	return strbuf_detach(&sb, NULL);
}

static void add_packages(struct resource_list *out, const struct strvec *names, int absent)
{
	struct resource *r;

	if (!names->nr)
		return;
	r = resource_add(out, RES_PACKAGES, COMP);
	for (size_t i = 0; i < names->nr; i++)
		strvec_push(&r->packages, names->v[i]);
	r->absent = absent;
}

/* `src` as given when absolute, else beside cluster.yaml. */
static char *local_file(const char *base_dir, const char *src)
{
	if (src[0] == '/' || !base_dir)
		return xstrdup(src);
	return xstrfmt("%s/%s", base_dir, src);
}

static void add_entry(const struct comp_host *h, const struct extras_entry *e,
		      const char *base_dir, struct resource_list *out)
{
	struct resource *r;

	add_packages(out, &e->packages_absent, 1);
	add_packages(out, &e->packages, 0);
	for (size_t i = 0; i < e->nr_dirs; i++) {
		r = resource_add(out, RES_DIR, COMP);
		r->path = expand(h, e->dirs[i].path, strlen(e->dirs[i].path));
		r->mode = e->dirs[i].mode;
		r->owner = dup_or_null(e->dirs[i].owner);
		r->group = dup_or_null(e->dirs[i].group);
	}
	for (size_t i = 0; i < e->nr_files; i++) {
		const struct extra_file *f = &e->files[i];

		r = resource_add(out, f->src ? RES_UPLOAD : RES_FILE, COMP);
		r->path = expand(h, f->path, strlen(f->path));
		if (f->src)
			r->local_path = local_file(base_dir, f->src);
		else
			extras_expand(f->content, f->len, h->name, h->address, &r->content);
		r->mode = f->mode;
		r->owner = dup_or_null(f->owner);
		r->group = dup_or_null(f->group);
		r->backup = f->backup;
		r->notify = dup_or_null(f->notify);
	}
	for (size_t i = 0; i < e->nr_blocks; i++) {
		const struct extra_block *b = &e->blocks[i];

		r = resource_add(out, RES_BLOCK, COMP);
		r->path = expand(h, b->path, strlen(b->path));
		r->marker = xstrdup(b->marker);
		extras_expand(b->content, b->len, h->name, h->address, &r->content);
		r->backup = b->backup;
		r->notify = dup_or_null(b->notify);
	}
	for (size_t i = 0; i < e->absent.nr; i++) {
		r = resource_add(out, RES_ABSENT, COMP);
		r->path = expand(h, e->absent.v[i], strlen(e->absent.v[i]));
	}
	for (size_t i = 0; i < e->nr_services; i++) {
		r = resource_add(out, RES_SERVICE, COMP);
		r->unit = xstrdup(e->services[i].name);
		r->enabled = e->services[i].enabled;
		r->started = e->services[i].started;
	}
	for (size_t i = 0; i < e->nr_commands; i++) {
		const struct extra_command *c = &e->commands[i];

		r = resource_add(out, RES_COMMAND, COMP);
		r->command = expand(h, c->run, strlen(c->run));
		r->creates = c->creates ? expand(h, c->creates, strlen(c->creates)) : NULL;
		r->unless = c->unless ? expand(h, c->unless, strlen(c->unless)) : NULL;
		r->notify = dup_or_null(c->notify);
	}
}

static int extras_desired(const struct component *self, const struct comp_ctx *ctx, const struct comp_host *h,
			  struct resource_list *out, struct strbuf *err)
{
	const struct extras_list *l = &ctx->settings->extras;
	const char *file = ctx->settings->file, *slash = file ? strrchr(file, '/') : NULL;
	char *base_dir = slash ? xstrndup(file, (size_t)(slash - file)) : NULL;

	for (size_t i = 0; i < l->nr; i++)
		if (comp_host_in_group(h, l->v[i].group))
			add_entry(h, &l->v[i], base_dir, out);
	free(base_dir);
	(void)err;
	return 0;
}

const struct component component_extras = {
	COMP, "your own files, packages, services and commands (cluster.yaml extras)",
	COMP_ROLE_ALL, COMP_PHASE_HOSTS, extras_desired,
};
