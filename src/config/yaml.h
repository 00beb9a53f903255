#ifndef KCFG_YAML_H
#define KCFG_YAML_H

#include <stddef.h>

struct diag_list;
struct strbuf;

/*
 * YAML in and out, built on libyaml (yaml-0.1).
 *
 * Reading: ydoc_parse() turns one YAML document into a small tree of
 * ynodes, each with its file, line and column (1-based). Aliases are
 * rejected (they would let a few bytes expand into millions of nodes),
 * duplicate mapping keys are errors naming both lines, and the input
 * size, nesting depth and node count are capped. All problems go into a
 * diag_list as FILE:LINE:COL errors.
 *
 * Writing: a yemit drives libyaml's emitter, so quoting is always right:
 * yemit_str() writes any string so that it reads back as that same
 * string (quoted when a plain scalar would be read as a bool, number or
 * null, or would not parse at all).
 */

#define YDOC_MAX_INPUT (4u << 20)	/* bytes of one YAML file */
#define YDOC_MAX_DEPTH 64		/* nested mappings and sequences */
#define YDOC_MAX_NODES (1u << 18)	/* nodes in one document */

enum ynode_type { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

/* How a scalar was written; a plain scalar's type depends on its text. */
enum yscalar_style {
	YSTYLE_PLAIN,
	YSTYLE_SINGLE,
	YSTYLE_DOUBLE,
	YSTYLE_LITERAL,
	YSTYLE_FOLDED,
};

/* What a scalar means, resolved as YAML 1.1 and 1.2 (core) readers do. */
enum yscalar_kind {
	YKIND_STR,
	YKIND_NULL,
	YKIND_BOOL,
	YKIND_INT,
	YKIND_FLOAT,
	YKIND_OTHER,	/* an explicit tag we do not know, e.g. !vault */
};

struct ynode;

struct ynode_pair {
	struct ynode *key;	/* always a scalar */
	struct ynode *value;
};

struct ynode {
	enum ynode_type type;
	const char *file;	/* the document's file name; owned by the ydoc */
	unsigned line, col;	/* 1-based, where the node starts */
	char *tag;		/* explicit tag, expanded ("tag:yaml.org,2002:str"), or NULL */

	/* YNODE_SCALAR: value is NUL-terminated but may hold NULs (len counts all) */
	char *value;
	size_t len;
	enum yscalar_style style;

	/* YNODE_SEQ uses items, YNODE_MAP uses pairs, in document order */
	struct ynode **items;
	struct ynode_pair *pairs;
	size_t nr, alloc;
};

/* One parsed document; owns every node and the file name. */
struct ydoc {
	char *file;
	struct ynode *root;	/* NULL for an empty document */
	size_t nodes;
};

#define YDOC_INIT { NULL, NULL, 0 }

/*
 * Parses `len` bytes of `buf` (the name `file` is used in messages).
 * Returns 0, or -1 after adding every problem found to `dl`; on failure
 * `doc` is left empty. More than one document in the input is an error.
 */
int ydoc_parse(struct ydoc *doc, const char *file, const char *buf, size_t len,
	       struct diag_list *dl);
/* Reads `path` (at most YDOC_MAX_INPUT bytes) and parses it. */
int ydoc_load_file(struct ydoc *doc, const char *path, struct diag_list *dl);
void ydoc_release(struct ydoc *doc);

/* The value for `key` in a mapping, or NULL (also when `map` is not one). */
const struct ynode *ynode_map_get(const struct ynode *map, const char *key);
/* "a mapping", "a sequence", "a string", "a boolean", "a number", "null" */
const char *ynode_describe(const struct ynode *n);

/* What a scalar node means (YKIND_STR for anything quoted). */
enum yscalar_kind yscalar_kind(const struct ynode *n);
/*
 * A scalar as a boolean: YAML 1.2's true/false and YAML 1.1's yes/no,
 * on/off, y/n in their usual spellings. Quoted text is not a boolean.
 * Returns 0 and sets *out, or -1.
 */
int yscalar_bool(const struct ynode *n, int *out);
/* A plain decimal integer (optional sign). Returns 0 and sets *out, or -1. */
int yscalar_int(const struct ynode *n, long long *out);
/*
 * 1 when `s` written as a plain scalar reads back as the string `s`
 * under both YAML 1.1 and 1.2 rules: not null, bool, int, float,
 * timestamp, merge key or value key. (Whether its characters allow the
 * plain style at all is libyaml's call.)
 */
int yplain_reads_as_string(const char *s, size_t len);

/*
 * The emitter. Typical use:
 *
 *	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
 *	struct yemit e;
 *	yemit_init(&e, &out);
 *	yemit_map_begin(&e);
 *	yemit_key(&e, "password"); yemit_str(&e, value);
 *	yemit_map_end(&e);
 *	if (yemit_finish(&e, &err) < 0) ...
 *
 * Calls after an error do nothing; yemit_finish() reports the first one.
 * Output goes to `out` (appended), block style, two-space indent, no
 * line folding, UTF-8 as is.
 */
struct yaml_emitter_s;

struct yemit {
	struct yaml_emitter_s *em;
	struct strbuf *out;
	char *error;		/* first error, or NULL */
	int docs;		/* documents started */
};

/* Starts the stream and the first document. */
void yemit_init(struct yemit *e, struct strbuf *out);
/* Ends the current document and starts another one ("---"). */
void yemit_next_doc(struct yemit *e);
/*
 * Ends the document and the stream and frees the emitter. Returns 0, or
 * -1 with the first error appended to `err`.
 */
int yemit_finish(struct yemit *e, struct strbuf *err);

void yemit_map_begin(struct yemit *e);
void yemit_map_end(struct yemit *e);
void yemit_seq_begin(struct yemit *e);
void yemit_seq_end(struct yemit *e);
/* Any string, written so that it reads back as exactly this string. */
void yemit_str(struct yemit *e, const char *s);
void yemit_strn(struct yemit *e, const char *s, size_t len);
#define yemit_key(e, k) yemit_str((e), (k))
void yemit_int(struct yemit *e, long long v);
void yemit_bool(struct yemit *e, int v);
void yemit_null(struct yemit *e);
/*
 * Writes a parsed tree back: plain scalars stay plain (so they keep
 * their meaning), other scalars are written as strings, tags are kept.
 */
void yemit_node(struct yemit *e, const struct ynode *n);

#endif
