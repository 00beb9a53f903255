#ifndef KCFG_PROC_H
#define KCFG_PROC_H

#include <sys/types.h>

struct strbuf;

/*
 * A child process with pipes on its stdin, stdout and stderr. The
 * parent's ends are non-blocking and close-on-exec; -1 once closed.
 * The child gets default signal dispositions, an empty signal mask and a
 * new session (no controlling terminal, so it can never prompt there,
 * and the terminal's Ctrl-C reaches only kcfg, which decides what to
 * stop); every other descriptor is closed on exec; if the exec fails the
 * child exits 127 and proc_spawn reports why.
 */
struct proc {
	pid_t pid;	/* 0 once reaped */
	int in, out, err;
};

#define PROC_INIT { 0, -1, -1, -1 }

/*
 * Starts argv[0] (searched in PATH) with argv. Returns 0, or -1 with a
 * message in `err` and errno saying why (EMFILE: out of descriptors);
 * nothing is left running.
 */
int proc_spawn(struct proc *p, const char *const *argv, struct strbuf *err);

/*
 * Makes room for `want` open descriptors: raises the soft RLIMIT_NOFILE
 * (often 1024) towards `want`, as far as the hard limit allows (kcfg
 * uses poll(), never select(), so descriptors past 1024 are fine).
 * Returns the soft limit in force afterwards.
 */
unsigned long proc_fd_limit_raise(unsigned long want);

/* The soft and hard RLIMIT_NOFILE, for messages. */
void proc_fd_limits(unsigned long *soft, unsigned long *hard);

/* Closes one of the parent's ends (e.g. &p->in) if open. */
void proc_close_fd(int *fd);

/*
 * Reaps the child: with `nohang`, returns 0 while it still runs;
 * otherwise 1 with its wait status in *status. Returns -1 on error.
 */
int proc_reap(struct proc *p, int nohang, int *status);

/* Sends `sig` to the child if it has not been reaped. */
void proc_kill(struct proc *p, int sig);

/* Closes every end, kills (SIGTERM, then SIGKILL after 2 s) and reaps. */
void proc_release(struct proc *p);

/*
 * Keeps this process's memory to itself, for a process that will hold
 * secrets (vault passwords, the sudo password, a join token, the admin
 * kubeconfig): no core file (RLIMIT_CORE 0, soft and hard, which the
 * children inherit) and not dumpable (PR_SET_DUMPABLE 0: no core dump,
 * no ptrace or /proc/PID/mem for other processes of the same user).
 * main() calls it first, before anything is read. Returns 0, or -1 with
 * errno when one of the two could not be set.
 */
int proc_forbid_dumps(void);

#endif
