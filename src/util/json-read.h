#ifndef KCFG_JSON_READ_H
#define KCFG_JSON_READ_H

#include <stddef.h>

struct strbuf;

/*
 * A strict RFC 8259 JSON reader into a small tree, for facts files and
 * probe output. Numbers keep their text (and a double); object members
 * keep their order. Limits: JSON_READ_MAX_DEPTH nesting.
 */
#define JSON_READ_MAX_DEPTH 128

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_node {
	enum json_type type;
	unsigned line, col;	/* where the value starts, 1-based */
	int boolean;
	double number;
	char *text;		/* string value (NUL-terminated; len in text_len) or number text */
	size_t text_len;
	char **keys;		/* objects: member names, parallel to items */
	struct json_node **items;	/* arrays and objects */
	size_t nr, alloc, keys_alloc;
};

/*
 * Parses `len` bytes; on success stores a new tree in *out (free with
 * json_node_free) and returns 0; on error returns -1 with
 * "LINE:COL: problem" in err.
 */
int json_parse(const char *buf, size_t len, struct json_node **out, struct strbuf *err);
void json_node_free(struct json_node *n);

/* Member of an object by name, or NULL (also when n is not an object). */
const struct json_node *json_get(const struct json_node *n, const char *key);
/* Typed look-ups: return `def` when missing or of another type. */
const char *json_get_str(const struct json_node *n, const char *key, const char *def);
long long json_get_int(const struct json_node *n, const char *key, long long def);
int json_get_bool(const struct json_node *n, const char *key, int def);
/* 1 if the number is an integer that fits; stores it. */
int json_as_int(const struct json_node *n, long long *out);

#endif
