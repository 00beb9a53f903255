#ifndef KCFG_CLI_VAULT_PKI_H
#define KCFG_CLI_VAULT_PKI_H

#include <stddef.h>

#include "util/state-dir.h"
#include "util/strbuf.h"

struct kcfg_opts;
struct secret;
struct vault_keyring;

/*
 * The registry's keys in .kcfg/pki are encrypted with the vault password
 * (pki/pki.h), so `kcfg vault rekey` gives them the new password too, in
 * the same all-or-nothing step as the vault files. This loads them and
 * encrypts them anew; the caller writes them.
 */
struct vault_pki_key {
	char *path;
	struct strbuf old;		/* the file as it is */
	struct strbuf new;		/* encrypted with the new password */
};

struct vault_pki {
	char *dir;			/* .kcfg/pki beside the inventory */
	struct state_lock lock;		/* on .kcfg, held until release */
	struct vault_pki_key *keys;
	size_t nr;
};

/*
 * Takes the state directory's lock (when there is a .kcfg) and encrypts
 * every key there that one of the `old` passwords opens with `new_pw`.
 * A key that no old password opens is left as it is, with a warning.
 * Prints problems; returns 0 or -1.
 */
int vault_pki_prepare(struct vault_pki *vp, const struct kcfg_opts *opts,
		      const struct vault_keyring *old, const struct secret *new_pw);
void vault_pki_release(struct vault_pki *vp);

#endif
