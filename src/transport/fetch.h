#ifndef KCFG_TRANSPORT_FETCH_H
#define KCFG_TRANSPORT_FETCH_H

#include <stdint.h>

struct strbuf;

/*
 * Downloads over http, https or file URLs (libcurl), for `kcfg fetch`.
 * Proxies come from the usual environment (https_proxy, no_proxy);
 * redirects are followed (https and http only); a transfer slower than
 * 1 KiB/s for a minute fails. Secrets never travel here: every URL is a
 * public release file.
 */

#define FETCH_MAX_BYTES (4ull << 30)	/* refuse anything larger */

/* Called while a download runs; `total` is 0 when the server did not say. */
typedef void (*fetch_progress_fn)(uint64_t now, uint64_t total, void *data);

struct fetch_result {
	uint64_t bytes;
	char sha256[65];	/* of what arrived, hex */
};

/*
 * Fetches `url` into `dest`: written to a temporary file beside it,
 * checked against `sha256` (hex; required), fsync'ed and renamed over
 * `dest` with mode 0644. On any failure nothing new is left behind and
 * an existing `dest` stays as it was; returns -1 with a message in
 * `err` and how to fix it in `hint`. SIGINT and SIGTERM abort the
 * transfer (the caller sees -1 and fetch_interrupted()).
 */
int fetch_file(const char *url, const char *dest, const char *sha256,
	       fetch_progress_fn progress, void *data, struct fetch_result *res,
	       struct strbuf *err, struct strbuf *hint);

/* 1 once SIGINT or SIGTERM arrived during a fetch_file(). */
int fetch_interrupted(void);

#endif
