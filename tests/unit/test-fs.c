/* Unit tests for src/util/fs.c and src/util/state-dir.c: files kcfg writes locally. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/state-dir.h"
#include "util/strbuf.h"

static char top[64];

static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/kcfg-unit-fs-XXXXXX");
	return mkdtemp(top) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return remove_tree(top);
}

static char *at(const char *rel)
{
	static char buf[8][256];
	static int n;

	n = (n + 1) % 8;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", top, rel);
	return buf[n];
}

static void put(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void assert_content(const char *rel, const char *want)
{
	struct strbuf got = STRBUF_INIT;

	assert_int_equal(strbuf_read_file(&got, at(rel), 1024), 0);
	assert_string_equal(got.buf, want);
	strbuf_release(&got);
}

/* The entries of a directory, sorted, space-separated. */
static void assert_entries(const char *rel, const char *want)
{
	struct strbuf cmd = STRBUF_INIT, got = STRBUF_INIT;
	FILE *p;
	char line[256];

	strbuf_addf(&cmd, "ls -A '%s' | tr '\\n' ' '", at(rel));
	p = popen(cmd.buf, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		strbuf_addstr(&got, line);
	pclose(p);
	strbuf_rtrim(&got);
	assert_string_equal(got.buf, want);
	strbuf_release(&cmd);
	strbuf_release(&got);
}

static void test_beneath_writes_inside(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(at("root"), 0755), 0);
	assert_int_equal(write_file_beneath(at("root"), "h1/etc/a.conf", "a\n", 2, 0600,
					    0750, &err), 0);
	assert_content("root/h1/etc/a.conf", "a\n");
	assert_int_equal(stat(at("root/h1/etc/a.conf"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(at("root/h1/etc"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	/* rewriting replaces, and leaves no temporary behind */
	assert_int_equal(write_file_beneath(at("root"), "h1/etc/a.conf", "b\n", 2, 0644,
					    0750, &err), 0);
	assert_content("root/h1/etc/a.conf", "b\n");
	assert_entries("root/h1/etc", "a.conf");
	strbuf_release(&err);
}

static void test_beneath_refuses_leaving(void **state)
{
	static const char *const bad[] = {
		"../out", "h1/../../out", "h1/./x", "h1//x", "/abs", "", "h1/", ".", "..",
	};
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(mkdir(at("root"), 0755), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		strbuf_reset(&err);
		assert_int_equal(write_file_beneath(at("root"), bad[i], "x", 1, 0644, 0755,
						    &err), -1);
		assert_true(err.len > 0);
	}
	assert_non_null(strstr(err.buf, "would leave"));
	/* nothing beside root, and at most empty directories inside it */
	assert_entries("", "root");
	strbuf_release(&err);
}

static void test_beneath_does_not_follow_links(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(at("root"), 0755), 0);
	assert_int_equal(mkdir(at("outside"), 0755), 0);
	put("outside/target", "keep\n");
	/* a directory on the way that is a link is refused */
	assert_int_equal(symlink("../outside", at("root/h1")), 0);
	assert_int_equal(write_file_beneath(at("root"), "h1/target", "x", 1, 0644, 0755,
					    &err), -1);
	assert_non_null(strstr(err.buf, "not a directory (or a symbolic link)"));
	assert_content("outside/target", "keep\n");
	/* a link at the file's own name is replaced, its target untouched */
	assert_int_equal(symlink("../outside/target", at("root/f")), 0);
	assert_int_equal(write_file_beneath(at("root"), "f", "new\n", 4, 0644, 0755, &err), 0);
	assert_int_equal(lstat(at("root/f"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content("outside/target", "keep\n");
	/* and a root that is a link is refused */
	assert_int_equal(symlink("outside", at("linked-root")), 0);
	strbuf_reset(&err);
	assert_int_equal(write_file_beneath(at("linked-root"), "x", "x", 1, 0644, 0755, &err),
			 -1);
	assert_non_null(strstr(err.buf, "symbolic link"));
	assert_entries("outside", "target");
	strbuf_release(&err);
}

static void test_name_ok(void **state)
{
	(void)state;
	assert_true(fs_name_ok("kube-node1"));
	assert_true(fs_name_ok("node.example.org"));
	assert_false(fs_name_ok(""));
	assert_false(fs_name_ok("."));
	assert_false(fs_name_ok(".."));
	assert_false(fs_name_ok("../x"));
	assert_false(fs_name_ok("a/b"));
	assert_false(fs_name_ok("a\nb"));
	assert_false(fs_name_ok("a\x7f"));
}

static void test_replace_files_all_or_nothing(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct file_change v[2];

	(void)state;
	put("a", "old a\n");
	put("b", "old b\n");
	memset(v, 0, sizeof(v));
	v[0].path = at("a");
	v[0].data = "new a\n";
	v[0].len = 6;
	v[0].mode = 0600;
	v[0].old = "old a\n";
	v[0].old_len = 6;
	v[0].old_mode = 0644;
	v[1] = v[0];
	v[1].path = at("b");
	v[1].data = "new b\n";
	v[1].old = "old b\n";
	assert_int_equal(replace_files(v, 2, &err), 0);
	assert_content("a", "new a\n");
	assert_content("b", "new b\n");
	assert_true(v[0].changed && v[1].changed);

	/* the second cannot even be written: the first is not touched */
	put("a", "old a\n");
	v[1].path = at("missing/b");
	assert_int_equal(replace_files(v, 2, &err), -1);
	assert_non_null(strstr(err.buf, "missing/b"));
	assert_content("a", "old a\n");
	assert_false(v[0].changed);

	/* the second cannot replace its target (a directory): the first is put back */
	strbuf_reset(&err);
	assert_int_equal(mkdir(at("d"), 0755), 0);
	put("d/inside", "x");
	v[1].path = at("d");
	assert_int_equal(replace_files(v, 2, &err), -1);
	assert_non_null(strstr(err.buf, "cannot replace"));
	assert_content("a", "old a\n");
	assert_false(v[0].changed || v[1].changed);
	assert_entries("", "a b d");
	strbuf_release(&err);
}

static void test_remove_tree_keeps_link_targets(void **state)
{
	(void)state;
	assert_int_equal(mkdir(at("outside"), 0755), 0);
	put("outside/keep", "keep\n");
	assert_int_equal(mkdir(at("tree"), 0755), 0);
	assert_int_equal(mkdir(at("tree/sub"), 0755), 0);
	put("tree/sub/file", "x");
	assert_int_equal(symlink("../../outside", at("tree/sub/link")), 0);
	assert_int_equal(remove_tree(at("tree")), 0);
	assert_entries("", "outside");
	assert_content("outside/keep", "keep\n");
	assert_int_equal(remove_tree(at("never-there")), 0);
}

static void test_state_dir_check(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(state_dir_check(at("s"), 0, &err), 1);
	assert_int_equal(state_dir_check(at("s"), 1, &err), 0);
	assert_int_equal(stat(at("s"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(state_dir_check(at("s"), 0, &err), 0);
	assert_int_equal(chmod(at("s"), 0775), 0);
	assert_int_equal(state_dir_check(at("s"), 0, &err), -1);
	assert_non_null(strstr(err.buf, "is writable by other users"));
	assert_int_equal(symlink("s", at("l")), 0);
	strbuf_reset(&err);
	assert_int_equal(state_dir_check(at("l"), 1, &err), -1);
	assert_non_null(strstr(err.buf, "is a symbolic link"));
	put("f", "");
	strbuf_reset(&err);
	assert_int_equal(state_dir_check(at("f"), 1, &err), -1);
	assert_non_null(strstr(err.buf, "is not a directory"));
	strbuf_release(&err);
}

static void test_state_lock(void **state)
{
	struct state_lock one = STATE_LOCK_INIT, two = STATE_LOCK_INIT;
	struct strbuf err = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	assert_int_equal(state_dir_check(at("s"), 1, &err), 0);
	assert_int_equal(state_lock_take(&one, at("s"), "render", 0, &err), 0);
	/* another open file description conflicts, as another process's would */
	assert_int_equal(state_lock_take(&two, at("s"), "plan", 0, &err), STATE_LOCK_BUSY);
	strbuf_addf(&want, "another kcfg is using '%s' (pid %ld, kcfg render)", at("s"),
		    (long)getpid());
	assert_string_equal(err.buf, want.buf);
	state_lock_release(&one);
	strbuf_reset(&err);
	assert_int_equal(state_lock_take(&two, at("s"), "plan", 0, &err), 0);
	state_lock_release(&two);
	/* a link planted at the lock's name is not followed */
	assert_int_equal(unlink(at("s/lock")), 0);
	assert_int_equal(symlink("../elsewhere", at("s/lock")), 0);
	assert_int_equal(state_lock_take(&one, at("s"), "render", 0, &err), -1);
	assert_non_null(strstr(err.buf, "it is a symbolic link"));
	assert_int_equal(access(at("elsewhere"), F_OK), -1);
	strbuf_release(&err);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_beneath_writes_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_beneath_refuses_leaving, setup, teardown),
		cmocka_unit_test_setup_teardown(test_beneath_does_not_follow_links, setup, teardown),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test_setup_teardown(test_replace_files_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_tree_keeps_link_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_dir_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_lock, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
