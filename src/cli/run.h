#ifndef KCFG_CLI_RUN_H
#define KCFG_CLI_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "engine/apply.h"
#include "engine/diff.h"
#include "engine/observe.h"
#include "engine/resource.h"
#include "transport/runner.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "vault/secret.h"

struct model;
struct kcfg_opts;

/*
 * What `kcfg facts`, `kcfg plan` and `kcfg apply` share: a session
 * target per inventory host (run-hosts.c), the hosts picked by --limit,
 * facts gathered and cached (run-facts.c), and the plan/apply driver
 * over the parallel runner (run.c) with its progress and report
 * (run-report.c).
 */

enum run_host_state {
	RUN_SKIPPED,	/* not picked by --limit */
	RUN_WAITING,	/* picked, not started */
	RUN_OBSERVING,
	RUN_APPLYING,
	RUN_DONE,	/* planned (plan) or applied (apply) */
	RUN_FAILED,
};

struct run_host {
	const char *name;		/* borrowed from the model */
	size_t index;			/* in the model's hosts */
	struct session_target t;
	char port[8];
	enum run_host_state state;
	struct resource_list rl;
	struct observed obs;
	struct host_plan plan;
	struct apply_steps steps;
	size_t steps_done;
	int deferred;			/* apply: changes from deferred_from on wait */
	size_t deferred_from;		/* for a cluster value (second pass) */
	int planned;			/* observe and diff succeeded */
	int cancelled;			/* stopped by a signal or --fail-fast */
	struct strbuf error, hint;	/* when RUN_FAILED */
	uint64_t busy_us;		/* connect + step time */
	int shown;			/* the state the plain progress printed last */
};

struct run_opts {
	int apply;			/* 0: plan only */
	const char *limit;		/* --limit HOSTS/GROUPS, or NULL */
	const char *components;		/* --component A[,B...], or NULL: every one */
	unsigned forks;			/* hosts at once (0: all) */
	int fail_fast;
	unsigned timeout_s;		/* per step */
	int diffs;			/* print diffs */
	int detailed_exitcode;		/* plan: 2 when there are changes */
	long facts_max_age;		/* seconds; older cached facts are gathered again */
	const char *command;		/* "plan" or "apply", for the log file name */
	int local;			/* run through /bin/sh here (tests) */
	int ask_become;			/* -K: prompt for the sudo password */
	const char *become_password_file;	/* --become-password-file */
};

struct run {
	struct model *m;
	const struct run_opts *opts;
	struct run_host *hosts;		/* parallel to the model's hosts */
	size_t nr;
	struct secret given_become_password;	/* -K or --become-password-file */
	int tty;			/* stderr is a terminal: live progress */
	unsigned progress_lines;	/* lines the live display drew */
	int pass;			/* apply: 0, then 1 for changes that needed a cluster value */
	struct strbuf project_id_why;	/* why a Lustre project id could not be read */
	uint64_t started_us;
};

/* ---- run-hosts.c ---- */

/* Sets up `run` for every model host (none picked yet). */
void run_init(struct run *run, struct model *m, const struct run_opts *opts);
void run_release(struct run *run);

/*
 * Picks the hosts named by `limit` (comma or colon separated host names,
 * group names or 'all'; NULL: every host) or, when `names` is given,
 * exactly those hosts. Prints what is wrong and returns an exit code.
 */
int run_pick(struct run *run, const char *limit, char **names, size_t nr_names);

/* The components named by --component, checked (NULL: all). Prints errors. */
int run_check_components(const char *list);
/* 1 when component `name` is in `list` (NULL: every one). */
int run_component_wanted(const char *list, const char *name);

/* The first host of the inventory with any of `roles` (COMP_ROLE_*), picked or not; NULL if none. */
struct run_host *run_first_host(struct run *run, unsigned roles);

/* A runner over ssh (or /bin/sh with --local) with the run's --forks and
 * --fail-fast, calling `fn` with the run after each step. */
void run_runner_init(struct run *run, struct runner *r, runner_step_fn fn);

/* ---- run-become.c ---- */

/* The options facts, plan and apply take for sudo's password. */
#define RUN_OPT_BECOME_FILE 0x300
#define RUN_BECOME_LONGOPTS \
	{ "ask-become-password", no_argument, NULL, 'K' }, \
	{ "ask-become-pass", no_argument, NULL, 'K' }, \
	{ "become-password-file", required_argument, NULL, RUN_OPT_BECOME_FILE }
#define RUN_BECOME_HELP \
	"  -K, --ask-become-password  ask for sudo's password (hosts that log in as a\n" \
	"                             user other than root and have no\n" \
	"                             ansible_become_password in the vault or inventory)\n" \
	"      --become-password-file FILE\n" \
	"                             read that password from FILE instead\n"

/* 1 when `c` was one of RUN_BECOME_LONGOPTS (stored in `ro`). */
int run_parse_become_option(struct run_opts *ro, int c, const char *arg);
/*
 * The password in `file` (its one line), or typed at a prompt on the
 * terminal when `ask`; nothing when neither. Prints errors; returns 0 or -1.
 */
int run_read_become_password(const char *file, int ask, struct secret *out);
/*
 * Reads the password -K or --become-password-file asks for and gives it
 * to every host that becomes root and has none of its own. Returns an
 * exit code.
 */
int run_setup_become(struct run *run);

/* ---- run-facts.c ---- */

/*
 * Gathers facts over one session per picked host that needs them (all,
 * when `always`; else those whose cache is missing or stale), stores
 * them in the model and caches them as .kcfg/facts/<host>.json. A host
 * that fails is marked RUN_FAILED with the reason. Returns 0, or -1
 * when interrupted.
 */
int run_gather_facts(struct run *run, int always);
/*
 * Loads the cached facts of every picked host that has fresh ones, and
 * of every host --limit leaves out that has any.
 */
void run_load_cached_facts(struct run *run);

/* ---- run-values.c ---- */

/* Cluster values read for the second pass: secrets, wiped on release. */
struct run_values {
	struct strvec names;
	struct strbuf *values;		/* parallel to names */
	const char *from;		/* the host they came from */
};

/*
 * Reads the cluster values `names` (components/cluster-values.h) on the
 * host that has them, over one session. Returns 0, or -1 with `err` and
 * `hint`; release `out` either way.
 */
int run_read_values(struct run *run, const struct strvec *names, struct run_values *out,
		    struct strbuf *err, struct strbuf *hint);
/* The value called `name`, or NULL. */
const char *run_value(const struct run_values *v, const char *name);
void run_values_release(struct run_values *v);

/* ---- run-project-ids.c ---- */

/*
 * Fills the empty storage.filesystems[].project_id from the first worker
 * (`lfs project -d`), when exascaler-csi runs on a picked controller; says
 * in `why` what it could not read.
 */
void run_read_project_ids(struct run *run, struct strbuf *why);

/* ---- run.c ---- */

/* Observes, plans and (with opts->apply) applies; returns an exit code. */
int run_plan_apply(struct run *run);

/* ---- run-report.c ---- */

void run_progress(struct run *run);
void run_progress_end(struct run *run);
/* The plan (or what apply did) per host, on stdout. */
void run_print_hosts(struct run *run);
/* The summary table (apply) and the errors with their hints. */
void run_print_summary(struct run *run);
/* Opens .kcfg/logs/<time>-<command>.log; failure to open is a warning. */
void run_open_log(struct run *run);

#endif
