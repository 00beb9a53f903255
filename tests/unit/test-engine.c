/*
 * Unit tests for the engine: the observe output parser (records, caps,
 * garbage), the diff (every kind, handlers, daemon-reload, conflicts),
 * the unified diff, the apply report reader, and observe -> diff ->
 * apply -> observe run for real with /bin/sh in a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/apply.h"
#include "engine/diff.h"
#include "engine/observe.h"
#include "engine/plan.h"
#include "engine/resource.h"
#include "engine/udiff.h"
#include "util/base64.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static struct resource *add_file(struct resource_list *rl, const char *path, const char *text)
{
	return resource_add_file(rl, "test", path, text, strlen(text), 0644);
}

static int parse(const struct resource_list *rl, const char *out, struct observed *obs,
		 struct strbuf *err)
{
	return observe_parse(rl, out, strlen(out), obs, err);
}

static void test_base64(void **state)
{
	const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	const char *want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	struct strbuf enc = STRBUF_INIT, dec = STRBUF_INIT;

	for (size_t i = 0; i < 7; i++) {
		strbuf_reset(&enc);
		strbuf_reset(&dec);
		base64_encode(in[i], strlen(in[i]), &enc);
		assert_string_equal(enc.buf, want[i]);
		assert_int_equal(base64_decode(enc.buf, enc.len, &dec, 100), (long)strlen(in[i]));
		assert_string_equal(dec.buf, in[i]);
	}
	strbuf_reset(&dec);
	assert_int_equal(base64_decode("Zm9", 3, &dec, 100), -1);
	assert_int_equal(base64_decode("Zm=v", 4, &dec, 100), -1);
	assert_int_equal(base64_decode("Zm9v", 4, &dec, 2), -1);	/* past the cap */
	assert_int_equal(base64_decode("Z!9v", 4, &dec, 100), -1);
	assert_int_equal(dec.len, 0);
	strbuf_release(&enc);
	strbuf_release(&dec);
}

static void test_udiff(void **state)
{
	struct strbuf out = STRBUF_INIT;
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
	const char *b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\nthirteen";

	udiff(a, strlen(a), a, strlen(a), "a", "b", &out);
	assert_int_equal(out.len, 0);
	udiff(a, strlen(a), b, strlen(b), "a", "b", &out);
	assert_string_equal(out.buf,
		"--- a\n+++ b\n"
		"@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
		"@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+thirteen\n\\ No newline at end of file\n");
	strbuf_reset(&out);
	udiff("", 0, "x\n", 2, "/dev/null", "new", &out);
	assert_string_equal(out.buf, "--- /dev/null\n+++ new\n@@ -0,0 +1 @@\n+x\n");
	strbuf_release(&out);
}

/* One of each kind, the order the parser tests use. */
static void sample(struct resource_list *rl)
{
	struct resource *r;

	add_file(rl, "/etc/a", "A\n");				/* 0 */
	r = resource_add(rl, RES_DIR, "test");			/* 1 */
	r->path = xstrdup("/opt/d");
	r->mode = 0750;
	r = resource_add(rl, RES_ABSENT, "test");		/* 2 */
	r->path = xstrdup("/etc/old");
	r = resource_add(rl, RES_BLOCK, "test");		/* 3 */
	r->path = xstrdup("/etc/fstab");
	r->marker = xstrdup("m");
	strbuf_addstr(&r->content, "x y\n");
	r = resource_add(rl, RES_PACKAGES, "test");		/* 4 */
	strvec_push(&r->packages, "htop");
	strvec_push(&r->packages, "jq");
	r = resource_add(rl, RES_SERVICE, "test");		/* 5 */
	r->unit = xstrdup("chrony");
	r->enabled = r->started = 1;
	r = resource_add(rl, RES_COMMAND, "test");		/* 6 */
	r->command = xstrdup("touch /x");
	r->creates = xstrdup("/x");
	r = resource_add(rl, RES_UPLOAD, "test");		/* 7 */
	r->path = xstrdup("/usr/local/bin/k");
	r->local_path = xstrdup("/nonexistent");
	r->sha256 = xstrdup("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void test_observe_parse(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct observed obs = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *out =
		"kcfg-observe 1\n"
		"P\tregular file\t600\troot\tadm\t2\t/etc/a\n"
		"P\tdirectory\t755\troot\troot\t4096\t/opt/d\n"
		"P\tsymbolic link\t777\troot\troot\t3\t/etc/old\n"
		"P\tregular file\t644\troot\troot\t40\t/etc/fstab\n"
		"H\t0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\t/etc/a\n"
		"C\tQgo=\t/etc/a\n"
		"L\t3\tx\ty\n"
		"B\t3\t1\n"
		"K\tii \thtop\n"
		"K\trc \tjq\n"
		"S\t0\tloaded\tdisabled\tinactive\n"
		"X\t6\t0\t-\n"
		"N\trestart chrony\n"
		"end\n";

	sample(&rl);
	assert_int_equal(parse(&rl, out, &obs, &err), 0);
	assert_int_equal(obs.nr, rl.nr);
	assert_int_equal(obs.items[0].st.type, OBS_FILE);
	assert_int_equal(obs.items[0].st.mode, 0600);
	assert_string_equal(obs.items[0].st.group, "adm");
	assert_string_equal(obs.items[0].content.buf, "B\n");
	assert_int_equal(obs.items[1].st.type, OBS_DIR);
	assert_int_equal(obs.items[2].st.type, OBS_LINK);
	assert_int_equal(obs.items[3].block_found, 1);
	assert_string_equal(obs.items[3].block.buf, "x\ty\n");
	assert_int_equal(obs.items[4].pkg_present[0], 1);
	assert_int_equal(obs.items[4].pkg_present[1], 0);
	assert_string_equal(obs.items[5].unit_file, "disabled");
	assert_int_equal(obs.items[6].creates, 0);
	assert_int_equal(obs.items[6].unless, -1);
	assert_int_equal(obs.items[7].st.type, OBS_MISSING);
	assert_int_equal(obs.pending.nr, 1);
	assert_string_equal(obs.pending.v[0], "restart chrony");
	observed_release(&obs);
	resource_list_release(&rl);
	strbuf_release(&err);
}

static void test_observe_rejects(void **state)
{
	static const struct { const char *out, *msg; } bad[] = {
		{ "", "observe output line 1: no output" },
		{ "hello\nend\n", "observe output line 1: not kcfg observe output" },
		{ "kcfg-observe 1\n", "observe output line 2: output ends before the end record" },
		{ "kcfg-observe 1\nend", "observe output line 2: output ends in the middle of a line" },
		{ "kcfg-observe 1\nend\nB\t3\t1\n", "observe output line 3: output after the end record" },
		{ "kcfg-observe 1\nQ\t1\nend\n", "observe output line 2: unknown record" },
		{ "kcfg-observe 1\nB\t99\t1\nend\n", "observe output line 2: bad resource index" },
		{ "kcfg-observe 1\nB\t0\t1\nend\n", "observe output line 2: bad resource index" },
		{ "kcfg-observe 1\nB\t3\t2\nend\n", "observe output line 2: bad B record" },
		{ "kcfg-observe 1\nP\tregular file\t9\troot\troot\t1\t/etc/a\nend\n",
		  "observe output line 2: bad mode in P record" },
		{ "kcfg-observe 1\nP\tregular file\t644\troot\troot\t-1\t/etc/a\nend\n",
		  "observe output line 2: bad P record" },
		{ "kcfg-observe 1\nH\tnothex\t/etc/a\nend\n", "observe output line 2: bad H record" },
		{ "kcfg-observe 1\nC\t!!!!\t/etc/a\nend\n", "observe output line 2: bad C record" },
		{ "kcfg-observe 1\nS\t1\ta\tb\tc\nend\n", "observe output line 2: bad S record" },
		{ "kcfg-observe 1\nX\t6\t2\t-\nend\n", "observe output line 2: bad X record" },
		{ "kcfg-observe 1\nN\t\nend\n", "observe output line 2: bad N record" },
	};
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct strbuf err = STRBUF_INIT;

	sample(&rl);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct observed obs = { 0 };

		strbuf_reset(&err);
		if (parse(&rl, bad[i].out, &obs, &err) != -1)
			fail_msg("accepted: %s", bad[i].out);
		assert_string_equal(err.buf, bad[i].msg);
		assert_null(obs.items);
	}
	{
		/* a NUL inside a record */
		struct observed obs = { 0 };
		static const char nul[] = "kcfg-observe 1\nN\ta\0b\nend\n";
		strbuf_reset(&err);
		assert_int_equal(observe_parse(&rl, nul, sizeof(nul) - 1, &obs, &err), -1);
		assert_string_equal(err.buf, "observe output line 2: NUL byte in a record");
	}
	resource_list_release(&rl);
	strbuf_release(&err);
}

/* A secret file's content is never kept, whatever the host sends. */
/* A block holding a marker line would grow its file on every apply: refused. */
static void test_observe_refuses_block_holding_a_marker(void **state)
{
	static const char *const texts[] = {
		"a\n# END kcfg m\nb\n", "# BEGIN kcfg m\n", "x\n# END kcfg other", NULL,
	};

	for (size_t i = 0; texts[i]; i++) {
		struct resource_list rl = RESOURCE_LIST_INIT;
		struct strbuf script = STRBUF_INIT, err = STRBUF_INIT;
		struct resource *r = resource_add(&rl, RES_BLOCK, "lustre");

		r->path = xstrdup("/etc/fstab");
		r->marker = xstrdup("m");
		strbuf_addstr(&r->content, texts[i]);
		assert_int_equal(observe_script(&rl, &script, &err), -1);
		assert_string_equal(err.buf, "cannot manage 'block:/etc/fstab#m' (from component 'lustre'): "
				    "its content holds a marker line ('# BEGIN kcfg ...' or "
				    "'# END kcfg ...'), so the block would grow on every apply; "
				    "a component that makes such a block is a bug");
		resource_list_release(&rl);
		strbuf_release(&script);
		strbuf_release(&err);
	}
}

static void test_observe_secret_content(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct observed obs = { 0 };
	struct strbuf err = STRBUF_INIT;

	add_file(&rl, "/etc/s", "secret\n")->secret = 1;
	assert_int_equal(parse(&rl, "kcfg-observe 1\nC\tb2xkCg==\t/etc/s\nend\n", &obs, &err), 0);
	assert_int_equal(obs.items[0].have_content, 0);
	assert_int_equal(obs.items[0].content.len, 0);
	observed_release(&obs);
	resource_list_release(&rl);
	strbuf_release(&err);
}

static int plan_of(struct resource_list *rl, const char *out, struct host_plan *plan,
		   struct strbuf *err)
{
	struct observed obs = { 0 };
	int rc = parse(rl, out, &obs, err);

	if (!rc)
		rc = diff_host("h1", rl, &obs, plan, err);
	observed_release(&obs);
	return rc;
}

static void test_diff_kinds(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct strbuf err = STRBUF_INIT, line = STRBUF_INIT;
	const char *out =
		"kcfg-observe 1\n"
		"P\tregular file\t600\troot\tadm\t2\t/etc/a\n"
		"P\tdirectory\t755\troot\troot\t4096\t/opt/d\n"
		"P\tregular file\t644\troot\troot\t1\t/etc/old\n"
		"P\tregular file\t644\troot\troot\t40\t/etc/fstab\n"
		"H\t0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\t/etc/a\n"
		"C\tQgo=\t/etc/a\n"
		"L\t3\told\n"
		"B\t3\t1\n"
		"K\tii \thtop\n"
		"S\t0\tloaded\tdisabled\tinactive\n"
		"X\t6\t0\t-\n"
		"end\n";
	static const char *const want[] = {
		"~ file /etc/a, mode 0600 -> 0644, owner root:adm -> root:root [test]",
		"~ dir /opt/d, mode 0755 -> 0750 [test]",
		"- remove /etc/old [test]",
		"~ block 'm' in /etc/fstab [test]",
		"+ install jq [test]",
		"~ service chrony: enable, start [test]",
		"! run 'touch /x' [test]",
		"> upload /usr/local/bin/k (0644 root:root) [test]",
	};

	sample(&rl);
	assert_int_equal(plan_of(&rl, out, &plan, &err), 0);
	assert_int_equal(plan.nr, 8);
	assert_int_equal(plan.resources, 8);
	assert_int_equal(plan.unchanged, 0);
	for (size_t i = 0; i < plan.nr; i++) {
		strbuf_reset(&line);
		plan_describe_change(&rl, &plan.v[i], &line);
		assert_string_equal(line.buf, want[i]);
	}
	assert_string_equal(plan.v[0].diff.buf,
			    "--- /etc/a (on h1)\n+++ /etc/a (kcfg)\n@@ -1 +1 @@\n-B\n+A\n");
	assert_string_equal(plan.v[3].diff.buf,
			    "--- /etc/fstab#m (on h1)\n+++ /etc/fstab#m (kcfg)\n@@ -1 +1 @@\n-old\n+x y\n");
	host_plan_release(&plan);
	resource_list_release(&rl);
	strbuf_release(&err);
	strbuf_release(&line);
}

static void test_diff_nothing_to_do(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	char hex[65];

	observe_sha256_hex("A\n", 2, hex);
	sample(&rl);
	free(rl.items[7].sha256);
	rl.items[7].sha256 = xstrdup(hex);
	strbuf_addf(&out,
		"kcfg-observe 1\n"
		"P\tregular file\t644\troot\troot\t2\t/etc/a\n"
		"P\tdirectory\t750\troot\troot\t4096\t/opt/d\n"
		"P\tregular file\t644\troot\troot\t40\t/etc/fstab\n"
		"P\tregular file\t644\troot\troot\t2\t/usr/local/bin/k\n"
		"H\t%s\t/etc/a\nH\t%s\t/usr/local/bin/k\n"
		"L\t3\tx y\nB\t3\t1\n"
		"K\tii \thtop\nK\tii \tjq\n"
		"S\t0\tloaded\tenabled\tactive\n"
		"X\t6\t1\t-\n"
		"end\n", hex, hex);
	assert_int_equal(plan_of(&rl, out.buf, &plan, &err), 0);
	assert_int_equal(plan.nr, 0);
	assert_int_equal(plan.unchanged, 8);
	host_plan_release(&plan);
	resource_list_release(&rl);
	strbuf_release(&err);
	strbuf_release(&out);
}

/*
 * A download's upload with an empty pin is refused, whatever sits in the
 * local cache; a user's own file (no pin key) is hashed where it lies.
 */
static void test_diff_upload_pin(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct strbuf err = STRBUF_INIT;
	char local[] = "/tmp/kcfg-test-pin.XXXXXX";
	const char *out = "kcfg-observe 1\nP\tmissing\t0\t-\t-\t0\t/opt/k\nend\n";
	struct resource *r;
	int fd = mkstemp(local);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "k\n", 2), 2);
	close(fd);
	r = resource_add(&rl, RES_UPLOAD, "k0s");
	r->path = xstrdup("/opt/k");
	r->local_path = xstrdup(local);
	r->sha256 = xstrdup("");
	r->pin_key = "versions.k0s_sha256";
	assert_int_equal(plan_of(&rl, out, &plan, &err), -1);
	assert_string_equal(err.buf, "upload of '/opt/k' (from component 'k0s'): "
			    "'versions.k0s_sha256' is empty, so the download cannot be checked");
	host_plan_release(&plan);

	strbuf_reset(&err);
	rl.items[0].pin_key = NULL;
	assert_int_equal(plan_of(&rl, out, &plan, &err), 0);
	assert_int_equal(plan.nr, 1);
	assert_int_equal(plan.v[0].kind, CH_UPLOAD);
	unlink(local);
	host_plan_release(&plan);
	resource_list_release(&rl);
	strbuf_release(&err);
}

/* A command that needs a cluster value gets it single-quoted, and only in a range build. */
static void test_apply_values(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct apply_steps steps = APPLY_STEPS_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *out = "kcfg-observe 1\nX\t0\t0\t-\nX\t1\t0\t-\nend\n";
	const struct apply_value vals[] = { { "tok", "it's" } };
	struct resource *r;

	r = resource_add(&rl, RES_COMMAND, "test");
	r->command = xstrdup("touch /a");
	r->creates = xstrdup("/a");
	r = resource_add(&rl, RES_COMMAND, "test");
	r->command = xstrdup("printf %s @@kcfg:tok@@ >/t");
	r->creates = xstrdup("/t");
	r->needs = "tok";
	assert_int_equal(plan_of(&rl, out, &plan, &err), 0);
	assert_int_equal(plan.nr, 2);

	assert_int_equal(apply_build(&rl, &plan, &steps, &err), -1);
	assert_string_equal(err.buf, "no value for 'tok' yet");
	strbuf_reset(&err);
	assert_int_equal(apply_build_range(&rl, &plan, 0, 1, NULL, 0, &steps, &err), 0);
	assert_int_equal(steps.nr, 1);
	assert_int_equal(steps.v[0].nr, 1);
	assert_null(strstr(steps.v[0].script.buf, "@@kcfg:"));
	assert_null(strstr(steps.v[0].script.buf, "printf %s"));
	assert_int_equal(apply_build_range(&rl, &plan, 1, 2, vals, 1, &steps, &err), 0);
	assert_int_equal(steps.v[0].first, 1);
	/* the command, quoted once more as the script writes it to a file */
	assert_non_null(strstr(steps.v[0].script.buf, "'printf %s '\\''it'\\''\\'\\'''\\''s'\\'' >/t'"));
	assert_null(strstr(steps.v[0].script.buf, "@@kcfg:"));
	apply_steps_release(&steps);
	host_plan_release(&plan);
	resource_list_release(&rl);
	strbuf_release(&err);
}

/* Pastes a value in front of a marker line: a fill that is data, not code. */
static void fill_test(const char *value, const char *arg, struct strbuf *out)
{
	strbuf_addf(out, "%s=%s\n", arg, value);
}

/*
 * A file written from a cluster value: made when missing (its content is
 * then left alone), waits for the value, which goes into the script only
 * quoted, through the resource's fill.
 */
static void test_apply_valued_file(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct apply_steps steps = APPLY_STEPS_INIT;
	struct strbuf err = STRBUF_INIT;
	const struct apply_value vals[] = { { "kc", "it's $(x)" } };
	struct resource *r;

	(void)state;
	r = add_file(&rl, "/home/u/.kube/config", "");
	r->mode = 0600;
	r->owner = xstrdup("u");
	r->group = xstrdup("u");
	r->secret = 1;
	r->needs = "kc";
	r->fill = fill_test;
	r->fill_arg = xstrdup("server");
	assert_int_equal(plan_of(&rl, "kcfg-observe 1\nend\n", &plan, &err), 0);
	assert_int_equal(plan.nr, 1);
	assert_int_equal(plan.v[0].kind, CH_FILE);
	assert_string_equal(plan.v[0].diff.buf, "written from kc (secret)");
	assert_string_equal(apply_change_needs(&rl, &plan.v[0]), "kc");
	assert_int_equal(apply_build(&rl, &plan, &steps, &err), -1);
	assert_string_equal(err.buf, "no value for 'kc' yet");
	assert_int_equal(apply_build_range(&rl, &plan, 0, 1, vals, 1, &steps, &err), 0);
	assert_non_null(strstr(steps.v[0].script.buf,
		"if wf '/home/u/.kube' 'config' 0177 - 'u:u' 0 0 'server=it'\\''s $(x)\n' "));
	host_plan_release(&plan);

	/* there already: only its mode and owner are compared, made without the value */
	assert_int_equal(plan_of(&rl, "kcfg-observe 1\n"
				 "P\tregular file\t644\tu\tu\t9\t/home/u/.kube/config\n"
				 "H\t0000000000000000000000000000000000000000000000000000000000000000\t"
				 "/home/u/.kube/config\nend\n", &plan, &err), 0);
	assert_int_equal(plan.nr, 1);
	assert_int_equal(plan.v[0].kind, CH_ATTRS);
	assert_null(apply_change_needs(&rl, &plan.v[0]));
	assert_int_equal(apply_build(&rl, &plan, &steps, &err), 0);
	assert_non_null(strstr(steps.v[0].script.buf, "if wa '/home/u/.kube' 'config' 0177 - 'u:u'"));
	host_plan_release(&plan);
	assert_int_equal(plan_of(&rl, "kcfg-observe 1\n"
				 "P\tregular file\t600\tu\tu\t9\t/home/u/.kube/config\nend\n", &plan,
				 &err), 0);
	assert_int_equal(plan.nr, 0);

	apply_steps_release(&steps);
	host_plan_release(&plan);
	resource_list_release(&rl);
	strbuf_release(&err);
}

/* A link where a file or a block's file should be: planned, and said so. */
static void test_diff_link_refused(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct strbuf err = STRBUF_INIT;
	struct resource *r;
	const char *out = "kcfg-observe 1\n"
			  "P\tsymbolic link\t777\tu\tu\t11\t/home/u/a\n"
			  "P\tsymbolic link\t777\tu\tu\t11\t/home/u/b\n"
			  "P\tsymbolic link\t777\tu\tu\t11\t/home/u/c\n"
			  "end\n";

	(void)state;
	add_file(&rl, "/home/u/a", "a\n");
	r = resource_add(&rl, RES_BLOCK, "test");
	r->path = xstrdup("/home/u/b");
	r->marker = xstrdup("m");
	strbuf_addstr(&r->content, "x\n");
	add_file(&rl, "/home/u/c", "c\n")->links = 1;
	assert_int_equal(plan_of(&rl, out, &plan, &err), 0);
	assert_int_equal(plan.nr, 3);
	assert_true(plan.v[0].what & CHG_TYPE);
	assert_string_equal(plan.v[0].diff.buf, "a symbolic link is there: apply refuses to "
			    "write through or over it (remove the link, or make it a regular file)");
	assert_string_equal(plan.v[1].diff.buf, plan.v[0].diff.buf);
	/* links allowed: replaced by the file, shown as new */
	assert_non_null(strstr(plan.v[2].diff.buf, "+c\n"));
	host_plan_release(&plan);
	resource_list_release(&rl);
	strbuf_release(&err);
}

static void test_diff_handlers(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct strbuf err = STRBUF_INIT;
	struct resource *r;

	add_file(&rl, "/etc/systemd/system/x.service", "[Unit]\n")->notify = xstrdup("restart x");
	add_file(&rl, "/etc/x.conf", "x\n")->notify = xstrdup("restart x");
	add_file(&rl, "/etc/y.conf", "y\n")->notify = xstrdup("reindex");
	r = resource_add(&rl, RES_SERVICE, "test");
	r->unit = xstrdup("x");
	r->enabled = r->started = 1;
	r = resource_add(&rl, RES_HANDLER, "test");
	r->name = xstrdup("reindex");
	r->command = xstrdup("y-reindex --all");
	assert_int_equal(plan_of(&rl, "kcfg-observe 1\nS\t0\tloaded\tenabled\tactive\n"
				 "N\thostname\nN\tsomething old\nend\n", &plan, &err), 0);
	/* 3 files, daemon-reload before the service's first use, handlers once, pending last */
	assert_int_equal(plan.nr, 7);
	assert_int_equal(plan.v[3].kind, CH_DAEMON_RELOAD);
	assert_int_equal(plan.v[4].kind, CH_HANDLER);
	assert_string_equal(plan.v[4].handler, "restart x");
	assert_string_equal(plan.v[4].command, "systemctl restart -- 'x'");
	assert_string_equal(plan.v[4].notified_by, "file:/etc/systemd/system/x.service");
	assert_string_equal(plan.v[5].handler, "reindex");
	assert_string_equal(plan.v[5].command, "y-reindex --all");
	assert_string_equal(plan.v[6].handler, "hostname");
	assert_int_equal(plan.v[6].pending, 1);
	host_plan_release(&plan);

	add_file(&rl, "/etc/z", "z\n")->notify = xstrdup("restart");
	assert_int_equal(plan_of(&rl, "kcfg-observe 1\nend\n", &plan, &err), -1);
	assert_string_equal(err.buf, "'file:/etc/z' (from component 'test') notifies 'restart', "
			    "which is no handler: use 'restart UNIT', 'reload UNIT', "
			    "'daemon-reload', 'hostname' or a handler the component defines");
	resource_list_release(&rl);
	strbuf_release(&err);
}

static void test_diff_secret_masked(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct host_plan plan = HOST_PLAN_INIT;
	struct strbuf err = STRBUF_INIT;

	add_file(&rl, "/etc/s", "password=hunter2\n")->secret = 1;
	assert_int_equal(plan_of(&rl, "kcfg-observe 1\n"
		"P\tregular file\t600\troot\troot\t9\t/etc/s\n"
		"H\t0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\t/etc/s\n"
		"end\n", &plan, &err), 0);
	assert_int_equal(plan.nr, 1);
	assert_string_equal(plan.v[0].diff.buf, "content changed (secret)");
	assert_null(strstr(plan.v[0].diff.buf, "hunter2"));
	host_plan_release(&plan);
	resource_list_release(&rl);
	strbuf_release(&err);
}

static void test_conflicts(void **state)
{
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct resource *r;

	add_file(&rl, "/etc/a", "1\n");
	r = resource_add(&rl, RES_BLOCK, "other");
	r->path = xstrdup("/etc/fstab");
	r->marker = xstrdup("one");
	r = resource_add(&rl, RES_BLOCK, "other");
	r->path = xstrdup("/etc/fstab");
	r->marker = xstrdup("two");
	assert_int_equal(diff_check_conflicts(&rl, &err), 0);
	r = resource_add(&rl, RES_ABSENT, "other");
	r->path = xstrdup("/etc/a");
	assert_int_equal(diff_check_conflicts(&rl, &err), -1);
	assert_string_equal(err.buf, "'/etc/a' is managed twice: 'file:/etc/a' (from component "
			    "'test') and 'absent:/etc/a' (from component 'other')");
	resource_list_release(&rl);
	strbuf_release(&err);
}

static void test_apply_report(void **state)
{
	struct host_plan plan = HOST_PLAN_INIT;
	struct apply_step st = { 0, STRBUF_INIT, 1, 3 };
	struct strbuf err = STRBUF_INIT;
	struct change c[4];

	memset(c, 0, sizeof(c));
	plan.v = c;
	plan.nr = 4;
	for (int i = 0; i < 4; i++)
		strbuf_init(&c[i].error, 0);
	assert_int_equal(apply_read_report(&st, "R\t1\tdone\nR\t2\tskip\n", strlen("R\t1\tdone\nR\t2\tskip\n"), &plan, &err), 0);
	assert_int_equal(c[1].state, CHANGE_DONE);
	assert_int_equal(c[2].state, CHANGE_SKIPPED);
	assert_int_equal(apply_read_report(&st, "R\t3\tfail\tboom\tbang\n", strlen("R\t3\tfail\tboom\tbang\n"), &plan, &err), 1);
	assert_int_equal(c[3].state, CHANGE_FAILED);
	assert_string_equal(c[3].error.buf, "boom\tbang");
	assert_int_equal(apply_read_report(&st, "R\t0\tdone\n", strlen("R\t0\tdone\n"), &plan, &err), -1);
	assert_string_equal(err.buf, "apply report line 1 is not a report");
	strbuf_reset(&err);
	assert_int_equal(apply_read_report(&st, "R\t1\tmaybe\n", strlen("R\t1\tmaybe\n"), &plan, &err), -1);
	assert_int_equal(apply_read_report(&st, "X\t1\tdone\n", strlen("X\t1\tdone\n"), &plan, &err), -1);
	for (int i = 0; i < 4; i++)
		strbuf_release(&c[i].error);
	strbuf_release(&err);
}

/* ---- observe -> diff -> apply -> observe with /bin/sh, in a temporary directory ---- */

struct local {
	char dir[64];
	char *user, *group;
};

static void run_sh(const char *script, struct strbuf *out)
{
	char path[] = "/tmp/kcfg-test-engine-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	char buf[4096];
	size_t n;
	char *cmd;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	cmd = xstrfmt("sh %s", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	pclose(f);
	unlink(path);
	free(cmd);
}

static char *in_dir(const struct local *l, const char *name)
{
	return xstrfmt("%s/%s", l->dir, name);
}

static void local_resources(const struct local *l, struct resource_list *rl)
{
	struct resource *r;
	char *p;

	p = in_dir(l, "new.conf");
	r = add_file(rl, p, "fresh\n");
	r->owner = xstrdup(l->user);
	r->group = xstrdup(l->group);
	free(p);
	p = in_dir(l, "sub/deep/f");
	r = add_file(rl, p, "deep\n");
	r->owner = xstrdup(l->user);
	r->group = xstrdup(l->group);
	r->mode = 0600;
	free(p);
	p = in_dir(l, "old.conf");
	r = add_file(rl, p, "new content\n");
	r->owner = xstrdup(l->user);
	r->group = xstrdup(l->group);
	r->backup = 1;
	r->notify = xstrdup("touch-mark");
	free(p);
	p = in_dir(l, "bin");
	r = resource_add_file(rl, "test", p, "a\0b\n", 4, 0640);	/* NUL: sent as base64 */
	r->owner = xstrdup(l->user);
	r->group = xstrdup(l->group);
	free(p);
	r = resource_add(rl, RES_DIR, "test");
	r->path = in_dir(l, "d");
	r->mode = 0700;
	r->owner = xstrdup(l->user);
	r->group = xstrdup(l->group);
	r = resource_add(rl, RES_BLOCK, "test");
	r->path = in_dir(l, "fstab");
	r->marker = xstrdup("lab");
	strbuf_addstr(&r->content, "one\ntwo");
	r = resource_add(rl, RES_ABSENT, "test");
	r->path = in_dir(l, "gone");
	r = resource_add(rl, RES_COMMAND, "test");
	r->command = xstrfmt("echo ran >> %s/ran", l->dir);
	r->creates = in_dir(l, "ran");
	r = resource_add(rl, RES_HANDLER, "test");
	r->name = xstrdup("touch-mark");
	r->command = xstrfmt("echo handled >> %s/mark", l->dir);
}

static void write_text(const struct local *l, const char *name, const char *text)
{
	char *p = in_dir(l, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *read_text(const struct local *l, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = in_dir(l, name);

	if (strbuf_read_file(&sb, p, 1 << 20) < 0)
		strbuf_addstr(&sb, "(missing)");
	free(p);
	return strbuf_detach(&sb, NULL);
}

static void observe_and_plan(const struct resource_list *rl, struct observed *obs,
			     struct host_plan *plan)
{
	struct strbuf script = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;

	assert_int_equal(observe_script(rl, &script, &err), 0);
	run_sh(script.buf, &out);
	if (observe_parse(rl, out.buf, out.len, obs, &err) < 0)
		fail_msg("%s\n%s", err.buf, out.buf);
	assert_int_equal(diff_host("local", rl, obs, plan, &err), 0);
	strbuf_release(&script);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_local_round_trip(void **state)
{
	struct local l;
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct observed obs = { 0 };
	struct host_plan plan = HOST_PLAN_INIT;
	struct apply_steps steps = APPLY_STEPS_INIT;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct passwd *pw = getpwuid(getuid());
	struct group *gr = getgrgid(getgid());
	struct stat st;
	char *t, *cmd;

	assert_non_null(pw);
	assert_non_null(gr);
	snprintf(l.dir, sizeof(l.dir), "/tmp/kcfg-engine-XXXXXX");
	assert_non_null(mkdtemp(l.dir));
	l.user = pw->pw_name;
	l.group = gr->gr_name;
	write_text(&l, "old.conf", "old content\n");
	write_text(&l, "fstab", "/dev/sda1 / ext4 defaults 0 1\n");
	write_text(&l, "gone", "x\n");
	local_resources(&l, &rl);

	observe_and_plan(&rl, &obs, &plan);
	assert_int_equal(plan.nr, 9);	/* 4 files, dir, block, absent, command, handler */
	assert_int_equal(plan.v[8].kind, CH_HANDLER);
	assert_int_equal(apply_build(&rl, &plan, &steps, &err), 0);
	assert_int_equal(steps.nr, 1);
	run_sh(steps.v[0].script.buf, &out);
	if (apply_read_report(&steps.v[0], out.buf, out.len, &plan, &err) != 0)
		fail_msg("%s\n%s", err.buf, out.buf);
	for (size_t i = 0; i < plan.nr; i++)
		assert_int_equal(plan.v[i].state, CHANGE_DONE);

	t = read_text(&l, "new.conf");
	assert_string_equal(t, "fresh\n");
	free(t);
	t = read_text(&l, "sub/deep/f");
	assert_string_equal(t, "deep\n");
	free(t);
	t = read_text(&l, "old.conf");
	assert_string_equal(t, "new content\n");
	free(t);
	t = read_text(&l, "old.conf.kcfg-orig");
	assert_string_equal(t, "old content\n");
	free(t);
	t = read_text(&l, "fstab");
	assert_string_equal(t, "/dev/sda1 / ext4 defaults 0 1\n# BEGIN kcfg lab\none\ntwo\n"
			    "# END kcfg lab\n");
	free(t);
	{
		struct strbuf bin = STRBUF_INIT;
		char *bp = in_dir(&l, "bin");
		assert_int_equal(strbuf_read_file(&bin, bp, 100), 0);
		assert_int_equal(bin.len, 4);
		assert_memory_equal(bin.buf, "a\0b\n", 4);
		assert_int_equal(stat(bp, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0640);
		strbuf_release(&bin);
		free(bp);
	}
	t = read_text(&l, "gone");
	assert_string_equal(t, "(missing)");
	free(t);
	t = read_text(&l, "ran");
	assert_string_equal(t, "ran\n");
	free(t);
	t = read_text(&l, "mark");
	assert_string_equal(t, "handled\n");
	free(t);
	t = in_dir(&l, "sub/deep/f");
	assert_int_equal(stat(t, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(t);
	t = in_dir(&l, "d");
	assert_int_equal(stat(t, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(t);

	/* a second round finds nothing to do */
	host_plan_release(&plan);
	observed_release(&obs);
	observe_and_plan(&rl, &obs, &plan);
	for (size_t i = 0; i < plan.nr; i++) {
		strbuf_reset(&err);
		plan_describe_change(&rl, &plan.v[i], &err);
		print_message("left: %s\n", err.buf);
	}
	assert_int_equal(plan.nr, 0);

	/* a block edited by hand is put back, the rest of the file kept */
	write_text(&l, "fstab", "# BEGIN kcfg lab\nhand\n# END kcfg lab\ntail line\n");
	host_plan_release(&plan);
	observed_release(&obs);
	observe_and_plan(&rl, &obs, &plan);
	assert_int_equal(plan.nr, 1);
	t = xstrfmt("--- %s/fstab#lab (on local)\n+++ %s/fstab#lab (kcfg)\n"
		    "@@ -1 +1,2 @@\n-hand\n+one\n+two\n", l.dir, l.dir);
	assert_string_equal(plan.v[0].diff.buf, t);
	free(t);
	assert_int_equal(apply_build(&rl, &plan, &steps, &err), 0);
	strbuf_reset(&out);
	run_sh(steps.v[0].script.buf, &out);
	assert_int_equal(apply_read_report(&steps.v[0], out.buf, out.len, &plan, &err), 0);
	t = read_text(&l, "fstab");
	assert_string_equal(t, "# BEGIN kcfg lab\none\ntwo\n# END kcfg lab\ntail line\n");
	free(t);
	/* no temporary file is left beside any target */
	cmd = xstrfmt("test -z \"$(find %s -name '.*.kcfg-*' ! -name '*.kcfg-orig')\"", l.dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	cmd = xstrfmt("rm -rf %s", l.dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	apply_steps_release(&steps);
	host_plan_release(&plan);
	observed_release(&obs);
	resource_list_release(&rl);
	strbuf_release(&err);
	strbuf_release(&out);
}

/* Observes, plans and applies `rl` with /bin/sh; the first change's outcome. */
static enum change_state apply_locally(const struct resource_list *rl, struct strbuf *diff,
				       struct strbuf *why)
{
	struct observed obs = { 0 };
	struct host_plan plan = HOST_PLAN_INIT;
	struct apply_steps steps = APPLY_STEPS_INIT;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	enum change_state st;

	observe_and_plan(rl, &obs, &plan);
	assert_int_equal(plan.nr, 1);
	strbuf_addbuf(diff, &plan.v[0].diff);
	assert_int_equal(apply_build(rl, &plan, &steps, &err), 0);
	run_sh(steps.v[0].script.buf, &out);
	assert_true(apply_read_report(&steps.v[0], out.buf, out.len, &plan, &err) >= 0);
	st = plan.v[0].state;
	strbuf_addbuf(why, &plan.v[0].error);
	apply_steps_release(&steps);
	host_plan_release(&plan);
	observed_release(&obs);
	strbuf_release(&err);
	strbuf_release(&out);
	return st;
}

/*
 * Links planted in a directory root does not own (nobody's, when the
 * test runs as root): a managed file or block's file that is a link, a
 * link on the way to a file, a link at a file whose resource allows
 * links. Nothing is written through them, and nothing they point at is
 * read into a plan.
 */
static void test_local_links(void **state)
{
	struct local l;
	struct strbuf diff = STRBUF_INIT, why = STRBUF_INIT;
	struct resource_list rl = RESOURCE_LIST_INIT;
	struct resource *r;
	char *u, *p, *q, *t;

	(void)state;
	snprintf(l.dir, sizeof(l.dir), "/tmp/kcfg-engine-XXXXXX");
	assert_non_null(mkdtemp(l.dir));
	u = in_dir(&l, "u");
	assert_int_equal(mkdir(u, 0755), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(u, 65534, 65534), 0);
	write_text(&l, "victim", "keep\n");
	p = in_dir(&l, "outside");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = in_dir(&l, "victim");
	q = in_dir(&l, "u/target");
	assert_int_equal(symlink(p, q), 0);
	free(q);
	q = in_dir(&l, "u/repl");
	assert_int_equal(symlink(p, q), 0);
	free(q);
	free(p);
	p = in_dir(&l, "outside");
	q = in_dir(&l, "u/sub");
	assert_int_equal(symlink(p, q), 0);
	free(q);
	free(p);

	/* a file that is a link: refused, the link and what it points at kept */
	p = in_dir(&l, "u/target");
	add_file(&rl, p, "new\n");
	assert_int_equal(apply_locally(&rl, &diff, &why), CHANGE_FAILED);
	assert_null(strstr(diff.buf, "keep"));
	t = xstrfmt("exit status 1: '%s' is a symbolic link: kcfg neither follows nor replaces "
		    "it; remove it, or make it a regular file", p);
	assert_string_equal(why.buf, t);
	free(t);
	resource_list_release(&rl);

	/* a block's file that is a link: neither read nor written */
	r = resource_add(&rl, RES_BLOCK, "test");
	r->path = xstrdup(p);
	r->marker = xstrdup("m");
	strbuf_addstr(&r->content, "x\n");
	strbuf_reset(&why);
	assert_int_equal(apply_locally(&rl, &diff, &why), CHANGE_FAILED);
	assert_non_null(strstr(why.buf, "is a symbolic link"));
	resource_list_release(&rl);
	free(p);
	t = read_text(&l, "victim");
	assert_string_equal(t, "keep\n");
	free(t);

	/* a link on the way, in a directory others than root can change */
	p = in_dir(&l, "u/sub/f");
	add_file(&rl, p, "f\n");
	strbuf_reset(&why);
	assert_int_equal(apply_locally(&rl, &diff, &why), CHANGE_FAILED);
	t = xstrfmt("exit status 1: '%s/u/sub' is a symbolic link in a directory that others "
		    "than root can change: kcfg does not follow it; make it a directory, or have "
		    "root own the directory it is in", l.dir);
	assert_string_equal(why.buf, t);
	free(t);
	free(p);
	resource_list_release(&rl);
	t = read_text(&l, "outside/f");
	assert_string_equal(t, "(missing)");
	free(t);

	/* links allowed: the link is replaced by the file, never followed */
	p = in_dir(&l, "u/repl");
	add_file(&rl, p, "r\n")->links = 1;
	strbuf_reset(&why);
	assert_int_equal(apply_locally(&rl, &diff, &why), CHANGE_DONE);
	free(p);
	resource_list_release(&rl);
	t = read_text(&l, "u/repl");
	assert_string_equal(t, "r\n");
	free(t);
	t = read_text(&l, "victim");
	assert_string_equal(t, "keep\n");
	free(t);

	t = xstrfmt("rm -rf %s", l.dir);
	assert_int_equal(system(t), 0);
	free(t);
	free(u);
	strbuf_release(&diff);
	strbuf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_udiff),
		cmocka_unit_test(test_observe_parse),
		cmocka_unit_test(test_observe_rejects),
		cmocka_unit_test(test_observe_refuses_block_holding_a_marker),
		cmocka_unit_test(test_observe_secret_content),
		cmocka_unit_test(test_diff_kinds),
		cmocka_unit_test(test_diff_nothing_to_do),
		cmocka_unit_test(test_diff_upload_pin),
		cmocka_unit_test(test_apply_values),
		cmocka_unit_test(test_apply_valued_file),
		cmocka_unit_test(test_diff_link_refused),
		cmocka_unit_test(test_diff_handlers),
		cmocka_unit_test(test_diff_secret_masked),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_apply_report),
		cmocka_unit_test(test_local_round_trip),
		cmocka_unit_test(test_local_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
