/*
 * kcfg backup and kcfg restore (docs/lifecycle.md): k0s's own backup and
 * restore on the controller (the first kube_master), the archive moved
 * over the host's session.
 *
 * backup: `k0s backup --save-path DIR` into a fresh mktemp directory
 * (k0s cmd/backup/backup_unix.go; the archive is
 * k0s_backup_<timestamp>.tar.gz, pkg/backup/manager_unix.go), pulled
 * here (transport/pull.h: 0600 from its first byte, sha256 compared with
 * the host's), then the remote directory removed, also when the pull
 * failed.
 *
 * restore: refused while k0s runs on the controller (k0s itself only
 * logs a fatal error then, cmd/restore/restore_unix.go, and k0sctl skips
 * the restore silently); the archive uploaded (sha256 checked); the
 * k0s.yaml inside it (pkg/backup/config_unix.go) must name the
 * controller's own address, which k0s's certificates and etcd member
 * carry; then `k0s restore --config-out /etc/k0s/k0s.yaml`, the
 * controller's unit installed when missing, started. The API barrier and
 * the verify phase follow.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/k0s.h"
#include "config/yaml.h"
#include "run/model.h"
#include "run/run.h"
#include "transport/shell.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BACKUP_TMP "/var/tmp/kcfg-backup."
#define RESTORE_DIR "/var/lib/kcfg/restore"
#define K0S_CONFIG "/etc/k0s/k0s.yaml"
#define STEP_TIMEOUT_MS (3600u * 1000u)
#define CONFIG_MAX (1u << 20)

/* The controller: the first kube_master, when it is picked. */
static int is_controller(struct run *run, const struct run_host *h)
{
	return run_first_host(run, COMP_ROLE_MASTER) == h;
}

/* ---- backup ---- */

/*
 * What the host printed for the archive: BACKUP_TMP + 6 mktemp characters
 * + "/k0s_backup_" + a timestamp + ".tar.gz", nothing else (the path is
 * pulled and removed: it must be the directory this run made).
 */
static int archive_path_ok(const char *p)
{
	size_t n = strlen(BACKUP_TMP);
	const char *name;

	if (strncmp(p, BACKUP_TMP, n))
		return 0;
	for (size_t i = 0; i < 6; i++) {
		char c = p[n + i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return 0;
	}
	name = p + n + 6;
	if (strncmp(name, "/k0s_backup_", 12) || strlen(name) > 120)
		return 0;
	for (const char *c = name + 12; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      *c == '-' || *c == '_' || *c == '.' || *c == ':'))
			return 0;
	n = strlen(name);
	return n > 12 + 7 && !strcmp(name + n - 7, ".tar.gz") && !strstr(name, "..");
}

/* The first reason the backup was not written, reported after the cleanup. */
static void backup_fail(struct run *run, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void backup_fail(struct run *run, const char *hint, const char *fmt, ...)
{
	struct run_backup *b = run->op;
	va_list ap;

	if (b->error.len)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&b->error, fmt, ap);
	va_end(ap);
	if (hint)
		strbuf_addstr(&b->hint, hint);
}

static int removed(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run *run = data;
	struct run_backup *b = run->op;

	if (runner_step_ok(res) < 0) {
		struct strbuf why = STRBUF_INIT;

		strbuf_addbuf(&why, &res->err);
		strbuf_trim(&why);
		strbuf_addf(&b->warning, "could not remove the archive's copy %s on '%s': %s",
			    b->remote_dir, b->host, why.len ? why.buf : "rm failed");
		strbuf_release(&why);
	}
	if (b->error.len) {
		strbuf_addbuf(&rh->errmsg, &b->error);
		if (b->hint.len)
			strbuf_addbuf(&rh->hint, &b->hint);
		return -1;
	}
	return 0;
}

/* the archive holds the cluster's keys: never left behind on the host */
static void queue_remove(struct run *run, struct runner_host *rh)
{
	struct run_backup *b = run->op;
	struct strbuf script = STRBUF_INIT;

	strbuf_addstr(&script, "rm -rf -- ");
	sq_quote(&script, b->remote_dir);
	strbuf_addch(&script, '\n');
	runner_step_on_done(rh, runner_add_step(rh, "backup-remove", script.buf, 60000),
			    removed, run);
	strbuf_release(&script);
}

static int pulled(struct runner_host *rh, size_t step, const struct runner_result *res,
		  void *data)
{
	struct run *run = data;
	struct run_backup *b = run->op;
	struct run_host *h = rh->data;
	struct strbuf err = STRBUF_INIT;

	if (runner_step_ok(res) < 0) {
		runner_step_error(rh, step, res, &err);
		backup_fail(run, "nothing was written here; run 'kcfg backup' again",
			    "could not copy the backup from '%s': %s", h->name, err.buf);
	} else {
		b->bytes = res->pulled_bytes;
		memcpy(b->sha256, res->pulled_sha, sizeof(b->sha256));
		b->done = 1;
		log_msg(LOG_INFO, "%s: backup %s: %llu bytes, sha256 %s", h->name, b->local_path,
			(unsigned long long)b->bytes, b->sha256);
	}
	queue_remove(run, rh);
	strbuf_release(&err);
	return 0;
}

static int made(struct runner_host *rh, size_t step, const struct runner_result *res,
		void *data)
{
	struct run *run = data;
	struct run_backup *b = run->op;
	struct run_host *h = rh->data;
	struct strbuf path = STRBUF_INIT;
	const char *slash;
	size_t k;

	if (runner_step_ok(res) < 0)
		return -1;	/* the runner's message carries k0s's own */
	strbuf_addbuf(&path, &res->out);
	strbuf_trim(&path);
	if (strncmp(path.buf, "archive\t", 8) || !archive_path_ok(path.buf + 8)) {
		strbuf_addf(&rh->errmsg, "'%s' did not say where k0s wrote the backup "
			    "(it printed '%.100s')", h->name, path.buf);
		strbuf_release(&path);
		return -1;
	}
	b->remote_file = xstrdup(path.buf + 8);
	slash = strrchr(b->remote_file, '/');
	b->remote_dir = xstrndup(b->remote_file, (size_t)(slash - b->remote_file));
	b->host = h->name;
	if (!b->local_path) {
		char *dir = xstrdup(run->m->inv.file);
		char *cut = strrchr(dir, '/');

		if (cut)
			*cut = '\0';
		b->local_path = cut ? xstrfmt("%s/%s", dir, slash + 1) : xstrdup(slash + 1);
		free(dir);
	}
	if (path_exists(b->local_path)) {
		backup_fail(run, "name another file with -o FILE", "the backup of '%s' "
			    "would replace %s, which exists", h->name, b->local_path);
		queue_remove(run, rh);
	} else {
		k = runner_add_pull(rh, "backup-pull", b->remote_file, b->local_path,
				    STEP_TIMEOUT_MS);
		runner_step_on_done(rh, k, pulled, run);
	}
	strbuf_release(&path);
	return 0;
}

static int backup_start(struct run *run, const struct run_phase *ph, size_t p,
			struct run_host *h)
{
	struct runner_host *rh;
	size_t k;

	if (!is_controller(run, h))
		return 1;
	rh = run_session(run, h);
	/* a fresh 0700 directory: nobody else can plant or read anything in it */
	k = runner_add_step(rh, "backup",
			    "umask 077\n"
			    "test -x " K0S_BIN " || { echo 'k0s is not installed on this host' >&2; exit 3; }\n"
			    "d=$(mktemp -d " BACKUP_TMP "XXXXXX) || exit 3\n"
			    "if ! " K0S_BIN " backup --save-path \"$d\" >\"$d/k0s.log\" 2>&1; then\n"
			    "  tail -n 5 \"$d/k0s.log\" >&2; rm -rf -- \"$d\"; exit 4\n"
			    "fi\n"
			    "rm -f -- \"$d/k0s.log\"\n"
			    "set -- \"$d\"/k0s_backup_*.tar.gz\n"
			    "if [ $# -ne 1 ] || [ ! -f \"$1\" ] || [ -L \"$1\" ]; then\n"
			    "  echo 'k0s backup wrote no archive' >&2; rm -rf -- \"$d\"; exit 5\n"
			    "fi\n"
			    "printf 'archive\\t%s\\n' \"$1\"\n", STEP_TIMEOUT_MS);
	runner_step_on_done(rh, k, made, run);
	return 0;
}

const struct run_action run_backup_action = { backup_start, NULL };

const struct run_phase run_backup_phases[] = {
	{ "backup", PHASE_ACTION, 0, &run_backup_action, COMP_ROLE_MASTER, { 0, 0 }, 1, NULL },
};
const size_t run_backup_phases_nr = sizeof(run_backup_phases) / sizeof(run_backup_phases[0]);

void run_backup_release(struct run_backup *b)
{
	free(b->remote_file);
	free(b->remote_dir);
	free(b->local_path);
	strbuf_release(&b->error);
	strbuf_release(&b->hint);
	strbuf_release(&b->warning);
	memset(b, 0, sizeof(*b));
}

/* ---- restore ---- */

#define RESTORE_ARCHIVE RESTORE_DIR "/k0s_backup.tar.gz"

static int restored(struct runner_host *rh, size_t step, const struct runner_result *res,
		    void *data)
{
	struct run *run = data;
	struct run_restore *r = run->op;

	if (runner_step_ok(res) < 0)
		return -1;
	r->done = 1;
	log_msg(LOG_INFO, "%s: restored from %s", ((struct run_host *)rh->data)->name, r->local);
	return 0;
}

/* After a refusal: the uploaded archive (it holds the cluster's keys) goes. */
static int cleaned(struct runner_host *rh, size_t step, const struct runner_result *res,
		   void *data)
{
	struct run *run = data;
	struct run_restore *r = run->op;

	strbuf_addbuf(&rh->errmsg, &r->error);
	strbuf_addbuf(&rh->hint, &r->hint);
	return -1;
}

/* Whether the k0s.yaml in the archive names the controller's address; else r->error. */
static int config_matches(struct run_restore *r, const struct run_host *h,
			  const struct runner_result *res)
{
	struct ydoc doc = YDOC_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	const struct ynode *addr;
	int ret = -1;

	if (runner_step_ok(res) < 0) {
		strbuf_addf(&r->error, "%s holds no k0s.yaml: it is not an archive of 'k0s backup'",
			    r->local);
		return -1;
	}
	if (res->out.len > CONFIG_MAX ||
	    ydoc_parse(&doc, "k0s.yaml in the backup", res->out.buf, res->out.len, &dl) < 0) {
		strbuf_addf(&r->error, "the k0s.yaml in %s cannot be read as YAML", r->local);
		goto out;
	}
	addr = ynode_map_get(ynode_map_get(ynode_map_get(doc.root, "spec"), "api"), "address");
	if (!addr || addr->type != YNODE_SCALAR || strlen(addr->value) != addr->len) {
		strbuf_addf(&r->error, "the k0s.yaml in %s names no spec.api.address", r->local);
		goto out;
	}
	if (strcmp(addr->value, h->t.address)) {
		strbuf_addf(&r->error, "the backup %s was taken of a controller at %.64s, but "
			    "'%s' is at %s: k0s's certificates and its etcd member name the old "
			    "address", r->local, addr->value, h->name, h->t.address);
		strbuf_addstr(&r->hint, "nothing was changed. Restore onto a controller with that "
			      "address (ansible_host in the inventory)");
		goto out;
	}
	ret = 0;
out:
	ydoc_release(&doc);
	diag_release(&dl);
	return ret;
}

static int read_config(struct runner_host *rh, size_t step, const struct runner_result *res,
		       void *data)
{
	struct run *run = data;
	struct run_restore *r = run->op;
	size_t k;

	if (config_matches(r, rh->data, res) < 0) {
		k = runner_add_step(rh, "restore-clean", "rm -f -- " RESTORE_ARCHIVE "\n", 60000);
		runner_step_on_done(rh, k, cleaned, run);
		return 0;
	}
	/* a failed restore leaves no archive behind either */
	k = runner_add_step(rh, "restore",
			    "set -e\ntrap 'rm -f -- " RESTORE_ARCHIVE "' EXIT\ncd " RESTORE_DIR "\n"
			    K0S_BIN " restore " RESTORE_ARCHIVE " --config-out " K0S_CONFIG "\n"
			    "test -e /etc/systemd/system/k0scontroller.service || "
			    K0S_BIN " install controller --config " K0S_CONFIG "\n"
			    "systemctl daemon-reload\nsystemctl start k0scontroller\n", STEP_TIMEOUT_MS);
	runner_step_on_done(rh, k, restored, run);
	return 0;
}

static int checked_stopped(struct runner_host *rh, size_t step, const struct runner_result *res,
			   void *data)
{
	struct run *run = data;
	struct run_restore *r = run->op;
	struct run_host *h = rh->data;
	struct strbuf out = STRBUF_INIT;
	size_t k;
	int ret = 0;

	if (runner_step_ok(res) < 0)
		return -1;
	strbuf_addbuf(&out, &res->out);
	strbuf_trim(&out);
	if (!strcmp(out.buf, "no-k0s")) {
		strbuf_addf(&rh->errmsg, "k0s is not installed on the controller '%s'", h->name);
		strbuf_addstr(&rh->hint, "put the pinned k0s binary there first: 'kcfg apply -C k0s' "
			      "installs it (and starts a new, empty controller: reset it with "
			      "'sudo k0s stop && sudo k0s reset' there before restoring)");
		ret = -1;
	} else if (strcmp(out.buf, "stopped")) {
		strbuf_addf(&rh->errmsg, "k0s is running on the controller '%s' (%.100s): a restore "
			    "replaces the whole cluster state and k0s must be down for it",
			    h->name, out.buf);
		strbuf_addstr(&rh->hint, "nothing was changed. Stop it first on that host "
			      "('sudo k0s stop'; the cluster's API goes down) and run "
			      "'kcfg restore' again");
		ret = -1;
	} else {
		/* the name is ours, not the file's: nothing of it reaches a command */
		runner_add_upload(rh, "restore-upload", r->local, RESTORE_ARCHIVE, 0600, NULL,
				  STEP_TIMEOUT_MS);
		k = runner_add_step(rh, "restore-config",
				    "tar -xzOf " RESTORE_ARCHIVE " k0s.yaml\n", 120000);
		runner_step_on_done(rh, k, read_config, run);
	}
	strbuf_release(&out);
	return ret;
}

static int restore_start(struct run *run, const struct run_phase *ph, size_t p,
			 struct run_host *h)
{
	struct runner_host *rh;
	size_t k;

	if (!is_controller(run, h))
		return 1;
	rh = run_session(run, h);
	k = runner_add_step(rh, "restore-check",
			    "if ! test -x " K0S_BIN "; then echo no-k0s; exit 0; fi\n"
			    "if systemctl is-active --quiet k0scontroller 2>/dev/null; then\n"
			    "  echo 'its unit k0scontroller is active'; exit 0; fi\n"
			    "if " K0S_BIN " status >/dev/null 2>&1; then echo \"'k0s status' answers\"; exit 0; fi\n"
			    "umask 077 && mkdir -p " RESTORE_DIR " && chmod 0700 " RESTORE_DIR
			    " && echo stopped\n", 120000);
	runner_step_on_done(rh, k, checked_stopped, run);
	return 0;
}

/* A restore that did not happen: no barrier and no verify of the old cluster. */
static void restore_finish(struct run *run, const struct run_phase *ph, size_t p)
{
	struct run_restore *r = run->op;

	if (!r->done)
		run->stopped = 1;
}

const struct run_action run_restore_action = { restore_start, restore_finish };

const struct run_phase run_restore_phases[] = {
	{ "restore", PHASE_ACTION, 0, &run_restore_action, COMP_ROLE_MASTER, { 0, 0 }, 1,
	  &run_api_ready },
	{ "verify", PHASE_ACTION, 0, &run_verify_action, 0, { 0, 0 }, 1, NULL },
};
const size_t run_restore_phases_nr = sizeof(run_restore_phases) / sizeof(run_restore_phases[0]);
