#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "components/component.h"
#include "components/render.h"
#include "engine/resource.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define RENDER_MARKER ".kcfg-render"

static int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d))) {
		char *child;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		child = xstrfmt("%s/%s", path, e->d_name);
		if (remove_tree(child) < 0)
			ret = -1;
		free(child);
	}
	closedir(d);
	return rmdir(path) < 0 ? -1 : ret;
}

/* 1 when `dir` may be replaced: missing, empty, or an earlier render. */
static int replaceable(const char *dir)
{
	char *marker;
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1, ok;

	if (!d)
		return errno == ENOENT;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	marker = xstrfmt("%s/%s", dir, RENDER_MARKER);
	ok = empty || path_exists(marker);
	free(marker);
	return ok;
}

static int write_one(const char *root, const char *host, const char *path,
		     const struct strbuf *content, unsigned mode, struct strbuf *err)
{
	char *full = xstrfmt("%s/%s%s%s", root, host, *path == '/' ? "" : "/", path);
	char *slash = strrchr(full, '/');
	int ret;

	*slash = '\0';
	ret = mkdir_p(full, 0755, err);
	*slash = '/';
	if (!ret)
		ret = write_file_atomic(full, content->buf, content->len, mode, err);
	free(full);
	return ret;
}

static void describe_line(const struct resource *r, struct strbuf *out)
{
	strbuf_addf(out, "%-10s ", r->component);
	resource_describe(r, out);
	switch (r->kind) {
	case RES_FILE:
	case RES_DIR:
		if (r->mode)
			strbuf_addf(out, " mode=%04o", r->mode);
		if (r->owner)
			strbuf_addf(out, " owner=%s", r->owner);
		if (r->secret)
			strbuf_addstr(out, " secret");
		break;
	case RES_PACKAGES:
		strbuf_addstr(out, r->absent ? " absent" : " installed");
		break;
	case RES_SERVICE:
		strbuf_addf(out, " %s %s", r->enabled ? "enabled" : "disabled",
			    r->started ? "started" : "stopped");
		break;
	case RES_UPLOAD:
		strbuf_addf(out, " sha256=%s", r->sha256 ? r->sha256 : "?");
		break;
	default:
		break;
	}
	if (r->notify)
		strbuf_addf(out, " notify=%s", r->notify);
	if (r->pending)
		strbuf_addf(out, " pending (waits for %s)", r->pending);
	strbuf_addch(out, '\n');
	if (r->kind == RES_COMMAND) {
		strbuf_addf(out, "    run: %s\n", r->command);
		if (r->unless)
			strbuf_addf(out, "    unless: %s\n", r->unless);
	}
}

static int render_host(const struct comp_ctx *ctx, const struct comp_host *h,
		       const struct render_opts *opts, const char *root,
		       struct render_stats *stats, struct strbuf *err)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct strbuf list = STRBUF_INIT;
	int ret = 0;

	for (size_t c = 0; c < nr_components && !ret; c++) {
		const struct component *comp = components[c];
		if (!(comp->roles & h->roles))
			continue;
		if (opts->only_component && strcmp(opts->only_component, comp->name))
			continue;
		if (comp_desired(comp, ctx, h, &rl, err) < 0) {
			if (!err->len)
				strbuf_addf(err, "component '%s' failed for host '%s'", comp->name, h->name);
			ret = -1;
		}
	}
	for (size_t i = 0; i < rl.nr && !ret; i++) {
		const struct resource *r = &rl.items[i];
		describe_line(r, &list);
		stats->resources++;
		if (r->pending) {
			stats->pending++;	/* its content is not known: not written */
		} else if (r->kind == RES_FILE) {
			ret = write_one(root, h->name, r->path, &r->content,
					r->secret ? 0600 : (r->mode ? r->mode : 0644), err);
			stats->files++;
		} else if (r->kind == RES_BLOCK) {
			char *p = xstrfmt("%s.kcfg-block-%s", r->path, r->marker);
			ret = write_one(root, h->name, p, &r->content, r->secret ? 0600 : 0644, err);
			free(p);
			stats->files++;
		}
	}
	if (!ret && rl.nr) {
		ret = write_one(root, h->name, "RESOURCES", &list, 0644, err);
		stats->hosts++;
	}
	strbuf_release(&list);
	resource_list_release(&rl);
	return ret;
}

int render_tree(const struct comp_ctx *ctx, const struct render_opts *opts,
		struct render_stats *stats, struct strbuf *err)
{
	char *tmp = xstrfmt("%s.kcfg-new", opts->out_dir);
	char *old = xstrfmt("%s.kcfg-old", opts->out_dir);
	char *marker = xstrfmt("%s/%s", tmp, RENDER_MARKER);
	int found = 0, ret = -1;

	memset(stats, 0, sizeof(*stats));
	if (opts->only_component && !component_find(opts->only_component)) {
		strbuf_addf(err, "no component '%s'", opts->only_component);
		goto out;
	}
	if (!replaceable(opts->out_dir)) {
		strbuf_addf(err, "'%s' exists and was not made by kcfg render; "
			    "choose an empty or new directory", opts->out_dir);
		goto out;
	}
	remove_tree(tmp);
	remove_tree(old);
	if (mkdir_p(tmp, 0755, err) < 0 ||
	    write_file_atomic(marker, "", 0, 0644, err) < 0)
		goto out;
	for (size_t i = 0; i < ctx->nr_hosts; i++) {
		const struct comp_host *h = &ctx->hosts[i];
		if (opts->only_host && strcmp(opts->only_host, h->name))
			continue;
		found = 1;
		if (render_host(ctx, h, opts, tmp, stats, err) < 0)
			goto out;
	}
	if (opts->only_host && !found) {
		strbuf_addf(err, "no host '%s' in the inventory", opts->only_host);
		goto out;
	}
	/* swap the new tree in whole */
	if (path_exists(opts->out_dir) && rename(opts->out_dir, old) < 0) {
		strbuf_addf(err, "cannot move '%s' aside: %s", opts->out_dir, strerror(errno));
		goto out;
	}
	if (rename(tmp, opts->out_dir) < 0) {
		strbuf_addf(err, "cannot create '%s': %s", opts->out_dir, strerror(errno));
		rename(old, opts->out_dir);
		goto out;
	}
	remove_tree(old);
	ret = 0;
out:
	if (ret < 0)
		remove_tree(tmp);
	free(tmp);
	free(old);
	free(marker);
	return ret;
}
