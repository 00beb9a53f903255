/* Unit tests for src/vault: secret buffer, format, passwords, inline values, secrets. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "vault/inline.h"
#include "vault/password.h"
#include "vault/secret.h"
#include "vault/secrets.h"
#include "vault/vault.h"

#define VECTORS KCFG_SRCDIR "/tests/data/vault"

static void read_vector(struct strbuf *sb, const char *rel)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_reset(sb);
	strbuf_addf(&path, "%s/%s", VECTORS, rel);
	if (strbuf_read_file(sb, path.buf, 1 << 20) < 0)
		fail_msg("cannot read %s", path.buf);
	strbuf_release(&path);
}

static void set_secret(struct secret *s, const char *text)
{
	secret_release(s);
	secret_add(s, text, strlen(text));
}

static void keyring_with(struct vault_keyring *kr, const char *label, const char *pw)
{
	struct secret s = SECRET_INIT;

	set_secret(&s, pw);
	vault_keyring_add(kr, label, &s);
	secret_release(&s);
}

static void test_secret_buffer(void **state)
{
	struct secret a = SECRET_INIT, b = SECRET_INIT;
	char big[10000];

	assert_null(a.buf);
	assert_false(secret_is_set(&a));
	assert_string_equal(secret_redacted(&a), "");
	secret_add(&a, "pw", 2);
	assert_true(secret_is_set(&a));
	assert_string_equal((char *)a.buf, "pw");
	assert_string_equal(secret_redacted(&a), "<redacted>");
	/* growing past a page keeps the bytes and the NUL */
	memset(big, 'x', sizeof(big));
	secret_add(&a, big, sizeof(big));
	assert_int_equal(a.len, 10002);
	assert_int_equal(a.buf[a.len], '\0');
	assert_memory_equal(a.buf, "pwxx", 4);
	assert_true(a.alloc % 4096 == 0);
	secret_truncate(&a, 2);
	assert_string_equal((char *)a.buf, "pw");
	secret_copy(&b, &a);
	assert_true(secret_equal(&a, &b));
	secret_addch(&b, '!');
	assert_false(secret_equal(&a, &b));
	secret_move(&a, &b);
	assert_string_equal((char *)a.buf, "pw!");
	assert_null(b.buf);
	secret_release(&a);
	assert_null(a.buf);
	assert_int_equal(a.len, 0);
	secret_release(NULL);
}

static void test_secret_strip_like_python(void **state)
{
	struct secret s = SECRET_INIT;

	/* b"  strip-me \r\n\n".strip() == b"strip-me" */
	secret_add(&s, "  strip-me \r\n\n", 14);
	secret_strip(&s, SECRET_WHITESPACE);
	assert_int_equal(s.len, 8);
	assert_string_equal((char *)s.buf, "strip-me");
	/* strip(b"\r\n") keeps spaces */
	set_secret(&s, "\r\n pw \n");
	secret_strip(&s, "\r\n");
	assert_string_equal((char *)s.buf, " pw ");
	set_secret(&s, " \t\v\f ");
	secret_strip(&s, SECRET_WHITESPACE);
	assert_int_equal(s.len, 0);
	/* a NUL byte is not whitespace */
	secret_release(&s);
	secret_add(&s, "\0a ", 3);
	secret_strip(&s, SECRET_WHITESPACE);
	assert_int_equal(s.len, 2);
	secret_release(&s);
}

static void test_secret_read_fd_cap(void **state)
{
	struct secret s = SECRET_INIT;
	char path[] = "/tmp/kcfg-test-vault-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "12345678", 8), 8);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(secret_read_fd(&s, fd, 8), 0);	/* exactly the cap */
	assert_int_equal(s.len, 8);
	secret_release(&s);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(secret_read_fd(&s, fd, 7), -1);
	assert_int_equal(errno, EFBIG);
	secret_release(&s);
	close(fd);
	unlink(path);
}

/* Vector 11: a fixed salt makes encryption checkable byte for byte. */
static void test_fixed_salt_byte_exact(void **state)
{
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT, err = STRBUF_INIT, pt = STRBUF_INIT;
	struct secret pw = SECRET_INIT;
	unsigned char salt[32];
	struct vault_keys keys;
	static const unsigned char key1[] = {
		0x40, 0x3f, 0xd8, 0x38, 0x12, 0x22, 0x98, 0xba, 0x0d, 0xf6, 0xee, 0x85,
		0x5c, 0x6b, 0xba, 0xde, 0xaf, 0x6c, 0xf5, 0xf1, 0xbd, 0x4f, 0xac, 0xab,
		0x86, 0x82, 0x8c, 0x2e, 0xc1, 0x3d, 0xcf, 0x21 };
	static const unsigned char iv[] = {
		0xa8, 0xe7, 0x8b, 0xd6, 0x60, 0x52, 0xdb, 0xd0, 0x20, 0xa1, 0xcf, 0x54,
		0xff, 0x1e, 0x2a, 0x9a };

	for (int i = 0; i < 32; i++)
		salt[i] = (unsigned char)i;
	read_vector(&pt, "11-fixed-salt-libapi/plaintext");
	read_vector(&want, "11-fixed-salt-libapi/password");
	set_secret(&pw, want.buf);

	vault_derive_keys(&pw, salt, sizeof(salt), &keys);
	assert_memory_equal(keys.cipher_key, key1, 32);
	assert_memory_equal(keys.iv, iv, 16);
	vault_keys_wipe(&keys);

	read_vector(&want, "11-fixed-salt-libapi/vault");
	assert_int_equal(vault_encrypt_salted(pt.buf, pt.len, "'x'", &pw, NULL, salt, 32,
					      &got, &err), 0);
	assert_string_equal(got.buf, want.buf);
	strbuf_reset(&got);
	assert_int_equal(vault_encrypt_salted(pt.buf, pt.len, "'x'", &pw, "default", salt,
					      32, &got, &err), 0);
	assert_string_equal(got.buf, want.buf);	/* "default" writes 1.1 */
	read_vector(&want, "11-fixed-salt-libapi/vault.v12");
	strbuf_reset(&got);
	assert_int_equal(vault_encrypt_salted(pt.buf, pt.len, "'x'", &pw, "fixed", salt, 32,
					      &got, &err), 0);
	assert_string_equal(got.buf, want.buf);

	secret_release(&pw);
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&err);
	strbuf_release(&pt);
}

static void test_vectors_decrypt(void **state)
{
	static const char *const dirs[] = {
		"01-empty", "02-newline-only", "03-block-aligned-16", "04-vault-yaml",
		"05-utf8-binary", "06-v12-vault-id-prod", "07-large-10000B",
		"10-password-file-stripped", "11-fixed-salt-libapi",
	};
	struct strbuf v = STRBUF_INIT, pw = STRBUF_INIT, pt = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf path = STRBUF_INIT;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct vault_keyring kr = VAULT_KEYRING_INIT;
		struct secret out = SECRET_INIT;
		const struct vault_key *used = NULL;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/vault", dirs[i]);
		read_vector(&v, path.buf);
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/password", dirs[i]);
		read_vector(&pw, path.buf);
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/plaintext", dirs[i]);
		read_vector(&pt, path.buf);
		/* a wrong key first: the right one must still be found */
		keyring_with(&kr, "other", "not-it");
		keyring_with(&kr, NULL, pw.buf);
		assert_int_equal(vault_decrypt(v.buf, v.len, dirs[i], &kr, &out, &used, &err), 0);
		assert_int_equal(out.len, pt.len);
		if (pt.len)
			assert_memory_equal(out.buf, pt.buf, pt.len);
		assert_ptr_equal(used, &kr.keys[1]);
		secret_release(&out);
		vault_keyring_release(&kr);
	}
	strbuf_release(&v);
	strbuf_release(&pw);
	strbuf_release(&pt);
	strbuf_release(&err);
	strbuf_release(&path);
}

static void test_corrupted_vectors(void **state)
{
	static const struct { const char *file; int code; const char *msg; } cases[] = {
		{ "c1-bad-hmac.vault", VAULT_ERR_DECRYPT, "decryption failed for 'f'" },
		{ "c1b-ciphertext-bitflip.vault", VAULT_ERR_DECRYPT, "decryption failed for 'f'" },
		{ "c2-truncated-last-line.vault", VAULT_ERR_FORMAT, "'f' is truncated" },
		{ "c2b-truncated-odd-hex.vault", VAULT_ERR_FORMAT, "'f' is truncated" },
		{ "c2c-header-only.vault", VAULT_ERR_FORMAT,
		  "'f' is truncated: nothing follows the vault header" },
		{ "c3-wrong-header-cipher.vault", VAULT_ERR_FORMAT,
		  "'f' is encrypted with unsupported cipher 'AES128'" },
		{ "c3b-wrong-header-magic.vault", VAULT_ERR_NOT_VAULT, "'f' is not vault encrypted" },
		{ "c3c-header-missing-cipher.vault", VAULT_ERR_FORMAT,
		  "'f' has a malformed vault header '$ANSIBLE_VAULT;1.1'" },
		{ "c3d-header-version-9.9.vault", VAULT_ERR_FORMAT,
		  "'f' uses vault format version '9.9'" },
	};
	struct strbuf v = STRBUF_INIT, pw = STRBUF_INIT, err = STRBUF_INIT, path = STRBUF_INIT;
	struct vault_keyring kr = VAULT_KEYRING_INIT, wrong = VAULT_KEYRING_INIT;
	struct secret out = SECRET_INIT;

	read_vector(&pw, "corrupted/password");
	keyring_with(&kr, NULL, pw.buf);
	read_vector(&pw, "corrupted/wrong-password");
	keyring_with(&wrong, NULL, pw.buf);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "corrupted/%s", cases[i].file);
		read_vector(&v, path.buf);
		strbuf_reset(&err);
		assert_int_equal(vault_decrypt(v.buf, v.len, "'f'", &kr, &out, NULL, &err),
				 cases[i].code);
		if (!strstr(err.buf, cases[i].msg))
			fail_msg("%s: got '%s'", cases[i].file, err.buf);
		assert_null(out.buf);
	}
	/* the intact file opens with the right password only, same message as tampering */
	read_vector(&v, "corrupted/c4-wrong-password.vault");
	assert_int_equal(vault_decrypt(v.buf, v.len, "'f'", &kr, &out, NULL, &err), 0);
	secret_release(&out);
	strbuf_reset(&err);
	assert_int_equal(vault_decrypt(v.buf, v.len, "'f'", &wrong, &out, NULL, &err),
			 VAULT_ERR_DECRYPT);
	assert_non_null(strstr(err.buf, "decryption failed for 'f'\n  hint: "));
	vault_keyring_release(&kr);
	vault_keyring_release(&wrong);
	strbuf_release(&v);
	strbuf_release(&pw);
	strbuf_release(&err);
	strbuf_release(&path);
}

static void test_roundtrip_and_tamper(void **state)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf v = STRBUF_INIT, err = STRBUF_INIT;
	struct secret out = SECRET_INIT;
	unsigned char data[1000];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	keyring_with(&kr, "prod", "pw");
	for (size_t len = 0; len < 40; len += 1) {
		strbuf_reset(&v);
		assert_int_equal(vault_encrypt(data, len, "'x'", &kr.keys[0].password, "prod",
					       &v, &err), 0);
		assert_true(starts_with(v.buf, "$ANSIBLE_VAULT;1.2;AES256;prod\n"));
		assert_int_equal(vault_decrypt(v.buf, v.len, "'x'", &kr, &out, NULL, &err), 0);
		assert_int_equal(out.len, len);
		if (len)
			assert_memory_equal(out.buf, data, len);
		secret_release(&out);
	}
	/* every line is 80 columns but the last, and the file ends with a newline */
	strbuf_reset(&v);
	assert_int_equal(vault_encrypt(data, sizeof(data), "'x'", &kr.keys[0].password,
				       NULL, &v, &err), 0);
	assert_true(starts_with(v.buf, "$ANSIBLE_VAULT;1.1;AES256\n"));
	assert_int_equal(v.buf[v.len - 1], '\n');
	for (char *p = strchr(v.buf, '\n') + 1, *nl; (nl = strchr(p, '\n')); p = nl + 1)
		if (nl[1])
			assert_int_equal(nl - p, 80);
	/* flipping any hex digit of the body fails to decrypt, never succeeds */
	for (size_t at = strlen("$ANSIBLE_VAULT;1.1;AES256\n"); at < v.len; at += 37) {
		char saved = v.buf[at];
		int r;

		if (saved == '\n')
			continue;
		v.buf[at] = saved == '3' ? '6' : '3';
		strbuf_reset(&err);
		r = vault_decrypt(v.buf, v.len, "'x'", &kr, &out, NULL, &err);
		assert_true(r == VAULT_ERR_DECRYPT || r == VAULT_ERR_FORMAT);
		assert_null(out.buf);
		v.buf[at] = saved;
	}
	/* data that already is a vault is not encrypted twice */
	strbuf_reset(&err);
	assert_int_equal(vault_encrypt(v.buf, v.len, "'x'", &kr.keys[0].password, NULL,
				       &v, &err), VAULT_ERR_INVALID);
	assert_non_null(strstr(err.buf, "'x' is already vault encrypted"));
	vault_keyring_release(&kr);
	strbuf_release(&v);
	strbuf_release(&err);
}

static void test_parse_header_variants(void **state)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf v = STRBUF_INIT, crlf = STRBUF_INIT, err = STRBUF_INIT;
	struct vault_envelope env = VAULT_ENVELOPE_INIT;
	struct secret out = SECRET_INIT;

	keyring_with(&kr, NULL, "pw");
	assert_int_equal(vault_encrypt("hello", 5, "'x'", &kr.keys[0].password, "lbl", &v,
				       &err), 0);
	assert_int_equal(vault_parse(v.buf, v.len, "'x'", &env, &err), 0);
	assert_string_equal(env.version, "1.2");
	assert_string_equal(env.vault_id, "lbl");
	assert_int_equal(env.salt_len, 32);
	assert_int_equal(env.ct_len, 16);
	vault_envelope_release(&env);
	/* CRLF line ends, as a Windows editor leaves them, still decrypt */
	for (size_t i = 0; i < v.len; i++) {
		if (v.buf[i] == '\n')
			strbuf_addch(&crlf, '\r');
		strbuf_addch(&crlf, v.buf[i]);
	}
	assert_int_equal(vault_decrypt(crlf.buf, crlf.len, "'x'", &kr, &out, NULL, &err), 0);
	assert_memory_equal(out.buf, "hello", 5);
	secret_release(&out);
	/* a bad character names its line */
	v.buf[strlen("$ANSIBLE_VAULT;1.2;AES256;lbl\n") + 5] = 'g';
	strbuf_reset(&err);
	assert_int_equal(vault_parse(v.buf, v.len, "'x'", &env, &err), VAULT_ERR_FORMAT);
	assert_non_null(strstr(err.buf, "unexpected character at line 2, column 6"));

	strbuf_reset(&err);
	assert_int_equal(vault_id_check("prod", &err), 0);
	assert_int_equal(vault_id_check("a;b", &err), -1);
	assert_int_equal(vault_id_check("a b", &err), -1);
	assert_int_equal(vault_id_check("", &err), -1);
	vault_keyring_release(&kr);
	strbuf_release(&v);
	strbuf_release(&crlf);
	strbuf_release(&err);
}

static void test_keyring_prefers_matching_label(void **state)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf v = STRBUF_INIT, err = STRBUF_INIT;
	struct secret out = SECRET_INIT;
	const struct vault_key *used = NULL;

	keyring_with(&kr, "a", "pw-a");
	keyring_with(&kr, "b", "pw-b");
	assert_int_equal(vault_encrypt("x", 1, "'x'", &kr.keys[1].password, "b", &v, &err), 0);
	assert_int_equal(vault_decrypt(v.buf, v.len, "'x'", &kr, &out, &used, &err), 0);
	assert_string_equal(used->label, "b");
	secret_release(&out);
	/* the header's label is a hint, not a rule: a mislabelled vault still opens */
	strbuf_reset(&v);
	assert_int_equal(vault_encrypt("x", 1, "'x'", &kr.keys[0].password, "b", &v, &err), 0);
	assert_int_equal(vault_decrypt(v.buf, v.len, "'x'", &kr, &out, &used, &err), 0);
	assert_string_equal(used->label, "a");
	secret_release(&out);
	assert_null(vault_keyring_find(&kr, "c"));
	vault_keyring_release(&kr);
	strbuf_release(&v);
	strbuf_release(&err);
}

static void test_inline_scan_and_render(void **state)
{
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct vault_inline_list list = VAULT_INLINE_LIST_INIT;
	struct strbuf doc = STRBUF_INIT, err = STRBUF_INIT, pw = STRBUF_INIT;
	struct secret out = SECRET_INIT;
	const char *want =
		"---\n"
		"harbor_user: admin\n"
		"harbor_admin_password: \"Harbor12345-ChangeMe\"\n"
		"grafana_user: admin\n";

	read_vector(&doc, "08-encrypt-string-inline/vault");
	read_vector(&pw, "08-encrypt-string-inline/password");
	keyring_with(&kr, NULL, pw.buf);
	assert_int_equal(vault_inline_scan(doc.buf, doc.len, "v.yml", &list, &err), 1);
	assert_string_equal(list.v[0].key, "harbor_admin_password");
	assert_int_equal(list.v[0].line, 3);
	assert_int_equal(list.v[0].col, 24);
	assert_true(starts_with(list.v[0].vaulttext, "$ANSIBLE_VAULT;1.1;AES256\n3836"));
	vault_inline_list_release(&list);

	assert_int_equal(vault_inline_render(doc.buf, doc.len, "v.yml", &kr, &out, &err), 1);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.buf, want, out.len);
	secret_release(&out);

	/* a wrong password names the value and the place */
	vault_keyring_release(&kr);
	keyring_with(&kr, NULL, "wrong");
	assert_true(vault_inline_render(doc.buf, doc.len, "v.yml", &kr, &out, &err) < 0);
	assert_non_null(strstr(err.buf, "decryption failed for the value of "
				"'harbor_admin_password' at v.yml:3:24"));
	assert_null(out.buf);

	/* a quoted value holding a NUL keeps all its bytes (found by fuzzing) */
	assert_int_equal(vault_inline_scan("k: !vault \"a\\0b\"\n", 17, "q.yml", &list, &err), 1);
	assert_int_equal(list.v[0].vaulttext_len, 3);
	assert_memory_equal(list.v[0].vaulttext, "a\0b", 4);
	assert_int_equal(list.v[0].start, 3);
	assert_int_equal(list.v[0].end, 16);
	vault_inline_list_release(&list);

	/* not YAML */
	strbuf_reset(&err);
	assert_int_equal(vault_inline_scan("a: [b\n", 6, "bad.yml", &list, &err),
			 VAULT_ERR_INVALID);
	assert_true(starts_with(err.buf, "bad.yml:"));
	assert_non_null(strstr(err.buf, "invalid YAML"));
	vault_keyring_release(&kr);
	strbuf_release(&doc);
	strbuf_release(&err);
	strbuf_release(&pw);
}

static void test_yaml_quote(void **state)
{
	struct secret out = SECRET_INIT;
	const char *in = "a\"b\\c\nd\te\x01\xc3\xa9\xff";
	const char *want = "\"a\\\"b\\\\c\\nd\\te\\x01\xc3\xa9\\xFF\"";

	vault_yaml_quote(&out, (const unsigned char *)in, strlen(in));
	assert_string_equal((char *)out.buf, want);
	secret_release(&out);
}

static void test_secrets_parse(void **state)
{
	struct cluster_secrets cs = CLUSTER_SECRETS_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	const char *plain =
		"---\n"
		"harbor_admin_password: \"Harbor12345\"\n"
		"harbor_db_password:\n"
		"grafana_pasword: x\n"
		"other: [1, 2]\n";
	const char *bad =
		"grafana_password: a\n"
		"grafana_password: b\n"
		"harbor_db_password: [x]\n";

	assert_int_equal(cluster_secrets_parse(plain, strlen(plain), "vault.yaml", 0, NULL,
					       &cs, &dl, &err), 0);
	assert_string_equal((char *)cs.harbor_admin_password.buf, "Harbor12345");
	assert_false(secret_is_set(&cs.harbor_db_password));
	assert_false(secret_is_set(&cs.grafana_password));
	assert_int_equal(dl.errors, 0);
	diag_format(&dl, &text);
	assert_non_null(strstr(text.buf, "vault.yaml:2:24: warning: 'harbor_admin_password' "
			       "is not encrypted"));
	assert_non_null(strstr(text.buf, "vault.yaml:4:1: warning: unknown key "
			       "'grafana_pasword' in the vault file is ignored"));
	assert_non_null(strstr(text.buf, "did you mean 'grafana_password'?"));
	assert_non_null(strstr(text.buf, "unknown key 'other'"));
	diag_release(&dl);
	strbuf_reset(&text);

	/* already decrypted as a whole: no "not encrypted" warning */
	assert_int_equal(cluster_secrets_parse(plain, strlen(plain), "vault.yaml", 1, NULL,
					       &cs, &dl, &err), 0);
	diag_format(&dl, &text);
	assert_null(strstr(text.buf, "not encrypted"));
	diag_release(&dl);
	strbuf_reset(&text);

	/* errors leave `out` as it was */
	assert_int_equal(cluster_secrets_parse(bad, strlen(bad), "v.yml", 1, NULL, &cs, &dl,
					       &err), VAULT_ERR_INVALID);
	assert_string_equal((char *)cs.harbor_admin_password.buf, "Harbor12345");
	assert_int_equal(dl.errors, 2);
	diag_format(&dl, &text);
	assert_non_null(strstr(text.buf, "v.yml:2:1: error: 'grafana_password' is set "
			       "twice (first at line 1)"));
	assert_non_null(strstr(text.buf, "v.yml:3:21: error: 'harbor_db_password' must be "
			       "a string"));
	diag_release(&dl);

	/* without a list, errors come back in err */
	assert_int_equal(cluster_secrets_parse(bad, strlen(bad), "v.yml", 1, NULL, &cs, NULL,
					       &err), VAULT_ERR_INVALID);
	assert_non_null(strstr(err.buf, "v.yml:2:1: 'grafana_password' is set twice"));
	strbuf_reset(&err);

	/* not a mapping; empty documents */
	assert_int_equal(cluster_secrets_parse("- a\n", 4, "v.yml", 1, NULL, &cs, &dl, &err),
			 VAULT_ERR_INVALID);
	diag_release(&dl);
	assert_int_equal(cluster_secrets_parse("", 0, "v.yml", 1, NULL, &cs, &dl, &err), 0);
	assert_false(secret_is_set(&cs.harbor_admin_password));
	assert_int_equal(cluster_secrets_parse("---\n", 4, "v.yml", 1, NULL, &cs, &dl, &err), 0);
	assert_int_equal(cluster_secrets_parse("a: [\n", 5, "v.yml", 1, NULL, &cs, &dl, &err),
			 VAULT_ERR_INVALID);
	assert_non_null(strstr(err.buf, "v.yml:2:1: invalid YAML"));
	cluster_secrets_release(&cs);
	diag_release(&dl);
	strbuf_release(&err);
	strbuf_release(&text);
}

static void test_secrets_inline_values(void **state)
{
	struct cluster_secrets cs = CLUSTER_SECRETS_INIT;
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf doc = STRBUF_INIT, err = STRBUF_INIT, pw = STRBUF_INIT;

	read_vector(&doc, "09-encrypt-string-v12-dev/vault");
	read_vector(&pw, "09-encrypt-string-v12-dev/password");
	/* without a password the encrypted value cannot be read */
	assert_int_equal(cluster_secrets_parse(doc.buf, doc.len, "v.yml", 0, NULL, &cs, &dl,
					       &err), VAULT_ERR_DECRYPT);
	assert_non_null(strstr(err.buf, "the value of 'grafana_password' at v.yml:2:19 is "
			       "encrypted, but no vault password was given"));
	keyring_with(&kr, "dev", pw.buf);
	assert_int_equal(cluster_secrets_parse(doc.buf, doc.len, "v.yml", 0, &kr, &cs, &dl,
					       &err), 0);
	assert_string_equal((char *)cs.grafana_password.buf, "gr@fana_adm1n");
	assert_int_equal(dl.nr, 0);	/* encrypted values: no warning */
	cluster_secrets_release(&cs);
	vault_keyring_release(&kr);
	diag_release(&dl);
	strbuf_release(&doc);
	strbuf_release(&err);
	strbuf_release(&pw);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void test_password_files_and_scripts(void **state)
{
	char dir[] = "/tmp/kcfg-test-vault-XXXXXX";
	struct strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	struct secret pw = SECRET_INIT;

	assert_non_null(mkdtemp(dir));
	strbuf_addf(&path, "%s/pw", dir);
	write_file(path.buf, "  strip-me \r\n\n", 0600);
	assert_int_equal(vault_password_from_file(path.buf, "default", &pw, &err), 0);
	assert_string_equal((char *)pw.buf, "strip-me");

	write_file(path.buf, " \n", 0600);
	assert_int_equal(vault_password_from_file(path.buf, "default", &pw, &err), VAULT_ERR_IO);
	assert_non_null(strstr(err.buf, "is empty"));
	assert_null(pw.buf);

	/* a script: only CR/LF are stripped from what it prints */
	write_file(path.buf, "#!/bin/sh\nprintf ' spaced pw \\r\\n'\n", 0700);
	strbuf_reset(&err);
	assert_int_equal(vault_password_from_file(path.buf, "default", &pw, &err), 0);
	assert_string_equal((char *)pw.buf, " spaced pw ");

	write_file(path.buf, "#!/bin/sh\necho oops >&2; exit 3\n", 0700);
	assert_int_equal(vault_password_from_file(path.buf, "default", &pw, &err), VAULT_ERR_IO);
	assert_non_null(strstr(err.buf, "exited with status 3"));

	/* a -client script is asked for one vault id and may not know it */
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/pass-client.sh", dir);
	write_file(path.buf, "#!/bin/sh\n[ \"$1 $2\" = '--vault-id prod' ] || exit 2\n"
		   "echo prod-pw\n", 0700);
	strbuf_reset(&err);
	assert_int_equal(vault_password_from_file(path.buf, "prod", &pw, &err), 0);
	assert_string_equal((char *)pw.buf, "prod-pw");
	assert_int_equal(vault_password_from_file(path.buf, "dev", &pw, &err), VAULT_ERR_IO);
	assert_non_null(strstr(err.buf, "has no password for vault id 'dev'"));
	unlink(path.buf);

	strbuf_reset(&err);
	assert_int_equal(vault_password_from_file("/nonexistent/pw", "default", &pw, &err),
			 VAULT_ERR_IO);
	assert_string_equal(err.buf, "vault password file '/nonexistent/pw' was not found");

	strbuf_reset(&path);
	strbuf_addf(&path, "%s/pw", dir);
	unlink(path.buf);
	rmdir(dir);
	secret_release(&pw);
	strbuf_release(&path);
	strbuf_release(&err);
}

static void test_password_sources(void **state)
{
	struct vault_password_source src = VAULT_PASSWORD_SOURCE_INIT;
	struct vault_keyring kr = VAULT_KEYRING_INIT;
	struct strbuf err = STRBUF_INIT;
	char path[] = "/tmp/kcfg-test-vault-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "env-pw\n", 7), 7);
	close(fd);
	assert_int_equal(vault_password_source_add_id(&src, "a;b@x", &err), -1);
	assert_non_null(strstr(err.buf, "'a;b' is not a valid vault id"));
	strbuf_reset(&err);
	assert_int_equal(vault_password_source_add_id(&src, "prod@", &err), -1);
	strbuf_reset(&err);
	assert_int_equal(vault_password_source_add_id(&src, "prod@" "/nonexistent", &err), 0);
	assert_string_equal(src.ids[0].label, "prod");
	assert_string_equal(src.ids[0].source, "/nonexistent");
	assert_int_equal(vault_password_load(&src, VAULT_PASSWORD_DECRYPT, &kr, &err),
			 VAULT_ERR_IO);
	vault_password_source_release(&src);

	/* the environment: kcfg's own variable first */
	setenv(VAULT_PASSWORD_ENV_ANSIBLE, "/nonexistent", 1);
	setenv(VAULT_PASSWORD_ENV, path, 1);
	strbuf_reset(&err);
	assert_int_equal(vault_password_load(&src, VAULT_PASSWORD_DECRYPT, &kr, &err), 0);
	assert_int_equal(kr.nr, 1);
	assert_string_equal(kr.keys[0].label, "default");
	assert_string_equal((char *)kr.keys[0].password.buf, "env-pw");
	vault_keyring_release(&kr);
	unsetenv(VAULT_PASSWORD_ENV);
	assert_int_equal(vault_password_load(&src, VAULT_PASSWORD_DECRYPT, &kr, &err),
			 VAULT_ERR_IO);
	assert_non_null(strstr(err.buf, "hint: the file is named by $" VAULT_PASSWORD_ENV_ANSIBLE));
	unsetenv(VAULT_PASSWORD_ENV_ANSIBLE);
	vault_keyring_release(&kr);
	unlink(path);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_buffer),
		cmocka_unit_test(test_secret_strip_like_python),
		cmocka_unit_test(test_secret_read_fd_cap),
		cmocka_unit_test(test_fixed_salt_byte_exact),
		cmocka_unit_test(test_vectors_decrypt),
		cmocka_unit_test(test_corrupted_vectors),
		cmocka_unit_test(test_roundtrip_and_tamper),
		cmocka_unit_test(test_parse_header_variants),
		cmocka_unit_test(test_keyring_prefers_matching_label),
		cmocka_unit_test(test_inline_scan_and_render),
		cmocka_unit_test(test_yaml_quote),
		cmocka_unit_test(test_secrets_parse),
		cmocka_unit_test(test_secrets_inline_values),
		cmocka_unit_test(test_password_files_and_scripts),
		cmocka_unit_test(test_password_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
