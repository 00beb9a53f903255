/*
 * Apply: the sh scripts that make a host's planned changes (apply.h
 * says what they guarantee), and the reader of their reports.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/apply.h"
#include "engine/diff.h"
#include "engine/observe.h"
#include "engine/resource.h"
#include "transport/remote-fs.h"
#include "transport/shell.h"
#include "transport/upload.h"
#include "util/base64.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define REPORT_MAX_MESSAGE 2000

/*
 * What every script starts with, after remote_fs's functions (they make
 * files without following links a user planted; remote-fs.h). K names
 * the temporary file being written, relative to the current directory,
 * so that a signal (the step's time limit, a stop) removes it. The
 * functions use shell builtins where they can: a fork costs about a
 * millisecond, and a host's apply makes hundreds of changes.
 */
static const char prelude[] =
	"set -u\n"
	"umask 022\n"
	"cd / || exit 1\n"
	"LC_ALL=C; export LC_ALL\n"
	/* inside the session's private directory when there is one: gone with it */
	"case $0 in */kcfg.*/s) B=${0%/*} ;; *) B=${TMPDIR:-/tmp} ;; esac\n"
	"W=$(mktemp -d \"$B/kcfg-apply.XXXXXX\") || exit 1\n"
	"trap 'rm -rf \"$W\"; [ -z \"$K\" ] || rm -f -- \"./$K\"' EXIT\n"
	"trap 'exit 129' HUP\n"
	"trap 'exit 130' INT\n"
	"trap 'exit 143' TERM\n"
	"trap 'exit 141' PIPE\n"
	"P=" OBSERVE_PENDING_FILE "\n"
	"ok() { printf 'R\\t%s\\tdone\\n' \"$1\"; }\n"
	"sk() { printf 'R\\t%s\\tskip\\n' \"$1\"; }\n"
	"no() { m=$(tail -n 3 \"$W/e\" 2>/dev/null | tr '\\t\\n' '  ')\n"
	"\tprintf 'R\\t%s\\tfail\\texit status %s%s%s\\n' \"$1\" \"$2\" \"${m:+: }\" \"$m\"; exit 1; }\n"
	"ns() { printf 'R\\t%s\\tfail\\texit status %s (output not shown: it may hold secrets)\\n' "
	"\"$1\" \"$2\"; exit 1; }\n"
	"nt() { { [ -d \"${P%/*}\" ] || mkdir -p \"${P%/*}\"; } && printf '%s\\n' \"$1\" >> \"$P\"; }\n"
	/* hm: commands run from / (and the next write walks to its directory again) */
	"hm() { cd / && D=; }\n"
	/* wf DIR NAME UMASK MODE OWNER BACKUP LINKS TEXT: a file holding TEXT */
	"wf() { enter \"$1\" 1 && ck \"$2\" \"$7\" && op \"$2\" \"$3\" || return 1\n"
	"\tprintf '%s' \"$8\" >&3 && fin \"$2\" \"$4\" \"$5\" \"$6\" || ab; }\n"
	/* wfb DIR NAME UMASK MODE OWNER BACKUP LINKS: the same, base64 content on stdin (NUL bytes) */
	"wfb() { enter \"$1\" 1 && ck \"$2\" \"$7\" && op \"$2\" \"$3\" || return 1\n"
	"\tbase64 -d >&3 && fin \"$2\" \"$4\" \"$5\" \"$6\" || ab; }\n"
	/* wa DIR NAME UMASK MODE OWNER: a regular file's mode and owner, set on a copy */
	"wa() { en \"$1\" && cw \"$2\" \"$3\" \"$4\" \"$5\"; }\n"
	/* wb DIR NAME BEGIN END BACKUP LINKS UMASK TEXT: the block between the markers
	 * is TEXT; the file keeps its owner and mode (read, like its text, without
	 * following a link), a new one is root's with the mode UMASK gives */
	"AB='function put(  l) { print b; while ((getline l < nf) > 0) print l; close(nf); print e }\n"
	"s { if ($0 == e) { s = 0; n = 0 } else q[++n] = $0; next }\n"
	"$0 == b && !d { put(); d = 1; s = 1; next }\n"
	"{ print }\n"
	"END { if (s) for (i = 1; i <= n; i++) print q[i]; if (!d) put() }'\n"
	"wb() { enter \"$1\" 1 && ck \"$2\" \"$6\" && printf '%s' \"$8\" > \"$W/b\" || return 1\n"
	"\tif [ -f \"./$2\" ] && [ ! -h \"./$2\" ]; then\n"
	"\t\t_a=$(stat -c '%u:%g %a' -- \"./$2\") && rd \"$2\" > \"$W/o\" && op \"$2\" 0077 || return 1\n"
	"\t\t_o=${_a% *}; [ \"$_o\" != 0:0 ] || _o=-\n"
	"\t\tawk -v \"b=$3\" -v \"e=$4\" -v \"nf=$W/b\" \"$AB\" < \"$W/o\" >&3 &&\n"
	"\t\t\tfin \"$2\" \"${_a#* }\" \"$_o\" \"$5\" || ab\n"
	"\telse\n"
	"\t\top \"$2\" \"$7\" || return 1\n"
	"\t\tprintf '%s\\n%s%s\\n' \"$3\" \"$8\" \"$4\" >&3 && fin \"$2\" - - \"$5\" || ab\n"
	"\tfi; }\n"
	/* md DIR NAME MODE OWNER: a directory (made 0700, then given its mode from inside) */
	"md() { enter \"$1\" 1 || return 1\n"
	"\tif [ ! -e \"./$2\" ] && [ ! -h \"./$2\" ]; then\n"
	"\t\tumask 077; mkdir -- \"./$2\"; _s=$?; umask 022; [ $_s = 0 ] || return 1; fi\n"
	"\tda \"${1%/}/$2\" \"$3\" \"$4\"; }\n"
	/* da PATH MODE OWNER: a directory's owner and mode, set on '.' from inside it */
	"da() { en \"$1\" && { [ \"$3\" = - ] || chown -- \"$3\" .; } && chmod -- \"$2\" .; }\n"
	/* en DIR: enter an existing DIR, or say it is gone */
	"en() { enter \"$1\" 0 || { [ $? != 2 ] || echo \"'$1' is missing\" >&2; return 1; }; }\n"
	/* ra DIR NAME: nothing at NAME; a missing directory holds nothing */
	"ra() { enter \"$1\" 0; case $? in 0) rm -rf -- \"./$2\" ;; 2) return 0 ;; *) return 1 ;; esac; }\n";

/* After the last change: what was written is on disk before kcfg says done. */
static const char epilogue[] = "sync\n";

void apply_steps_release(struct apply_steps *steps)
{
	for (size_t i = 0; i < steps->nr; i++)
		strbuf_release_wiped(&steps->v[i].script);	/* may hold a cluster value */
	free(steps->v);
	memset(steps, 0, sizeof(*steps));
}

static struct apply_step *new_step(struct apply_steps *steps, int upload, size_t first)
{
	struct apply_step *st;

	ALLOC_GROW(steps->v, steps->nr + 1, steps->alloc);
	st = &steps->v[steps->nr++];
	memset(st, 0, sizeof(*st));
	strbuf_init(&st->script, 0);
	st->upload = upload;
	st->first = first;
	if (!upload) {
		strbuf_addstr(&st->script, remote_fs_read_functions);
		strbuf_addstr(&st->script, remote_fs_write_functions);
		strbuf_addstr(&st->script, prelude);
	}
	return st;
}

static void add_base64_heredoc(struct strbuf *s, const char *data, size_t len)
{
	struct strbuf b64 = STRBUF_INIT;

	base64_encode(data, len, &b64);
	for (size_t i = 0; i < b64.len; i += 76) {
		strbuf_add(s, b64.buf + i, b64.len - i < 76 ? b64.len - i : 76);
		strbuf_addch(s, '\n');
	}
	strbuf_addstr(s, "KCFG-DATA\n");
	strbuf_release_wiped(&b64);	/* it may hold a secret */
}

/* A script's text in $W/NAME, written by printf (a builtin: never argv). */
static void add_script_file(struct strbuf *s, const char *name, const char *text)
{
	strbuf_addstr(s, "printf '%s\\n' ");
	sq_quote(s, text);
	strbuf_addf(s, " > \"$W/%s\"\n", name);
}

/* "then [nt NAME;] ok I; else no I $?; fi" after a condition. */
static void add_outcome(struct strbuf *s, const struct resource *r, size_t ci)
{
	strbuf_addstr(s, "; then ");
	if (r && r->notify) {
		strbuf_addstr(s, "nt ");
		sq_quote(s, r->notify);
		strbuf_addf(s, " 2>\"$W/e\" || no %zu $?; ", ci);
	}
	strbuf_addf(s, "ok %zu; else no %zu $?; fi\n", ci, ci);
}

/* A file holding `content` (the resource's, or made from a cluster value). */
static void add_file(struct strbuf *s, const struct resource *r, const struct change *c,
		     const struct strbuf *content, size_t ci)
{
	struct strbuf text = STRBUF_INIT;
	int binary = memchr(content->buf, '\0', content->len) != NULL;

	strbuf_addstr(s, binary ? "if wfb" : "if wf");
	remote_fs_add_dir_name(s, r->path);
	remote_fs_add_attrs(s, c->mode, c->owner);
	strbuf_addf(s, " %d %d ", r->backup, r->links);
	if (binary) {
		strbuf_addstr(s, "2>\"$W/e\" <<'KCFG-DATA'");
		add_outcome(s, r, ci);
		add_base64_heredoc(s, content->buf, content->len);
	} else {
		sq_quote(&text, content->buf);
		strbuf_addbuf(s, &text);
		strbuf_addstr(s, " 2>\"$W/e\"");
		add_outcome(s, r, ci);
	}
	strbuf_release_wiped(&text);	/* it may hold a secret */
}

static void add_block(struct strbuf *s, const struct resource *r, size_t ci)
{
	struct strbuf text = STRBUF_INIT;

	strbuf_addbuf(&text, &r->content);
	if (text.len && text.buf[text.len - 1] != '\n')
		strbuf_addch(&text, '\n');
	strbuf_addstr(s, "if wb");
	remote_fs_add_dir_name(s, r->path);
	strbuf_addf(s, " '# BEGIN kcfg %s' '# END kcfg %s' %d %d %s ", r->marker, r->marker,
		    r->backup, r->links, r->secret ? "0177" : "0133");
	sq_quote(s, text.buf);
	strbuf_addstr(s, " 2>\"$W/e\"");
	add_outcome(s, r, ci);
	strbuf_release_wiped(&text);
}

/*
 * The condition of an if that gives a path its mode and owner: a
 * directory's from inside it, a file's on a copy renamed over it (chmod
 * and chown by name would follow a link swapped in since it was seen).
 */
static void add_attrs(struct strbuf *s, const struct resource *r, const struct change *c)
{
	if (r->kind == RES_DIR) {
		strbuf_addstr(s, "da ");
		sq_quote(s, r->path);
		strbuf_addf(s, " %04o ", c->mode);
		sq_quote(s, c->owner);
	} else {
		strbuf_addstr(s, "wa");
		remote_fs_add_dir_name(s, r->path);
		remote_fs_add_attrs(s, c->mode, c->owner);
	}
	strbuf_addstr(s, " 2>\"$W/e\"");
}

static void add_packages(struct strbuf *s, const struct change *c, int install)
{
	strbuf_addf(s, "hm\nif DEBIAN_FRONTEND=noninteractive apt-get %s -y -q "
		    "-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef "
		    "-o Dpkg::Options::=--force-confold", install ? "install" : "remove");
	for (size_t k = 0; k < c->packages.nr; k++)
		strbuf_addf(s, " %s", c->packages.v[k]);	/* checked: [a-z0-9+.-] */
	strbuf_addstr(s, " >\"$W/e\" 2>&1 </dev/null");
}

static void add_service(struct strbuf *s, const struct resource *r, const struct change *c)
{
	static const struct { unsigned bit; const char *verb; } verbs[] = {
		{ CHG_ENABLE, "enable" }, { CHG_DISABLE, "disable" },
		{ CHG_START, "start" }, { CHG_STOP, "stop" },
	};
	int first = 1;

	strbuf_addstr(s, "hm\nif ");
	for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++) {
		if (!(c->what & verbs[k].bit))
			continue;
		strbuf_addf(s, "%ssystemctl %s -- ", first ? "" : " && ", verbs[k].verb);
		sq_quote(s, r->unit);
		strbuf_addstr(s, " 2>\"$W/e\" </dev/null");
		first = 0;
	}
}

/* The value called `name` (of `len` bytes), or NULL. */
static const char *find_value(const struct apply_value *vals, size_t nr, const char *name,
			      size_t len)
{
	for (size_t i = 0; i < nr; i++)
		if (strlen(vals[i].name) == len && !strncmp(vals[i].name, name, len))
			return vals[i].value;
	return NULL;
}

/*
 * `cmd` with each @@kcfg:NAME@@ replaced by that value, single-quoted.
 * Returns 0, or -1 with `err` when a value is missing.
 */
static int expand_values(const char *cmd, const struct apply_value *vals, size_t nr,
			 struct strbuf *out, struct strbuf *err)
{
	const char *p = cmd, *open;

	while ((open = strstr(p, APPLY_VALUE_OPEN))) {
		const char *name = open + strlen(APPLY_VALUE_OPEN);
		const char *close = strstr(name, APPLY_VALUE_CLOSE);
		const char *value;

		if (!close)
			break;
		value = find_value(vals, nr, name, (size_t)(close - name));
		if (!value) {
			strbuf_addf(err, "no value for '%.*s' yet", (int)(close - name), name);
			return -1;
		}
		strbuf_add(out, p, (size_t)(open - p));
		sq_quote(out, value);
		p = close + strlen(APPLY_VALUE_CLOSE);
	}
	strbuf_addstr(out, p);
	return 0;
}

/* A file whose content is made from a cluster value (the resource's `needs`). */
static int add_valued_file(struct strbuf *s, const struct resource *r, const struct change *c,
			   size_t ci, const struct apply_value *vals, size_t nr_vals,
			   struct strbuf *err)
{
	const char *value = find_value(vals, nr_vals, r->needs, strlen(r->needs));
	struct strbuf content = STRBUF_INIT;

	if (!value) {
		strbuf_addf(err, "no value for '%s' yet", r->needs);
		return -1;
	}
	if (r->fill)
		r->fill(value, r->fill_arg, &content);
	else
		strbuf_addstr(&content, value);
	add_file(s, r, c, &content, ci);
	strbuf_release_wiped(&content);
	return 0;
}

const char *apply_change_needs(const struct resource_list *rl, const struct change *c)
{
	const struct resource *r;

	if (c->res == CHANGE_NO_RESOURCE)
		return NULL;
	r = &rl->items[c->res];
	/* a valued file's mode and owner are set on a copy of what is there */
	return r->needs && (r->kind != RES_FILE || c->kind == CH_FILE) ? r->needs : NULL;
}

static int add_command(struct strbuf *s, const struct resource *r, size_t ci,
		       const struct apply_value *vals, size_t nr_vals, struct strbuf *err)
{
	struct strbuf cmd = STRBUF_INIT;

	if (r->needs && expand_values(r->command, vals, nr_vals, &cmd, err) < 0) {
		strbuf_release_wiped(&cmd);	/* values expanded so far */
		return -1;
	}
	strbuf_addstr(s, "hm\n");
	if (r->creates) {
		strbuf_addstr(s, "if [ -e ");
		sq_quote(s, r->creates);
		strbuf_addf(s, " ]; then sk %zu; else\n", ci);
	}
	if (r->unless) {
		add_script_file(s, "u", r->unless);
		strbuf_addf(s, "if sh \"$W/u\" >/dev/null 2>&1 </dev/null; then sk %zu; else\n", ci);
	}
	add_script_file(s, "c", r->needs ? cmd.buf : r->command);
	strbuf_release_wiped(&cmd);
	strbuf_addstr(s, "if sh \"$W/c\" >\"$W/e\" 2>&1 </dev/null; then ");
	if (r->notify) {
		strbuf_addstr(s, "nt ");
		sq_quote(s, r->notify);
		strbuf_addf(s, " 2>\"$W/e\" || no %zu $?; ", ci);
	}
	strbuf_addf(s, "ok %zu; else %s %zu $?; fi\n", ci, r->secret ? "ns" : "no", ci);
	if (r->unless)
		strbuf_addstr(s, "fi\n");
	if (r->creates)
		strbuf_addstr(s, "fi\n");
	return 0;
}

static void add_handler(struct strbuf *s, const struct change *c, size_t ci)
{
	strbuf_addstr(s, "hm\nif grep -qxF -- ");
	sq_quote(s, c->handler);
	strbuf_addstr(s, " \"$P\" 2>/dev/null; then\n");
	add_script_file(s, "h", c->command);
	strbuf_addf(s, "if sh \"$W/h\" >\"$W/e\" 2>&1 </dev/null; then ok %zu; "
		    "else no %zu $?; fi\nelse sk %zu; fi\n", ci, ci, ci);
}

/* An upload's local file must be what its pin says, or the host never settles. */
static int check_upload(const struct resource *r, struct strbuf *err)
{
	char sha[UPLOAD_SHA_HEX + 1];
	uint64_t size;
	struct strbuf why = STRBUF_INIT;

	if (!r->local_path || upload_sha256_file(r->local_path, sha, &size, &why) < 0) {
		strbuf_addf(err, "cannot upload '%s' (from component '%s'): %s", r->path,
			    r->component, why.len ? why.buf : "no local file");
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&why);
	if (r->sha256 && *r->sha256 && strcmp(sha, r->sha256)) {
		strbuf_addf(err, "cannot upload '%s' (from component '%s'): the local file '%s' "
			    "has sha256 %s, not the pinned %s", r->path, r->component,
			    r->local_path, sha, r->sha256);
		return -1;
	}
	return 0;
}

int apply_build(const struct resource_list *rl, const struct host_plan *plan,
		struct apply_steps *out, struct strbuf *err)
{
	return apply_build_range(rl, plan, 0, plan->nr, NULL, 0, out, err);
}

int apply_build_range(const struct resource_list *rl, const struct host_plan *plan,
		      size_t from, size_t to, const struct apply_value *vals, size_t nr_vals,
		      struct apply_steps *out, struct strbuf *err)
{
	struct apply_steps steps = APPLY_STEPS_INIT;
	struct apply_step *st = NULL;
	int handlers = 0;

	for (size_t ci = from; ci < to && ci < plan->nr; ci++) {
		const struct change *c = &plan->v[ci];
		const struct resource *r = c->res != CHANGE_NO_RESOURCE ? &rl->items[c->res] : NULL;
		struct strbuf *s;

		if (c->kind == CH_PENDING) {
			strbuf_addf(err, "cannot write '%s' (from component '%s'): it waits for %s",
				    r->path, r->component, r->pending);
			apply_steps_release(&steps);
			return -1;
		}
		if (c->kind == CH_UPLOAD) {
			if (check_upload(r, err) < 0) {
				apply_steps_release(&steps);
				return -1;
			}
			/* the runner's upload sets its mode and owner too */
			new_step(&steps, 1, ci)->nr = 1;
			st = NULL;
			continue;
		}
		if (!st)
			st = new_step(&steps, 0, ci);
		s = &st->script;
		st->nr = ci + 1 - st->first;
		switch (c->kind) {
		case CH_FILE:
			if (!r->needs) {
				add_file(s, r, c, &r->content, ci);
			} else if (add_valued_file(s, r, c, ci, vals, nr_vals, err) < 0) {
				apply_steps_release(&steps);
				return -1;
			}
			continue;
		case CH_BLOCK:
			add_block(s, r, ci);
			continue;
		case CH_COMMAND:
			if (add_command(s, r, ci, vals, nr_vals, err) < 0) {
				apply_steps_release(&steps);
				return -1;
			}
			continue;
		case CH_HANDLER:
			add_handler(s, c, ci);
			handlers = 1;
			continue;
		case CH_ATTRS:
			strbuf_addstr(s, "if ");
			add_attrs(s, r, c);
			break;
		case CH_DIR:
			strbuf_addstr(s, "if md");
			remote_fs_add_dir_name(s, r->path);
			strbuf_addf(s, " %04o ", c->mode);
			if (strcmp(c->owner, "root:root"))
				sq_quote(s, c->owner);
			else
				strbuf_addch(s, '-');
			strbuf_addstr(s, " 2>\"$W/e\"");
			break;
		case CH_ABSENT:
			strbuf_addstr(s, "if ra");
			remote_fs_add_dir_name(s, r->path);
			strbuf_addstr(s, " 2>\"$W/e\"");
			break;
		case CH_INSTALL:
		case CH_REMOVE:
			add_packages(s, c, c->kind == CH_INSTALL);
			break;
		case CH_SERVICE:
			add_service(s, r, c);
			break;
		case CH_DAEMON_RELOAD:
			strbuf_addstr(s, "hm\nif systemctl daemon-reload 2>\"$W/e\" </dev/null");
			break;
		case CH_UPLOAD:
		case CH_PENDING:
			break;
		}
		add_outcome(s, r, ci);
	}
	if (handlers && st)
		strbuf_addstr(&st->script, "rm -f -- \"$P\"\n");
	for (size_t i = 0; i < steps.nr; i++)
		if (!steps.v[i].upload)
			strbuf_addstr(&steps.v[i].script, epilogue);
	apply_steps_release(out);
	*out = steps;
	return 0;
}

static int parse_index(const char *s, size_t *out)
{
	size_t v = 0;

	if (!*s || strlen(s) > 9)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int apply_read_report(const struct apply_step *step, const char *out, size_t len,
		      struct host_plan *plan, struct strbuf *err)
{
	struct strbuf line = STRBUF_INIT;
	size_t pos = 0;
	int failed = 0, ret = -1;
	unsigned n = 0;

	while (pos < len) {
		const char *nl = memchr(out + pos, '\n', len - pos);
		char *f[4] = { NULL, NULL, NULL, NULL }, *p;
		size_t ci, k = 0;
		struct change *c;

		n++;
		strbuf_reset(&line);
		strbuf_add(&line, out + pos, nl ? (size_t)(nl - (out + pos)) : len - pos);
		pos = nl ? (size_t)(nl - out) + 1 : len;
		for (p = line.buf; k < 4; k++) {
			f[k] = p;
			if (k == 3 || !(p = strchr(p, '\t')))
				break;
			*p++ = '\0';
		}
		if (strlen(line.buf) != 1 || line.buf[0] != 'R' || !f[1] || !f[2] ||
		    parse_index(f[1], &ci) < 0 || ci < step->first || ci >= step->first + step->nr) {
			strbuf_addf(err, "apply report line %u is not a report", n);
			goto out;
		}
		c = &plan->v[ci];
		if (!strcmp(f[2], "done") && !f[3]) {
			c->state = CHANGE_DONE;
		} else if (!strcmp(f[2], "skip") && !f[3]) {
			c->state = CHANGE_SKIPPED;
		} else if (!strcmp(f[2], "fail") && f[3]) {
			c->state = CHANGE_FAILED;
			/* the host's words as they came: printing shows controls as escapes */
			strbuf_reset(&c->error);
			strbuf_add(&c->error, f[3], strnlen(f[3], REPORT_MAX_MESSAGE));
			strbuf_rtrim(&c->error);
			failed = 1;
		} else {
			strbuf_addf(err, "apply report line %u is not a report", n);
			goto out;
		}
	}
	ret = failed;
out:
	strbuf_release(&line);
	return ret;
}
