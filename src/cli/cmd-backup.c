/*
 * kcfg backup and kcfg restore FILE (docs/lifecycle.md): k0s's own
 * backup of the controller, streamed here and checked; and its restore,
 * refused while k0s runs there, followed by the API barrier and the
 * checks of `kcfg status`.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "components/component.h"
#include "run/model.h"
#include "run/run.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define JSON_VERSION 1

enum { OPT_JSON = 0x200, OPT_WAIT_TIMEOUT };

struct backup_opts {
	const char *output;
	int json;
};

static const struct option backup_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 }
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct backup_opts *bo = ctx->data;

	switch (c) {
	case 'o': bo->output = arg; break;
	case OPT_JSON: bo->json = 1; break;
	case OPT_WAIT_TIMEOUT:
		if (cli_wait_timeout(ctx, arg) < 0)
			return KCFG_EXIT_USAGE;
		break;
	default: return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

/* Both work on the controller: it must be in the inventory and picked. */
static int controller_picked(struct cmd_ctx *ctx)
{
	struct run_host *ctl = run_first_host(&ctx->run, COMP_ROLE_MASTER);

	if (!ctl) {
		cli_error("the inventory %s has no kube_master host: there is no controller to "
			  "%s", ctx->m.inv.file, ctx->cmd->name);
		return KCFG_EXIT_INVALID;
	}
	if (ctl->state == RUN_SKIPPED) {
		cli_error("--limit leaves out the controller '%s', where k0s keeps the cluster's "
			  "state", ctl->name);
		cli_hint("add it to --limit, or leave --limit out");
		return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

/* The result object with the controller it worked on. */
static void json_head(struct json_writer *jw, struct strbuf *out, const char *format, int ok,
		      const struct run *run)
{
	const struct run_host *ctl = run_first_host((struct run *)run, COMP_ROLE_MASTER);

	report_json_begin(jw, out, format, JSON_VERSION, ok);
	json_member_string(jw, "controller", ctl ? ctl->name : NULL);
}

/* Every host's failure, for --json. */
static void json_failures(struct json_writer *jw, const struct run *run)
{
	json_key(jw, "failures");
	json_array_begin(jw);
	for (size_t i = 0; i < run->nr; i++) {
		const struct run_host *h = &run->hosts[i];

		for (size_t p = 0; h->ph && p < run->nr_phases; p++)
			for (size_t k = 0; k < h->ph[p].found.nr; k++) {
				const struct diag *d = &h->ph[p].found.d[k];

				if (d->level != DIAG_ERROR)
					continue;
				json_object_begin(jw);
				json_member_string(jw, "host", h->name);
				json_member_string(jw, "what", d->msg);
				json_member_string(jw, "hint", d->hint);
				json_object_end(jw);
			}
		if (h->state == RUN_FAILED) {
			json_object_begin(jw);
			json_member_string(jw, "host", h->name);
			json_member_string(jw, "what", h->error.len ? h->error.buf : "failed");
			json_member_string(jw, "hint", h->hint.len ? h->hint.buf : NULL);
			json_object_end(jw);
		}
	}
	for (size_t p = 0; p < run->nr_phases; p++)
		if (run->barriers[p].state == BARRIER_FAILED) {
			json_object_begin(jw);
			json_member_string(jw, "host", NULL);
			json_member_string(jw, "what", run->barriers[p].why.buf);
			json_member_string(jw, "hint", run->phases[p].barrier->hint);
			json_object_end(jw);
		}
	json_array_end(jw);
}

/* ---- backup ---- */

static void backup_json(const struct run *run, const struct run_backup *b)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer jw;

	json_head(&jw, &out, "kcfg-backup", b->done && !run_failed(run), run);
	json_member_string(&jw, "file", b->done ? b->local_path : NULL);
	json_key(&jw, "bytes");
	json_int(&jw, (long long)b->bytes);
	json_member_string(&jw, "sha256", b->done ? b->sha256 : NULL);
	json_key(&jw, "warnings");
	json_array_begin(&jw);
	if (b->warning.len)
		json_string(&jw, b->warning.buf);
	json_array_end(&jw);
	json_failures(&jw, run);
	report_json_end(&jw, &out);
	strbuf_release(&out);
}

static int cmd_backup(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct backup_opts bo = { NULL, 0 };
	struct diag_list dl = DIAG_LIST_INIT;
	struct run_backup b;
	int ret, rc;

	memset(&b, 0, sizeof(b));
	ctx->ro.command = "backup";
	ctx->ro.timeout_s = 3600;
	ctx->ro.facts_max_age = 100L * 365 * 86400;	/* no facts are needed */
	ctx->data = &bo;
	ret = cli_parse(ctx, argc, argv, "o:", backup_options, own);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (bo.output && !access(bo.output, F_OK)) {
		cli_error("%s exists: a backup never replaces a file", bo.output);
		cli_hint("name a new file with -o FILE");
		return KCFG_EXIT_USAGE;
	}
	ret = cli_setup_cluster(ctx);
	if (ret == KCFG_EXIT_OK)
		ret = controller_picked(ctx);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (bo.output)
		b.local_path = xstrdup(bo.output);
	strbuf_init(&b.error, 0);
	strbuf_init(&b.hint, 0);
	strbuf_init(&b.warning, 0);
	ctx->run.op = &b;
	rc = report_run(&ctx->run, run_backup_phases, run_backup_phases_nr, 0, &dl);
	diag_release(&dl);
	if (bo.json) {
		backup_json(&ctx->run, &b);
	} else if (b.done) {
		printf("backup: %s (%llu bytes, sha256 %s) from the controller '%s'\n",
		       b.local_path, (unsigned long long)b.bytes, b.sha256, b.host);
	}
	if (b.warning.len)
		cli_warning("%s", b.warning.buf);
	if (!bo.json)
		report_errors(&ctx->run);
	ret = rc == -1 ? 130 : b.done && !run_failed(&ctx->run) ? KCFG_EXIT_OK : KCFG_EXIT_FAILURE;
	ctx->run.op = NULL;
	run_backup_release(&b);
	return ret;
}

const struct cmd_entry cmd_backup_entry = {
	"backup", cmd_backup, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"back up the cluster's state from the controller (k0s backup)",
	"kcfg [-i INVENTORY] backup [-o FILE] [--json] [-K] [VAULT OPTIONS]",
	"Runs 'k0s backup' on the controller (the first kube_master) into a fresh\n"
	"private directory there, copies the archive here over the same ssh\n"
	"session, compares its sha256 with the one the controller computes, and\n"
	"removes the controller's copy (also when the copy failed). The archive\n"
	"holds the cluster's certificates and keys and its etcd snapshot: it is\n"
	"written 0600 from its first byte, under k0s's name\n"
	"k0s_backup_<timestamp>.tar.gz beside the inventory, or as FILE (-o); an\n"
	"existing file is never replaced. k0s must run on the controller.\n"
	"'kcfg restore FILE' puts it back (docs/lifecycle.md).\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE          write the archive to FILE (it must not exist)\n"
	"      --json                 the result as JSON on stdout (docs/json.md)\n"
	"      --timeout SECONDS      per step on the controller (default 3600)\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 written and checked, 1 it was not (the reason and the fix\n"
	"are printed), 64 bad command line (FILE exists), 65 invalid input,\n"
	"130 interrupted.\n",
};

/* ---- restore ---- */

static const struct option restore_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
	{ NULL, 0, NULL, 0 }
};

static void restore_json(const struct run *run, const struct run_restore *r)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer jw;

	json_head(&jw, &out, "kcfg-restore", r->done && !run_failed(run) && !run->stopped, run);
	json_member_string(&jw, "file", r->local);
	json_key(&jw, "restored");
	json_bool(&jw, r->done);
	json_failures(&jw, run);
	report_json_end(&jw, &out);
	strbuf_release(&out);
}

static int cmd_restore(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct backup_opts bo = { NULL, 0 };
	struct diag_list dl = DIAG_LIST_INIT;
	struct run_restore r = { NULL, 0, STRBUF_INIT, STRBUF_INIT };
	struct stat st;
	int ret, rc, ok;
	char *file;

	ctx->ro.command = "restore";
	ctx->ro.apply = 1;	/* it changes the controller: the API barrier runs */
	ctx->ro.timeout_s = 3600;
	ctx->ro.facts_max_age = 100L * 365 * 86400;
	ctx->data = &bo;
	ret = cli_parse(ctx, argc, argv, "", restore_options, own);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (ctx->argc != 1) {
		cli_error("'kcfg restore' takes one archive of 'kcfg backup', got %d arguments",
			  ctx->argc);
		return cli_usage(ctx->cmd);
	}
	file = ctx->argv[0];
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode) || access(file, R_OK) < 0) {
		cli_error("%s is not a readable file", file);
		cli_hint("name the archive 'kcfg backup' wrote (k0s_backup_<timestamp>.tar.gz)");
		return KCFG_EXIT_USAGE;
	}
	ctx->argc = 0;	/* the archive is taken: the hosts come from --limit */
	ret = cli_setup_cluster(ctx);
	if (ret == KCFG_EXIT_OK)
		ret = controller_picked(ctx);
	if (ret != KCFG_EXIT_OK)
		return ret;
	r.local = file;
	ctx->run.op = &r;
	rc = report_run(&ctx->run, run_restore_phases, run_restore_phases_nr, 1, &dl);
	diag_release(&dl);
	ok = r.done && !run_failed(&ctx->run) && !ctx->run.stopped;
	if (bo.json) {
		restore_json(&ctx->run, &r);
	} else {
		if (r.done)
			printf("restore: the controller '%s' runs the state of %s\n",
			       run_first_host(&ctx->run, COMP_ROLE_MASTER)->name, file);
		report_errors(&ctx->run);
		printf("restore: %s\n", ok ? "ok" : r.done ? "restored, but the cluster does not "
		       "work yet (above)" : "FAILED, nothing was changed" );
	}
	ctx->run.op = NULL;
	strbuf_release(&r.error);
	strbuf_release(&r.hint);
	if (rc == -1)
		return 130;
	return ok ? KCFG_EXIT_OK : KCFG_EXIT_FAILURE;
}

const struct cmd_entry cmd_restore_entry = {
	"restore", cmd_restore, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"put a backup back on the controller (k0s restore), then check the cluster",
	"kcfg [-i INVENTORY] restore FILE [--json] [--wait-timeout SECONDS] [-K]\n"
	"                   [VAULT OPTIONS]",
	"Puts the archive FILE of 'kcfg backup' back on the controller (the first\n"
	"kube_master) with 'k0s restore', in this order, stopping at the first\n"
	"step that fails:\n"
	"  1. refuses while k0s runs there (its k0scontroller unit is active, or\n"
	"     'k0s status' answers): a restore replaces the whole cluster state,\n"
	"     and k0s must be down for it. Stop it first ('sudo k0s stop').\n"
	"  2. copies FILE there (sha256 checked) and reads the k0s.yaml inside: it\n"
	"     must name the controller's own address, which k0s's certificates\n"
	"     and etcd member carry; another address is refused.\n"
	"  3. 'k0s restore' with the configuration written to /etc/k0s/k0s.yaml,\n"
	"     the controller's unit installed when missing, started.\n"
	"  4. waits until the API server is ready, then runs the checks of\n"
	"     'kcfg status' (docs/status.md).\n"
	"Nothing is changed on the controller before step 3. A later\n"
	"'kcfg apply' puts kcfg's own k0s.yaml back when they differ.\n"
	"\n"
	"Options:\n"
	"      --json                 the result as JSON on stdout (docs/json.md)\n"
	"      --wait-timeout SECONDS how long to wait for the API (default 300)\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 restored and the cluster checks pass, 1 refused, failed, or\n"
	"the checks found problems, 64 bad command line, 65 invalid input,\n"
	"130 interrupted.\n",
};
