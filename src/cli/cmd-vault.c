/*
 * kcfg vault: ansible-vault's commands on the same files, byte for byte.
 * The format and the password sources live in src/vault; this file parses
 * the command line, orders the steps (read every input, get the password,
 * decrypt or encrypt everything, only then write) and reports.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/vault-pki.h"
#include "cli/setup.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "vault/edit.h"
#include "vault/inline.h"
#include "vault/io.h"
#include "vault/password.h"
#include "vault/secret.h"
#include "vault/secrets.h"
#include "vault/vault.h"
#include "util/banned.h"

/* Which options a subcommand takes, beyond the password sources. */
#define OPT_OUTPUT	(1u << 0)
#define OPT_ENCRYPT_ID	(1u << 1)
#define OPT_NEW		(1u << 2)
#define OPT_STRING	(1u << 3)

/* The indent ansible-vault encrypt_string puts before each vault line. */
#define INLINE_INDENT 10

struct vault_args;

struct subcommand {
	const char *name;
	int (*fn)(struct vault_args *a);
	unsigned opts;
	const char *usage;
	const char *summary;
};

struct vault_args {
	const struct kcfg_opts *opts;
	const struct subcommand *sub;
	struct cmd_entry entry;		/* for cli_getopt's messages */
	struct vault_password_source src;
	struct vault_password_source new_src;
	const char *output;
	const char *encrypt_vault_id;
	struct strvec names;
	const char *stdin_name;
	int prompt, show_input;
	int argc;
	char **argv;
};

static void report(struct strbuf *err)
{
	cli_error_buf(err);
	strbuf_reset(err);
}

/* Progress words ansible-vault prints; only for a person at a terminal. */
static void say_done(const char *what)
{
	log_msg(LOG_INFO, "%s", what);
	if (isatty(2) && log_get_stderr_level() < LOG_INFO)
		fprintf(stderr, "%s\n", what);
}

static void quoted(struct strbuf *sb, const char *path)
{
	strbuf_reset(sb);
	if (strcmp(path, "-"))
		strbuf_addf(sb, "'%s'", path);
	else
		strbuf_addstr(sb, "standard input");
}

/*
 * The key to encrypt with: the one --encrypt-vault-id names, else the
 * only one. Its label decides the format: "default" writes 1.1.
 */
static const struct vault_key *encrypt_key(const struct vault_keyring *kr,
					   const char *want, struct strbuf *err)
{
	const struct vault_key *k;

	if (want) {
		k = vault_keyring_find(kr, want);
		if (!k)
			strbuf_addf(err, "no password for vault id '%s' (--encrypt-vault-id)\n"
				    "  hint: give it with --vault-id %s@FILE", want, want);
		return k;
	}
	if (kr->nr == 1)
		return &kr->keys[0];
	strbuf_addstr(err, "more than one vault password was given; choose the one "
		      "to encrypt with\n  hint: add --encrypt-vault-id LABEL");
	return NULL;
}

/* 1 when a plain file holds inline !vault values (for a better hint). */
static int has_inline_values(const struct strbuf *file, const char *name)
{
	struct vault_inline_list list = VAULT_INLINE_LIST_INIT;
	struct strbuf ignored = STRBUF_INIT;
	int found = vault_inline_scan(file->buf, file->len, name, &list, &ignored);

	vault_inline_list_release(&list);
	strbuf_release(&ignored);
	return found > 0;
}

/* Reads every input vault; fails (before any password is asked) on one that is not. */
static int read_vaults(struct vault_args *a, struct strbuf *files, struct strbuf *err)
{
	struct strbuf what = STRBUF_INIT;
	int ret = 0;

	for (int i = 0; i < a->argc && !ret; i++) {
		quoted(&what, a->argv[i]);
		ret = vault_read_public(a->argv[i], &files[i], VAULT_MAX_FILE, err);
		if (ret || vault_is_encrypted(files[i].buf, files[i].len))
			continue;
		strbuf_addf(err, "%s is not vault encrypted", what.buf);
		if (has_inline_values(&files[i], a->argv[i]))
			strbuf_addf(err, "\n  hint: it holds inline !vault values; "
				    "'kcfg vault view %s' shows them decrypted", a->argv[i]);
		else
			strbuf_addf(err, "\n  hint: vault files start with '" VAULT_HEADER
				    ";'; encrypt it with 'kcfg vault encrypt %s'", a->argv[i]);
		ret = VAULT_ERR_NOT_VAULT;
	}
	strbuf_release(&what);
	return ret;
}

static mode_t file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0600 : st.st_mode & 07777;
}

static int exit_code(int ret)
{
	return ret ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
}

/* One input ("-" when none) and where its result goes. */
static const char *output_for(const struct vault_args *a, const char *input, char **owned)
{
	*owned = NULL;
	if (a->output)
		return a->output;
	if (!strcmp(input, "-"))
		return "-";
	return *owned = vault_target_path(input);
}

/*
 * Decrypts every input into plain[] (allocated), after reading them all;
 * with `raw`, hands out the files as read too (allocated, n entries).
 */
static int decrypt_all(struct vault_args *a, struct secret **plain,
		       const struct vault_key ***used, struct vault_keyring *kr,
		       struct strbuf **raw, struct strbuf *err)
{
	struct strbuf *files, what = STRBUF_INIT;
	int n = a->argc, ret;

	files = xcalloc((size_t)n, sizeof(*files));
	*plain = xcalloc((size_t)n, sizeof(**plain));
	*used = xcalloc((size_t)n, sizeof(**used));
	for (int i = 0; i < n; i++) {
		strbuf_init(&files[i], 0);
		secret_init(&(*plain)[i]);
	}
	ret = read_vaults(a, files, err);
	if (!ret)
		ret = vault_password_load(&a->src, VAULT_PASSWORD_DECRYPT, kr, err);
	for (int i = 0; i < n && !ret; i++) {
		quoted(&what, a->argv[i]);
		ret = vault_decrypt(files[i].buf, files[i].len, what.buf, kr, &(*plain)[i],
				    &(*used)[i], err);
	}
	if (raw) {
		*raw = files;
		files = NULL;
	}
	for (int i = 0; files && i < n; i++)
		strbuf_release(&files[i]);
	free(files);
	strbuf_release(&what);
	return ret;
}

static void release_plain(struct secret *plain, int n)
{
	for (int i = 0; plain && i < n; i++)
		secret_release(&plain[i]);
	free(plain);
}

static int do_encrypt(struct vault_args *a)
{
	static char *const stdin_only[] = { (char *)"-", NULL };
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT, *out;
	struct secret *plain;
	const struct vault_key *key = NULL;
	int ret = 0, n;

	if (!a->argc) {
		a->argc = 1;
		a->argv = (char **)stdin_only;
		if (isatty(0))
			fprintf(stderr, "Reading plaintext input from stdin\n");
	}
	n = a->argc;
	out = xcalloc((size_t)n, sizeof(*out));
	plain = xcalloc((size_t)n, sizeof(*plain));
	for (int i = 0; i < n; i++) {
		strbuf_init(&out[i], 0);
		secret_init(&plain[i]);
	}

	/* every input is read, and checked not to be a vault, before the password */
	for (int i = 0; i < n && !ret; i++) {
		quoted(&what, a->argv[i]);
		ret = vault_read_secret(a->argv[i], &plain[i], VAULT_MAX_PLAINTEXT, &err);
		if (!ret && vault_is_encrypted(plain[i].buf, plain[i].len)) {
			strbuf_addf(&err, "%s is already vault encrypted\n"
				    "  hint: use 'kcfg vault rekey' to change its password", what.buf);
			ret = VAULT_ERR_INVALID;
		}
	}
	if (!ret)
		ret = vault_password_load(&a->src, VAULT_PASSWORD_NEW, &kr, &err);
	if (!ret && !(key = encrypt_key(&kr, a->encrypt_vault_id, &err)))
		ret = VAULT_ERR_IO;
	for (int i = 0; i < n && !ret; i++) {
		quoted(&what, a->argv[i]);
		ret = vault_encrypt(plain[i].buf ? plain[i].buf : (const unsigned char *)"",
				    plain[i].len, what.buf, &key->password, key->label,
				    &out[i], &err);
	}
	for (int i = 0; i < n && !ret; i++) {
		char *owned;
		const char *dst = output_for(a, a->argv[i], &owned);

		ret = vault_write(dst, out[i].buf, out[i].len, 0600, &err);
		if (!ret)
			log_msg(LOG_INFO, "encrypted %s%s%s", a->argv[i],
				strcmp(dst, a->argv[i]) ? " to " : "",
				strcmp(dst, a->argv[i]) ? dst : "");
		free(owned);
	}
	if (ret)
		report(&err);
	else
		say_done("Encryption successful");
	for (int i = 0; i < n; i++)
		strbuf_release(&out[i]);
	free(out);
	release_plain(plain, n);
	vault_keyring_release(&kr);
	strbuf_release(&err);
	strbuf_release(&what);
	return exit_code(ret);
}

static int do_decrypt(struct vault_args *a)
{
	static char *const stdin_only[] = { (char *)"-", NULL };
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT;
	struct secret *plain = NULL;
	const struct vault_key **used = NULL;
	int ret;

	if (!a->argc) {
		a->argc = 1;
		a->argv = (char **)stdin_only;
		if (isatty(0))
			fprintf(stderr, "Reading ciphertext input from stdin\n");
	}
	ret = decrypt_all(a, &plain, &used, &kr, NULL, &err);
	for (int i = 0; i < a->argc && !ret; i++) {
		char *owned;
		const char *dst = output_for(a, a->argv[i], &owned);

		ret = vault_write(dst, plain[i].buf, plain[i].len, 0600, &err);
		if (!ret)
			log_msg(LOG_INFO, "decrypted %s", a->argv[i]);
		free(owned);
	}
	if (ret)
		report(&err);
	else
		say_done("Decryption successful");
	release_plain(plain, a->argc);
	free(used);
	vault_keyring_release(&kr);
	strbuf_release(&err);
	return exit_code(ret);
}

/*
 * view: a whole-file vault is printed decrypted; a YAML file with inline
 * !vault values is printed with each value decrypted in place (where
 * ansible-vault refuses). Everything is decrypted before anything is
 * printed.
 */
static int do_view(struct vault_args *a)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT, *files;
	struct secret *plain;
	int n = a->argc, ret = 0, have_keys = 0;

	files = xcalloc((size_t)n, sizeof(*files));
	plain = xcalloc((size_t)n, sizeof(*plain));
	for (int i = 0; i < n; i++)
		strbuf_init(&files[i], 0);
	for (int i = 0; i < n && !ret; i++) {
		quoted(&what, a->argv[i]);
		ret = vault_read_public(a->argv[i], &files[i], VAULT_MAX_FILE, &err);
		if (ret || vault_is_encrypted(files[i].buf, files[i].len))
			continue;
		{
			struct vault_inline_list list = VAULT_INLINE_LIST_INIT;
			int found = vault_inline_scan(files[i].buf, files[i].len, a->argv[i],
						      &list, &err);
			vault_inline_list_release(&list);
			if (found < 0) {
				ret = found;
			} else if (!found) {
				strbuf_addf(&err, "%s is not vault encrypted and has no !vault "
					    "values\n  hint: there is nothing to decrypt; "
					    "read it as it is", what.buf);
				ret = VAULT_ERR_NOT_VAULT;
			}
		}
	}
	for (int i = 0; i < n && !ret; i++) {
		if (!have_keys) {
			ret = vault_password_load(&a->src, VAULT_PASSWORD_DECRYPT, &kr, &err);
			have_keys = 1;
			if (ret)
				break;
		}
		quoted(&what, a->argv[i]);
		if (vault_is_encrypted(files[i].buf, files[i].len))
			ret = vault_decrypt(files[i].buf, files[i].len, what.buf, &kr,
					    &plain[i], NULL, &err);
		else if ((ret = vault_inline_render(files[i].buf, files[i].len, a->argv[i],
						     &kr, &plain[i], &err)) > 0)
			ret = 0;
	}
	for (int i = 0; i < n && !ret; i++)
		ret = vault_write("-", plain[i].buf, plain[i].len, 0, &err);
	if (ret)
		report(&err);
	for (int i = 0; i < n; i++) {
		/* a YAML file of inline values may hold plain ones too */
		secret_wipe(files[i].buf, files[i].len);
		strbuf_release(&files[i]);
	}
	free(files);
	release_plain(plain, n);
	vault_keyring_release(&kr);
	strbuf_release(&err);
	strbuf_release(&what);
	return exit_code(ret);
}

static const char *editor_command(void)
{
	const char *e = getenv("EDITOR");

	return e && *e ? e : "vi";
}

/* After the plaintext is gone: a SIGTERM/SIGHUP that arrived meanwhile ends kcfg. */
static void reraise(int sig)
{
	if (!sig)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}

static int do_edit(struct vault_args *a)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT, out = STRBUF_INIT;
	struct secret *plain = NULL, edited = SECRET_INIT;
	const struct vault_key **used = NULL;
	int ret = 0, caught = 0;

	for (int i = 0; i < a->argc && !ret; i++)
		if (!path_exists(a->argv[i])) {
			strbuf_addf(&err, "'%s' does not exist\n  hint: create it with "
				    "'kcfg vault create %s'", a->argv[i], a->argv[i]);
			ret = VAULT_ERR_IO;
		}
	if (!ret)
		ret = decrypt_all(a, &plain, &used, &kr, NULL, &err);
	for (int i = 0; i < a->argc && !ret && !caught; i++) {
		struct vault_envelope env = VAULT_ENVELOPE_INIT;
		struct strbuf file = STRBUF_INIT;
		char *target = vault_target_path(a->argv[i]);
		int changed = 0;

		quoted(&what, a->argv[i]);
		ret = vault_edit_plaintext(&plain[i], target, editor_command(), what.buf,
					   &edited, &changed, &caught, &err);
		/* keep the vault id the header had, and the password that opened it */
		if (!ret && changed &&
		    !(ret = vault_read_public(target, &file, VAULT_MAX_FILE, &err)) &&
		    !(ret = vault_parse(file.buf, file.len, what.buf, &env, &err))) {
			strbuf_reset(&out);
			ret = vault_encrypt(edited.buf ? edited.buf : (const unsigned char *)"",
					    edited.len, what.buf, &used[i]->password,
					    env.vault_id, &out, &err);
			if (!ret)
				ret = vault_write(target, out.buf, out.len, file_mode(target), &err);
			if (!ret)
				log_msg(LOG_INFO, "saved %s", what.buf);
		} else if (!ret) {
			log_msg(LOG_INFO, "%s: no changes, not rewritten", what.buf);
		}
		vault_envelope_release(&env);
		strbuf_release(&file);
		secret_release(&edited);
		free(target);
	}
	if (ret)
		report(&err);
	release_plain(plain, a->argc);
	free(used);
	vault_keyring_release(&kr);
	strbuf_release(&err);
	strbuf_release(&what);
	strbuf_release(&out);
	reraise(caught);
	return exit_code(ret);
}

static int do_create(struct vault_args *a)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT, out = STRBUF_INIT;
	struct secret empty = SECRET_INIT, edited = SECRET_INIT;
	const struct vault_key *key = NULL;
	const char *path;
	char *dir, *slash;
	int ret = 0, caught = 0, changed = 0;

	if (a->argc != 1) {
		cli_error("'kcfg vault create' takes exactly one file name");
		return cli_usage(&a->entry);
	}
	path = a->argv[0];
	quoted(&what, path);
	if (path_exists(path)) {
		strbuf_addf(&err, "'%s' exists\n  hint: use 'kcfg vault edit %s'", path, path);
		ret = VAULT_ERR_IO;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (!ret && slash && slash != dir) {
		*slash = '\0';
		if (!path_exists(dir)) {
			cli_warning("'%s' does not exist, creating it", dir);
			ret = mkdir_p(dir, 0700, &err) ? VAULT_ERR_IO : 0;
		}
	}
	free(dir);
	if (!ret)
		ret = vault_password_load(&a->src, VAULT_PASSWORD_NEW, &kr, &err);
	if (!ret && !(key = encrypt_key(&kr, a->encrypt_vault_id, &err)))
		ret = VAULT_ERR_IO;
	if (!ret)
		ret = vault_edit_plaintext(&empty, path, editor_command(), what.buf, &edited,
					   &changed, &caught, &err);
	/* like ansible-vault, what the editor left is saved, even if empty */
	if (!ret)
		ret = vault_encrypt(edited.buf ? edited.buf : (const unsigned char *)"",
				    edited.len, what.buf, &key->password, key->label, &out, &err);
	if (!ret)
		ret = vault_write(path, out.buf, out.len, 0600, &err);
	if (ret)
		report(&err);
	secret_release(&edited);
	vault_keyring_release(&kr);
	strbuf_release(&err);
	strbuf_release(&what);
	strbuf_release(&out);
	reraise(caught);
	return exit_code(ret);
}

/* The files a rekey rewrote, and those it did not, when it stopped halfway. */
static void report_halfway(const struct file_change *fc, size_t n)
{
	struct strbuf changed = STRBUF_INIT, kept = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		struct strbuf *sb = fc[i].changed ? &changed : &kept;
		strbuf_addf(sb, "%s'%s'", sb->len ? ", " : "", fc[i].path);
	}
	cli_error("the rekey stopped halfway and could not undo it: %s now open%s only with "
		  "the new password; %s still with the old one", changed.buf,
		  strchr(changed.buf, ',') ? "" : "s", kept.len ? kept.buf : "none");
	cli_hint("give each file the password it has, or run the rekey again on the "
		 "files still with the old one");
	strbuf_release(&changed);
	strbuf_release(&kept);
}

/*
 * Writes every rekeyed vault (in place, or stdout for "-") and the
 * registry's keys, all or nothing. Prints; returns 0 or -1.
 */
static int write_rekeyed(struct vault_args *a, struct strbuf *raw, struct strbuf *out,
			 const struct vault_pki *vp)
{
	struct file_change *fc = xcalloc((size_t)a->argc + vp->nr, sizeof(*fc));
	struct strbuf err = STRBUF_INIT;
	struct strvec targets = STRVEC_INIT;
	size_t nr = 0;
	int ret;

	for (int i = 0; i < a->argc; i++) {
		char *target;

		if (!strcmp(a->argv[i], "-"))
			continue;
		target = vault_target_path(a->argv[i]);
		fc[nr].path = strvec_push(&targets, target);
		free(target);
		fc[nr].data = out[i].buf;
		fc[nr].len = out[i].len;
		fc[nr].old = raw[i].buf;
		fc[nr].old_len = raw[i].len;
		fc[nr].mode = fc[nr].old_mode = file_mode(fc[nr].path);
		nr++;
	}
	for (size_t k = 0; k < vp->nr; k++, nr++) {
		fc[nr].path = vp->keys[k].path;
		fc[nr].data = vp->keys[k].new.buf;
		fc[nr].len = vp->keys[k].new.len;
		fc[nr].old = vp->keys[k].old.buf;
		fc[nr].old_len = vp->keys[k].old.len;
		fc[nr].mode = fc[nr].old_mode = 0600;
	}
	ret = replace_files(fc, nr, &err);
	if (ret == -1) {
		cli_error_buf(&err);
		cli_hint("nothing was changed: every file still opens with the old password");
	} else if (ret == -2) {
		cli_error_buf(&err);
		report_halfway(fc, nr);
	}
	for (int i = 0; i < a->argc && !ret; i++)
		if (!strcmp(a->argv[i], "-") &&
		    vault_write("-", out[i].buf, out[i].len, 0, &err)) {
			report(&err);
			ret = -1;
		}
	if (!ret && vp->nr)
		fprintf(stderr, "note: the registry's key%s in '%s' now open%s with the new "
			"password too\n", vp->nr == 1 ? "" : "s", vp->dir,
			vp->nr == 1 ? "s" : "");
	free(fc);
	strvec_clear(&targets);
	strbuf_release(&err);
	return ret ? -1 : 0;
}

static int do_rekey(struct vault_args *a)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT, new_kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT, *out = NULL, *raw = NULL;
	struct secret *plain = NULL;
	const struct vault_key **used = NULL, *key = NULL;
	struct vault_pki vp;
	int n = a->argc, ret, printed = 0;

	memset(&vp, 0, sizeof(vp));
	vp.lock.fd = -1;
	ret = decrypt_all(a, &plain, &used, &kr, &raw, &err);
	if (!ret) {
		/* the environment names the old password's file, not the new one's */
		a->new_src.no_env = 1;
		ret = vault_password_load(&a->new_src, VAULT_PASSWORD_NEW, &new_kr, &err);
	}
	if (!ret && !(key = encrypt_key(&new_kr, NULL, &err)))
		ret = VAULT_ERR_IO;
	out = xcalloc((size_t)n, sizeof(*out));
	for (int i = 0; i < n; i++)
		strbuf_init(&out[i], 0);
	for (int i = 0; i < n && !ret; i++) {
		quoted(&what, a->argv[i]);
		ret = vault_encrypt(plain[i].buf ? plain[i].buf : (const unsigned char *)"",
				    plain[i].len, what.buf, &key->password, key->label,
				    &out[i], &err);
	}
	/* the registry's keys have the vault password: they change with it */
	if (!ret && vault_pki_prepare(&vp, a->opts, &kr, &key->password) < 0)
		ret = printed = VAULT_ERR_IO;
	if (!ret && write_rekeyed(a, raw, out, &vp) < 0)
		ret = printed = VAULT_ERR_IO;
	if (ret && !printed)
		report(&err);
	else if (!ret)
		say_done("Rekey successful");
	vault_pki_release(&vp);
	for (int i = 0; i < n; i++) {
		strbuf_release(&out[i]);
		if (raw)
			strbuf_release(&raw[i]);
	}
	free(out);
	free(raw);
	release_plain(plain, n);
	free(used);
	vault_keyring_release(&kr);
	vault_keyring_release(&new_kr);
	strbuf_release(&err);
	strbuf_release(&what);
	return exit_code(ret);
}

/* "NAME: !vault |" and the vault indented, as ansible-vault encrypt_string prints it. */
static void format_inline(struct strbuf *sb, const char *name, const struct strbuf *vault)
{
	const char *p = vault->buf, *end = vault->buf + vault->len;

	if (name)
		strbuf_addf(sb, "%s: ", name);
	strbuf_addstr(sb, "!vault |");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		strbuf_addch(sb, '\n');
		strbuf_addchars(sb, ' ', INLINE_INDENT);
		strbuf_add(sb, p, len);
		p += len + (nl ? 1 : 0);
	}
	/* ansible-vault stops without one; a newline makes `>> vault.yaml` safe */
	strbuf_addch(sb, '\n');
}

static int do_encrypt_string(struct vault_args *a)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT, vault = STRBUF_INIT, out = STRBUF_INIT;
	struct secret plain = SECRET_INIT, name_in = SECRET_INIT;
	const struct vault_key *key = NULL;
	const char *name = a->stdin_name ? a->stdin_name : (a->names.nr ? a->names.v[0] : NULL);
	char *prompted_name = NULL;
	int ret = 0, r;

	if (a->argc) {
		cli_error("refusing to encrypt a string given on the command line");
		cli_hint("other users can read a command line in the process list; pipe "
			 "the value on stdin (printf '%%s' VALUE | kcfg vault encrypt-string "
			 "--name NAME) or use --prompt");
		return KCFG_EXIT_USAGE;
	}
	if (a->names.nr + (a->stdin_name != NULL) > 1) {
		cli_error("only one value is encrypted at a time, so give one name");
		return cli_usage(&a->entry);
	}
	if (a->prompt) {
		if (!name) {
			r = vault_tty_read("Variable name (enter for no name): ", 1, &name_in, &err);
			if (r == -2)
				strbuf_addstr(&err, "--prompt needs a terminal");
			ret = r ? VAULT_ERR_IO : 0;
			if (!ret && name_in.len)
				name = prompted_name = xstrndup((const char *)name_in.buf, name_in.len);
		}
		if (!ret) {
			r = vault_tty_read(a->show_input ? "String to encrypt: "
					   : "String to encrypt (hidden): ",
					   a->show_input, &plain, &err);
			if (r == -2)
				strbuf_addstr(&err, "--prompt needs a terminal");
			ret = r ? VAULT_ERR_IO : 0;
		}
		if (!ret && !plain.len) {
			strbuf_addstr(&err, "the string to encrypt is empty; nothing was encrypted");
			ret = VAULT_ERR_IO;
		}
	} else {
		if (isatty(0))
			fprintf(stderr, "Reading plaintext input from stdin. (ctrl-d to end "
				"input, twice if your content does not already have a newline)\n");
		ret = vault_read_secret("-", &plain, VAULT_MAX_PLAINTEXT, &err);
		if (!ret && !plain.len) {
			strbuf_addstr(&err, "standard input was empty; nothing was encrypted");
			ret = VAULT_ERR_IO;
		}
	}
	if (!ret)
		ret = vault_password_load(&a->src, VAULT_PASSWORD_NEW, &kr, &err);
	if (!ret && !(key = encrypt_key(&kr, a->encrypt_vault_id, &err)))
		ret = VAULT_ERR_IO;
	if (!ret)
		ret = vault_encrypt(plain.buf, plain.len, "the string", &key->password,
				    key->label, &vault, &err);
	if (!ret) {
		format_inline(&out, name, &vault);
		ret = vault_write(a->output ? a->output : "-", out.buf, out.len, 0600, &err);
	}
	if (ret)
		report(&err);
	else
		say_done("Encryption successful");
	secret_release(&plain);
	secret_release(&name_in);
	free(prompted_name);
	vault_keyring_release(&kr);
	strbuf_release(&err);
	strbuf_release(&vault);
	strbuf_release(&out);
	return exit_code(ret);
}

/* check: what the cluster will get from vault.yaml, without showing it. */
static int do_check(struct vault_args *a)
{
	struct cluster_secrets cs = CLUSTER_SECRETS_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *path = a->argc ? a->argv[0] : "vault.yaml";
	int ret;

	if (a->argc > 1) {
		cli_error("'kcfg vault check' takes one file name");
		return cli_usage(&a->entry);
	}
	ret = cluster_secrets_load(path, &a->src, &cs, &dl, &err);
	if (dl.nr)
		cli_report_diags(&dl);
	if (ret == VAULT_ERR_INVALID && !err.len) {
		ret = KCFG_EXIT_INVALID;
	} else if (ret) {
		report(&err);
		ret = ret == VAULT_ERR_INVALID ? KCFG_EXIT_INVALID : KCFG_EXIT_FAILURE;
	} else {
		for (size_t i = 0; i < cluster_secret_names_nr; i++) {
			const struct secret *s = cluster_secrets_at(&cs, i);
			printf("%s: %s\n", cluster_secret_names[i],
			       secret_is_set(s) ? secret_redacted(s) : "(not set)");
		}
	}
	cluster_secrets_release(&cs);
	diag_release(&dl);
	strbuf_release(&err);
	return ret;
}

static const char src_usage[] =
	" [--vault-id [LABEL@]SOURCE]... [--vault-password-file FILE]... [--ask-vault-password]";

static const struct subcommand subcommands[] = {
	{ "create", do_create, OPT_ENCRYPT_ID,
	  "kcfg vault create [OPTIONS] FILE",
	  "create a new vault file in $EDITOR" },
	{ "encrypt", do_encrypt, OPT_OUTPUT | OPT_ENCRYPT_ID,
	  "kcfg vault encrypt [OPTIONS] [--output FILE] [FILE...]",
	  "encrypt files in place (or stdin to stdout)" },
	{ "decrypt", do_decrypt, OPT_OUTPUT,
	  "kcfg vault decrypt [OPTIONS] [--output FILE] [FILE...]",
	  "decrypt files in place (or stdin to stdout)" },
	{ "view", do_view, 0,
	  "kcfg vault view [OPTIONS] FILE...",
	  "print decrypted files, and YAML files with their !vault values decrypted" },
	{ "edit", do_edit, 0,
	  "kcfg vault edit [OPTIONS] FILE...",
	  "edit vault files in $EDITOR" },
	{ "rekey", do_rekey, OPT_NEW,
	  "kcfg vault rekey [OPTIONS] [--new-vault-password-file FILE | --new-vault-id ID] FILE...",
	  "change the password of vault files" },
	{ "encrypt-string", do_encrypt_string, OPT_OUTPUT | OPT_ENCRYPT_ID | OPT_STRING,
	  "kcfg vault encrypt-string [OPTIONS] [--name NAME] [--prompt] [--output FILE] < VALUE",
	  "encrypt a value from stdin as a YAML '!vault |' value" },
	{ "check", do_check, 0,
	  "kcfg vault check [OPTIONS] [VAULT_YAML]",
	  "decrypt vault.yaml and list the cluster secrets it sets, redacted" },
};

static const struct subcommand *find_sub(const char *name)
{
	if (!strcmp(name, "encrypt_string"))	/* ansible-vault's spelling */
		name = "encrypt-string";
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

static void print_sub_help(FILE *f, const struct subcommand *sub)
{
	fprintf(f, "usage: %s\n\n%s\n", sub->usage, sub->summary);
	fprintf(f, "\nPassword options (OPTIONS):%s\n", src_usage);
}

enum {
	O_VAULT_ID = 256, O_PASSWORD_FILE, O_ASK, O_ENCRYPT_ID, O_OUTPUT,
	O_NEW_FILE, O_NEW_ID, O_STDIN_NAME, O_SHOW_INPUT,
};

static const struct option long_options[] = {
	{ "vault-id", required_argument, NULL, O_VAULT_ID },
	{ "vault-password-file", required_argument, NULL, O_PASSWORD_FILE },
	{ "vault-pass-file", required_argument, NULL, O_PASSWORD_FILE },
	{ "ask-vault-password", no_argument, NULL, O_ASK },
	{ "ask-vault-pass", no_argument, NULL, O_ASK },
	{ "encrypt-vault-id", required_argument, NULL, O_ENCRYPT_ID },
	{ "output", required_argument, NULL, O_OUTPUT },
	{ "new-vault-password-file", required_argument, NULL, O_NEW_FILE },
	{ "new-vault-id", required_argument, NULL, O_NEW_ID },
	{ "name", required_argument, NULL, 'n' },
	{ "stdin-name", required_argument, NULL, O_STDIN_NAME },
	{ "prompt", no_argument, NULL, 'p' },
	{ "show-input", no_argument, NULL, O_SHOW_INPUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int needs(const struct vault_args *a, unsigned opt, const char *name)
{
	if (a->sub->opts & opt)
		return 0;
	cli_error("option '%s' does not apply to 'kcfg vault %s'", name, a->sub->name);
	cli_usage(&a->entry);
	return -1;
}

static int parse_options(struct vault_args *a, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	int c, bad = 0;

	cli_getopt_reset();
	while (!bad && (c = cli_getopt(argc, argv, "n:pvh", long_options, &a->entry)) != -1) {
		switch (c) {
		case O_VAULT_ID:
			if (vault_password_source_add_id(&a->src, optarg, &err)) {
				cli_error_buf(&err);
				bad = 1;
			}
			break;
		case O_PASSWORD_FILE:
			vault_password_source_add_file(&a->src, optarg);
			break;
		case O_ASK:
			a->src.ask = 1;
			break;
		case O_ENCRYPT_ID:
			bad = needs(a, OPT_ENCRYPT_ID, "--encrypt-vault-id");
			a->encrypt_vault_id = optarg;
			break;
		case O_OUTPUT:
			bad = needs(a, OPT_OUTPUT, "--output");
			a->output = optarg;
			break;
		case O_NEW_FILE:
		case O_NEW_ID:
			bad = needs(a, OPT_NEW, c == O_NEW_FILE ? "--new-vault-password-file"
				    : "--new-vault-id");
			if (bad)
				break;
			if (a->new_src.nr) {
				cli_error("give one new password: --new-vault-password-file "
					  "or --new-vault-id, once");
				bad = 1;
			} else if (c == O_NEW_FILE) {
				vault_password_source_add_file(&a->new_src, optarg);
			} else if (vault_password_source_add_id(&a->new_src, optarg, &err)) {
				cli_error_buf(&err);
				bad = 1;
			}
			break;
		case 'n':
			bad = needs(a, OPT_STRING, "--name");
			strvec_push(&a->names, optarg);
			break;
		case O_STDIN_NAME:
			bad = needs(a, OPT_STRING, "--stdin-name");
			a->stdin_name = optarg;
			break;
		case 'p':
			bad = needs(a, OPT_STRING, "--prompt");
			a->prompt = 1;
			break;
		case O_SHOW_INPUT:
			bad = needs(a, OPT_STRING, "--show-input");
			a->show_input = 1;
			break;
		case 'v':
			log_set_stderr_level(log_get_stderr_level() < LOG_INFO ? LOG_INFO : LOG_DEBUG);
			break;
		case 'h':
			print_sub_help(stdout, a->sub);
			strbuf_release(&err);
			return 1;
		default:
			bad = 1;
			break;
		}
	}
	strbuf_release(&err);
	if (bad)
		return -1;
	if (a->output && argc - optind > 1) {
		cli_error("--output takes one input file, not %d", argc - optind);
		return -1;
	}
	if (a->encrypt_vault_id) {
		int found = 0;
		for (size_t i = 0; i < a->src.nr; i++)
			found |= !strcmp(a->src.ids[i].label ? a->src.ids[i].label
					 : VAULT_DEFAULT_ID, a->encrypt_vault_id);
		if (!found) {
			cli_error("--encrypt-vault-id '%s' matches no --vault-id", a->encrypt_vault_id);
			cli_hint("add --vault-id %s@FILE (or %s@prompt)", a->encrypt_vault_id,
				 a->encrypt_vault_id);
			return -1;
		}
	}
	if ((a->sub->opts & OPT_ENCRYPT_ID) && !a->encrypt_vault_id &&
	    a->src.nr + (a->src.ask && a->src.nr) > 1) {
		cli_error("more than one vault password was given; choose the one to "
			  "encrypt with");
		cli_hint("add --encrypt-vault-id LABEL");
		return -1;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (!a->argc && (a->sub->fn == do_view || a->sub->fn == do_edit ||
			 a->sub->fn == do_rekey || a->sub->fn == do_create)) {
		cli_error("'kcfg vault %s' needs a file name", a->sub->name);
		return -1;
	}
	return 0;
}

static int unknown_sub(const char *name)
{
	const char *names[ARRAY_SIZE(subcommands)];
	const char *near;

	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		names[i] = subcommands[i].name;
	cli_error("'%s' is not a 'kcfg vault' command", name);
	near = suggest_nearest(name, names, ARRAY_SIZE(names));
	if (near)
		cli_hint("did you mean 'kcfg vault %s'?", near);
	fprintf(stderr, "Run 'kcfg help vault' for the list.\n");
	return KCFG_EXIT_USAGE;
}

static int cmd_vault(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct vault_args a;
	struct strbuf name = STRBUF_INIT;
	int ret;

	/* main() made the process non-dumpable before anything was read */
	if (argc < 2) {
		fprintf(stderr, "usage: %s\n", cmd_vault_entry.usage);
		fprintf(stderr, "Run 'kcfg help vault' for more.\n");
		return KCFG_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		printf("usage: %s\n\n%s\n%s", cmd_vault_entry.usage, cmd_vault_entry.summary,
		       cmd_vault_entry.help);
		return KCFG_EXIT_OK;
	}
	memset(&a, 0, sizeof(a));
	a.opts = ctx->opts;
	a.sub = find_sub(argv[1]);
	if (!a.sub)
		return unknown_sub(argv[1]);
	strvec_init(&a.names);
	strbuf_addf(&name, "vault %s", a.sub->name);
	a.entry.name = name.buf;
	a.entry.usage = a.sub->usage;
	a.entry.summary = a.sub->summary;
	a.entry.help = "";

	ret = parse_options(&a, argc - 1, argv + 1);
	if (ret)
		ret = ret > 0 ? KCFG_EXIT_OK : KCFG_EXIT_USAGE;
	else
		ret = a.sub->fn(&a);

	vault_password_source_release(&a.src);
	vault_password_source_release(&a.new_src);
	strvec_clear(&a.names);
	strbuf_release(&name);
	return ret;
}

static const char vault_help[] =
	"\n"
	"Commands:\n"
	"  create FILE          create a new vault file in $EDITOR\n"
	"  encrypt [FILE...]    encrypt files in place, or stdin to stdout\n"
	"  decrypt [FILE...]    decrypt files in place, or stdin to stdout\n"
	"  view FILE...         print decrypted; for YAML with inline !vault values,\n"
	"                       print the file with those values decrypted\n"
	"  edit FILE...         decrypt into $EDITOR (default vi), re-encrypt if changed\n"
	"  rekey FILE...        re-encrypt with a new password\n"
	"  encrypt-string       encrypt stdin (or --prompt) as a 'NAME: !vault |' value\n"
	"  check [VAULT_YAML]   list which cluster secrets vault.yaml sets (redacted)\n"
	"\n"
	"Password options (every command):\n"
	"  --vault-password-file FILE   read the password from FILE (surrounding\n"
	"                               whitespace stripped); if FILE is executable,\n"
	"                               run it and use what it prints\n"
	"  --vault-id [LABEL@]SOURCE    SOURCE is a file or 'prompt'; encrypting with\n"
	"                               a LABEL writes format 1.2 with that label\n"
	"  --ask-vault-password         ask on the terminal\n"
	"  Without these, the file named by $KCFG_VAULT_PASSWORD_FILE or\n"
	"  $ANSIBLE_VAULT_PASSWORD_FILE is used, else the terminal is asked.\n"
	"\n"
	"Other options:\n"
	"  --output FILE                encrypt, decrypt, encrypt-string: write\n"
	"                               there ('-' for stdout)\n"
	"  --encrypt-vault-id LABEL     which --vault-id's password encrypts\n"
	"  --new-vault-password-file FILE, --new-vault-id [LABEL@]SOURCE   rekey\n"
	"  -n, --name NAME, --stdin-name NAME   encrypt-string: the variable name\n"
	"  -p, --prompt, --show-input   encrypt-string: ask for the value\n"
	"\n"
	"Files are written atomically and created 0600; edit and rekey keep a\n"
	"file's mode. Decryption failures and bad files exit 1, an invalid\n"
	"vault.yaml (check) 65, usage errors 64. More in docs/vault.md.\n";

const struct cmd_entry cmd_vault_entry = {
	"vault", cmd_vault, 0,
	"encrypt, decrypt and edit Ansible Vault files (ansible-vault compatible)",
	"kcfg vault create|encrypt|decrypt|view|edit|rekey|encrypt-string|check "
	"[OPTIONS] [FILE...]",
	vault_help,
};
