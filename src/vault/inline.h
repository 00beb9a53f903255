#ifndef KCFG_VAULT_INLINE_H
#define KCFG_VAULT_INLINE_H

#include <stddef.h>

#include <yaml.h>

struct secret;
struct strbuf;
struct vault_keyring;

/*
 * Inline vault values: plain YAML whose values are vaults tagged !vault,
 * as `ansible-vault encrypt_string` writes them:
 *
 *   harbor_admin_password: !vault |
 *             $ANSIBLE_VAULT;1.1;AES256
 *             3836...
 *
 * The scanner finds them with libyaml; the renderer prints the document
 * with each one replaced by its decrypted value, everything else kept
 * byte for byte.
 */

/* The most YAML nesting kcfg follows in a vault file. */
#define VAULT_YAML_MAX_DEPTH 64

struct vault_inline {
	char *key;		/* the mapping key it is the value of, or NULL */
	size_t start, end;	/* input bytes [start, end): the tag to the value's last byte */
	unsigned line, col;	/* 1-based, of the tag */
	char *vaulttext;	/* the scalar's value: "$ANSIBLE_VAULT;..." */
	size_t vaulttext_len;
};

struct vault_inline_list {
	struct vault_inline *v;
	size_t nr, alloc;
};

#define VAULT_INLINE_LIST_INIT { NULL, 0, 0 }

/*
 * Finds every scalar tagged !vault in `data`, in document order. `name`
 * (the file) is for messages. Returns how many were found, or
 * VAULT_ERR_INVALID with "NAME:LINE:COL: invalid YAML: ..." in `err`.
 */
int vault_inline_scan(const char *data, size_t len, const char *name,
		      struct vault_inline_list *out, struct strbuf *err);
void vault_inline_list_release(struct vault_inline_list *list);

/*
 * Appends `data` to `out` with every inline value decrypted and written
 * as a YAML double-quoted string. Returns the number of values replaced,
 * or a negative enum vault_error with `err` (then `out` is released).
 */
int vault_inline_render(const char *data, size_t len, const char *name,
			const struct vault_keyring *kr, struct secret *out,
			struct strbuf *err);

/*
 * "the value of 'KEY' at NAME:LINE:COL" (or "the value at ..."), the name
 * used in messages about one inline value.
 */
void vault_inline_describe(struct strbuf *sb, const char *name,
			   const struct vault_inline *v);

/* Appends `len` bytes as a YAML double-quoted scalar, escaping as needed. */
void vault_yaml_quote(struct secret *out, const unsigned char *s, size_t len);

/*
 * For parsers of decrypted YAML: wipe a scalar event's value before
 * yaml_event_delete, and the parser's buffers and queued tokens before
 * yaml_parser_delete, so that no plaintext is left in freed memory.
 */
void vault_yaml_wipe_event(yaml_event_t *ev);
void vault_yaml_wipe_parser(yaml_parser_t *parser);

#endif
