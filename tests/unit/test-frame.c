/*
 * Unit tests for the receiving half of the session protocol (frame.c),
 * the shell quoting it relies on (shell.c) and how a failed connection
 * is explained (classify.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "transport/classify.h"
#include "transport/frame.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/strvec.h"

static const char nonce[] = "0123456789abcdef0123456789abcdef";

/* "\036kcfg-NONCE ID STATUS\n" */
static void marker(struct strbuf *sb, const char *n, unsigned long id, int status)
{
	strbuf_addf(sb, "\036kcfg-%s %lu %d\n", n, id, status);
}

/*
 * Feeds `data` in pieces of `step` bytes, collecting every frame's output
 * as "[ID:STATUS:OUTPUT]" into `got`. Returns 0, or -1 on a parse error.
 */
static int feed_all(struct frame_parser *fp, const char *data, size_t len, size_t step,
		    struct strbuf *got)
{
	struct strbuf err = STRBUF_INIT;
	size_t off = 0;
	int ret = 0;

	while (off < len) {
		size_t n = len - off < step ? len - off : step;
		const char *p = data + off;

		off += n;
		while (n) {
			struct frame_end end;
			struct strbuf out = STRBUF_INIT;
			int done;
			ssize_t used = frame_feed(fp, p, n, &done, &end, &err);

			if (used < 0) {
				ret = -1;
				goto out;
			}
			assert_true((size_t)used <= n);
			p += used;
			n -= (size_t)used;
			if (done) {
				size_t dropped = frame_take(fp, &out);
				strbuf_addf(got, "[%lu:%d:%s", end.id, end.status, out.buf);
				if (dropped)
					strbuf_addf(got, "+%zu dropped", dropped);
				strbuf_addch(got, ']');
			} else {
				assert_int_equal(n, 0);
			}
			strbuf_release(&out);
		}
	}
out:
	strbuf_release(&err);
	return ret;
}

static void test_whole_frames(void **state)
{
	struct frame_parser fp;
	struct strbuf in = STRBUF_INIT, got = STRBUF_INIT;

	frame_init(&fp, nonce, MAX_REMOTE_OUTPUT);
	strbuf_addstr(&in, "hello\nworld\n");
	marker(&in, nonce, 1, 0);
	strbuf_addstr(&in, "no newline at the end");
	marker(&in, nonce, 2, 3);
	marker(&in, nonce, 3, 255);
	assert_int_equal(feed_all(&fp, in.buf, in.len, in.len, &got), 0);
	assert_string_equal(got.buf,
		"[1:0:hello\nworld\n][2:3:no newline at the end][3:255:]");
	frame_release(&fp);
	strbuf_release(&in);
	strbuf_release(&got);
}

/* Every split of the input gives the same frames as one read. */
static void test_split_reads(void **state)
{
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;

	strbuf_addstr(&in, "a\036b\036kcfg-x");	/* stray mark characters */
	marker(&in, nonce, 7, 1);
	strbuf_addstr(&in, "\036\036kcfg-0123");	/* a marker cut short, twice */
	marker(&in, nonce, 8, 0);
	strbuf_addstr(&want, "[7:1:a\036b\036kcfg-x][8:0:\036\036kcfg-0123]");
	for (size_t step = 1; step <= in.len; step++) {
		struct frame_parser fp;
		struct strbuf got = STRBUF_INIT;

		frame_init(&fp, nonce, MAX_REMOTE_OUTPUT);
		assert_int_equal(feed_all(&fp, in.buf, in.len, step, &got), 0);
		assert_string_equal(got.buf, want.buf);
		frame_release(&fp);
		strbuf_release(&got);
	}
	strbuf_release(&in);
	strbuf_release(&want);
}

/* A marker in the middle of a chunk ends the frame there, no further. */
static void test_marker_mid_chunk(void **state)
{
	struct frame_parser fp;
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct frame_end end;
	size_t first;
	ssize_t used;
	int done;

	frame_init(&fp, nonce, MAX_REMOTE_OUTPUT);
	strbuf_addstr(&in, "one");
	marker(&in, nonce, 1, 0);
	first = in.len;
	strbuf_addstr(&in, "two");
	used = frame_feed(&fp, in.buf, in.len, &done, &end, &err);
	assert_int_equal(used, first);
	assert_int_equal(done, 1);
	assert_int_equal(end.id, 1);
	frame_take(&fp, &out);
	assert_string_equal(out.buf, "one");
	used = frame_feed(&fp, in.buf + first, in.len - first, &done, &end, &err);
	assert_int_equal(used, 3);
	assert_int_equal(done, 0);
	assert_string_equal(fp.out.buf, "two");
	frame_release(&fp);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* Output cannot end a frame without the session's nonce. */
static void test_forged_marker(void **state)
{
	struct frame_parser fp;
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;

	frame_init(&fp, nonce, MAX_REMOTE_OUTPUT);
	marker(&in, "fedcba9876543210fedcba9876543210", 1, 0);	/* another nonce */
	strbuf_addstr(&in, "\036kcfg- 1 0\n");				/* none */
	strbuf_addstr(&in, "\036kcfg-0123456789abcdef0123456789abcde 1 0\n"); /* one short */
	strbuf_addbuf(&want, &in);
	marker(&in, nonce, 1, 0);
	assert_int_equal(feed_all(&fp, in.buf, in.len, 5, &got), 0);
	assert_int_equal(got.len, want.len + strlen("[1:0:]"));
	assert_memory_equal(got.buf + strlen("[1:0:"), want.buf, want.len);
	frame_release(&fp);
	strbuf_release(&in);
	strbuf_release(&want);
	strbuf_release(&got);
}

/* Past the cap output is counted, not kept, and the marker still ends it. */
static void test_cap_exceeded(void **state)
{
	struct frame_parser fp;
	struct strbuf in = STRBUF_INIT, got = STRBUF_INIT;

	frame_init(&fp, nonce, 10);
	strbuf_addstr(&in, "0123456789abcdefghij");
	marker(&in, nonce, 4, 0);
	strbuf_addstr(&in, "short");
	marker(&in, nonce, 5, 0);
	assert_int_equal(feed_all(&fp, in.buf, in.len, 3, &got), 0);
	assert_string_equal(got.buf, "[4:0:0123456789+10 dropped][5:0:short]");
	frame_release(&fp);
	strbuf_release(&in);
	strbuf_release(&got);
}

static void test_malformed_trailers(void **state)
{
	static const char *const bad[] = {
		"x 0\n", "1\n", "1 \n", "1 256\n", "1 0 extra\n", "-1 0\n", "1 -1\n",
		"1 00000000000000000000000000000000000000000000000000000\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct frame_parser fp;
		struct strbuf in = STRBUF_INIT, got = STRBUF_INIT;

		frame_init(&fp, nonce, MAX_REMOTE_OUTPUT);
		strbuf_addf(&in, "\036kcfg-%s %s", nonce, bad[i]);
		assert_int_equal(feed_all(&fp, in.buf, in.len, in.len, &got), -1);
		frame_release(&fp);
		strbuf_release(&in);
		strbuf_release(&got);
	}
}

static void test_nonce(void **state)
{
	char a[FRAME_NONCE_LEN + 1], b[FRAME_NONCE_LEN + 1];

	assert_int_equal(frame_make_nonce(a), 0);
	assert_int_equal(frame_make_nonce(b), 0);
	assert_int_equal(strlen(a), FRAME_NONCE_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), FRAME_NONCE_LEN);
	assert_string_not_equal(a, b);
}

static void test_sq_quote(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	sq_quote(&sb, "it's a $HOME `x`");
	assert_string_equal(sb.buf, "'it'\\''s a $HOME `x`'");
	strbuf_release(&sb);
}

static void test_shell_split(void **state)
{
	struct strvec v = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(shell_split(" -o 'ProxyJump=a b'  -oX=\"c\\\"d\" e\\ f '' ", &v, &err), 0);
	assert_int_equal(v.nr, 5);
	assert_string_equal(v.v[0], "-o");
	assert_string_equal(v.v[1], "ProxyJump=a b");
	assert_string_equal(v.v[2], "-oX=c\"d");
	assert_string_equal(v.v[3], "e f");
	assert_string_equal(v.v[4], "");
	assert_int_equal(shell_split("-o 'open", &v, &err), -1);
	assert_string_equal(err.buf, "unterminated single quote in '-o 'open'");
	strvec_clear(&v);
	strbuf_release(&err);
}

struct classify_case {
	const char *stderr_text;
	int become;
	enum session_error want;
	const char *msg;
};

static void test_classify(void **state)
{
	static const struct classify_case cases[] = {
		{ "ssh: connect to host 10.0.0.9 port 22: No route to host\r\n", 0,
		  SESSION_ERR_UNREACHABLE, "cannot connect to 'node1' (10.0.0.9): no route to host" },
		{ "ssh: connect to host 10.0.0.9 port 22: Connection refused\n", 0,
		  SESSION_ERR_UNREACHABLE, "cannot connect to 'node1' (10.0.0.9): connection refused" },
		{ "ssh: Could not resolve hostname x: Name or service not known\n", 0,
		  SESSION_ERR_UNREACHABLE, "cannot connect to 'node1' (10.0.0.9): could not resolve hostname" },
		{ "alice@10.0.0.9: Permission denied (publickey).\r\n", 0,
		  SESSION_ERR_AUTH, "login to 'node1' (10.0.0.9) as 'alice' refused: permission denied (publickey)" },
		{ "@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
		  "Host key verification failed.\n", 0,
		  SESSION_ERR_HOSTKEY_CHANGED, "the host key of 'node1' (10.0.0.9) has changed" },
		{ "No ED25519 host key is known for 10.0.0.9 and you have requested strict checking.\n"
		  "Host key verification failed.\n", 0,
		  SESSION_ERR_HOSTKEY_UNKNOWN, "the host key of 'node1' (10.0.0.9) is not known" },
		{ "kcfg-hello\nsudo: a password is required\n", 1,
		  SESSION_ERR_SUDO, "sudo refused on 'node1' (10.0.0.9): a password is required" },
		{ "alice is not in the sudoers file.  This incident will be reported.\n", 1,
		  SESSION_ERR_SUDO, "sudo refused on 'node1' (10.0.0.9): the user is not allowed to use sudo" },
		{ "sh: 1: exec: sudo: not found\n", 1,
		  SESSION_ERR_SUDO, "sudo refused on 'node1' (10.0.0.9): sudo is not installed" },
		{ "something odd\nbye\n", 0,
		  SESSION_ERR_DIED, "connection to 'node1' (10.0.0.9) ended before the remote shell was ready (exit status 255): bye" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct session_target t = { "node1", "10.0.0.9", "alice" };
		struct strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;

		t.become = cases[i].become;
		assert_int_equal(classify_failure(&t, SESSION_CONNECTING, cases[i].stderr_text,
						  255 << 8, &msg, &hint), cases[i].want);
		assert_string_equal(msg.buf, cases[i].msg);
		assert_true(hint.len > 0);
		strbuf_release(&msg);
		strbuf_release(&hint);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_frames),
		cmocka_unit_test(test_split_reads),
		cmocka_unit_test(test_marker_mid_chunk),
		cmocka_unit_test(test_forged_marker),
		cmocka_unit_test(test_cap_exceeded),
		cmocka_unit_test(test_malformed_trailers),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_sq_quote),
		cmocka_unit_test(test_shell_split),
		cmocka_unit_test(test_classify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
