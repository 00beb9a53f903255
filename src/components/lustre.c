/*
 * lustre (kube_worker, when addons.storage is on): the Exascaler (Lustre)
 * client the mdx worker image ships, configured and mounted.
 *
 * - LNet: the original filled the image's DDN template (storage.lnet.
 *   template_path) with the node's RoCE address and interface, by sed, into
 *   storage.lnet.config_path. kcfg writes that file whole instead, in the
 *   lnetctl import format, so that render and plan show every byte: one
 *   NI per LNet network (o2ib over RoCE when cluster.rdma is on, and tcp)
 *   on roce_netif with the roce_host address, and the filesystem servers
 *   of storage.filesystems as peers. The template is left untouched.
 * - the client service (storage.lnet.service) enabled, restarted when the
 *   LNet configuration changes;
 * - a marked block in /etc/fstab, one line per filesystem, the mount
 *   points, and a mount of each that runs only when it is not mounted;
 * - with storage.hold_kernel, the kernel packages held: the client's
 *   modules are built for the running kernel.
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/hosts.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "engine/preflight.h"
#include "util/banned.h"

#define FSTAB "/etc/fstab"
#define FSTAB_MARKER "lustre"

/* The installed kernel packages, one per line; held so apt cannot replace the kernel. */
#define KERNEL_PKGS \
	"dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n' 'linux-generic*' " \
	"'linux-virtual*' 'linux-image-*' 'linux-headers-*' 'linux-modules-*' " \
	"2>/dev/null | awk '$1 == \"ii\" {print $2}'"

static const char *netif_of(const struct comp_ctx *ctx, const struct comp_host *h)
{
	if (h->roce_netif && *h->roce_netif)
		return h->roce_netif;
	if (*ctx->settings->cluster.roce_netif)
		return ctx->settings->cluster.roce_netif;
	return NULL;
}

static int check_roce(const struct comp_ctx *ctx, const struct comp_host *h,
		      struct strbuf *err)
{
	if (!h->roce_address || !*h->roce_address) {
		strbuf_addf(err, "host '%s': addons.storage is on, and it has no roce_host: "
			    "set roce_host=ADDRESS on its line in the inventory (Lustre's LNet "
			    "runs over the RoCE network), or set addons.storage: false in "
			    "cluster.yaml", h->name);
		return -1;
	}
	if (!netif_of(ctx, h)) {
		strbuf_addf(err, "host '%s': addons.storage is on, and it has no roce_netif: "
			    "set roce_netif=IFACE in its group's vars in the inventory "
			    "([kube_worker:vars]), or cluster.roce_netif in cluster.yaml", h->name);
		return -1;
	}
	return 0;
}

/* 1 when `net` ("o2ib10") is one of the LNet networks this client configures. */
static int local_net(const struct settings *s, const char *net, size_t len)
{
	const char *o2ib = s->storage.lnet.o2ib_net, *tcp = s->storage.lnet.tcp_net;

	return (s->cluster.rdma && strlen(o2ib) == len && !memcmp(net, o2ib, len)) ||
	       (strlen(tcp) == len && !memcmp(net, tcp, len));
}

/*
 * The servers' NIDs (ADDRESS@NET) of every filesystem, each once, in the
 * order given, on the networks this client has. exa_fs is
 * NID[:NID...]:/fsname, with ',' between failover partners.
 */
static void server_nids(const struct settings *s, struct strvec *out)
{
	const struct storage_fs_list *fl = &s->storage.filesystems;

	for (size_t i = 0; i < fl->nr; i++) {
		const char *p = fl->v[i].exa_fs, *end = strstr(p, ":/");

		while (end && p < end) {
			size_t n = strcspn(p, ":,");
			const char *at = memchr(p, '@', n);
			char *nid;
			int seen = 0;

			if (n > (size_t)(end - p))
				n = (size_t)(end - p);
			nid = xstrndup(p, n);
			for (size_t j = 0; j < out->nr; j++)
				seen |= !strcmp(out->v[j], nid);
			if (!seen && at && local_net(s, at + 1, (size_t)(p + n - at - 1)))
				strvec_push(out, nid);
			free(nid);
			p += n + 1;
		}
	}
}

static void emit_net(struct yemit *e, const char *net, const char *addr, const char *netif)
{
	char *nid = xstrfmt("%s@%s", addr, net);

	yemit_map_begin(e);
	yemit_key(e, "net type");
	yemit_str(e, net);
	yemit_key(e, "local NI(s)");
	yemit_seq_begin(e);
	yemit_map_begin(e);
	yemit_key(e, "nid");
	yemit_str(e, nid);
	yemit_key(e, "interfaces");
	yemit_map_begin(e);
	yemit_int(e, 0);	/* lnetctl numbers a NI's interfaces from 0 */
	yemit_str(e, netif);
	yemit_map_end(e);
	yemit_map_end(e);
	yemit_seq_end(e);
	yemit_map_end(e);
	free(nid);
}

int lustre_render_lnet(const struct comp_ctx *ctx, const struct comp_host *h,
		       struct strbuf *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct strvec peers = STRVEC_INIT;
	const char *netif;
	struct yemit e;
	int ret;

	if (check_roce(ctx, h, err) < 0)
		return -1;
	netif = netif_of(ctx, h);
	strbuf_addf(out, "# Written by kcfg: LNet of %s over its RoCE interface, in lnetctl's\n"
		    "# import format. Changes here are replaced on the next apply.\n", h->name);
	yemit_init(&e, out);
	yemit_map_begin(&e);
	yemit_key(&e, "net");
	yemit_seq_begin(&e);
	if (s->cluster.rdma)
		emit_net(&e, s->storage.lnet.o2ib_net, h->roce_address, netif);
	emit_net(&e, s->storage.lnet.tcp_net, h->roce_address, netif);
	yemit_seq_end(&e);

	server_nids(s, &peers);
	if (peers.nr) {
		yemit_key(&e, "peer");
		yemit_seq_begin(&e);
		for (size_t i = 0; i < peers.nr; i++) {
			yemit_map_begin(&e);
			yemit_key(&e, "primary nid");
			yemit_str(&e, peers.v[i]);
			yemit_key(&e, "peer ni");
			yemit_seq_begin(&e);
			yemit_map_begin(&e);
			yemit_key(&e, "nid");
			yemit_str(&e, peers.v[i]);
			yemit_map_end(&e);
			yemit_seq_end(&e);
			yemit_map_end(&e);
		}
		yemit_seq_end(&e);
	}
	yemit_map_end(&e);
	ret = yemit_finish(&e, err);
	strvec_clear(&peers);
	return ret;
}

void lustre_fstab_line(const struct storage_fs *fs, struct strbuf *out)
{
	/* settings checks keep spaces and '#' out of all three fields */
	strbuf_addf(out, "%s %s lustre %s 0 0\n", fs->exa_fs, fs->mount_point,
		    fs->mount_options);
}

static void add_hold_kernel(struct resource_list *out)
{
	struct resource *r = resource_add(out, RES_COMMAND, "lustre");

	r->command = xstrdup("pkgs=$(" KERNEL_PKGS ") && test -n \"$pkgs\" && apt-mark hold $pkgs");
	r->unless = xstrdup("test -z \"$(" KERNEL_PKGS " | grep -vxF \"$(apt-mark showhold)\")\"");
}

static void add_mounts(const struct settings *s, struct resource_list *out)
{
	const struct storage_fs_list *fl = &s->storage.filesystems;
	struct strbuf block = STRBUF_INIT, q = STRBUF_INIT;
	struct resource *r;

	for (size_t i = 0; i < fl->nr; i++) {
		/* mode 0: once mounted, the mount point is the filesystem's shared root */
		r = resource_add(out, RES_DIR, "lustre");
		r->path = xstrdup(fl->v[i].mount_point);
		lustre_fstab_line(&fl->v[i], &block);
	}
	r = resource_add(out, RES_BLOCK, "lustre");
	r->path = xstrdup(FSTAB);
	r->marker = xstrdup(FSTAB_MARKER);
	strbuf_addbuf(&r->content, &block);
	r->backup = 1;

	for (size_t i = 0; i < fl->nr; i++) {
		strbuf_reset(&q);
		sq_quote(&q, fl->v[i].mount_point);
		r = resource_add(out, RES_COMMAND, "lustre");
		r->command = xstrfmt("mount %s", q.buf);
		r->unless = xstrfmt("mountpoint -q %s", q.buf);
	}
	strbuf_release(&block);
	strbuf_release(&q);
}

static int lustre_desired(const struct component *self, const struct comp_ctx *ctx, const struct comp_host *h,
			  struct resource_list *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct strbuf sb = STRBUF_INIT;
	struct resource *r;

	if (!s->addons.storage)
		return 0;
	if (lustre_render_lnet(ctx, h, &sb, err) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	if (s->storage.hold_kernel)
		add_hold_kernel(out);

	r = resource_add_file(out, "lustre", s->storage.lnet.config_path, sb.buf, sb.len, 0644);
	r->backup = 1;
	r->notify = xstrfmt("restart %s", s->storage.lnet.service);
	r = resource_add(out, RES_SERVICE, "lustre");
	r->unit = xstrdup(s->storage.lnet.service);
	r->enabled = r->started = 1;

	add_mounts(s, out);
	strbuf_release(&sb);
	return 0;
}

/* The client kcfg configures must be there: the DDN image provides it. */
static int lustre_check(const struct component *self, const struct comp_ctx *ctx,
			const struct comp_host *h, struct diag_list *found)
{
	if (ctx->settings->addons.storage && h->preflight)
		preflight_check_lustre(h->preflight, found);
	(void)self;
	return 0;
}

const struct component component_lustre = {
	"lustre", "the Lustre client: LNet over RoCE, fstab entries, mounts",
	COMP_ROLE_WORKER, COMP_PHASE_NODES, lustre_desired, lustre_check,
};
