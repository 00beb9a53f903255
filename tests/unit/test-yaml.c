/* Unit tests for src/config/yaml: node tree, marks, limits, resolution, emitter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "util/diag.h"
#include "util/strbuf.h"

static int parse(struct ydoc *doc, const char *text, struct diag_list *dl)
{
	return ydoc_parse(doc, "t.yaml", text, strlen(text), dl);
}

/* The only diag's "FILE:LINE:COL: error: MSG\n  hint: HINT\n" text. */
static void assert_one_diag(struct diag_list *dl, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(dl->nr, 1);
	diag_format(dl, &sb);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_tree_and_marks(void **state)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	const struct ynode *root, *list, *s;

	assert_int_equal(parse(&doc,
		"# comment\n"
		"name: plain\n"
		"list:\n"
		"  - 'single'\n"
		"  - \"dou\\tble\"\n"
		"  - |\n"
		"    lit\n"
		"    eral\n"
		"nested: {a: 1, b: [x, y]}\n"
		"tagged: !!str 12\n", &dl), 0);
	assert_int_equal(dl.nr, 0);
	root = doc.root;
	assert_non_null(root);
	assert_int_equal(root->type, YNODE_MAP);
	assert_int_equal(root->nr, 4);
	assert_int_equal(root->line, 2);
	assert_int_equal(root->col, 1);
	assert_string_equal(root->file, "t.yaml");

	/* keys keep document order and their own marks */
	assert_string_equal(root->pairs[0].key->value, "name");
	assert_int_equal(root->pairs[0].key->line, 2);
	assert_string_equal(root->pairs[1].key->value, "list");
	assert_string_equal(root->pairs[3].key->value, "tagged");

	s = ynode_map_get(root, "name");
	assert_string_equal(s->value, "plain");
	assert_int_equal(s->style, YSTYLE_PLAIN);
	assert_int_equal(s->line, 2);
	assert_int_equal(s->col, 7);

	list = ynode_map_get(root, "list");
	assert_int_equal(list->type, YNODE_SEQ);
	assert_int_equal(list->nr, 3);
	assert_int_equal(list->line, 4);
	assert_int_equal(list->col, 3);
	assert_string_equal(list->items[0]->value, "single");
	assert_int_equal(list->items[0]->style, YSTYLE_SINGLE);
	assert_int_equal(list->items[0]->col, 5);
	assert_string_equal(list->items[1]->value, "dou\tble");
	assert_int_equal(list->items[1]->style, YSTYLE_DOUBLE);
	assert_string_equal(list->items[2]->value, "lit\neral\n");
	assert_int_equal(list->items[2]->style, YSTYLE_LITERAL);
	assert_int_equal(list->items[2]->line, 6);

	s = ynode_map_get(root, "nested");
	assert_int_equal(s->type, YNODE_MAP);
	assert_int_equal(s->line, 9);
	assert_int_equal(s->col, 9);
	assert_int_equal(ynode_map_get(s, "b")->type, YNODE_SEQ);
	assert_string_equal(ynode_map_get(s, "b")->items[1]->value, "y");
	assert_int_equal(ynode_map_get(s, "b")->items[1]->col, 23);
	assert_null(ynode_map_get(s, "c"));
	assert_null(ynode_map_get(list, "a"));

	s = ynode_map_get(root, "tagged");
	assert_string_equal(s->tag, "tag:yaml.org,2002:str");
	assert_int_equal(yscalar_kind(s), YKIND_STR);
	ydoc_release(&doc);
	assert_null(doc.root);
}

static void test_empty_document(void **state)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;

	assert_int_equal(parse(&doc, "", &dl), 0);
	assert_null(doc.root);
	ydoc_release(&doc);
	assert_int_equal(parse(&doc, "# only a comment\n", &dl), 0);
	assert_null(doc.root);
	ydoc_release(&doc);
	assert_int_equal(dl.nr, 0);
}

static void test_duplicate_keys(void **state)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;

	assert_int_equal(parse(&doc, "a: 1\nb:\n  x: 1\n  x: 2\na: 3\n", &dl), -1);
	assert_null(doc.root);
	assert_int_equal(dl.nr, 2);
	diag_sort(&dl);
	assert_int_equal(dl.d[0].line, 4);
	assert_int_equal(dl.d[0].col, 3);
	assert_string_equal(dl.d[0].msg, "duplicate key 'x'");
	assert_string_equal(dl.d[0].hint, "it is first defined at line 3; keep only one of them");
	assert_int_equal(dl.d[1].line, 5);
	assert_string_equal(dl.d[1].msg, "duplicate key 'a'");
	assert_string_equal(dl.d[1].hint, "it is first defined at line 1; keep only one of them");
	diag_release(&dl);

	/* the same text in another mapping is no duplicate */
	assert_int_equal(parse(&doc, "a: {x: 1}\nb: {x: 1}\n", &dl), 0);
	assert_int_equal(dl.nr, 0);
	ydoc_release(&doc);
}

static void test_aliases_rejected(void **state)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;

	assert_int_equal(parse(&doc, "a: &anchor 1\nb: *anchor\n", &dl), -1);
	assert_one_diag(&dl, "t.yaml:2:4: error: aliases are not supported ('*anchor')\n"
			"  hint: repeat the value instead of referring to '&anchor'\n");
	diag_release(&dl);
	/* an anchor nobody refers to is harmless */
	assert_int_equal(parse(&doc, "a: &anchor 1\n", &dl), 0);
	ydoc_release(&doc);
}

static void test_depth_cap(void **state)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addchars(&sb, '[', YDOC_MAX_DEPTH);
	strbuf_addchars(&sb, ']', YDOC_MAX_DEPTH);
	assert_int_equal(parse(&doc, sb.buf, &dl), 0);
	ydoc_release(&doc);

	strbuf_reset(&sb);
	strbuf_addchars(&sb, '[', YDOC_MAX_DEPTH + 1);
	strbuf_addchars(&sb, ']', YDOC_MAX_DEPTH + 1);
	assert_int_equal(parse(&doc, sb.buf, &dl), -1);
	assert_one_diag(&dl, "t.yaml:1:65: error: nesting deeper than 64 levels\n");
	diag_release(&dl);
	strbuf_release(&sb);
}

static void test_size_cap(void **state)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	char *big = malloc(YDOC_MAX_INPUT + 1);

	memset(big, ' ', YDOC_MAX_INPUT + 1);
	assert_int_equal(ydoc_parse(&doc, "big.yaml", big, YDOC_MAX_INPUT + 1, &dl), -1);
	assert_one_diag(&dl, "big.yaml: error: larger than 4 MiB\n"
			"  hint: split the file into smaller ones\n");
	diag_release(&dl);
	free(big);
}

static void test_parse_errors(void **state)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;

	assert_int_equal(parse(&doc, "a: b\nc: d: e\n", &dl), -1);
	assert_one_diag(&dl, "t.yaml:2:5: error: invalid YAML: mapping values are not "
			"allowed in this context\n"
			"  hint: check the indentation and the quoting on this line and the "
			"one before\n");
	diag_release(&dl);

	assert_int_equal(parse(&doc, "a:\n  - x\n b: y\n", &dl), -1);
	assert_int_equal(dl.nr, 1);
	assert_int_equal(dl.d[0].line, 3);
	assert_true(strstr(dl.d[0].msg, "invalid YAML: ") == dl.d[0].msg);
	diag_release(&dl);

	assert_int_equal(parse(&doc, "key: 'unterminated\n", &dl), -1);
	assert_int_equal(dl.nr, 1);
	assert_string_equal(dl.d[0].msg, "invalid YAML: found unexpected end of stream "
			    "(while scanning a quoted scalar)");
	diag_release(&dl);

	/* bad UTF-8: libyaml gives a byte offset, we give line and column */
	assert_int_equal(parse(&doc, "a: 1\nbb: x\xff\n", &dl), -1);
	assert_int_equal(dl.nr, 1);
	assert_int_equal(dl.d[0].line, 2);
	assert_int_equal(dl.d[0].col, 6);
	assert_string_equal(dl.d[0].msg, "invalid YAML: invalid leading UTF-8 octet");
	diag_release(&dl);

	assert_int_equal(parse(&doc, "a: 1\n---\nb: 2\n", &dl), -1);
	assert_one_diag(&dl, "t.yaml:2:1: error: a second YAML document is not allowed here\n"
			"  hint: remove the '---' line or split the file\n");
	diag_release(&dl);

	assert_int_equal(parse(&doc, "{[a]: 1}\n", &dl), -1);
	assert_int_equal(dl.nr, 1);
	assert_string_equal(dl.d[0].msg,
			    "a mapping key must be a string, not a mapping or a sequence");
	diag_release(&dl);
}

static enum yscalar_kind kind_of(const char *text)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	enum yscalar_kind k;

	assert_int_equal(parse(&doc, text, &dl), 0);
	k = doc.root ? yscalar_kind(doc.root) : YKIND_NULL;
	ydoc_release(&doc);
	return k;
}

static void test_resolution(void **state)
{
	static const struct { const char *text; enum yscalar_kind kind; } cases[] = {
		{ "plain", YKIND_STR }, { "'yes'", YKIND_STR }, { "\"1\"", YKIND_STR },
		{ "~", YKIND_NULL }, { "null", YKIND_NULL }, { "NULL", YKIND_NULL },
		{ "yes", YKIND_BOOL }, { "No", YKIND_BOOL }, { "on", YKIND_BOOL },
		{ "OFF", YKIND_BOOL }, { "y", YKIND_BOOL }, { "True", YKIND_BOOL },
		{ "12", YKIND_INT }, { "-3", YKIND_INT }, { "0x1f", YKIND_INT },
		{ "0o17", YKIND_INT }, { "017", YKIND_INT }, { "1_000", YKIND_INT },
		{ "1:20", YKIND_INT }, { "1.0", YKIND_FLOAT }, { ".5", YKIND_FLOAT },
		{ "1e3", YKIND_FLOAT }, { ".inf", YKIND_FLOAT }, { ".NaN", YKIND_FLOAT },
		{ "v1.2.3", YKIND_STR }, { "2.3.5", YKIND_STR }, { "10.0.0.1", YKIND_STR },
		{ "!!str 12", YKIND_STR }, { "!!int '12'", YKIND_INT },
		{ "! yes", YKIND_STR }, { "!vault abc", YKIND_OTHER }, { "15b3", YKIND_STR },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum yscalar_kind k = kind_of(cases[i].text);
		if (k != cases[i].kind)
			fail_msg("'%s': kind %d, want %d", cases[i].text, k, cases[i].kind);
	}
}

static void test_bool_and_int(void **state)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "on", "ON", "y" };
	static const char *const no[] = { "false", "False", "no", "NO", "off", "Off", "n" };
	static const char *const not_bool[] = { "'true'", "maybe", "1", "tru", "~" };
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	long long v;
	int b;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_int_equal(parse(&doc, yes[i], &dl), 0);
		b = -1;
		assert_int_equal(yscalar_bool(doc.root, &b), 0);
		assert_int_equal(b, 1);
		ydoc_release(&doc);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		assert_int_equal(parse(&doc, no[i], &dl), 0);
		b = -1;
		assert_int_equal(yscalar_bool(doc.root, &b), 0);
		assert_int_equal(b, 0);
		ydoc_release(&doc);
	}
	for (size_t i = 0; i < sizeof(not_bool) / sizeof(not_bool[0]); i++) {
		assert_int_equal(parse(&doc, not_bool[i], &dl), 0);
		assert_int_equal(yscalar_bool(doc.root, &b), -1);
		ydoc_release(&doc);
	}

	assert_int_equal(parse(&doc, "-42", &dl), 0);
	assert_int_equal(yscalar_int(doc.root, &v), 0);
	assert_int_equal(v, -42);
	ydoc_release(&doc);
	/* octal, hex, underscores and overflow are not plain integers here */
	assert_int_equal(parse(&doc, "[0x10, 010, 1_000, '12', 99999999999999999999]", &dl), 0);
	for (size_t i = 0; i < doc.root->nr; i++)
		assert_int_equal(yscalar_int(doc.root->items[i], &v), -1);
	ydoc_release(&doc);
	assert_int_equal(dl.nr, 0);
}

/* Emits one string as a mapping value, parses it back, returns the output. */
static void roundtrip_string(const char *s, size_t len, struct strbuf *yaml)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	const struct ynode *v;
	struct yemit e;

	strbuf_reset(yaml);
	yemit_init(&e, yaml);
	yemit_map_begin(&e);
	yemit_key(&e, "k");
	yemit_strn(&e, s, len);
	yemit_key(&e, "after");
	yemit_int(&e, 1);
	yemit_map_end(&e);
	assert_int_equal(yemit_finish(&e, &err), 0);
	if (ydoc_parse(&doc, "out", yaml->buf, yaml->len, &dl) < 0)
		fail_msg("output does not parse:\n%s", yaml->buf);
	v = ynode_map_get(doc.root, "k");
	assert_non_null(v);
	if (v->len != len || memcmp(v->value, s, len) || yscalar_kind(v) != YKIND_STR)
		fail_msg("'%s' came back as '%s' (kind %d) from:\n%s", s, v->value,
			 yscalar_kind(v), yaml->buf);
	assert_int_equal(doc.root->nr, 2);
	ydoc_release(&doc);
}

static void test_emitter_quoting(void **state)
{
	static const char *const tricky[] = {
		"a: b", "# c", "x #y", "*x", "&y", "!t", "%p", "@at", "`tick", "yes", "No",
		"on", "OFF", "y", "n", "0123", "", "true", "1.0", "null", "Null", "~", "0x1f",
		"1e3", "1_000", "0b101", "0o17", "1:20", "+1", "-1", ".5", "5.", ".inf",
		".NaN", "2001-12-14", "<<", "=", "-", "- a", "? q", "[x]", "{y}", "a,b",
		"'sq'", "\"dq\"", "|", ">", "tab\there", " lead", "trail ", "multi\nline\n",
		"multi\nline", "two\n\n", "\n", " \n x", "unicode \xe2\x9c\x93", "\x01", "\x7f",
		"p@ss: w#rd *x 'q' \"d\" \\", "---", "...", "--- x", "\xc2\x85", "v1.2.3",
	};
	struct strbuf yaml = STRBUF_INIT, long_str = STRBUF_INIT;

	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		roundtrip_string(tricky[i], strlen(tricky[i]), &yaml);
	roundtrip_string("a\0b", 3, &yaml);

	/* no folding, however long */
	strbuf_addchars(&long_str, 'x', 300);
	strbuf_addstr(&long_str, " y z");
	roundtrip_string(long_str.buf, long_str.len, &yaml);
	assert_non_null(strstr(yaml.buf, long_str.buf));

	/* plain where plain reads back the same, quoted where not */
	roundtrip_string("v1.36.4+k0s.1", 13, &yaml);
	assert_string_equal(yaml.buf, "k: v1.36.4+k0s.1\nafter: 1\n");
	roundtrip_string("yes", 3, &yaml);
	assert_string_equal(yaml.buf, "k: 'yes'\nafter: 1\n");
	roundtrip_string("", 0, &yaml);
	assert_string_equal(yaml.buf, "k: ''\nafter: 1\n");
	roundtrip_string("0123", 4, &yaml);
	assert_string_equal(yaml.buf, "k: '0123'\nafter: 1\n");
	roundtrip_string("line1\nline2\n", 12, &yaml);
	assert_string_equal(yaml.buf, "k: |\n  line1\n  line2\nafter: 1\n");
	strbuf_release(&yaml);
	strbuf_release(&long_str);
}

static void test_yplain_reads_as_string(void **state)
{
	assert_true(yplain_reads_as_string("harbor.internal", 15));
	assert_true(yplain_reads_as_string("0.15.3", 6));
	assert_false(yplain_reads_as_string("", 0));
	assert_false(yplain_reads_as_string("2001-12-14", 10));
	assert_false(yplain_reads_as_string("<<", 2));
	assert_false(yplain_reads_as_string("ON", 2));
	assert_false(yplain_reads_as_string("1e3", 3));
}

static void test_emitter_types(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct yemit e;
	long long v;
	int b;

	yemit_init(&e, &out);
	yemit_map_begin(&e);
	yemit_key(&e, "i"); yemit_int(&e, -7);
	yemit_key(&e, "b"); yemit_bool(&e, 1);
	yemit_key(&e, "nil"); yemit_null(&e);
	yemit_key(&e, "n"); yemit_str(&e, "y");
	yemit_key(&e, "empty"); yemit_seq_begin(&e); yemit_seq_end(&e);
	yemit_key(&e, "list"); yemit_seq_begin(&e); yemit_str(&e, "a"); yemit_seq_end(&e);
	yemit_key(&e, "map"); yemit_map_begin(&e); yemit_key(&e, "x"); yemit_str(&e, "y");
	yemit_map_end(&e);
	yemit_map_end(&e);
	assert_int_equal(yemit_finish(&e, &err), 0);
	/* n and y are booleans to YAML 1.1 readers, so they are quoted */
	assert_string_equal(out.buf, "i: -7\nb: true\nnil: null\n'n': 'y'\nempty: []\n"
			    "list:\n- a\nmap:\n  x: 'y'\n");
	assert_int_equal(ydoc_parse(&doc, "out", out.buf, out.len, &dl), 0);
	assert_int_equal(yscalar_int(ynode_map_get(doc.root, "i"), &v), 0);
	assert_int_equal(v, -7);
	assert_int_equal(yscalar_bool(ynode_map_get(doc.root, "b"), &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(yscalar_kind(ynode_map_get(doc.root, "nil")), YKIND_NULL);
	assert_string_equal(ynode_map_get(doc.root, "n")->value, "y");
	ydoc_release(&doc);
	strbuf_release(&out);
}

static void test_emitter_documents_and_errors(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct yemit e;

	yemit_init(&e, &out);
	yemit_str(&e, "one");
	yemit_next_doc(&e);
	yemit_str(&e, "two");
	assert_int_equal(yemit_finish(&e, &err), 0);
	assert_string_equal(out.buf, "one\n--- two\n");

	strbuf_reset(&out);
	yemit_init(&e, &out);
	yemit_map_begin(&e);
	yemit_key(&e, "bad");
	yemit_str(&e, "\xff\xfe");
	yemit_str(&e, "ignored after the error");
	yemit_map_end(&e);
	assert_int_equal(yemit_finish(&e, &err), -1);
	assert_string_equal(err.buf, "cannot write YAML: invalid UTF-8 in a string");
	strbuf_release(&out);
	strbuf_release(&err);
}

/* Parsing what yemit_node wrote gives the same tree, meaning included. */
static void assert_same_tree(const struct ynode *a, const struct ynode *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->nr, b->nr);
	if (a->type == YNODE_SCALAR) {
		assert_int_equal(a->len, b->len);
		assert_memory_equal(a->value, b->value, a->len);
		assert_int_equal(yscalar_kind(a), yscalar_kind(b));
	}
	for (size_t i = 0; i < a->nr; i++) {
		if (a->type == YNODE_SEQ) {
			assert_same_tree(a->items[i], b->items[i]);
		} else {
			assert_same_tree(a->pairs[i].key, b->pairs[i].key);
			assert_same_tree(a->pairs[i].value, b->pairs[i].value);
		}
	}
}

static void test_emit_node_roundtrip(void **state)
{
	static const char text[] =
		"a: plain\n"
		"b: 'yes'\n"
		"c: yes\n"
		"d: [1, '1', 1.5, ~, '', \"x: y\"]\n"
		"e: {f: !!str 3, g: !custom tagged}\n"
		"h: |\n  two\n  lines\n"
		"'quoted key': \"tab\\there\"\n";
	struct ydoc one = YDOC_INIT, two = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct yemit e;

	assert_int_equal(parse(&one, text, &dl), 0);
	yemit_init(&e, &out);
	yemit_node(&e, one.root);
	assert_int_equal(yemit_finish(&e, &err), 0);
	assert_int_equal(ydoc_parse(&two, "out", out.buf, out.len, &dl), 0);
	assert_same_tree(one.root, two.root);
	assert_string_equal(ynode_map_get(two.root, "e")->pairs[1].value->tag, "!custom");
	ydoc_release(&one);
	ydoc_release(&two);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_and_marks),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_aliases_rejected),
		cmocka_unit_test(test_depth_cap),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_resolution),
		cmocka_unit_test(test_bool_and_int),
		cmocka_unit_test(test_emitter_quoting),
		cmocka_unit_test(test_yplain_reads_as_string),
		cmocka_unit_test(test_emitter_types),
		cmocka_unit_test(test_emitter_documents_and_errors),
		cmocka_unit_test(test_emit_node_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
