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
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run-cmd.h"
#include "run/model.h"
#include "run/run.h"
#include "util/diag.h"
#include "components/component.h"
#include "components/downloads.h"
#include "config/settings.h"
#include "transport/fetch.h"
#include "transport/upload.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum { OPT_FROM = 0x200, OPT_LIST };

struct fetch_opts {
	const char *components;	/* -C, or NULL: every component */
	const char *from;	/* --from DIR or URL, or NULL: upstream */
	int list;		/* --list: say what and where, fetch nothing */
};

struct fetch_counts {
	size_t fetched, cached, failed;
};

/* The live line on a terminal: "  fetching NAME  12.3 of 250.0 MiB (4%)". */
struct progress {
	const char *name;
	int tty;
	uint64_t last_us;
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

static void on_progress(uint64_t now, uint64_t total, void *data)
{
	struct progress *p = data;
	uint64_t t = now_us();

	if (!p->tty || t - p->last_us < 200000)
		return;
	p->last_us = t;
	if (total)
		fprintf(stderr, "\r\033[2K  fetching %s  %.1f of %.1f MiB (%u%%)", p->name,
			(double)now / 1048576.0, (double)total / 1048576.0,
			(unsigned)(now * 100 / total));
	else
		fprintf(stderr, "\r\033[2K  fetching %s  %.1f MiB", p->name,
			(double)now / 1048576.0);
	fflush(stderr);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where download `d` comes from: upstream, or NAME on the mirror or in the directory. */
static char *source_of(const struct fetch_opts *fo, const struct download *d)
{
	char *abs, *url;

	if (!fo->from)
		return xstrdup(d->url);
	if (strstr(fo->from, "://"))
		return xstrfmt("%s%s%s", fo->from,
			       fo->from[strlen(fo->from) - 1] == '/' ? "" : "/", d->name);
	abs = realpath(fo->from, NULL);
	url = xstrfmt("file://%s/%s", abs ? abs : fo->from, d->name);
	free(abs);
	return url;
}

static void pin_error(const struct settings *s, const struct download *d, const char *src)
{
	unsigned line = 0, col = 0;
	const char *file = settings_origin(s, d->pin_key, &line, &col);

	if (file)
		fprintf(stderr, "%s:%u:%u: ", file, line, col);
	fprintf(stderr, "error: '%s' is empty, so kcfg cannot check %s %s\n", d->pin_key,
		d->what, d->version);
	cli_hint("download %s yourself, check it against its publisher, and set '%s' "
		 "to its sha256 (sha256sum FILE)", src, d->pin_key);
}

/* 1 when the cache holds `d` with the pinned digest already. */
static int cached(const struct download *d)
{
	char hex[UPLOAD_SHA_HEX + 1];
	struct strbuf why = STRBUF_INIT;
	uint64_t size;
	int rc = upload_sha256_file(d->cache_path, hex, &size, &why);

	strbuf_release(&why);
	return rc == 0 && !strcasecmp(hex, d->sha256);
}

static void fetch_one(const struct settings *s, const struct fetch_opts *fo,
		      const struct download *d, struct fetch_counts *n)
{
	struct strbuf err = STRBUF_INIT, hint = STRBUF_INIT;
	struct progress p = { d->name, isatty(2), 0 };
	struct fetch_result res;
	char *src = source_of(fo, d);
	int have = access(d->cache_path, F_OK) == 0;

	if (!*d->sha256) {
		printf("  failed   %s (no pin)\n", d->name);
		pin_error(s, d, src);
		n->failed++;
	} else if (cached(d)) {
		printf("  ok       %s (in the cache)\n", d->name);
		n->cached++;
	} else if (fetch_file(src, d->cache_path, d->sha256, on_progress, &p, &res,
			      &err, &hint) < 0) {
		if (p.tty)
			fputs("\r\033[2K", stderr);
		printf("  failed   %s\n", d->name);
		fflush(stdout);
		cli_error("%s", err.buf);
		if (hint.len)
			cli_hint("%s", hint.buf);
		n->failed++;
	} else {
		struct strbuf size = STRBUF_INIT;

		if (p.tty)
			fputs("\r\033[2K", stderr);
		human_size(res.bytes, &size);
		printf("  fetched  %s (%s%s)\n", d->name, size.buf,
		       have ? ", replacing a copy that did not match its pin" : "");
		strbuf_release(&size);
		n->fetched++;
	}
	fflush(stdout);
	free(src);
	strbuf_release(&err);
	strbuf_release(&hint);
}

static void list_one(const struct fetch_opts *fo, const struct download *d)
{
	char *src = source_of(fo, d);

	printf("%-14s %-38s %s\n", d->component, d->name,
	       !*d->sha256 ? "no pin" : cached(d) ? "cached" : "missing");
	printf("%-14s   from %s\n", "", src);
	free(src);
}

static int fetch_all(struct model *m, const struct fetch_opts *fo)
{
	struct fetch_counts n = { 0, 0, 0 };
	struct strbuf err = STRBUF_INIT;
	size_t wanted = 0;

	if (!fo->list && mkdir_p(m->cache_dir, 0700, &err) < 0) {
		cli_error_buf(&err);
		strbuf_release(&err);
		return KCFG_EXIT_FAILURE;
	}
	strbuf_release(&err);
	if (!fo->list)
		printf("fetching into %s/\n", m->cache_dir);
	for (int id = 0; id < DL__NR && !fetch_interrupted(); id++) {
		struct download d;

		download_get(&m->ctx, (enum download_id)id, &d);
		if (d.needed && run_component_wanted(fo->components, d.component)) {
			wanted++;
			if (fo->list)
				list_one(fo, &d);
			else
				fetch_one(&m->settings, fo, &d, &n);
		}
		download_release(&d);
	}
	if (fo->list)
		return KCFG_EXIT_OK;
	if (fetch_interrupted()) {
		printf("fetch: interrupted; what was fetched so far is kept\n");
		return 130;
	}
	printf("fetch: %zu file%s: %zu fetched, %zu already cached, %zu failed\n", wanted,
	       wanted == 1 ? "" : "s", n.fetched, n.cached, n.failed);
	return n.failed ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
}

static int cmd_fetch(int argc, char **argv, struct kcfg_opts *opts)
{
	static const struct option longopts[] = {
		{ "component", required_argument, NULL, 'C' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "list", no_argument, NULL, OPT_LIST },
		{ NULL, 0, NULL, 0 }
	};
	struct model_request mr = { 0, NULL, VAULT_PASSWORD_SOURCE_INIT, NULL, NULL };
	struct fetch_opts fo = { NULL, NULL, 0 };
	struct diag_list dl = DIAG_LIST_INIT;
	struct model m;
	int c, ret;

	while ((c = cli_getopt(argc, argv, "C:", longopts, &cmd_fetch_entry)) != -1) {
		switch (c) {
		case 'C': fo.components = optarg; break;
		case OPT_FROM: fo.from = optarg; break;
		case OPT_LIST: fo.list = 1; break;
		default: return KCFG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("'kcfg fetch' takes no arguments, got '%s'", argv[optind]);
		cli_hint("name components with -C NAME[,NAME...]");
		return cli_usage(&cmd_fetch_entry);
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
	ret = cli_model_load(opts, &mr, &m);
	if (ret == KCFG_EXIT_OK)
		ret = fetch_all(&m, &fo);
	model_release(&m);
	model_request_release(&mr);
	return ret;
}

const struct cmd_entry cmd_fetch_entry = {
	"fetch", cmd_fetch,
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
