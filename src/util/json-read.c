#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/json-read.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/hex.h"
#include "util/banned.h"

struct reader {
	const char *p, *end, *line_start;
	unsigned line;
	struct strbuf *err;
	int failed;
};

static int fail(struct reader *r, const char *what)
{
	if (!r->failed)
		strbuf_addf(r->err, "%u:%u: %s", r->line,
			    (unsigned)(r->p - r->line_start) + 1, what);
	r->failed = 1;
	return -1;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end) {
		char c = *r->p;
		if (c == '\n') {
			r->line++;
			r->line_start = r->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r')
			return;
		r->p++;
	}
}

static struct json_node *new_node(struct reader *r, enum json_type t)
{
	struct json_node *n = xcalloc(1, sizeof(*n));
	n->type = t;
	n->line = r->line;
	n->col = (unsigned)(r->p - r->line_start) + 1;
	return n;
}

static int hex4(struct reader *r, unsigned *out)
{
	unsigned v = 0;
	if (r->end - r->p < 4)
		return fail(r, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(*r->p++);

		if (d < 0)
			return fail(r, "bad \\u escape");
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

static void add_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80)
		strbuf_addch(sb, (int)cp);
	else if (cp < 0x800) {
		strbuf_addch(sb, (int)(0xc0 | (cp >> 6)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (int)(0xe0 | (cp >> 12)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (int)(0xf0 | (cp >> 18)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

/* Reads a string (at the opening quote) into sb. */
static int read_string(struct reader *r, struct strbuf *sb)
{
	r->p++;
	while (r->p < r->end) {
		unsigned char c = (unsigned char)*r->p;
		if (c == '"') {
			r->p++;
			return 0;
		}
		if (c < 0x20)
			return fail(r, "control character in string");
		if (c != '\\') {
			strbuf_addch(sb, c);
			r->p++;
			continue;
		}
		if (++r->p >= r->end)
			break;
		c = (unsigned char)*r->p++;
		switch (c) {
		case '"': case '\\': case '/': strbuf_addch(sb, c); break;
		case 'b': strbuf_addch(sb, '\b'); break;
		case 'f': strbuf_addch(sb, '\f'); break;
		case 'n': strbuf_addch(sb, '\n'); break;
		case 'r': strbuf_addch(sb, '\r'); break;
		case 't': strbuf_addch(sb, '\t'); break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(r, &cp) < 0)
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
					return fail(r, "unpaired surrogate in \\u escape");
				r->p += 2;
				if (hex4(r, &lo) < 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(r, "unpaired surrogate in \\u escape");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000)
				return fail(r, "unpaired surrogate in \\u escape");
			add_utf8(sb, cp);
			break;
		}
		default:
			r->p--;
			return fail(r, "unknown escape in string");
		}
	}
	return fail(r, "unterminated string");
}

static int read_number(struct reader *r, struct json_node *n)
{
	const char *s = r->p;
	char *endp;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	else
		return fail(r, "bad number");
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, "bad number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, "bad number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	n->text = xstrndup(s, (size_t)(r->p - s));
	n->text_len = (size_t)(r->p - s);
	n->number = strtod(n->text, &endp);
	return 0;
}

static int literal(struct reader *r, const char *word)
{
	size_t l = strlen(word);
	if ((size_t)(r->end - r->p) < l || memcmp(r->p, word, l))
		return fail(r, "unexpected character");
	r->p += l;
	return 0;
}

static void add_item(struct json_node *parent, char *key, struct json_node *child)
{
	ALLOC_GROW(parent->items, parent->nr + 1, parent->alloc);
	if (parent->type == JSON_OBJECT) {
		ALLOC_GROW(parent->keys, parent->nr + 1, parent->keys_alloc);
		parent->keys[parent->nr] = key;
	}
	parent->items[parent->nr++] = child;
}

static struct json_node *read_value(struct reader *r, int depth)
{
	struct json_node *n;

	skip_ws(r);
	if (r->p >= r->end) {
		fail(r, "unexpected end of input");
		return NULL;
	}
	if (depth > JSON_READ_MAX_DEPTH) {
		fail(r, "nested too deeply");
		return NULL;
	}
	switch (*r->p) {
	case '{': case '[': {
		int is_obj = *r->p == '{';
		char close = is_obj ? '}' : ']';
		n = new_node(r, is_obj ? JSON_OBJECT : JSON_ARRAY);
		r->p++;
		skip_ws(r);
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return n;
		}
		for (;;) {
			char *key = NULL;
			struct json_node *child;
			if (is_obj) {
				struct strbuf k = STRBUF_INIT;
				skip_ws(r);
				if (r->p >= r->end || *r->p != '"') {
					fail(r, r->p >= r->end ? "unexpected end of input"
							       : "expected a member name in quotes");
					goto bad;
				}
				if (read_string(r, &k) < 0) {
					strbuf_release(&k);
					goto bad;
				}
				key = strbuf_detach(&k, NULL);
				skip_ws(r);
				if (r->p >= r->end || *r->p != ':') {
					free(key);
					fail(r, "expected ':'");
					goto bad;
				}
				r->p++;
			}
			child = read_value(r, depth + 1);
			if (!child) {
				free(key);
				goto bad;
			}
			add_item(n, key, child);
			skip_ws(r);
			if (r->p < r->end && *r->p == ',') {
				r->p++;
				continue;
			}
			if (r->p < r->end && *r->p == close) {
				r->p++;
				return n;
			}
			fail(r, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
			goto bad;
		}
bad:
		json_node_free(n);
		return NULL;
	}
	case '"': {
		struct strbuf s = STRBUF_INIT;
		n = new_node(r, JSON_STRING);
		if (read_string(r, &s) < 0) {
			strbuf_release(&s);
			json_node_free(n);
			return NULL;
		}
		n->text = strbuf_detach(&s, &n->text_len);
		return n;
	}
	case 't': case 'f':
		n = new_node(r, JSON_BOOL);
		n->boolean = *r->p == 't';
		if (literal(r, n->boolean ? "true" : "false") < 0) {
			json_node_free(n);
			return NULL;
		}
		return n;
	case 'n':
		n = new_node(r, JSON_NULL);
		if (literal(r, "null") < 0) {
			json_node_free(n);
			return NULL;
		}
		return n;
	default:
		n = new_node(r, JSON_NUMBER);
		if (read_number(r, n) < 0) {
			json_node_free(n);
			return NULL;
		}
		return n;
	}
}

int json_parse(const char *buf, size_t len, struct json_node **out, struct strbuf *err)
{
	struct reader r = { buf, buf + len, buf, 1, err, 0 };
	struct json_node *n = read_value(&r, 0);

	if (!n)
		return -1;
	skip_ws(&r);
	if (r.p != r.end) {
		fail(&r, "unexpected text after the value");
		json_node_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

void json_node_free(struct json_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nr; i++) {
		json_node_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->text);
	free(n);
}

const struct json_node *json_get(const struct json_node *n, const char *key)
{
	if (!n || n->type != JSON_OBJECT)
		return NULL;
	/* last one wins, as in most readers */
	for (size_t i = n->nr; i-- > 0;)
		if (!strcmp(n->keys[i], key))
			return n->items[i];
	return NULL;
}

const char *json_get_str(const struct json_node *n, const char *key, const char *def)
{
	const struct json_node *v = json_get(n, key);
	return v && v->type == JSON_STRING ? v->text : def;
}

int json_as_int(const struct json_node *n, long long *out)
{
	char *end;
	long long v;

	if (!n || n->type != JSON_NUMBER)
		return 0;
	errno = 0;
	v = strtoll(n->text, &end, 10);
	if (errno || *end)
		return 0;
	*out = v;
	return 1;
}

long long json_get_int(const struct json_node *n, const char *key, long long def)
{
	long long v;
	return json_as_int(json_get(n, key), &v) ? v : def;
}

int json_get_bool(const struct json_node *n, const char *key, int def)
{
	const struct json_node *v = json_get(n, key);
	return v && v->type == JSON_BOOL ? v->boolean : def;
}
