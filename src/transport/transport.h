#ifndef KCFG_TRANSPORT_H
#define KCFG_TRANSPORT_H

struct proc;
struct strbuf;

/*
 * Where a session goes and how it logs in: one inventory host. The
 * strings belong to the caller and must outlive every session using it.
 */
struct session_target {
	const char *name;	/* inventory name, for messages */
	const char *address;	/* ansible_host, or the name */
	const char *user;	/* ansible_user; NULL: ssh's choice (~/.ssh/config) */
	const char *port;	/* ansible_port; NULL: ssh's choice */
	const char *key_file;	/* ansible_ssh_private_key_file; NULL: agent, defaults */
	const char *ssh_args;	/* ansible_ssh_common_args, split like a shell */
	int become;		/* run every step as root through sudo */
	/* sudo's password, sent on the channel's stdin only; NULL: sudo -n */
	const char *become_password;
	unsigned connect_timeout_s;	/* 0: SESSION_CONNECT_TIMEOUT */
};

#define SESSION_CONNECT_TIMEOUT 10

/*
 * How a session's channel is opened: a process whose stdin, stdout and
 * stderr reach a POSIX sh on the target that runs `remote_cmd` (a shell
 * command line). The session does the rest, so a transport is this one
 * function; tests swap in one that runs sh locally.
 */
struct transport {
	const char *name;
	/* Starts the channel into *p. Returns 0, or -1 with a message in `err`. */
	int (*spawn)(const struct session_target *t, const char *remote_cmd,
		     struct proc *p, struct strbuf *err);
};

/* OpenSSH's ssh client, honouring ~/.ssh/config, the agent, known_hosts. */
extern const struct transport transport_ssh;
/* /bin/sh on this machine (Ansible's connection=local); for tests too. */
extern const struct transport transport_local;

#endif
