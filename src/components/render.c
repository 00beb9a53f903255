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

/* 1 when `dir` is a directory an earlier render made (it holds the marker). */
static int is_render(const char *dir)
{
	char *marker = xstrfmt("%s/%s", dir, RENDER_MARKER);
	struct stat st;
	int ok = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
		 lstat(marker, &st) == 0 && S_ISREG(st.st_mode);

	free(marker);
	return ok;
}

/* 1 when `dir` may be replaced: missing, an empty directory, or an earlier render. */
static int replaceable(const char *dir)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int empty = 1;

	if (lstat(dir, &st) < 0)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty || is_render(dir);
}

/*
 * Clears `path` (OUT.kcfg-new or OUT.kcfg-old) for this render: removed
 * when a render left it, refused when it is anything else.
 */
static int clear_aside(const char *path, struct strbuf *err)
{
	if (!path_exists(path))
		return 0;
	if (!is_render(path)) {
		strbuf_addf(err, "'%s' is in the way and was not made by kcfg render; "
			    "move it away", path);
		return -1;
	}
	if (remove_tree(path) < 0) {
		strbuf_addf(err, "cannot remove the earlier render '%s': %s", path,
			    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * `out` without trailing slashes (malloc'ed), or NULL with the reason:
 * the directory is renamed and replaced whole, which "." or "/" cannot be.
 */
static char *output_dir(const char *out, struct strbuf *err)
{
	size_t len = strlen(out);
	const char *base;
	char *dir;

	while (len > 1 && out[len - 1] == '/')
		len--;
	dir = xstrndup(out, len);
	base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		strbuf_addf(err, "cannot render into '%s': render replaces its output "
			    "directory whole, so it must be a directory of its own; "
			    "name one, e.g. -o rendered", out);
		free(dir);
		return NULL;
	}
	return dir;
}

/* mkdir -p of the directory `path` is in. */
static int make_parent(const char *path, struct strbuf *err)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	int ret;

	if (!slash || slash == path)
		return 0;
	parent = xstrndup(path, (size_t)(slash - path));
	ret = mkdir_p(parent, 0755, err);
	free(parent);
	return ret;
}

/* OUT/<host>/<path>, never outside OUT whatever the host's name or the path. */
static int write_one(const char *root, const char *host, const char *path,
		     const struct strbuf *content, unsigned mode, struct strbuf *err)
{
	char *rel;
	int ret;

	if (!fs_name_ok(host)) {
		strbuf_addf(err, "cannot render host '%s': its name is no directory name", host);
		return -1;
	}
	while (*path == '/')
		path++;
	rel = xstrfmt("%s/%s", host, path);
	ret = write_file_beneath(root, rel, content->buf, content->len, mode, 0755, err);
	free(rel);
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
		if (r->needs)
			strbuf_addf(out, " from=%s", r->needs);
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
		} else if (r->kind == RES_FILE && !r->needs) {	/* else made at apply time */
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
	char *out = NULL, *tmp = NULL, *old = NULL;
	int found = 0, made = 0, ret = -1;

	memset(stats, 0, sizeof(*stats));
	if (opts->only_component && !component_find(opts->only_component)) {
		strbuf_addf(err, "no component '%s'", opts->only_component);
		goto out;
	}
	if (!(out = output_dir(opts->out_dir, err)))
		goto out;
	tmp = xstrfmt("%s.kcfg-new", out);
	old = xstrfmt("%s.kcfg-old", out);
	if (!replaceable(out)) {
		strbuf_addf(err, "'%s' exists and was not made by kcfg render; "
			    "choose an empty or new directory", out);
		goto out;
	}
	if (clear_aside(tmp, err) < 0 || clear_aside(old, err) < 0)
		goto out;
	/* made here and now, so nothing in it was planted by anyone else */
	if (make_parent(tmp, err) < 0)
		goto out;
	if (mkdir(tmp, 0755) < 0) {
		strbuf_addf(err, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	made = 1;
	if (write_file_beneath(tmp, RENDER_MARKER, "", 0, 0644, 0755, err) < 0)
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
	if (path_exists(out) && rename(out, old) < 0) {
		strbuf_addf(err, "cannot move '%s' aside: %s", out, strerror(errno));
		goto out;
	}
	if (rename(tmp, out) < 0) {
		strbuf_addf(err, "cannot create '%s': %s", out, strerror(errno));
		rename(old, out);
		goto out;
	}
	made = 0;
	remove_tree(old);
	ret = 0;
out:
	if (made)
		remove_tree(tmp);
	free(out);
	free(tmp);
	free(old);
	return ret;
}
