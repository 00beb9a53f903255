/* Unit tests for src/config: value typing, host ranges, precedence, roles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config/ini.h"
#include "config/inventory.h"
#include "config/roles.h"
#include "config/value.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* The INI typing of `text` as compact JSON, or "ERROR: msg" / "NOJSON". */
static char *typed(const char *text)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct value *v;

	if (value_from_ini(text, strlen(text), &v, &err) < 0) {
		strbuf_addf(&out, "ERROR: %s", err.buf);
	} else {
		if (value_to_json(v, &out, 0, 0, &err) < 0) {
			strbuf_reset(&out);
			strbuf_addstr(&out, "NOJSON");
		}
		value_free(v);
	}
	strbuf_release(&err);
	return strbuf_detach(&out, NULL);
}

static char *str_of(const char *text)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct value *v;

	assert_int_equal(value_from_ini(text, strlen(text), &v, &err), 0);
	value_str(v, &out);
	value_free(v);
	strbuf_release(&err);
	return strbuf_detach(&out, NULL);
}

#define assert_typed(text, json) do { \
		char *got_ = typed(text); \
		assert_string_equal(got_, json); \
		free(got_); \
	} while (0)

#define assert_str(text, want) do { \
		char *got_ = str_of(text); \
		assert_string_equal(got_, want); \
		free(got_); \
	} while (0)

static void test_numbers(void **state)
{
	assert_typed("1", "1");
	assert_typed("-2", "-2");
	assert_typed("+3", "3");
	assert_typed("0x1f", "31");
	assert_typed("0o17", "15");
	assert_typed("0b101", "5");
	assert_typed("0x_ff", "255");
	assert_typed("1_000", "1000");
	assert_typed("00", "0");
	assert_typed("-0", "0");
	assert_typed("12345678901234567890123", "12345678901234567890123");
	assert_typed("0xffffffffffffffffffff", "1208925819614629174706175");
	/* not Python literals: they stay text */
	assert_typed("01", "\"01\"");
	assert_typed("1__0", "\"1__0\"");
	assert_typed("1_", "\"1_\"");
	assert_typed("0x", "\"0x\"");
	assert_typed("0o8", "\"0o8\"");
	assert_typed("--1", "\"--1\"");
	assert_typed("1+2", "\"1+2\"");
	assert_typed("1e", "\"1e\"");
	assert_typed("1abc", "\"1abc\"");
	assert_typed("10.13.0.1", "\"10.13.0.1\"");
}

static void test_floats(void **state)
{
	assert_typed("1.5", "1.5");
	assert_typed("1.", "1.0");
	assert_typed(".5", "0.5");
	assert_typed("1e5", "100000.0");
	assert_typed("1e16", "1e+16");
	assert_typed("1e15", "1000000000000000.0");
	assert_typed("1e-5", "1e-05");
	assert_typed("0.0001", "0.0001");
	assert_typed("0.1", "0.1");
	assert_typed("-0.0", "-0.0");
	assert_typed("1e999", "Infinity");
	assert_typed("-1e999", "-Infinity");
	assert_typed("3.141592653589793", "3.141592653589793");
	assert_typed("1_0.2_5e1_0", "102500000000.0");
	assert_typed("01.5", "1.5");
	/* complex numbers are literals, but have no JSON form */
	assert_typed("1+2j", "NOJSON");
	assert_str("1+2j", "(1+2j)");
	assert_str("2j", "2j");
	assert_str("-1.5-2j", "(-1.5-2j)");
}

static void test_strings_and_constants(void **state)
{
	assert_typed("True", "true");
	assert_typed("False", "false");
	assert_typed("None", "null");
	assert_typed("yes", "\"yes\"");
	assert_typed("true", "\"true\"");
	assert_typed("'a b'", "\"a b\"");
	assert_typed("\"x\"", "\"x\"");
	assert_typed("'a' \"b\"", "\"ab\"");
	assert_typed("b'raw'", "\"raw\"");
	assert_typed("u'x'", "\"x\"");
	assert_typed("r'\\n'", "\"\\\\n\"");
	assert_typed("'\\x41\\t\\101\\u00e9'", "\"A\\tA\xc3\xa9\"");
	assert_typed("'''tri'ple'''", "\"tri'ple\"");
	assert_typed("'\\d'", "\"\\\\d\"");
	assert_typed("f'x'", "\"f'x'\"");
	assert_typed("'a' b'b'", "\"'a' b'b'\"");
	assert_typed("'open", "\"'open\"");
	/* named characters are not supported (a known difference): the text stays */
	/* named characters are not supported (a known difference): the text stays */
	assert_typed("'\\N{BULLET}'", "\"'\\\\N{BULLET}'\"");
	assert_typed("", "\"\"");
	assert_typed("  7", "7");
	assert_typed("1 # comment", "1");
	assert_typed("# only", "\"# only\"");
	assert_typed("x", "\"x\"");
	assert_typed("...", "NOJSON");
}

static void test_containers(void **state)
{
	assert_typed("[1, 'a', [None]]", "[1,\"a\",[null]]");
	assert_typed("[1, 2,]", "[1,2]");
	assert_typed("[,]", "\"[,]\"");
	assert_typed("(1,)", "[1]");
	assert_typed("(1)", "1");
	assert_typed("()", "[]");
	assert_typed("1, 2", "[1,2]");
	assert_typed("1,", "[1]");
	assert_typed("{}", "{}");
	assert_typed("{'b': 1, 'a': {'d': 2, 'c': 3}}", "{\"a\":{\"c\":3,\"d\":2},\"b\":1}");
	assert_typed("{1: 'a', True: 'b', 1.0: 'c'}", "{\"1\":\"c\"}");
	assert_typed("{2: 'x', 1.5: 'y', False: 'z'}", "{\"false\":\"z\",\"1.5\":\"y\",\"2\":\"x\"}");
	assert_typed("{None: 1}", "{\"null\":1}");
	assert_typed("{(1, 2): 3}", "NOJSON");
	assert_typed("{1, 2}", "NOJSON");
	assert_typed("set()", "NOJSON");
	assert_typed("{1: 2, 3}", "\"{1: 2, 3}\"");
	assert_typed("[1] + 2j", "\"[1] + 2j\"");
	assert_typed("{'a': x}", "\"{'a': x}\"");
	/* Python itself fails on these */
	assert_typed("{[1]: 2}", "ERROR: unhashable type: 'list'");
	assert_typed("{(1, [2]): 3}", "ERROR: unhashable type: 'list'");
	assert_typed("{{}, 1}", "ERROR: unhashable type: 'dict'");
	/* ... but not when the text is no valid literal anyway */
	assert_typed("{[1]: 2", "\"{[1]: 2\"");
}

static void test_nesting_limit(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *got;

	for (int i = 0; i < VALUE_MAX_NESTING; i++)
		strbuf_addch(&sb, '[');
	for (int i = 0; i < VALUE_MAX_NESTING; i++)
		strbuf_addch(&sb, ']');
	got = typed(sb.buf);
	assert_int_equal(got[0], '[');
	free(got);
	strbuf_reset(&sb);
	for (int i = 0; i <= VALUE_MAX_NESTING; i++)
		strbuf_addch(&sb, '[');
	for (int i = 0; i <= VALUE_MAX_NESTING; i++)
		strbuf_addch(&sb, ']');
	got = typed(sb.buf);
	assert_int_equal(got[0], '"');	/* too deep for Python's parser: text */
	free(got);
	strbuf_release(&sb);
}

static void test_python_str(void **state)
{
	assert_str("'plain'", "plain");
	assert_str("[1, 'a', None, True, 1.5]", "[1, 'a', None, True, 1.5]");
	assert_str("[\"it's\"]", "[\"it's\"]");
	assert_str("['say \"hi\"']", "['say \"hi\"']");
	assert_str("{'k': (1,), 'e': ()}", "{'k': (1,), 'e': ()}");
	assert_str("['\\t\\n\\x01\\u00e9\\xa0']", "['\\t\\n\\x01\xc3\xa9\\xa0']");
	assert_str("[b'x\\x00']", "[b'x\\x00']");
	assert_str("set()", "set()");
	assert_str("{1, 3, 1}", "{1, 3}");
	assert_str("1e16", "1e+16");
}

/* A parsed inventory from text; fails the test on errors. */
static void parse_ok(struct inventory *inv, const char *text)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf msg = STRBUF_INIT;
	int n;

	inventory_init(inv, "test.ini");
	n = ini_parse(inv, text, strlen(text), &dl);
	diag_format(&dl, &msg);
	if (n)
		fail_msg("unexpected errors:\n%s", msg.buf);
	strbuf_release(&msg);
	diag_release(&dl);
}

static void assert_group_hosts(const struct inventory *inv, const char *group, const char *want)
{
	struct strbuf got = STRBUF_INIT;
	long g = inventory_find_group(inv, group);

	assert_true(g >= 0);
	for (size_t i = 0; i < inv->group[g].nr_hosts; i++)
		strbuf_addf(&got, "%s%s", i ? " " : "", inv->host[inv->group[g].hosts[i]].name);
	assert_string_equal(got.buf, want);
	strbuf_release(&got);
}

static void test_ranges(void **state)
{
	struct inventory inv;

	parse_ok(&inv,
		 "[num]\nnode[01:03]\n"
		 "[step]\ngpu[1:7:2]\n"
		 "[alpha]\nnode-[a:c]\nr[y:B]\n"
		 "[down]\nd[3:1:-1]\n"
		 "[empty]\ne[3:1]\n"
		 "[two]\nx[1:2]-[a:b]\n"
		 "[ip]\n10.0.0.[8:10]\n"
		 "[noend]\n[1:2]tail\n");
	assert_group_hosts(&inv, "num", "node01 node02 node03");
	assert_group_hosts(&inv, "step", "gpu1 gpu3 gpu5 gpu7");
	/* Python's string.ascii_letters is a-z then A-Z */
	assert_group_hosts(&inv, "alpha", "node-a node-b node-c ry rz rA rB");
	assert_group_hosts(&inv, "down", "d3");
	assert_group_hosts(&inv, "empty", "");
	assert_group_hosts(&inv, "two", "x1-a x1-b x2-a x2-b");
	assert_group_hosts(&inv, "ip", "10.0.0.8 10.0.0.9 10.0.0.10");
	assert_group_hosts(&inv, "noend", "1tail 2tail");
	inventory_release(&inv);
}

static void test_range_errors(void **state)
{
	static const char *const bad[] = {
		"n[1-3]\n", "n[1:3:0]\n", "n[01:3]\n", "n[c:a]\n", "n[1:3\n",
		"n[1:]\n", "n[a:3]\n", "n|x[1:2]\n", "n[0:100000]\n", "y[Y:b]\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct inventory inv;
		struct diag_list dl = DIAG_LIST_INIT;

		inventory_init(&inv, "t.ini");
		assert_int_equal(ini_parse(&inv, bad[i], strlen(bad[i]), &dl), 1);
		assert_int_equal(dl.d[0].line, 1);
		diag_release(&dl);
		inventory_release(&inv);
	}
}

static const char *var_of(const struct inventory *inv, const char *host, const char *key,
			  struct strbuf *sb)
{
	long h = inventory_find_host(inv, host);
	const struct inv_var *v;

	assert_true(h >= 0);
	v = inventory_host_var(inv, (size_t)h, key);
	strbuf_reset(sb);
	if (!v)
		return "(unset)";
	value_str(v->val, sb);
	return sb->buf;
}

static void test_precedence(void **state)
{
	struct inventory inv;
	struct strbuf sb = STRBUF_INIT;

	parse_ok(&inv,
		 "[all:vars]\nv=all\nw=all\n"
		 "[gp:children]\nparent\n[parent:children]\nchild\n"
		 "[child]\nh1 v=host\nh2\n"
		 "[parent:vars]\nv=parent\nw=parent\nx=parent\n"
		 "[child:vars]\nv=child\nx=child\n"
		 "[gp:vars]\nw=gp\ny=gp\n"
		 "[a]\nh3\n[b]\nh3\n[z]\nh3\n"
		 "[a:vars]\np=a\nansible_group_priority=5\n[b:vars]\np=b\n[z:vars]\np=z\n");
	assert_string_equal(var_of(&inv, "h1", "v", &sb), "host");
	assert_string_equal(var_of(&inv, "h2", "v", &sb), "child");
	assert_string_equal(var_of(&inv, "h2", "x", &sb), "child");
	assert_string_equal(var_of(&inv, "h2", "w", &sb), "parent");
	assert_string_equal(var_of(&inv, "h2", "y", &sb), "gp");
	/* same depth: by priority (a has 5), then by name (z after b) */
	assert_string_equal(var_of(&inv, "h3", "p", &sb), "a");
	assert_string_equal(var_of(&inv, "h3", "w", &sb), "all");
	assert_string_equal(var_of(&inv, "h3", "nosuch", &sb), "(unset)");
	assert_int_equal(inv.group[inventory_find_group(&inv, "child")].depth, 3);
	inventory_release(&inv);
	strbuf_release(&sb);
}

static void test_host_lines(void **state)
{
	struct inventory inv;
	struct strbuf sb = STRBUF_INIT;

	parse_ok(&inv,
		 "lonely\nboth\n"
		 "[g]\nboth\nweb:2222 a=\"x y\" b='[1, 2]' c=#gone\n"
		 "[::1]:22\nfe80::1\nweb:3333 d=1\nodd:99x\n"
		 "[g:vars]\nraw = \"quoted\" # kept\n");
	assert_group_hosts(&inv, "ungrouped", "lonely");
	assert_group_hosts(&inv, "g", "both web ::1 fe80::1 odd:99x");
	assert_string_equal(var_of(&inv, "web", "ansible_port", &sb), "2222");
	assert_string_equal(var_of(&inv, "web", "a", &sb), "x y");
	assert_string_equal(var_of(&inv, "web", "b", &sb), "[1, 2]");
	assert_string_equal(var_of(&inv, "web", "c", &sb), "");
	assert_string_equal(var_of(&inv, "web", "d", &sb), "1");
	assert_string_equal(var_of(&inv, "::1", "ansible_port", &sb), "22");
	assert_string_equal(var_of(&inv, "fe80::1", "ansible_port", &sb), "(unset)");
	/* literal_eval drops a comment after a literal */
	assert_string_equal(var_of(&inv, "web", "raw", &sb), "quoted");
	inventory_release(&inv);
	strbuf_release(&sb);
}

static void test_errors_collected(void **state)
{
	static const char text[] =
		"[kube_node\n"
		"[g]\nh x\nh2 y=\"open\n"
		"[p:children]\nnope\n"
		"[g:vars]\nnovalue\n";
	struct inventory inv;
	struct diag_list dl = DIAG_LIST_INIT;

	inventory_init(&inv, "t.ini");
	assert_int_equal(ini_parse(&inv, text, strlen(text), &dl), 5);
	diag_sort(&dl);
	assert_int_equal(dl.d[0].line, 1);
	assert_int_equal(dl.d[1].line, 3);
	assert_int_equal(dl.d[2].line, 4);
	assert_int_equal(dl.d[3].line, 6);
	assert_string_equal(dl.d[3].msg, "group 'nope' in [p:children] is not defined");
	assert_int_equal(dl.d[4].line, 8);
	diag_release(&dl);
	inventory_release(&inv);
}

static void test_roles(void **state)
{
	struct inventory inv;
	struct role_hosts rh = { NULL, 0, 0 };
	struct diag_list dl = DIAG_LIST_INIT;
	struct model_opts mo = { 1 };

	parse_ok(&inv,
		 "[all:vars]\nansible_user=ubuntu\n"
		 "[bastion_host]\nbastion ansible_host=10.13.0.1 ansible_ssh_common_args='-o X=y'\n"
		 "[registry]\nharbor ansible_host=10.13.0.2 ansible_become_password=\"p w\"\n"
		 "[kube_master]\nkube-master:2222 ansible_ssh_private_key_file=~/.ssh/k\n"
		 "[kube_node]\nkube-node1 ansible_host=10.13.0.11 roce_host=10.146.0.11\n"
		 "[kube_gpu]\nkube-gpu1 ansible_host=10.13.0.21 roce_host=10.146.0.21\n"
		 "[other]\nmonitor\n");
	assert_int_equal(host_roles(&inv, "bastion"), ROLE_BASTION);
	assert_int_equal(host_roles(&inv, "kube-gpu1"), ROLE_GPU);
	assert_int_equal(host_roles(&inv, "monitor"), 0);
	assert_int_equal(host_roles(&inv, "nosuch"), 0);
	assert_string_equal(role_group(ROLE_NODE), "kube_node");
	assert_null(role_group(ROLE_WORKER));

	role_hosts(&inv, ROLE_ALL, &rh);
	assert_int_equal(rh.nr, 5);
	assert_string_equal(rh.h[0].name, "bastion");
	assert_string_equal(rh.h[0].ssh_common_args, "-o X=y");
	assert_string_equal(rh.h[0].user, "ubuntu");
	assert_string_equal(rh.h[1].become_password, "p w");
	assert_string_equal(rh.h[2].address, "kube-master");	/* no ansible_host: its name */
	assert_int_equal(rh.h[2].port, 2222);
	assert_string_equal(rh.h[2].private_key, "~/.ssh/k");
	assert_null(rh.h[2].roce_host);
	assert_string_equal(rh.h[3].roce_host, "10.146.0.11");
	assert_int_equal(rh.h[3].roles, ROLE_NODE);
	role_hosts_release(&rh);

	role_hosts(&inv, ROLE_WORKER, &rh);
	assert_int_equal(rh.nr, 2);
	assert_string_equal(rh.h[1].name, "kube-gpu1");
	role_hosts_release(&rh);

	assert_int_equal(model_check(&inv, &mo, &dl), 0);
	assert_int_equal(dl.nr, 1);	/* a warning: 'monitor' has no role */
	assert_int_equal(dl.d[0].level, DIAG_WARNING);
	diag_release(&dl);
	inventory_release(&inv);
}

static void test_ungrouped(void **state)
{
	struct inventory inv;

	parse_ok(&inv, "a\nb\n[all]\nc\n[ungrouped]\nd\n[g]\nb\n");
	assert_group_hosts(&inv, "ungrouped", "a d c");
	assert_group_hosts(&inv, "g", "b");
	assert_int_equal(inv.group[INV_ALL].nr_children, 2);
	inventory_release(&inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_floats),
		cmocka_unit_test(test_strings_and_constants),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_python_str),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_range_errors),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_host_lines),
		cmocka_unit_test(test_errors_collected),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_ungrouped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
