#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "transport/classify.h"
#include "transport/remote.h"
#include "transport/session.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define READ_CHUNK 65536
#define SEND_CHUNK 65536
/* Kept before the remote shell is ready: ssh's and sudo's messages. */
#define MAX_CONNECT_OUTPUT (64u << 10)

const char *session_error_name(enum session_error e)
{
	switch (e) {
	case SESSION_ERR_NONE: return "ok";
	case SESSION_ERR_SPAWN: return "cannot start";
	case SESSION_ERR_UNREACHABLE: return "unreachable";
	case SESSION_ERR_AUTH: return "auth refused";
	case SESSION_ERR_HOSTKEY_CHANGED: return "host key changed";
	case SESSION_ERR_HOSTKEY_UNKNOWN: return "host key unknown";
	case SESSION_ERR_SUDO: return "sudo refused";
	case SESSION_ERR_DIED: return "connection lost";
	case SESSION_ERR_TIMEOUT: return "timeout";
	case SESSION_ERR_PROTOCOL: return "protocol error";
	case SESSION_ERR_LOCAL: return "local error";
	case SESSION_ERR_INTERRUPTED: return "interrupted";
	}
	return "error";
}

uint64_t session_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void session_result_init(struct session_result *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->out, 0);
	strbuf_init(&r->err, 0);
}

void session_result_release(struct session_result *r)
{
	/* a step's output may be a secret (a join token, a kubeconfig) */
	strbuf_release_wiped(&r->out);
	strbuf_release_wiped(&r->err);
	session_result_init(r);
}

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->state = SESSION_NEW;
	strbuf_init(&s->errmsg, 0);
	strbuf_init(&s->hint, 0);
	strbuf_init(&s->wbuf, 0);
	s->proc.in = s->proc.out = s->proc.err = -1;
	s->src_fd = -1;
	s->remote_uid = -1;
	session_result_init(&s->res);
}

int session_done(const struct session *s)
{
	return s->state == SESSION_CLOSED || s->state == SESSION_FAILED;
}

int session_connecting(const struct session *s)
{
	return s->state == SESSION_CONNECTING || s->state == SESSION_SUDO ||
	       s->state == SESSION_BOOTING;
}

static void fail(struct session *s, enum session_error e)
{
	s->error = e;
	s->state = SESSION_FAILED;
	s->deadline_us = 0;
	s->src_fd = -1;
	proc_close_fd(&s->proc.in);
	/* the child is reaped when its pipes close, or by session_release */
	proc_kill(&s->proc, SIGTERM);
}

static void failf(struct session *s, enum session_error e, const char *hint,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void failf(struct session *s, enum session_error e, const char *hint,
		  const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&s->errmsg);
	strbuf_reset(&s->hint);
	va_start(ap, fmt);
	strbuf_vaddf(&s->errmsg, fmt, ap);
	va_end(ap);
	if (hint)
		strbuf_addstr(&s->hint, hint);
	fail(s, e);
}

/*
 * Empties the write buffer, wiping what it held: scripts embed secrets
 * (file contents, cluster values) and the sudo password passes through.
 */
static void wbuf_clear(struct session *s)
{
	if (s->wbuf.alloc)
		explicit_bzero(s->wbuf.buf, s->wbuf.len);
	strbuf_reset(&s->wbuf);
	s->woff = 0;
}

static void queue(struct session *s, const void *data, size_t len)
{
	if (s->woff == s->wbuf.len)
		wbuf_clear(s);
	strbuf_add(&s->wbuf, data, len);
}

int session_start(struct session *s, const struct transport *tr,
		  const struct session_target *t, uint64_t now)
{
	struct strbuf cmd = STRBUF_INIT, err = STRBUF_INIT;
	unsigned timeout = t->connect_timeout_s ? t->connect_timeout_s
						: SESSION_CONNECT_TIMEOUT;
	int ret = -1;

	s->target = t;
	s->started_us = now;
	if (frame_make_nonce(s->nonce) < 0) {
		failf(s, SESSION_ERR_SPAWN, NULL, "cannot make a random nonce: %s",
		      strerror(errno));
		goto out;
	}
	frame_init(&s->fout, s->nonce, MAX_CONNECT_OUTPUT);
	frame_init(&s->ferr, s->nonce, MAX_CONNECT_OUTPUT);
	remote_command(t, &cmd);
	errno = 0;	/* not every failure of spawn sets it */
	if (tr->spawn(t, cmd.buf, &s->proc, &err) < 0) {
		unsigned long soft, hard;

		if (errno != EMFILE) {
			failf(s, SESSION_ERR_SPAWN, NULL, "%s", err.buf);
			goto out;
		}
		proc_fd_limits(&soft, &hard);
		failf(s, SESSION_ERR_SPAWN,
		      "each host worked on at once takes about 4 open files: raise the limit "
		      "('ulimit -n'; the hard limit in /etc/security/limits.conf) or work on "
		      "fewer hosts at once (-f)",
		      "cannot start a session to '%s': too many open files "
		      "(RLIMIT_NOFILE is %lu, the hard limit %lu)",
		      t->name, soft, hard);
		goto out;
	}
	s->state = SESSION_CONNECTING;
	/* ssh's own timeout covers the TCP connect; this covers the rest */
	s->deadline_us = now + (uint64_t)(timeout + 20) * 1000000u;
	ret = 0;
out:
	strbuf_release(&cmd);
	strbuf_release(&err);
	return ret;
}

size_t session_pollfds(const struct session *s, struct pollfd *pfd)
{
	size_t n = 0;

	if (s->proc.in >= 0 && (s->woff < s->wbuf.len || s->src_fd >= 0)) {
		pfd[n].fd = s->proc.in;
		pfd[n++].events = POLLOUT;
	}
	if (s->proc.out >= 0) {
		pfd[n].fd = s->proc.out;
		pfd[n++].events = POLLIN;
	}
	if (s->proc.err >= 0) {
		pfd[n].fd = s->proc.err;
		pfd[n++].events = POLLIN;
	}
	return n;
}

static void flush_writes(struct session *s)
{
	while (s->proc.in >= 0) {
		ssize_t n;

		if (s->woff == s->wbuf.len && s->src_fd >= 0 && s->src_left) {
			size_t want = s->src_left < SEND_CHUNK ? (size_t)s->src_left : SEND_CHUNK;

			wbuf_clear(s);
			strbuf_grow(&s->wbuf, want);
			do
				n = read(s->src_fd, s->wbuf.buf, want);
			while (n < 0 && errno == EINTR);
			if (n <= 0) {
				failf(s, SESSION_ERR_LOCAL, "do not change a file while it is uploaded",
				      "cannot read the file being uploaded: %s",
				      n < 0 ? strerror(errno) : "it became shorter");
				return;
			}
			strbuf_setlen(&s->wbuf, (size_t)n);
			s->src_left -= (uint64_t)n;
		}
		if (s->woff == s->wbuf.len) {
			if (!s->src_left)
				s->src_fd = -1;
			return;
		}
		n = write(s->proc.in, s->wbuf.buf + s->woff, s->wbuf.len - s->woff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* EPIPE: the channel is gone; its exit tells why */
			s->write_failed = errno;
			proc_close_fd(&s->proc.in);
			s->src_fd = -1;
			return;
		}
		s->woff += (size_t)n;
	}
}

static void send_boot(struct session *s)
{
	struct strbuf loop = STRBUF_INIT, hdr = STRBUF_INIT;

	remote_loop(s->nonce, &loop);
	strbuf_addf(&hdr, "%zu\n", loop.len);
	queue(s, hdr.buf, hdr.len);
	queue(s, loop.buf, loop.len);
	s->state = SESSION_BOOTING;
	strbuf_release(&loop);
	strbuf_release(&hdr);
	flush_writes(s);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (const char *p = hay; (p = strstr(p, needle)); p += len)
		n++;
	return n;
}

/* Before the loop runs: watch stderr for the hello and for sudo. */
static void check_handshake(struct session *s)
{
	const char *errtext = s->ferr.out.buf;
	size_t prompts;

	if (s->state != SESSION_CONNECTING && s->state != SESSION_SUDO)
		return;
	if (strstr(errtext, REMOTE_HELLO "\n")) {
		send_boot(s);
		return;
	}
	if (!s->target->become)
		return;
	prompts = count_of(errtext, REMOTE_SUDO_PROMPT);
	if (prompts > 1 || (prompts == 1 && !s->target->become_password)) {
		enum session_error e = classify_sudo(s->target, errtext, &s->errmsg, &s->hint);

		if (e == SESSION_ERR_NONE) {
			strbuf_addf(&s->errmsg, "sudo refused on '%s': wrong password", s->target->name);
			strbuf_addstr(&s->hint, "check ansible_become_password for this host");
		}
		fail(s, SESSION_ERR_SUDO);
		return;
	}
	if (prompts == 1 && s->state == SESSION_CONNECTING) {
		const char *pw = s->target->become_password;

		int sent;

		queue(s, pw, strlen(pw));
		queue(s, "\n", 1);
		s->state = SESSION_SUDO;
		flush_writes(s);
		sent = s->woff == s->wbuf.len;
		/* the password must not stay in memory longer than needed */
		wbuf_clear(s);
		if (!sent) {
			/* could not send it at once; unusual for a few bytes: give up cleanly */
			failf(s, SESSION_ERR_SUDO, NULL, "could not send the sudo password to '%s'",
			      s->target->name);
		}
	}
}

static void step_ended(struct session *s)
{
	struct session_result *r = &s->res;

	s->fout.sink = NULL;
	s->fout.sink_arg = NULL;
	r->out_dropped = frame_take(&s->fout, &r->out);
	r->err_dropped = frame_take(&s->ferr, &r->err);
	r->duration_us = session_now_us() - s->step_started_us;
	r->timed_out = s->step_timeout_ms && (r->status == 124 || r->status == 137) &&
		r->duration_us >= (uint64_t)s->step_timeout_ms * 1000u;
	s->result_ready = 1;
	s->deadline_us = 0;
}

static void on_marker(struct session *s, int is_err, const struct frame_end *end)
{
	if (s->state == SESSION_BOOTING && end->id == 0) {
		if (is_err) {
			s->got_err = 1;
		} else {
			struct strbuf out = STRBUF_INIT;
			const char *p;

			/* the loop prints `id -u` just before its ready marker */
			frame_take(&s->fout, &out);
			strbuf_rtrim(&out);
			p = strrchr(out.buf, '\n');
			s->remote_uid = (int)strtol(p ? p + 1 : out.buf, NULL, 10);
			strbuf_release(&out);
			s->got_out = 1;
		}
		if (s->got_out && s->got_err) {
			struct strbuf junk = STRBUF_INIT;

			frame_take(&s->ferr, &junk);
			strbuf_release(&junk);
			s->fout.cap = s->ferr.cap = MAX_REMOTE_OUTPUT;
			s->got_out = s->got_err = 0;
			s->state = SESSION_IDLE;
			s->ready_us = session_now_us();
			s->deadline_us = 0;
		}
		return;
	}
	if (s->state != SESSION_RUNNING || end->id != s->step_id ||
	    (is_err ? s->got_err : s->got_out)) {
		failf(s, SESSION_ERR_PROTOCOL, NULL,
		      "unexpected end marker %lu from '%s' (state %d, step %lu)",
		      end->id, s->target->name, (int)s->state, s->step_id);
		return;
	}
	if (is_err) {
		s->got_err = 1;
	} else {
		s->got_out = 1;
		s->res.status = end->status;
	}
	if (s->got_out && s->got_err)
		step_ended(s);
}

static void feed(struct session *s, int is_err, const char *buf, size_t len)
{
	struct frame_parser *fp = is_err ? &s->ferr : &s->fout;
	struct strbuf err = STRBUF_INIT;

	while (len && !session_done(s)) {
		struct frame_end end;
		int done;
		ssize_t used = frame_feed(fp, buf, len, &done, &end, &err);

		if (used < 0) {
			failf(s, SESSION_ERR_PROTOCOL, NULL, "%s from '%s'", err.buf,
			      s->target->name);
			break;
		}
		buf += used;
		len -= (size_t)used;
		if (done)
			on_marker(s, is_err, &end);
	}
	strbuf_release(&err);
}

static void read_stream(struct session *s, int is_err)
{
	int *fd = is_err ? &s->proc.err : &s->proc.out;
	char buf[READ_CHUNK];

	/* a few reads per wakeup, so one chatty host cannot starve the rest */
	for (int i = 0; i < 4 && *fd >= 0; i++) {
		ssize_t n = read(*fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;	/* EAGAIN; an error shows as EOF next */
		if (n == 0) {
			proc_close_fd(fd);
			return;
		}
		feed(s, is_err, buf, (size_t)n);
		explicit_bzero(buf, (size_t)n);	/* output may be a secret; its one copy is in the frame */
		if (s->state == SESSION_CONNECTING || s->state == SESSION_SUDO)
			check_handshake(s);
	}
}

/* The channel has ended: a clean close, or a failure to explain. */
static void channel_ended(struct session *s, int wstatus)
{
	proc_close_fd(&s->proc.in);
	/* whatever is left on stderr explains the end */
	if (s->proc.err >= 0)
		read_stream(s, 1);
	proc_close_fd(&s->proc.out);
	proc_close_fd(&s->proc.err);
	switch (s->state) {
	case SESSION_CLOSING:
		s->state = SESSION_CLOSED;
		s->deadline_us = 0;
		return;
	case SESSION_CONNECTING:
	case SESSION_SUDO:
	case SESSION_BOOTING:
		strbuf_reset(&s->errmsg);
		strbuf_reset(&s->hint);
		fail(s, classify_failure(s->target, s->state, s->ferr.out.buf, wstatus,
					 &s->errmsg, &s->hint));
		return;
	case SESSION_IDLE:
	case SESSION_RUNNING: {
		struct strbuf last = STRBUF_INIT;
		int running = s->state == SESSION_RUNNING;

		/* stderr so far is the step's: its last line may say why */
		strbuf_addbuf(&last, &s->ferr.out);
		strbuf_rtrim(&last);
		if (strrchr(last.buf, '\n')) {
			const char *p = strrchr(last.buf, '\n') + 1;
			memmove(last.buf, p, strlen(p) + 1);
			strbuf_setlen(&last, strlen(last.buf));
		}
		strbuf_reset(&s->errmsg);
		strbuf_addf(&s->errmsg, "connection to '%s' lost%s", s->target->name,
			    running ? " during a step" : "");
		if (WIFEXITED(wstatus))
			strbuf_addf(&s->errmsg, " (exit status %d)", WEXITSTATUS(wstatus));
		else if (WIFSIGNALED(wstatus))
			strbuf_addf(&s->errmsg, " (killed by signal %d)", WTERMSIG(wstatus));
		if (last.len)
			strbuf_addf(&s->errmsg, ": %s", last.buf);
		strbuf_reset(&s->hint);
		strbuf_addstr(&s->hint, "the remote shell or the network went away; "
			      "check the host and run again");
		strbuf_release(&last);
		fail(s, SESSION_ERR_DIED);
		return;
	}
	default:
		return;	/* FAILED already says why */
	}
}

void session_io(struct session *s, const struct pollfd *pfd, size_t n, uint64_t now)
{
	for (size_t i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (pfd[i].fd == s->proc.in)
			flush_writes(s);
		else if (pfd[i].fd == s->proc.out)
			read_stream(s, 0);
		else if (pfd[i].fd == s->proc.err)
			read_stream(s, 1);
	}
	session_tick(s, now);
}

void session_tick(struct session *s, uint64_t now)
{
	int wstatus = 0;

	if (s->state == SESSION_NEW || !s->proc.pid)
		return;
	/* stdout at EOF means the channel is ending: reap it */
	if (s->proc.out < 0 && proc_reap(&s->proc, 1, &wstatus) == 1) {
		channel_ended(s, wstatus);
		return;
	}
	if (!s->deadline_us || now < s->deadline_us || session_done(s))
		return;
	switch (s->state) {
	case SESSION_CONNECTING:
	case SESSION_SUDO:
	case SESSION_BOOTING:
		failf(s, SESSION_ERR_TIMEOUT, "check that the host and its sshd are healthy",
		      "no answer from '%s' (%s) while connecting", s->target->name,
		      s->target->address);
		break;
	case SESSION_RUNNING:
		failf(s, SESSION_ERR_TIMEOUT, "check that the host is healthy",
		      "'%s' did not end a step within %u s of its time limit",
		      s->target->name, SESSION_STEP_GRACE_MS / 1000);
		break;
	case SESSION_CLOSING:
		proc_kill(&s->proc, SIGTERM);
		s->deadline_us = 0;
		break;
	default:
		break;
	}
}

uint64_t session_next_wakeup(const struct session *s)
{
	if (s->state == SESSION_NEW)
		return UINT64_MAX;
	if (s->proc.pid && s->proc.out < 0)
		return session_now_us() + 20000;	/* poll the exit soon */
	return s->deadline_us ? s->deadline_us : UINT64_MAX;
}

int session_run(struct session *s, const char *script, size_t len,
		unsigned timeout_ms, int data_fd, uint64_t data_len, uint64_t now)
{
	struct strbuf hdr = STRBUF_INIT, junk = STRBUF_INIT;

	if (s->state != SESSION_IDLE || s->result_ready)
		return -1;
	/* output that came between steps (a background job) belongs to none */
	frame_take(&s->fout, &junk);
	frame_take(&s->ferr, &junk);
	strbuf_release_wiped(&junk);
	s->step_id++;
	strbuf_addf(&hdr, "%c %lu %zu %u\n", data_fd >= 0 ? 'u' : 's', s->step_id, len,
		    (timeout_ms + 999) / 1000);
	queue(s, hdr.buf, hdr.len);
	queue(s, script, len);
	strbuf_release(&hdr);
	if (data_fd >= 0 && data_len) {
		s->src_fd = data_fd;
		s->src_left = data_len;
	}
	session_result_release(&s->res);
	s->res.id = s->step_id;
	s->got_out = s->got_err = 0;
	s->step_started_us = now;
	s->step_timeout_ms = timeout_ms;
	s->deadline_us = timeout_ms ?
		now + ((uint64_t)timeout_ms + SESSION_STEP_GRACE_MS) * 1000u : 0;
	s->state = SESSION_RUNNING;
	flush_writes(s);
	return 0;
}

void session_set_sink(struct session *s, void (*sink)(void *arg, const char *data, size_t len),
		      void *arg)
{
	s->fout.sink = sink;
	s->fout.sink_arg = arg;
}

int session_take_result(struct session *s, struct session_result *r)
{
	if (!s->result_ready)
		return 0;
	session_result_release(r);
	*r = s->res;
	session_result_init(&s->res);
	s->result_ready = 0;
	if (s->state == SESSION_RUNNING)
		s->state = SESSION_IDLE;
	return 1;
}

void session_close(struct session *s, uint64_t now)
{
	if (s->state == SESSION_IDLE) {
		queue(s, "q 0 0 0\n", 8);
		flush_writes(s);
	}
	if (session_done(s) || s->state == SESSION_NEW)
		return;
	if (s->state != SESSION_IDLE)
		proc_close_fd(&s->proc.in);	/* no more steps: EOF ends the loop */
	s->state = SESSION_CLOSING;
	s->deadline_us = now + SESSION_CLOSE_GRACE_MS * 1000u;
}

void session_abort(struct session *s, enum session_error why, const char *msg)
{
	if (session_done(s) || s->state == SESSION_NEW)
		return;
	failf(s, why, NULL, "%s", msg);
}

void session_release(struct session *s)
{
	proc_release(&s->proc);
	frame_release(&s->fout);
	frame_release(&s->ferr);
	strbuf_release(&s->errmsg);
	strbuf_release(&s->hint);
	if (s->wbuf.alloc)
		explicit_bzero(s->wbuf.buf, s->wbuf.alloc);
	strbuf_release(&s->wbuf);
	session_result_release(&s->res);
}
