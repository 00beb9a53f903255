/*
 * `kcfg vault rekey` and the registry's keys: without this, a rekey left
 * ca.key and server.key under the old password and every later render,
 * plan and apply failed to decrypt them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "run/model.h"
#include "util/diag.h"
#include "cli/vault-pki.h"
#include "pki/pki.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "vault/secret.h"
#include "vault/vault.h"
#include "util/banned.h"

#define KEY_FILE_MAX (64u << 10)

/*
 * `path` encrypted anew into vp->keys[vp->nr] when an old password opens
 * it. Returns 0 (also when it is left as it is), or -1 when printed.
 */
static int rekey_one(struct vault_pki *vp, const char *path, const struct vault_keyring *old,
		     const struct secret *new_pw)
{
	struct vault_pki_key *k = &vp->keys[vp->nr];
	struct strbuf err = STRBUF_INIT, ignored = STRBUF_INIT;
	const char *new_p = (const char *)new_pw->buf;
	int rc = PKI_WRONG_PASSWORD, ret = -1;

	strbuf_init(&k->old, 0);
	strbuf_init(&k->new, 0);
	if (strbuf_read_file(&k->old, path, KEY_FILE_MAX) < 0) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < old->nr && rc == PKI_WRONG_PASSWORD; i++)
		rc = pki_rekey_pem(k->old.buf, k->old.len, path,
				   (const char *)old->keys[i].password.buf,
				   old->keys[i].password.len, new_p, new_pw->len, &k->new, &err);
	if (rc < 0) {
		cli_error_buf(&err);
		goto out;
	}
	ret = 0;
	if (rc == 0) {
		k->path = xstrdup(path);
		vp->nr++;
		goto out;
	}
	/* a key that opens with the new password already needs nothing */
	if (pki_rekey_pem(k->old.buf, k->old.len, path, new_p, new_pw->len, new_p,
			  new_pw->len, &ignored, &err) != 0)
		cli_warning("'%s' opens with none of the old passwords; it is left as it is",
			    path);
out:
	if (ret < 0 || rc != 0) {
		strbuf_release(&k->old);
		strbuf_release(&k->new);
	}
	strbuf_release(&ignored);
	strbuf_release(&err);
	return ret;
}

int vault_pki_prepare(struct vault_pki *vp, const struct kcfg_opts *opts,
		      const struct vault_keyring *old, const struct secret *new_pw)
{
	struct strbuf err = STRBUF_INIT;
	char *state = model_state_dir(opts->inventory);
	size_t nr_files = 0;
	int rc, ret = -1;

	memset(vp, 0, sizeof(*vp));
	vp->lock.fd = -1;
	vp->dir = xstrfmt("%s/pki", state);
	/* no .kcfg, no keys: nothing to lock or change */
	rc = state_dir_check(state, 0, &err);
	if (rc == 0) {
		struct model_inputs in;
		struct diag_list dl = DIAG_LIST_INIT;

		cli_model_inputs(opts, &in);
		if (model_lock_state(state, &in, &vp->lock, &dl) < 0) {
			cli_report_diags(&dl);
			diag_release(&dl);
			goto out;
		}
	}
	if (rc == 0)
		rc = state_dir_check(vp->dir, 0, &err);
	if (rc < 0) {
		cli_error_buf(&err);
		goto out;
	}
	ret = 0;
	if (rc > 0)
		goto out;
	while (pki_key_files[nr_files])
		nr_files++;
	vp->keys = xcalloc(nr_files, sizeof(*vp->keys));
	for (size_t i = 0; i < nr_files && !ret; i++) {
		char *path = xstrfmt("%s/%s", vp->dir, pki_key_files[i]);

		if (path_exists(path))
			ret = rekey_one(vp, path, old, new_pw);
		free(path);
	}
out:
	free(state);
	strbuf_release(&err);
	return ret;
}

void vault_pki_release(struct vault_pki *vp)
{
	for (size_t i = 0; i < vp->nr; i++) {
		free(vp->keys[i].path);
		strbuf_release(&vp->keys[i].old);
		strbuf_release(&vp->keys[i].new);
	}
	free(vp->keys);
	free(vp->dir);
	state_lock_release(&vp->lock);
	memset(vp, 0, sizeof(*vp));
	vp->lock.fd = -1;
}
