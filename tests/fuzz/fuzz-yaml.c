/*
 * Arbitrary bytes as cluster.yaml: the YAML parser (node tree, marks,
 * limits), the settings loader, and the emitter. Checks two promises as
 * it goes, aborting when one breaks:
 *   - a parsed tree written back by yemit_node parses to the same tree
 *     (same structure, same bytes, same meaning of every value);
 *   - settings that load print as YAML that loads again and prints the
 *     same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/settings.h"
#include "config/yaml.h"
#include "util/diag.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const struct strbuf *a, const struct strbuf *b)
{
	fprintf(stderr, "fuzz-yaml: %s\n--- first\n%s\n--- second\n%s\n", what,
		a ? a->buf : "", b ? b->buf : "");
	abort();
}

static int same_tree(const struct ynode *a, const struct ynode *b, int is_key)
{
	if (a->type != b->type || a->nr != b->nr)
		return 0;
	if (a->type == YNODE_SCALAR) {
		if (a->len != b->len || memcmp(a->value, b->value, a->len))
			return 0;
		/* an empty plain key comes back quoted: the text is what matters there */
		if (!is_key && yscalar_kind(a) != yscalar_kind(b))
			return 0;
	}
	for (size_t i = 0; i < a->nr; i++) {
		if (a->type == YNODE_SEQ) {
			if (!same_tree(a->items[i], b->items[i], 0))
				return 0;
		} else if (!same_tree(a->pairs[i].key, b->pairs[i].key, 1) ||
			   !same_tree(a->pairs[i].value, b->pairs[i].value, 0)) {
			return 0;
		}
	}
	return 1;
}

static void check_tree_roundtrip(const struct ydoc *doc)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, diags = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct ydoc again = YDOC_INIT;
	struct yemit e;

	if (!doc->root)
		return;
	yemit_init(&e, &out);
	yemit_node(&e, doc->root);
	if (yemit_finish(&e, &err) < 0)
		broken("yemit_node failed on a parsed tree", &err, &out);
	if (ydoc_parse(&again, "again", out.buf, out.len, &dl) < 0) {
		diag_format(&dl, &diags);
		broken("yemit_node wrote YAML that does not parse", &out, &diags);
	}
	/* a document holding only an empty null is written as an empty one */
	if (!again.root && yscalar_kind(doc->root) == YKIND_NULL && !doc->root->len)
		;
	else if (!again.root || !same_tree(doc->root, again.root, 0))
		broken("yemit_node changed the tree", &out, NULL);
	ydoc_release(&again);
	diag_release(&dl);
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&diags);
}

static void check_settings_roundtrip(const struct settings *s)
{
	struct strbuf one = STRBUF_INIT, two = STRBUF_INIT, err = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct settings t;

	if (settings_to_yaml(s, &one, &err) < 0)
		broken("settings do not print", &err, NULL);
	if (settings_load_buf(&t, "printed", one.buf, one.len, &dl) < 0) {
		diag_format(&dl, &two);
		broken("printed settings do not load", &one, &two);
	}
	if (settings_to_yaml(&t, &two, &err) < 0 || strcmp(one.buf, two.buf))
		broken("printing is not stable", &one, &two);
	settings_check_required(&t, DIAG_ERROR, &dl);
	settings_release(&t);
	diag_release(&dl);
	strbuf_release(&one);
	strbuf_release(&two);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf text = STRBUF_INIT;
	struct ydoc doc = YDOC_INIT;
	struct settings s;

	if (ydoc_parse(&doc, "cluster.yaml", (const char *)data, size, &dl) == 0) {
		check_tree_roundtrip(&doc);
		if (settings_load_doc(&s, &doc, &dl) == 0) {
			check_settings_roundtrip(&s);
			settings_release(&s);
		}
	}
	diag_sort(&dl);
	diag_format(&dl, &text);
	ydoc_release(&doc);
	diag_release(&dl);
	strbuf_release(&text);
	return 0;
}
