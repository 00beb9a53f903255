/*
 * Unit tests for what kcfg takes as host names, addresses and user names
 * (config/names.c), and for values quoted into sh scripts by where they
 * land (transport/sh-template.c): each template is run by the real
 * /bin/sh with a hostile value, which must come out as the same bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "components/cluster-values.h"
#include "config/names.h"
#include "transport/sh-template.h"
#include "util/strbuf.h"

static void test_hostnames(void **state)
{
	static const char *const good[] = {
		"kube-node1", "a", "node1.lab", "k8s-01.cluster.example", "1node", "0-a",
	};
	static const char *const bad[] = {
		"", "../../../../etc", "..", ".", "a..b", "a.", ".a", "-a", "a-", "Kube-Node1",
		"a b", "km;touch${IFS}X;#e;#", "a_b", "10.0.0.5", "1.2", "a/b", "a\tb",
		"n\xc3\xbc", "a:b",
	};
	char long_label[70], long_name[300];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(names_hostname_ok(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(names_hostname_ok(bad[i]));
	memset(long_label, 'a', 63);
	long_label[63] = '\0';
	assert_true(names_hostname_ok(long_label));
	long_label[63] = 'a';
	long_label[64] = '\0';
	assert_false(names_hostname_ok(long_label));
	/* 253 bytes in all at most */
	memset(long_name, 'a', sizeof(long_name));
	for (size_t i = 63; i < sizeof(long_name); i += 64)
		long_name[i] = '.';
	long_name[253] = '\0';
	assert_true(names_hostname_ok(long_name));
	long_name[253] = 'a';
	long_name[254] = '\0';
	assert_false(names_hostname_ok(long_name));
}

static void test_addresses(void **state)
{
	static const char *const good[] = {
		"10.13.0.11", "0.0.0.0", "255.255.255.255", "fd00::12", "::1", "fe80::21",
		"2001:db8::1.2.3.4", "FD00::A", "harbor.example.org", "Harbor.Lab.", "_srv.x",
		"gpu2.cluster.example",
	};
	static const char *const bad[] = {
		"", "10.13.0.300", "10.13.0", "010.1.1.1", "42", "1.2.3.4.5", "fd00::12%eth0",
		"[fd00::12]", "fd00:::1", "-oProxyCommand=x", "bad host!", "a;b", "a..b", ".",
		"x:1", "harbor.example.org:443", "a$(id)",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(names_address_ok(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(names_address_ok(bad[i]));
	assert_true(names_ipv4_ok("10.1.2.3"));
	assert_false(names_ipv4_ok("fd00::1"));
	assert_true(names_ipv6_ok("fd00::1"));
	assert_false(names_ipv6_ok("10.1.2.3"));
	assert_false(names_ip_ok("harbor"));
}

static void test_users_and_netifs(void **state)
{
	(void)state;
	assert_true(names_user_ok("mdxuser"));
	assert_true(names_user_ok("_svc-1"));
	assert_false(names_user_ok(""));
	assert_false(names_user_ok("Root"));
	assert_false(names_user_ok("1user"));
	assert_false(names_user_ok("-oProxyCommand=x"));
	assert_false(names_user_ok("a b"));
	assert_false(names_user_ok("a$"));
	assert_false(names_user_ok("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_true(names_netif_ok("ens192"));
	assert_true(names_netif_ok("bond0.100"));
	assert_false(names_netif_ok(""));
	assert_false(names_netif_ok("-x"));
	assert_false(names_netif_ok(".."));
	assert_false(names_netif_ok("a;b"));
	assert_false(names_netif_ok("abcdefghijklmnop"));
	/* a Kubernetes label value (mig_config) */
	assert_true(names_label_value_ok("all-1g.10gb"));
	assert_true(names_label_value_ok("all-1g.10gb.me"));
	assert_true(names_label_value_ok("A_b-9"));
	assert_true(names_label_value_ok("x"));
	assert_true(names_label_value_ok("a23456789012345678901234567890123456789012345678901234567890123"));
	assert_false(names_label_value_ok("a234567890123456789012345678901234567890123456789012345678901234"));
	assert_false(names_label_value_ok(""));
	assert_false(names_label_value_ok("-all"));
	assert_false(names_label_value_ok("all."));
	assert_false(names_label_value_ok("_all"));
	assert_false(names_label_value_ok("all;reboot"));
	assert_false(names_label_value_ok("all 1g"));
	assert_false(names_label_value_ok("a'b"));
	assert_false(names_label_value_ok("a/b"));
	assert_false(names_label_value_ok("a=b"));
	assert_false(names_label_value_ok("caf\xc3\xa9"));
}

static void test_url_host(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	names_url_host(&sb, "fd00::12");
	strbuf_addch(&sb, ' ');
	names_url_host(&sb, "10.0.0.1");
	strbuf_addch(&sb, ' ');
	names_url_host(&sb, "harbor.internal");
	assert_string_equal(sb.buf, "[fd00::12] 10.0.0.1 harbor.internal");
	strbuf_release(&sb);
}

/* `kcfg kubeconfig` points the admin kubeconfig at the controller: IPv6 in brackets. */
static void test_kubeconfig_server(void **state)
{
	const char *kc = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://localhost:6443\n"
			 "  name: local\n";
	struct strbuf out = STRBUF_INIT;

	(void)state;
	cluster_kubeconfig_set_server(kc, "fd00::12", &out);
	assert_non_null(strstr(out.buf, "\n    server: https://[fd00::12]:6443\n"));
	strbuf_reset(&out);
	cluster_kubeconfig_set_server(kc, "10.13.0.3", &out);
	assert_non_null(strstr(out.buf, "\n    server: https://10.13.0.3:6443\n"));
	strbuf_release(&out);
}

/*
 * `tmpl` with each '@' a value; returns 0 and the script in `out`, or -1
 * with the template's complaint in `err`.
 */
static int expand(const char *tmpl, const char *value, struct strbuf *out, struct strbuf *err)
{
	struct sh_template t;

	sh_template_init(&t, out);
	for (const char *p = tmpl; *p;) {
		size_t n = strcspn(p, "@");
		sh_template_text(&t, p, n);
		p += n;
		if (*p == '@') {
			sh_template_value(&t, value, strlen(value));
			p++;
		}
	}
	return sh_template_finish(&t, err);
}

/* What /bin/sh prints running `script` (no stdin), in `out`. */
static void run_sh(const char *script, struct strbuf *out)
{
	char path[] = "/tmp/kcfg-test-names.XXXXXX";
	struct strbuf cmd = STRBUF_INIT;
	int fd = mkstemp(path);
	FILE *p;
	char buf[512];
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	strbuf_addf(&cmd, "cd /tmp && /bin/sh %s </dev/null 2>&1", path);
	p = popen(cmd.buf, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_add(out, buf, n);
	pclose(p);
	unlink(path);
	strbuf_release(&cmd);
}

/* Everything sh would take as code: quotes, expansions, separators, a newline. */
#define HOSTILE "a'b\"c$(echo INJ)`echo INJ`${HOME}\\d e;f*|g&h#i\\\\"

static void test_template_contexts(void **state)
{
	static const struct { const char *tmpl, *want; } cases[] = {
		{ "printf '%s\\n' @", "V\n" },
		{ "printf '%s\\n' x@y", "xVy\n" },
		{ "printf '%s\\n' \"pre @ post\"", "pre V post\n" },
		{ "printf '%s\\n' 'pre @ post'", "pre V post\n" },
		{ "printf '%s\\n' 'it'\\''s' @", "it's\nV\n" },
		{ "# a comment: it's @\nprintf '%s\\n' ok", "ok\n" },
		{ "printf '%s\\n' ok # it's @ here\nprintf '%s\\n' @", "ok\nV\n" },
		{ "cat <<EOF\nline @ end\nEOF\nprintf '%s\\n' @", "line V end\nV\n" },
		{ "cat <<'EOF'\nit's @ $HOME\nEOF", "it's V $HOME\n" },
		{ "cat <<\\EOF\n@\nEOF", "V\n" },
		{ "cat <<-EOF\n\t\tline @\n\tEOF\nprintf '%s\\n' @", "line V\nV\n" },
		{ "cat <<A; cat <<\"B\"\na @\nA\nb @ $x\nB\nprintf '%s\\n' @", "a V\nb V $x\nV\n" },
		{ "printf '%s\\n' \"$(printf '%s' @)\"", "V\n" },
		{ "printf '%s\\n' \"$(printf '%s' '@')\"", "V\n" },
		{ "printf '%s\\n' \"$(printf '%s' \"in @\")\"", "in V\n" },
		{ "printf '%s\\n' \"`printf '%s' @`\"", "V\n" },
		{ "printf '%s\\n' \"`printf '%s' \"@\"`\"", "V\n" },
		{ "printf '%s\\n' \"`printf '%s' '@'`\"", "V\n" },
		{ "x=$(printf '%s' \"$(printf '%s' @)\"); printf '%s\\n' \"$x\"", "V\n" },
		{ "printf '%s\\n' $((1<<2)) @", "4\nV\n" },
		{ "case y in y) printf '%s\\n' @;; esac", "V\n" },
		{ "f() { printf '%s\\n' \"$1\"; }; f @", "V\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct strbuf script = STRBUF_INIT, err = STRBUF_INIT, got = STRBUF_INIT;
		struct strbuf want = STRBUF_INIT;

		assert_int_equal(expand(cases[i].tmpl, HOSTILE, &script, &err), 0);
		run_sh(script.buf, &got);
		for (const char *p = cases[i].want; *p; p++)
			if (*p == 'V')
				strbuf_addstr(&want, HOSTILE);
			else
				strbuf_addch(&want, *p);
		if (strcmp(got.buf, want.buf))
			fail_msg("template %zu:\n%s\nscript:\n%s\ngot:\n%s\nwant:\n%s", i,
				 cases[i].tmpl, script.buf, got.buf, want.buf);
		strbuf_release(&script);
		strbuf_release(&err);
		strbuf_release(&got);
		strbuf_release(&want);
	}
}

static void test_template_refusals(void **state)
{
	static const struct { const char *tmpl, *value, *why; } cases[] = {
		{ "printf '%s' \\@", "x", "a value right after a backslash cannot be quoted" },
		{ "printf '%s' \"\\@\"", "x", "a value right after a backslash cannot be quoted" },
		{ "cat <<@\nx\n", "EOF", "a value cannot be a here-document's delimiter" },
		{ "cat <<EOF\n@\nEOF\n", "EOF", "a value would end a here-document there" },
		{ "cat <<EOF\n@\nEOF\n", "x\nEOF\nid", "a value would end a here-document there" },
		{ "cat <<-EOF\n\t@F\nEOF\n", "EO", "a value would end a here-document there" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct strbuf script = STRBUF_INIT, err = STRBUF_INIT;

		assert_int_equal(expand(cases[i].tmpl, cases[i].value, &script, &err), -1);
		assert_string_equal(err.buf, cases[i].why);
		strbuf_release(&script);
		strbuf_release(&err);
	}
}

/* A plain name goes in quoted, and means itself wherever it lands. */
static void test_template_plain_name(void **state)
{
	struct strbuf script = STRBUF_INIT, err = STRBUF_INIT;

	(void)state;
	assert_int_equal(expand("hostnamectl set-hostname @ && echo \"@\" '@'", "kube-node1",
				&script, &err), 0);
	assert_string_equal(script.buf, "hostnamectl set-hostname 'kube-node1' && echo "
			     "\"kube-node1\" '''kube-node1'''");
	strbuf_release(&script);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostnames),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_users_and_netifs),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_kubeconfig_server),
		cmocka_unit_test(test_template_contexts),
		cmocka_unit_test(test_template_refusals),
		cmocka_unit_test(test_template_plain_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
