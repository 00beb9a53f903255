/*
 * The preflight probe: what is read on a host right before a run
 * (engine/preflight.h), and the parsers of what it prints. The lines of
 * `ss`, `k0s sysinfo` and `nvidia-smi -L` are the hosts' own text: they
 * are cut to PREFLIGHT_MAX_LINE, counted, and never go into a shell.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "engine/preflight.h"
#include "engine/probe.h"
#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define K0S "/usr/local/bin/k0s"

static const char script_body[] =
	"t=$(printf '\\t')\n"
	"rec() { _ifs=$IFS; IFS=$t; printf '%s\\n' \"$*\"; IFS=$_ifs; }\n"
	"lines() { tag=$1; shift; \"$@\" 2>&1 | head -n 200 | while IFS= read -r l; do rec \"$tag\" \"$l\"; done; }\n"
	"rec clock \"$(date +%s)\"\n"
	"rec uid \"$(id -u)\"\n"
	"if command -v ss >/dev/null 2>&1; then lines ss ss -Hltnp; else rec no_ss; fi\n"
	/* the nearest directory that exists: the data volume may not yet */
	"dfp() { q=$1; while [ ! -e \"$q\" ]; do q=${q%/*}; [ -n \"$q\" ] || q=/; done\n"
	"  o=$(df -P -B1 -- \"$q\" 2>/dev/null | sed -n 2p); set -- $o\n"
	"  [ $# -ge 4 ] && rec df \"$p\" \"$2\" \"$4\"; return 0; }\n"
	"for p in \"$@\"; do dfp \"$p\"; done\n"
	"if [ -x " K0S " ]; then rec k0s_version \"$(" K0S " version 2>/dev/null | head -n 1)\"; fi\n"
	"if [ \"$sysinfo\" != 0 ] && [ -x " K0S " ]; then\n"
	"  if [ \"$sysinfo\" = 2 ]; then o=$(" K0S " sysinfo --controller=false 2>&1); s=$?\n"
	"  else o=$(" K0S " sysinfo 2>&1); s=$?; fi\n"
	"  rec sysinfo_status $s; printf '%s\\n' \"$o\" | head -n 200 | while IFS= read -r l; do rec sysinfo \"$l\"; done\n"
	"fi\n"
	"if [ -r /proc/driver/nvidia/version ]; then IFS= read -r v </proc/driver/nvidia/version; rec nvidia_driver \"$v\"; fi\n"
	"if command -v nvidia-smi >/dev/null 2>&1; then\n"
	"  o=$(nvidia-smi -L 2>&1); s=$?; rec nvsmi_status $s\n"
	"  printf '%s\\n' \"$o\" | head -n 200 | while IFS= read -r l; do rec nvsmi \"$l\"; done\n"
	"fi\n"
	"if [ \"$modules\" = 1 ]; then for m in lnet lustre; do\n"
	"  if modinfo -F filename \"$m\" >/dev/null 2>&1; then rec module \"$m\" 1; else rec module \"$m\" 0; fi\n"
	"done; fi\n"
	"if [ \"$gpu\" = 1 ]; then\n"
	"  if [ -x " PREFLIGHT_NVIDIA_RUNTIME " ]; then rec nvidia_runtime 1; else rec nvidia_runtime 0; fi\n"
	/* the loaded modules: /proc/modules, or sysfs where a kernel has no such file */
	"  if [ -r /proc/modules ]; then rec modules_read\n"
	"    while read -r m _; do case $m in nvidia_peermem|gdrdrv) rec loaded \"$m\";; esac; done </proc/modules\n"
	"  elif [ -d /sys/module ]; then rec modules_read\n"
	"    for m in nvidia_peermem gdrdrv; do if [ -d /sys/module/$m ]; then rec loaded $m; fi; done\n"
	"  fi\n"
	"fi\n"
	"exit 0\n";

void preflight_script(const struct preflight_ask *ask, struct strbuf *out)
{
	strbuf_addstr(out, "LC_ALL=C; export LC_ALL\n");
	strbuf_addf(out, "sysinfo=%d; modules=%d; gpu=%d\n", ask->sysinfo, ask->modules ? 1 : 0,
		    ask->gpu ? 1 : 0);
	strbuf_addstr(out, "set --");
	for (size_t i = 0; i < ask->nr_paths; i++) {
		strbuf_addch(out, ' ');
		sq_quote(out, ask->paths[i]);
	}
	strbuf_addch(out, '\n');
	strbuf_addstr(out, script_body);
}

void preflight_probe_release(struct preflight_probe *p)
{
	for (size_t i = 0; i < p->nr_listen; i++)
		free(p->listen[i].process);
	free(p->listen);
	for (size_t i = 0; i < p->nr_df; i++)
		free(p->df[i].path);
	free(p->df);
	strvec_clear(&p->sysinfo);
	free(p->k0s_version);
	free(p->nvidia_driver);
	free(p->nvidia_line);
	strvec_clear(&p->nvsmi_gpus);
	strvec_clear(&p->nvsmi_other);
	memset(p, 0, sizeof(*p));
	strvec_init(&p->sysinfo);
	strvec_init(&p->nvsmi_gpus);
	strvec_init(&p->nvsmi_other);
	p->uid = -1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_space(int c) { return c == ' ' || c == '\t'; }

int preflight_nvsmi_line(const char *line, struct strbuf *model)
{
	const char *p = line, *gpu, *uuid;

	while (is_space(*p))
		p++;
	/* "MIG 1g.5gb Device 0: (UUID: MIG-...)", indented under its GPU or not */
	if (!strncmp(p, "MIG ", 4) && strstr(p, "Device"))
		return 0;
	if (strncmp(p, "GPU ", 4) || !is_digit(p[4]))
		return -1;
	gpu = p;
	p += 4;
	while (is_digit(*p))
		p++;
	if (*p != ':' || p[1] != ' ')
		return -1;
	uuid = strstr(p, " (UUID:");
	if (!uuid || uuid <= p + 2)
		return -1;
	strbuf_reset(model);
	strbuf_add(model, gpu, (size_t)(uuid - gpu));	/* "GPU 0: NVIDIA A100-SXM4-40GB" */
	return 1;
}

/* A version: digits, then one or more groups of '.' and digits. */
static int version_word(const char *s, size_t len)
{
	int dots = 0;

	if (!len || !is_digit(s[0]) || !is_digit(s[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
			dots++;
		} else if (!is_digit(s[i])) {
			return 0;
		}
	}
	return dots > 0;
}

int preflight_nvidia_version(const char *line, struct strbuf *version)
{
	/*
	 * "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.163.01  Tue ..."
	 * or "... Open Kernel Module for x86_64  570.86.15  Release Build ...":
	 * the first version-shaped word after "Module"
	 */
	const char *p = strstr(line, "Module");

	if (!p)
		return -1;
	while (*p) {
		size_t len;

		while (is_space(*p))
			p++;
		len = strcspn(p, " \t");
		if (version_word(p, len)) {
			strbuf_reset(version);
			strbuf_add(version, p, len);
			return 0;
		}
		p += len;
	}
	return -1;
}

int preflight_sysinfo_level(const char *line)
{
	size_t len = strlen(line);
	const char *open;

	while (len && is_space(line[len - 1]))
		len--;
	if (!len || line[len - 1] != ')') {
		/* "NAME: error" or "NAME: error: why" (k0s cmd/sysinfo's Error()) */
		return strstr(line, ": error") ? 2 : -1;
	}
	for (open = line + len - 1; open > line && *open != '('; open--)
		;
	if (*open != '(')
		return -1;
	if (!strncmp(open, "(pass)", 6))
		return 0;
	if (!strncmp(open, "(warning", 8))
		return 1;
	if (!strncmp(open, "(rejected", 9))
		return 2;
	return -1;
}

/* ---- the parser ---- */

struct pctx {
	const char *host;
	unsigned line;
	struct strbuf *err;
	int failed;
};

static void bad(struct pctx *c, const char *what)
{
	if (!c->failed)
		strbuf_addf(c->err, "host '%s': preflight line %u: %s", c->host, c->line, what);
	c->failed = 1;
}

static int number(struct pctx *c, const char *text, const char *field, long long min,
		  long long max, long long *out)
{
	static const char accepted[] = "a whole number in range";
	struct facts_range r = { min, max, accepted };
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	if (facts_read_number(text, field, &r, 1, out, &why) < 0) {
		bad(c, why.buf);
		ret = -1;
	}
	strbuf_release(&why);
	return ret;
}

#define GROW_ONE(arr, nr) ((arr) = xrealloc((arr), ((nr) + 1) * sizeof(*(arr))), \
			   memset(&(arr)[(nr)], 0, sizeof(*(arr))), &(arr)[(nr)++])

/* `ss -Hltnp`: STATE RECV-Q SEND-Q LOCAL:PORT PEER [users:(("NAME",pid=N,fd=N))] */
static void ss_line(struct preflight_probe *p, const char *line)
{
	struct strvec f = STRVEC_INIT;
	const char *s = line, *colon, *users;
	long long port = 0;

	while (*s) {
		const char *e;

		while (is_space(*s))
			s++;
		if (!*s)
			break;
		for (e = s; *e && !is_space(*e); e++)
			;
		char *w = xstrndup(s, (size_t)(e - s));
		strvec_push(&f, w);
		free(w);
		s = e;
	}
	if (f.nr >= 5 && (colon = strrchr(f.v[3], ':')) && colon[1] && strlen(colon + 1) <= 5) {
		for (const char *d = colon + 1; *d; d++)
			port = is_digit(*d) ? port * 10 + (*d - '0') : -1000000;
		if (port > 0 && port <= 65535 && p->nr_listen < PREFLIGHT_MAX_RECORDS) {
			struct preflight_listener *l = GROW_ONE(p->listen, p->nr_listen);

			l->port = (unsigned)port;
			users = strstr(line, "users:((\"");
			if (users) {
				const char *name = users + 9, *q = strchr(name, '"');

				if (q && q > name)
					l->process = xstrndup(name, (size_t)(q - name));
			}
		}
	}
	strvec_clear(&f);
}

static void record(struct pctx *c, struct preflight_probe *p, const struct strvec *v)
{
	const char *tag = v->v[0];
	size_t n = v->nr;
	struct strbuf s = STRBUF_INIT;
	long long u, avail;

	if (!strcmp(tag, "clock") && n >= 2) {
		if (!number(c, v->v[1], "clock", 0, 1LL << 40, &u)) {
			p->clock = u;
			p->have_clock = 1;
		}
	} else if (!strcmp(tag, "uid") && n >= 2) {
		if (!number(c, v->v[1], "uid", 0, 4294967295LL, &u))
			p->uid = u;
	} else if (!strcmp(tag, "ss") && n >= 2) {
		ss_line(p, v->v[1]);
	} else if (!strcmp(tag, "no_ss")) {
		p->no_ss = 1;
	} else if (!strcmp(tag, "df") && n >= 4) {
		if (p->nr_df < PREFLIGHT_MAX_RECORDS &&
		    !number(c, v->v[2], "df.size", 0, FACTS_MAX_DISK, &u) &&
		    !number(c, v->v[3], "df.avail", 0, FACTS_MAX_DISK, &avail)) {
			struct preflight_df *d = GROW_ONE(p->df, p->nr_df);

			d->path = xstrdup(v->v[1]);
			d->size = (unsigned long long)u;
			d->avail = (unsigned long long)avail;
		}
	} else if (!strcmp(tag, "k0s_version") && n >= 2) {
		/* a release name only ("v1.36.4+k0s.1"); anything else is not one */
		if (strlen(v->v[1]) <= 64 && v->v[1][0] == 'v' &&
		    strspn(v->v[1], "abcdefghijklmnopqrstuvwxyz0123456789.+-") == strlen(v->v[1])) {
			free(p->k0s_version);
			p->k0s_version = xstrdup(v->v[1]);
		}
	} else if (!strcmp(tag, "sysinfo_status") && n >= 2) {
		if (!number(c, v->v[1], "sysinfo_status", 0, 255, &u)) {
			p->sysinfo_ran = 1;
			p->sysinfo_status = (int)u;
		}
	} else if (!strcmp(tag, "sysinfo") && n >= 2) {
		if (preflight_sysinfo_level(v->v[1]) > 0 && p->sysinfo.nr < PREFLIGHT_MAX_RECORDS)
			strvec_push(&p->sysinfo, v->v[1]);
	} else if (!strcmp(tag, "nvidia_driver") && n >= 2) {
		free(p->nvidia_driver);
		free(p->nvidia_line);
		p->nvidia_driver = p->nvidia_line = NULL;
		if (preflight_nvidia_version(v->v[1], &s) == 0)
			p->nvidia_driver = strbuf_detach(&s, NULL);
		else
			p->nvidia_line = xstrdup(v->v[1]);
	} else if (!strcmp(tag, "nvsmi_status") && n >= 2) {
		if (!number(c, v->v[1], "nvsmi_status", 0, 255, &u)) {
			p->nvsmi_ran = 1;
			p->nvsmi_status = (int)u;
		}
	} else if (!strcmp(tag, "nvsmi") && n >= 2) {
		int kind = preflight_nvsmi_line(v->v[1], &s);

		if (kind == 1 && p->nvsmi_gpus.nr < PREFLIGHT_MAX_RECORDS)
			strvec_push(&p->nvsmi_gpus, s.buf);
		else if (kind < 0 && *v->v[1] && p->nvsmi_other.nr < PREFLIGHT_MAX_RECORDS)
			strvec_push(&p->nvsmi_other, v->v[1]);
	} else if (!strcmp(tag, "nvidia_runtime") && n >= 2) {
		if (!number(c, v->v[1], "nvidia_runtime", 0, 1, &u)) {
			p->gpu_asked = 1;
			p->nvidia_runtime = (int)u;
		}
	} else if (!strcmp(tag, "modules_read")) {
		p->modules_read = 1;
	} else if (!strcmp(tag, "loaded") && n >= 2) {
		/* only the names asked for count: anything else is ignored */
		if (!strcmp(v->v[1], "nvidia_peermem"))
			p->nvidia_peermem = 1;
		else if (!strcmp(v->v[1], "gdrdrv"))
			p->gdrdrv = 1;
	} else if (!strcmp(tag, "module") && n >= 3) {
		p->modules_asked = 1;
		if (!strcmp(v->v[1], "lnet"))
			p->lnet = !strcmp(v->v[2], "1");
		else if (!strcmp(v->v[1], "lustre"))
			p->lustre = !strcmp(v->v[2], "1");
	}
	strbuf_release(&s);
}

int preflight_from_probe(const char *out, size_t len, const char *host,
			 struct preflight_probe *p, struct strbuf *err)
{
	struct pctx c = { host, 0, err, 0 };
	struct probe_reader rd;
	struct strvec fields = STRVEC_INIT;
	struct preflight_probe tmp;
	int got;

	memset(&tmp, 0, sizeof(tmp));
	preflight_probe_release(&tmp);	/* the empty state */
	if (len > PREFLIGHT_MAX_OUTPUT) {
		strbuf_addf(err, "host '%s': the preflight output is larger than %u bytes", host,
			    PREFLIGHT_MAX_OUTPUT);
		return -1;
	}
	probe_reader_init(&rd, out, len, PREFLIGHT_MAX_LINE, 1);
	while (!c.failed && (got = probe_read_record(&rd, &fields)) != 0) {
		c.line = rd.line;
		if (got < 0)
			bad(&c, "it holds a NUL byte");
		else
			record(&c, &tmp, &fields);
	}
	strvec_clear(&fields);
	if (!c.failed && !tmp.have_clock) {
		c.line = 0;
		strbuf_addf(err, "host '%s': the preflight script printed no 'clock' record: it did "
			    "not run", host);
		c.failed = 1;
	}
	if (c.failed) {
		preflight_probe_release(&tmp);
		return -1;
	}
	*p = tmp;
	return 0;
}

const struct preflight_listener *preflight_listener(const struct preflight_probe *p,
						    unsigned port)
{
	for (size_t i = 0; i < p->nr_listen; i++)
		if (p->listen[i].port == port)
			return &p->listen[i];
	return NULL;
}

const struct preflight_df *preflight_df_of(const struct preflight_probe *p, const char *path)
{
	for (size_t i = 0; i < p->nr_df; i++)
		if (!strcmp(p->df[i].path, path))
			return &p->df[i];
	return NULL;
}
