#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "engine/probe.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char facts_probe_script[] =
	"LC_ALL=C; export LC_ALL\n"
	"t=$(printf '\\t')\n"
	/* builtins only where it loops: a fork costs a millisecond */
	"rec() { o=$IFS; IFS=$t; printf '%s\\n' \"$*\"; IFS=$o; }\n"
	"rd() { v=; IFS= read -r v 2>/dev/null < \"$1\"; return 0; }\n"
	"rec host \"$(uname -n)\"\n"
	"[ -r /etc/machine-id ] && rec machine_id \"$(cat /etc/machine-id)\"\n"
	"if [ -r /etc/os-release ]; then (. /etc/os-release; rec os \"$ID\" \"$VERSION_ID\" \"$PRETTY_NAME\"); fi\n"
	"rec kernel \"$(uname -r)\"\n"
	"rec arch \"$(uname -m)\"\n"
	"rec cpus \"$(getconf _NPROCESSORS_ONLN)\"\n"
	"rec mem \"$(sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo)\"\n"
	"set -- $(df -P -B1 / 2>/dev/null | sed -n 2p); [ $# -ge 4 ] && rec disk \"$2\" \"$4\"\n"
	"for n in /sys/devices/system/node/node[0-9]*; do [ -d \"$n\" ] || continue\n"
	"  rec numa \"${n##*node}\" \"$(cat $n/cpulist)\" \"$(sed -n 's/.*MemTotal: *\\([0-9]*\\) kB/\\1/p' $n/meminfo)\"\n"
	"done\n"
	"set -- $(ip -4 route show default 2>/dev/null | head -n 1)\n"
	"gw=; dev=; while [ $# -gt 0 ]; do case $1 in via) gw=$2;; dev) dev=$2;; esac; shift; done\n"
	"if [ -n \"$dev\" ]; then a=$(ip -4 -o addr show dev \"$dev\" 2>/dev/null | sed -n '1s/.* inet \\([0-9.]*\\)\\/.*/\\1/p'); rec route \"$dev\" \"$a\" \"$gw\"; fi\n"
	"for i in /sys/class/net/*; do n=${i##*/}; [ \"$n\" = lo ] && continue\n"
	"  rd $i/address; a=$v; rd $i/mtu; m=$v; rd $i/operstate\n"
	"  rec iface \"$n\" \"$a\" \"$m\" \"$v\"\n"
	"done\n"
	"ip -o addr show 2>/dev/null | while read -r _ n fam a _; do\n"
	"  case $fam in inet|inet6) [ \"$n\" = lo ] || rec addr \"${n%@*}\" \"$a\";; esac; done\n"
	"for d in /sys/class/infiniband/*; do [ -d \"$d\" ] || continue; nd=\n"
	"  for x in $d/device/net/*; do [ -e \"$x\" ] && nd=${x##*/} && break; done\n"
	"  rec rdma \"${d##*/}\" \"$nd\" \"$(cat $d/ports/1/link_layer 2>/dev/null)\" \"$(sed 's/^[0-9]*: *//' $d/ports/1/state 2>/dev/null)\"\n"
	"done\n"
	"for p in /sys/bus/pci/devices/*; do\n"
	"  rd $p/vendor; [ \"$v\" = 0x10de ] || continue\n"
	"  rd $p/class; case $v in 0x0300*|0x0302*) ;; *) continue;; esac\n"
	"  a=${p##*/}; m=\n"
	"  command -v nvidia-smi >/dev/null 2>&1 && m=$(nvidia-smi --query-gpu=pci.bus_id,name --format=csv,noheader 2>/dev/null | "
	"awk -F', ' -v a=\"$a\" 'tolower(substr($1, length($1) - 11)) == tolower(a) { print $2 }')\n"
	"  rec gpu \"$a\" \"$(cut -c3- $p/vendor)\" \"$(cut -c3- $p/device)\" \"$(cat $p/numa_node)\" \"$m\"\n"
	"done\n"
	"if command -v k0s >/dev/null 2>&1; then rec k0s \"$(k0s version 2>/dev/null)\"; fi\n"
	"exit 0\n";

struct probe_ctx {
	const char *host;
	unsigned line;
	struct strbuf *err;
	int failed;
};

static int bad(struct probe_ctx *c, const char *what)
{
	if (!c->failed && c->line)
		strbuf_addf(c->err, "host '%s': probe line %u: %s", c->host, c->line, what);
	else if (!c->failed)
		strbuf_addf(c->err, "host '%s': %s", c->host, what);
	c->failed = 1;
	return -1;
}

/* A number of field `field` in range `r` (`scale` 1024 for kB), or a problem. */
static int number(struct probe_ctx *c, const char *text, const char *field,
		  const struct facts_range *r, unsigned scale, long long *out)
{
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	if (facts_read_number(text, field, r, scale, out, &why) < 0)
		ret = bad(c, why.buf);
	strbuf_release(&why);
	return ret;
}

static char *opt(const char *s)
{
	return *s ? xstrdup(s) : NULL;
}

/* A record sent twice: the last one counts (and the first is not leaked). */
static void set(char **field, const char *s)
{
	free(*field);
	*field = opt(s);
}

void probe_reader_init(struct probe_reader *r, const char *out, size_t len, size_t max_len,
		       int printable)
{
	r->p = out;
	r->end = out + len;
	r->line = 0;
	r->max_len = max_len;
	r->printable = printable;
}

static void split_tabs(const char *line, size_t len, struct strvec *out)
{
	const char *p = line, *end = line + len;

	for (;;) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		const char *stop = tab ? tab : end;
		char *f = xstrndup(p, (size_t)(stop - p));

		strvec_push(out, f);
		free(f);
		if (!tab)
			break;
		p = tab + 1;
	}
}

int probe_read_record(struct probe_reader *r, struct strvec *fields)
{
	strvec_clear(fields);
	while (r->p < r->end) {
		const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
		size_t l = (size_t)((nl ? nl : r->end) - r->p), n = l;
		char *line;

		r->line++;
		if (!l) {
			r->p++;
			continue;
		}
		if (memchr(r->p, '\0', l))
			return -1;
		if (n > r->max_len)
			n = r->max_len;
		line = xstrndup(r->p, n);
		for (size_t k = 0; r->printable && k < n; k++)
			if (line[k] != '\t' && ((unsigned char)line[k] < 0x20 ||
						(unsigned char)line[k] >= 0x7f))
				line[k] = '?';
		split_tabs(line, n, fields);
		free(line);
		r->p += l + (nl != NULL);
		return 1;
	}
	return 0;
}

static struct net_iface *find_iface(struct facts *f, const char *name)
{
	for (size_t i = 0; i < f->nr_ifaces; i++)
		if (!strcmp(f->ifaces[i].name, name))
			return &f->ifaces[i];
	return NULL;
}

#define GROW_ONE(arr, nr) ((arr) = xrealloc((arr), ((nr) + 1) * sizeof(*(arr))), \
			   memset(&(arr)[(nr)], 0, sizeof(*(arr))), &(arr)[(nr)++])

static int record(struct probe_ctx *c, struct facts *f, const struct strvec *v)
{
	const char *tag = v->v[0];
	size_t n = v->nr;
	struct strbuf field = STRBUF_INIT;
	long long u;
	int ret = 0;

	if (!strcmp(tag, "host") && n >= 2) {
		free(f->hostname);
		f->hostname = xstrdup(v->v[1]);
	} else if (!strcmp(tag, "machine_id") && n >= 2) {
		set(&f->machine_id, v->v[1]);
	} else if (!strcmp(tag, "os") && n >= 4) {
		set(&f->os_id, v->v[1]);
		set(&f->os_version, v->v[2]);
		set(&f->os_pretty, v->v[3]);
	} else if (!strcmp(tag, "kernel") && n >= 2) {
		set(&f->kernel, v->v[1]);
	} else if (!strcmp(tag, "arch") && n >= 2) {
		set(&f->arch, v->v[1]);
	} else if (!strcmp(tag, "cpus") && n >= 2) {
		ret = number(c, v->v[1], "cpus", &facts_range_cpus, 1, &u);
		f->cpus = ret ? 0 : (unsigned)u;
	} else if (!strcmp(tag, "mem") && n >= 2) {
		ret = number(c, v->v[1], "memory_bytes", &facts_range_memory, 1024, &u);
		f->memory_bytes = ret ? 0 : (unsigned long long)u;
	} else if (!strcmp(tag, "disk") && n >= 3) {
		long long free_bytes;

		ret = number(c, v->v[1], "disk.root_bytes", &facts_range_disk, 1, &u) < 0 ||
		      number(c, v->v[2], "disk.root_free_bytes", &facts_range_disk, 1, &free_bytes) < 0
		      ? -1 : 0;
		if (!ret) {
			f->disk_root_bytes = (unsigned long long)u;
			f->disk_root_free_bytes = (unsigned long long)free_bytes;
		}
	} else if (!strcmp(tag, "numa") && n >= 4) {
		size_t i = f->nr_numa;
		struct numa_node *nn;
		int count = cpulist_count(v->v[2]);

		if (i >= FACTS_MAX_NUMA_NODES) {
			strbuf_addf(&field, "'numa_nodes' lists more than %d nodes: kcfg accepts at most %d",
				    FACTS_MAX_NUMA_NODES, FACTS_MAX_NUMA_NODES);
			ret = bad(c, field.buf);
			goto out;
		}
		nn = GROW_ONE(f->numa, f->nr_numa);
		nn->cpulist = xstrdup(v->v[2]);
		strbuf_addf(&field, "numa_nodes[%zu].id", i);
		if (number(c, v->v[1], field.buf, &facts_range_numa_id, 1, &u) < 0) {
			ret = -1;
			goto out;
		}
		nn->id = (int)u;
		if (count < 0) {
			strbuf_reset(&field);
			facts_bad_cpulist(&field, i, v->v[2]);
			ret = bad(c, field.buf);
			goto out;
		}
		nn->cpus = (unsigned)count;
		strbuf_reset(&field);
		strbuf_addf(&field, "numa_nodes[%zu].memory_bytes", i);
		ret = number(c, v->v[3], field.buf, &facts_range_memory, 1024, &u);
		nn->memory_bytes = ret ? 0 : (unsigned long long)u;
	} else if (!strcmp(tag, "route") && n >= 4) {
		set(&f->default_iface, v->v[1]);
		set(&f->default_ipv4, v->v[2]);
		set(&f->default_gateway, v->v[3]);
	} else if (!strcmp(tag, "iface") && n >= 5) {
		struct net_iface *ni = GROW_ONE(f->ifaces, f->nr_ifaces);
		ni->name = xstrdup(v->v[1]);
		ni->mac = opt(v->v[2]);
		ni->up = !strcmp(v->v[4], "up") || !strcmp(v->v[4], "unknown");
		strbuf_addf(&field, "interfaces[%zu].mtu", f->nr_ifaces - 1);
		ret = number(c, v->v[3], field.buf, &facts_range_mtu, 1, &u);
		ni->mtu = ret ? 0 : (unsigned)u;
	} else if (!strcmp(tag, "addr") && n >= 3) {
		struct net_iface *ni = find_iface(f, v->v[1]);
		if (ni) {
			ni->addresses = xrealloc(ni->addresses, (ni->nr_addresses + 1) * sizeof(char *));
			ni->addresses[ni->nr_addresses++] = xstrdup(v->v[2]);
		}
	} else if (!strcmp(tag, "rdma") && n >= 5) {
		struct rdma_device *r = GROW_ONE(f->rdma, f->nr_rdma);
		r->name = xstrdup(v->v[1]);
		r->netdev = opt(v->v[2]);
		r->link_layer = opt(v->v[3]);
		r->state = opt(v->v[4]);
	} else if (!strcmp(tag, "gpu") && n >= 6) {
		struct gpu *g = GROW_ONE(f->gpus, f->nr_gpus);
		g->pci_address = xstrdup(v->v[1]);
		g->vendor_id = opt(v->v[2]);
		g->device_id = opt(v->v[3]);
		g->model = opt(v->v[5]);
		strbuf_addf(&field, "gpus[%zu].numa_node", f->nr_gpus - 1);
		ret = number(c, v->v[4], field.buf, &facts_range_gpu_numa, 1, &u);
		g->numa_node = ret ? -1 : (int)u;
	} else if (!strcmp(tag, "k0s") && n >= 2) {
		f->k0s_installed = 1;
		set(&f->k0s_version, v->v[1]);
	}
out:
	strbuf_release(&field);
	return ret;
}

int facts_from_probe(const char *out, size_t len, const char *host,
		     struct facts *f, struct strbuf *err)
{
	struct probe_ctx c = { host, 0, err, 0 };
	struct probe_reader rd;
	struct strvec fields = STRVEC_INIT;
	struct facts tmp;
	int got;

	memset(&tmp, 0, sizeof(tmp));
	probe_reader_init(&rd, out, len, (size_t)-1, 0);
	while (!c.failed && (got = probe_read_record(&rd, &fields)) != 0) {
		c.line = rd.line;
		if (got < 0)
			bad(&c, "it holds a NUL byte");
		else
			record(&c, &tmp, &fields);
	}
	strvec_clear(&fields);
	if (!c.failed && !tmp.hostname) {
		c.line = 0;
		bad(&c, "the probe printed no 'host' record: it did not run");
	}
	if (!c.failed && !tmp.cpus) {
		c.line = 0;
		bad(&c, "the probe printed no 'cpus' record");
	}
	if (!c.failed) {
		struct strbuf why = STRBUF_INIT;

		c.line = 0;
		if (facts_check_numa(&tmp, &why) < 0)
			bad(&c, why.buf);
		strbuf_release(&why);
	}
	if (!c.failed && !tmp.nr_numa) {
		/* kernels without NUMA support show no node directories: one node holds all */
		struct numa_node *nn = GROW_ONE(tmp.numa, tmp.nr_numa);
		nn->cpulist = tmp.cpus ? xstrfmt("0-%u", tmp.cpus - 1) : xstrdup("");
		nn->cpus = tmp.cpus;
		nn->memory_bytes = tmp.memory_bytes;
	}
	if (c.failed) {
		facts_release(&tmp);
		return -1;
	}
	*f = tmp;
	return 0;
}
