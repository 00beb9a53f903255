#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "util/json.h"
#include "util/json-read.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Collects every problem of one facts document. */
struct checker {
	const char *origin;
	const char *host;	/* named in every problem, or NULL */
	struct strbuf *err;
	int errors;
};

static void problem(struct checker *c, const struct json_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct checker *c, const struct json_node *at, const char *fmt, ...)
{
	va_list ap;

	if (c->errors++)
		strbuf_addch(c->err, '\n');
	strbuf_addf(c->err, "%s:%u:%u: ", c->origin, at ? at->line : 1, at ? at->col : 1);
	if (c->host)
		strbuf_addf(c->err, "host '%s': ", c->host);
	va_start(ap, fmt);
	strbuf_vaddf(c->err, fmt, ap);
	va_end(ap);
}

static char *get_str(struct checker *c, const struct json_node *obj, const char *key, int required)
{
	const struct json_node *v = json_get(obj, key);

	if (!v || v->type == JSON_NULL) {
		if (required)
			problem(c, obj, "missing '%s'", key);
		return NULL;
	}
	if (v->type != JSON_STRING) {
		problem(c, v, "'%s' must be a string", key);
		return NULL;
	}
	return xstrdup(v->text);
}

/*
 * A whole number in `r` at `key` of `obj` (`field` names it in messages:
 * "numa_nodes[1].id"). Missing and optional: `def`.
 */
static long long get_number(struct checker *c, const struct json_node *obj, const char *key,
			    const char *field, int required, const struct facts_range *r,
			    long long def)
{
	const struct json_node *v = json_get(obj, key);
	struct strbuf why = STRBUF_INIT;
	long long n = def;

	if (!v || v->type == JSON_NULL) {
		if (required)
			problem(c, obj, "missing '%s'", key);
		return def;
	}
	if (v->type != JSON_NUMBER) {
		problem(c, v, "'%s' must be a whole number: kcfg accepts %s", field, r->accepted);
		return def;
	}
	if (facts_read_number(v->text, field, r, 1, &n, &why) < 0) {
		problem(c, v, "%s", why.buf);
		n = def;
	}
	strbuf_release(&why);
	return n;
}

static const struct json_node *get_array(struct checker *c, const struct json_node *obj,
					 const char *key, int required)
{
	const struct json_node *v = json_get(obj, key);

	if (!v || v->type == JSON_NULL) {
		if (required)
			problem(c, obj, "missing '%s'", key);
		return NULL;
	}
	if (v->type != JSON_ARRAY) {
		problem(c, v, "'%s' must be a list", key);
		return NULL;
	}
	return v;
}

static int is_object(struct checker *c, const struct json_node *v, const char *what)
{
	if (v && v->type == JSON_OBJECT)
		return 1;
	if (v && v->type != JSON_NULL)
		problem(c, v, "'%s' must be an object", what);
	return 0;
}

static void read_numa(struct checker *c, const struct json_node *arr, struct facts *f)
{
	struct strbuf field = STRBUF_INIT;

	if (arr->nr > FACTS_MAX_NUMA_NODES) {
		problem(c, arr, "'numa_nodes' lists %zu nodes: kcfg accepts at most %d",
			arr->nr, FACTS_MAX_NUMA_NODES);
		return;
	}
	f->numa = xcalloc(arr->nr ? arr->nr : 1, sizeof(*f->numa));
	for (size_t i = 0; i < arr->nr; i++) {
		const struct json_node *o = arr->items[i];
		struct numa_node *n = &f->numa[f->nr_numa];
		int count;

		if (!is_object(c, o, "numa_nodes[]"))
			continue;
		strbuf_reset(&field);
		strbuf_addf(&field, "numa_nodes[%zu].id", i);
		n->id = (int)get_number(c, o, "id", field.buf, 1, &facts_range_numa_id, 0);
		n->cpulist = get_str(c, o, "cpus", 1);
		strbuf_reset(&field);
		strbuf_addf(&field, "numa_nodes[%zu].memory_bytes", i);
		n->memory_bytes = (unsigned long long)get_number(c, o, "memory_bytes", field.buf, 1,
								 &facts_range_memory, 0);
		count = n->cpulist ? cpulist_count(n->cpulist) : 0;
		if (count < 0) {
			strbuf_reset(&field);
			facts_bad_cpulist(&field, i, n->cpulist);
			problem(c, json_get(o, "cpus"), "%s", field.buf);
		}
		n->cpus = count > 0 ? (unsigned)count : 0;
		f->nr_numa++;
	}
	strbuf_release(&field);
}

static void read_ifaces(struct checker *c, const struct json_node *arr, struct facts *f)
{
	struct strbuf field = STRBUF_INIT;

	f->ifaces = xcalloc(arr->nr, sizeof(*f->ifaces));
	for (size_t i = 0; i < arr->nr; i++) {
		const struct json_node *o = arr->items[i], *addrs;
		struct net_iface *n = &f->ifaces[f->nr_ifaces];

		if (!is_object(c, o, "interfaces[]"))
			continue;
		n->name = get_str(c, o, "name", 1);
		n->mac = get_str(c, o, "mac", 0);
		strbuf_reset(&field);
		strbuf_addf(&field, "interfaces[%zu].mtu", i);
		n->mtu = (unsigned)get_number(c, o, "mtu", field.buf, 0, &facts_range_mtu, 0);
		n->up = json_get_bool(o, "up", 1);
		addrs = get_array(c, o, "addresses", 0);
		if (addrs) {
			n->addresses = xcalloc(addrs->nr, sizeof(char *));
			for (size_t j = 0; j < addrs->nr; j++) {
				if (addrs->items[j]->type != JSON_STRING) {
					problem(c, addrs->items[j], "'%s' entries must be strings", "addresses");
					continue;
				}
				n->addresses[n->nr_addresses++] = xstrdup(addrs->items[j]->text);
			}
		}
		f->nr_ifaces++;
	}
	strbuf_release(&field);
}

static void read_rdma(struct checker *c, const struct json_node *arr, struct facts *f)
{
	f->rdma = xcalloc(arr->nr, sizeof(*f->rdma));
	for (size_t i = 0; i < arr->nr; i++) {
		const struct json_node *o = arr->items[i];
		struct rdma_device *r = &f->rdma[f->nr_rdma];

		if (!is_object(c, o, "rdma_devices[]"))
			continue;
		r->name = get_str(c, o, "name", 1);
		r->netdev = get_str(c, o, "netdev", 0);
		r->link_layer = get_str(c, o, "link_layer", 0);
		r->state = get_str(c, o, "state", 0);
		f->nr_rdma++;
	}
}

static void read_gpus(struct checker *c, const struct json_node *arr, struct facts *f)
{
	struct strbuf field = STRBUF_INIT;

	f->gpus = xcalloc(arr->nr ? arr->nr : 1, sizeof(*f->gpus));
	for (size_t i = 0; i < arr->nr; i++) {
		const struct json_node *o = arr->items[i];
		struct gpu *g = &f->gpus[f->nr_gpus];

		if (!is_object(c, o, "gpus[]"))
			continue;
		g->pci_address = get_str(c, o, "pci_address", 1);
		g->vendor_id = get_str(c, o, "vendor_id", 0);
		g->device_id = get_str(c, o, "device_id", 0);
		g->model = get_str(c, o, "model", 0);
		strbuf_reset(&field);
		strbuf_addf(&field, "gpus[%zu].numa_node", i);
		g->numa_node = (int)get_number(c, o, "numa_node", field.buf, 0,
					       &facts_range_gpu_numa, -1);
		f->nr_gpus++;
	}
	strbuf_release(&field);
}

static void check_consistency(struct checker *c, const struct json_node *root, const struct facts *f)
{
	unsigned cpus = 0;

	if (!f->nr_numa && !c->errors)
		problem(c, json_get(root, "numa_nodes"), "'%s' must list at least one node", "numa_nodes");
	if (!c->errors) {
		struct strbuf why = STRBUF_INIT;

		if (facts_check_numa(f, &why) < 0)
			problem(c, json_get(root, "numa_nodes"), "%s", why.buf);
		strbuf_release(&why);
	}
	for (size_t i = 0; i < f->nr_numa; i++)
		cpus += f->numa[i].cpus;
	if (f->nr_numa && f->cpus && cpus != f->cpus && !c->errors)
		problem(c, json_get(root, "cpus"), "the NUMA nodes list %u CPUs but 'cpus' says %u",
			cpus, f->cpus);
	for (size_t i = 0; i < f->nr_gpus; i++) {
		int node = f->gpus[i].numa_node;
		int found = node < 0;
		for (size_t j = 0; j < f->nr_numa && !found; j++)
			found = f->numa[j].id == node;
		if (!found) {
			struct strbuf pci = STRBUF_INIT;

			facts_quote(&pci, f->gpus[i].pci_address ? f->gpus[i].pci_address : "?");
			problem(c, json_get(root, "gpus"), "GPU %s sits on a NUMA node that "
				"'numa_nodes' does not list", pci.buf);
			strbuf_release(&pci);
		}
	}
}

static int from_json(const char *buf, size_t len, const char *origin, const char *host,
		     struct facts *out, struct strbuf *err)
{
	struct checker c = { origin, host, err, 0 };
	struct strbuf perr = STRBUF_INIT;
	struct json_node *root = NULL;
	const struct json_node *v, *arr;
	struct facts f;

	memset(&f, 0, sizeof(f));
	if (json_parse(buf, len, &root, &perr) < 0) {
		strbuf_addf(err, "%s:%s", origin, perr.buf);
		strbuf_release(&perr);
		return -1;
	}
	strbuf_release(&perr);
	if (root->type != JSON_OBJECT) {
		problem(&c, root, "facts must be a JSON object");
		goto out;
	}
	f.hostname = get_str(&c, root, "hostname", 1);
	f.machine_id = get_str(&c, root, "machine_id", 0);
	if (is_object(&c, v = json_get(root, "os"), "os")) {
		f.os_id = get_str(&c, v, "id", 1);
		f.os_version = get_str(&c, v, "version_id", 1);
		f.os_pretty = get_str(&c, v, "pretty_name", 0);
	}
	f.kernel = get_str(&c, root, "kernel", 0);
	f.arch = get_str(&c, root, "arch", 0);
	f.cpus = (unsigned)get_number(&c, root, "cpus", "cpus", 1, &facts_range_cpus, 0);
	f.memory_bytes = (unsigned long long)get_number(&c, root, "memory_bytes", "memory_bytes", 1,
							&facts_range_memory, 0);
	if (is_object(&c, v = json_get(root, "disk"), "disk")) {
		f.disk_root_bytes = (unsigned long long)get_number(&c, v, "root_bytes",
			"disk.root_bytes", 0, &facts_range_disk, 0);
		f.disk_root_free_bytes = (unsigned long long)get_number(&c, v, "root_free_bytes",
			"disk.root_free_bytes", 0, &facts_range_disk, 0);
	}
	if ((arr = get_array(&c, root, "numa_nodes", 1)))
		read_numa(&c, arr, &f);
	if (is_object(&c, v = json_get(root, "default_ipv4"), "default_ipv4")) {
		f.default_ipv4 = get_str(&c, v, "address", 1);
		f.default_iface = get_str(&c, v, "interface", 0);
		f.default_gateway = get_str(&c, v, "gateway", 0);
	}
	if ((arr = get_array(&c, root, "interfaces", 0)))
		read_ifaces(&c, arr, &f);
	if ((arr = get_array(&c, root, "rdma_devices", 0)))
		read_rdma(&c, arr, &f);
	if ((arr = get_array(&c, root, "gpus", 0)))
		read_gpus(&c, arr, &f);
	if (is_object(&c, v = json_get(root, "k0s"), "k0s")) {
		f.k0s_installed = json_get_bool(v, "installed", 0);
		f.k0s_version = get_str(&c, v, "version", 0);
	}
	check_consistency(&c, root, &f);
out:
	json_node_free(root);
	if (c.errors) {
		facts_release(&f);
		return -1;
	}
	*out = f;
	return 0;
}

int facts_from_json(const char *buf, size_t len, const char *origin,
		    struct facts *out, struct strbuf *err)
{
	return from_json(buf, len, origin, NULL, out, err);
}

int facts_load_file(const char *path, struct facts *out, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT, host = STRBUF_INIT;
	const char *base = strrchr(path, '/');
	int ret;

	if (strbuf_read_file(&sb, path, FACTS_MAX_FILE) < 0) {
		strbuf_addf(err, "cannot read facts file '%s': %s", path,
			    errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		strbuf_release(&sb);
		return -1;
	}
	/* DIR/<host>.json: the messages name the host */
	strbuf_addstr(&host, base ? base + 1 : path);
	if (ends_with(host.buf, ".json"))
		strbuf_setlen(&host, host.len - 5);
	ret = from_json(sb.buf, sb.len, path, host.len ? host.buf : NULL, out, err);
	strbuf_release(&sb);
	strbuf_release(&host);
	return ret;
}

void facts_to_json(const struct facts *f, struct strbuf *out)
{
	struct json_writer jw;

	json_init(&jw, out, 2);
	json_object_begin(&jw);
	json_member_string(&jw, "hostname", f->hostname);
	json_member_string(&jw, "machine_id", f->machine_id);
	json_key(&jw, "os");
	if (f->os_id || f->os_version || f->os_pretty) {
		json_object_begin(&jw);
		json_member_string(&jw, "id", f->os_id);
		json_member_string(&jw, "version_id", f->os_version);
		json_member_string(&jw, "pretty_name", f->os_pretty);
		json_object_end(&jw);
	} else {
		json_null(&jw);	/* no os-release: read back as no "os" */
	}
	json_member_string(&jw, "kernel", f->kernel);
	json_member_string(&jw, "arch", f->arch);
	json_key(&jw, "cpus");
	json_int(&jw, f->cpus);
	json_key(&jw, "memory_bytes");
	json_int(&jw, (long long)f->memory_bytes);
	json_key(&jw, "disk");
	json_object_begin(&jw);
	json_key(&jw, "root_bytes");
	json_int(&jw, (long long)f->disk_root_bytes);
	json_key(&jw, "root_free_bytes");
	json_int(&jw, (long long)f->disk_root_free_bytes);
	json_object_end(&jw);
	json_key(&jw, "numa_nodes");
	json_array_begin(&jw);
	for (size_t i = 0; i < f->nr_numa; i++) {
		json_object_begin(&jw);
		json_key(&jw, "id");
		json_int(&jw, f->numa[i].id);
		json_member_string(&jw, "cpus", f->numa[i].cpulist);
		json_key(&jw, "memory_bytes");
		json_int(&jw, (long long)f->numa[i].memory_bytes);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_key(&jw, "default_ipv4");
	if (f->default_ipv4) {
		json_object_begin(&jw);
		json_member_string(&jw, "address", f->default_ipv4);
		json_member_string(&jw, "interface", f->default_iface);
		json_member_string(&jw, "gateway", f->default_gateway);
		json_object_end(&jw);
	} else
		json_null(&jw);
	json_key(&jw, "interfaces");
	json_array_begin(&jw);
	for (size_t i = 0; i < f->nr_ifaces; i++) {
		const struct net_iface *n = &f->ifaces[i];
		json_object_begin(&jw);
		json_member_string(&jw, "name", n->name);
		json_member_string(&jw, "mac", n->mac);
		json_key(&jw, "mtu");
		json_int(&jw, n->mtu);
		json_key(&jw, "up");
		json_bool(&jw, n->up);
		json_key(&jw, "addresses");
		json_array_begin(&jw);
		for (size_t j = 0; j < n->nr_addresses; j++)
			json_string(&jw, n->addresses[j]);
		json_array_end(&jw);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_key(&jw, "rdma_devices");
	json_array_begin(&jw);
	for (size_t i = 0; i < f->nr_rdma; i++) {
		json_object_begin(&jw);
		json_member_string(&jw, "name", f->rdma[i].name);
		json_member_string(&jw, "netdev", f->rdma[i].netdev);
		json_member_string(&jw, "link_layer", f->rdma[i].link_layer);
		json_member_string(&jw, "state", f->rdma[i].state);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_key(&jw, "gpus");
	json_array_begin(&jw);
	for (size_t i = 0; i < f->nr_gpus; i++) {
		const struct gpu *g = &f->gpus[i];
		json_object_begin(&jw);
		json_member_string(&jw, "pci_address", g->pci_address);
		json_member_string(&jw, "vendor_id", g->vendor_id);
		json_member_string(&jw, "device_id", g->device_id);
		json_member_string(&jw, "model", g->model);
		json_key(&jw, "numa_node");
		json_int(&jw, g->numa_node);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_key(&jw, "k0s");
	json_object_begin(&jw);
	json_key(&jw, "installed");
	json_bool(&jw, f->k0s_installed);
	json_member_string(&jw, "version", f->k0s_version);
	json_object_end(&jw);
	json_object_end(&jw);
	strbuf_addch(out, '\n');
}

void facts_release(struct facts *f)
{
	free(f->hostname);
	free(f->machine_id);
	free(f->os_id);
	free(f->os_version);
	free(f->os_pretty);
	free(f->kernel);
	free(f->arch);
	for (size_t i = 0; i < f->nr_numa; i++)
		free(f->numa[i].cpulist);
	free(f->numa);
	free(f->default_ipv4);
	free(f->default_iface);
	free(f->default_gateway);
	for (size_t i = 0; i < f->nr_ifaces; i++) {
		free(f->ifaces[i].name);
		free(f->ifaces[i].mac);
		for (size_t j = 0; j < f->ifaces[i].nr_addresses; j++)
			free(f->ifaces[i].addresses[j]);
		free(f->ifaces[i].addresses);
	}
	free(f->ifaces);
	for (size_t i = 0; i < f->nr_rdma; i++) {
		free(f->rdma[i].name);
		free(f->rdma[i].netdev);
		free(f->rdma[i].link_layer);
		free(f->rdma[i].state);
	}
	free(f->rdma);
	for (size_t i = 0; i < f->nr_gpus; i++) {
		free(f->gpus[i].pci_address);
		free(f->gpus[i].vendor_id);
		free(f->gpus[i].device_id);
		free(f->gpus[i].model);
	}
	free(f->gpus);
	free(f->k0s_version);
	memset(f, 0, sizeof(*f));
}
