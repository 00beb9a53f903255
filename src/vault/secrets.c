#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/diag.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "vault/inline.h"
#include "vault/password.h"
#include "vault/secrets.h"
#include "vault/vault.h"
#include "util/banned.h"

const char *const cluster_secret_names[] = {
	"harbor_admin_password",
	"harbor_db_password",
	"grafana_password",
	"ansible_become_password",
};
const size_t cluster_secret_names_nr = ARRAY_SIZE(cluster_secret_names);

struct secret *cluster_secrets_at(struct cluster_secrets *cs, size_t i)
{
	switch (i) {
	case 0: return &cs->harbor_admin_password;
	case 1: return &cs->harbor_db_password;
	case 2: return &cs->grafana_password;
	case 3: return &cs->ansible_become_password;
	default: return NULL;
	}
}

void cluster_secrets_release(struct cluster_secrets *cs)
{
	for (size_t i = 0; i < cluster_secret_names_nr; i++)
		secret_release(cluster_secrets_at(cs, i));
}

static int find_name(const char *key)
{
	for (size_t i = 0; i < cluster_secret_names_nr; i++)
		if (!strcmp(key, cluster_secret_names[i]))
			return (int)i;
	return -1;
}

/* One parse: the libyaml parser and what the walk has learnt so far. */
struct walk {
	yaml_parser_t parser;
	const char *name;
	int encrypted;
	const struct vault_keyring *kr;
	struct cluster_secrets found;
	unsigned seen_line[ARRAY_SIZE(cluster_secret_names)];
	struct diag_list *dl;
	int warned_plain;
	struct strbuf *err;
};

static void release_event(yaml_event_t *ev)
{
	vault_yaml_wipe_event(ev);
	yaml_event_delete(ev);
}

static int next_event(struct walk *w, yaml_event_t *ev)
{
	if (yaml_parser_parse(&w->parser, ev))
		return 0;
	strbuf_addf(w->err, "%s:%zu:%zu: invalid YAML: %s", w->name,
		    w->parser.problem_mark.line + 1, w->parser.problem_mark.column + 1,
		    w->parser.problem ? w->parser.problem : "cannot parse");
	return VAULT_ERR_INVALID;
}

/* Skips the rest of a sequence or mapping whose start event was just read. */
static int skip_collection(struct walk *w)
{
	size_t depth = 1;
	yaml_event_t ev;
	int ret;

	while (depth) {
		if ((ret = next_event(w, &ev)))
			return ret;
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		else if (ev.type == YAML_STREAM_END_EVENT)
			depth = 0;	/* the parser would have failed first */
		release_event(&ev);
	}
	return 0;
}

static int is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || ev->data.scalar.tag)
		return !ev->data.scalar.length;
	return !ev->data.scalar.length || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static int is_vault_tag(const yaml_event_t *ev)
{
	return ev->data.scalar.tag && !strcmp((const char *)ev->data.scalar.tag, "!vault");
}

static int set_value(struct walk *w, int idx, const char *key, const yaml_event_t *ev)
{
	struct secret *dst = cluster_secrets_at(&w->found, (size_t)idx);
	unsigned line = (unsigned)ev->start_mark.line + 1, col = (unsigned)ev->start_mark.column + 1;
	int ret;

	if (is_vault_tag(ev)) {
		struct vault_inline v = { (char *)key, 0, 0, line, col, NULL, 0 };
		struct strbuf what = STRBUF_INIT;

		vault_inline_describe(&what, w->name, &v);
		if (!w->kr || !w->kr->nr) {
			strbuf_addf(w->err, "%s is encrypted, but no vault password was given",
				    what.buf);
			ret = VAULT_ERR_DECRYPT;
		} else {
			ret = vault_decrypt(ev->data.scalar.value, ev->data.scalar.length,
					    what.buf, w->kr, dst, NULL, w->err);
		}
		strbuf_release(&what);
		return ret;
	}
	if (is_null(ev))
		return 0;
	secret_add(dst, ev->data.scalar.value, ev->data.scalar.length);
	if (!w->encrypted && !w->warned_plain) {
		struct strbuf hint = STRBUF_INIT;

		strbuf_addf(&hint, "encrypt the file with 'kcfg vault encrypt %s', "
			    "or the value with 'kcfg vault encrypt-string --name %s'",
			    w->name, key);
		diag_warning(w->dl, w->name, line, col, hint.buf,
			     "'%s' is not encrypted", key);
		strbuf_release(&hint);
		w->warned_plain = 1;
	}
	return 0;
}

static void warn_unknown(struct walk *w, const char *key, const yaml_mark_t *m)
{
	const char *near = suggest_nearest(key, cluster_secret_names, cluster_secret_names_nr);
	struct strbuf hint = STRBUF_INIT;

	if (near)
		strbuf_addf(&hint, "did you mean '%s'?", near);
	else
		strbuf_addstr(&hint, "kcfg uses harbor_admin_password, harbor_db_password, "
			      "grafana_password and ansible_become_password");
	diag_warning(w->dl, w->name, (unsigned)m->line + 1, (unsigned)m->column + 1,
		     hint.buf, "unknown key '%s' in the vault file is ignored", key);
	strbuf_release(&hint);
}

/* The entries of the top-level mapping, whose start event was just read. */
static int walk_mapping(struct walk *w)
{
	yaml_event_t kev, vev;
	int ret = 0;

	for (;;) {
		char *key;
		int idx;

		if ((ret = next_event(w, &kev)))
			return ret;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			release_event(&kev);
			return 0;
		}
		if (kev.type != YAML_SCALAR_EVENT) {
			diag_error(w->dl, w->name, (unsigned)kev.start_mark.line + 1,
				   (unsigned)kev.start_mark.column + 1, NULL,
				   "a key in the vault file must be a plain name");
			ret = kev.type == YAML_ALIAS_EVENT ? 0 : skip_collection(w);
			release_event(&kev);
			if (ret)
				return ret;
			/* its value follows */
			if ((ret = next_event(w, &vev)))
				return ret;
			if (vev.type == YAML_SEQUENCE_START_EVENT || vev.type == YAML_MAPPING_START_EVENT)
				ret = skip_collection(w);
			release_event(&vev);
			if (ret)
				return ret;
			continue;
		}
		key = xstrndup((const char *)kev.data.scalar.value, kev.data.scalar.length);
		idx = find_name(key);
		if (idx < 0) {
			warn_unknown(w, key, &kev.start_mark);
		} else if (w->seen_line[idx]) {
			diag_error(w->dl, w->name, (unsigned)kev.start_mark.line + 1,
				   (unsigned)kev.start_mark.column + 1, "keep one of them",
				   "'%s' is set twice (first at line %u)", key, w->seen_line[idx]);
			idx = -2;	/* the value is skipped */
		} else {
			w->seen_line[idx] = (unsigned)kev.start_mark.line + 1;
		}
		release_event(&kev);

		if ((ret = next_event(w, &vev))) {
			free(key);
			return ret;
		}
		if (vev.type == YAML_SCALAR_EVENT) {
			if (idx >= 0)
				ret = set_value(w, idx, key, &vev);
		} else {
			if (idx >= 0)
				diag_error(w->dl, w->name, (unsigned)vev.start_mark.line + 1,
					   (unsigned)vev.start_mark.column + 1,
					   "write it as a string, e.g. 'grafana_password: \"...\"'",
					   "'%s' must be a string", key);
			if (vev.type == YAML_SEQUENCE_START_EVENT || vev.type == YAML_MAPPING_START_EVENT)
				ret = skip_collection(w);
		}
		release_event(&vev);
		free(key);
		if (ret)
			return ret;
	}
}

static int walk_document(struct walk *w)
{
	yaml_event_t ev;
	int ret;

	if ((ret = next_event(w, &ev)))	/* STREAM_START */
		return ret;
	release_event(&ev);
	if ((ret = next_event(w, &ev)))
		return ret;
	if (ev.type == YAML_STREAM_END_EVENT) {	/* no document: nothing set */
		release_event(&ev);
		return 0;
	}
	release_event(&ev);	/* DOCUMENT_START */
	if ((ret = next_event(w, &ev)))
		return ret;
	if (ev.type == YAML_MAPPING_START_EVENT) {
		release_event(&ev);
		ret = walk_mapping(w);
	} else if (ev.type == YAML_SCALAR_EVENT && is_null(&ev)) {
		release_event(&ev);
	} else {
		diag_error(w->dl, w->name, (unsigned)ev.start_mark.line + 1,
			   (unsigned)ev.start_mark.column + 1,
			   "write one 'name: value' line per secret",
			   "the vault file must be a mapping of names to values");
		if (ev.type == YAML_SEQUENCE_START_EVENT)
			ret = skip_collection(w);
		release_event(&ev);
	}
	if (ret)
		return ret;
	if ((ret = next_event(w, &ev)))	/* DOCUMENT_END */
		return ret;
	release_event(&ev);
	if ((ret = next_event(w, &ev)))
		return ret;
	if (ev.type == YAML_DOCUMENT_START_EVENT)
		diag_warning(w->dl, w->name, (unsigned)ev.start_mark.line + 1,
			     (unsigned)ev.start_mark.column + 1, NULL,
			     "only the first YAML document of the vault file is read");
	release_event(&ev);
	return 0;
}

/* Without a caller's list: warnings to the log, errors into err. */
static void flush_local_diags(struct diag_list *dl, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;

	diag_sort(dl);
	for (size_t i = 0; i < dl->nr; i++) {
		const struct diag *d = &dl->d[i];

		strbuf_reset(&text);
		strbuf_addf(&text, "%s:%u:%u: %s", d->file ? d->file : "", d->line,
			    d->col, d->msg);
		if (d->level == DIAG_WARNING) {
			log_msg(LOG_WARNING, "%s", text.buf);
		} else {
			if (err->len)
				strbuf_addch(err, '\n');
			strbuf_addbuf(err, &text);
		}
	}
	strbuf_release(&text);
}

int cluster_secrets_parse(const char *data, size_t len, const char *name,
			  int encrypted, const struct vault_keyring *kr,
			  struct cluster_secrets *out, struct diag_list *diags,
			  struct strbuf *err)
{
	struct diag_list local = DIAG_LIST_INIT;
	struct walk w;
	size_t errors_before;
	int ret;

	memset(&w, 0, sizeof(w));
	w.name = name;
	w.encrypted = encrypted;
	w.kr = kr;
	w.dl = diags ? diags : &local;
	w.err = err;
	errors_before = w.dl->errors;
	if (!yaml_parser_initialize(&w.parser))
		abort();
	yaml_parser_set_input_string(&w.parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&w.parser, YAML_UTF8_ENCODING);
	ret = walk_document(&w);
	vault_yaml_wipe_parser(&w.parser);
	yaml_parser_delete(&w.parser);

	if (!ret && w.dl->errors > errors_before)
		ret = VAULT_ERR_INVALID;
	if (!diags) {
		flush_local_diags(&local, err);
		diag_release(&local);
	}
	if (ret) {
		cluster_secrets_release(&w.found);
		return ret;
	}
	cluster_secrets_release(out);
	*out = w.found;
	return 0;
}

int cluster_secrets_load(const char *vault_path,
			 const struct vault_password_source *src,
			 struct cluster_secrets *out, struct diag_list *diags,
			 struct strbuf *err)
{
	struct strbuf file = STRBUF_INIT, what = STRBUF_INIT;
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct vault_inline_list inl = VAULT_INLINE_LIST_INIT;
	struct secret plain = SECRET_INIT;
	int ret;

	if (strbuf_read_file(&file, vault_path, CLUSTER_SECRETS_MAX_FILE) < 0) {
		if (errno == EFBIG)
			strbuf_addf(err, "'%s' is larger than %u KiB; is it the vault file?",
				    vault_path, CLUSTER_SECRETS_MAX_FILE >> 10);
		else
			strbuf_addf(err, "cannot read vault file '%s': %s", vault_path,
				    strerror(errno));
		ret = VAULT_ERR_IO;
		goto out;
	}
	strbuf_addf(&what, "'%s'", vault_path);
	if (vault_is_encrypted(file.buf, file.len)) {
		log_msg(LOG_INFO, "decrypting '%s'", vault_path);
		ret = vault_password_load(src, VAULT_PASSWORD_DECRYPT, &kr, err);
		if (!ret)
			ret = vault_decrypt(file.buf, file.len, what.buf, &kr, &plain, NULL, err);
		if (!ret)
			ret = cluster_secrets_parse((const char *)plain.buf, plain.len,
						    vault_path, 1, &kr, out, diags, err);
		goto out;
	}
	/* plain YAML: ask for a password only if some value is encrypted */
	ret = vault_inline_scan(file.buf, file.len, vault_path, &inl, err);
	if (ret > 0) {
		log_msg(LOG_INFO, "'%s' has %d encrypted value%s", vault_path, ret,
			ret == 1 ? "" : "s");
		ret = vault_password_load(src, VAULT_PASSWORD_DECRYPT, &kr, err);
	}
	if (ret >= 0)
		ret = cluster_secrets_parse(file.buf, file.len, vault_path, 0, &kr, out,
					    diags, err);
out:
	/* a plain vault.yaml's bytes are secret too */
	secret_wipe(file.buf, file.len);
	strbuf_release(&file);
	strbuf_release(&what);
	secret_release(&plain);
	vault_keyring_release(&kr);
	vault_inline_list_release(&inl);
	return ret;
}
