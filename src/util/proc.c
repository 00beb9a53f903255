#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/proc.h"
#include "util/strbuf.h"
#include "util/banned.h"

void proc_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* pipe2() is not POSIX; kcfg is single-threaded, so there is no race */
static int cloexec_pipe(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* dup2 onto `to`; when `from` already is `to`, keep it open across exec */
static int move_fd(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(from, to) < 0 ? -1 : 0;
}

/* In the child: only async-signal-safe calls from here to exec. */
static void child(const char *const *argv, int in, int out, int err, int report)
{
	struct sigaction sa;
	sigset_t none;
	int e;

	setsid();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* fails harmlessly for KILL, STOP */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (move_fd(in, 0) < 0 || move_fd(out, 1) < 0 || move_fd(err, 2) < 0)
		goto fail;
	execvp(argv[0], (char *const *)argv);
fail:
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);	/* nothing more we can do */
	_exit(127);
}

static unsigned long rlim_ul(rlim_t v)
{
	return v == RLIM_INFINITY || v > (rlim_t)ULONG_MAX ? ULONG_MAX : (unsigned long)v;
}

void proc_fd_limits(unsigned long *soft, unsigned long *hard)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		rl.rlim_cur = rl.rlim_max = 0;
	*soft = rlim_ul(rl.rlim_cur);
	*hard = rlim_ul(rl.rlim_max);
}

unsigned long proc_fd_limit_raise(unsigned long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rlim_ul(rl.rlim_cur) >= want)
		return rlim_ul(rl.rlim_cur);
	rl.rlim_cur = rlim_ul(rl.rlim_max) > want ? (rlim_t)want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		getrlimit(RLIMIT_NOFILE, &rl);
	return rlim_ul(rl.rlim_cur);
}

int proc_spawn(struct proc *p, const char *const *argv, struct strbuf *err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int rep[2] = { -1, -1 };
	int child_errno = 0, ret = -1, saved = 0;
	ssize_t n;
	pid_t pid;

	if (cloexec_pipe(pin) || cloexec_pipe(pout) || cloexec_pipe(perr) ||
	    cloexec_pipe(rep)) {
		saved = errno;
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		saved = errno;
		strbuf_addf(err, "cannot start '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(argv, pin[0], pout[1], perr[1], rep[1]);

	proc_close_fd(&rep[1]);
	do
		n = read(rep[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(child_errno)) {
		int st;

		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		saved = child_errno;
		strbuf_addf(err, "cannot run '%s': %s", argv[0], strerror(child_errno));
		goto out;
	}
	p->pid = pid;
	p->in = pin[1];
	p->out = pout[0];
	p->err = perr[0];
	pin[1] = pout[0] = perr[0] = -1;
	fcntl(p->in, F_SETFL, O_NONBLOCK);
	fcntl(p->out, F_SETFL, O_NONBLOCK);
	fcntl(p->err, F_SETFL, O_NONBLOCK);
	ret = 0;
out:
	for (int i = 0; i < 2; i++) {
		proc_close_fd(&pin[i]);
		proc_close_fd(&pout[i]);
		proc_close_fd(&perr[i]);
		proc_close_fd(&rep[i]);
	}
	if (ret < 0)
		errno = saved;
	return ret;
}

int proc_reap(struct proc *p, int nohang, int *status)
{
	pid_t r;

	if (!p->pid)
		return -1;
	do
		r = waitpid(p->pid, status, nohang ? WNOHANG : 0);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	if (r < 0)
		return -1;
	p->pid = 0;
	return 1;
}

void proc_kill(struct proc *p, int sig)
{
	/* its whole group (setsid() made one), or itself before it did */
	if (p->pid > 0 && kill(-p->pid, sig) < 0)
		kill(p->pid, sig);
}

void proc_release(struct proc *p)
{
	int st;

	proc_close_fd(&p->in);
	proc_close_fd(&p->out);
	proc_close_fd(&p->err);
	if (!p->pid)
		return;
	if (proc_reap(p, 1, &st) == 1)
		return;
	proc_kill(p, SIGTERM);
	for (int i = 0; i < 200; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (proc_reap(p, 1, &st) != 0)
			return;
		nanosleep(&ts, NULL);
	}
	proc_kill(p, SIGKILL);
	proc_reap(p, 0, &st);
}

int proc_forbid_dumps(void)
{
	struct rlimit none = { 0, 0 };
	int ret = 0;

	if (setrlimit(RLIMIT_CORE, &none) < 0)
		ret = -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		ret = -1;
	return ret;
}
