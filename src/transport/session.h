#ifndef KCFG_SESSION_H
#define KCFG_SESSION_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/frame.h"
#include "transport/transport.h"
#include "util/proc.h"
#include "util/strbuf.h"

/*
 * One host's session: one channel process (ssh) running a remote POSIX
 * sh loop that takes steps on stdin and answers with framed output (see
 * frame.h and docs/transport.md). A session is a state machine driven
 * from outside by a poll() loop: session_pollfds() says what to wait
 * for, session_io() handles what poll() found, session_tick() handles
 * time. Nothing blocks and nothing prints.
 */
enum session_state {
	SESSION_NEW,		/* not started */
	SESSION_CONNECTING,	/* channel up, waiting for the remote shell's hello */
	SESSION_SUDO,		/* sudo asked for its password; sent, waiting */
	SESSION_BOOTING,	/* remote loop sent, waiting for its ready marker */
	SESSION_IDLE,		/* ready for a step */
	SESSION_RUNNING,	/* a step is running; waiting for both end markers */
	SESSION_CLOSING,	/* quit sent, waiting for the channel to end */
	SESSION_CLOSED,		/* ended cleanly (final) */
	SESSION_FAILED,		/* ended with an error in `error`/`errmsg` (final) */
};

/* Every way a session fails, each with its own message and hint. */
enum session_error {
	SESSION_ERR_NONE,
	SESSION_ERR_SPAWN,		/* ssh could not be started, or bad settings */
	SESSION_ERR_UNREACHABLE,	/* no route, refused, timed out, unknown name */
	SESSION_ERR_AUTH,		/* the login was refused */
	SESSION_ERR_HOSTKEY_CHANGED,	/* known_hosts has a different key */
	SESSION_ERR_HOSTKEY_UNKNOWN,	/* known_hosts has no key (strict checking) */
	SESSION_ERR_SUDO,		/* sudo refused: password needed/wrong, not allowed */
	SESSION_ERR_DIED,		/* the channel or remote shell ended unexpectedly */
	SESSION_ERR_TIMEOUT,		/* no answer in time */
	SESSION_ERR_PROTOCOL,		/* the remote side broke the framing */
	SESSION_ERR_LOCAL,		/* a local problem (a file to upload) */
	SESSION_ERR_INTERRUPTED,	/* stopped by the user */
};

/* Short name of an error kind, e.g. "unreachable", "auth refused". */
const char *session_error_name(enum session_error e);

/* What a step gave back. */
struct session_result {
	unsigned long id;
	int status;		/* the exit status, 0..255 */
	int timed_out;		/* killed at its time limit (status 124 or 137) */
	struct strbuf out, err;	/* at most MAX_REMOTE_OUTPUT bytes each */
	size_t out_dropped, err_dropped;	/* bytes past the cap */
	uint64_t duration_us;
};

void session_result_init(struct session_result *r);
void session_result_release(struct session_result *r);

struct session {
	enum session_state state;
	enum session_error error;
	struct strbuf errmsg;	/* when FAILED: what happened, lowercase, no host prefix needed */
	struct strbuf hint;	/* when FAILED: how to fix it, may be empty */

	const struct session_target *target;	/* the caller's */
	struct proc proc;
	char nonce[FRAME_NONCE_LEN + 1];
	struct frame_parser fout, ferr;
	struct strbuf wbuf;	/* bytes waiting to be written to the channel */
	size_t woff;
	int src_fd;		/* upload data still to send, or -1 */
	uint64_t src_left;
	int write_failed;

	int remote_uid;		/* -1 until ready */
	uint64_t started_us, ready_us;	/* connect time = ready_us - started_us */
	uint64_t deadline_us;	/* of the current state; 0 = none */
	unsigned sudo_prompts;

	unsigned long step_id;
	uint64_t step_started_us;
	unsigned step_timeout_ms;
	int got_out, got_err;	/* end markers of the running step seen */
	struct session_result res;
	int result_ready;
};

#define SESSION_STEP_GRACE_MS 10000	/* after a step's limit before giving up on the host */
#define SESSION_CLOSE_GRACE_MS 5000

/* Monotonic clock in microseconds. */
uint64_t session_now_us(void);

void session_init(struct session *s);
/*
 * Spawns the channel through `tr` and starts the handshake. On failure
 * the session is FAILED (error and errmsg set) and -1 is returned.
 */
int session_start(struct session *s, const struct transport *tr,
		  const struct session_target *t, uint64_t now);

/* Fills up to 3 pollfds; returns how many. */
size_t session_pollfds(const struct session *s, struct pollfd *pfd);
/* Handles poll()'s findings for this session's entries. */
void session_io(struct session *s, const struct pollfd *pfd, size_t n, uint64_t now);
/* Handles deadlines and a child that has exited. */
void session_tick(struct session *s, uint64_t now);
/* The next time session_tick must run, or UINT64_MAX. */
uint64_t session_next_wakeup(const struct session *s);

/*
 * Starts a step (only in SESSION_IDLE): `script` runs under sh on the
 * target with stdin from /dev/null, killed after `timeout_ms` (0: no
 * limit). With data_fd >= 0 the script instead reads exactly data_len
 * bytes from its stdin, streamed from data_fd (which stays the caller's).
 * Returns 0, or -1 when the session is not idle.
 */
int session_run(struct session *s, const char *script, size_t len,
		unsigned timeout_ms, int data_fd, uint64_t data_len, uint64_t now);

/*
 * Sends the stdout of the next step started with session_run() to
 * `sink` instead of the result, uncapped and in order (e.g. a large file
 * streamed to a local file); the result's `out` stays empty. Cleared
 * when that step ends.
 */
void session_set_sink(struct session *s, void (*sink)(void *arg, const char *data, size_t len),
		      void *arg);

/*
 * When a step has ended (result_ready), moves its result into *r
 * (released first) and makes the session IDLE again. Returns 1, or 0
 * when no result is waiting.
 */
int session_take_result(struct session *s, struct session_result *r);

/* Asks the remote shell to exit (IDLE), or just waits (other states). */
void session_close(struct session *s, uint64_t now);
/* Stops now: SIGTERM to the channel; the session ends FAILED with `why`. */
void session_abort(struct session *s, enum session_error why, const char *msg);
/* 1 in CLOSED or FAILED. */
int session_done(const struct session *s);
/* 1 from the start until the remote loop is ready: CONNECTING, SUDO, BOOTING. */
int session_connecting(const struct session *s);
/* Kills the channel if it still runs, reaps it and frees everything. */
void session_release(struct session *s);

#endif
