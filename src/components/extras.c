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
#include "transport/sh-template.h"
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

static void put_sh(void *data, const char *s, size_t n, int value)
{
	if (value)
		sh_template_value(data, s, n);
	else
		sh_template_text(data, s, n);
}

/*
 * An sh script of the entry (a command's run or unless): the host's name
 * and address go in as data, quoted for where they stand. Returns 0, or
 * -1 with a message naming the host, the field and the entry.
 */
static int expand_sh(const struct comp_host *h, const char *text, const char *field,
		     const char *file, const struct extras_entry *e, char **out,
		     struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
	struct sh_template t;

	sh_template_init(&t, &sb);
	extras_template(text, strlen(text), h->name, h->address, put_sh, &t);
	if (sh_template_finish(&t, &why) < 0) {
		strbuf_addf(err, "host '%s': %s of the extras entry at %s:%u: %s: write "
			    "{{ inventory_hostname }} and {{ ansible_host }} where sh reads a "
			    "word, in quotes or out", h->name, field, file ? file : "cluster.yaml",
			    e->line, why.buf);
		strbuf_release(&sb);
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&why);
	*out = strbuf_detach(&sb, NULL);
	return 0;
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

static int add_entry(const struct comp_host *h, const struct extras_entry *e,
		     const char *file, const char *base_dir, struct resource_list *out,
		     struct strbuf *err)
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
		if (expand_sh(h, c->run, "a command's run", file, e, &r->command, err) < 0 ||
		    (c->unless && expand_sh(h, c->unless, "a command's unless", file, e,
					    &r->unless, err) < 0))
			return -1;
		r->creates = c->creates ? expand(h, c->creates, strlen(c->creates)) : NULL;
		r->notify = dup_or_null(c->notify);
	}
	return 0;
}

static int extras_desired(const struct component *self, const struct comp_ctx *ctx, const struct comp_host *h,
			  struct resource_list *out, struct strbuf *err)
{
	const struct extras_list *l = &ctx->settings->extras;
	const char *file = ctx->settings->file, *slash = file ? strrchr(file, '/') : NULL;
	char *base_dir = slash ? xstrndup(file, (size_t)(slash - file)) : NULL;
	int ret = 0;

	for (size_t i = 0; i < l->nr && !ret; i++)
		if (comp_host_in_group(h, l->v[i].group))
			ret = add_entry(h, &l->v[i], file, base_dir, out, err);
	free(base_dir);
	return ret;
}

const struct component component_extras = {
	COMP, "your own files, packages, services and commands (cluster.yaml extras)",
	COMP_ROLE_ALL, COMP_PHASE_HOSTS, extras_desired,
};
