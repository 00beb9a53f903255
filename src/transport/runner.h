#ifndef KCFG_RUNNER_H
#define KCFG_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "transport/session.h"

struct pull_sink;

/*
 * The parallel runner: one single-threaded poll() loop over the sessions
 * of many hosts. Each host gets a sequence of steps; at most `forks`
 * hosts are worked on at once (the rest wait); a host whose step fails
 * stops, the others go on (unless fail_fast). SIGINT or SIGTERM during
 * runner_run() stops new work: running steps finish (within their time
 * limits) and every session closes cleanly; a second signal aborts the
 * sessions at once.
 */

struct runner_host;
struct runner_result;

/*
 * Called after each step of each host with its result. Return 0 to go
 * on, or -1 to fail the host (runner_step_error() gives the usual
 * message; fill h->errmsg to give another). Without a callback a step
 * fails its host when its status is not 0, it timed out or its output
 * went past the cap.
 */
typedef int (*runner_step_fn)(struct runner_host *h, size_t step,
			      const struct runner_result *res, void *data);

/*
 * One step: a shell script, an upload when `src` is set, or a pull (a
 * file streamed from the host into a local file) when `pull_to` is set.
 */
struct runner_step {
	char *name;		/* for messages */
	char *script;
	unsigned timeout_ms;	/* 0: no limit */
	char *src, *dest;	/* upload: local file, remote path */
	unsigned mode;
	char *owner;		/* upload: "user:group", or NULL for root */
	char *pull_from, *pull_to;	/* pull: remote path, local path */
	runner_step_fn fn;	/* this step's callback, or NULL: the runner's */
	void *fn_data;
};

struct runner_result {
	int status;		/* exit status 0..255 */
	int timed_out;		/* killed at its time limit */
	int truncated;		/* output went past MAX_REMOTE_OUTPUT (the rest was dropped) */
	int skipped;		/* upload: the host had the file already */
	struct strbuf out, err;
	uint64_t duration_us;
	/* pull: the bytes and sha256 (hex) written to the local file */
	uint64_t pulled_bytes;
	char pulled_sha[65];
};

enum runner_host_state {
	RUNNER_WAITING,		/* not started */
	RUNNER_ACTIVE,		/* connecting, running steps or closing */
	RUNNER_IDLE,		/* keep_open: every step so far done, the session open
				 * for more (runner_add_step, then runner_run again) */
	RUNNER_OK,		/* every step done (final) */
	RUNNER_FAILED,		/* a step or the session failed: see error (final) */
	RUNNER_CANCELLED,	/* stopped before its end: fail-fast or a signal (final) */
};

struct runner_host {
	const struct session_target *target;	/* the caller's */
	struct runner_step *steps;
	size_t nr, alloc;
	size_t next;		/* the step running or to run */
	enum runner_host_state state;
	enum runner_host_state verdict;	/* the final state, decided before closing */
	enum session_error error;	/* when the session failed */
	struct strbuf errmsg, hint;	/* when FAILED or CANCELLED */
	uint64_t connect_us;
	int remote_uid;
	void *data;		/* the caller's */

	struct session sess;
	int upload_fd, upload_phase;
	uint64_t upload_us;
	struct pull_sink *pull;	/* a pull streaming now */
	uint64_t pull_size;	/* what the pull's probe said */
	char pull_sha[65];
};

/*
 * Sessions that may be connecting at once (ssh's handshake and login, up
 * to the remote loop's ready marker); the other hosts wait for a turn.
 * An OpenSSH server, and so a ProxyJump bastion every session passes,
 * starts refusing logins past MaxStartups (10 by default); and when many
 * handshakes share a few cores, none finishes early: measured with 200
 * sandbox hosts on 2 cores, all connecting at once, 56 of them passed
 * the connect deadline.
 */
#define RUNNER_MAX_CONNECTING 10

/*
 * Open files per host worked on at once (its channel's three pipes and
 * an upload's source), and a margin for the rest of kcfg: runner_run()
 * raises the soft RLIMIT_NOFILE to fit them, up to the hard limit. With a
 * hard limit too low a host that does not fit fails to start, with a
 * message naming the limit.
 */
#define RUNNER_FILES_PER_HOST 4
#define RUNNER_FILES_SPARE 64

struct runner {
	const struct transport *tr;
	unsigned forks;		/* hosts at once; 0: all */
	unsigned max_connecting;	/* sessions connecting at once; 0: RUNNER_MAX_CONNECTING */
	int fail_fast;		/* one host failing cancels the rest */
	runner_step_fn on_step;
	void *data;

	struct runner_host **hosts;
	size_t nr, alloc;
	/*
	 * 0: a host's session closes once its steps are done (one runner_run).
	 * 1: it stays open (RUNNER_IDLE) for steps added later, so one run of
	 * many phases uses one session per host; runner_close() ends them.
	 */
	int keep_open;
	int stopping;		/* no new work: fail-fast or a first signal */
	int signals_installed;
	unsigned active, max_active;	/* max_active: the most at once, for tests */
	struct upload_sum *sums;	/* sha256 of local files, computed once */
	size_t sums_nr, sums_alloc;
};

void runner_init(struct runner *r, const struct transport *tr);
void runner_release(struct runner *r);

/* Adds a host; `t` (and its strings) must outlive the runner. */
struct runner_host *runner_add_host(struct runner *r, const struct session_target *t);
/* Appends a script step (copied); returns its index in h->steps. */
size_t runner_add_step(struct runner_host *h, const char *name, const char *script,
		       unsigned timeout_ms);
/*
 * Appends an upload of local `src` to `dest` on the host with `mode` and
 * `owner` ("user:group" as chown takes it; NULL for root).
 */
size_t runner_add_upload(struct runner_host *h, const char *name, const char *src,
			 const char *dest, unsigned mode, const char *owner,
			 unsigned timeout_ms);
/*
 * Appends a pull: the regular file `remote` on the host (never through a
 * symlink) streamed into `local` here, whatever its size: written to an
 * exclusively created 0600 temporary file beside `local`, hashed as it
 * arrives, checked against the sha256 the host computes, then renamed
 * over `local` (which is never followed if it is a symlink). The result
 * carries the size and digest; a mismatch or a short file fails the step
 * and leaves nothing behind.
 */
size_t runner_add_pull(struct runner_host *h, const char *name, const char *remote,
		       const char *local, unsigned timeout_ms);
/* Step `step` of `h` reports to `fn` with `data` instead of the runner's callback. */
void runner_step_on_done(struct runner_host *h, size_t step, runner_step_fn fn, void *data);

/*
 * Runs every host's steps not run yet. Returns how many hosts are
 * FAILED or CANCELLED (with keep_open, hosts that did all their steps
 * are IDLE, not OK).
 */
int runner_run(struct runner *r);
/* keep_open: closes every IDLE session cleanly (they end RUNNER_OK). */
void runner_close(struct runner *r);
/* Sleeps `ms`, returning early (-1) on SIGINT/SIGTERM while a run is on. */
int runner_sleep(struct runner *r, unsigned ms);

/* The default verdict on a result: 0 ok, -1 failed. */
int runner_step_ok(const struct runner_result *res);
/* Appends the usual message for a failed step of `h` to `msg`. */
void runner_step_error(const struct runner_host *h, size_t step,
		       const struct runner_result *res, struct strbuf *msg);

/* Signals seen by runner_run so far (for the caller's exit code). */
int runner_interrupted(void);

#endif
