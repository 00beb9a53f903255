#ifndef KCFG_RUN_PING_H
#define KCFG_RUN_PING_H

#include <stddef.h>
#include <stdint.h>

#include "transport/transport.h"
#include "util/strbuf.h"

struct diag_list;

/*
 * `kcfg ping`: one session per host and N no-op steps over it, to show
 * that kcfg can reach and drive each host (and become root there). Its
 * hosts are every host of the inventory (roles or not, as Ansible's ping
 * takes them), with their connection variables, or hosts named on the
 * command line.
 */
enum run_ping_state { RUN_PING_OK, RUN_PING_FAILED, RUN_PING_CANCELLED };

struct run_ping_host {
	struct session_target t;
	char *name;
	char *vars[5];		/* from the inventory: address, user, port, key, ssh args */
	/* the result */
	enum run_ping_state state;
	const char *error_kind;	/* "unreachable", "auth refused", ...; NULL: none */
	struct strbuf errmsg, hint;
	uint64_t rtt_min, rtt_sum, connect_us;
	unsigned rtts;
	int remote_uid;
};

struct run_ping {
	struct run_ping_host *hosts;
	size_t nr, alloc;
	int interrupted;
};

/* A host named on the command line (its address defaults to its name). */
void run_ping_add(struct run_ping *p, const char *name, const char *address,
		  const struct session_target *defaults);
/*
 * Every host of the inventory at `path`, with its variables; those the
 * inventory sets win over `defaults`, as in Ansible. Returns 0; -1 when
 * the file cannot be read (`err`), 1 when it is invalid (`dl`).
 */
int run_ping_inventory(struct run_ping *p, const char *path,
		       const struct session_target *defaults, struct diag_list *dl,
		       struct strbuf *err);
/* Pings every host `count` times; returns how many did not answer. */
int run_ping_run(struct run_ping *p, int local, unsigned forks, int fail_fast,
		 unsigned count, unsigned timeout_s);
void run_ping_release(struct run_ping *p);

#endif
