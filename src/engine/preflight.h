#ifndef KCFG_PREFLIGHT_H
#define KCFG_PREFLIGHT_H

#include <stddef.h>

#include "util/strvec.h"

struct diag_list;
struct facts;
struct strbuf;

/*
 * What preflight reads on a host right before a run (docs/preflight.md):
 * what must be read fresh, not from the facts cache. One read-only
 * script per host, run as root over the run's session, prints one record
 * per line, fields separated by tabs (as the facts probe does):
 *
 *   clock EPOCH | uid N | ss LINE (of `ss -Hltnp`) | no_ss | df PATH SIZE AVAIL
 *   | sysinfo_status N | sysinfo LINE | nvidia_driver LINE
 *   | nvsmi_status N | nvsmi LINE | module NAME 0|1
 *   | nvidia_runtime 0|1 | modules_read | loaded NAME
 *
 * Everything in it comes from the host and is checked where it is read:
 * numbers against their ranges, lines cut to PREFLIGHT_MAX_LINE and at
 * most PREFLIGHT_MAX_RECORDS of each list.
 */
#define PREFLIGHT_MAX_OUTPUT	(1u << 20)
#define PREFLIGHT_MAX_LINE	512
#define PREFLIGHT_MAX_RECORDS	4096

/* What the script is asked to read on one host. */
struct preflight_ask {
	const char *const *paths;	/* df of each (the nearest existing directory) */
	size_t nr_paths;
	int sysinfo;			/* 0: no; 1: `k0s sysinfo`; 2: worker only */
	int modules;			/* modinfo lnet and lustre */
	int gpu;			/* the NVIDIA runtime binary, the GPUDirect modules */
};

/* The runtime a host's own NVIDIA container toolkit installs (its apt package). */
#define PREFLIGHT_NVIDIA_RUNTIME "/usr/bin/nvidia-container-runtime"

/* Appends the script for `ask`; paths go in single-quoted. */
void preflight_script(const struct preflight_ask *ask, struct strbuf *out);

struct preflight_listener {
	unsigned port;
	char *process;			/* ss's first users:(("NAME",...)), or NULL */
};

struct preflight_df {
	char *path;			/* as asked */
	unsigned long long size, avail;	/* bytes */
};

struct preflight_probe {
	long long clock;		/* the host's time (seconds since the epoch) */
	int have_clock;
	long long uid;			/* -1: not read */
	int no_ss;			/* ss is not there: ports were not read */
	struct preflight_listener *listen;
	size_t nr_listen;
	struct preflight_df *df;
	size_t nr_df;
	char *k0s_version;		/* `k0s version` of the binary there, or NULL */
	int sysinfo_ran;		/* the k0s binary was there and ran */
	int sysinfo_status;
	struct strvec sysinfo;		/* `k0s sysinfo` lines that did not pass */
	char *nvidia_driver;		/* the version in /proc/driver/nvidia/version */
	char *nvidia_line;		/* that file's first line, when no version is in it */
	int nvsmi_ran;
	int nvsmi_status;
	struct strvec nvsmi_gpus;	/* "GPU N: MODEL" of `nvidia-smi -L` */
	struct strvec nvsmi_other;	/* its other lines that are not MIG devices */
	int modules_asked;
	int lnet, lustre;		/* modinfo found the module */
	int gpu_asked;			/* the gpu records were asked for */
	int nvidia_runtime;		/* PREFLIGHT_NVIDIA_RUNTIME is executable */
	int modules_read;		/* /proc/modules (or /sys/module) was read */
	int nvidia_peermem, gdrdrv;	/* loaded */
};

void preflight_probe_release(struct preflight_probe *p);

/*
 * Parses the script's output for `host`. Unknown records are skipped.
 * Returns 0, or -1 with "host 'H': preflight line N: problem" in err
 * (and *p untouched).
 */
int preflight_from_probe(const char *out, size_t len, const char *host,
			 struct preflight_probe *p, struct strbuf *err);

/*
 * One line of `nvidia-smi -L` ("GPU 0: NVIDIA A100-SXM4-40GB (UUID:
 * GPU-...)"): 1 and the model in `model` for a GPU, 0 for a MIG device
 * line below one, -1 for anything else.
 */
int preflight_nvsmi_line(const char *line, struct strbuf *model);

/* The driver version in the first line of /proc/driver/nvidia/version, or -1. */
int preflight_nvidia_version(const char *line, struct strbuf *version);

/*
 * A `k0s sysinfo` line ("  Linux kernel release: 6.1.0 (pass)"): 0 pass,
 * 1 warning, 2 rejected or error, -1 not a probe line.
 */
int preflight_sysinfo_level(const char *line);

/* The listener of TCP `port`, or NULL. */
const struct preflight_listener *preflight_listener(const struct preflight_probe *p,
						    unsigned port);
/* The df record of `path`, or NULL. */
const struct preflight_df *preflight_df_of(const struct preflight_probe *p, const char *path);

/* ---- the pure checks (preflight-check.c): each adds what it finds to `dl` ---- */

/* The OS releases kcfg's components handle; NULL-terminated "ID VERSION_ID". */
extern const char *const preflight_releases[];

void preflight_check_release(const struct facts *f, struct diag_list *dl);
/* At least `min_cpus` CPUs and `min_memory` bytes (`role` names the host's role). */
void preflight_check_size(const struct facts *f, const char *role, long long min_cpus,
			  long long min_memory, struct diag_list *dl);
/* The filesystem of `path` holds at least `min` bytes; `setting` names the threshold. */
void preflight_check_disk(const struct preflight_probe *p, const char *path,
			  long long min, const char *what, const char *setting,
			  struct diag_list *dl);
/*
 * Each of `ports` is free, or held by a process whose name is in `own`
 * (NULL-terminated: kcfg's own service holds it on an installed host).
 */
void preflight_check_ports(const struct preflight_probe *p, const unsigned *ports,
			   size_t nr, const char *const *own, const char *what,
			   struct diag_list *dl);
/* |host clock - `local_now`| <= `max_skew` seconds. */
void preflight_check_clock(const struct preflight_probe *p, long long local_now,
			   long long max_skew, struct diag_list *dl);
/* What `k0s sysinfo` rejected (errors) and warned about (warnings). */
void preflight_check_sysinfo(const struct preflight_probe *p, struct diag_list *dl);
/* The NVIDIA driver is loaded and nvidia-smi sees the GPUs. */
void preflight_check_gpu(const struct preflight_probe *p, const struct facts *f,
			 struct diag_list *dl);
/* An RDMA device on `netif`, which holds `address` (facts). */
void preflight_check_rdma(const struct facts *f, const char *netif, const char *address,
			  struct diag_list *dl);
/*
 * Host `me` of `nr` (names[i], facts[i] NULL when unknown, addresses[i]
 * its inventory address) shares no hostname (a warning: common sets it
 * to the inventory name), machine-id or address with another.
 */
void preflight_check_unique(const char *const *names, const struct facts *const *facts,
			    const char *const *addresses, size_t nr, size_t me,
			    struct diag_list *dl);
/* The Lustre client modules are installed (modinfo lnet, lustre). */
void preflight_check_lustre(const struct preflight_probe *p, struct diag_list *dl);
/* The host's NVIDIA container runtime is there (an error: kcfg's drop-in names it). */
void preflight_check_nvidia_runtime(const struct preflight_probe *p, struct diag_list *dl);
/*
 * The GPUDirect modules the host's driver must bring (warnings):
 * nvidia_peermem when `rdma`, gdrdrv when `gdrcopy`.
 */
void preflight_check_gpudirect(const struct preflight_probe *p, int rdma, int gdrcopy,
			       struct diag_list *dl);

#endif
