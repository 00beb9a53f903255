#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport/pull.h"
#include "transport/runner.h"
#include "transport/upload.h"
#include "util/proc.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct upload_sum {
	char *path;
	char sha[UPLOAD_SHA_HEX + 1];
	uint64_t size;
};

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	signals_seen++;
}

int runner_interrupted(void)
{
	return signals_seen;
}

void runner_init(struct runner *r, const struct transport *tr)
{
	memset(r, 0, sizeof(*r));
	r->tr = tr;
}

static void step_release(struct runner_step *st)
{
	free(st->name);
	free_wiped(st->script);	/* apply scripts embed secrets */
	free(st->src);
	free(st->dest);
	free(st->owner);
	free(st->pull_from);
	free(st->pull_to);
}

static void restore_signals(struct runner *r);

void runner_release(struct runner *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct runner_host *h = r->hosts[i];

		for (size_t j = 0; j < h->nr; j++)
			step_release(&h->steps[j]);
		free(h->steps);
		session_release(&h->sess);
		strbuf_release(&h->errmsg);
		strbuf_release(&h->hint);
		if (h->upload_fd >= 0)
			close(h->upload_fd);
		if (h->pull)
			pull_sink_abort(h->pull);
		free(h->pull);
		free(h);
	}
	free(r->hosts);
	restore_signals(r);
	for (size_t i = 0; i < r->sums_nr; i++)
		free(r->sums[i].path);
	free(r->sums);
	memset(r, 0, sizeof(*r));
}

struct runner_host *runner_add_host(struct runner *r, const struct session_target *t)
{
	struct runner_host *h = xcalloc(1, sizeof(*h));

	h->target = t;
	h->state = RUNNER_WAITING;
	h->verdict = RUNNER_OK;
	h->remote_uid = -1;
	h->upload_fd = -1;
	strbuf_init(&h->errmsg, 0);
	strbuf_init(&h->hint, 0);
	session_init(&h->sess);
	ALLOC_GROW(r->hosts, r->nr + 1, r->alloc);
	r->hosts[r->nr++] = h;
	return h;
}

static struct runner_step *new_step(struct runner_host *h, const char *name,
				    unsigned timeout_ms)
{
	struct runner_step *st;

	ALLOC_GROW(h->steps, h->nr + 1, h->alloc);
	st = &h->steps[h->nr++];
	memset(st, 0, sizeof(*st));
	st->name = xstrdup(name);
	st->timeout_ms = timeout_ms;
	return st;
}

size_t runner_add_step(struct runner_host *h, const char *name, const char *script,
		       unsigned timeout_ms)
{
	new_step(h, name, timeout_ms)->script = xstrdup(script);
	return h->nr - 1;
}

size_t runner_add_upload(struct runner_host *h, const char *name, const char *src,
			 const char *dest, unsigned mode, const char *owner,
			 unsigned timeout_ms)
{
	struct runner_step *st = new_step(h, name, timeout_ms);

	st->src = xstrdup(src);
	st->dest = xstrdup(dest);
	st->mode = mode;
	st->owner = owner ? xstrdup(owner) : NULL;
	return h->nr - 1;
}

size_t runner_add_pull(struct runner_host *h, const char *name, const char *remote,
		       const char *local, unsigned timeout_ms)
{
	struct runner_step *st = new_step(h, name, timeout_ms);

	st->pull_from = xstrdup(remote);
	st->pull_to = xstrdup(local);
	return h->nr - 1;
}

void runner_step_on_done(struct runner_host *h, size_t step, runner_step_fn fn, void *data)
{
	h->steps[step].fn = fn;
	h->steps[step].fn_data = data;
}

int runner_step_ok(const struct runner_result *res)
{
	return res->status == 0 && !res->truncated ? 0 : -1;
}

void runner_step_error(const struct runner_host *h, size_t step,
		       const struct runner_result *res, struct strbuf *msg)
{
	const struct runner_step *st = &h->steps[step];
	struct strbuf last = STRBUF_INIT;

	strbuf_addf(msg, "step '%s' on '%s' ", st->name, h->target->name);
	if (res->timed_out)
		strbuf_addf(msg, "timed out after %u s", (st->timeout_ms + 999) / 1000);
	else if (res->truncated)
		strbuf_addf(msg, "wrote more than the %u MiB output cap",
			    MAX_REMOTE_OUTPUT >> 20);
	else
		strbuf_addf(msg, "failed with exit status %d", res->status);
	strbuf_addbuf(&last, &res->err);
	strbuf_rtrim(&last);
	if (last.len && !res->truncated) {
		const char *p = strrchr(last.buf, '\n');
		strbuf_addf(msg, ": %s", p ? p + 1 : last.buf);
	}
	strbuf_release(&last);
}

static const struct upload_sum *local_sum(struct runner *r, const char *path,
					  struct strbuf *err)
{
	struct upload_sum *u;

	for (size_t i = 0; i < r->sums_nr; i++)
		if (!strcmp(r->sums[i].path, path))
			return &r->sums[i];
	ALLOC_GROW(r->sums, r->sums_nr + 1, r->sums_alloc);
	u = &r->sums[r->sums_nr];
	if (upload_sha256_file(path, u->sha, &u->size, err) < 0)
		return NULL;
	u->path = xstrdup(path);
	r->sums_nr++;
	return u;
}

/* The host's work is over: close its session, keeping `verdict`. */
static void finish_host(struct runner *r, struct runner_host *h,
			enum runner_host_state verdict)
{
	if (h->verdict == RUNNER_OK)
		h->verdict = verdict;
	if (verdict == RUNNER_FAILED && r->fail_fast)
		r->stopping = 1;
	session_close(&h->sess, session_now_us());
}

static void fail_host(struct runner *r, struct runner_host *h, const char *hint,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail_host(struct runner *r, struct runner_host *h, const char *hint,
		      const char *fmt, ...)
{
	va_list ap;

	if (!h->errmsg.len) {
		va_start(ap, fmt);
		strbuf_vaddf(&h->errmsg, fmt, ap);
		va_end(ap);
		if (hint)
			strbuf_addstr(&h->hint, hint);
	}
	finish_host(r, h, RUNNER_FAILED);
}

/* Sends the host's next step, or the next phase of an upload. */
static void send_next(struct runner *r, struct runner_host *h)
{
	struct runner_step *st = &h->steps[h->next];
	struct session *s = &h->sess;
	struct strbuf script = STRBUF_INIT, err = STRBUF_INIT;
	uint64_t now = session_now_us();

	if (st->script) {
		session_run(s, st->script, strlen(st->script), st->timeout_ms, -1, 0, now);
	} else if (st->pull_from && h->upload_phase == 0) {
		pull_probe_script(st->pull_from, &script);
		h->upload_us = 0;
		session_run(s, script.buf, script.len, st->timeout_ms, -1, 0, now);
	} else if (st->pull_from) {
		h->pull = xcalloc(1, sizeof(*h->pull));
		if (pull_sink_open(h->pull, st->pull_to, &err) < 0) {
			free(h->pull);
			h->pull = NULL;
			fail_host(r, h, "check the local directory", "cannot pull '%s' from '%s': %s",
				  st->pull_from, h->target->name, err.buf);
			goto out;
		}
		pull_send_script(st->pull_from, &script);
		session_set_sink(s, pull_sink_write, h->pull);
		session_run(s, script.buf, script.len, st->timeout_ms, -1, 0, now);
	} else if (h->upload_phase == 0) {
		if (!local_sum(r, st->src, &err)) {
			fail_host(r, h, "check the local file", "cannot upload to '%s': %s",
				  h->target->name, err.buf);
			goto out;
		}
		upload_probe_script(st->dest, &script);
		h->upload_us = 0;
		session_run(s, script.buf, script.len, st->timeout_ms, -1, 0, now);
	} else {
		const struct upload_sum *u = local_sum(r, st->src, &err);

		h->upload_fd = u ? open(st->src, O_RDONLY | O_CLOEXEC) : -1;
		if (h->upload_fd < 0) {
			fail_host(r, h, "check the local file", "cannot upload '%s' to '%s': %s",
				  st->src, h->target->name, u ? strerror(errno) : err.buf);
			goto out;
		}
		upload_send_script(st->dest, u->size, u->sha, st->mode, st->owner, &script);
		session_run(s, script.buf, script.len, st->timeout_ms, h->upload_fd,
			    u->size, now);
	}
out:
	strbuf_release(&script);
	strbuf_release(&err);
}

static void step_done(struct runner *r, struct runner_host *h, struct session_result *sr)
{
	struct runner_step *st = &h->steps[h->next];
	struct runner_result res;
	int verdict;

	memset(&res, 0, sizeof(res));
	if (st->src && h->upload_phase == 0) {
		const struct upload_sum *u = local_sum(r, st->src, &h->errmsg);

		h->upload_us = sr->duration_us;
		if (sr->status || !u || !upload_probe_matches(sr->out.buf, u->sha)) {
			h->upload_phase = 1;	/* send it; a failed probe shows there */
			return;
		}
	}
	if (st->pull_from && h->upload_phase == 0 && !sr->status) {
		if (!sr->out_dropped && !pull_probe_parse(sr->out.buf, &h->pull_size, h->pull_sha)) {
			h->upload_us = sr->duration_us;
			h->upload_phase = 1;	/* the probe told size and digest: stream it */
			return;
		}
		sr->status = 1;
		strbuf_reset(&sr->err);
		strbuf_addstr(&sr->err, "the host gave no size and sha256 for the file");
	}
	if (st->pull_from && h->upload_phase == 1) {
		struct strbuf err = STRBUF_INIT;

		if (pull_sink_finish(h->pull, !sr->status, h->pull_sha, h->pull_size,
				     st->pull_to, res.pulled_sha, &err) < 0 && !sr->status) {
			/* the host said it sent the file, but it did not arrive whole */
			sr->status = 1;
			strbuf_reset(&sr->err);
			strbuf_addbuf(&sr->err, &err);
		}
		res.pulled_bytes = h->pull_size;
		free(h->pull);
		h->pull = NULL;
		strbuf_release(&err);
	}
	res.status = sr->status;
	res.timed_out = sr->timed_out;
	res.truncated = sr->out_dropped || sr->err_dropped;
	res.skipped = st->src && h->upload_phase == 0;
	res.out = sr->out;
	res.err = sr->err;
	res.duration_us = sr->duration_us +
		((st->src || st->pull_from) && h->upload_phase ? h->upload_us : 0);
	if (h->upload_fd >= 0) {
		close(h->upload_fd);
		h->upload_fd = -1;
	}
	h->upload_phase = 0;

	if (st->fn)
		verdict = st->fn(h, h->next, &res, st->fn_data);
	else
		verdict = r->on_step ? r->on_step(h, h->next, &res, r->data) : runner_step_ok(&res);
	if (verdict < 0) {
		if (!h->errmsg.len)
			runner_step_error(h, h->next, &res, &h->errmsg);
		finish_host(r, h, RUNNER_FAILED);
		return;
	}
	h->next++;
}

/* Moves one active host along after its session has had its say. */
static void advance(struct runner *r, struct runner_host *h)
{
	struct session *s = &h->sess;
	struct session_result sr;

	if (s->state == SESSION_FAILED || s->state == SESSION_CLOSED) {
		if (s->state == SESSION_FAILED && h->verdict == RUNNER_OK &&
		    s->error != SESSION_ERR_INTERRUPTED &&
		    (h->next < h->nr || !s->ready_us)) {
			h->verdict = RUNNER_FAILED;
			if (r->fail_fast)
				r->stopping = 1;
		} else if (s->state == SESSION_FAILED && s->error == SESSION_ERR_INTERRUPTED &&
			   h->verdict == RUNNER_OK) {
			h->verdict = RUNNER_CANCELLED;
		}
		if (s->state == SESSION_FAILED && !h->errmsg.len) {
			h->error = s->error;
			strbuf_addbuf(&h->errmsg, &s->errmsg);
			strbuf_addbuf(&h->hint, &s->hint);
		}
		h->state = h->verdict;
		if (h->upload_fd >= 0) {
			close(h->upload_fd);
			h->upload_fd = -1;
		}
		if (h->pull) {
			pull_sink_abort(h->pull);
			free(h->pull);
			h->pull = NULL;
		}
		proc_release(&s->proc);
		r->active--;
		return;
	}
	if (s->ready_us && !h->connect_us) {
		h->connect_us = s->ready_us - s->started_us;
		h->remote_uid = s->remote_uid;
	}
	session_result_init(&sr);
	if (session_take_result(s, &sr))
		step_done(r, h, &sr);
	session_result_release(&sr);
	if (s->state != SESSION_IDLE)
		return;
	if (h->verdict != RUNNER_OK)
		return;
	if (signals_seen)
		r->stopping = 1;
	if (h->next >= h->nr) {
		if (r->keep_open) {
			h->state = RUNNER_IDLE;	/* open for the steps of a later phase */
			r->active--;
			return;
		}
		finish_host(r, h, RUNNER_OK);
	} else if (r->stopping) {
		strbuf_addf(&h->errmsg, "'%s' stopped before step '%s'%s", h->target->name,
			    h->steps[h->next].name,
			    signals_seen ? " (interrupted)" : " (another host failed)");
		finish_host(r, h, RUNNER_CANCELLED);
	} else {
		send_next(r, h);
	}
}

static void start_hosts(struct runner *r)
{
	unsigned most = r->max_connecting ? r->max_connecting : RUNNER_MAX_CONNECTING;
	unsigned connecting = 0;

	for (size_t i = 0; i < r->nr; i++)
		if (r->hosts[i]->state == RUNNER_ACTIVE && session_connecting(&r->hosts[i]->sess))
			connecting++;
	for (size_t i = 0; i < r->nr && !r->stopping; i++) {
		struct runner_host *h = r->hosts[i];
		int idle = h->state == RUNNER_IDLE && h->next < h->nr;

		if (r->forks && r->active >= r->forks)
			break;
		if (h->state != RUNNER_WAITING && !idle)
			continue;
		/* a host whose session is open needs no turn to connect */
		if (!idle && connecting >= most)
			continue;
		h->state = RUNNER_ACTIVE;
		r->active++;
		if (r->active > r->max_active)
			r->max_active = r->active;
		if (!idle) {
			session_start(&h->sess, r->tr, h->target, session_now_us());
			connecting += session_connecting(&h->sess);
		}
		advance(r, h);
	}
}

static void on_signals(struct runner *r, int *handled)
{
	if (signals_seen == *handled)
		return;
	*handled = signals_seen;
	r->stopping = 1;
	if (signals_seen < 2)
		return;
	for (size_t i = 0; i < r->nr; i++) {
		struct runner_host *h = r->hosts[i];

		if (h->state == RUNNER_ACTIVE) {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg, "'%s' aborted (interrupted twice)", h->target->name);
			session_abort(&h->sess, SESSION_ERR_INTERRUPTED, msg.buf);
			strbuf_release(&msg);
		}
	}
}

static struct sigaction saved_int, saved_term;

/* SIGINT and SIGTERM stop the run cleanly; kept for all of a keep_open run. */
static void install_signals(struct runner *r)
{
	struct sigaction sa;

	if (r->signals_installed)
		return;
	signals_seen = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
	r->signals_installed = 1;
}

static void restore_signals(struct runner *r)
{
	if (!r->signals_installed)
		return;
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
	r->signals_installed = 0;
}

int runner_sleep(struct runner *r, unsigned ms)
{
	uint64_t until = session_now_us() + (uint64_t)ms * 1000u;

	install_signals(r);
	for (;;) {
		uint64_t now = session_now_us();

		if (signals_seen)
			return -1;
		if (now >= until)
			return 0;
		poll(NULL, 0, (int)((until - now + 999) / 1000));
	}
}

/* The poll() loop: until no host has work. Returns how many hosts failed. */
static int run_loop(struct runner *r)
{
	struct pollfd *pfd = NULL;
	size_t *owner = NULL, pfd_alloc = 0, owner_alloc = 0;
	int handled = signals_seen ? -1 : 0, failed = 0;

	for (;;) {
		uint64_t now, wake = UINT64_MAX;
		size_t n = 0;
		int timeout;

		on_signals(r, &handled);
		start_hosts(r);
		if (!r->active)
			break;
		ALLOC_GROW(pfd, st_mult(r->nr, 3), pfd_alloc);
		ALLOC_GROW(owner, st_mult(r->nr, 3), owner_alloc);
		for (size_t i = 0; i < r->nr; i++) {
			struct runner_host *h = r->hosts[i];
			size_t k;

			if (h->state != RUNNER_ACTIVE)
				continue;
			k = session_pollfds(&h->sess, pfd + n);
			for (size_t j = 0; j < k; j++)
				owner[n + j] = i;
			n += k;
			if (session_next_wakeup(&h->sess) < wake)
				wake = session_next_wakeup(&h->sess);
		}
		now = session_now_us();
		if (wake == UINT64_MAX)
			timeout = -1;
		else if (wake <= now)
			timeout = 0;
		else
			timeout = (int)((wake - now + 999) / 1000);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;	/* cannot happen with valid fds; do not spin */
		now = session_now_us();
		for (size_t j = 0; j < n;) {
			size_t i = owner[j], k = j;

			while (k < n && owner[k] == i)
				k++;
			session_io(&r->hosts[i]->sess, pfd + j, k - j, now);
			j = k;
		}
		for (size_t i = 0; i < r->nr; i++) {
			struct runner_host *h = r->hosts[i];

			if (h->state != RUNNER_ACTIVE)
				continue;
			session_tick(&h->sess, now);
			advance(r, h);
		}
	}
	for (size_t i = 0; i < r->nr; i++) {
		struct runner_host *h = r->hosts[i];

		if (h->state == RUNNER_WAITING ||
		    (h->state == RUNNER_IDLE && h->next < h->nr && r->stopping)) {
			if (h->state == RUNNER_IDLE)
				h->verdict = RUNNER_CANCELLED;
			h->state = RUNNER_CANCELLED;
			strbuf_addf(&h->errmsg, "'%s' was not started%s", h->target->name,
				    signals_seen ? " (interrupted)" : " (another host failed)");
		}
		if (h->state == RUNNER_FAILED || h->state == RUNNER_CANCELLED)
			failed++;
	}
	free(pfd);
	free(owner);
	return failed;
}

int runner_run(struct runner *r)
{
	int failed;

	proc_fd_limit_raise((unsigned long)(r->forks && r->forks < r->nr ? r->forks : r->nr) *
			    RUNNER_FILES_PER_HOST + RUNNER_FILES_SPARE);
	install_signals(r);
	failed = run_loop(r);
	if (!r->keep_open)
		restore_signals(r);
	return failed;
}

void runner_close(struct runner *r)
{
	int any = 0;

	for (size_t i = 0; i < r->nr; i++) {
		struct runner_host *h = r->hosts[i];

		if (h->state != RUNNER_IDLE)
			continue;
		h->state = RUNNER_ACTIVE;
		r->active++;
		finish_host(r, h, RUNNER_OK);
		any = 1;
	}
	r->keep_open = 0;
	if (any)
		run_loop(r);
	restore_signals(r);
}
