/*
 * exascaler-csi (add-on, on the controllers, with addons.storage): DDN's
 * Exascaler CSI driver and one StorageClass per storage.filesystems
 * entry (exascaler-sc-fast, the default, and exascaler-sc-large). The
 * Lustre client on the workers is the storage component's.
 *
 * The stack (one folder, applied in file order):
 *   00-namespace.yaml       the driver's namespace
 *   10-config.yaml          the Secret with the driver's config.yaml
 *                           (exascaler_map: exaFS and mountPoint per filesystem)
 *   20-driver.yaml          the release's driver manifest, made on the
 *                           controller by a command (below)
 *   30-storageclasses.yaml  provisioner exa.csi.ddn.com, one per filesystem
 *
 * The driver manifest is the release tag's
 * deploy/kubernetes/exascaler-csi-file-driver.yaml, uploaded and checked
 * by sha256 (the file, not GitHub's tag archive: an archive GitHub makes
 * on request has no bytes anyone can pin). As released it names no namespace on most
 * objects (k0s's manifest deployer has none to default to) and mounts
 * /var/lib/kubelet (k0s's kubelet lives in /var/lib/k0s/kubelet), so a
 * small awk program, written beside it, fixes both.
 *
 * Each StorageClass carries the Lustre project id of its filesystem:
 * storage.filesystems[].project_id, or else a cluster value read on the
 * first worker once the nodes phase has mounted the filesystem
 * (cluster-values.h). Until it is known the StorageClasses' file waits
 * for it (a pending resource: plan says so, render leaves it out).
 */
#include <string.h>

#include "components/addons.h"
#include "components/addon.h"
#include "components/chart.h"
#include "components/cluster-values.h"
#include "components/component.h"
#include "components/downloads.h"
#include "config/settings.h"
#include "config/yaml.h"
#include "engine/resource.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define COMP "exascaler-csi"
#define STACK "exascaler"
#define PROVISIONER "exa.csi.ddn.com"
#define CONFIG_SECRET "exascaler-csi-file-driver-config"	/* the name the driver mounts */
#define CONFIG_KEY "exascaler-csi-file-driver-config.yaml"
#define WORK_DIR "/var/lib/kcfg/exascaler"
#define AWK_PATH WORK_DIR "/k0s-driver.awk"
#define TRANSFORM_REV "1"	/* bump when the awk program changes */

/*
 * Reads a multi-document manifest and writes it back with every
 * namespaced object in namespace `ns` (existing "namespace: default"
 * lines included) and /var/lib/kubelet replaced by k0s's kubelet dir.
 * POSIX awk (Ubuntu's mawk runs it).
 */
static const char driver_awk[] =
	"# Written by kcfg: puts the exa-csi-driver manifest in namespace `ns`\n"
	"# and points its kubelet paths at k0s's. k0s's manifest deployer has no\n"
	"# default namespace, so every namespaced object must name one.\n"
	"function flush(    i, cluster) {\n"
	"\tcluster = kind ~ /^(CSIDriver|ClusterRole|ClusterRoleBinding|StorageClass|"
	"Namespace|CustomResourceDefinition|PriorityClass|VolumeSnapshotClass)$/\n"
	"\tfor (i = 1; i <= n; i++) {\n"
	"\t\tprint buf[i]\n"
	"\t\tif (i == meta && !cluster && !hasns)\n"
	"\t\t\tprint \"  namespace: \" ns\n"
	"\t}\n"
	"\tn = 0; meta = 0; kind = \"\"; hasns = 0; inmeta = 0\n"
	"}\n"
	"/^---/ { flush(); print; next }\n"
	"{\n"
	"\tgsub(/\\/var\\/lib\\/kubelet/, \"/var/lib/k0s/kubelet\")\n"
	"\tsub(/namespace: default([ \\t].*)?$/, \"namespace: \" ns)\n"
	"\tif ($0 ~ /^kind:/)\n"
	"\t\tkind = $2\n"
	"\tif ($0 ~ /^metadata:[ \\t]*$/) {\n"
	"\t\tmeta = n + 1\n"
	"\t\tinmeta = 1\n"
	"\t} else if ($0 ~ /^[^ \\t#]/) {\n"
	"\t\tinmeta = 0\n"
	"\t} else if (inmeta && $0 ~ /^  namespace:/) {\n"
	"\t\thasns = 1\n"
	"\t}\n"
	"\tbuf[++n] = $0\n"
	"}\n"
	"END { flush() }\n";

static int render_namespace(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	strbuf_addstr(out, "# Written by kcfg: the Exascaler CSI driver's namespace.\n");
	yemit_init(&e, out);
	kobj_namespace(&e, s->storage.namespace);
	return yemit_finish(&e, err);
}

/* The driver's config.yaml: one exascaler_map entry per filesystem, by StorageClass name. */
static int driver_config(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
	struct yemit e;

	yemit_init(&e, out);
	yemit_map_begin(&e);
	yemit_key(&e, "exascaler_map");
	yemit_map_begin(&e);
	for (size_t i = 0; i < s->storage.filesystems.nr; i++) {
		const struct storage_fs *fs = &s->storage.filesystems.v[i];
		yemit_key(&e, fs->storage_class);
		yemit_map_begin(&e);
		yemit_key(&e, "exaFS");
		yemit_str(&e, fs->exa_fs);
		yemit_key(&e, "mountPoint");
		yemit_str(&e, fs->mount_point);
		yemit_map_end(&e);
	}
	yemit_map_end(&e);
	yemit_map_end(&e);
	return yemit_finish(&e, err);
}

static int render_config(const struct settings *s, struct strbuf *out, struct strbuf *err)
{
	struct strbuf conf = STRBUF_INIT;
	struct yemit e;
	int ret;

	if (driver_config(s, &conf, err) < 0) {
		strbuf_release(&conf);
		return -1;
	}
	strbuf_addstr(out,
		"# Written by kcfg from storage.filesystems: the Exascaler CSI driver's\n"
		"# configuration (no credentials: a Secret because the driver reads one).\n");
	yemit_init(&e, out);
	kobj_begin(&e, "v1", "Secret", CONFIG_SECRET, s->storage.namespace);
	yemit_key(&e, "type");
	yemit_str(&e, "Opaque");
	yemit_key(&e, "stringData");
	yemit_map_begin(&e);
	yemit_key(&e, CONFIG_KEY);
	yemit_str(&e, conf.buf);
	yemit_map_end(&e);
	yemit_map_end(&e);
	ret = yemit_finish(&e, err);
	strbuf_release(&conf);
	return ret;
}

static void storage_class(struct yemit *e, const struct settings *s, const struct storage_fs *fs,
			  const char *project_id)
{
	struct strbuf v = STRBUF_INIT;

	yemit_map_begin(e);
	yemit_key(e, "apiVersion");
	yemit_str(e, "storage.k8s.io/v1");
	yemit_key(e, "kind");
	yemit_str(e, "StorageClass");
	yemit_key(e, "metadata");
	yemit_map_begin(e);
	yemit_key(e, "name");
	yemit_str(e, fs->storage_class);
	if (fs->is_default) {
		yemit_key(e, "annotations");
		yemit_map_begin(e);
		yemit_key(e, "storageclass.kubernetes.io/is-default-class");
		yemit_str(e, "true");
		yemit_map_end(e);
	}
	yemit_key(e, "labels");
	yemit_map_begin(e);
	yemit_key(e, KCFG_MANAGED_BY_LABEL);
	yemit_str(e, KCFG_MANAGED_BY);
	yemit_map_end(e);
	yemit_map_end(e);
	yemit_key(e, "provisioner");
	yemit_str(e, PROVISIONER);
	yemit_key(e, "parameters");
	yemit_map_begin(e);
	yemit_key(e, "configName");
	yemit_str(e, fs->storage_class);
	yemit_key(e, "exaFS");
	yemit_str(e, fs->exa_fs);
	yemit_key(e, "mountPoint");
	yemit_str(e, fs->mount_point);
	yemit_key(e, "mountOptions");
	yemit_str(e, fs->mount_options);
	/* a separate Lustre mount per volume, as the original chose */
	yemit_key(e, "bindMount");
	yemit_str(e, "false");
	yemit_key(e, "exaMountUid");
	strbuf_addf(&v, "%lld", s->storage.mount_uid);
	yemit_str(e, v.buf);
	yemit_key(e, "projectId");
	yemit_str(e, project_id);
	yemit_map_end(e);
	yemit_key(e, "reclaimPolicy");
	yemit_str(e, "Delete");
	yemit_key(e, "volumeBindingMode");
	yemit_str(e, "Immediate");
	yemit_map_end(e);
	strbuf_release(&v);
}

/*
 * The project id of `fs`: its setting, or the value read on a worker;
 * NULL with what it waits for in `pending` when not known yet.
 */
static const char *project_id_of(const struct comp_ctx *ctx, const struct storage_fs *fs,
				 struct strbuf *pending, struct strbuf *value)
{
	struct strbuf name = STRBUF_INIT;
	const char *id;

	if (fs->project_id && *fs->project_id)
		return fs->project_id;
	cluster_value_name(&name, CV_LUSTRE_PROJECT_ID, fs->mount_point);
	id = comp_value(ctx, name.buf);
	if (!id && !pending->len) {	/* the first one it waits for */
		cluster_value_what(name.buf, pending);
		strbuf_addbuf(value, &name);
	}
	strbuf_release(&name);
	return id;
}

static int add_classes(const struct comp_ctx *ctx, struct resource_list *out,
		       struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct strbuf file = STRBUF_INIT, pending = STRBUF_INIT, value = STRBUF_INIT;
	struct resource *r;
	struct yemit e;
	int ret;

	strbuf_addstr(&file, "# Written by kcfg from storage.filesystems: one StorageClass per\n"
		      "# Exascaler filesystem. Each projectId is the Lustre project of the\n"
		      "# filesystem (project_id, or what 'lfs project -d' says on a worker).\n");
	yemit_init(&e, &file);
	for (size_t i = 0; i < s->storage.filesystems.nr; i++) {
		const struct storage_fs *fs = &s->storage.filesystems.v[i];
		const char *id = project_id_of(ctx, fs, &pending, &value);

		if (i)
			yemit_next_doc(&e);
		storage_class(&e, s, fs, id ? id : "");
	}
	ret = yemit_finish(&e, err);
	if (!ret) {
		r = manifest_add(out, COMP, STACK, "30-storageclasses.yaml",
				 pending.len ? NULL : &file);
		if (pending.len) {
			r->pending = strbuf_detach(&pending, NULL);
			r->pending_value = strbuf_detach(&value, NULL);
		}
	}
	strbuf_release(&file);
	strbuf_release(&pending);
	strbuf_release(&value);
	return ret;
}

/* The stamp line that says which release and namespace 20-driver.yaml was made for. */
static void driver_stamp(const struct settings *s, struct strbuf *out)
{
	strbuf_addf(out, "# Written by kcfg from exa-csi-driver %s for namespace %s (transform %s)",
		    s->versions.exascaler_csi, s->storage.namespace, TRANSFORM_REV);
}

static void add_driver(const struct comp_ctx *ctx, struct resource_list *out)
{
	const struct settings *s = ctx->settings;
	struct strbuf release = STRBUF_INIT, manifest = STRBUF_INIT;
	struct strbuf stamp = STRBUF_INIT, cmd = STRBUF_INIT;
	struct resource *r;

	r = resource_add(out, RES_DIR, COMP);
	r->path = xstrdup(WORK_DIR);
	r->mode = 0755;

	strbuf_addf(&release, WORK_DIR "/exascaler-csi-file-driver-%s.yaml",
		    s->versions.exascaler_csi);
	download_upload(ctx, DL_EXASCALER_CSI, out, release.buf, 0644);

	resource_add_file(out, COMP, AWK_PATH, driver_awk, sizeof(driver_awk) - 1, 0644);

	manifest_path(&manifest, STACK, "20-driver.yaml");
	driver_stamp(s, &stamp);
	/* transform in the work dir, check, then move into the stack */
	strbuf_addstr(&cmd, "cd " WORK_DIR " && printf '%s\\n' ");
	addons_sh_quote(&cmd, stamp.buf);
	strbuf_addstr(&cmd, " >driver.yaml && awk -v ns=");
	addons_sh_quote(&cmd, s->storage.namespace);
	strbuf_addstr(&cmd, " -f " AWK_PATH " ");
	addons_sh_quote(&cmd, release.buf);
	strbuf_addstr(&cmd, " >>driver.yaml && "
		      "grep -q '^kind: DaemonSet' driver.yaml && mkdir -p ");
	addons_sh_quote(&cmd, MANIFESTS_DIR "/" STACK);
	strbuf_addstr(&cmd, " && mv driver.yaml ");
	addons_sh_quote(&cmd, manifest.buf);

	r = resource_add(out, RES_COMMAND, COMP);
	r->command = strbuf_detach(&cmd, NULL);
	strbuf_addstr(&cmd, "grep -qxF ");
	addons_sh_quote(&cmd, stamp.buf);
	strbuf_addch(&cmd, ' ');
	addons_sh_quote(&cmd, manifest.buf);
	r->unless = strbuf_detach(&cmd, NULL);

	strbuf_release(&release);
	strbuf_release(&manifest);
	strbuf_release(&stamp);
}

static int enabled(const struct settings *s)
{
	return s->addons.storage;
}

/* the namespace, the driver's config, the driver, the StorageClasses */
static int stack(const struct comp_ctx *ctx, const struct comp_host *h,
		 struct resource_list *out, struct strbuf *err)
{
	const struct settings *s = ctx->settings;
	struct strbuf file = STRBUF_INIT;
	int ret = -1;

	if (render_namespace(s, &file, err) < 0)
		goto out;
	manifest_add(out, COMP, STACK, "00-namespace.yaml", &file);
	strbuf_reset(&file);
	if (render_config(s, &file, err) < 0)
		goto out;
	manifest_add(out, COMP, STACK, "10-config.yaml", &file);
	add_driver(ctx, out);
	ret = add_classes(ctx, out, err);
out:
	strbuf_release(&file);
	return ret;
}

static void remove_work_dir(struct resource_list *out, const char *component)
{
	struct resource *r = resource_add(out, RES_ABSENT, component);

	r->path = xstrdup(WORK_DIR);
}

static const struct addon exascaler = {
	.enabled = enabled,
	.verify = exascaler_verify,
	.stack = STACK,
	.before = stack,
	.off = remove_work_dir,
};

const struct component component_exascaler_csi = ADDON_COMPONENT(
	"exascaler-csi", "Exascaler CSI driver and storage classes (add-on)", &exascaler);
