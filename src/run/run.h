#ifndef KCFG_RUN_H
#define KCFG_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "components/component.h"
#include "engine/apply.h"
#include "engine/diff.h"
#include "engine/observe.h"
#include "engine/resource.h"
#include "transport/runner.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "vault/secret.h"

struct model;
struct cluster_view;
struct preflight_probe;

/*
 * The run engine (docs/engine.md): every command that works on hosts is
 * an ordered list of phases driven by run_phases() over ONE ssh session
 * per host for the whole run. A phase names which hosts (roles, the
 * run's --limit), how many at once (all, a batch of N or N %, one at a
 * time), what to do on each (gather facts, converge the components of
 * one comp_phase: observe, diff, apply; or an action of its own) and an
 * optional barrier (a condition polled on one host until it holds or
 * its time runs out). Values only a host can tell (a join token, a
 * Lustre project id: components/cluster-values.h) are read when a phase
 * first needs them, over the session of the host that has them.
 *
 * Nothing here prints: results stay in struct run (per host and phase)
 * for cli/ to report, progress reaches cli/ through run_events, and
 * what the user must fix goes into diagnostics with a hint.
 */

/* How many hosts a phase works on at once; n == 0: all (within --forks). */
struct run_batch {
	unsigned n;
	int percent;		/* n is a percentage of the phase's hosts */
};

struct run_opts {
	int apply;			/* 0: plan only: observe and diff, change nothing */
	const char *limit;		/* --limit HOSTS/GROUPS, or NULL */
	const char *components;		/* --component A[,B...], or NULL: every one */
	unsigned forks;			/* sessions working at once (0: all) */
	int fail_fast;
	unsigned timeout_s;		/* per step */
	unsigned wait_timeout_s;	/* barriers; 0: each barrier's own */
	struct run_batch batch;		/* --batch: converge phases in batches */
	long facts_max_age;		/* seconds; older cached facts are gathered again */
	const char *command;		/* "plan", "apply", ...: the log file's name */
	int local;			/* /bin/sh here instead of ssh (tests) */
	int skip_preflight;		/* --skip-preflight: the preflight phase does nothing */
	int smoke;			/* status --smoke: the smoke workloads after the reads */
};

enum run_host_state {
	RUN_SKIPPED,	/* not picked by --limit */
	RUN_WAITING,	/* picked; nothing running on it now */
	RUN_BUSY,	/* a step of the current phase runs there */
	RUN_FAILED,	/* a phase failed there: later phases skip it */
};

/* One host's part in one phase. */
enum host_phase_state {
	HP_NONE,	/* not in this phase (its roles, --limit, nothing to do) */
	HP_WAITING,	/* in it, not started (a later batch, or the phase to come) */
	HP_OBSERVING,
	HP_WAITING_VALUE,	/* planned; its changes wait for a cluster value */
	HP_APPLYING,
	HP_DONE,	/* planned (plan) or applied (apply) */
	HP_FAILED,
	HP_CANCELLED,	/* not started or stopped: a signal, --fail-fast, a failed batch */
};

struct host_phase {
	enum host_phase_state state;
	struct resource_list rl;
	struct observed obs;
	struct host_plan plan;
	struct apply_steps steps;
	size_t first_step;		/* the runner step of steps.v[0] */
	size_t steps_done;
	int planned;			/* observe and diff succeeded */
	struct strvec needs;		/* cluster values its changes need */
	struct diag_list found;		/* preflight and verify: what the checks found */
	struct strvec found_by;		/* the component of each (parallel), "host" for
					 * the checks of the host itself */
	struct strbuf error, hint;	/* HP_FAILED / HP_CANCELLED: why */
	uint64_t busy_us;
};

struct run_host {
	const char *name;		/* borrowed from the model */
	size_t index;			/* in the model's hosts */
	struct session_target t;
	char port[8];
	enum run_host_state state;
	struct runner_host *rh;		/* its session for the whole run, once used */
	struct host_phase *ph;		/* one per phase of the run */
	struct strbuf error, hint;	/* the first failure, for the summary */
	int cancelled;
	uint64_t busy_us;		/* connect + step time */
	int shown;			/* for cli/: what the plain progress printed last */
	struct preflight_probe *preflight;	/* what preflight read on it, or NULL */
	/*
	 * Not picked, but taken in for a part of its converge phases
	 * (run_include_for_limit): RUN_TAKE_* bits, and why, for the plan.
	 * 0 and NULL: a picked host (or one left out).
	 */
	unsigned taken_in;
	const char *included_why;
};

/* What a host that --limit leaves out is taken in for (run_host.taken_in). */
enum {
	RUN_TAKE_K0S = 1,		/* the k0s component: a controller's worker profiles */
	RUN_TAKE_HOSTS_FILE = 2,	/* /etc/hosts: the names of the hosts --limit adds */
};

struct run;
struct run_phase;

/*
 * A phase's own per-host action (facts, drain, backup, reset, ...):
 * start() queues the host's steps on its session (run_session(), then
 * runner_add_step() and runner_step_on_done() with the host as data);
 * the step callbacks record what they read and return -1 to fail the
 * host (h->rh->errmsg says why). start() returns 0 when it queued steps,
 * 1 when the host has nothing to do, -1 when it failed (run_host_fail()).
 * finish(), when set, runs once after every host of a batch is done.
 */
struct run_action {
	int (*start)(struct run *run, const struct run_phase *ph, size_t phase,
		     struct run_host *h);
	void (*finish)(struct run *run, const struct run_phase *ph, size_t phase);
};

/*
 * A condition checked after a phase: `script` runs on the first host
 * with `roles` (read-only), judge() says whether it holds (1), not yet
 * (0, with what is missing in `why`) or cannot tell (-1, `why`). Polled
 * every `interval_ms` until it holds or `timeout_s` (or --wait-timeout)
 * passes; then the run stops with what did not become true and `hint`.
 */
struct run_barrier {
	const char *what;		/* "the API server is ready" */
	unsigned roles;
	void (*script)(const struct run *run, struct strbuf *out);
	int (*judge)(const struct run *run, const char *out, size_t len, struct strbuf *why);
	unsigned timeout_s;
	unsigned interval_ms;
	const char *hint;		/* where to look */
	/* whether the run needs it: NULL, when the phase did any work */
	int (*wanted)(const struct run *run);
};

enum run_phase_kind {
	PHASE_CONVERGE,		/* the components of comp_phase: observe, diff, apply */
	PHASE_ACTION,		/* a run_action */
};

struct run_phase {
	const char *name;		/* "hosts", "workers", ... */
	enum run_phase_kind kind;
	enum comp_phase comp_phase;	/* PHASE_CONVERGE */
	const struct run_action *action;	/* PHASE_ACTION */
	unsigned roles;			/* its hosts among the picked (0: all) */
	struct run_batch batch;		/* converge phases take --batch instead */
	int in_plan;			/* also runs when the run does not apply */
	const struct run_barrier *barrier;
	unsigned addon_group;		/* COMP_PHASE_ADDONS: only that group (addon.h); 0: all */
	/* a converge phase of these resources alone, not its components' (upgrade's bastion) */
	int (*resources)(const struct comp_ctx *ctx, const struct comp_host *h,
			 struct resource_list *out, struct strbuf *err);
};

/* What a barrier came to. */
enum run_barrier_state { BARRIER_NONE, BARRIER_SKIPPED, BARRIER_HELD, BARRIER_FAILED };

struct run_barrier_result {
	enum run_barrier_state state;
	struct strbuf why;		/* BARRIER_FAILED: what did not become true */
	uint64_t waited_us;
};

/* One value read (or tried) on a host: secrets are wiped on release. */
struct run_value {
	char *name;
	int known;
	struct strbuf value;
	struct strbuf why;		/* not known: why */
	const char *from;		/* the host it came from */
};

struct run_values {
	struct run_value *v;
	size_t nr, alloc;
};

/* How cli/ hears about a run while it goes (all may be NULL). */
struct run_events {
	void (*progress)(struct run *run);		/* host states changed */
	void (*phase)(struct run *run, size_t phase);	/* a phase starts */
	void (*waiting)(struct run *run, const struct run_barrier *b, const char *why);
	void *data;
};

struct run {
	struct model *m;
	const struct run_opts *opts;
	struct run_host *hosts;		/* parallel to the model's hosts */
	size_t nr;
	const struct run_phase *phases;
	size_t nr_phases;
	size_t phase;			/* the phase running (or last run) */
	struct run_barrier_result *barriers;	/* one per phase */
	struct runner runner;		/* every host's session, for the whole run */
	int runner_ready;
	struct run_values values;
	struct strvec misses;		/* values components asked for, not known */
	struct secret given_become_password;	/* -K or --become-password-file */
	const struct run_events *ev;
	int interrupted;
	int stopped;			/* a barrier failed or a batch failed: later phases skip */
	/*
	 * A host whose resources cannot be worked out (before any change)
	 * stops the whole run, not only that host (kcfg upgrade: its steps
	 * go host after host, so a host left out would reorder them).
	 */
	int whole_or_nothing;
	uint64_t started_us;
	struct cluster_view *view;	/* verify: what it read of the cluster (verify.c) */
	void *op;			/* an operation's own state (backup.c: run_backup) */
};

/* ---- hosts.c ---- */

/* Sets up `run` for every model host (none picked yet). */
void run_init(struct run *run, struct model *m, const struct run_opts *opts);
void run_release(struct run *run);

/*
 * Picks the hosts named by `limit` (comma or colon separated host names,
 * group names or 'all'; NULL: every host) or, when `names` is given,
 * exactly those hosts. Returns 0, or -1 with every problem in `dl`.
 */
int run_pick(struct run *run, const char *limit, char **names, size_t nr_names,
	     struct diag_list *dl);
/*
 * After run_pick, for plan/apply with --limit, hosts left out are taken
 * in for what the picked hosts need of them, nothing else of theirs (the
 * plan says why): when a worker and no controller is picked, the first
 * controller for the k0s component's resources (its k0s.yaml holds every
 * worker's profile, and a new worker joins with its own); when the
 * common component is wanted, every other host for its /etc/hosts (a new
 * host's name reaches them all).
 */
void run_include_for_limit(struct run *run);
/* The components named by `list` (NULL: all) exist. 0, or -1 with `dl`. */
int run_check_components(const char *list, struct diag_list *dl);
/* 1 when component `name` is in `list` (NULL: every one). */
int run_component_wanted(const char *list, const char *name);
/* The first host of the inventory with any of `roles`, picked or not; NULL if none. */
struct run_host *run_first_host(struct run *run, unsigned roles);
/*
 * The host's session for the whole run (connected when its first step
 * runs). The run's runner is set up on first use.
 */
struct runner_host *run_session(struct run *run, struct run_host *h);
/* Ends every session of the run cleanly (run_phases() does it itself). */
void run_close_sessions(struct run *run);
/*
 * A run_action's finish() for operations that go step by step (reset,
 * node removal, upgrade): a host of phase `p` failed, so the later
 * phases do not start.
 */
void run_stop_on_failure(struct run *run, const struct run_phase *ph, size_t p);
/* Marks `h` failed (first message kept) with a hint (may be NULL). */
void run_host_fail(struct run_host *h, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same for its part in phase `p`, which also fails the host. */
void run_phase_fail(struct run_host *h, size_t p, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- become.c ---- */

/*
 * Gives `password` (-K, --become-password-file) to every host that
 * becomes root and has none of its own (the vault's or the inventory's
 * ansible_become_password). Takes it over (*password is left empty).
 */
void run_give_become_password(struct run *run, struct secret *password);

/* ---- facts.c ---- */

/* The facts phase: gathers what the picked hosts lack (or all, `always`). */
extern const struct run_action run_facts_action;
extern const struct run_action run_facts_always_action;
/*
 * Loads the cached facts of every picked host that has fresh ones, and
 * of every host --limit leaves out that has any.
 */
void run_load_cached_facts(struct run *run);
/* The facts of every picked host that has them, as one JSON object keyed by host. */
void run_facts_json(const struct run *run, struct strbuf *out);

/* ---- backup.c ---- */

/* kcfg backup: `k0s backup` on the controller, the archive pulled here. */
struct run_backup {
	char *local_path;		/* -o FILE, else beside the inventory (set by the run) */
	char *remote_file, *remote_dir;	/* on the controller */
	const char *host;
	int done;			/* written here, sha256 checked */
	uint64_t bytes;
	char sha256[65];
	struct strbuf error, hint;	/* why it was not written */
	struct strbuf warning;		/* the remote copy could not be removed */
};
void run_backup_release(struct run_backup *b);
/* the backup on the controller (run->op is a run_backup, or starts with one) */
extern const struct run_action run_backup_action;
extern const struct run_phase run_backup_phases[];
extern const size_t run_backup_phases_nr;

/* kcfg restore FILE: refused while k0s runs; then the API barrier and verify. */
struct run_restore {
	const char *local;		/* the archive here */
	int done;
	struct strbuf error, hint;	/* why it was refused after the upload */
};
extern const struct run_phase run_restore_phases[];
extern const size_t run_restore_phases_nr;

/* ---- reset.c ---- */

/* kcfg reset: what each host's script removed (or would remove). */
struct run_reset_host {
	int reached;			/* its script ran */
	struct strvec items;		/* what was (would be) removed, in order */
	struct strbuf failure;		/* what failed there */
};

/*
 * kcfg reset's state, run->op during its phases. Node removal's state
 * starts with one (run_node_remove), so its reset phase shares the action.
 */
struct run_reset {
	int all;			/* the registry and the bastion too */
	const struct run_host *only;	/* node removal: this host alone */
	int dry_run;			/* report what would go, change nothing */
	struct run_reset_host *hosts;	/* parallel to run->hosts */
	size_t nr;
};

void run_reset_init(struct run_reset *r, size_t nr_hosts);
void run_reset_release(struct run_reset *r);
/* one host's teardown (k0s stop and reset, the leftovers, kcfg's files) */
extern const struct run_action run_reset_action;
/* workers, then the controller, then (--all) the registry and the bastion */
extern const struct run_phase run_reset_phases[];
extern const size_t run_reset_phases_nr;

/* ---- node-remove.c ---- */

/* A node cordoned and drained on the controller (shared with the upgrade). */
struct run_drain {
	int registered;			/* the Node exists */
	int was_cordoned;		/* by someone before: left so */
	int drained, failed, uncordoned;
	struct strbuf error;		/* what kubectl drain said */
};
/*
 * The controller's script for `node`: cordon it (unless it is), drain it;
 * when the drain fails, uncordon it again unless `keep_cordoned` or it
 * was cordoned before. With `marker_dir`, a file there names the nodes
 * kcfg cordoned, so a later run tells its own cordon from an admin's.
 */
void run_drain_script(const char *node, unsigned grace_s, unsigned timeout_s,
		      int keep_cordoned, const char *marker_dir, struct strbuf *out);
/* What the script reported. */
void run_drain_read(struct run_drain *d, const char *out, size_t len);

/* kcfg node remove HOST: run->op during its phases (the reset's state first). */
struct run_node_remove {
	struct run_reset reset;		/* first: the reset phase reads it as run->op */
	const struct run_host *target;
	int force;
	unsigned grace_s, drain_timeout_s;
	struct run_drain drain;
	int node_deleted;
};
/* drain and delete the Node on the controller, then reset the host */
extern const struct run_phase run_node_remove_phases[];
extern const size_t run_node_remove_phases_nr;

/* ---- upgrade.c ---- */

struct run_upgrade_host {
	const char *name;
	int read;			/* its versions were read */
	char *was;			/* the running version (k0s status), or NULL */
	char *binary;			/* the binary's (k0s version), or NULL */
	int needs;			/* it goes through the upgrade's steps */
	int marked;			/* an interrupted run's cordon, still on it */
	unsigned batch;			/* workers: 1, 2, ... */
	struct run_drain drain;
	int upgraded, ready, uncordoned;
	char *now;			/* the version after */
};

/* kcfg upgrade: run->op during its phases (the backup's state first). */
struct run_upgrade {
	struct run_backup backup;	/* first: the backup phase reads it as run->op */
	const char *target;		/* versions.k0s */
	char *binary_local, *staged;	/* the new binary here, and where it is staged */
	int no_backup;
	struct run_batch max_unavailable;
	unsigned grace_s, drain_timeout_s, ready_timeout_s;
	struct run_upgrade_host *hosts;	/* parallel to run->hosts */
	size_t nr, nr_batches, todo;
	char *refused;			/* why nothing was started (a downgrade, a skipped minor) */
	struct run_phase *phases;	/* built for the picked hosts: versions, validate,
					 * backup, controller, then drain/workers/ready per batch */
	char **names;
	size_t nr_phases;
};
/* Builds u's phases for the run's picked hosts. 0, or -1 with `err`. */
int run_upgrade_init(struct run *run, struct run_upgrade *u, struct strbuf *err);
void run_upgrade_release(struct run_upgrade *u);

/* ---- checks.c ---- */

/*
 * Preflight: a read-only script on each host (engine/preflight.h), then
 * the host's own checks (sudo gives root, its clock; across hosts:
 * hostnames, machine-ids, addresses unique) and each component's check().
 * An error on any host stops the run before its first change.
 */
extern const struct run_action run_preflight_action;
/* How many errors and warnings preflight found on the picked hosts. */
void run_preflight_count(const struct run *run, size_t *errors, size_t *warnings);
/* The index of the run's preflight phase, or run->nr_phases when it has none. */
size_t run_preflight_phase(const struct run *run);
/* The version of the JSON run_preflight_json() writes (docs/json.md). */
#define RUN_PREFLIGHT_JSON_VERSION 1
/*
 * What preflight found as one JSON object (docs/json.md,
 * docs/preflight.schema.json): every finding with its host, component,
 * severity (blocking or warning), message and hint; each host's result.
 */
void run_preflight_json(const struct run *run, struct strbuf *out);

/* ---- verify.c ---- */

/*
 * Reads the running cluster once (the controller's kubectl, Harbor from
 * the bastion: run->view), then each component's verify() on each host.
 */
extern const struct run_action run_verify_action;
/* Frees run->view (run_release does it). */
void run_view_release(struct run *run);

/* ---- values.c ---- */

/*
 * The value `name` when known, reading it on its host first if this run
 * may (its phase is done, plan may read it or the run applies). Returns
 * the value or NULL; a value that could not be read says why in
 * run_value_why(). Runs the run's runner: call between phases' rounds,
 * never from a step callback.
 */
const char *run_value_get(struct run *run, const char *name);
/* Why `name` is not known ("" when it is, or was never asked for). */
const char *run_value_why(const struct run *run, const char *name);
/* Reads every name in `names` not known yet (one round per source host). */
void run_values_read(struct run *run, const struct strvec *names);
/* The lookup components use (comp_ctx.value): known values; misses are noted. */
const char *run_value_lookup(const struct comp_ctx *ctx, const char *name, void *data);
void run_values_release(struct run_values *v);

/* ---- converge.c ---- */

/*
 * What the picked components want on every picked host, in every
 * converge phase of the run, computed before any host is contacted
 * (values unknown): the downloads they upload (an empty pin is an error
 * at its cluster.yaml line, a file not in the cache says 'kcfg fetch'),
 * values no host could ever tell, components that cannot work (missing
 * facts, settings: those fail their host) and conflicts. Returns 0; -1
 * when the input is wrong, -2 when only downloads are missing; every
 * problem is in `dl`.
 */
int run_prepare(struct run *run, struct diag_list *dl);
/*
 * Starts a converge phase on a batch of hosts: what the components want
 * there now (reading the values they ask for first), then an observe
 * step on each. Returns how many hosts have a step queued.
 */
int run_converge_batch(struct run *run, size_t phase, struct run_host **hosts, size_t nr);
/*
 * After a converge round: reads the values hosts wait for and queues
 * their apply steps. Returns how many hosts got steps.
 */
size_t run_converge_continue(struct run *run, size_t phase, struct run_host **hosts,
			     size_t nr);

/* ---- format.c ---- */

/* Change `k` of a host's part in a phase, on one line (plan.h's form). */
void run_describe_change(const struct host_phase *hp, size_t k, struct strbuf *out);
/*
 * The host's plan in phase `p`: "HOST:", a line per change (with its diff
 * when `diffs`; a change waiting for a value says why it is not known),
 * then "HOST: N to change, M unchanged" (or "no changes").
 */
void run_format_plan(const struct run *run, const struct run_host *h, size_t p, int diffs,
		     struct strbuf *out);

/* ---- json.c ---- */

/* The version of the JSON run_json() writes (docs/json.md). */
#define RUN_JSON_VERSION 1

/*
 * The run's results as one JSON object (docs/json.md, docs/run.schema.json):
 * per phase its barrier and per host every change and its result (diffs
 * of what is not secret when `diffs`), then a summary per host.
 */
void run_json(const struct run *run, int diffs, struct strbuf *out);

/* ---- phases.c ---- */

/* plan and apply: facts, then every converge phase with its barrier. */
/* After the controller (re)starts: `k0s kubectl get --raw=/readyz` answers ok. */
extern const struct run_barrier run_api_ready;
/*
 * What follows k0s in kcfg upgrade: kubectl and helm on the bastion, then
 * the add-on groups as apply has them (their barriers too).
 */
extern const struct run_phase run_follow_phases[];
extern const size_t run_follow_phases_nr;
extern const struct run_phase run_plan_phases[];
extern const size_t run_plan_phases_nr;
/* kcfg status: the verify phase alone, over the hosts it reads from. */
extern const struct run_phase run_status_phases[];
extern const size_t run_status_phases_nr;
/* kcfg preflight: facts, then preflight. */
extern const struct run_phase run_preflight_phases[];
extern const size_t run_preflight_phases_nr;
/* kcfg facts: facts only, always gathered. */
extern const struct run_phase run_facts_phases[];
extern const size_t run_facts_phases_nr;

/* ---- driver.c ---- */

/*
 * Runs `phases` in order over the picked hosts (run_pick first), with
 * one session per host for all of them. Opens the run's log (closed by
 * run_release). Returns 0; -1 when interrupted; -2 when the input is
 * wrong and -3 when downloads are missing (run_prepare: the problems are
 * in `dl`), found before any host is touched. Per-host results are in
 * run->hosts.
 */
int run_phases(struct run *run, const struct run_phase *phases, size_t nr,
	       const struct run_events *ev, struct diag_list *dl);
/* 1 when any picked host failed. */
int run_failed(const struct run *run);
/* 1 when the plan has changes (or apply made some). */
int run_has_changes(const struct run *run);
/* The batches `b` makes of `nr` hosts: how many in each (the last may be smaller). */
size_t run_batch_size(const struct run_batch *b, size_t nr);

#endif
