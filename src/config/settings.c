/*
 * cluster.yaml: load over the defaults, validate, and print, all driven
 * by the schema table in settings-schema.c.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "config/settings.h"
#include "config/settings-schema.h"
#include "config/yaml.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_SHOWN_VALUE 60	/* bytes of a bad value quoted back in a message */

struct loader {
	struct settings *s;
	struct diag_list *dl;
	const char *file;
	int errors;
};

static void *fld(const void *base, const struct setting_def *d)
{
	return (char *)base + d->off;
}

static void free_fs(struct storage_fs *fs)
{
	for (size_t i = 0; i < storage_fs_fields_nr; i++)
		if (storage_fs_fields[i].type == ST_STRING)
			free(*(char **)fld(fs, &storage_fs_fields[i]));
}

static void free_fs_list(struct storage_fs_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free_fs(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void free_value(const struct setting_def *d, void *base)
{
	switch (d->type) {
	case ST_STRING: case ST_VERSION: case ST_SHA256: case ST_ENUM: {
		char **p = fld(base, d);
		free(*p);
		*p = NULL;
		break;
	}
	case ST_CPU: case ST_BYTES: {
		struct quantity *q = fld(base, d);
		free(q->text);
		q->text = NULL;
		break;
	}
	case ST_POOL:
		strvec_clear(fld(base, d));
		break;
	case ST_FS_LIST:
		free_fs_list(fld(base, d));
		break;
	case ST_EXTRAS:
		extras_release(fld(base, d));
		break;
	default:
		break;
	}
}

/* User text shown back in a message: one line, not too long. */
static void add_shown(struct strbuf *sb, const char *s, size_t len)
{
	for (size_t i = 0; i < len && i < MAX_SHOWN_VALUE; i++) {
		unsigned char c = (unsigned char)s[i];
		strbuf_addch(sb, c < ' ' || c == 0x7f ? '?' : c);
	}
	if (len > MAX_SHOWN_VALUE)
		strbuf_addstr(sb, "...");
}

/* 'value', or what the node is when it is not a scalar. */
static void show_value(struct strbuf *sb, const struct ynode *n)
{
	if (n->type != YNODE_SCALAR) {
		strbuf_addstr(sb, ynode_describe(n));
		return;
	}
	strbuf_addch(sb, '\'');
	add_shown(sb, n->value, n->len);
	strbuf_addch(sb, '\'');
}

/* "'KEY' must be WHAT, got VALUE" at the value. */
static void bad_value(struct loader *ld, const struct ynode *n, const char *key,
		      const char *what, const char *hint)
{
	struct strbuf got = STRBUF_INIT;

	show_value(&got, n);
	diag_error(ld->dl, ld->file, n->line, n->col, hint, "'%s' must be %s, got %s",
		   key, what, got.buf);
	ld->errors++;
	strbuf_release(&got);
}

/*
 * The text of a scalar meant as a string (any style; a plain 123 is the
 * text "123"). NULL after reporting when it cannot be one.
 */
static const char *scalar_text(struct loader *ld, const struct ynode *n,
			       const struct setting_def *d, const char *key)
{
	enum yscalar_kind kind = yscalar_kind(n);

	if (n->type != YNODE_SCALAR) {
		bad_value(ld, n, key, d->type == ST_STRING && d->what ? d->what : "a single value",
			  NULL);
		return NULL;
	}
	if (kind == YKIND_OTHER) {
		diag_error(ld->dl, ld->file, n->line, n->col, "remove the tag",
			   "'%s' has an unsupported tag '%s'", key, n->tag);
		ld->errors++;
		return NULL;
	}
	if (kind == YKIND_NULL) {
		if (d->flags & SF_EMPTY_OK)
			return "";
		diag_error(ld->dl, ld->file, n->line, n->col,
			   "write a value after the ':' or delete the line to keep the default",
			   "'%s' needs a value", key);
		ld->errors++;
		return NULL;
	}
	if (strlen(n->value) != n->len) {
		diag_error(ld->dl, ld->file, n->line, n->col, NULL,
			   "'%s' contains a NUL character", key);
		ld->errors++;
		return NULL;
	}
	return n->value;
}

/* 'a', 'b' or 'c' */
static void choices_text(struct strbuf *sb, const char *const *choices)
{
	for (size_t i = 0; choices[i]; i++)
		strbuf_addf(sb, "%s'%s'", !i ? "" : choices[i + 1] ? ", " : " or ", choices[i]);
}

static int set_enum(struct loader *ld, const struct setting_def *d, void *base,
		    const struct ynode *n, const char *key, const char *v)
{
	struct strbuf what = STRBUF_INIT, hint = STRBUF_INIT;
	const char *near;
	size_t nr = 0;

	for (; d->choices[nr]; nr++) {
		if (!strcmp(v, d->choices[nr])) {
			char **p = fld(base, d);
			free(*p);
			*p = xstrdup(v);
			return 0;
		}
	}
	choices_text(&what, d->choices);
	near = suggest_nearest(v, d->choices, nr);
	if (near)
		strbuf_addf(&hint, "did you mean '%s'?", near);
	bad_value(ld, n, key, what.buf, near ? hint.buf : NULL);
	strbuf_release(&what);
	strbuf_release(&hint);
	return -1;
}

static int set_string(struct loader *ld, const struct setting_def *d, void *base,
		      const struct ynode *n, const char *key)
{
	const char *v = scalar_text(ld, n, d, key);
	char **p = fld(base, d);
	char *copy;

	if (!v)
		return -1;
	if (d->type == ST_ENUM)
		return set_enum(ld, d, base, n, key, v);
	if (*v || !(d->flags & SF_EMPTY_OK)) {
		int bad = 0;
		const char *what = d->what;

		if (d->type == ST_VERSION) {
			bad = version_check(v) ? 2 : d->check && d->check(v);
			if (!what)
				what = "a version like v1.2.3";
		} else if (d->type == ST_SHA256) {
			bad = sha256_check(v);
			what = "a sha256: 64 hexadecimal digits";
		} else if (d->check) {
			bad = d->check(v);
		}
		if (bad) {
			bad_value(ld, n, key, what ? what : "a valid value",
				  bad == 2 ? "pin an exact release" : NULL);
			return -1;
		}
	}
	copy = xstrdup(v);
	if (d->type == ST_SHA256)	/* compare pins without caring for case */
		for (char *c = copy; *c; c++)
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c - 'A' + 'a');
	free(*p);
	*p = copy;
	return 0;
}

static int set_bool(struct loader *ld, const struct setting_def *d, void *base,
		    const struct ynode *n, const char *key)
{
	int v;

	if (n->type == YNODE_SCALAR && !yscalar_bool(n, &v)) {
		*(int *)fld(base, d) = v;
		return 0;
	}
	if (n->type == YNODE_SCALAR && n->style != YSTYLE_PLAIN && !n->tag) {
		struct ynode plain = *n;
		plain.style = YSTYLE_PLAIN;
		if (!yscalar_bool(&plain, &v)) {
			bad_value(ld, n, key, "true or false", "remove the quotes");
			return -1;
		}
	}
	bad_value(ld, n, key, "true or false", NULL);
	return -1;
}

static int set_int(struct loader *ld, const struct setting_def *d, void *base,
		   const struct ynode *n, const char *key)
{
	struct strbuf what = STRBUF_INIT;
	long long v;

	if (n->type == YNODE_SCALAR && !yscalar_int(n, &v) && v >= d->min && v <= d->max) {
		*(long long *)fld(base, d) = v;
		return 0;
	}
	strbuf_addf(&what, "a whole number from %lld to %lld", d->min, d->max);
	bad_value(ld, n, key, what.buf,
		  n->type == YNODE_SCALAR && n->style != YSTYLE_PLAIN ? "remove the quotes" : NULL);
	strbuf_release(&what);
	return -1;
}

static int set_quantity(struct loader *ld, const struct setting_def *d, void *base,
			const struct ynode *n, const char *key)
{
	const char *what = d->type == ST_CPU ?
		"a CPU quantity like 500m or 2" : "a size like 500Mi or 1Gi (whole bytes)";
	struct quantity *q = fld(base, d);
	enum yscalar_kind kind = yscalar_kind(n);
	long long v;
	int rc;

	if (n->type != YNODE_SCALAR || kind == YKIND_NULL || kind == YKIND_BOOL ||
	    kind == YKIND_OTHER || strlen(n->value) != n->len) {
		bad_value(ld, n, key, what, NULL);
		return -1;
	}
	rc = d->type == ST_CPU ? quantity_parse_cpu(n->value, &v) :
				 quantity_parse_bytes(n->value, &v);
	if (rc < 0) {
		bad_value(ld, n, key, what, NULL);
		return -1;
	}
	free(q->text);
	q->text = xstrdup(n->value);
	q->value = v;
	return 0;
}

static int set_pool(struct loader *ld, const struct setting_def *d, void *base,
		    const struct ynode *n, const char *key)
{
	static const char what[] =
		"an IPv4 range like 10.18.20.200-10.18.20.210 or a CIDR like 10.18.20.0/28";
	static const struct setting_def entry = { .type = ST_STRING };
	struct strvec list = STRVEC_INIT;
	struct strbuf path = STRBUF_INIT;
	int bad = 0;

	if (n->type == YNODE_MAP) {
		bad_value(ld, n, key, "a list of ranges or CIDRs", NULL);
		return -1;
	}
	if (n->type == YNODE_SCALAR && yscalar_kind(n) == YKIND_NULL) {
		strvec_clear(fld(base, d));
		return 0;
	}
	for (size_t i = 0; i < (n->type == YNODE_SEQ ? n->nr : 1); i++) {
		const struct ynode *item = n->type == YNODE_SEQ ? n->items[i] : n;
		const char *v;

		strbuf_reset(&path);
		strbuf_addstr(&path, key);
		if (n->type == YNODE_SEQ)
			strbuf_addf(&path, "[%zu]", i);
		v = scalar_text(ld, item, &entry, path.buf);
		if (!v) {
			bad = 1;
		} else if (!ipv4_pool_entry_valid(v)) {
			unsigned long addr;
			struct strbuf hint = STRBUF_INIT;
			if (!ipv4_parse(v, strlen(v), &addr))
				strbuf_addf(&hint, "write a single address as %s/32", v);
			bad_value(ld, item, path.buf, what, hint.len ? hint.buf : NULL);
			strbuf_release(&hint);
			bad = 1;
		} else {
			strvec_push(&list, v);
		}
	}
	strbuf_release(&path);
	if (bad) {
		strvec_clear(&list);
		return -1;
	}
	strvec_clear(fld(base, d));
	*(struct strvec *)fld(base, d) = list;
	return 0;
}

static int set_value(struct loader *ld, const struct setting_def *d, void *base,
		     const struct ynode *n, const char *key);

/* Keys one level below `prefix` ("" for the top), for suggestions. */
static size_t child_names(const char *prefix, const char **names, size_t max)
{
	size_t nr = 0, plen = strlen(prefix);

	for (size_t i = 0; i < settings_schema_nr && nr < max; i++) {
		const char *k = settings_schema[i].key;
		if (plen) {
			if (strncmp(k, prefix, plen) || k[plen] != '.')
				continue;
			k += plen + 1;
		}
		if (!strchr(k, '.'))
			names[nr++] = k;
	}
	return nr;
}

/* Names the original playbook used, and where they live now. */
static const char *const legacy_names[][2] = {
	{ "metallb_addresses", "metallb.addresses" },
	{ "registry_server", "registry.name" },
	{ "k0s_version", "versions.k0s" },
	{ "harbor_version", "versions.harbor" },
	{ "kubelet_extra_args", "kubelet" },
	{ "exascaler_namespace", "storage.namespace" },
	{ "mdxuser_uid", "storage.mount_uid" },
	{ "spark_jobs_namespace", "spark_operator.job_namespace" },
};

static void unknown_key(struct loader *ld, const struct ynode *k, const char *prefix,
			const char *name, const char *const *fields, size_t nr_fields)
{
	const char *names[128];
	struct strbuf hint = STRBUF_INIT, shown = STRBUF_INIT;
	const char *near;
	size_t nr;

	if (fields) {
		near = suggest_nearest(name, fields, nr_fields);
	} else {
		nr = child_names(prefix, names, ARRAY_SIZE(names));
		near = suggest_nearest(name, names, nr);
	}
	if (near) {
		strbuf_addf(&hint, "did you mean '%s%s%s'?", prefix, *prefix ? "." : "", near);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(legacy_names) && !hint.len; i++)
			if (!strcmp(name, legacy_names[i][0]))
				strbuf_addf(&hint, "the playbook's '%s' is '%s' in %s",
					    name, legacy_names[i][1], SETTINGS_FILE);
		/* a key put in the wrong section */
		for (size_t i = 0; i < settings_schema_nr && !hint.len && !fields; i++)
			if (!strcmp(schema_leaf_name(settings_schema[i].key), name))
				strbuf_addf(&hint, "did you mean '%s'?", settings_schema[i].key);
	}
	if (!hint.len)
		strbuf_addstr(&hint, "'kcfg config keys' lists every key");
	add_shown(&shown, k->value, k->len);
	diag_error(ld->dl, ld->file, k->line, k->col, hint.buf, "unknown key '%s%s%s'",
		   prefix, *prefix ? "." : "", shown.buf);
	ld->errors++;
	strbuf_release(&hint);
	strbuf_release(&shown);
}

/* A key's text; keys are scalars (the parser makes sure). */
static const char *key_text(const struct ynode *k)
{
	return k->value;
}

static int set_fs_item(struct loader *ld, struct storage_fs *fs, const struct ynode *n,
		       const char *path)
{
	const char *names[16];
	const struct ynode *given[16] = { NULL };
	struct strbuf key = STRBUF_INIT;
	int bad = 0;

	for (size_t f = 0; f < storage_fs_fields_nr; f++)
		names[f] = storage_fs_fields[f].key;
	for (size_t i = 0; i < n->nr; i++) {
		const char *name = key_text(n->pairs[i].key);
		size_t f;

		for (f = 0; f < storage_fs_fields_nr; f++)
			if (!strcmp(name, storage_fs_fields[f].key))
				break;
		if (f == storage_fs_fields_nr) {
			unknown_key(ld, n->pairs[i].key, path, name, names, storage_fs_fields_nr);
			bad = 1;
			continue;
		}
		given[f] = n->pairs[i].value;
		strbuf_reset(&key);
		strbuf_addf(&key, "%s.%s", path, name);
		if (set_value(ld, &storage_fs_fields[f], fs, n->pairs[i].value, key.buf) < 0)
			bad = 1;
	}
	for (size_t f = 0; f < storage_fs_fields_nr; f++) {
		if (!(storage_fs_fields[f].flags & SF_REQUIRED) || given[f])
			continue;
		diag_error(ld->dl, ld->file, n->line, n->col,
			   "each filesystem needs storage_class, exa_fs and mount_point",
			   "'%s' has no '%s'", path, storage_fs_fields[f].key);
		ld->errors++;
		bad = 1;
	}
	strbuf_release(&key);
	return bad ? -1 : 0;
}

static void fs_defaults(struct storage_fs *fs)
{
	memset(fs, 0, sizeof(*fs));
	for (size_t f = 0; f < storage_fs_fields_nr; f++) {
		const struct setting_def *d = &storage_fs_fields[f];
		if (d->type == ST_STRING)
			*(char **)fld(fs, d) = xstrdup(d->def ? d->def : "");
		else if (d->type == ST_BOOL)
			*(int *)fld(fs, d) = d->def && !strcmp(d->def, "true");
	}
}

static int set_fs_list(struct loader *ld, const struct setting_def *d, void *base,
		       const struct ynode *n, const char *key)
{
	struct storage_fs_list list = { NULL, 0, 0 };
	struct strbuf path = STRBUF_INIT;
	int bad = 0;

	if (n->type == YNODE_SCALAR && yscalar_kind(n) == YKIND_NULL) {
		free_fs_list(fld(base, d));
		return 0;
	}
	if (n->type != YNODE_SEQ) {
		bad_value(ld, n, key, "a list of filesystems", "start each one with '- storage_class:'");
		return -1;
	}
	for (size_t i = 0; i < n->nr; i++) {
		const struct ynode *item = n->items[i];
		struct storage_fs fs;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s[%zu]", key, i);
		if (item->type != YNODE_MAP) {
			bad_value(ld, item, path.buf, "a mapping of storage_class, exa_fs, "
				  "mount_point ...", NULL);
			bad = 1;
			continue;
		}
		fs_defaults(&fs);
		if (set_fs_item(ld, &fs, item, path.buf) < 0) {
			free_fs(&fs);
			bad = 1;
			continue;
		}
		ALLOC_GROW(list.v, list.nr + 1, list.alloc);
		list.v[list.nr++] = fs;
	}
	strbuf_release(&path);
	if (bad) {
		free_fs_list(&list);
		return -1;
	}
	free_fs_list(fld(base, d));
	*(struct storage_fs_list *)fld(base, d) = list;
	return 0;
}

static int set_value(struct loader *ld, const struct setting_def *d, void *base,
		     const struct ynode *n, const char *key)
{
	switch (d->type) {
	case ST_STRING: case ST_VERSION: case ST_SHA256: case ST_ENUM:
		return set_string(ld, d, base, n, key);
	case ST_BOOL:
		return set_bool(ld, d, base, n, key);
	case ST_INT:
		return set_int(ld, d, base, n, key);
	case ST_CPU: case ST_BYTES:
		return set_quantity(ld, d, base, n, key);
	case ST_POOL:
		return set_pool(ld, d, base, n, key);
	case ST_FS_LIST:
		return set_fs_list(ld, d, base, n, key);
	case ST_EXTRAS: {
		int errors = extras_parse(n, ld->file, key, fld(base, d), ld->dl);
		ld->errors += errors;
		return errors ? -1 : 0;
	}
	case ST_SECTION:
		break;
	}
	return -1;
}

static void load_map(struct loader *ld, const struct ynode *map, const char *prefix)
{
	struct strbuf path = STRBUF_INIT;

	for (size_t i = 0; i < map->nr; i++) {
		const struct ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
		const char *name = key_text(k);
		const struct setting_def *d;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s%s%s", prefix, *prefix ? "." : "", name);
		d = strlen(name) == k->len ? schema_find(path.buf) : NULL;
		if (!d) {
			unknown_key(ld, k, prefix, name, NULL, 0);
			continue;
		}
		ld->s->origin[schema_index(d)].line = k->line;
		ld->s->origin[schema_index(d)].col = k->col;
		if (d->type != ST_SECTION) {
			set_value(ld, d, ld->s, v, path.buf);
		} else if (v->type == YNODE_MAP) {
			load_map(ld, v, path.buf);
		} else if (!(v->type == YNODE_SCALAR && yscalar_kind(v) == YKIND_NULL)) {
			struct strbuf hint = STRBUF_INIT;
			strbuf_addf(&hint, "write its keys indented below '%s:'", name);
			bad_value(ld, v, path.buf, "a mapping of keys", hint.buf);
			strbuf_release(&hint);
		}
	}
	strbuf_release(&path);
}

/* Defaults that follow other keys. */
static void derive(struct settings *s)
{
	if (!s->registry.name)
		s->registry.name = xstrfmt("harbor.%s", s->cluster.internal_domain);
}

void settings_init_defaults(struct settings *s)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct loader ld = { s, &dl, "<default>", 0 };

	memset(s, 0, sizeof(*s));
	s->origin = xcalloc(settings_schema_nr, sizeof(*s->origin));
	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *d = &settings_schema[i];
		struct ydoc doc = YDOC_INIT;
		struct ynode n;

		if (!d->def)
			continue;
		if (d->type == ST_POOL || d->type == ST_FS_LIST || d->type == ST_EXTRAS) {
			if (ydoc_parse(&doc, "<default>", d->def, strlen(d->def), &dl) == 0)
				set_value(&ld, d, s, doc.root, d->key);
			ydoc_release(&doc);
			continue;
		}
		memset(&n, 0, sizeof(n));
		n.type = YNODE_SCALAR;
		n.value = (char *)d->def;
		n.len = strlen(d->def);
		/* booleans and numbers are plain words; the rest are text */
		n.style = d->type == ST_BOOL || d->type == ST_INT ? YSTYLE_PLAIN : YSTYLE_DOUBLE;
		set_value(&ld, d, s, &n, d->key);
	}
	/* a default that does not load is a bug, caught by test-settings */
	assert(!dl.nr);
	diag_release(&dl);
	derive(s);
}

/* Where a key was set in the file; line 0 when it holds its default. */
static void origin_of(const struct settings *s, const struct setting_def *d,
		      unsigned *line, unsigned *col)
{
	const struct settings_origin *o = &s->origin[schema_index(d)];
	*line = o->line;
	*col = o->col;
}

/* Checks across keys, once every key is in. */
static void cross_check(struct loader *ld)
{
	struct settings *s = ld->s;
	const struct storage_fs_list *fl = &s->storage.filesystems;
	const struct setting_def *fsd = schema_find("storage.filesystems");
	unsigned line, col;
	size_t defaults = 0;

	origin_of(s, fsd, &line, &col);
	for (size_t i = 0; i < fl->nr; i++) {
		defaults += fl->v[i].is_default;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(fl->v[i].storage_class, fl->v[j].storage_class)) {
				diag_error(ld->dl, ld->file, line, col, "give each one its own name",
					   "'storage.filesystems' has two entries named '%s'",
					   fl->v[i].storage_class);
				ld->errors++;
			}
			if (!strcmp(fl->v[i].mount_point, fl->v[j].mount_point)) {
				diag_error(ld->dl, ld->file, line, col, NULL,
					   "'storage.filesystems' mounts two filesystems on '%s'",
					   fl->v[i].mount_point);
				ld->errors++;
			}
		}
	}
	if (defaults > 1) {
		diag_error(ld->dl, ld->file, line, col, "set 'default: true' on one of them only",
			   "'storage.filesystems' has %zu default storage classes", defaults);
		ld->errors++;
	}

	/* a changed version with the old version's checksum cannot be right */
	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *d = &settings_schema[i], *vd;
		const char *pin, *version;

		if (d->type != ST_SHA256 || !d->pin_for || !d->def || !*d->def)
			continue;
		vd = schema_find(d->pin_for);
		pin = *(char **)fld(s, d);
		version = *(char **)fld(s, vd);
		if (strcmp(version, vd->def) && !strcmp(pin, d->def)) {
			struct strbuf hint = STRBUF_INIT;
			origin_of(s, d, &line, &col);
			if (!line)
				origin_of(s, vd, &line, &col);
			strbuf_addf(&hint, "set '%s' to the sha256 published for %s", d->key,
				    version);
			diag_error(ld->dl, ld->file, line, col, hint.buf,
				   "'%s' is the checksum of %s, not of '%s'", d->key, vd->def,
				   version);
			ld->errors++;
			strbuf_release(&hint);
		}
	}
}

int settings_load_doc(struct settings *out, const struct ydoc *doc, struct diag_list *dl)
{
	struct settings s;
	struct loader ld = { &s, dl, doc->file ? doc->file : SETTINGS_FILE, 0 };
	const struct ynode *root = doc->root;

	settings_init_defaults(&s);
	s.file = xstrdup(ld.file);
	/* registry.name follows internal_domain unless set */
	free(s.registry.name);
	s.registry.name = NULL;
	if (root && root->type == YNODE_MAP) {
		load_map(&ld, root, "");
	} else if (root && !(root->type == YNODE_SCALAR && yscalar_kind(root) == YKIND_NULL)) {
		struct strbuf got = STRBUF_INIT;
		show_value(&got, root);
		diag_error(dl, ld.file, root->line, root->col,
			   "start with a section such as 'cluster:' (see 'kcfg config show')",
			   "the top level must be a mapping of sections, got %s", got.buf);
		ld.errors++;
		strbuf_release(&got);
	}
	derive(&s);
	if (!ld.errors)
		cross_check(&ld);
	if (ld.errors) {
		settings_release(&s);
		return -1;
	}
	*out = s;
	return 0;
}

int settings_load_buf(struct settings *out, const char *file, const char *buf,
		      size_t len, struct diag_list *dl)
{
	struct ydoc doc = YDOC_INIT;
	int ret = -1;

	if (ydoc_parse(&doc, file, buf, len, dl) == 0)
		ret = settings_load_doc(out, &doc, dl);
	ydoc_release(&doc);
	return ret;
}

int settings_load_file(struct settings *out, const char *path, struct diag_list *dl)
{
	struct ydoc doc = YDOC_INIT;
	int ret = -1;

	if (ydoc_load_file(&doc, path, dl) == 0)
		ret = settings_load_doc(out, &doc, dl);
	ydoc_release(&doc);
	return ret;
}

void settings_release(struct settings *s)
{
	for (size_t i = 0; i < settings_schema_nr; i++)
		free_value(&settings_schema[i], s);
	free(s->origin);
	free(s->file);
	memset(s, 0, sizeof(*s));
}

static int all_digits(const char *s)
{
	if (!*s || strlen(s) > 18)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void emit_value(struct yemit *e, const struct setting_def *d, const void *base);

void settings_emit_value(struct yemit *e, const struct setting_def *d,
			 const struct settings *s)
{
	emit_value(e, d, s);
}

static void emit_value(struct yemit *e, const struct setting_def *d, const void *base)
{
	switch (d->type) {
	case ST_STRING: case ST_VERSION: case ST_SHA256: case ST_ENUM:
		yemit_str(e, *(char *const *)fld(base, d));
		break;
	case ST_BOOL:
		yemit_bool(e, *(const int *)fld(base, d));
		break;
	case ST_INT:
		yemit_int(e, *(const long long *)fld(base, d));
		break;
	case ST_CPU: case ST_BYTES: {
		const struct quantity *q = fld(base, d);
		/* "2" stays a plain number, as the user wrote it */
		if (all_digits(q->text))
			yemit_int(e, strtoll(q->text, NULL, 10));
		else
			yemit_str(e, q->text);
		break;
	}
	case ST_POOL: {
		const struct strvec *sv = fld(base, d);
		yemit_seq_begin(e);
		for (size_t i = 0; i < sv->nr; i++)
			yemit_str(e, sv->v[i]);
		yemit_seq_end(e);
		break;
	}
	case ST_FS_LIST: {
		const struct storage_fs_list *l = fld(base, d);
		yemit_seq_begin(e);
		for (size_t i = 0; i < l->nr; i++) {
			yemit_map_begin(e);
			for (size_t f = 0; f < storage_fs_fields_nr; f++) {
				yemit_key(e, storage_fs_fields[f].key);
				emit_value(e, &storage_fs_fields[f], &l->v[i]);
			}
			yemit_map_end(e);
		}
		yemit_seq_end(e);
		break;
	}
	case ST_EXTRAS:
		extras_emit(fld(base, d), e);
		break;
	case ST_SECTION:
		break;
	}
}

static int is_inside(const char *key, const char *section)
{
	size_t n = strlen(section);
	return !strncmp(key, section, n) && key[n] == '.';
}

void settings_emit_keys(const struct settings *s, struct yemit *e)
{
	const char *open[8];
	size_t depth = 0;

	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *d = &settings_schema[i];

		while (depth && !is_inside(d->key, open[depth - 1])) {
			yemit_map_end(e);
			depth--;
		}
		yemit_key(e, schema_leaf_name(d->key));
		if (d->type == ST_SECTION) {
			yemit_map_begin(e);
			assert(depth < ARRAY_SIZE(open));
			open[depth++] = d->key;
		} else {
			emit_value(e, d, s);
		}
	}
	while (depth--)
		yemit_map_end(e);
}

void settings_emit(const struct settings *s, struct yemit *e)
{
	yemit_map_begin(e);
	settings_emit_keys(s, e);
	yemit_map_end(e);
}

int settings_to_yaml(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	yemit_init(&e, out);
	settings_emit(s, &e);
	return yemit_finish(&e, err);
}

static int bool_at(const struct settings *s, const char *key)
{
	const struct setting_def *d = schema_find(key);
	return d && d->type == ST_BOOL && *(const int *)fld(s, d);
}

const char *settings_string(const struct settings *s, const char *key)
{
	const struct setting_def *d = schema_find(key);
	const char *v;

	if (!d || (d->type != ST_STRING && d->type != ST_VERSION && d->type != ST_SHA256 &&
		   d->type != ST_ENUM))
		return NULL;
	v = *(char *const *)fld(s, d);
	return v ? v : "";
}

int settings_pin_needed(const struct settings *s, const char *pin_key)
{
	const struct setting_def *d = schema_find(pin_key);

	return d && d->type == ST_SHA256 && (!d->needed_if || bool_at(s, d->needed_if)) &&
	       (!d->needed_also || bool_at(s, d->needed_also));
}

int settings_check_required(const struct settings *s, enum diag_level level,
			    struct diag_list *dl)
{
	int errors = 0;
	unsigned line, col;

	for (size_t i = 0; i < settings_schema_nr; i++) {
		const struct setting_def *d = &settings_schema[i], *vd;
		struct strbuf hint = STRBUF_INIT;

		if (d->type != ST_SHA256 || !d->pin_for || **(char *const *)fld(s, d))
			continue;
		if (!settings_pin_needed(s, d->key))
			continue;
		vd = schema_find(d->pin_for);
		origin_of(s, d, &line, &col);
		strbuf_addf(&hint, "set it to the sha256 of the %s download", vd->key);
		if (d->needed_if)
			strbuf_addf(&hint, ", or turn '%s' off",
				    d->needed_also ? d->needed_also : d->needed_if);
		diag_add(dl, level, line ? s->file : NULL, line, col, hint.buf,
			 "'%s' is empty, but kcfg downloads %s %s", d->key,
			 schema_leaf_name(vd->key), *(char *const *)fld(s, vd));
		errors++;
		strbuf_release(&hint);
	}
	if (s->addons.metallb && !s->metallb.addresses.nr) {
		origin_of(s, schema_find("metallb.addresses"), &line, &col);
		diag_add(dl, level, line ? s->file : NULL, line, col,
			 "set it to a range like 10.18.20.200-10.18.20.210, or turn "
			 "'addons.metallb' off",
			 "'metallb.addresses' is empty, but 'addons.metallb' is on");
		errors++;
	}
	return errors;
}

int settings_k0s_minor(const struct settings *s)
{
	const char *p = s->versions.k0s;
	long minor = 0;

	/* validated on load: v1.MINOR.PATCH+k0s.N */
	if (!starts_with(p, "v1."))
		return -1;
	for (p += 3; *p >= '0' && *p <= '9'; p++)
		minor = minor * 10 + (*p - '0');
	return (int)minor;
}

int settings_containerd_config_version(const struct settings *s)
{
	return settings_k0s_minor(s) >= 36 ? 3 : 2;
}

const char *settings_origin(const struct settings *s, const char *key,
			    unsigned *line, unsigned *col)
{
	const struct setting_def *d = schema_find(key);
	const struct settings_origin *o;

	if (!d || !s->origin)
		return NULL;
	o = &s->origin[schema_index(d)];
	if (!o->line)
		return NULL;
	*line = o->line;
	*col = o->col;
	return s->file;
}
