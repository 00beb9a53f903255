/*
 * common (every host): hostname = inventory name, a generated /etc/hosts
 * with every host's front and RoCE names, unattended-upgrades removed (it
 * breaks kernel-module and driver pins), and an apt cache refreshed only
 * when older than cluster.apt_cache_max_age.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "config/settings.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "engine/facts.h"
#include "engine/preflight.h"
#include "util/banned.h"

static void hosts_line(struct strbuf *out, const char *addr, const char *name,
		       const char *domain, const char *extra)
{
	strbuf_addf(out, "%s %s", addr, name);
	if (*domain)
		strbuf_addf(out, " %s.%s", name, domain);
	if (extra)
		strbuf_addf(out, " %s", extra);
	strbuf_addch(out, '\n');
}

/*
 * The registry's names (harbor, harbor.internal) must resolve even when
 * its host is named otherwise: add whichever the line lacks.
 */
static char *registry_aliases(const struct comp_ctx *ctx, const struct comp_host *h)
{
	const char *reg = ctx->settings->registry.name;
	const char *domain = ctx->settings->cluster.internal_domain;
	char *short_name = xstrndup(reg, strcspn(reg, "."));
	char *own_fqdn = xstrfmt("%s.%s", h->name, domain);
	struct strbuf sb = STRBUF_INIT;

	if (h->roles & COMP_ROLE_REGISTRY) {
		if (strcmp(short_name, h->name) && strcmp(short_name, reg))
			strbuf_addstr(&sb, short_name);
		if (strcmp(reg, h->name) && strcmp(reg, own_fqdn))
			strbuf_addf(&sb, "%s%s", sb.len ? " " : "", reg);
	}
	free(short_name);
	free(own_fqdn);
	return sb.len ? strbuf_detach(&sb, NULL) : NULL;
}

static void render_hosts_file(const struct comp_ctx *ctx, struct strbuf *out)
{
	const char *domain = ctx->settings->cluster.internal_domain;
	const char *suffix = ctx->settings->cluster.roce_suffix;

	strbuf_addstr(out,
		"# Written by kcfg from inventory.ini: changes here are replaced on\n"
		"# the next apply. The file kcfg first replaced is kept beside it as\n"
		"# hosts.kcfg-orig.\n"
		"127.0.0.1 localhost\n"
		"::1 localhost ip6-localhost ip6-loopback\n"
		"ff02::1 ip6-allnodes\n"
		"ff02::2 ip6-allrouters\n"
		"\n# front (PortGroup) network\n");
	for (size_t i = 0; i < ctx->nr_hosts; i++) {
		char *aliases = registry_aliases(ctx, &ctx->hosts[i]);
		hosts_line(out, ctx->hosts[i].address, ctx->hosts[i].name, domain, aliases);
		free(aliases);
	}
	for (size_t i = 0, first = 1; i < ctx->nr_hosts; i++) {
		struct strbuf name = STRBUF_INIT;
		if (!ctx->hosts[i].roce_address)
			continue;
		if (first)
			strbuf_addstr(out, "\n# RoCE (SR-IOV) network\n");
		first = 0;
		strbuf_addf(&name, "%s-%s", ctx->hosts[i].name, suffix);
		hosts_line(out, ctx->hosts[i].roce_address, name.buf, domain, NULL);
		strbuf_release(&name);
	}
}

void comp_hosts_file(const struct comp_ctx *ctx, struct resource_list *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct resource *r;

	render_hosts_file(ctx, &sb);
	r = resource_add_file(out, "common", "/etc/hosts", sb.buf, sb.len, 0644);
	r->backup = 1;
	strbuf_release(&sb);
}

static int common_desired(const struct component *self, const struct comp_ctx *ctx, const struct comp_host *h,
			  struct resource_list *out, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct resource *r;

	strbuf_addf(&sb, "%s\n", h->name);
	r = resource_add_file(out, "common", "/etc/hostname", sb.buf, sb.len, 0644);
	r->notify = xstrdup("hostname");
	strbuf_release(&sb);

	comp_hosts_file(ctx, out);

	r = resource_add(out, RES_PACKAGES, "common");
	strvec_push(&r->packages, "unattended-upgrades");
	r->absent = 1;

	/*
	 * Refresh the apt cache only when it is older than the threshold:
	 * kcfg's own stamp of a successful update counts, as do InRelease
	 * files (a repository without them, like a local mirror, still
	 * settles through the stamp).
	 */
	r = resource_add(out, RES_COMMAND, "common");
	r->command = xstrdup("apt-get update -q && mkdir -p /var/lib/kcfg && "
			     "touch /var/lib/kcfg/apt-updated");
	r->unless = xstrfmt("test -n \"$(find /var/lib/kcfg/apt-updated /var/lib/apt/lists "
			    "-maxdepth 1 \\( -name apt-updated -o -name '*_InRelease' \\) "
			    "-newermt '-%lld seconds' 2>/dev/null | head -n 1)\"",
			    ctx->settings->cluster.apt_cache_max_age);
	(void)err;
	return 0;
}

/* The role a host is sized for: the most demanding of its roles. */
static const char *sized_role(const struct settings *s, unsigned roles, long long *cpus)
{
	static const struct { unsigned role; const char *name; size_t off; } order[] = {
		{ COMP_ROLE_REGISTRY, "registry", offsetof(struct settings, preflight.min_cpus.registry) },
		{ COMP_ROLE_MASTER, "controller", offsetof(struct settings, preflight.min_cpus.controller) },
		{ COMP_ROLE_WORKER, "worker", offsetof(struct settings, preflight.min_cpus.worker) },
		{ COMP_ROLE_BASTION, "bastion", offsetof(struct settings, preflight.min_cpus.bastion) },
	};
	const char *name = "host";

	*cpus = 1;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		long long n = *(const long long *)((const char *)s + order[i].off);

		if ((roles & order[i].role) && n > *cpus) {
			*cpus = n;
			name = order[i].name;
		} else if ((roles & order[i].role) && !strcmp(name, "host")) {
			name = order[i].name;
		}
	}
	return name;
}

/*
 * Before anything changes: a supported release, the size the seed's
 * prerequisites give each role, and on workers what their hardware
 * needs: the NVIDIA driver where there are GPUs (unless the GPU operator
 * installs it) with GPUDirect's modules on GPU workers, and the RDMA
 * device on roce_netif.
 */
static int common_check(const struct component *self, const struct comp_ctx *ctx,
			const struct comp_host *h, struct diag_list *found)
{
	const struct settings *s = ctx->settings;
	const struct facts *f = h->facts;
	long long cpus;
	const char *role;

	if (!f)
		return 0;
	preflight_check_release(f, found);
	role = sized_role(s, h->roles, &cpus);
	preflight_check_size(f, role, cpus, s->preflight.min_memory.value, found);
	if ((h->roles & COMP_ROLE_WORKER) && s->cluster.rdma)
		preflight_check_rdma(f, h->roce_netif, h->roce_address, found);
	if (h->preflight && ((h->roles & COMP_ROLE_GPU) || f->nr_gpus) &&
	    !(s->addons.gpu_operator && s->gpu_operator.driver))
		preflight_check_gpu(h->preflight, f, found);
	/* the host's driver brings GPUDirect's modules: the operator's values cannot */
	if (h->preflight && (h->roles & COMP_ROLE_GPU) && s->addons.gpu_operator &&
	    !s->gpu_operator.driver)
		preflight_check_gpudirect(h->preflight, s->cluster.rdma && s->gpu_operator.rdma,
					  s->gpu_operator.gdrcopy, found);
	(void)self;
	return 0;
}

const struct component component_common = {
	"common", "hostname, /etc/hosts, no unattended-upgrades, fresh apt cache",
	COMP_ROLE_ALL, COMP_PHASE_HOSTS, common_desired, common_check,
};
