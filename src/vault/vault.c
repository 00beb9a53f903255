#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "vault/vault.h"
#include "util/hex.h"
#include "util/banned.h"

#define AES_BLOCK 16

static const char hint_corrupt[] =
	"\n  hint: the file was damaged; restore it from a backup or version control";

void vault_keyring_add(struct vault_keyring *kr, const char *label,
		       struct secret *password)
{
	struct vault_key *k;

	ALLOC_GROW(kr->keys, kr->nr + 1, kr->alloc);
	k = &kr->keys[kr->nr++];
	k->label = xstrdup(label && *label ? label : VAULT_DEFAULT_ID);
	secret_init(&k->password);
	secret_move(&k->password, password);
}

const struct vault_key *vault_keyring_find(const struct vault_keyring *kr,
					   const char *label)
{
	for (size_t i = 0; i < kr->nr; i++)
		if (!strcmp(kr->keys[i].label, label))
			return &kr->keys[i];
	return NULL;
}

void vault_keyring_release(struct vault_keyring *kr)
{
	for (size_t i = 0; i < kr->nr; i++) {
		free(kr->keys[i].label);
		secret_release(&kr->keys[i].password);
	}
	free(kr->keys);
	kr->keys = NULL;
	kr->nr = kr->alloc = 0;
}

int vault_is_encrypted(const void *data, size_t len)
{
	size_t hlen = strlen(VAULT_HEADER);

	return len >= hlen && !memcmp(data, VAULT_HEADER, hlen);
}

/* Decodes exactly `len` hex digits; -1 on a non-hex byte or odd length. */
static int unhex(const char *s, size_t len, unsigned char *out)
{
	if (len % 2)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_digit((unsigned char)s[i]), lo = hex_digit((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void addhex(struct strbuf *sb, const unsigned char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	strbuf_grow(sb, st_mult(len, 2));
	for (size_t i = 0; i < len; i++) {
		strbuf_addch(sb, digits[p[i] >> 4]);
		strbuf_addch(sb, digits[p[i] & 15]);
	}
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Appends at most `max` bytes of header text, non-printable ones as '?'. */
static void add_printable(struct strbuf *sb, const char *p, size_t len, size_t max)
{
	for (size_t i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)p[i];
		strbuf_addch(sb, c >= ' ' && c < 0x7f ? (char)c : '?');
	}
	if (len > max)
		strbuf_addstr(sb, "...");
}

/* Splits the header line (already stripped) on ';' into at most 4 fields. */
static size_t split_header(const char *h, size_t len, const char *field[4],
			   size_t flen[4])
{
	size_t nr = 0, start = 0;

	for (size_t i = 0; i <= len && nr < 4; i++) {
		if (i == len || h[i] == ';') {
			size_t b = start, e = i;
			while (b < e && is_space((unsigned char)h[b]))
				b++;
			while (e > b && is_space((unsigned char)h[e - 1]))
				e--;
			field[nr] = h + b;
			flen[nr] = e - b;
			nr++;
			start = i + 1;
		}
	}
	return nr;
}

static int parse_header(const char *h, size_t len, const char *name,
			struct vault_envelope *env, struct strbuf *err)
{
	const char *field[4];
	size_t flen[4], nr;

	nr = split_header(h, len, field, flen);
	if (nr < 3 || flen[0] != strlen(VAULT_HEADER) ||
	    memcmp(field[0], VAULT_HEADER, flen[0])) {
		strbuf_addf(err, "%s has a malformed vault header '", name);
		add_printable(err, h, len, 80);
		strbuf_addstr(err, "'\n  hint: expected '" VAULT_HEADER ";1.1;AES256' or '"
			      VAULT_HEADER ";1.2;AES256;LABEL'");
		return VAULT_ERR_FORMAT;
	}
	if (!((flen[1] == 3 && !memcmp(field[1], "1.1", 3)) ||
	      (flen[1] == 3 && !memcmp(field[1], "1.2", 3)))) {
		strbuf_addf(err, "%s uses vault format version '", name);
		add_printable(err, field[1], flen[1], 20);
		strbuf_addstr(err, "', which kcfg does not know\n"
			      "  hint: kcfg reads versions 1.1 and 1.2, as ansible-vault writes them");
		return VAULT_ERR_FORMAT;
	}
	if (flen[2] != strlen(VAULT_CIPHER) || memcmp(field[2], VAULT_CIPHER, flen[2])) {
		strbuf_addf(err, "%s is encrypted with unsupported cipher '", name);
		add_printable(err, field[2], flen[2], 20);
		strbuf_addstr(err, "'\n  hint: only " VAULT_CIPHER " is supported, as in ansible-vault");
		return VAULT_ERR_FORMAT;
	}
	memcpy(env->version, field[1], 3);
	env->version[3] = '\0';
	/* like ansible, any 4th field is the vault id, whatever the version */
	if (nr >= 4 && flen[3])
		env->vault_id = xstrndup(field[3], flen[3]);
	return 0;
}

/*
 * Splits the inner text "hex(salt)\nhex(hmac)\nhex(ct)" and decodes each
 * part. Lengths are checked before any key is derived, so a truncated
 * file says so instead of failing as a wrong password would.
 */
static int parse_inner(const char *in, size_t len, const char *name,
		       struct vault_envelope *env, struct strbuf *err)
{
	const char *nl1 = memchr(in, '\n', len), *nl2;
	const char *hmac_hex, *ct_hex;
	size_t salt_hex_len, hmac_hex_len, ct_hex_len;

	nl2 = nl1 ? memchr(nl1 + 1, '\n', len - (size_t)(nl1 + 1 - in)) : NULL;
	if (!nl2) {
		strbuf_addf(err, "%s is corrupt: the encrypted data does not hold "
			    "a salt, an HMAC and a ciphertext%s", name, hint_corrupt);
		return VAULT_ERR_FORMAT;
	}
	salt_hex_len = (size_t)(nl1 - in);
	hmac_hex = nl1 + 1;
	hmac_hex_len = (size_t)(nl2 - hmac_hex);
	ct_hex = nl2 + 1;
	ct_hex_len = len - (size_t)(ct_hex - in);

	if (!salt_hex_len || hmac_hex_len != 64) {
		strbuf_addf(err, "%s is corrupt: the %s has the wrong length%s", name,
			    salt_hex_len ? "HMAC" : "salt", hint_corrupt);
		return VAULT_ERR_FORMAT;
	}
	if (!ct_hex_len || ct_hex_len % 2 || (ct_hex_len / 2) % AES_BLOCK) {
		strbuf_addf(err, "%s is truncated: the ciphertext is not a whole "
			    "number of AES blocks%s", name, hint_corrupt);
		return VAULT_ERR_FORMAT;
	}
	env->salt_len = salt_hex_len / 2;
	env->salt = xmalloc(env->salt_len ? env->salt_len : 1);
	env->ct_len = ct_hex_len / 2;
	env->ciphertext = xmalloc(env->ct_len);
	if (unhex(in, salt_hex_len, env->salt) ||
	    unhex(hmac_hex, hmac_hex_len, env->hmac) ||
	    unhex(ct_hex, ct_hex_len, env->ciphertext)) {
		strbuf_addf(err, "%s is corrupt: the encrypted data is not valid hex%s",
			    name, hint_corrupt);
		return VAULT_ERR_FORMAT;
	}
	return 0;
}

int vault_parse(const void *data, size_t len, const char *name,
		struct vault_envelope *env, struct strbuf *err)
{
	const char *p = data, *end = p + len, *eol, *h;
	struct strbuf body = STRBUF_INIT;
	unsigned char *inner = NULL;
	unsigned line = 1, col = 1;
	size_t hlen;
	int ret;

	if (!vault_is_encrypted(data, len)) {
		strbuf_addf(err, "%s is not vault encrypted\n"
			    "  hint: vault files start with '" VAULT_HEADER ";'; "
			    "encrypt a file with 'kcfg vault encrypt FILE'", name);
		return VAULT_ERR_NOT_VAULT;
	}
	/* the header is the first line, ended by \n or \r (Python's splitlines) */
	for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
		;
	h = p;
	hlen = (size_t)(eol - p);
	while (hlen && is_space((unsigned char)h[hlen - 1]))
		hlen--;
	ret = parse_header(h, hlen, name, env, err);
	if (ret)
		goto out;

	/* the body: hex digits in lines of any length; blank space is skipped */
	for (const char *q = eol; q < end; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '\n' || (c == '\r' && (q + 1 == end || q[1] != '\n'))) {
			line++;	/* the header is line 1 */
			col = 1;
			continue;
		}
		col++;
		if (is_space(c))
			continue;
		if (hex_digit(c) < 0) {
			strbuf_addf(err, "%s is corrupt: unexpected character at line %u, "
				    "column %u of the vault data%s", name, line, col - 1,
				    hint_corrupt);
			ret = VAULT_ERR_FORMAT;
			goto out;
		}
		strbuf_addch(&body, (char)c);
	}
	if (!body.len) {
		strbuf_addf(err, "%s is truncated: nothing follows the vault header%s",
			    name, hint_corrupt);
		ret = VAULT_ERR_FORMAT;
		goto out;
	}
	if (body.len % 2) {
		strbuf_addf(err, "%s is truncated: the vault data has an odd number "
			    "of hex digits%s", name, hint_corrupt);
		ret = VAULT_ERR_FORMAT;
		goto out;
	}
	inner = xmalloc(body.len / 2);
	unhex(body.buf, body.len, inner);	/* cannot fail: digits checked above */
	ret = parse_inner((const char *)inner, body.len / 2, name, env, err);
out:
	if (ret)
		vault_envelope_release(env);
	free(inner);
	strbuf_release(&body);
	return ret;
}

void vault_envelope_release(struct vault_envelope *env)
{
	free(env->vault_id);
	free(env->salt);
	free(env->ciphertext);
	memset(env, 0, sizeof(*env));
}

void vault_derive_keys(const struct secret *password, const unsigned char *salt,
		       size_t salt_len, struct vault_keys *keys)
{
	unsigned char dk[80];
	static const unsigned char empty[1];

	/* PBKDF2 cannot fail for these sizes except out of memory */
	if (!PKCS5_PBKDF2_HMAC(password->len ? (const char *)password->buf : "",
			       (int)password->len, salt_len ? salt : empty,
			       (int)salt_len, VAULT_KDF_ROUNDS, EVP_sha256(),
			       (int)sizeof(dk), dk))
		abort();
	memcpy(keys->cipher_key, dk, 32);
	memcpy(keys->hmac_key, dk + 32, 32);
	memcpy(keys->iv, dk + 64, 16);
	secret_wipe(dk, sizeof(dk));
}

void vault_keys_wipe(struct vault_keys *keys)
{
	secret_wipe(keys, sizeof(*keys));
}

/* AES-256-CTR both ways; `out` has room for `len` bytes. */
static int aes_ctr(const struct vault_keys *keys, const unsigned char *in,
		   size_t len, unsigned char *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, finl = 0, ok;

	if (!ctx || len > INT_MAX)
		abort();
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), NULL, keys->cipher_key, keys->iv) &&
	     EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) &&
	     EVP_EncryptFinal_ex(ctx, out + outl, &finl);
	EVP_CIPHER_CTX_free(ctx);
	return ok && (size_t)(outl + finl) == len ? 0 : -1;
}

static void hmac_sha256(const struct vault_keys *keys, const unsigned char *data,
			size_t len, unsigned char mac[32])
{
	unsigned int maclen = 0;

	if (!HMAC(EVP_sha256(), keys->hmac_key, 32, data, len, mac, &maclen) ||
	    maclen != 32)
		abort();
}

int vault_open(const struct vault_envelope *env, const struct vault_keys *keys,
	       struct secret *out)
{
	unsigned char mac[32];
	size_t pad, bad = 0;
	int match;

	secret_release(out);
	hmac_sha256(keys, env->ciphertext, env->ct_len, mac);
	match = CRYPTO_memcmp(mac, env->hmac, sizeof(mac)) == 0;
	secret_wipe(mac, sizeof(mac));
	if (!match || !env->ct_len || env->ct_len % AES_BLOCK)
		return VAULT_ERR_DECRYPT;

	secret_grow(out, env->ct_len);
	if (aes_ctr(keys, env->ciphertext, env->ct_len, out->buf)) {
		secret_wipe(out->buf, env->ct_len);
		secret_release(out);
		return VAULT_ERR_DECRYPT;
	}
	out->len = env->ct_len;
	/* PKCS#7: 1..16 bytes, each equal to the count */
	pad = out->buf[out->len - 1];
	if (pad < 1 || pad > AES_BLOCK)
		bad = 1;
	else
		for (size_t i = 0; i < pad; i++)
			bad |= out->buf[out->len - 1 - i] != pad;
	if (bad) {
		secret_release(out);
		return VAULT_ERR_DECRYPT;
	}
	secret_truncate(out, out->len - pad);
	return 0;
}

static int try_key(const struct vault_envelope *env, const struct vault_key *k,
		   struct secret *out)
{
	struct vault_keys keys;
	int ret;

	vault_derive_keys(&k->password, env->salt, env->salt_len, &keys);
	ret = vault_open(env, &keys, out);
	vault_keys_wipe(&keys);
	return ret;
}

int vault_decrypt(const void *data, size_t len, const char *name,
		  const struct vault_keyring *kr, struct secret *out,
		  const struct vault_key **used, struct strbuf *err)
{
	struct vault_envelope env = VAULT_ENVELOPE_INIT;
	const struct vault_key *first = NULL;
	int ret;

	ret = vault_parse(data, len, name, &env, err);
	if (ret)
		return ret;
	log_msg(LOG_DEBUG, "%s: vault format %s, vault id '%s'", name, env.version,
		env.vault_id ? env.vault_id : VAULT_DEFAULT_ID);
	if (!kr->nr) {
		strbuf_addf(err, "no vault password to decrypt %s", name);
		ret = VAULT_ERR_DECRYPT;
		goto out;
	}
	ret = VAULT_ERR_DECRYPT;
	if (env.vault_id && (first = vault_keyring_find(kr, env.vault_id))) {
		log_msg(LOG_DEBUG, "%s: trying the password for vault id '%s'",
			name, first->label);
		ret = try_key(&env, first, out);
	}
	for (size_t i = 0; ret && i < kr->nr; i++) {
		if (&kr->keys[i] == first)
			continue;
		log_msg(LOG_DEBUG, "%s: trying the password for vault id '%s'",
			name, kr->keys[i].label);
		ret = try_key(&env, &kr->keys[i], out);
		if (!ret)
			first = &kr->keys[i];
	}
	if (ret) {
		strbuf_addf(err, "decryption failed for %s\n"
			    "  hint: the vault password is wrong, or the file was "
			    "changed after it was encrypted", name);
		goto out;
	}
	log_msg(LOG_DEBUG, "%s: decrypted with the password for vault id '%s'",
		name, first->label);
	if (used)
		*used = first;
out:
	vault_envelope_release(&env);
	return ret;
}

int vault_id_check(const char *label, struct strbuf *err)
{
	if (!*label) {
		strbuf_addstr(err, "a vault id must not be empty");
		return -1;
	}
	for (const char *p = label; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ';' || c <= ' ' || c == 0x7f) {
			strbuf_addf(err, "'%s' is not a valid vault id: it must not "
				    "contain %s", label,
				    c == ';' ? "';'" : "spaces or control characters");
			return -1;
		}
	}
	return 0;
}

int vault_encrypt_salted(const void *data, size_t len, const char *name,
			 const struct secret *password, const char *vault_id,
			 const unsigned char *salt, size_t salt_len,
			 struct strbuf *out, struct strbuf *err)
{
	struct strbuf inner = STRBUF_INIT, outer = STRBUF_INIT;
	struct secret padded = SECRET_INIT;
	struct vault_keys keys;
	unsigned char *ct = NULL, mac[32];
	size_t pad = AES_BLOCK - len % AES_BLOCK;
	int v12 = vault_id && *vault_id && strcmp(vault_id, VAULT_DEFAULT_ID);

	if (len > VAULT_MAX_PLAINTEXT) {
		strbuf_addf(err, "%s is too large to encrypt (more than %u MiB)",
			    name, VAULT_MAX_PLAINTEXT >> 20);
		return VAULT_ERR_IO;
	}
	if (vault_is_encrypted(data, len)) {
		strbuf_addf(err, "%s is already vault encrypted\n"
			    "  hint: use 'kcfg vault rekey' to change its password", name);
		return VAULT_ERR_INVALID;
	}
	if (v12 && vault_id_check(vault_id, err))
		return VAULT_ERR_INVALID;
	if (!salt_len) {
		strbuf_addstr(err, "an empty salt cannot be used");
		return VAULT_ERR_INVALID;
	}

	secret_add(&padded, data, len);
	for (size_t i = 0; i < pad; i++)
		secret_addch(&padded, (int)pad);
	ct = xmalloc(padded.len);
	vault_derive_keys(password, salt, salt_len, &keys);
	if (aes_ctr(&keys, padded.buf, padded.len, ct))
		abort();
	hmac_sha256(&keys, ct, padded.len, mac);
	vault_keys_wipe(&keys);

	addhex(&inner, salt, salt_len);
	strbuf_addch(&inner, '\n');
	addhex(&inner, mac, sizeof(mac));
	strbuf_addch(&inner, '\n');
	addhex(&inner, ct, padded.len);
	addhex(&outer, (const unsigned char *)inner.buf, inner.len);

	strbuf_addstr(out, VAULT_HEADER);
	strbuf_addstr(out, v12 ? ";1.2;" VAULT_CIPHER ";" : ";1.1;" VAULT_CIPHER);
	if (v12)
		strbuf_addstr(out, vault_id);
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < outer.len; i += VAULT_LINE_WIDTH) {
		size_t n = outer.len - i < VAULT_LINE_WIDTH ? outer.len - i : VAULT_LINE_WIDTH;
		strbuf_add(out, outer.buf + i, n);
		strbuf_addch(out, '\n');
	}

	secret_release(&padded);
	free(ct);
	strbuf_release(&inner);
	strbuf_release(&outer);
	return 0;
}

int vault_encrypt(const void *data, size_t len, const char *name,
		  const struct secret *password, const char *vault_id,
		  struct strbuf *out, struct strbuf *err)
{
	unsigned char salt[VAULT_SALT_LEN];

	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		strbuf_addstr(err, "cannot get random bytes for the salt from OpenSSL");
		return VAULT_ERR_IO;
	}
	return vault_encrypt_salted(data, len, name, password, vault_id, salt,
				    sizeof(salt), out, err);
}
