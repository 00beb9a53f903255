#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"
#include "util/strbuf.h"
#include "util/banned.h"

void json_init(struct json_writer *jw, struct strbuf *out, int indent)
{
	memset(jw, 0, sizeof(*jw));
	jw->out = out;
	jw->indent = indent;
}

static void newline(struct json_writer *jw)
{
	if (!jw->indent)
		return;
	strbuf_addch(jw->out, '\n');
	strbuf_addchars(jw->out, ' ', (size_t)(jw->depth * jw->indent));
}

/* Called before every value or key: separator and indentation. */
static void before_item(struct json_writer *jw)
{
	if (jw->after_key) {
		jw->after_key = 0;
		return;
	}
	if (jw->depth > 0) {
		if (jw->count[jw->depth]++)
			strbuf_addch(jw->out, ',');
		newline(jw);
	}
}

static void open_container(struct json_writer *jw, int c)
{
	before_item(jw);
	strbuf_addch(jw->out, c);
	if (jw->depth + 1 >= JSON_MAX_DEPTH)
		return;
	jw->depth++;
	jw->count[jw->depth] = 0;
}

static void close_container(struct json_writer *jw, int c)
{
	int had = jw->count[jw->depth];
	jw->depth--;
	if (had)
		newline(jw);
	strbuf_addch(jw->out, c);	/* the caller adds any final newline */
}

void json_object_begin(struct json_writer *jw) { open_container(jw, '{'); }
void json_object_end(struct json_writer *jw) { close_container(jw, '}'); }
void json_array_begin(struct json_writer *jw) { open_container(jw, '['); }
void json_array_end(struct json_writer *jw) { close_container(jw, ']'); }

void json_key(struct json_writer *jw, const char *key)
{
	before_item(jw);
	json_quote(jw->out, key, strlen(key));
	strbuf_addstr(jw->out, jw->indent ? ": " : ":");
	jw->after_key = 1;
}

void json_quote(struct strbuf *out, const char *s, size_t len)
{
	strbuf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		case '\b': strbuf_addstr(out, "\\b"); break;
		case '\f': strbuf_addstr(out, "\\f"); break;
		default:
			if (c < 0x20)
				strbuf_addf(out, "\\u%04x", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
	strbuf_addch(out, '"');
}

void json_string_len(struct json_writer *jw, const char *s, size_t len)
{
	before_item(jw);
	json_quote(jw->out, s, len);
}

void json_string(struct json_writer *jw, const char *s)
{
	json_string_len(jw, s, strlen(s));
}

void json_int(struct json_writer *jw, long long v)
{
	before_item(jw);
	strbuf_addf(jw->out, "%lld", v);
}

void json_double(struct json_writer *jw, double v)
{
	before_item(jw);
	if (!isfinite(v))
		strbuf_addstr(jw->out, "null");
	else
		strbuf_addf(jw->out, "%.17g", v);
}

void json_bool(struct json_writer *jw, int v)
{
	before_item(jw);
	strbuf_addstr(jw->out, v ? "true" : "false");
}

void json_null(struct json_writer *jw)
{
	before_item(jw);
	strbuf_addstr(jw->out, "null");
}

void json_member_string(struct json_writer *jw, const char *key, const char *s)
{
	json_key(jw, key);
	if (s)
		json_string(jw, s);
	else
		json_null(jw);
}

void json_raw(struct json_writer *jw, const char *text)
{
	before_item(jw);
	strbuf_addstr(jw->out, text);
}
