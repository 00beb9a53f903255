#ifndef KCFG_K0S_H
#define KCFG_K0S_H

/* Where the k0s binary is installed on every cluster host. */
#define K0S_BIN "/usr/local/bin/k0s"

struct comp_ctx;
struct comp_host;
struct strbuf;

/*
 * The k0s worker profile a worker runs with (`k0s install worker
 * --profile NAME`), named after its NUMA reservation split so that workers
 * of one shape share one profile: e.g. "numa-550mi-550mi". Fails when the
 * host has no facts or its shape cannot hold the reservation.
 */
int k0s_profile_name(const struct comp_ctx *ctx, const struct comp_host *h,
		     struct strbuf *name, struct strbuf *err);

#endif
