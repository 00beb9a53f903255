/* Unit tests for src/util: strbuf, strvec, suggestions, JSON, diags, files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/json-read.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/log.h"
#include "util/suggest.h"
#include "util/utf8.h"
#include "util/visible.h"

static void test_strbuf_basics(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "hello");
	strbuf_addch(&sb, ' ');
	strbuf_addf(&sb, "%d-%s", 42, "x");
	assert_string_equal(sb.buf, "hello 42-x");
	assert_int_equal(sb.len, 10);
	strbuf_setlen(&sb, 5);
	assert_string_equal(sb.buf, "hello");
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.alloc, 0);
}

static void test_strbuf_grows_and_detaches(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	size_t len;

	for (int i = 0; i < 10000; i++)
		strbuf_addch(&sb, 'a' + i % 26);
	assert_int_equal(sb.len, 10000);
	assert_int_equal(sb.buf[10000], '\0');
	p = strbuf_detach(&sb, &len);
	assert_int_equal(len, 10000);
	assert_int_equal(p[25], 'z');
	assert_int_equal(sb.len, 0);
	free(p);
}

static void test_strbuf_cap(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(strbuf_add_capped(&sb, "abcd", 4, 6), 0);
	assert_int_equal(strbuf_add_capped(&sb, "efg", 3, 6), -1);
	assert_string_equal(sb.buf, "abcd");
	assert_int_equal(strbuf_add_capped(&sb, "ef", 2, 6), 0);
	assert_string_equal(sb.buf, "abcdef");
	strbuf_release(&sb);
}

static void test_strbuf_trim(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, " \t value \n");
	strbuf_trim(&sb);
	assert_string_equal(sb.buf, "value");
	strbuf_release(&sb);
}

static void test_strvec(void **state)
{
	struct strvec sv = STRVEC_INIT;

	assert_null(sv.v[0]);
	strvec_push(&sv, "ssh");
	strvec_pushf(&sv, "-p%d", 22);
	assert_int_equal(sv.nr, 2);
	assert_string_equal(sv.v[1], "-p22");
	assert_null(sv.v[2]);
	assert_int_equal(strvec_find(&sv, "ssh"), 0);
	assert_int_equal(strvec_find(&sv, "nope"), -1);
	strvec_pop(&sv);
	assert_int_equal(sv.nr, 1);
	strvec_clear(&sv);
	assert_int_equal(sv.nr, 0);
}

static void test_suggest(void **state)
{
	static const char *const cmds[] = { "apply", "plan", "inventory", "vault", "render" };

	assert_int_equal(edit_distance("kitten", "sitting"), 3);
	assert_int_equal(edit_distance("ab", "ba"), 1);
	assert_string_equal(suggest_nearest("inventroy", cmds, 5), "inventory");
	assert_string_equal(suggest_nearest("aply", cmds, 5), "apply");
	assert_string_equal(suggest_nearest("inv", cmds, 5), "inventory");
	assert_null(suggest_nearest("zzzzzzzz", cmds, 5));
}

static void test_json(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer jw;

	json_init(&jw, &sb, 0);
	json_object_begin(&jw);
	json_key(&jw, "a\"b");
	json_array_begin(&jw);
	json_int(&jw, 1);
	json_string(&jw, "x\n\x01");
	json_bool(&jw, 1);
	json_null(&jw);
	json_array_end(&jw);
	json_key(&jw, "empty");
	json_object_begin(&jw);
	json_object_end(&jw);
	json_object_end(&jw);
	assert_string_equal(sb.buf, "{\"a\\\"b\":[1,\"x\\n\\u0001\",true,null],\"empty\":{}}");
	strbuf_release(&sb);

	json_init(&jw, &sb, 2);
	json_object_begin(&jw);
	json_key(&jw, "k");
	json_array_begin(&jw);
	json_string(&jw, "v");
	json_array_end(&jw);
	json_object_end(&jw);
	assert_string_equal(sb.buf, "{\n  \"k\": [\n    \"v\"\n  ]\n}");
	strbuf_release(&sb);

	/* as Python's json.dumps(ensure_ascii=False): DEL and UTF-8 pass as they are */
	json_quote(&sb, "\x7f\xc3\xa9\x1f", 4);
	assert_string_equal(sb.buf, "\"\x7f\xc3\xa9\\u001f\"");
	strbuf_release(&sb);
}

static void test_json_read(void **state)
{
	static const char doc[] =
		"{\"a\": [1, -2.5e3, true, null],\n \"s\": \"x\\u00e9\\ud83d\\ude00\\n\", \"o\": {}}";
	struct strbuf err = STRBUF_INIT;
	struct json_node *n = NULL;
	const struct json_node *a;
	long long v;

	assert_int_equal(json_parse(doc, strlen(doc), &n, &err), 0);
	a = json_get(n, "a");
	assert_non_null(a);
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->nr, 4);
	assert_true(json_as_int(a->items[0], &v));
	assert_int_equal(v, 1);
	assert_false(json_as_int(a->items[1], &v));
	assert_true(a->items[1]->number == -2500.0);
	assert_int_equal(a->items[2]->type, JSON_BOOL);
	assert_int_equal(a->items[3]->type, JSON_NULL);
	assert_string_equal(json_get_str(n, "s", NULL), "x\xc3\xa9\xf0\x9f\x98\x80\n");
	assert_int_equal(json_get(n, "o")->type, JSON_OBJECT);
	assert_int_equal(json_get(n, "o")->line, 2);
	assert_null(json_get(n, "missing"));
	assert_string_equal(json_get_str(n, "a", "def"), "def");
	json_node_free(n);

	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"\\ud800\"",
		"tru", "[1] 2", "\"a\nb\"", "{\"a\":1,}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = NULL;
		strbuf_reset(&err);
		assert_int_equal(json_parse(bad[i], strlen(bad[i]), &n, &err), -1);
		assert_null(n);
		assert_true(err.len > 0);
	}
	strbuf_reset(&err);
	assert_int_equal(json_parse("{\n  \"k\": tru\n}", 14, &n, &err), -1);
	assert_string_equal(err.buf, "2:8: unexpected character");
	strbuf_release(&err);
}

static void test_diag_sorted_and_formatted(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;

	diag_error(&dl, "inv.ini", 7, 3, "fill in its address", "host '%s' has an empty ansible_host", "b");
	diag_warning(&dl, "inv.ini", 2, 0, NULL, "unused group '%s'", "x");
	diag_error(&dl, NULL, 0, 0, NULL, "no hosts");
	assert_int_equal(dl.errors, 2);
	diag_sort(&dl);
	diag_format(&dl, &out);
	assert_string_equal(out.buf,
		"error: no hosts\n"
		"inv.ini:2: warning: unused group 'x'\n"
		"inv.ini:7:3: error: host 'b' has an empty ansible_host\n"
		"  hint: fill in its address\n");
	strbuf_release(&out);
	diag_release(&dl);
}

static void test_write_file_atomic(void **state)
{
	char dir[] = "/tmp/kcfg-unit-XXXXXX";
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT, got = STRBUF_INIT;
	struct stat st;
	mode_t old = umask(0);

	assert_non_null(mkdtemp(dir));
	strbuf_addf(&path, "%s/secret.yaml", dir);
	assert_int_equal(write_file_atomic(path.buf, "one\n", 4, 0600, &err), 0);
	assert_int_equal(write_file_atomic(path.buf, "two\n", 4, 0600, &err), 0);
	assert_int_equal(stat(path.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(strbuf_read_file(&got, path.buf, 1024), 0);
	assert_string_equal(got.buf, "two\n");
	/* a cap smaller than the file fails and leaves the buffer as it was */
	strbuf_reset(&got);
	assert_int_equal(strbuf_read_file(&got, path.buf, 2), -1);
	assert_int_equal(got.len, 0);
	/* an impossible target reports and leaves no temporary file */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/missing/x", dir);
	assert_int_equal(write_file_atomic(path.buf, "x", 1, 0644, &err), -1);
	assert_non_null(strstr(err.buf, "missing/x"));
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/secret.yaml", dir);
	unlink(path.buf);
	assert_int_equal(rmdir(dir), 0);	/* empty: no temporary left */
	umask(old);
	strbuf_release(&path);
	strbuf_release(&err);
	strbuf_release(&got);
}

/* Growing keeps the bytes; a wiped reset leaves none of them in the buffer. */
static void test_strbuf_grow_and_reset_wiped(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t alloc;

	for (int i = 0; i < 1000; i++)
		strbuf_addstr(&sb, "token-");
	assert_int_equal(sb.len, 6000);
	assert_memory_equal(sb.buf + 5994, "token-", 7);
	alloc = sb.alloc;
	strbuf_reset_wiped(&sb);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, alloc);
	for (size_t i = 0; i < alloc; i++)
		assert_int_equal(sb.buf[i], 0);
	strbuf_release_wiped(&sb);
}

static void expect_visible(const char *in, size_t len, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_visible(&sb, in, len);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}
#define VISIBLE(in, want) expect_visible(in, sizeof(in) - 1, want)

static void test_visible(void **state)
{
	VISIBLE("plain text\n\tindented, \\ kept", "plain text\n\tindented, \\ kept");
	/* what could clear a terminal, move its cursor or overwrite a line */
	VISIBLE("\033[2J\033[Hplan: 0 to change\r\n", "\\x1b[2J\\x1b[Hplan: 0 to change\\r\n");
	VISIBLE("a\bb\x7f\x07", "a\\x08b\\x7f\\x07");
	VISIBLE("a\0b", "a\\x00b");
	/* UTF-8 that prints stays; C1 controls and bidi overrides do not */
	VISIBLE("Ubuntu 24.04 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xc3\xa9",
		"Ubuntu 24.04 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac \xc3\xa9");
	VISIBLE("\xc2\x9b" "2J", "\\u009b2J");
	VISIBLE("ok\xe2\x80\xae;1=x", "ok\\u202e;1=x");
	VISIBLE("\xe2\x81\xa6x", "\\u2066x");
	/* bytes that are no UTF-8: truncated, overlong, stray */
	VISIBLE("\xe6\x97", "\\xe6\\x97");
	VISIBLE("\xc0\xaf", "\\xc0\\xaf");
	VISIBLE("\xff\xfe", "\\xff\\xfe");
}

static void test_utf8_decode(void **state)
{
	uint32_t cp = 7;

	assert_int_equal(utf8_decode((const unsigned char *)"a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(utf8_decode((const unsigned char *)"\xe6\x97\xa5", 3, &cp), 3);
	assert_int_equal(cp, 0x65e5);
	assert_int_equal(utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	cp = 7;
	assert_int_equal(utf8_decode((const unsigned char *)"\xe6\x97\xa5", 2, &cp), 0);
	assert_int_equal(utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_decode((const unsigned char *)"\xc1\xbf", 2, &cp), 0);
	assert_int_equal(utf8_decode((const unsigned char *)"", 0, &cp), 0);
	assert_int_equal(cp, 7);
}

/* Host text logged (a step's stderr, a fact) reaches the log file escaped. */
static void test_log_shows_controls_escaped(void **state)
{
	char dir[] = "/tmp/kcfg-log-XXXXXX";
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT, text = STRBUF_INIT;
	enum log_level was = log_get_stderr_level();
	const char *line;

	assert_non_null(mkdtemp(dir));
	strbuf_addf(&path, "%s/run.log", dir);
	assert_int_equal(log_open_file(path.buf, &err), 0);
	log_set_stderr_level(LOG_ERROR);
	log_msg(LOG_INFO, "h1: failed: %s", "\033[2J\033[1;1Hplan: 0 to change\r");
	log_close();
	log_set_stderr_level(was);
	assert_int_equal(strbuf_read_file(&text, path.buf, 1 << 16), 0);
	line = strstr(text.buf, " info: ");
	assert_non_null(line);
	assert_string_equal(line, " info: h1: failed: \\x1b[2J\\x1b[1;1Hplan: 0 to change\\r\n");
	unlink(path.buf);
	rmdir(dir);
	strbuf_release(&path);
	strbuf_release(&err);
	strbuf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_basics),
		cmocka_unit_test(test_strbuf_grows_and_detaches),
		cmocka_unit_test(test_strbuf_cap),
		cmocka_unit_test(test_strbuf_trim),
		cmocka_unit_test(test_strvec),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_read),
		cmocka_unit_test(test_diag_sorted_and_formatted),
		cmocka_unit_test(test_write_file_atomic),
		cmocka_unit_test(test_strbuf_grow_and_reset_wiped),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_log_shows_controls_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
