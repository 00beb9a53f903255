#ifndef KCFG_JSON_H
#define KCFG_JSON_H

#include <stddef.h>

struct strbuf;

/*
 * A small streaming JSON writer into a strbuf, pretty-printed with a
 * fixed indent. It tracks nesting so commas and newlines are always
 * right; the caller only says what comes next.
 */
#define JSON_MAX_DEPTH 64

struct json_writer {
	struct strbuf *out;
	int indent;		/* spaces per level; 0 = compact */
	int depth;
	int count[JSON_MAX_DEPTH];	/* items so far at each depth */
	int after_key;
};

void json_init(struct json_writer *jw, struct strbuf *out, int indent);
void json_object_begin(struct json_writer *jw);
void json_object_end(struct json_writer *jw);
void json_array_begin(struct json_writer *jw);
void json_array_end(struct json_writer *jw);
void json_key(struct json_writer *jw, const char *key);
void json_string(struct json_writer *jw, const char *s);
void json_string_len(struct json_writer *jw, const char *s, size_t len);
void json_int(struct json_writer *jw, long long v);
void json_double(struct json_writer *jw, double v);
void json_bool(struct json_writer *jw, int v);
void json_null(struct json_writer *jw);
/* `"key": s`, or `"key": null` when s is NULL. */
void json_member_string(struct json_writer *jw, const char *key, const char *s);
/* A value already in JSON form, e.g. a number kept as text. */
void json_raw(struct json_writer *jw, const char *text);

/*
 * Appends `s` as a quoted JSON string (escaping per RFC 8259), escaping
 * exactly what Python's json.dumps(ensure_ascii=False) escapes, so that
 * inventory output matches ansible-inventory byte for byte.
 */
void json_quote(struct strbuf *out, const char *s, size_t len);

#endif
