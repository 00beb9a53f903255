#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"
#include "vault/inline.h"
#include "vault/secret.h"
#include "vault/vault.h"
#include "util/banned.h"

#define VAULT_TAG "!vault"

/*
 * libyaml's marks count characters, not bytes; this walks the UTF-8 input
 * forward to turn one into a byte offset. The parser is told the input is
 * UTF-8, so a BOM counts as one character like any other (and UTF-16 is
 * refused rather than mis-placed). Marks arrive in increasing order, so
 * the cursor only moves on, except when asked for an earlier one.
 */
struct offset_cursor {
	const unsigned char *data;
	size_t len, chars, bytes;
};

static void cursor_init(struct offset_cursor *c, const char *data, size_t len)
{
	c->data = (const unsigned char *)data;
	c->len = len;
	c->chars = 0;
	c->bytes = 0;
}

static size_t cursor_offset(struct offset_cursor *c, size_t index)
{
	if (index < c->chars) {
		c->chars = 0;
		c->bytes = 0;
	}
	while (c->chars < index && c->bytes < c->len) {
		c->bytes++;
		while (c->bytes < c->len && (c->data[c->bytes] & 0xc0) == 0x80)
			c->bytes++;
		c->chars++;
	}
	return c->bytes;
}

void vault_yaml_wipe_event(yaml_event_t *ev)
{
	if (ev->type == YAML_SCALAR_EVENT && ev->data.scalar.value)
		secret_wipe(ev->data.scalar.value, ev->data.scalar.length);
}

void vault_yaml_wipe_parser(yaml_parser_t *parser)
{
	if (parser->buffer.start)
		secret_wipe(parser->buffer.start,
			    (size_t)(parser->buffer.end - parser->buffer.start));
	if (parser->raw_buffer.start)
		secret_wipe(parser->raw_buffer.start,
			    (size_t)(parser->raw_buffer.end - parser->raw_buffer.start));
	for (yaml_token_t *t = parser->tokens.head; t && t < parser->tokens.tail; t++)
		if (t->type == YAML_SCALAR_TOKEN && t->data.scalar.value)
			secret_wipe(t->data.scalar.value, t->data.scalar.length);
}

void vault_inline_list_release(struct vault_inline_list *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->v[i].key);
		free(list->v[i].vaulttext);
	}
	free(list->v);
	list->v = NULL;
	list->nr = list->alloc = 0;
}

struct frame {
	int is_map;
	int want_key;
	char *key;
};

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void add_inline(struct vault_inline_list *out, struct offset_cursor *cur,
		       const yaml_event_t *ev, const char *key)
{
	struct vault_inline *v;
	size_t start = cursor_offset(cur, ev->start_mark.index);
	size_t end = cursor_offset(cur, ev->end_mark.index);

	/* keep an anchor: the replacement starts at the tag */
	if (ev->data.scalar.anchor && start < end && cur->data[start] == '&') {
		while (start < end && !is_space(cur->data[start]))
			start++;
		while (start < end && is_space(cur->data[start]))
			start++;
	}
	/* the block scalar's trailing line breaks and indentation stay */
	while (end > start && is_space(cur->data[end - 1]))
		end--;

	ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	v = &out->v[out->nr++];
	v->key = key ? xstrdup(key) : NULL;
	v->start = start;
	v->end = end;
	v->line = (unsigned)ev->start_mark.line + 1;
	v->col = (unsigned)ev->start_mark.column + 1;
	/* a quoted scalar may hold "\0": copy the bytes, not a C string */
	v->vaulttext_len = ev->data.scalar.length;
	v->vaulttext = xmalloc(st_add(v->vaulttext_len, 1));
	memcpy(v->vaulttext, ev->data.scalar.value, v->vaulttext_len);
	v->vaulttext[v->vaulttext_len] = '\0';
}

static void yaml_error(struct strbuf *err, const char *name, const yaml_parser_t *p)
{
	strbuf_addf(err, "%s:%zu:%zu: invalid YAML: %s", name,
		    p->problem_mark.line + 1, p->problem_mark.column + 1,
		    p->problem ? p->problem : "cannot parse");
	if (p->context)
		strbuf_addf(err, " (%s at line %zu)", p->context, p->context_mark.line + 1);
}

int vault_inline_scan(const char *data, size_t len, const char *name,
		      struct vault_inline_list *out, struct strbuf *err)
{
	struct frame stack[VAULT_YAML_MAX_DEPTH];
	struct offset_cursor cur;
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t depth = 0;
	int ret = 0, done = 0;

	cursor_init(&cur, data, len);
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		struct frame *top = depth ? &stack[depth - 1] : NULL;
		const char *key = NULL;
		int is_key = 0;

		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_error(err, name, &parser);
			ret = VAULT_ERR_INVALID;
			break;
		}
		if (top && top->is_map && (ev.type == YAML_SCALAR_EVENT ||
					   ev.type == YAML_ALIAS_EVENT ||
					   ev.type == YAML_SEQUENCE_START_EVENT ||
					   ev.type == YAML_MAPPING_START_EVENT)) {
			is_key = top->want_key;
			top->want_key = !top->want_key;
			if (is_key) {
				free(top->key);
				top->key = NULL;
			} else {
				key = top->key;
			}
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			if (is_key)
				top->key = xstrndup((const char *)ev.data.scalar.value,
						    ev.data.scalar.length);
			else if (ev.data.scalar.tag &&
				 !strcmp((const char *)ev.data.scalar.tag, VAULT_TAG))
				add_inline(out, &cur, &ev, key);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == VAULT_YAML_MAX_DEPTH) {
				strbuf_addf(err, "%s:%zu:%zu: the YAML is nested more than %d deep",
					    name, ev.start_mark.line + 1,
					    ev.start_mark.column + 1, VAULT_YAML_MAX_DEPTH);
				ret = VAULT_ERR_INVALID;
				done = 1;
				break;
			}
			stack[depth].is_map = ev.type == YAML_MAPPING_START_EVENT;
			stack[depth].want_key = 1;
			stack[depth].key = NULL;
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth) {
				depth--;
				free(stack[depth].key);
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		/* a plain vault.yaml may hold plain secrets: leave none behind */
		vault_yaml_wipe_event(&ev);
		yaml_event_delete(&ev);
	}
	while (depth--)
		free(stack[depth].key);
	vault_yaml_wipe_parser(&parser);
	yaml_parser_delete(&parser);
	if (ret)
		vault_inline_list_release(out);
	return ret ? ret : (int)(out->nr > INT_MAX ? INT_MAX : out->nr);
}

void vault_inline_describe(struct strbuf *sb, const char *name,
			   const struct vault_inline *v)
{
	if (v->key)
		strbuf_addf(sb, "the value of '%s' at %s:%u:%u", v->key, name, v->line, v->col);
	else
		strbuf_addf(sb, "the value at %s:%u:%u", name, v->line, v->col);
}

void vault_yaml_quote(struct secret *out, const unsigned char *s, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";

	secret_addch(out, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n;

		switch (c) {
		case '"': secret_add(out, "\\\"", 2); i++; continue;
		case '\\': secret_add(out, "\\\\", 2); i++; continue;
		case '\n': secret_add(out, "\\n", 2); i++; continue;
		case '\t': secret_add(out, "\\t", 2); i++; continue;
		case '\r': secret_add(out, "\\r", 2); i++; continue;
		case '\0': secret_add(out, "\\0", 2); i++; continue;
		default: break;
		}
		n = c >= 0x20 && c != 0x7f ? utf8_decode(s + i, len - i, &cp) : 0;
		if (n) {
			secret_add(out, s + i, n);
			i += n;
			continue;
		}
		/* a control character or a byte that is not UTF-8 */
		secret_add(out, "\\x", 2);
		secret_addch(out, digits[c >> 4]);
		secret_addch(out, digits[c & 15]);
		i++;
	}
	secret_addch(out, '"');
}

int vault_inline_render(const char *data, size_t len, const char *name,
			const struct vault_keyring *kr, struct secret *out,
			struct strbuf *err)
{
	struct vault_inline_list list = VAULT_INLINE_LIST_INIT;
	struct secret value = SECRET_INIT;
	struct strbuf what = STRBUF_INIT;
	size_t prev = 0;
	int ret;

	ret = vault_inline_scan(data, len, name, &list, err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < list.nr; i++) {
		const struct vault_inline *v = &list.v[i];
		int r;

		if (v->start < prev || v->end < v->start) {
			strbuf_addf(err, "%s:%u:%u: cannot place this !vault value in the file",
				    name, v->line, v->col);
			ret = VAULT_ERR_INVALID;
			goto out;
		}
		strbuf_reset(&what);
		vault_inline_describe(&what, name, v);
		r = vault_decrypt(v->vaulttext, v->vaulttext_len, what.buf, kr, &value,
				  NULL, err);
		if (r) {
			ret = r;
			goto out;
		}
		secret_add(out, data + prev, v->start - prev);
		vault_yaml_quote(out, value.buf, value.len);
		secret_release(&value);
		prev = v->end;
	}
	secret_add(out, data + prev, len - prev);
out:
	if (ret < 0)
		secret_release(out);
	secret_release(&value);
	strbuf_release(&what);
	vault_inline_list_release(&list);
	return ret;
}
