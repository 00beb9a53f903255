/*
 * Observe: one batched sh script per host that reads the state of every
 * resource of that host (observe.h lists its records), and the parser
 * of its output. The script forks as little as it can: one stat and one
 * sha256sum over every path, one dpkg-query over every package, one
 * systemctl over every service; file contents travel only when they
 * differ from what kcfg wants.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "config/extras.h"
#include "engine/observe.h"
#include "engine/resource.h"
#include "transport/remote-fs.h"
#include "transport/shell.h"
#include "util/base64.h"
#include "util/xalloc.h"
#include "util/banned.h"

void observe_sha256_hex(const void *data, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

static int has_path(const struct resource *r)
{
	return r->kind == RES_FILE || r->kind == RES_DIR || r->kind == RES_ABSENT ||
	       r->kind == RES_BLOCK || r->kind == RES_UPLOAD;
}

/* The services' units, each once, in resource order. */
static void unique_units(const struct resource_list *rl, struct strvec *units)
{
	for (size_t i = 0; i < rl->nr; i++)
		if (rl->items[i].kind == RES_SERVICE && strvec_find(units, rl->items[i].unit) < 0)
			strvec_push(units, rl->items[i].unit);
}

/* A heredoc delimiter that is no line of `text`. */
static void heredoc_delim(const char *text, struct strbuf *delim)
{
	char hex[65];

	observe_sha256_hex(text, strlen(text), hex);
	strbuf_addf(delim, "KCFG_EOF_%.16s", hex);
	while (strstr(text, delim->buf))
		strbuf_addch(delim, 'X');
}

/* `sh -s` reading `text` from a heredoc: a guard's text never reaches argv. */
static void add_heredoc_sh(struct strbuf *s, const char *text)
{
	struct strbuf delim = STRBUF_INIT;
	size_t len = strlen(text);

	heredoc_delim(text, &delim);
	strbuf_addf(s, "sh -s >/dev/null 2>&1 <<'%s'\n%s%s%s\n", delim.buf, text,
		    len && text[len - 1] == '\n' ? "" : "\n", delim.buf);
	strbuf_release(&delim);
}

static int check_resource(const struct resource *r, struct strbuf *err)
{
	struct strbuf id = STRBUF_INIT;
	const char *why = NULL;

	if (has_path(r) && (!r->path || !extras_path_ok(r->path)))
		why = "its path must be absolute, without control characters, backslashes, "
		      "'.', '..' or '//'";
	else if (r->kind == RES_BLOCK && (!r->marker || !extras_marker_ok(r->marker)))
		why = "its marker must be letters, digits, '.', '_', ':' or '-'";
	else if (r->kind == RES_BLOCK && memchr(r->content.buf, '\0', r->content.len))
		why = "a block is text: it cannot hold a NUL byte";
	else if (r->kind == RES_BLOCK && extras_block_marker_line(r->content.buf, r->content.len,
								  NULL, NULL))
		why = "its content holds a marker line ('" EXTRAS_BLOCK_BEGIN "...' or '"
		      EXTRAS_BLOCK_END "...'), so the block would grow on every apply; "
		      "a component that makes such a block is a bug";
	else if (r->kind == RES_SERVICE && (!r->unit || !extras_unit_ok(r->unit)))
		why = "it needs a valid unit name";
	else if (r->kind == RES_COMMAND && (!r->command || !*r->command))
		why = "it has no command";
	else if (r->kind == RES_HANDLER && (!r->name || !r->command))
		why = "a handler needs a name and a command";
	else if ((r->owner && !extras_user_ok(r->owner)) || (r->group && !extras_user_ok(r->group)))
		why = "its owner or group is not a valid name";
	if (r->kind == RES_PACKAGES)
		for (size_t i = 0; i < r->packages.nr && !why; i++)
			if (!extras_package_ok(r->packages.v[i]))
				why = "it names an invalid package";
	if (!why)
		return 0;
	resource_describe(r, &id);
	strbuf_addf(err, "cannot manage '%s' (from component '%s'): %s", id.buf,
		    r->component, why);
	strbuf_release(&id);
	return -1;
}

/*
 * X: the directories on the way to managed paths that anyone but root
 * could change (or that are links): below them a name may be swapped for
 * a link at any moment, so those paths are read the careful way
 * (transport/remote-fs.h: `enter`, then relative names, never following a
 * link). Below directories only root can change, one stat, sha256sum and
 * awk over all paths stay safe. lo PATH: PATH is below such a directory.
 */
static void add_loose(const struct resource_list *rl, struct strbuf *s)
{
	struct strvec dirs = STRVEC_INIT;
	struct strbuf dir = STRBUF_INIT;

	for (size_t i = 0; i < rl->nr; i++) {
		const char *p = rl->items[i].path, *slash;

		if (!has_path(&rl->items[i]))
			continue;
		for (slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
			strbuf_reset(&dir);
			strbuf_add(&dir, p, (size_t)(slash - p));
			if (strvec_find(&dirs, dir.buf) < 0)
				strvec_push(&dirs, dir.buf);
		}
	}
	strbuf_addstr(s, "X=\n");
	if (dirs.nr) {
		strbuf_addstr(s, "X=$(stat -c '%u %f %n' --");
		for (size_t i = 0; i < dirs.nr; i++) {
			strbuf_addch(s, ' ');
			sq_quote(s, dirs.v[i]);
		}
		/* root's, a directory, no write for group or others: 0170022 of the mode */
		strbuf_addstr(s, " 2>/dev/null | while IFS= read -r l; do\n"
			"\tu=${l%% *}; r=${l#* }; f=${r%% *}; p=${r#* }\n"
			"\t[ \"$u\" = 0 ] && [ $((0x$f & 0170022)) = 16384 ] || printf '%s\\n' \"$p\"\n"
			"done)\n");
	}
	strbuf_addstr(s,
		"lo() { [ -n \"$X\" ] || return 1; _q=$1\n"
		"\twhile _q=${_q%/*}; [ -n \"$_q\" ]; do\n"
		"\t\tcase \"\n$X\n\" in *\"\n$_q\n\"*) return 0 ;; esac\n"
		"\tdone; return 1; }\n");
	strvec_clear(&dirs);
	strbuf_release(&dir);
}

/* ` PATH`, or ` PATH DIR NAME` for the careful functions. */
static void add_path_args(struct strbuf *s, const char *path, int dir_name)
{
	strbuf_addch(s, ' ');
	sq_quote(s, path);
	if (dir_name)
		remote_fs_add_dir_name(s, path);
}

/*
 * Where `path` is read: below a directory others can change, by the
 * careful function `fn` (PATH DIR NAME, then `extra`); else onto the
 * argument list of the one batched command (only when it is a regular
 * file, not a link, with `regular`).
 */
static void add_path_split(struct strbuf *s, const char *path, const char *fn,
			   const char *extra, int regular)
{
	strbuf_addstr(s, "if lo");
	add_path_args(s, path, 0);
	strbuf_addf(s, "; then %s", fn);
	add_path_args(s, path, 1);
	strbuf_addstr(s, extra);
	if (regular) {
		strbuf_addstr(s, "; elif [ -f");
		add_path_args(s, path, 0);
		strbuf_addstr(s, " ] && [ ! -h");
		add_path_args(s, path, 0);
		strbuf_addstr(s, " ]; then set -- \"$@\"");
	} else {
		strbuf_addstr(s, "; else set -- \"$@\"");
	}
	add_path_args(s, path, 0);
	strbuf_addstr(s, "; fi\n");
}

static void add_stat(const struct resource_list *rl, struct strbuf *s)
{
	struct strvec paths = STRVEC_INIT;

	for (size_t i = 0; i < rl->nr; i++)
		if (has_path(&rl->items[i]) && strvec_find(&paths, rl->items[i].path) < 0)
			strvec_push(&paths, rl->items[i].path);
	if (!paths.nr) {
		strvec_clear(&paths);
		return;
	}
	strbuf_addstr(s,
		"pl() { enter \"$2\" 0 2>/dev/null || return 0\n"
		"\t_s=$(stat --printf='P\\t%F\\t%a\\t%U\\t%G\\t%s\\t' -- \"./$3\" 2>/dev/null) &&\n"
		"\tprintf '%s%s\\n' \"$_s\" \"$1\"; }\n"
		"set --\n");
	for (size_t i = 0; i < paths.nr; i++)
		add_path_split(s, paths.v[i], "pl", "", 0);
	strbuf_addstr(s, "[ $# -eq 0 ] || "
		"stat --printf='P\\t%F\\t%a\\t%U\\t%G\\t%s\\t%n\\n' -- \"$@\" 2>/dev/null\n");
	strvec_clear(&paths);
}

/*
 * sha256sum over the regular files among file and upload paths, and the
 * content of those that differ (not secret, at most OBSERVE_CONTENT_FILES
 * of them, each cut at OBSERVE_CONTENT_MAX). A link is never followed:
 * its P record says what it is.
 */
static void add_hashes(const struct resource_list *rl, struct strbuf *s)
{
	struct strvec paths = STRVEC_INIT;
	struct strbuf cases = STRBUF_INIT, want = STRBUF_INIT;

	strbuf_addf(s,
		"hl() { enter \"$2\" 0 2>/dev/null && [ -f \"./$3\" ] && [ ! -h \"./$3\" ] || return 0\n"
		"\t_h=$(rd \"$3\" | sha256sum) || return 0; _h=${_h%%%% *}\n"
		"\tprintf 'H\\t%%s\\t%%s\\n' \"$_h\" \"$1\"\n"
		"\t[ -n \"$4\" ] && [ \"$_h\" != \"$4\" ] || return 0\n"
		"\tprintf 'C\\t'; rd \"$3\" | head -c %u | base64 -w0; printf '\\t%%s\\n' \"$1\"; }\n"
		"set --\n", OBSERVE_CONTENT_MAX);
	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *r = &rl->items[i];
		char hex[65] = "";

		if ((r->kind != RES_FILE && r->kind != RES_UPLOAD) || strvec_find(&paths, r->path) >= 0)
			continue;
		strvec_push(&paths, r->path);
		if (r->kind == RES_FILE && !r->secret && !r->needs) {
			observe_sha256_hex(r->content.buf, r->content.len, hex);
			sq_quote(&cases, r->path);
			strbuf_addf(&cases, ") W=%s;;\n", hex);
		}
		strbuf_reset(&want);
		strbuf_addf(&want, " '%s'", hex);
		add_path_split(s, r->path, "hl", want.buf, 1);
	}
	if (paths.nr) {
		strbuf_addf(s, "w() { case $1 in\n%s*) W=;; esac; }\n", cases.buf);
		strbuf_addf(s,
			"[ $# -eq 0 ] || sha256sum -- \"$@\" 2>/dev/null | { n=0\n"
			"while IFS= read -r l; do\n"
			"\th=${l%%%%\" \"*}; p=${l#*\" \"?}\n"
			"\tprintf 'H\\t%%s\\t%%s\\n' \"$h\" \"$p\"\n"
			"\tw \"$p\"\n"
			"\t[ -n \"$W\" ] && [ \"$h\" != \"$W\" ] && [ $n -lt %d ] || continue\n"
			"\tn=$((n + 1))\n"
			"\tprintf 'C\\t'; head -c %u -- \"$p\" | base64 -w0; printf '\\t%%s\\n' \"$p\"\n"
			"done; }\n", OBSERVE_CONTENT_FILES, OBSERVE_CONTENT_MAX);
	}
	strvec_clear(&paths);
	strbuf_release(&cases);
	strbuf_release(&want);
}

/*
 * One awk over every file that holds blocks: for each block, its lines
 * between the markers (L) and whether both markers were found (B, only
 * when they were). The blocks are passed as "IDX<tab>MARKER<tab>PATH"
 * lines (awk reads the escapes; paths and markers hold no backslash). A
 * file below a directory others can change is read alone, through `rd`,
 * its path in F.
 */
static void add_blocks(const struct resource_list *rl, struct strbuf *s)
{
	struct strvec files = STRVEC_INIT;
	struct strbuf spec = STRBUF_INIT, arg = STRBUF_INIT;

	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *r = &rl->items[i];

		if (r->kind != RES_BLOCK)
			continue;
		strbuf_addf(&spec, "%s%zu\\t%s\\t%s", spec.len ? "\\n" : "", i, r->marker,
			    r->path);
		if (strvec_find(&files, r->path) < 0)
			strvec_push(&files, r->path);
	}
	if (files.nr) {
		strbuf_addf(&arg, "s=%s", spec.buf);
		strbuf_addstr(s, "BS=");
		sq_quote(s, arg.buf);
		strbuf_addstr(s, "\nBA='"
			"BEGIN { n = split(s, L, \"\\n\"); for (k = 1; k <= n; k++) { split(L[k], f, \"\\t\"); "
			"id[k] = f[1]; b[k] = \"# BEGIN kcfg \" f[2]; e[k] = \"# END kcfg \" f[2]; fn[k] = f[3] } } "
			"{ g = F != \"\" ? F : FILENAME; for (k = 1; k <= n; k++) { if (fn[k] != g) continue; "
			"if (on[k]) { if ($0 == e[k]) { on[k] = 0; ok[k] = 1 } else print \"L\\t\" id[k] \"\\t\" $0 } "
			"else if (!ok[k] && !st[k] && $0 == b[k]) { on[k] = 1; st[k] = 1 } } } "
			"END { for (k = 1; k <= n; k++) if (ok[k]) print \"B\\t\" id[k] \"\\t1\" }'\n"
			"bl() { enter \"$2\" 0 2>/dev/null && [ -f \"./$3\" ] && [ ! -h \"./$3\" ] || return 0\n"
			"\trd \"$3\" | awk -v \"$BS\" -v \"F=$1\" \"$BA\"; }\n"
			"set --\n");
		for (size_t i = 0; i < files.nr; i++)
			add_path_split(s, files.v[i], "bl", "", 1);
		strbuf_addstr(s, "[ $# -eq 0 ] || awk -v \"$BS\" -v F= \"$BA\" \"$@\" 2>/dev/null </dev/null\n");
	}
	strvec_clear(&files);
	strbuf_release(&spec);
	strbuf_release(&arg);
}

static void add_packages(const struct resource_list *rl, struct strbuf *s)
{
	struct strvec names = STRVEC_INIT;

	for (size_t i = 0; i < rl->nr; i++)
		if (rl->items[i].kind == RES_PACKAGES)
			for (size_t k = 0; k < rl->items[i].packages.nr; k++)
				if (strvec_find(&names, rl->items[i].packages.v[k]) < 0)
					strvec_push(&names, rl->items[i].packages.v[k]);
	if (names.nr) {
		strbuf_addstr(s, "dpkg-query -W -f='K\\t${db:Status-Abbrev}\\t${Package}\\n'");
		for (size_t i = 0; i < names.nr; i++)
			strbuf_addf(s, " %s", names.v[i]);	/* checked: [a-z0-9+.-] */
		strbuf_addstr(s, " 2>/dev/null\n");
	}
	strvec_clear(&names);
}

static void add_services(const struct resource_list *rl, struct strbuf *s)
{
	struct strvec units = STRVEC_INIT;

	unique_units(rl, &units);
	if (units.nr) {
		strbuf_addstr(s, "systemctl show --property=LoadState,UnitFileState,ActiveState --");
		for (size_t i = 0; i < units.nr; i++) {
			strbuf_addch(s, ' ');
			sq_quote(s, units.v[i]);
		}
		strbuf_addstr(s,
			" 2>/dev/null | { k=0; L=; F=; A=; x=\n"
			"o() { [ -z \"$x\" ] || printf 'S\\t%s\\t%s\\t%s\\t%s\\n' $k \"$L\" \"$F\" \"$A\"; "
			"[ -z \"$x\" ] || k=$((k + 1)); L=; F=; A=; x=; }\n"
			"while IFS= read -r l; do case $l in\n"
			"LoadState=*) L=${l#*=}; x=1;; UnitFileState=*) F=${l#*=}; x=1;;\n"
			"ActiveState=*) A=${l#*=}; x=1;; '') o;; esac; done; o; }\n");
	}
	strvec_clear(&units);
}

static void add_commands(const struct resource_list *rl, struct strbuf *s)
{
	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *r = &rl->items[i];

		if (r->kind != RES_COMMAND || (!r->creates && !r->unless))
			continue;
		strbuf_addstr(s, "c=-; u=-\n");
		if (r->creates) {
			strbuf_addstr(s, "if [ -e ");
			sq_quote(s, r->creates);
			strbuf_addstr(s, " ]; then c=1; else c=0; fi\n");
		}
		if (r->unless) {
			strbuf_addstr(s, "if [ \"$c\" != 1 ]; then\n");
			add_heredoc_sh(s, r->unless);
			strbuf_addstr(s, "u=$?; fi\n");
		}
		strbuf_addf(s, "printf 'X\\t%zu\\t%%s\\t%%s\\n' \"$c\" \"$u\"\n", i);
	}
}

int observe_script(const struct resource_list *rl, struct strbuf *script, struct strbuf *err)
{
	for (size_t i = 0; i < rl->nr; i++)
		if (check_resource(&rl->items[i], err) < 0)
			return -1;
	strbuf_addstr(script,
		"LC_ALL=C; export LC_ALL\n"
		"cd / || exit 1\n"
		"echo 'kcfg-observe 1'\n");
	strbuf_addstr(script, remote_fs_read_functions);
	add_loose(rl, script);
	add_stat(rl, script);
	add_hashes(rl, script);
	add_blocks(rl, script);
	/* guards run from /, as they always did */
	strbuf_addstr(script, "cd / && D=\n");
	add_packages(rl, script);
	add_services(rl, script);
	add_commands(rl, script);
	strbuf_addstr(script,
		"P=" OBSERVE_PENDING_FILE "\n"
		"[ ! -f \"$P\" ] || while IFS= read -r l; do [ -z \"$l\" ] || printf 'N\\t%s\\n' \"$l\"; done < \"$P\"\n"
		"echo end\n");
	return 0;
}

/* ---- parsing ---- */

struct key_idx {
	const char *key;
	size_t idx;
	size_t sub;	/* packages: the package's position in the resource */
};

static int cmp_key(const void *a, const void *b)
{
	const struct key_idx *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct parser {
	const struct resource_list *rl;
	struct observed *obs;
	struct key_idx *paths, *pkgs;
	size_t nr_paths, nr_pkgs;
	struct strvec units;
	unsigned line;
	struct strbuf *err;
};

/* The first entry for `key` in a sorted index, or NULL. */
static const struct key_idx *find_first(const struct key_idx *ix, size_t nr, const char *key)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nr && !strcmp(ix[lo].key, key) ? &ix[lo] : NULL;
}

static int fail(struct parser *p, const char *what)
{
	strbuf_addf(p->err, "observe output line %u: %s", p->line, what);
	return -1;
}

/* Splits `line` at tabs into at most `max` fields; the last takes the rest. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = line;
	while (n < max) {
		char *tab = strchr(f[n - 1], '\t');
		if (!tab)
			break;
		*tab = '\0';
		f[n++] = tab + 1;
	}
	return n;
}

static int parse_size(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || strlen(s) > 20)
		return -1;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9' || v > max / 10 || (v == max / 10 && d > max % 10))
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_index(struct parser *p, const char *s, enum resource_kind kind, size_t *out)
{
	uint64_t v;

	if (parse_size(s, SIZE_MAX, &v) < 0 || v >= p->rl->nr || p->rl->items[v].kind != kind)
		return fail(p, "bad resource index");
	*out = (size_t)v;
	return 0;
}

/* A printable word of at most 64 bytes (user and group names, states). */
static int word_ok(const char *s, int empty_ok)
{
	size_t len = strlen(s);

	if ((!len && !empty_ok) || len > 64)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

static enum obs_type type_of(const char *s)
{
	if (!strcmp(s, "regular file") || !strcmp(s, "regular empty file"))
		return OBS_FILE;
	if (!strcmp(s, "directory"))
		return OBS_DIR;
	if (!strcmp(s, "symbolic link"))
		return OBS_LINK;
	return OBS_OTHER;
}

static int rec_stat(struct parser *p, char **f, size_t n)
{
	const struct key_idx *k;
	unsigned mode = 0;
	uint64_t size;

	if (n != 7 || !word_ok(f[3], 0) || !word_ok(f[4], 0) || !f[1][0] ||
	    parse_size(f[5], UINT64_MAX, &size) < 0 || !f[2][0] || strlen(f[2]) > 5)
		return fail(p, "bad P record");
	for (const char *c = f[2]; *c; c++) {
		if (*c < '0' || *c > '7')
			return fail(p, "bad mode in P record");
		mode = mode * 8 + (unsigned)(*c - '0');
	}
	k = find_first(p->paths, p->nr_paths, f[6]);
	for (; k && k < p->paths + p->nr_paths && !strcmp(k->key, f[6]); k++) {
		struct obs_item *it = &p->obs->items[k->idx];
		it->st.type = type_of(f[1]);
		it->st.mode = mode & 07777;
		free(it->st.owner);
		free(it->st.group);
		it->st.owner = xstrdup(f[3]);
		it->st.group = xstrdup(f[4]);
		it->st.size = size;
		it->seen = 1;
	}
	return 0;
}

static int hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int rec_hash(struct parser *p, char **f, size_t n)
{
	const struct key_idx *k;

	if (n != 3 || !hex64(f[1]))
		return fail(p, "bad H record");
	k = find_first(p->paths, p->nr_paths, f[2]);
	for (; k && k < p->paths + p->nr_paths && !strcmp(k->key, f[2]); k++)
		memcpy(p->obs->items[k->idx].st.sha, f[1], 65);
	return 0;
}

static int rec_content(struct parser *p, char **f, size_t n)
{
	const struct key_idx *k;
	struct strbuf text = STRBUF_INIT;

	if (n != 3 || base64_decode(f[1], strlen(f[1]), &text, OBSERVE_CONTENT_MAX) < 0) {
		strbuf_release(&text);
		return fail(p, "bad C record");
	}
	k = find_first(p->paths, p->nr_paths, f[2]);
	for (; k && k < p->paths + p->nr_paths && !strcmp(k->key, f[2]); k++) {
		const struct resource *r = &p->rl->items[k->idx];
		struct obs_item *it = &p->obs->items[k->idx];

		if (r->kind != RES_FILE || r->secret)
			continue;	/* never keep what kcfg did not ask for */
		strbuf_reset(&it->content);
		strbuf_addbuf(&it->content, &text);
		it->have_content = 1;
	}
	strbuf_release(&text);
	return 0;
}

static int rec_block(struct parser *p, char **f, size_t n)
{
	size_t i;

	if (n != 3 || parse_index(p, f[1], RES_BLOCK, &i) < 0)
		return n != 3 ? fail(p, "bad B record") : -1;
	if (strcmp(f[2], "0") && strcmp(f[2], "1"))
		return fail(p, "bad B record");
	p->obs->items[i].block_found = f[2][0] == '1';
	return 0;
}

static int rec_line(struct parser *p, char **f, size_t n)
{
	struct obs_item *it;
	size_t i;

	if (n != 3)
		return fail(p, "bad L record");
	if (parse_index(p, f[1], RES_BLOCK, &i) < 0)
		return -1;
	it = &p->obs->items[i];
	if (it->block_too_large)
		return 0;
	if (strbuf_add_capped(&it->block, f[2], strlen(f[2]), OBSERVE_BLOCK_MAX) < 0 ||
	    strbuf_add_capped(&it->block, "\n", 1, OBSERVE_BLOCK_MAX) < 0)
		it->block_too_large = 1;
	return 0;
}

static int rec_package(struct parser *p, char **f, size_t n)
{
	const struct key_idx *k;
	int state;

	if (n != 3 || strlen(f[1]) < 2 || strlen(f[1]) > 3 || !f[2][0])
		return fail(p, "bad K record");
	/* dpkg's status letter: installed, or triggers pending / awaited */
	state = strchr("iWt", f[1][1]) ? 1 : strchr("nc", f[1][1]) ? 0 : 2;
	k = find_first(p->pkgs, p->nr_pkgs, f[2]);
	for (; k && k < p->pkgs + p->nr_pkgs && !strcmp(k->key, f[2]); k++) {
		unsigned char *pp = &p->obs->items[k->idx].pkg_present[k->sub];
		/* multi-arch packages answer once per architecture: the best wins */
		if (*pp != 1)
			*pp = (unsigned char)(state == 1 ? 1 : state == 2 ? 2 : *pp);
		p->obs->items[k->idx].seen = 1;
	}
	return 0;
}

static int rec_service(struct parser *p, char **f, size_t n)
{
	uint64_t k;

	if (n != 5 || parse_size(f[1], SIZE_MAX, &k) < 0 || k >= p->units.nr ||
	    !word_ok(f[2], 1) || !word_ok(f[3], 1) || !word_ok(f[4], 1))
		return fail(p, "bad S record");
	for (size_t i = 0; i < p->rl->nr; i++) {
		const struct resource *r = &p->rl->items[i];
		struct obs_item *it = &p->obs->items[i];

		if (r->kind != RES_SERVICE || strcmp(r->unit, p->units.v[k]))
			continue;
		free(it->load);
		free(it->unit_file);
		free(it->active);
		it->load = xstrdup(f[2]);
		it->unit_file = xstrdup(f[3]);
		it->active = xstrdup(f[4]);
		it->seen = 1;
	}
	return 0;
}

static int guard_value(const char *s, int max, int *out)
{
	uint64_t v;

	if (!strcmp(s, "-")) {
		*out = -1;
		return 0;
	}
	if (parse_size(s, (uint64_t)max, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int rec_command(struct parser *p, char **f, size_t n)
{
	struct obs_item *it;
	size_t i;

	if (n != 4)
		return fail(p, "bad X record");
	if (parse_index(p, f[1], RES_COMMAND, &i) < 0)
		return -1;
	it = &p->obs->items[i];
	if (guard_value(f[2], 1, &it->creates) < 0 || guard_value(f[3], 255, &it->unless) < 0)
		return fail(p, "bad X record");
	it->seen = 1;
	return 0;
}

static int rec_pending(struct parser *p, char **f, size_t n)
{
	size_t len = n == 2 ? strlen(f[1]) : 0;

	if (n != 2 || !len || len > 256)
		return fail(p, "bad N record");
	for (const char *c = f[1]; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return fail(p, "bad N record");
	if (strvec_find(&p->obs->pending, f[1]) < 0 && p->obs->pending.nr < 1000)
		strvec_push(&p->obs->pending, f[1]);
	return 0;
}

static void build_indexes(struct parser *p)
{
	const struct resource_list *rl = p->rl;
	size_t np = 0, nk = 0;

	for (size_t i = 0; i < rl->nr; i++) {
		np += has_path(&rl->items[i]);
		if (rl->items[i].kind == RES_PACKAGES)
			nk += rl->items[i].packages.nr;
	}
	p->paths = xcalloc(np ? np : 1, sizeof(*p->paths));
	p->pkgs = xcalloc(nk ? nk : 1, sizeof(*p->pkgs));
	for (size_t i = 0; i < rl->nr; i++) {
		const struct resource *r = &rl->items[i];

		if (has_path(r))
			p->paths[p->nr_paths++] = (struct key_idx){ r->path, i, 0 };
		if (r->kind == RES_PACKAGES)
			for (size_t k = 0; k < r->packages.nr; k++)
				p->pkgs[p->nr_pkgs++] = (struct key_idx){ r->packages.v[k], i, k };
	}
	qsort(p->paths, p->nr_paths, sizeof(*p->paths), cmp_key);
	qsort(p->pkgs, p->nr_pkgs, sizeof(*p->pkgs), cmp_key);
	unique_units(rl, &p->units);
}

static void items_init(struct observed *obs, const struct resource_list *rl)
{
	obs->nr = rl->nr;
	obs->items = xcalloc(rl->nr ? rl->nr : 1, sizeof(*obs->items));
	strvec_init(&obs->pending);
	for (size_t i = 0; i < rl->nr; i++) {
		struct obs_item *it = &obs->items[i];

		strbuf_init(&it->content, 0);
		strbuf_init(&it->block, 0);
		it->creates = it->unless = -1;
		if (rl->items[i].kind == RES_PACKAGES)
			it->pkg_present = xcalloc(rl->items[i].packages.nr + 1, 1);
	}
}

/* Each record's tag, its number of fields (the last takes the rest of the line). */
static const struct {
	const char *tag;
	size_t fields;
	int (*fn)(struct parser *p, char **f, size_t n);
} records[] = {
	{ "P", 7, rec_stat },
	{ "H", 3, rec_hash },
	{ "C", 3, rec_content },
	{ "B", 3, rec_block },
	{ "L", 3, rec_line },
	{ "K", 3, rec_package },
	{ "S", 5, rec_service },
	{ "X", 4, rec_command },
	{ "N", 2, rec_pending },
};

static int parse_record(struct parser *p, char *line)
{
	size_t taglen = strcspn(line, "\t");
	char *f[8];

	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
		if (strlen(records[i].tag) == taglen && !strncmp(line, records[i].tag, taglen))
			return records[i].fn(p, f, split(line, f, records[i].fields));
	return fail(p, "unknown record");
}

int observe_parse(const struct resource_list *rl, const char *out, size_t len,
		  struct observed *obs, struct strbuf *err)
{
	struct parser p;
	struct observed o;
	struct strbuf line = STRBUF_INIT;
	size_t pos = 0;
	int ret = -1, ended = 0;

	memset(&p, 0, sizeof(p));
	memset(&o, 0, sizeof(o));
	p.rl = rl;
	p.obs = &o;
	p.err = err;
	strvec_init(&p.units);
	items_init(&o, rl);
	build_indexes(&p);
	if (len > OBSERVE_MAX_OUTPUT) {
		strbuf_addf(err, "observe output is larger than %u MiB", OBSERVE_MAX_OUTPUT >> 20);
		goto out;
	}
	while (pos < len) {
		const char *nl = memchr(out + pos, '\n', len - pos);

		p.line++;
		if (!nl) {
			fail(&p, "output ends in the middle of a line");
			goto out;
		}
		strbuf_reset(&line);
		strbuf_add(&line, out + pos, (size_t)(nl - (out + pos)));
		pos = (size_t)(nl - out) + 1;
		if (strlen(line.buf) != line.len) {
			fail(&p, "NUL byte in a record");
			goto out;
		}
		if (p.line == 1) {
			if (strcmp(line.buf, "kcfg-observe 1")) {
				fail(&p, "not kcfg observe output");
				goto out;
			}
			continue;
		}
		if (ended) {
			fail(&p, "output after the end record");
			goto out;
		}
		if (!strcmp(line.buf, "end")) {
			ended = 1;
			continue;
		}
		if (parse_record(&p, line.buf) < 0)
			goto out;
	}
	if (!ended) {
		p.line++;
		fail(&p, p.line == 1 ? "no output" : "output ends before the end record");
		goto out;
	}
	/* a block whose markers were not both found has no text */
	for (size_t i = 0; i < o.nr; i++)
		if (rl->items[i].kind == RES_BLOCK && !o.items[i].block_found) {
			strbuf_reset(&o.items[i].block);
			o.items[i].block_too_large = 0;
		}
	observed_release(obs);
	*obs = o;
	ret = 0;
out:
	if (ret < 0)
		observed_release(&o);
	strbuf_release(&line);
	free(p.paths);
	free(p.pkgs);
	strvec_clear(&p.units);
	return ret;
}

void observed_release(struct observed *obs)
{
	for (size_t i = 0; i < obs->nr; i++) {
		struct obs_item *it = &obs->items[i];

		free(it->st.owner);
		free(it->st.group);
		strbuf_release(&it->content);
		strbuf_release(&it->block);
		free(it->pkg_present);
		free(it->load);
		free(it->unit_file);
		free(it->active);
	}
	free(obs->items);
	if (obs->pending.v)
		strvec_clear(&obs->pending);
	memset(obs, 0, sizeof(*obs));
}
