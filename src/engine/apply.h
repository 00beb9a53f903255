#ifndef KCFG_APPLY_H
#define KCFG_APPLY_H

#include <stddef.h>

#include "util/strbuf.h"

struct change;
struct host_plan;
struct resource_list;

/*
 * Apply: the steps that make one host's planned changes, in order. Each
 * run of changes is one sh script (one round trip); an upload is the
 * runner's own sha256-checked step between two scripts. Every change in
 * a script reports one record on stdout:
 *
 *   R IDX done              made
 *   R IDX skip              nothing to do after all (a guard now holds)
 *   R IDX fail MESSAGE      failed: the script stops there
 *
 * Files (and files holding blocks) are made so that a user who can
 * write a directory on the way cannot redirect them (remote-fs.h): the
 * script walks to the target's directory without following a link such
 * a user could have planted, creates a temporary file there exclusively
 * under a random name, already with a mode no wider than the final one
 * (a secret is never readable by others, not even for a moment), writes
 * it, sets owner and mode through its open descriptor and renames it over
 * the target: a reader sees the old file or the new one, never a part. A
 * target that is a symbolic link is refused unless its resource allows
 * links (it is then replaced, never followed); a backup is a hard link
 * (or a copy made exclusively), never written through a link; a block's
 * file is read without following one. A temporary is removed by the
 * script on any catchable signal (the step's time limit, a stop); one
 * left by SIGKILL is removed by the next write of that file. Mode and
 * owner changes of a file are made on such a copy, a directory's from
 * inside it. A change that notifies a handler adds its name to
 * OBSERVE_PENDING_FILE on the host once made; the last script runs the
 * pending handlers and removes the file, so a handler notified before an
 * interruption still runs on the next apply. Secrets (file contents,
 * commands) travel inside the script on the session's stdin, never in
 * argv.
 */
struct apply_step {
	int upload;		/* 1: send change `first` (a CH_UPLOAD) with the runner */
	struct strbuf script;	/* the script, when not an upload */
	size_t first, nr;	/* the changes this step makes: plan->v[first..first+nr) */
};

struct apply_steps {
	struct apply_step *v;
	size_t nr, alloc;
};

#define APPLY_STEPS_INIT { NULL, 0, 0 }

/*
 * Builds the steps for `plan` (changes of `rl`). Returns 0, or -1 with a
 * message in `err` (an upload whose local file does not match its pin).
 */
int apply_build(const struct resource_list *rl, const struct host_plan *plan,
		struct apply_steps *out, struct strbuf *err);

/*
 * A value only known at apply time that a command names as
 * @@kcfg:NAME@@ (a resource's `needs`): it is put there single-quoted,
 * inside the script, which travels on the session's stdin.
 */
#define APPLY_VALUE_OPEN "@@kcfg:"
#define APPLY_VALUE_CLOSE "@@"
struct apply_value {
	const char *name;
	const char *value;
};

/*
 * apply_build() for the changes plan->v[from..to) only, with the values
 * their commands need. -1 with `err` also when a value is missing.
 */
int apply_build_range(const struct resource_list *rl, const struct host_plan *plan,
		      size_t from, size_t to, const struct apply_value *vals, size_t nr_vals,
		      struct apply_steps *out, struct strbuf *err);
void apply_steps_release(struct apply_steps *steps);

/*
 * The cluster value change `c` needs before it can be made (a command
 * naming it, a file written from it), or NULL.
 */
const char *apply_change_needs(const struct resource_list *rl, const struct change *c);

/*
 * Reads a script step's report into the plan's change states. Returns
 * the number of changes that failed (0 or 1), or -1 with `err` when the
 * output is not a report (a change of the step with no record is left
 * CHANGE_PLANNED: the script died before it).
 */
int apply_read_report(const struct apply_step *step, const char *out, size_t len,
		      struct host_plan *plan, struct strbuf *err);

#endif
