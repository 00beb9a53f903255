/*
 * kcfg fetch's work (fetch.h): for each download the picked components
 * need, where it comes from, whether the cache has it, and the transfer.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "components/component.h"
#include "config/settings.h"
#include "run/fetch.h"
#include "run/model.h"
#include "run/run.h"
#include "transport/fetch.h"
#include "transport/upload.h"
#include "util/fs.h"
#include "util/state-dir.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Where download `d` comes from: upstream, or NAME on the mirror or in the directory. */
static char *source_of(const struct run_fetch_opts *fo, const struct download *d)
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

/* 1 when the cache holds `d` with the pinned digest already. */
static int cached(const struct download *d)
{
	char hex[UPLOAD_SHA_HEX + 1];
	struct strbuf why = STRBUF_INIT;
	uint64_t size;
	struct stat st;
	int rc;

	/* a link planted at the name is fetched over, not trusted */
	if (lstat(d->cache_path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	rc = upload_sha256_file(d->cache_path, hex, &size, &why);

	strbuf_release(&why);
	return rc == 0 && !strcasecmp(hex, d->sha256);
}

struct transfer {
	const struct run_fetch_events *ev;
	const struct run_fetch_item *it;
};

static void on_progress(uint64_t now, uint64_t total, void *data)
{
	struct transfer *t = data;

	if (t->ev && t->ev->progress)
		t->ev->progress(t->it, now, total, t->ev->data);
}

static void fetch_one(const struct settings *s, const struct run_fetch_opts *fo,
		      struct run_fetch_item *it, const struct run_fetch_events *ev,
		      struct run_fetch_counts *n)
{
	struct fetch_result res;
	struct transfer t = { ev, it };

	/* the name comes from settings: it must stay one name in the cache */
	if (!fs_name_ok(it->d.name)) {
		it->state = RUN_FETCH_FAILED;
		strbuf_addf(&it->err, "refusing to cache '%s': it is no file name", it->d.name);
		n->failed++;
	} else if (!*it->d.sha256) {
		it->state = RUN_FETCH_NO_PIN;
		it->pin_file = settings_origin(s, it->d.pin_key, &it->pin_line, &it->pin_col);
		n->failed++;
	} else if (fo->list) {
		it->state = cached(&it->d) ? RUN_FETCH_CACHED : RUN_FETCH_MISSING;
	} else if (cached(&it->d)) {
		it->state = RUN_FETCH_CACHED;
		n->cached++;
	} else {
		it->replaced = access(it->d.cache_path, F_OK) == 0;
		if (fetch_file(it->source, it->d.cache_path, it->d.sha256, on_progress, &t, &res,
			       &it->err, &it->hint) < 0) {
			it->state = RUN_FETCH_FAILED;
			n->failed++;
		} else {
			it->state = RUN_FETCH_DONE;
			it->bytes = res.bytes;
			n->fetched++;
		}
	}
}

int run_fetch(struct model *m, const struct run_fetch_opts *fo,
	      const struct run_fetch_events *ev, struct run_fetch_counts *n, struct strbuf *err)
{
	memset(n, 0, sizeof(*n));
	if (!fo->list && state_dir_check(m->cache_dir, 1, err) < 0)
		return -1;
	for (int id = 0; id < DL__NR && !fetch_interrupted(); id++) {
		struct run_fetch_item it;

		memset(&it, 0, sizeof(it));
		strbuf_init(&it.err, 0);
		strbuf_init(&it.hint, 0);
		download_get(&m->ctx, (enum download_id)id, &it.d);
		if (it.d.needed && run_component_wanted(fo->components, it.d.component)) {
			n->wanted++;
			it.source = source_of(fo, &it.d);
			fetch_one(&m->settings, fo, &it, ev, n);
			if (ev && ev->done)
				ev->done(&it, ev->data);
		}
		free(it.source);
		strbuf_release(&it.err);
		strbuf_release(&it.hint);
		download_release(&it.d);
	}
	n->interrupted = fetch_interrupted();
	return 0;
}
