#ifndef KCFG_RUN_FETCH_H
#define KCFG_RUN_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "components/downloads.h"
#include "util/strbuf.h"

struct model;

/*
 * `kcfg fetch`: the release files the picked components upload, into the
 * cache beside the inventory, each checked against its sha256 pin
 * (transport/fetch.h keeps the cache whole: a file is renamed into place
 * only when it matches). cli/ prints each item as it is done.
 */
struct run_fetch_opts {
	const char *components;	/* -C, or NULL: every component */
	const char *from;	/* --from DIR or URL, or NULL: upstream */
	int list;		/* --list: say what and where, fetch nothing */
};

enum run_fetch_state {
	RUN_FETCH_NO_PIN,	/* its pin is empty: not fetched */
	RUN_FETCH_CACHED,	/* the cache has it with the pinned digest */
	RUN_FETCH_MISSING,	/* --list: not in the cache */
	RUN_FETCH_DONE,		/* fetched and checked */
	RUN_FETCH_FAILED,
};

struct run_fetch_item {
	struct download d;
	enum run_fetch_state state;
	char *source;		/* where it comes from (URL) */
	uint64_t bytes;		/* fetched */
	int replaced;		/* the cache held a copy that did not match */
	const char *pin_file;	/* RUN_FETCH_NO_PIN: where the pin is set, or NULL */
	unsigned pin_line, pin_col;
	struct strbuf err, hint;	/* RUN_FETCH_FAILED */
};

struct run_fetch_events {
	/* a transfer goes on: bytes so far, of total (0: not known) */
	void (*progress)(const struct run_fetch_item *it, uint64_t now, uint64_t total,
			 void *data);
	/* an item is done (or listed) */
	void (*done)(const struct run_fetch_item *it, void *data);
	void *data;
};

struct run_fetch_counts {
	size_t wanted, fetched, cached, failed;
	int interrupted;
};

/*
 * Fetches (or lists) every download the settings and `fo->components`
 * need. Returns 0, or -1 when the cache directory cannot be made (`err`).
 */
int run_fetch(struct model *m, const struct run_fetch_opts *fo,
	      const struct run_fetch_events *ev, struct run_fetch_counts *n, struct strbuf *err);

#endif
