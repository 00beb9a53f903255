/*
 * Unit tests for cluster.yaml's extras: parsing (every field, defaults,
 * problems with their place), writing back, {{ }} expansion, the group
 * check against an inventory, and the resources the extras component
 * makes for hosts in and out of a group.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "components/component.h"
#include "config/extras.h"
#include "config/inventory.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/diag.h"
#include "util/strbuf.h"

static const char full[] =
	"extras:\n"
	"  - group: all\n"
	"    packages: [htop, jq]\n"
	"    packages_absent: nano\n"
	"    directories:\n"
	"      - path: /opt/{{ inventory_hostname }}\n"
	"        mode: \"0750\"\n"
	"        owner: tester\n"
	"    files:\n"
	"      - path: /etc/motd\n"
	"        content: |\n"
	"          hi {{ inventory_hostname }} at {{ansible_host}} {{ other }}\n"
	"        notify: restart chrony\n"
	"        backup: true\n"
	"    blocks:\n"
	"      - {path: /etc/fstab, marker: lab, content: \"x\"}\n"
	"    absent: [/etc/old]\n"
	"    services: [chrony, {name: foo, enabled: false, started: no}]\n"
	"    commands:\n"
	"      - {run: \"touch /x\", creates: /x, unless: \"test -f /y\", notify: daemon-reload}\n"
	"  - group: gpu\n"
	"    files:\n"
	"      - {path: /etc/gpu, content: \"\", mode: 600}\n";

static int load(const char *text, struct settings *s, struct diag_list *dl)
{
	return settings_load_buf(s, "c.yaml", text, strlen(text), dl);
}

static void test_parse_full(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct settings s;
	const struct extras_entry *e;

	assert_int_equal(load(full, &s, &dl), 0);
	assert_int_equal(dl.nr, 0);
	assert_int_equal(s.extras.nr, 2);
	e = &s.extras.v[0];
	assert_string_equal(e->group, "all");
	assert_int_equal(e->packages.nr, 2);
	assert_string_equal(e->packages_absent.v[0], "nano");
	assert_int_equal(e->dirs[0].mode, 0750);
	assert_string_equal(e->dirs[0].owner, "tester");
	assert_null(e->dirs[0].group);
	assert_int_equal(e->files[0].mode, 0644);
	assert_int_equal(e->files[0].backup, 1);
	assert_string_equal(e->files[0].notify, "restart chrony");
	assert_string_equal(e->blocks[0].marker, "lab");
	assert_int_equal(e->services[0].enabled, 1);
	assert_int_equal(e->services[0].started, 1);
	assert_int_equal(e->services[1].enabled, 0);
	assert_int_equal(e->services[1].started, 0);
	assert_string_equal(e->commands[0].creates, "/x");
	assert_string_equal(e->commands[0].unless, "test -f /y");
	assert_int_equal(s.extras.v[1].files[0].mode, 0600);
	assert_int_equal(s.extras.v[1].files[0].len, 0);
	settings_release(&s);
	diag_release(&dl);
}

static void test_emit_round_trip(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct settings s, again;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, err = STRBUF_INIT;

	assert_int_equal(load(full, &s, &dl), 0);
	assert_int_equal(settings_to_yaml(&s, &a, &err), 0);
	assert_int_equal(load(a.buf, &again, &dl), 0);
	assert_int_equal(settings_to_yaml(&again, &b, &err), 0);
	assert_string_equal(a.buf, b.buf);
	assert_non_null(strstr(a.buf, "  - path: /opt/{{ inventory_hostname }}\n    mode: '0750'\n"));
	settings_release(&s);
	settings_release(&again);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&err);
	diag_release(&dl);
}

static void test_defaults_empty(void **state)
{
	struct settings s;

	settings_init_defaults(&s);
	assert_int_equal(s.extras.nr, 0);
	settings_release(&s);
}

static void expect_problems(const char *text, const char *want)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct settings s;

	assert_int_equal(load(text, &s, &dl), -1);
	diag_sort(&dl);
	diag_format(&dl, &out);
	assert_string_equal(out.buf, want);
	strbuf_release(&out);
	diag_release(&dl);
}

static void test_problems(void **state)
{
	expect_problems(
		"extras:\n"
		"  - group: all\n"
		"    files:\n"
		"      - {path: /etc/a, content: x, notify: restart}\n"
		"    directories: [{path: /x/../y}]\n"
		"    blocks: [{path: /etc/b, marker: m}]\n"
		"  - group: \"bad group\"\n"
		"  - 7\n",
		"c.yaml:4:44: error: 'extras[0].files[0].notify' must be a handler: 'restart UNIT', "
		"'reload UNIT', 'daemon-reload' or 'hostname', got 'restart'\n"
		"c.yaml:5:26: error: 'extras[0].directories[0].path' must be an absolute path, got '/x/../y'\n"
		"c.yaml:6:14: error: 'extras[0].blocks[0]' has no 'content'\n"
		"c.yaml:7:12: error: 'extras[1].group' must be an inventory group name, got 'bad group'\n"
		"  hint: use 'all' for every host\n"
		"c.yaml:8:5: error: 'extras[2]' must be a mapping starting with 'group:', got '7'\n");
	/* contradictions inside an entry, once its fields are right */
	expect_problems(
		"extras:\n"
		"  - group: all\n"
		"    files:\n"
		"      - {path: /etc/a, content: x}\n"
		"      - {path: /etc/a, content: y}\n"
		"    absent: [/etc/a]\n"
		"    packages: [jq]\n"
		"    packages_absent: [jq]\n",
		"c.yaml:2:5: error: 'extras[0]' writes '/etc/a' twice\n"
		"  hint: give each file once\n"
		"c.yaml:2:5: error: 'extras[0]' both writes and removes '/etc/a'\n"
		"c.yaml:2:5: error: 'extras[0]' both installs and removes package 'jq'\n");
}

static void test_expand(void **state)
{
	struct strbuf out = STRBUF_INIT;
	const char *t = "{{ inventory_hostname }}/{{ansible_host}}/{{  inventory_hostname}}/"
			"{{ other }}/{{ inventory_hostname/{{";

	extras_expand(t, strlen(t), "n1", "10.0.0.1", &out);
	assert_string_equal(out.buf, "n1/10.0.0.1/n1/{{ other }}/{{ inventory_hostname/{{");
	strbuf_release(&out);
}

static void test_check_groups(void **state)
{
	static const char ini[] = "[gpu]\ng1\n[cpu]\nc1\n";
	char path[] = "/tmp/kcfg-test-extras-XXXXXX";
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct inventory inv;
	struct settings s;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, ini, sizeof(ini) - 1), (ssize_t)sizeof(ini) - 1);
	close(fd);
	inventory_init(&inv, "inventory.ini");
	assert_int_equal(inventory_load(&inv, path, &dl, &err), 0);
	assert_int_equal(load("extras:\n  - group: gpus\n  - group: cpu\n  - group: all\n", &s, &dl), 0);
	assert_int_equal(extras_check_groups(&s.extras, "c.yaml", &inv, &dl), 1);
	diag_format(&dl, &out);
	assert_string_equal(out.buf,
		"c.yaml:2:12: error: 'extras[0].group' names 'gpus', which is not a group of "
		"inventory.ini\n  hint: did you mean 'gpu'?\n");
	unlink(path);
	settings_release(&s);
	inventory_release(&inv);
	strbuf_release(&err);
	strbuf_release(&out);
	diag_release(&dl);
}

static void test_component(void **state)
{
	static const char *const gpu_groups[] = { "all", "gpu" };
	static const char *const cpu_groups[] = { "all", "cpu" };
	struct comp_host hosts[2] = {
		{ "g1", "10.0.0.1", NULL, NULL, COMP_ROLE_GPU, NULL, gpu_groups, 2 },
		{ "c1", "10.0.0.2", NULL, NULL, COMP_ROLE_NODE, NULL, cpu_groups, 2 },
	};
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT, ids = STRBUF_INIT;
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct comp_ctx ctx;
	struct settings s;

	assert_int_equal(load(full, &s, &dl), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.settings = &s;
	ctx.hosts = hosts;
	ctx.nr_hosts = 2;
	assert_int_equal(comp_desired(&component_extras, &ctx, &hosts[0], &rl, &err), 0);
	for (size_t i = 0; i < rl.nr; i++) {
		resource_describe(&rl.items[i], &ids);
		strbuf_addch(&ids, '\n');
	}
	assert_string_equal(ids.buf,
		"packages:nano\npackages:htop,jq\ndir:/opt/g1\nfile:/etc/motd\nblock:/etc/fstab#lab\n"
		"absent:/etc/old\nservice:chrony\nservice:foo\ncommand:/x\nfile:/etc/gpu\n");
	assert_int_equal(rl.items[0].absent, 1);
	assert_string_equal(rl.items[3].content.buf, "hi g1 at 10.0.0.1 {{ other }}\n");
	assert_int_equal(rl.items[3].backup, 1);
	assert_int_equal(rl.items[9].mode, 0600);
	resource_list_release(&rl);

	/* c1 is not in group gpu: it gets the first entry only */
	assert_int_equal(comp_desired(&component_extras, &ctx, &hosts[1], &rl, &err), 0);
	assert_int_equal(rl.nr, 9);
	assert_string_equal(rl.items[2].path, "/opt/c1");
	resource_list_release(&rl);
	settings_release(&s);
	strbuf_release(&err);
	strbuf_release(&ids);
	diag_release(&dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_emit_round_trip),
		cmocka_unit_test(test_defaults_empty),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_check_groups),
		cmocka_unit_test(test_component),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
