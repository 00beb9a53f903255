/*
 * YAML -> ynode tree, with marks, on top of libyaml's event parser, and
 * the resolution of plain scalars (null, bool, int, float, string).
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "config/yaml.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char parse_hint[] =
	"check the indentation and the quoting on this line and the one before";

struct builder {
	struct ydoc *doc;
	struct diag_list *dl;
	struct ynode *stack[YDOC_MAX_DEPTH];
	size_t depth;
	int errors;
	int stop;		/* a problem after which parsing cannot go on */
};

static struct ynode *new_node(struct builder *b, enum ynode_type type,
			      const yaml_mark_t *mark, const yaml_char_t *tag)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->file = b->doc->file;
	n->line = (unsigned)mark->line + 1;
	n->col = (unsigned)mark->column + 1;
	n->tag = tag ? xstrdup((const char *)tag) : NULL;
	b->doc->nodes++;
	return n;
}

static void free_node(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nr; i++) {
		if (n->type == YNODE_SEQ) {
			free_node(n->items[i]);
		} else if (n->type == YNODE_MAP) {
			free_node(n->pairs[i].key);
			free_node(n->pairs[i].value);
		}
	}
	free(n->items);
	free(n->pairs);
	free(n->value);
	free(n->tag);
	free(n);
}

static void error_at(struct builder *b, const struct ynode *where, unsigned line,
		     unsigned col, const char *hint, const char *msg)
{
	if (where) {
		line = where->line;
		col = where->col;
	}
	diag_error(b->dl, b->doc->file, line, col, hint, "%s", msg);
	b->errors++;
}

/* Adds a finished node to the open collection, or makes it the root. */
static void attach(struct builder *b, struct ynode *n)
{
	struct ynode *parent;

	if (!b->depth) {
		if (b->doc->root) {
			free_node(n);	/* cannot happen: one root per document */
			return;
		}
		b->doc->root = n;
		return;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == YNODE_SEQ) {
		ALLOC_GROW(parent->items, parent->nr + 1, parent->alloc);
		parent->items[parent->nr++] = n;
		return;
	}
	/* a mapping: keys and values alternate */
	if (parent->nr && !parent->pairs[parent->nr - 1].value) {
		parent->pairs[parent->nr - 1].value = n;
		return;
	}
	if (n->type != YNODE_SCALAR) {
		error_at(b, n, 0, 0, "write the key as a plain word followed by ':'",
			 "a mapping key must be a string, not a mapping or a sequence");
		/* keep the structure with a placeholder key */
		struct ynode *k = xcalloc(1, sizeof(*k));
		k->type = YNODE_SCALAR;
		k->file = n->file;
		k->line = n->line;
		k->col = n->col;
		k->value = xstrdup("");
		free_node(n);
		n = k;
	}
	ALLOC_GROW(parent->pairs, parent->nr + 1, parent->alloc);
	parent->pairs[parent->nr].key = n;
	parent->pairs[parent->nr].value = NULL;
	parent->nr++;
}

static int key_cmp(const void *a, const void *b)
{
	const struct ynode *ka = *(const struct ynode *const *)a;
	const struct ynode *kb = *(const struct ynode *const *)b;
	size_t n = ka->len < kb->len ? ka->len : kb->len;
	int c = memcmp(ka->value, kb->value, n);

	if (c)
		return c;
	if (ka->len != kb->len)
		return ka->len < kb->len ? -1 : 1;
	/* equal keys: document order, so the first one comes first */
	if (ka->line != kb->line)
		return ka->line < kb->line ? -1 : 1;
	return ka->col < kb->col ? -1 : ka->col > kb->col;
}

/* Duplicate keys, found by sorting (maps may be large): O(n log n). */
static void check_duplicates(struct builder *b, const struct ynode *map)
{
	const struct ynode **keys;

	if (map->nr < 2)
		return;
	keys = xcalloc(map->nr, sizeof(*keys));
	for (size_t i = 0; i < map->nr; i++)
		keys[i] = map->pairs[i].key;
	qsort(keys, map->nr, sizeof(*keys), key_cmp);
	for (size_t i = 1, first = 0; i < map->nr; i++) {
		const struct ynode *k = keys[i], *f = keys[first];
		struct strbuf hint = STRBUF_INIT;

		if (k->len != f->len || memcmp(k->value, f->value, k->len)) {
			first = i;
			continue;
		}
		strbuf_addf(&hint, "it is first defined at line %u; keep only one of them",
			    f->line);
		diag_error(b->dl, b->doc->file, k->line, k->col, hint.buf,
			   "duplicate key '%s'", k->value);
		b->errors++;
		strbuf_release(&hint);
	}
	free(keys);
}

static enum yscalar_style style_of(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE: return YSTYLE_SINGLE;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return YSTYLE_DOUBLE;
	case YAML_LITERAL_SCALAR_STYLE: return YSTYLE_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE: return YSTYLE_FOLDED;
	default: return YSTYLE_PLAIN;
	}
}

/* Out of memory is fatal, as in xmalloc (libyaml has its own allocator). */
static void libyaml_oom(void)
{
	static const char msg[] = "fatal: out of memory in libyaml\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

static int too_many_nodes(struct builder *b, const yaml_mark_t *mark)
{
	if (b->doc->nodes < YDOC_MAX_NODES)
		return 0;
	diag_error(b->dl, b->doc->file, (unsigned)mark->line + 1,
		   (unsigned)mark->column + 1, "split the file into smaller ones",
		   "more than %u YAML nodes", YDOC_MAX_NODES);
	b->errors++;
	b->stop = 1;
	return 1;
}

/* Handles one event; sets b->stop when parsing cannot go on. */
static void on_event(struct builder *b, yaml_event_t *ev, int *docs)
{
	const yaml_mark_t *mark = &ev->start_mark;
	struct ynode *n;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1) {
			diag_error(b->dl, b->doc->file, (unsigned)mark->line + 1,
				   (unsigned)mark->column + 1,
				   "remove the '---' line or split the file",
				   "a second YAML document is not allowed here");
			b->errors++;
			b->stop = 1;
		}
		break;
	case YAML_SCALAR_EVENT:
		if (too_many_nodes(b, mark))
			break;
		n = new_node(b, YNODE_SCALAR, mark, ev->data.scalar.tag);
		n->len = ev->data.scalar.length;
		n->value = xmalloc(n->len + 1);
		memcpy(n->value, ev->data.scalar.value, n->len);
		n->value[n->len] = '\0';
		n->style = style_of(ev->data.scalar.style);
		attach(b, n);
		break;
	case YAML_ALIAS_EVENT: {
		struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;
		const char *name = (const char *)ev->data.alias.anchor;

		strbuf_addf(&msg, "aliases are not supported ('*%s')", name);
		strbuf_addf(&hint, "repeat the value instead of referring to '&%s'", name);
		error_at(b, NULL, (unsigned)mark->line + 1, (unsigned)mark->column + 1,
			 hint.buf, msg.buf);
		strbuf_release(&msg);
		strbuf_release(&hint);
		if (too_many_nodes(b, mark))
			break;
		/* a null placeholder keeps keys and values paired */
		n = new_node(b, YNODE_SCALAR, mark, NULL);
		n->value = xstrdup("");
		attach(b, n);
		break;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (too_many_nodes(b, mark))
			break;
		if (b->depth == YDOC_MAX_DEPTH) {
			diag_error(b->dl, b->doc->file, (unsigned)mark->line + 1,
				   (unsigned)mark->column + 1, NULL,
				   "nesting deeper than %d levels", YDOC_MAX_DEPTH);
			b->errors++;
			b->stop = 1;
			break;
		}
		n = new_node(b, ev->type == YAML_MAPPING_START_EVENT ? YNODE_MAP : YNODE_SEQ,
			     mark, ev->type == YAML_MAPPING_START_EVENT ?
			     ev->data.mapping_start.tag : ev->data.sequence_start.tag);
		b->stack[b->depth++] = n;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (!b->depth)
			break;
		n = b->stack[--b->depth];
		if (n->type == YNODE_MAP)
			check_duplicates(b, n);
		attach(b, n);
		break;
	default:
		break;
	}
}

/* Line and column of a byte offset, for reader errors (bad UTF-8 ...). */
static void offset_to_mark(const char *buf, size_t len, size_t off,
			   unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static void parser_error(struct builder *b, yaml_parser_t *p, const char *buf, size_t len)
{
	struct strbuf msg = STRBUF_INIT;
	unsigned line, col;

	strbuf_addf(&msg, "invalid YAML: %s", p->problem ? p->problem : "cannot parse");
	if (p->error == YAML_READER_ERROR) {
		offset_to_mark(buf, len, p->problem_offset, &line, &col);
	} else {
		line = (unsigned)p->problem_mark.line + 1;
		col = (unsigned)p->problem_mark.column + 1;
		if (p->context)
			strbuf_addf(&msg, " (%s)", p->context);
	}
	error_at(b, NULL, line, col, parse_hint, msg.buf);
	strbuf_release(&msg);
}

int ydoc_parse(struct ydoc *doc, const char *file, const char *buf, size_t len,
	       struct diag_list *dl)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int docs = 0, done = 0;

	memset(&b, 0, sizeof(b));
	memset(doc, 0, sizeof(*doc));
	doc->file = xstrdup(file);
	b.doc = doc;
	b.dl = dl;

	if (len > YDOC_MAX_INPUT) {
		diag_error(dl, file, 0, 0, "split the file into smaller ones",
			   "larger than %u MiB", YDOC_MAX_INPUT >> 20);
		ydoc_release(doc);
		return -1;
	}
	if (!yaml_parser_initialize(&parser))
		libyaml_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !b.stop) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				libyaml_oom();
			parser_error(&b, &parser, buf, len);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		on_event(&b, &ev, &docs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	/* nodes still open after an error belong to nobody else */
	while (b.depth)
		free_node(b.stack[--b.depth]);
	if (b.errors || !done) {
		ydoc_release(doc);
		return -1;
	}
	return 0;
}

int ydoc_load_file(struct ydoc *doc, const char *path, struct diag_list *dl)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	memset(doc, 0, sizeof(*doc));
	if (strbuf_read_file(&sb, path, YDOC_MAX_INPUT) < 0) {
		if (errno == EFBIG)
			diag_error(dl, path, 0, 0, "split the file into smaller ones",
				   "larger than %u MiB", YDOC_MAX_INPUT >> 20);
		else
			diag_error(dl, path, 0, 0, NULL, "cannot read: %s", strerror(errno));
		strbuf_release(&sb);
		return -1;
	}
	ret = ydoc_parse(doc, path, sb.buf, sb.len, dl);
	strbuf_release(&sb);
	return ret;
}

void ydoc_release(struct ydoc *doc)
{
	free_node(doc->root);
	free(doc->file);
	memset(doc, 0, sizeof(*doc));
}

const struct ynode *ynode_map_get(const struct ynode *map, const char *key)
{
	size_t klen = strlen(key);

	if (!map || map->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->nr; i++) {
		const struct ynode *k = map->pairs[i].key;
		if (k->len == klen && !memcmp(k->value, key, klen))
			return map->pairs[i].value;
	}
	return NULL;
}

/*
 * Plain scalar resolution. The patterns are the union of YAML 1.1's
 * (as PyYAML, hence Ansible, applies them) and YAML 1.2's core schema
 * (as Go and most newer readers do), so a string we write plain is a
 * string to every reader, and a value we read means what its author
 * most likely meant.
 */
enum { RX_NULL, RX_BOOL, RX_INT, RX_FLOAT, RX_OTHER, RX_NR };

static const char *const patterns[RX_NR] = {
	[RX_NULL] = "^(~|null|Null|NULL)$",
	[RX_BOOL] = "^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
		    "|on|On|ON|off|Off|OFF)$",
	[RX_INT] = "^[-+]?(0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+"
		   "|[1-9][0-9_]*(:[0-5]?[0-9])+|[0-9]+|0o[0-7]+)$",
	[RX_FLOAT] = "^([-+]?[0-9][0-9_]*\\.[0-9_]*([eE][-+]?[0-9]+)?"
		     "|[-+]?\\.[0-9][0-9_]*([eE][-+]?[0-9]+)?"
		     "|[-+]?[0-9]+([eE][-+]?[0-9]+)"
		     "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*"
		     "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$",
	/* YAML 1.1 timestamps, the merge key and the value key */
	[RX_OTHER] = "^([0-9]{4}-[0-9]{2}-[0-9]{2}"
		     "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
		     "(\\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?"
		     "|<<|=)$",
};

/* Compiled once; they live until exit, like any static table. */
static regex_t compiled[RX_NR];
static int compiled_ok;

static int matches(int which, const char *s)
{
	if (!compiled_ok) {
		for (int i = 0; i < RX_NR; i++)
			if (regcomp(&compiled[i], patterns[i], REG_EXTENDED | REG_NOSUB))
				abort();	/* a bad built-in pattern is a bug */
		compiled_ok = 1;
	}
	return regexec(&compiled[which], s, 0, NULL, 0) == 0;
}

static enum yscalar_kind resolve_plain(const char *s, size_t len)
{
	if (!len)
		return YKIND_NULL;
	if (memchr(s, '\0', len))
		return YKIND_STR;
	if (matches(RX_NULL, s))
		return YKIND_NULL;
	if (matches(RX_BOOL, s))
		return YKIND_BOOL;
	if (matches(RX_INT, s))
		return YKIND_INT;
	if (matches(RX_FLOAT, s))
		return YKIND_FLOAT;
	return YKIND_STR;
}

int yplain_reads_as_string(const char *s, size_t len)
{
	if (resolve_plain(s, len) != YKIND_STR)
		return 0;
	return memchr(s, '\0', len) || !matches(RX_OTHER, s);
}

#define CORE_TAG "tag:yaml.org,2002:"

enum yscalar_kind yscalar_kind(const struct ynode *n)
{
	if (!n || n->type != YNODE_SCALAR)
		return YKIND_OTHER;
	if (n->tag) {
		const char *t = n->tag;
		if (!strcmp(t, "!"))
			return YKIND_STR;
		if (!starts_with(t, CORE_TAG))
			return YKIND_OTHER;
		t += strlen(CORE_TAG);
		if (!strcmp(t, "str"))
			return YKIND_STR;
		if (!strcmp(t, "null"))
			return YKIND_NULL;
		if (!strcmp(t, "bool"))
			return YKIND_BOOL;
		if (!strcmp(t, "int"))
			return YKIND_INT;
		if (!strcmp(t, "float"))
			return YKIND_FLOAT;
		return YKIND_OTHER;
	}
	if (n->style != YSTYLE_PLAIN)
		return YKIND_STR;
	return resolve_plain(n->value, n->len);
}

int yscalar_bool(const struct ynode *n, int *out)
{
	static const char *const yes[] = {
		"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
	};

	if (yscalar_kind(n) != YKIND_BOOL || strlen(n->value) != n->len)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(n->value, yes[i])) {
			*out = 1;
			return 0;
		}
	}
	/* a !!bool tag on something else than the words is not a boolean */
	if (!matches(RX_BOOL, n->value))
		return -1;
	*out = 0;
	return 0;
}

int yscalar_int(const struct ynode *n, long long *out)
{
	const char *p;
	char *end;
	long long v;

	if (yscalar_kind(n) != YKIND_INT || strlen(n->value) != n->len)
		return -1;
	p = n->value;
	if (*p == '+' || *p == '-')
		p++;
	if (!*p)
		return -1;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return -1;	/* hex, 1_000, 1:20: not here */
	if (p[0] == '0' && p[1])
		return -1;	/* 010 is 8 to YAML 1.1 readers and 10 to YAML 1.2 ones */
	errno = 0;
	v = strtoll(n->value, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

const char *ynode_describe(const struct ynode *n)
{
	if (!n)
		return "nothing";
	if (n->type == YNODE_MAP)
		return "a mapping";
	if (n->type == YNODE_SEQ)
		return "a sequence";
	switch (yscalar_kind(n)) {
	case YKIND_NULL: return "null";
	case YKIND_BOOL: return "a boolean";
	case YKIND_INT:
	case YKIND_FLOAT: return "a number";
	case YKIND_OTHER: return "a tagged value";
	default: return "a string";
	}
}
