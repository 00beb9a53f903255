/*
 * kcfg fetch: download the release files the components upload (k0s,
 * kubectl, helm, the Harbor installer, the add-ons' manifests) into the
 * cache beside the inventory, each checked against its sha256 pin, so
 * that plan and apply find them there. --from takes them from a mirror
 * or a directory instead, for sites without internet access.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "run/model.h"
#include "run/run.h"
#include "util/diag.h"
#include "run/fetch.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum { OPT_FROM = 0x200, OPT_LIST };

/* The live line on a terminal: "  fetching NAME  12.3 of 250.0 MiB (4%)". */
struct progress {
	int tty;
	uint64_t last_us;
	int drawn;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* "812 bytes", "12.3 KiB", "250.0 MiB" */
static void human_size(uint64_t n, struct strbuf *out)
{
	if (n < 1024)
		strbuf_addf(out, "%u bytes", (unsigned)n);
	else if (n < 1024 * 1024)
		strbuf_addf(out, "%.1f KiB", (double)n / 1024.0);
	else
		strbuf_addf(out, "%.1f MiB", (double)n / 1048576.0);
}

static void on_progress(const struct run_fetch_item *it, uint64_t now, uint64_t total,
			void *data)
{
	struct progress *p = data;
	uint64_t t = now_us();

	if (!p->tty || t - p->last_us < 200000)
		return;
	p->last_us = t;
	p->drawn = 1;
	if (total)
		fprintf(stderr, "\r\033[2K  fetching %s  %.1f of %.1f MiB (%u%%)", it->d.name,
			(double)now / 1048576.0, (double)total / 1048576.0,
			(unsigned)(now * 100 / total));
	else
		fprintf(stderr, "\r\033[2K  fetching %s  %.1f MiB", it->d.name,
			(double)now / 1048576.0);
	fflush(stderr);
}

static void on_list(const struct run_fetch_item *it, void *data)
{
	printf("%-14s %-38s %s\n", it->d.component, it->d.name,
	       it->state == RUN_FETCH_NO_PIN ? "no pin" :
	       it->state == RUN_FETCH_CACHED ? "cached" : "missing");
	printf("%-14s   from %s\n", "", it->source);
	fflush(stdout);
}

static void on_done(const struct run_fetch_item *it, void *data)
{
	struct progress *p = data;
	struct strbuf size = STRBUF_INIT;

	if (p->drawn)
		fputs("\r\033[2K", stderr);
	p->drawn = 0;
	switch (it->state) {
	case RUN_FETCH_NO_PIN:
		printf("  failed   %s (no pin)\n", it->d.name);
		fflush(stdout);
		if (it->pin_file)
			fprintf(stderr, "%s:%u:%u: ", it->pin_file, it->pin_line, it->pin_col);
		fprintf(stderr, "error: '%s' is empty, so kcfg cannot check %s %s\n",
			it->d.pin_key, it->d.what, it->d.version);
		cli_hint("download %s yourself, check it against its publisher, and set '%s' "
			 "to its sha256 (sha256sum FILE)", it->source, it->d.pin_key);
		break;
	case RUN_FETCH_CACHED:
		printf("  ok       %s (in the cache)\n", it->d.name);
		break;
	case RUN_FETCH_FAILED:
		printf("  failed   %s\n", it->d.name);
		fflush(stdout);
		cli_error("%s", it->err.buf);
		if (it->hint.len)
			cli_hint("%s", it->hint.buf);
		break;
	case RUN_FETCH_DONE:
		human_size(it->bytes, &size);
		printf("  fetched  %s (%s%s)\n", it->d.name, size.buf,
		       it->replaced ? ", replacing a copy that did not match its pin" : "");
		break;
	case RUN_FETCH_MISSING:
		break;
	}
	fflush(stdout);
	strbuf_release(&size);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int fetch_all(struct model *m, const struct run_fetch_opts *fo)
{
	struct progress p = { isatty(2), 0, 0 };
	struct run_fetch_events ev = { on_progress, fo->list ? on_list : on_done, &p };
	struct run_fetch_counts n;
	struct strbuf err = STRBUF_INIT;

	if (!fo->list)
		printf("fetching into %s/\n", m->cache_dir);
	if (run_fetch(m, fo, &ev, &n, &err) < 0) {
		cli_error_buf(&err);
		strbuf_release(&err);
		return KCFG_EXIT_FAILURE;
	}
	strbuf_release(&err);
	if (fo->list)
		return KCFG_EXIT_OK;
	if (n.interrupted) {
		printf("fetch: interrupted; what was fetched so far is kept\n");
		return 130;
	}
	printf("fetch: %zu file%s: %zu fetched, %zu already cached, %zu failed\n", n.wanted,
	       n.wanted == 1 ? "" : "s", n.fetched, n.cached, n.failed);
	return n.failed ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
}

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	struct run_fetch_opts *fo = ctx->data;

	switch (c) {
	case 'C': fo->components = arg; break;
	case OPT_FROM: fo->from = arg; break;
	case OPT_LIST: fo->list = 1; break;
	default: return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

static int cmd_fetch(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option options[] = {
		{ "component", required_argument, NULL, 'C' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "list", no_argument, NULL, OPT_LIST },
		{ NULL, 0, NULL, 0 }
	};
	struct run_fetch_opts fo = { NULL, NULL, 0 };
	struct diag_list dl = DIAG_LIST_INIT;
	int ret;

	ctx->data = &fo;
	ret = cli_parse(ctx, argc, argv, "C:", options, own);
	if (ret != KCFG_EXIT_OK)
		return ret;
	if (ctx->argc) {
		cli_error("'kcfg fetch' takes no arguments, got '%s'", ctx->argv[0]);
		cli_hint("name components with -C NAME[,NAME...]");
		return cli_usage(ctx->cmd);
	}
	if (fo.from && !strstr(fo.from, "://") && !is_dir(fo.from)) {
		cli_error("--from '%s' is neither a directory nor a URL", fo.from);
		cli_hint("give a directory holding the files, or a mirror like "
			 "https://mirror.example/kcfg/");
		return KCFG_EXIT_USAGE;
	}
	if (run_check_components(fo.components, &dl) < 0) {
		cli_report_diags(&dl);
		diag_release(&dl);
		return KCFG_EXIT_USAGE;
	}
	if (fo.list)
		ctx->mr.need |= MODEL_READ_ONLY;	/* --list only reads: no lock */
	ret = cli_setup(ctx);
	if (ret == KCFG_EXIT_OK)
		ret = fetch_all(&ctx->m, &fo);
	return ret;
}

const struct cmd_entry cmd_fetch_entry = {
	"fetch", cmd_fetch, NEED_MODEL,
	"download the release files apply uploads into the local cache",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] fetch [-C COMPONENTS] [--from DIR|URL] [--list]",
	"Downloads every release file the components upload to the hosts (the\n"
	"k0s binary, kubectl, the helm tarball, the Harbor online installer, the\n"
	"MPI operator manifest, the exa-csi-driver archive: those the settings\n"
	"and -C need) into .kcfg/cache/ beside the inventory, where plan and\n"
	"apply take them from. Each is checked against its sha256 pin in\n"
	"cluster.yaml (versions.*_sha256) before it is kept: a download is\n"
	"written beside its final name and renamed only when it matches, so the\n"
	"cache never holds a partial or unchecked file. Files already cached\n"
	"with the right digest are not fetched again. A file whose pin is empty\n"
	"is not fetched: set the pin first.\n"
	"\n"
	"Options:\n"
	"  -C, --component NAMES      only what these components upload (comma separated)\n"
	"      --from DIR|URL         take each file by its cache name from this\n"
	"                             directory or mirror instead of upstream (for\n"
	"                             machines without internet access)\n"
	"      --list                 say what would be fetched, from where, and\n"
	"                             whether it is cached; fetch nothing\n"
	"\n"
	"Proxies come from https_proxy / http_proxy / no_proxy.\n"
	"\n"
	"Exit status: 0 every file is in the cache, 1 some could not be fetched,\n"
	"130 interrupted, 65 invalid input.\n",
};
