/*
 * Unit tests for the runner and sessions with a fake transport: the
 * "remote" shell is /bin/sh on this machine, so the whole protocol runs
 * (bootstrap, loop, framing, timeouts, caps, uploads) without ssh, and
 * the spawn function can make chosen hosts fail to connect.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transport/runner.h"
#include "util/proc.h"
#include "util/strbuf.h"

/* The runner whose sessions fake_spawn() counts, and the count. */
static struct runner *counted;
static unsigned most_connecting;	/* other sessions connecting at a spawn */

/* Hosts whose address is "unreachable" fail like ssh does; "broken" dies at once. */
static int fake_spawn(const struct session_target *t, const char *remote_cmd,
		      struct proc *p, struct strbuf *err)
{
	const char *unreachable[] = { "/bin/sh", "-c",
		"echo 'ssh: connect to host 10.9.9.9 port 22: Connection refused' >&2; exit 255",
		NULL };
	const char *broken[] = { "/bin/sh", "-c", "exit 3", NULL };

	if (counted) {
		unsigned n = 0;

		for (size_t i = 0; i < counted->nr; i++)
			n += counted->hosts[i]->state == RUNNER_ACTIVE &&
			     session_connecting(&counted->hosts[i]->sess);
		if (n > most_connecting)
			most_connecting = n;
	}
	if (!strcmp(t->address, "unreachable"))
		return proc_spawn(p, unreachable, err);
	if (!strcmp(t->address, "broken"))
		return proc_spawn(p, broken, err);
	return transport_local.spawn(t, remote_cmd, p, err);
}

static const struct transport fake = { "fake", fake_spawn };

#define MAX_HOSTS 32

struct fixture {
	struct session_target t[MAX_HOSTS];
	char names[MAX_HOSTS][16];
	struct runner r;
	char dir[64];
	unsigned steps_seen[MAX_HOSTS];
	int max_running;
	int raise_after;	/* raise SIGINT after this many results; 0: never */
	int results;
};

static int count_step(struct runner_host *h, size_t step, const struct runner_result *res,
		      void *data)
{
	struct fixture *f = data;
	int n = (int)strtol(res->out.buf, NULL, 10);	/* steps print how many ran at once */

	f->steps_seen[h->target - f->t]++;
	if (n > f->max_running)
		f->max_running = n;
	if (f->raise_after && ++f->results == f->raise_after)
		raise(SIGINT);
	return runner_step_ok(res);
}

static struct fixture *setup(unsigned hosts, const char *address)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/kcfg-test-runner.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	runner_init(&f->r, &fake);
	f->r.on_step = count_step;
	f->r.data = f;
	for (unsigned i = 0; i < hosts; i++) {
		snprintf(f->names[i], sizeof(f->names[i]), "h%u", i + 1);
		f->t[i].name = f->names[i];
		f->t[i].address = address;
		runner_add_host(&f->r, &f->t[i]);
	}
	return f;
}

static void teardown(struct fixture *f)
{
	char cmd[128];

	runner_release(&f->r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
}

/* A step that records how many steps run at once, then sleeps. */
static void concurrent_step(struct fixture *f, char *buf, size_t len, const char *sleep_s)
{
	snprintf(buf, len,
		 "mkdir '%s/'$$ && ls '%s' | wc -l && sleep %s && rmdir '%s/'$$",
		 f->dir, f->dir, sleep_s, f->dir);
}

static void test_concurrency_limit(void **state)
{
	struct fixture *f = setup(6, "local");
	char step[256];

	concurrent_step(f, step, sizeof(step), "0.2");
	for (size_t i = 0; i < f->r.nr; i++) {
		runner_add_step(f->r.hosts[i], "a", step, 5000);
		runner_add_step(f->r.hosts[i], "b", step, 5000);
	}
	f->r.forks = 2;
	assert_int_equal(runner_run(&f->r), 0);
	assert_int_equal(f->r.max_active, 2);
	assert_int_equal(f->max_running, 2);	/* seen from the steps themselves */
	for (size_t i = 0; i < f->r.nr; i++) {
		assert_int_equal(f->r.hosts[i]->state, RUNNER_OK);
		assert_int_equal(f->steps_seen[i], 2);
		assert_int_equal(f->r.hosts[i]->remote_uid, (int)getuid());
	}
	teardown(f);
}

static void test_failure_isolation(void **state)
{
	struct fixture *f = setup(4, "local");
	struct runner_host *bad;

	f->t[3].address = "unreachable";
	for (size_t i = 0; i < f->r.nr; i++) {
		runner_add_step(f->r.hosts[i], "first", i == 1 ? "echo oops >&2; exit 3" : "echo 1",
				5000);
		runner_add_step(f->r.hosts[i], "second", "echo 1", 5000);
	}
	assert_int_equal(runner_run(&f->r), 2);
	assert_int_equal(f->r.hosts[0]->state, RUNNER_OK);
	assert_int_equal(f->r.hosts[2]->state, RUNNER_OK);
	assert_int_equal(f->steps_seen[0], 2);
	assert_int_equal(f->steps_seen[2], 2);
	bad = f->r.hosts[1];
	assert_int_equal(bad->state, RUNNER_FAILED);
	assert_int_equal(f->steps_seen[1], 1);	/* stopped after the failed step */
	assert_string_equal(bad->errmsg.buf,
			    "step 'first' on 'h2' failed with exit status 3: oops");
	bad = f->r.hosts[3];
	assert_int_equal(bad->state, RUNNER_FAILED);
	assert_int_equal(bad->error, SESSION_ERR_UNREACHABLE);
	assert_string_equal(bad->errmsg.buf,
			    "cannot connect to 'h4' (unreachable): connection refused");
	assert_int_equal(f->steps_seen[3], 0);
	teardown(f);
}

static void test_fail_fast(void **state)
{
	struct fixture *f = setup(4, "local");
	char step[256];

	/* h1 fails while h2 is in the middle of its first step */
	concurrent_step(f, step, sizeof(step), "1");
	runner_add_step(f->r.hosts[0], "boom", "sleep 0.3; exit 1", 5000);
	for (size_t i = 1; i < f->r.nr; i++) {
		runner_add_step(f->r.hosts[i], "a", step, 5000);
		runner_add_step(f->r.hosts[i], "b", step, 5000);
	}
	f->r.forks = 2;
	f->r.fail_fast = 1;
	assert_int_equal(runner_run(&f->r), 4);
	assert_int_equal(f->r.hosts[0]->state, RUNNER_FAILED);
	/* h2 was running: it finished its step, then stopped cleanly */
	assert_int_equal(f->r.hosts[1]->state, RUNNER_CANCELLED);
	assert_int_equal(f->steps_seen[1], 1);
	assert_string_equal(f->r.hosts[1]->errmsg.buf,
			    "'h2' stopped before step 'b' (another host failed)");
	for (size_t i = 2; i < 4; i++) {
		assert_int_equal(f->r.hosts[i]->state, RUNNER_CANCELLED);
		assert_int_equal(f->steps_seen[i], 0);
	}
	teardown(f);
}

static void test_connect_failure_kinds(void **state)
{
	struct fixture *f = setup(2, "broken");

	f->t[1].address = "local";
	f->t[1].become = 1;	/* sudo is not installed here, or asks */
	runner_add_step(f->r.hosts[0], "a", "true", 1000);
	runner_add_step(f->r.hosts[1], "a", "true", 1000);
	assert_int_equal(runner_run(&f->r), 2);
	assert_int_equal(f->r.hosts[0]->error, SESSION_ERR_DIED);
	assert_string_equal(f->r.hosts[0]->errmsg.buf,
			    "connection to 'h1' (broken) ended before the remote shell was ready "
			    "(exit status 3)");
	/* as root sudo -n may succeed; the test only needs it not to hang */
	assert_true(f->r.hosts[1]->state == RUNNER_OK ||
		    f->r.hosts[1]->error == SESSION_ERR_SUDO);
	teardown(f);
}

static void test_timeout_and_cap(void **state)
{
	struct fixture *f = setup(1, "local");
	struct runner_host *h = f->r.hosts[0];

	f->r.on_step = NULL;
	runner_add_step(h, "fine", "echo ok", 5000);
	runner_add_step(h, "slow", "sleep 30", 1000);
	assert_int_equal(runner_run(&f->r), 1);
	assert_int_equal(h->state, RUNNER_FAILED);
	assert_string_equal(h->errmsg.buf, "step 'slow' on 'h1' timed out after 1 s");
	teardown(f);

	f = setup(1, "local");
	h = f->r.hosts[0];
	f->r.on_step = NULL;
	runner_add_step(h, "chatty", "head -c 5000000 /dev/zero; echo done >&2", 10000);
	assert_int_equal(runner_run(&f->r), 1);
	assert_string_equal(h->errmsg.buf,
			    "step 'chatty' on 'h1' wrote more than the 4 MiB output cap");
	teardown(f);
}

struct capture {
	int status, truncated, timed_out, skipped;
	size_t out_len;
	char err[64];
};

static int capture_step(struct runner_host *h, size_t step, const struct runner_result *res,
			void *data)
{
	struct capture *c = (struct capture *)data + step;

	c->status = res->status;
	c->truncated = res->truncated;
	c->timed_out = res->timed_out;
	c->skipped = res->skipped;
	c->out_len = res->out.len;
	snprintf(c->err, sizeof(c->err), "%s", res->err.buf);
	return 0;	/* go on whatever happened */
}

/* After a timeout or a capped step the session is still usable. */
static void test_session_survives(void **state)
{
	struct fixture *f = setup(1, "local");
	struct runner_host *h = f->r.hosts[0];
	struct capture c[4];
	uint64_t t0 = session_now_us();

	memset(c, 0, sizeof(c));
	f->r.on_step = capture_step;
	f->r.data = c;
	runner_add_step(h, "slow", "sleep 30", 1000);
	runner_add_step(h, "chatty", "head -c 5000000 /dev/zero", 10000);
	runner_add_step(h, "exit", "printf 'x'; printf 'y' >&2; exit 7", 1000);
	runner_add_step(h, "stdin", "cat; echo end", 1000);
	assert_int_equal(runner_run(&f->r), 0);
	assert_true(session_now_us() - t0 < 5000000);
	assert_int_equal(c[0].status, 124);
	assert_true(c[0].timed_out);
	assert_true(c[1].truncated);
	assert_int_equal(c[1].out_len, MAX_REMOTE_OUTPUT);
	assert_int_equal(c[2].status, 7);
	assert_int_equal(c[2].out_len, 1);
	assert_string_equal(c[2].err, "y");
	assert_int_equal(c[3].status, 0);	/* stdin is /dev/null, not the channel */
	teardown(f);
}

/* 1 when `needle` occurs anywhere in the `len` bytes at `hay`. */
static int holds(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(hay + i, needle, n))
			return 1;
	return 0;
}

/*
 * Scripts embed secrets (a join token in apply's second pass, a secret
 * file's content): once sent, the session's write buffer keeps none of it.
 */
static void test_session_keeps_no_sent_script(void **state)
{
	struct fixture *f = setup(1, "local");
	struct runner_host *h = f->r.hosts[0];
	struct capture c[2];

	memset(c, 0, sizeof(c));
	f->r.on_step = capture_step;
	f->r.data = c;
	runner_add_step(h, "token", "printf 'tok' # KCFG-SECRET-1234 KCFG-SECRET-1234", 5000);
	runner_add_step(h, "next", "true", 5000);
	assert_int_equal(runner_run(&f->r), 0);
	assert_int_equal(c[0].out_len, 3);
	assert_true(h->sess.wbuf.alloc > 0);
	assert_false(holds(h->sess.wbuf.buf, h->sess.wbuf.alloc, "KCFG-SECRET"));
	teardown(f);
}

static void test_shell_dies_mid_step(void **state)
{
	struct fixture *f = setup(2, "local");

	f->r.on_step = NULL;
	runner_add_step(f->r.hosts[0], "suicide", "kill -9 $PPID; sleep 1", 0);	/* no timeout(1) between */
	runner_add_step(f->r.hosts[1], "fine", "true", 5000);
	assert_int_equal(runner_run(&f->r), 1);
	assert_int_equal(f->r.hosts[0]->state, RUNNER_FAILED);
	assert_int_equal(f->r.hosts[0]->error, SESSION_ERR_DIED);
	assert_string_equal(f->r.hosts[0]->errmsg.buf,
			    "connection to 'h1' lost during a step (killed by signal 9)");
	assert_int_equal(f->r.hosts[1]->state, RUNNER_OK);
	teardown(f);
}

static void write_random(const char *path, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	srand(42);
	for (size_t i = 0; i < len; i++)
		fputc(rand() & 0xff, fp);
	fclose(fp);
}

static void test_upload(void **state)
{
	struct capture c[2];
	char src[128], dest[128], cmd[300];
	struct stat st;

	for (int round = 0; round < 3; round++) {
		struct fixture *f = setup(1, "local");

		snprintf(src, sizeof(src), "/tmp/kcfg-test-upload-%d.bin", (int)getpid());
		snprintf(dest, sizeof(dest), "/tmp/kcfg-test-upload-%d/sub/file.bin", (int)getpid());
		if (round == 0)
			write_random(src, (3u << 20) + 17);
		if (round == 2) {
			FILE *fp = fopen(src, "ab");	/* changed: sent again */
			fputs("more", fp);
			fclose(fp);
		}
		memset(c, 0, sizeof(c));
		f->r.on_step = capture_step;
		f->r.data = c;
		runner_add_upload(f->r.hosts[0], "k0s", src, dest, 0750, NULL, 30000);
		runner_add_step(f->r.hosts[0], "after", "echo still in step", 1000);
		assert_int_equal(runner_run(&f->r), 0);
		assert_int_equal(c[0].status, 0);
		assert_int_equal(c[0].skipped, round == 1);
		assert_int_equal(c[1].status, 0);
		snprintf(cmd, sizeof(cmd), "cmp '%s' '%s'", src, dest);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(stat(dest, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0750);
		teardown(f);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' /tmp/kcfg-test-upload-%d", src, (int)getpid());
	assert_int_equal(system(cmd), 0);
}

static void test_upload_missing_file(void **state)
{
	struct fixture *f = setup(1, "local");

	f->r.on_step = NULL;
	runner_add_upload(f->r.hosts[0], "k0s", "/nonexistent/k0s", "/tmp/x", 0755, NULL, 1000);
	assert_int_equal(runner_run(&f->r), 1);
	assert_string_equal(f->r.hosts[0]->errmsg.buf,
			    "cannot upload to 'h1': cannot open '/nonexistent/k0s': "
			    "No such file or directory");
	teardown(f);
}

/* A first SIGINT lets running steps finish and starts nothing new. */
static void test_interrupt(void **state)
{
	struct fixture *f = setup(3, "local");
	char step[256];

	concurrent_step(f, step, sizeof(step), "0.1");
	for (size_t i = 0; i < f->r.nr; i++) {
		runner_add_step(f->r.hosts[i], "a", step, 5000);
		runner_add_step(f->r.hosts[i], "b", step, 5000);
	}
	f->r.forks = 2;
	f->raise_after = 1;
	assert_int_equal(runner_run(&f->r), 3);
	assert_int_equal(runner_interrupted(), 1);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(f->r.hosts[i]->state, RUNNER_CANCELLED);
		assert_int_equal(f->steps_seen[i], 1);	/* its running step ended */
	}
	assert_int_equal(f->r.hosts[2]->state, RUNNER_CANCELLED);
	assert_int_equal(f->steps_seen[2], 0);
	assert_string_equal(f->r.hosts[2]->errmsg.buf, "'h3' was not started (interrupted)");
	teardown(f);
}

/* Many hosts at once connect a few at a time; every one gets its turn. */
static void test_connect_limit(void **state)
{
	struct fixture *f = setup(30, "local");

	for (size_t i = 0; i < f->r.nr; i++)
		runner_add_step(f->r.hosts[i], "a", "echo 1", 5000);
	counted = &f->r;
	most_connecting = 0;
	assert_int_equal(runner_run(&f->r), 0);
	counted = NULL;
	assert_true(most_connecting < RUNNER_MAX_CONNECTING);
	assert_true(most_connecting > 0);	/* they did overlap */
	for (size_t i = 0; i < f->r.nr; i++)
		assert_int_equal(f->steps_seen[i], 1);
	teardown(f);
}

/*
 * 30 hosts at once need about 90 pipe ends; a soft open file limit of 64
 * (the hard one higher) is raised for them instead of failing hosts.
 */
static void test_fd_limit_raised(void **state)
{
	struct fixture *f = setup(30, "local");
	struct rlimit old, low;

	for (size_t i = 0; i < f->r.nr; i++)
		runner_add_step(f->r.hosts[i], "a", "sleep 0.5; echo 1", 5000);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < 30 * RUNNER_FILES_PER_HOST + 64) {
		teardown(f);
		skip();
	}
	low = old;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	assert_int_equal(runner_run(&f->r), 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &low), 0);
	assert_true(low.rlim_cur >= 30 * RUNNER_FILES_PER_HOST);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	teardown(f);
}

/*
 * With a hard limit too low for every host at once, the hosts that do
 * not fit fail with a message naming the limit; the others succeed. In a
 * child: a lowered hard limit cannot be raised again.
 */
static void test_fd_limit_message(void **state)
{
	struct fixture *f = setup(30, "local");
	pid_t pid;
	int st;

	for (size_t i = 0; i < f->r.nr; i++)
		runner_add_step(f->r.hosts[i], "a", "sleep 1; echo 1", 5000);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit low = { 48, 48 };
		int failed, ok = 0, named = 0;

		if (setrlimit(RLIMIT_NOFILE, &low) < 0)
			_exit(2);
		failed = runner_run(&f->r);
		for (size_t i = 0; i < f->r.nr; i++) {
			const struct runner_host *h = f->r.hosts[i];
			char want[128];

			snprintf(want, sizeof(want), "cannot start a session to '%s': too many "
				 "open files (RLIMIT_NOFILE is 48, the hard limit 48)",
				 h->target->name);
			ok += h->state == RUNNER_OK;
			named += h->state == RUNNER_FAILED && h->error == SESSION_ERR_SPAWN &&
				 !strcmp(h->errmsg.buf, want) && strstr(h->hint.buf, "ulimit -n");
		}
		/* fprintf, not cmocka: this is a forked copy of the test */
		if (!failed || ok == 0 || named != failed) {
			fprintf(stderr, "failed %d ok %d with the message %d; first: %s\n",
				failed, ok, named, f->r.hosts[f->r.nr - 1]->errmsg.buf);
			_exit(1);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	teardown(f);
}

static int keep_output(struct runner_host *h, size_t step, const struct runner_result *res,
		       void *data)
{
	struct strbuf *out = data;

	strbuf_addbuf(out, &res->out);
	return runner_step_ok(res);
}

/*
 * keep_open: steps added after a run go over the same session (the same
 * remote shell loop, whose private directory the steps print as $0); a failed host
 * takes no more steps; runner_close() ends the idle sessions cleanly.
 */
static void test_keep_open(void **state)
{
	struct fixture *f = setup(2, "local");
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t k;

	f->r.keep_open = 1;
	k = runner_add_step(f->r.hosts[0], "first", "echo $0", 5000);
	runner_step_on_done(f->r.hosts[0], k, keep_output, &a);
	runner_add_step(f->r.hosts[1], "fails", "exit 3", 5000);
	assert_int_equal(runner_run(&f->r), 1);
	assert_int_equal(f->r.hosts[0]->state, RUNNER_IDLE);
	assert_int_equal(f->r.hosts[1]->state, RUNNER_FAILED);

	k = runner_add_step(f->r.hosts[0], "second", "echo $0", 5000);
	runner_step_on_done(f->r.hosts[0], k, keep_output, &b);
	assert_int_equal(runner_run(&f->r), 1);	/* the failed one still counts */
	assert_int_equal(f->r.hosts[0]->state, RUNNER_IDLE);
	assert_true(a.len > 0);
	assert_string_equal(a.buf, b.buf);	/* one remote loop for both runs */
	assert_int_equal(f->steps_seen[0], 0);	/* the steps' own callbacks had them */

	runner_close(&f->r);
	assert_int_equal(f->r.hosts[0]->state, RUNNER_OK);
	assert_int_equal(f->r.hosts[0]->sess.state, SESSION_CLOSED);
	strbuf_release(&a);
	strbuf_release(&b);
	teardown(f);
}

/* A pull streams a file larger than the output cap, checked by sha256. */
static void test_pull(void **state)
{
	struct fixture *f = setup(1, "local");
	struct capture c[3];
	char src[128], dest[128], cmd[400];
	struct stat st;

	snprintf(src, sizeof(src), "%s/remote.bin", f->dir);
	snprintf(dest, sizeof(dest), "%s/local.bin", f->dir);
	write_random(src, MAX_REMOTE_OUTPUT + (1u << 20) + 5);
	memset(c, 0, sizeof(c));
	f->r.on_step = capture_step;
	f->r.data = c;
	runner_add_pull(f->r.hosts[0], "backup", src, dest, 30000);
	assert_int_equal(runner_run(&f->r), 0);
	assert_int_equal(c[0].status, 0);
	snprintf(cmd, sizeof(cmd), "cmp '%s' '%s'", src, dest);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, MAX_REMOTE_OUTPUT + (1u << 20) + 5);
	teardown(f);

	/* a symlink on the host is not followed; nothing is left here */
	f = setup(1, "local");
	snprintf(src, sizeof(src), "%s/link", f->dir);
	snprintf(dest, sizeof(dest), "%s/local.bin", f->dir);
	assert_int_equal(symlink("/etc/hostname", src), 0);
	f->r.on_step = NULL;
	runner_add_pull(f->r.hosts[0], "backup", src, dest, 30000);
	assert_int_equal(runner_run(&f->r), 1);
	assert_non_null(strstr(f->r.hosts[0]->errmsg.buf, "is not a regular file"));
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s' | grep -v '^link$')\"", f->dir);
	assert_int_equal(system(cmd), 0);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrency_limit),
		cmocka_unit_test(test_failure_isolation),
		cmocka_unit_test(test_fail_fast),
		cmocka_unit_test(test_connect_failure_kinds),
		cmocka_unit_test(test_timeout_and_cap),
		cmocka_unit_test(test_session_survives),
		cmocka_unit_test(test_session_keeps_no_sent_script),
		cmocka_unit_test(test_shell_dies_mid_step),
		cmocka_unit_test(test_upload),
		cmocka_unit_test(test_upload_missing_file),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_connect_limit),
		cmocka_unit_test(test_fd_limit_raised),
		cmocka_unit_test(test_fd_limit_message),
		cmocka_unit_test(test_keep_open),
		cmocka_unit_test(test_pull),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
