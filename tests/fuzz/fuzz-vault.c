/*
 * The vault readers fed arbitrary bytes, with a fixed password: the
 * envelope parser, HMAC check, decryption and unpadding (with keys
 * derived once, so the fuzzer is not slowed by PBKDF2 on every input),
 * the inline !vault scanner and renderer, and the vault.yaml reader.
 * Checks the parser's promises as it goes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/hmac.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "vault/inline.h"
#include "vault/secret.h"
#include "vault/secrets.h"
#include "vault/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vault_keys keys;
static struct secret password;

static void setup(void)
{
	static const unsigned char salt[VAULT_SALT_LEN] = { 1, 2, 3 };
	static int done;

	if (done)
		return;
	secret_add(&password, "fuzz-pw", 7);
	vault_derive_keys(&password, salt, sizeof(salt), &keys);
	done = 1;
}

/* With a correct HMAC the decryption and unpadding paths are reached too. */
static void check_envelope(struct vault_envelope *env)
{
	struct secret out = SECRET_INIT;
	unsigned int maclen = 0;

	if (!env->ct_len || env->ct_len % 16 || !env->salt_len)
		abort();
	if (!vault_open(env, &keys, &out) && out.len >= env->ct_len)
		abort();
	secret_release(&out);
	if (!HMAC(EVP_sha256(), keys.hmac_key, 32, env->ciphertext, env->ct_len,
		  env->hmac, &maclen))
		abort();
	if (!vault_open(env, &keys, &out)) {
		/* 1 to 16 bytes of padding went */
		if (out.len >= env->ct_len || out.len + 16 < env->ct_len)
			abort();
	} else if (out.buf) {
		abort();	/* failure leaves nothing behind */
	}
	secret_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_envelope env = VAULT_ENVELOPE_INIT;
	struct vault_inline_list list = VAULT_INLINE_LIST_INIT;
	struct vault_keyring none = VAULT_KEYRING_INIT;
	struct cluster_secrets cs = CLUSTER_SECRETS_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	struct secret out = SECRET_INIT;
	int found;

	setup();
	if (!vault_parse(data, size, "'fuzz'", &env, &err)) {
		if (err.len)
			abort();
		check_envelope(&env);
	} else if (!err.len) {
		abort();	/* every failure says why */
	}
	vault_envelope_release(&env);

	strbuf_reset(&err);
	found = vault_inline_scan((const char *)data, size, "fuzz.yml", &list, &err);
	if (found < 0 && !err.len)
		abort();
	for (int i = 0; i < found; i++) {
		const struct vault_inline *v = &list.v[i];

		if (v->start > v->end || v->end > size || (i && v->start < list.v[i - 1].end))
			abort();
		strbuf_reset(&err);
		if (!vault_parse(v->vaulttext, v->vaulttext_len, "'value'", &env, &err))
			check_envelope(&env);
		vault_envelope_release(&env);
	}
	vault_inline_list_release(&list);

	/* without a password: every value's envelope is parsed, none decrypted */
	strbuf_reset(&err);
	if (vault_inline_render((const char *)data, size, "fuzz.yml", &none, &out, &err) >= 0 &&
	    out.len != size && found == 0)
		abort();
	secret_release(&out);

	strbuf_reset(&err);
	(void)cluster_secrets_parse((const char *)data, size, "fuzz.yml", 0, NULL, &cs, &dl, &err);
	cluster_secrets_release(&cs);
	diag_release(&dl);
	strbuf_release(&err);
	return 0;
}
