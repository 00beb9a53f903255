#ifndef KCFG_VALUE_H
#define KCFG_VALUE_H

#include <stddef.h>

struct strbuf;

/*
 * A typed inventory value, as Ansible's INI plugin makes it: each value
 * goes through Python's ast.literal_eval and stays a plain string when
 * that fails. So the types are Python's literal types. JSON output and
 * str() follow Python's json.dumps(sort_keys=True) and str() exactly
 * where an inventory can reach them.
 */
enum value_type {
	VAL_NONE,
	VAL_BOOL,
	VAL_INT,	/* any size: kept as canonical decimal text */
	VAL_FLOAT,
	VAL_COMPLEX,
	VAL_STR,	/* UTF-8; may hold NUL bytes (from escapes) */
	VAL_BYTES,	/* only inside containers: top-level bytes become str */
	VAL_ELLIPSIS,
	VAL_LIST,
	VAL_TUPLE,
	VAL_SET,
	VAL_DICT,
};

struct value {
	enum value_type type;
	union {
		int b;				/* BOOL */
		char *num;			/* INT: "-12", "0" */
		double f;			/* FLOAT */
		struct { double re, im; } c;	/* COMPLEX */
		struct { char *s; size_t len; } str;	/* STR, BYTES (NUL-terminated too) */
		struct {			/* LIST, TUPLE, SET */
			struct value **item;
			size_t nr, alloc;
		} seq;
		struct {			/* DICT, in insertion order */
			struct value **key, **val;
			size_t nr, alloc;
		} dict;
	} u;
};

/* Longest value text literal_eval is tried on; longer text stays a string. */
#define VALUE_MAX_LITERAL (1u << 20)
/* Python's parser limit on nested brackets. */
#define VALUE_MAX_NESTING 200

/* A new string value (copies `len` bytes of `s`). The caller frees. */
struct value *value_new_str(const char *s, size_t len);
/* A new int value from decimal digits (an optional '-' first). */
struct value *value_new_int(const char *decimal);
void value_free(struct value *v);
/* A deep copy; the caller frees. */
struct value *value_dup(const struct value *v);

/*
 * Ansible's INI typing of one value (the plugin's _parse_value): the
 * result of ast.literal_eval(text) when `text` is a Python literal,
 * else `text` itself as a string. Returns the new value in *out (the
 * caller frees) and 0, or -1 with a message in `err` when Python itself
 * would fail hard (an unhashable dict key or set member).
 */
int value_from_ini(const char *text, size_t len, struct value **out, struct strbuf *err);

/*
 * Appends `v` as Python's json.dumps(v, sort_keys=True, indent=INDENT,
 * ensure_ascii=False) writes it, nested at `depth` levels of the
 * surrounding document. Returns 0, or -1 with a message in `err` when
 * Python could not write it either (a set, a complex number, bytes, a
 * tuple used as a key).
 */
int value_to_json(const struct value *v, struct strbuf *out, int indent, int depth,
		  struct strbuf *err);

/* Appends Python's str(v). */
void value_str(const struct value *v, struct strbuf *out);

/* Python's name for the type ("str", "int", "list", ...). */
const char *value_type_name(const struct value *v);

/* 1 if `v` is a string equal to the C string `s`. */
int value_is_str(const struct value *v, const char *s);

#endif
