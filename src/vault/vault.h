#ifndef KCFG_VAULT_VAULT_H
#define KCFG_VAULT_VAULT_H

#include <stddef.h>

#include "vault/secret.h"

struct strbuf;

/*
 * The Ansible Vault format, versions 1.1 and 1.2, cipher AES256, read and
 * written byte for byte as ansible-vault does:
 *
 *   $ANSIBLE_VAULT;1.1;AES256            (1.2 adds ";LABEL", the vault id)
 *   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), 80 columns
 *
 * with keys from PBKDF2-HMAC-SHA256(password, salt, 10000 rounds, 80
 * bytes) = AES key (32) | HMAC key (32) | initial counter (16), the data
 * PKCS#7-padded and encrypted with AES-256-CTR, and HMAC-SHA256 over the
 * ciphertext. The HMAC is checked, in constant time, before anything is
 * decrypted. Nothing here prints; errors go to `err` (with a "hint:" line
 * where there is something to suggest) and a negative enum vault_error.
 *
 * `name` says in messages what the data is, quoted as the caller wants:
 * "'vault.yaml'", or "the value of 'grafana_password' at vault.yaml:4:19".
 */

#define VAULT_HEADER "$ANSIBLE_VAULT"
#define VAULT_CIPHER "AES256"
#define VAULT_DEFAULT_ID "default"
#define VAULT_SALT_LEN 32
#define VAULT_KDF_ROUNDS 10000
#define VAULT_LINE_WIDTH 80
/* The largest plaintext kcfg encrypts or decrypts. */
#define VAULT_MAX_PLAINTEXT (16u << 20)
/* The largest vault file kcfg reads: hex twice over, plus line breaks. */
#define VAULT_MAX_FILE (4u * VAULT_MAX_PLAINTEXT + (1u << 20))

enum vault_error {
	VAULT_ERR_IO = -1,	 /* reading, writing, a password source */
	VAULT_ERR_NOT_VAULT = -2, /* no "$ANSIBLE_VAULT" header */
	VAULT_ERR_FORMAT = -3,	 /* malformed, truncated, unknown version or cipher */
	VAULT_ERR_DECRYPT = -4,	 /* wrong password or changed data: never says which */
	VAULT_ERR_INVALID = -5,	 /* the decrypted content is not what was expected */
};

/* A parsed vault: everything in it is public (it is ciphertext). */
struct vault_envelope {
	char version[4];	/* "1.1" or "1.2" */
	char *vault_id;		/* the header's label, or NULL */
	unsigned char *salt;
	size_t salt_len;
	unsigned char hmac[32];
	unsigned char *ciphertext;
	size_t ct_len;
};

#define VAULT_ENVELOPE_INIT { "", NULL, NULL, 0, { 0 }, NULL, 0 }

/* The keys PBKDF2 derives from a password and a salt. */
struct vault_keys {
	unsigned char cipher_key[32];
	unsigned char hmac_key[32];
	unsigned char iv[16];
};

/* A password with its vault id label ("default" when none was given). */
struct vault_key {
	char *label;
	struct secret password;
};

/* The passwords one run knows, tried in order (see vault_decrypt). */
struct vault_keyring {
	struct vault_key *keys;
	size_t nr, alloc;
};

#define VAULT_KEYRING_INIT { NULL, 0, 0 }

/* Adds a key; `label` is copied (NULL means "default"), `password` moved in. */
void vault_keyring_add(struct vault_keyring *kr, const char *label,
		       struct secret *password);
/* The key with this label, or NULL. */
const struct vault_key *vault_keyring_find(const struct vault_keyring *kr,
					   const char *label);
void vault_keyring_release(struct vault_keyring *kr);

/* 1 when data starts with the vault header (ansible's is_encrypted). */
int vault_is_encrypted(const void *data, size_t len);

/*
 * Parses a vault (a file's bytes, or an inline value's text) into `env`.
 * Checks the
 * structure only: header, version, cipher, hex, the three fields, block
 * size. Returns 0, VAULT_ERR_NOT_VAULT or VAULT_ERR_FORMAT.
 */
int vault_parse(const void *data, size_t len, const char *name,
		struct vault_envelope *env, struct strbuf *err);
void vault_envelope_release(struct vault_envelope *env);

/* PBKDF2 as above; wipe the result with vault_keys_wipe(). */
void vault_derive_keys(const struct secret *password, const unsigned char *salt,
		       size_t salt_len, struct vault_keys *keys);
void vault_keys_wipe(struct vault_keys *keys);

/*
 * Checks the HMAC (constant time), then decrypts and unpads into `out`
 * (replacing its contents). Returns 0 or VAULT_ERR_DECRYPT; `out` is left
 * empty on failure.
 */
int vault_open(const struct vault_envelope *env, const struct vault_keys *keys,
	       struct secret *out);

/*
 * Parses and decrypts. Keys whose label equals the header's vault id are
 * tried first, then the others in order (ansible-vault's default). On
 * success `out` holds the plaintext and, when `used` is not NULL, *used
 * points at the key that worked. A wrong password and changed data give
 * the same error: "decryption failed for NAME".
 */
int vault_decrypt(const void *data, size_t len, const char *name,
		  const struct vault_keyring *kr, struct secret *out,
		  const struct vault_key **used, struct strbuf *err);

/*
 * Encrypts `len` bytes into a complete vault text appended to `out`:
 * version 1.1 when vault_id is NULL or "default", otherwise 1.2 with the
 * label. Refuses data that is already a vault.
 */
int vault_encrypt(const void *data, size_t len, const char *name,
		  const struct secret *password, const char *vault_id,
		  struct strbuf *out, struct strbuf *err);
/* The same with a given salt instead of a random one: for tests only. */
int vault_encrypt_salted(const void *data, size_t len, const char *name,
			 const struct secret *password, const char *vault_id,
			 const unsigned char *salt, size_t salt_len,
			 struct strbuf *out, struct strbuf *err);

/*
 * Checks a vault id label: not empty, no ';' and no whitespace or
 * control characters (it goes into the header line). Returns 0 or -1.
 */
int vault_id_check(const char *label, struct strbuf *err);

#endif
