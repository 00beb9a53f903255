/*
 * cluster.yaml's `extras`: user-level files, directories, blocks,
 * packages, services and commands per inventory group. Parsed with every
 * problem reported at its FILE:LINE:COL, like the rest of cluster.yaml.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config/extras.h"
#include "config/inventory.h"
#include "config/yaml.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_SHOWN 60	/* bytes of a bad value quoted back */

struct xparser {
	const char *file;
	struct diag_list *dl;
	int errors;
};

static void problem(struct xparser *xp, const struct ynode *at, const char *hint,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void problem(struct xparser *xp, const struct ynode *at, const char *hint,
		    const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_error(xp->dl, xp->file, at ? at->line : 0, at ? at->col : 0, hint, "%s", msg.buf);
	xp->errors++;
	strbuf_release(&msg);
}

/* 'text' for a scalar, else what the node is. */
static void shown(struct strbuf *sb, const struct ynode *n)
{
	if (n->type != YNODE_SCALAR) {
		strbuf_addstr(sb, ynode_describe(n));
		return;
	}
	strbuf_addch(sb, '\'');
	for (size_t i = 0; i < n->len && i < MAX_SHOWN; i++) {
		unsigned char c = (unsigned char)n->value[i];
		strbuf_addch(sb, c < ' ' || c == 0x7f ? '?' : c);
	}
	if (n->len > MAX_SHOWN)
		strbuf_addstr(sb, "...");
	strbuf_addch(sb, '\'');
}

static void bad(struct xparser *xp, const struct ynode *n, const char *key,
		const char *what, const char *hint)
{
	struct strbuf got = STRBUF_INIT;

	shown(&got, n);
	problem(xp, n, hint, "'%s' must be %s, got %s", key, what, got.buf);
	strbuf_release(&got);
}

static int is_null(const struct ynode *n)
{
	return n->type == YNODE_SCALAR && yscalar_kind(n) == YKIND_NULL;
}

/* A scalar's text (a plain 123 is "123"), or NULL after reporting. */
static const char *text_of(struct xparser *xp, const struct ynode *n, const char *key,
			   const char *what)
{
	if (n->type != YNODE_SCALAR || is_null(n) || yscalar_kind(n) == YKIND_OTHER) {
		bad(xp, n, key, what, NULL);
		return NULL;
	}
	if (strlen(n->value) != n->len) {
		problem(xp, n, NULL, "'%s' contains a NUL character", key);
		return NULL;
	}
	return n->value;
}

/* Content may be empty (null) or any text. */
static int get_content(struct xparser *xp, const struct ynode *n, const char *key,
		       char **out, size_t *len)
{
	if (is_null(n)) {
		*out = xstrdup("");
		*len = 0;
		return 0;
	}
	if (n->type != YNODE_SCALAR || yscalar_kind(n) == YKIND_OTHER) {
		bad(xp, n, key, "text", "write it as a block scalar: 'content: |' and the lines below");
		return -1;
	}
	*out = xstrndup(n->value, n->len);
	*len = n->len;
	return 0;
}

static int get_checked(struct xparser *xp, const struct ynode *n, const char *key,
		       int (*ok)(const char *), const char *what, const char *hint,
		       char **out)
{
	const char *v = text_of(xp, n, key, what);

	if (!v)
		return -1;
	if (!ok(v)) {
		bad(xp, n, key, what, hint);
		return -1;
	}
	free(*out);
	*out = xstrdup(v);
	return 0;
}

static int get_bool(struct xparser *xp, const struct ynode *n, const char *key, int *out)
{
	if (n->type == YNODE_SCALAR && !yscalar_bool(n, out))
		return 0;
	bad(xp, n, key, "true or false",
	    n->type == YNODE_SCALAR && n->style != YSTYLE_PLAIN ? "remove the quotes" : NULL);
	return -1;
}

/* "0644", "644" or 0644: three or four octal digits. */
static int get_mode(struct xparser *xp, const struct ynode *n, const char *key, unsigned *out)
{
	const char *v = n->type == YNODE_SCALAR && !is_null(n) ? n->value : NULL;
	size_t len = v ? strlen(v) : 0;
	unsigned m = 0;

	if (!v || len < 3 || len > 4 || len != n->len)
		goto fail;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '7')
			goto fail;
		m = m * 8 + (unsigned)(v[i] - '0');
	}
	*out = m;
	return 0;
fail:
	bad(xp, n, key, "a mode of octal digits like \"0644\"", "quote it: mode: \"0644\"");
	return -1;
}

/* Checks the keys of mapping `n` against `names`; reports the others. */
static int check_keys(struct xparser *xp, const struct ynode *n, const char *path,
		      const char *const *names, size_t nr)
{
	int bad_keys = 0;

	for (size_t i = 0; i < n->nr; i++) {
		const struct ynode *k = n->pairs[i].key;
		struct strbuf hint = STRBUF_INIT;
		const char *near;
		size_t j;

		for (j = 0; j < nr; j++)
			if (!strcmp(k->value, names[j]))
				break;
		if (j < nr)
			continue;
		near = suggest_nearest(k->value, names, nr);
		if (near)
			strbuf_addf(&hint, "did you mean '%s'?", near);
		else {
			strbuf_addstr(&hint, "the keys here are ");
			for (j = 0; j < nr; j++)
				strbuf_addf(&hint, "%s%s", j ? ", " : "", names[j]);
		}
		problem(xp, k, hint.buf, "unknown key '%s.%s'", path, k->value);
		strbuf_release(&hint);
		bad_keys++;
	}
	return bad_keys ? -1 : 0;
}

static int require(struct xparser *xp, const struct ynode *n, const char *path,
		   const char *field, const void *have, const char *hint)
{
	if (have || ynode_map_get(n, field))
		return have ? 0 : -1;
	problem(xp, n, hint, "'%s' has no '%s'", path, field);
	return -1;
}

/*
 * path, mode, owner and group, which files and directories share.
 * Returns 1 when `k` is none of them, else what parsing it gave.
 */
static int parse_placement(struct xparser *xp, const char *k, const struct ynode *v,
			   const char *key, char **path, unsigned *mode, char **owner,
			   char **group)
{
	if (!strcmp(k, "path"))
		return get_checked(xp, v, key, extras_path_ok, "an absolute path", NULL, path);
	if (!strcmp(k, "mode"))
		return get_mode(xp, v, key, mode);
	if (!strcmp(k, "owner"))
		return get_checked(xp, v, key, extras_user_ok, "a user name", NULL, owner);
	if (!strcmp(k, "group"))
		return get_checked(xp, v, key, extras_user_ok, "a group name", NULL, group);
	return 1;
}

static int parse_dir(struct xparser *xp, const struct ynode *n, const char *path,
		     struct extra_dir *d)
{
	static const char *const names[] = { "path", "mode", "owner", "group" };
	struct strbuf key = STRBUF_INIT;
	int rc = check_keys(xp, n, path, names, ARRAY_SIZE(names));

	d->mode = 0755;
	for (size_t i = 0; i < n->nr; i++) {
		const char *k = n->pairs[i].key->value;
		const struct ynode *v = n->pairs[i].value;

		int r;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s.%s", path, k);
		r = parse_placement(xp, k, v, key.buf, &d->path, &d->mode, &d->owner, &d->group);
		if (r != 1)	/* check_keys has reported any other key */
			rc |= r;
	}
	rc |= require(xp, n, path, "path", d->path, NULL);
	strbuf_release(&key);
	return rc;
}

static int get_notify(struct xparser *xp, const struct ynode *v, const char *key, char **out)
{
	return get_checked(xp, v, key, extras_notify_ok,
			   "a handler: 'restart UNIT', 'reload UNIT', 'daemon-reload' or 'hostname'",
			   NULL, out);
}

/* A local file: relative paths are from cluster.yaml's directory. */
static int src_ok(const char *p)
{
	size_t len = strlen(p);

	if (!len || len > 4095)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < ' ' || p[i] == 0x7f)
			return 0;
	return 1;
}

static int parse_file(struct xparser *xp, const struct ynode *n, const char *path,
		      struct extra_file *f)
{
	static const char *const names[] = {
		"path", "content", "src", "mode", "owner", "group", "backup", "notify",
	};
	struct strbuf key = STRBUF_INIT;
	int rc = check_keys(xp, n, path, names, ARRAY_SIZE(names));

	f->mode = 0644;
	for (size_t i = 0; i < n->nr; i++) {
		const char *k = n->pairs[i].key->value;
		const struct ynode *v = n->pairs[i].value;

		int r;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s.%s", path, k);
		r = parse_placement(xp, k, v, key.buf, &f->path, &f->mode, &f->owner, &f->group);
		if (r != 1)
			rc |= r;
		else if (!strcmp(k, "content"))
			rc |= get_content(xp, v, key.buf, &f->content, &f->len);
		else if (!strcmp(k, "src"))
			rc |= get_checked(xp, v, key.buf, src_ok, "a local file's path", NULL,
					  &f->src);
		else if (!strcmp(k, "backup"))
			rc |= get_bool(xp, v, key.buf, &f->backup);
		else if (!strcmp(k, "notify"))
			rc |= get_notify(xp, v, key.buf, &f->notify);
	}
	rc |= require(xp, n, path, "path", f->path, NULL);
	if (f->src && f->content) {
		problem(xp, n, "'content:' is the text itself, 'src:' a local file sent as it is",
			"'%s' has both 'content' and 'src'", path);
		rc = -1;
	} else if (!f->src && !ynode_map_get(n, "src")) {
		rc |= require(xp, n, path, "content", f->content,
			      "give the file's text with 'content:' (\"\" for an empty file), "
			      "or a local file with 'src:'");
	}
	strbuf_release(&key);
	return rc;
}

/* Refuses a block whose text holds a marker line: it would never settle. */
static int check_block_text(struct xparser *xp, const struct ynode *at, const char *path,
			    const struct extra_block *b)
{
	struct strbuf line = STRBUF_INIT, hint = STRBUF_INIT;
	const char *p;
	size_t len, nr = extras_block_marker_line(b->content, b->len, &p, &len);

	if (!nr)
		return 0;
	for (size_t i = 0; i < len && i < MAX_SHOWN; i++)
		strbuf_addch(&line, (unsigned char)p[i] < ' ' || p[i] == 0x7f ? '?' : p[i]);
	if (len > MAX_SHOWN)
		strbuf_addstr(&line, "...");
	strbuf_addstr(&hint, "remove that line: kcfg writes the block's own marker lines");
	if (b->marker)
		strbuf_addf(&hint, " ('" EXTRAS_BLOCK_BEGIN "%s' and '" EXTRAS_BLOCK_END "%s')",
			    b->marker, b->marker);
	strbuf_addstr(&hint, " around the content");
	problem(xp, at, hint.buf, "'%s.content' line %zu is '%s', a block marker line: kcfg "
		"would find the block's end inside it and grow the file on every apply",
		path, nr, line.buf);
	strbuf_release(&line);
	strbuf_release(&hint);
	return -1;
}

static int parse_block(struct xparser *xp, const struct ynode *n, const char *path,
		       struct extra_block *b)
{
	static const char *const names[] = { "path", "marker", "content", "backup", "notify" };
	struct strbuf key = STRBUF_INIT;
	int rc = check_keys(xp, n, path, names, ARRAY_SIZE(names));

	for (size_t i = 0; i < n->nr; i++) {
		const char *k = n->pairs[i].key->value;
		const struct ynode *v = n->pairs[i].value;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s.%s", path, k);
		if (!strcmp(k, "path"))
			rc |= get_checked(xp, v, key.buf, extras_path_ok, "an absolute path",
					  NULL, &b->path);
		else if (!strcmp(k, "marker"))
			rc |= get_checked(xp, v, key.buf, extras_marker_ok,
					  "a marker of letters, digits, '.', '_', ':' or '-'",
					  "the block sits between '# BEGIN kcfg MARKER' and "
					  "'# END kcfg MARKER' lines", &b->marker);
		else if (!strcmp(k, "content"))
			rc |= get_content(xp, v, key.buf, &b->content, &b->len);
		else if (!strcmp(k, "backup"))
			rc |= get_bool(xp, v, key.buf, &b->backup);
		else if (!strcmp(k, "notify"))
			rc |= get_notify(xp, v, key.buf, &b->notify);
	}
	rc |= require(xp, n, path, "path", b->path, NULL);
	rc |= require(xp, n, path, "marker", b->marker, NULL);
	rc |= require(xp, n, path, "content", b->content, NULL);
	if (b->content)
		rc |= check_block_text(xp, ynode_map_get(n, "content"), path, b);
	strbuf_release(&key);
	return rc;
}

static int parse_service(struct xparser *xp, const struct ynode *n, const char *path,
			 struct extra_service *s)
{
	static const char *const names[] = { "name", "enabled", "started" };
	struct strbuf key = STRBUF_INIT;
	int rc;

	s->enabled = s->started = 1;
	if (n->type == YNODE_SCALAR)	/* "- chrony": enabled and started */
		return get_checked(xp, n, path, extras_unit_ok, "a systemd unit name", NULL,
				   &s->name);
	rc = check_keys(xp, n, path, names, ARRAY_SIZE(names));
	for (size_t i = 0; i < n->nr; i++) {
		const char *k = n->pairs[i].key->value;
		const struct ynode *v = n->pairs[i].value;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s.%s", path, k);
		if (!strcmp(k, "name"))
			rc |= get_checked(xp, v, key.buf, extras_unit_ok, "a systemd unit name",
					  NULL, &s->name);
		else if (!strcmp(k, "enabled"))
			rc |= get_bool(xp, v, key.buf, &s->enabled);
		else if (!strcmp(k, "started"))
			rc |= get_bool(xp, v, key.buf, &s->started);
	}
	rc |= require(xp, n, path, "name", s->name, NULL);
	strbuf_release(&key);
	return rc;
}

static int command_ok(const char *s)
{
	return *s != '\0';
}

static int parse_command(struct xparser *xp, const struct ynode *n, const char *path,
			 struct extra_command *c)
{
	static const char *const names[] = { "run", "creates", "unless", "notify" };
	struct strbuf key = STRBUF_INIT;
	int rc = check_keys(xp, n, path, names, ARRAY_SIZE(names));

	for (size_t i = 0; i < n->nr; i++) {
		const char *k = n->pairs[i].key->value;
		const struct ynode *v = n->pairs[i].value;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s.%s", path, k);
		if (!strcmp(k, "run"))
			rc |= get_checked(xp, v, key.buf, command_ok, "a shell command", NULL,
					  &c->run);
		else if (!strcmp(k, "creates"))
			rc |= get_checked(xp, v, key.buf, extras_path_ok, "an absolute path",
					  NULL, &c->creates);
		else if (!strcmp(k, "unless"))
			rc |= get_checked(xp, v, key.buf, command_ok, "a shell command", NULL,
					  &c->unless);
		else if (!strcmp(k, "notify"))
			rc |= get_notify(xp, v, key.buf, &c->notify);
	}
	rc |= require(xp, n, path, "run", c->run, NULL);
	strbuf_release(&key);
	return rc;
}

/* A list of words checked by `ok`: "[a, b]", or one word. */
static int parse_words(struct xparser *xp, const struct ynode *n, const char *key,
		       int (*ok)(const char *), const char *what, struct strvec *out)
{
	struct strbuf path = STRBUF_INIT;
	int rc = 0;

	if (is_null(n))
		return 0;
	if (n->type == YNODE_MAP) {
		bad(xp, n, key, "a list", NULL);
		return -1;
	}
	for (size_t i = 0; i < (n->type == YNODE_SEQ ? n->nr : 1); i++) {
		const struct ynode *item = n->type == YNODE_SEQ ? n->items[i] : n;
		char *v = NULL;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s[%zu]", key, i);
		if (out->nr >= EXTRAS_MAX_ITEMS) {
			problem(xp, item, NULL, "'%s' has more than %d items", key, EXTRAS_MAX_ITEMS);
			rc = -1;
			break;
		}
		if (get_checked(xp, item, n->type == YNODE_SEQ ? path.buf : key, ok, what, NULL,
				&v) < 0) {
			rc = -1;
			continue;
		}
		strvec_push(out, v);
		free(v);
	}
	strbuf_release(&path);
	return rc;
}

/*
 * A list of mappings (`parse` fills one item of `size` bytes), appended
 * to (*items, *nr, *alloc).
 */
typedef int (*item_fn)(struct xparser *, const struct ynode *, const char *, void *);

static int parse_items(struct xparser *xp, const struct ynode *n, const char *key,
		       const char *what, int scalars_ok, item_fn parse, size_t size,
		       void **items, size_t *nr, size_t *alloc)
{
	struct strbuf path = STRBUF_INIT;
	int rc = 0;

	if (is_null(n))
		return 0;
	if (n->type != YNODE_SEQ) {
		bad(xp, n, key, "a list", "start each item with '- '");
		return -1;
	}
	for (size_t i = 0; i < n->nr; i++) {
		const struct ynode *item = n->items[i];
		char *slot;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s[%zu]", key, i);
		if (*nr >= EXTRAS_MAX_ITEMS) {
			problem(xp, item, NULL, "'%s' has more than %d items", key, EXTRAS_MAX_ITEMS);
			rc = -1;
			break;
		}
		if (item->type != YNODE_MAP && !(scalars_ok && item->type == YNODE_SCALAR)) {
			bad(xp, item, path.buf, what, NULL);
			rc = -1;
			continue;
		}
		if (*nr + 1 > *alloc) {
			*alloc = *alloc < 8 ? 8 : *alloc * 2;
			*items = xrealloc(*items, st_mult(*alloc, size));
		}
		slot = (char *)*items + *nr * size;
		memset(slot, 0, size);
		(*nr)++;
		if (parse(xp, item, path.buf, slot) < 0)
			rc = -1;
	}
	strbuf_release(&path);
	return rc;
}

static int dir_fn(struct xparser *xp, const struct ynode *n, const char *p, void *it)
{
	return parse_dir(xp, n, p, it);
}
static int file_fn(struct xparser *xp, const struct ynode *n, const char *p, void *it)
{
	return parse_file(xp, n, p, it);
}
static int block_fn(struct xparser *xp, const struct ynode *n, const char *p, void *it)
{
	return parse_block(xp, n, p, it);
}
static int service_fn(struct xparser *xp, const struct ynode *n, const char *p, void *it)
{
	return parse_service(xp, n, p, it);
}
static int command_fn(struct xparser *xp, const struct ynode *n, const char *p, void *it)
{
	return parse_command(xp, n, p, it);
}

static int group_ok(const char *g)
{
	if (!*g || strlen(g) > 255)
		return 0;
	for (const char *p = g; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '_' && *p != '-' && *p != '.')
			return 0;
	return 1;
}

#define ITEMS(e, f) (void **)&(e)->f, &(e)->nr_##f, &(e)->alloc_##f

static int parse_entry(struct xparser *xp, const struct ynode *n, const char *path,
		       struct extras_entry *e)
{
	static const char *const names[] = {
		"group", "directories", "files", "blocks", "absent", "packages",
		"packages_absent", "services", "commands",
	};
	struct strbuf key = STRBUF_INIT;
	int rc = check_keys(xp, n, path, names, ARRAY_SIZE(names));

	e->line = n->line;
	e->col = n->col;
	for (size_t i = 0; i < n->nr; i++) {
		const char *k = n->pairs[i].key->value;
		const struct ynode *v = n->pairs[i].value;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s.%s", path, k);
		if (!strcmp(k, "group")) {
			rc |= get_checked(xp, v, key.buf, group_ok, "an inventory group name",
					  "use 'all' for every host", &e->group);
			e->group_line = v->line;
			e->group_col = v->col;
		} else if (!strcmp(k, "directories")) {
			rc |= parse_items(xp, v, key.buf, "a mapping with 'path:'", 0, dir_fn,
					  sizeof(struct extra_dir), (void **)&e->dirs,
					  &e->nr_dirs, &e->alloc_dirs);
		} else if (!strcmp(k, "files")) {
			rc |= parse_items(xp, v, key.buf, "a mapping with 'path:' and 'content:'",
					  0, file_fn, sizeof(struct extra_file),
					  (void **)&e->files, &e->nr_files, &e->alloc_files);
		} else if (!strcmp(k, "blocks")) {
			rc |= parse_items(xp, v, key.buf,
					  "a mapping with 'path:', 'marker:' and 'content:'", 0,
					  block_fn, sizeof(struct extra_block),
					  (void **)&e->blocks, &e->nr_blocks, &e->alloc_blocks);
		} else if (!strcmp(k, "absent")) {
			rc |= parse_words(xp, v, key.buf, extras_path_ok, "an absolute path",
					  &e->absent);
		} else if (!strcmp(k, "packages")) {
			rc |= parse_words(xp, v, key.buf, extras_package_ok, "a Debian package name",
					  &e->packages);
		} else if (!strcmp(k, "packages_absent")) {
			rc |= parse_words(xp, v, key.buf, extras_package_ok, "a Debian package name",
					  &e->packages_absent);
		} else if (!strcmp(k, "services")) {
			rc |= parse_items(xp, v, key.buf, "a unit name or a mapping with 'name:'",
					  1, service_fn, sizeof(struct extra_service),
					  (void **)&e->services, &e->nr_services,
					  &e->alloc_services);
		} else if (!strcmp(k, "commands")) {
			rc |= parse_items(xp, v, key.buf, "a mapping with 'run:'", 0, command_fn,
					  sizeof(struct extra_command), (void **)&e->commands,
					  &e->nr_commands, &e->alloc_commands);
		}
	}
	rc |= require(xp, n, path, "group", e->group,
		      "name the inventory group it is for, e.g. 'group: all'");
	strbuf_release(&key);
	return rc;
}

/* The same path twice in one entry can only be a mistake. */
static void check_duplicates(struct xparser *xp, const struct ynode *n, const char *path,
			     const struct extras_entry *e)
{
	struct strvec seen = STRVEC_INIT;

	for (size_t i = 0; i < e->nr_files; i++) {
		if (strvec_find(&seen, e->files[i].path) >= 0)
			problem(xp, n, "give each file once", "'%s' writes '%s' twice", path,
				e->files[i].path);
		strvec_push(&seen, e->files[i].path);
	}
	for (size_t i = 0; i < e->absent.nr; i++)
		if (strvec_find(&seen, e->absent.v[i]) >= 0)
			problem(xp, n, NULL, "'%s' both writes and removes '%s'", path,
				e->absent.v[i]);
	for (size_t i = 0; i < e->packages_absent.nr; i++)
		if (strvec_find(&e->packages, e->packages_absent.v[i]) >= 0)
			problem(xp, n, NULL, "'%s' both installs and removes package '%s'", path,
				e->packages_absent.v[i]);
	strvec_clear(&seen);
}

static void entry_release(struct extras_entry *e)
{
	free(e->group);
	for (size_t i = 0; i < e->nr_dirs; i++) {
		free(e->dirs[i].path);
		free(e->dirs[i].owner);
		free(e->dirs[i].group);
	}
	free(e->dirs);
	for (size_t i = 0; i < e->nr_files; i++) {
		free(e->files[i].path);
		free(e->files[i].content);
		free(e->files[i].src);
		free(e->files[i].owner);
		free(e->files[i].group);
		free(e->files[i].notify);
	}
	free(e->files);
	for (size_t i = 0; i < e->nr_blocks; i++) {
		free(e->blocks[i].path);
		free(e->blocks[i].marker);
		free(e->blocks[i].content);
		free(e->blocks[i].notify);
	}
	free(e->blocks);
	strvec_clear(&e->absent);
	strvec_clear(&e->packages);
	strvec_clear(&e->packages_absent);
	for (size_t i = 0; i < e->nr_services; i++)
		free(e->services[i].name);
	free(e->services);
	for (size_t i = 0; i < e->nr_commands; i++) {
		free(e->commands[i].run);
		free(e->commands[i].creates);
		free(e->commands[i].unless);
		free(e->commands[i].notify);
	}
	free(e->commands);
}

void extras_release(struct extras_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		entry_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int extras_parse(const struct ynode *n, const char *file, const char *key,
		 struct extras_list *out, struct diag_list *dl)
{
	struct xparser xp = { file, dl, 0 };
	struct extras_list list = { NULL, 0, 0 };
	struct strbuf path = STRBUF_INIT;

	if (is_null(n))
		goto done;
	if (n->type != YNODE_SEQ) {
		bad(&xp, n, key, "a list of entries", "start each entry with '- group: NAME'");
		goto done;
	}
	for (size_t i = 0; i < n->nr; i++) {
		const struct ynode *item = n->items[i];
		struct extras_entry *e;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s[%zu]", key, i);
		if (list.nr >= EXTRAS_MAX_ENTRIES) {
			problem(&xp, item, NULL, "'%s' has more than %d entries", key,
				EXTRAS_MAX_ENTRIES);
			break;
		}
		if (item->type != YNODE_MAP) {
			bad(&xp, item, path.buf, "a mapping starting with 'group:'", NULL);
			continue;
		}
		ALLOC_GROW(list.v, list.nr + 1, list.alloc);
		e = &list.v[list.nr++];
		memset(e, 0, sizeof(*e));
		strvec_init(&e->absent);
		strvec_init(&e->packages);
		strvec_init(&e->packages_absent);
		if (parse_entry(&xp, item, path.buf, e) == 0)
			check_duplicates(&xp, item, path.buf, e);
	}
done:
	strbuf_release(&path);
	if (xp.errors) {
		extras_release(&list);
		return xp.errors;
	}
	extras_release(out);
	*out = list;
	return 0;
}

static void emit_mode(struct yemit *e, unsigned mode)
{
	char buf[8];

	xsnprintf(buf, sizeof(buf), "%04o", mode);
	yemit_str(e, buf);
}

static void emit_opt(struct yemit *e, const char *key, const char *v)
{
	if (!v)
		return;
	yemit_key(e, key);
	yemit_str(e, v);
}

static void emit_words(struct yemit *e, const char *key, const struct strvec *sv)
{
	if (!sv->nr)
		return;
	yemit_key(e, key);
	yemit_seq_begin(e);
	for (size_t i = 0; i < sv->nr; i++)
		yemit_str(e, sv->v[i]);
	yemit_seq_end(e);
}

static void emit_entry(struct yemit *e, const struct extras_entry *x)
{
	yemit_map_begin(e);
	yemit_key(e, "group");
	yemit_str(e, x->group);
	if (x->nr_dirs) {
		yemit_key(e, "directories");
		yemit_seq_begin(e);
		for (size_t i = 0; i < x->nr_dirs; i++) {
			yemit_map_begin(e);
			emit_opt(e, "path", x->dirs[i].path);
			yemit_key(e, "mode");
			emit_mode(e, x->dirs[i].mode);
			emit_opt(e, "owner", x->dirs[i].owner);
			emit_opt(e, "group", x->dirs[i].group);
			yemit_map_end(e);
		}
		yemit_seq_end(e);
	}
	if (x->nr_files) {
		yemit_key(e, "files");
		yemit_seq_begin(e);
		for (size_t i = 0; i < x->nr_files; i++) {
			const struct extra_file *f = &x->files[i];
			yemit_map_begin(e);
			emit_opt(e, "path", f->path);
			if (f->src) {
				emit_opt(e, "src", f->src);
			} else {
				yemit_key(e, "content");
				yemit_strn(e, f->content, f->len);
			}
			yemit_key(e, "mode");
			emit_mode(e, f->mode);
			emit_opt(e, "owner", f->owner);
			emit_opt(e, "group", f->group);
			if (f->backup) {
				yemit_key(e, "backup");
				yemit_bool(e, 1);
			}
			emit_opt(e, "notify", f->notify);
			yemit_map_end(e);
		}
		yemit_seq_end(e);
	}
	if (x->nr_blocks) {
		yemit_key(e, "blocks");
		yemit_seq_begin(e);
		for (size_t i = 0; i < x->nr_blocks; i++) {
			const struct extra_block *b = &x->blocks[i];
			yemit_map_begin(e);
			emit_opt(e, "path", b->path);
			emit_opt(e, "marker", b->marker);
			yemit_key(e, "content");
			yemit_strn(e, b->content, b->len);
			if (b->backup) {
				yemit_key(e, "backup");
				yemit_bool(e, 1);
			}
			emit_opt(e, "notify", b->notify);
			yemit_map_end(e);
		}
		yemit_seq_end(e);
	}
	emit_words(e, "absent", &x->absent);
	emit_words(e, "packages", &x->packages);
	emit_words(e, "packages_absent", &x->packages_absent);
	if (x->nr_services) {
		yemit_key(e, "services");
		yemit_seq_begin(e);
		for (size_t i = 0; i < x->nr_services; i++) {
			yemit_map_begin(e);
			emit_opt(e, "name", x->services[i].name);
			yemit_key(e, "enabled");
			yemit_bool(e, x->services[i].enabled);
			yemit_key(e, "started");
			yemit_bool(e, x->services[i].started);
			yemit_map_end(e);
		}
		yemit_seq_end(e);
	}
	if (x->nr_commands) {
		yemit_key(e, "commands");
		yemit_seq_begin(e);
		for (size_t i = 0; i < x->nr_commands; i++) {
			yemit_map_begin(e);
			emit_opt(e, "run", x->commands[i].run);
			emit_opt(e, "creates", x->commands[i].creates);
			emit_opt(e, "unless", x->commands[i].unless);
			emit_opt(e, "notify", x->commands[i].notify);
			yemit_map_end(e);
		}
		yemit_seq_end(e);
	}
	yemit_map_end(e);
}

void extras_emit(const struct extras_list *l, struct yemit *e)
{
	yemit_seq_begin(e);
	for (size_t i = 0; i < l->nr; i++)
		emit_entry(e, &l->v[i]);
	yemit_seq_end(e);
}

int extras_check_groups(const struct extras_list *l, const char *file,
			const struct inventory *inv, struct diag_list *dl)
{
	int errors = 0;

	for (size_t i = 0; i < l->nr; i++) {
		const struct extras_entry *e = &l->v[i];
		const char **names;
		const char *near;
		struct strbuf hint = STRBUF_INIT;

		if (inventory_find_group(inv, e->group) >= 0)
			continue;
		names = xcalloc(inv->nr_groups ? inv->nr_groups : 1, sizeof(*names));
		for (size_t g = 0; g < inv->nr_groups; g++)
			names[g] = inv->group[g].name;
		near = suggest_nearest(e->group, names, inv->nr_groups);
		if (near)
			strbuf_addf(&hint, "did you mean '%s'?", near);
		else
			strbuf_addf(&hint, "add a [%s] group to %s, or use 'all'", e->group,
				    inv->file ? inv->file : "the inventory");
		diag_error(dl, file, e->group_line, e->group_col, hint.buf,
			   "'extras[%zu].group' names '%s', which is not a group of %s", i,
			   e->group, inv->file ? inv->file : "the inventory");
		errors++;
		free(names);
		strbuf_release(&hint);
	}
	return errors;
}

static int is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

void extras_template(const char *text, size_t len, const char *host, const char *address,
		     void (*put)(void *data, const char *s, size_t n, int value), void *data)
{
	size_t i = 0, lit = 0;

	while (i < len) {
		size_t j = i + 2, start, end;
		const char *with = NULL;

		if (i + 1 >= len || text[i] != '{' || text[i + 1] != '{') {
			i++;
			continue;
		}
		while (j < len && text[j] == ' ')
			j++;
		start = j;
		while (j < len && is_ident((unsigned char)text[j]))
			j++;
		end = j;
		while (j < len && text[j] == ' ')
			j++;
		if (j + 1 < len && text[j] == '}' && text[j + 1] == '}') {
			if (end - start == 18 && !memcmp(text + start, "inventory_hostname", 18))
				with = host;
			else if (end - start == 12 && !memcmp(text + start, "ansible_host", 12))
				with = address;
		}
		if (!with) {
			i++;
			continue;
		}
		if (i > lit)
			put(data, text + lit, i - lit, 0);
		put(data, with, strlen(with), 1);
		i = lit = j + 2;
	}
	if (len > lit)
		put(data, text + lit, len - lit, 0);
}

static void put_as_is(void *data, const char *s, size_t n, int value)
{
	(void)value;
	strbuf_add(data, s, n);
}

void extras_expand(const char *text, size_t len, const char *host, const char *address,
		   struct strbuf *out)
{
	extras_template(text, len, host, address, put_as_is, out);
}

int extras_path_ok(const char *p)
{
	size_t len = strlen(p);

	/* no tab, newline or backslash: the engine's records stay one line */
	if (p[0] != '/' || len < 2 || len > 4095 || p[len - 1] == '/')
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < ' ' || p[i] == 0x7f || p[i] == '\\')
			return 0;
	return !strstr(p, "/../") && !ends_with(p, "/..") && !strstr(p, "/./") &&
	       !ends_with(p, "/.") && !strstr(p, "//");
}

int extras_marker_ok(const char *m)
{
	if (!*m || strlen(m) > 128)
		return 0;
	for (; *m; m++)
		if (!(*m >= 'a' && *m <= 'z') && !(*m >= 'A' && *m <= 'Z') &&
		    !(*m >= '0' && *m <= '9') && !strchr("._:-", *m))
			return 0;
	return 1;
}

size_t extras_block_marker_line(const char *text, size_t len, const char **at,
				size_t *line_len)
{
	size_t pos = 0, line = 1;

	while (pos < len) {
		const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;

		if ((n >= strlen(EXTRAS_BLOCK_BEGIN) &&
		     !memcmp(p, EXTRAS_BLOCK_BEGIN, strlen(EXTRAS_BLOCK_BEGIN))) ||
		    (n >= strlen(EXTRAS_BLOCK_END) &&
		     !memcmp(p, EXTRAS_BLOCK_END, strlen(EXTRAS_BLOCK_END)))) {
			if (at)
				*at = p;
			if (line_len)
				*line_len = n;
			return line;
		}
		pos += n + 1;
		line++;
	}
	return 0;
}

/* Debian policy: lowercase letters, digits, + - . ; two or more, starting alphanumeric. */
int extras_package_ok(const char *n)
{
	size_t len = strlen(n);

	if (len < 2 || len > 128 || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= '0' && n[0] <= '9')))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(n[i] >= 'a' && n[i] <= 'z') && !(n[i] >= '0' && n[i] <= '9') &&
		    !strchr("+-.", n[i]))
			return 0;
	return 1;
}

int extras_unit_ok(const char *n)
{
	size_t len = strlen(n);

	if (!len || len > 255 || n[0] == '-' || n[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(n[i] >= 'a' && n[i] <= 'z') && !(n[i] >= 'A' && n[i] <= 'Z') &&
		    !(n[i] >= '0' && n[i] <= '9') && !strchr(":_.@-\\", n[i]))
			return 0;
	return 1;
}

int extras_user_ok(const char *n)
{
	size_t len = strlen(n);

	if (!len || len > 32 || !((n[0] >= 'a' && n[0] <= 'z') || n[0] == '_'))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!(n[i] >= 'a' && n[i] <= 'z') && !(n[i] >= '0' && n[i] <= '9') &&
		    n[i] != '_' && n[i] != '-' && !(n[i] == '$' && i == len - 1))
			return 0;
	return 1;
}

int extras_notify_ok(const char *n)
{
	if (!strcmp(n, "daemon-reload") || !strcmp(n, "hostname"))
		return 1;
	if (starts_with(n, "restart "))
		return extras_unit_ok(n + 8);
	if (starts_with(n, "reload "))
		return extras_unit_ok(n + 7);
	return 0;
}
