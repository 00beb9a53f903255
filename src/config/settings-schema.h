#ifndef KCFG_SETTINGS_SCHEMA_H
#define KCFG_SETTINGS_SCHEMA_H

#include <stddef.h>

/*
 * The table of cluster.yaml keys (internal to src/config). Sections come
 * before their keys and a section's keys follow it without a gap, in the
 * order `kcfg config show` prints them.
 */

enum setting_type {
	ST_SECTION,	/* a mapping of further keys */
	ST_STRING,	/* char *; `check` validates it */
	ST_BOOL,	/* int */
	ST_INT,		/* long long in [min, max] */
	ST_CPU,		/* struct quantity, millicores */
	ST_BYTES,	/* struct quantity, bytes */
	ST_VERSION,	/* char *, v1.2.3 style; `check` may add rules */
	ST_SHA256,	/* char *, 64 hex digits (lowercased) or empty */
	ST_ENUM,	/* char *, one of `choices` */
	ST_POOL,	/* struct strvec: IPv4 ranges and CIDRs, one or a list */
	ST_FS_LIST,	/* struct storage_fs_list; items use storage_fs_fields */
	ST_EXTRAS,	/* struct extras_list (config/extras.c parses it) */
};

#define SF_EMPTY_OK	(1u << 0)	/* "" (or null) is a valid value */
#define SF_DERIVED	(1u << 1)	/* no fixed default: computed from other keys */
#define SF_REQUIRED	(1u << 2)	/* list item field that must be given */

struct setting_def {
	const char *key;	/* dotted path; for list item fields, the field name */
	enum setting_type type;
	size_t off;		/* offset of the value in struct settings (or the item) */
	const char *def;	/* default as YAML text; NULL for sections and derived keys */
	const char *doc;	/* one or two sentences for docs and templates */
	unsigned flags;
	long long min, max;	/* ST_INT */
	const char *const *choices;	/* ST_ENUM, NULL-terminated */
	/* ST_STRING and ST_VERSION: 0 when `v` is fine */
	int (*check)(const char *v);
	const char *what;	/* what `check` wants, for messages: "a DNS name like harbor.internal" */
	const char *pin_for;	/* ST_SHA256: the version key whose download it pins */
	const char *needed_if;	/* ST_SHA256: the add-on that downloads it; NULL = always */
	const char *needed_also;	/* ST_SHA256: a bool that must be on too; NULL = none */
};

extern const struct setting_def settings_schema[];
extern const size_t settings_schema_nr;
extern const struct setting_def storage_fs_fields[];
extern const size_t storage_fs_fields_nr;

/* Value syntax shared by the loader (settings-types.c): 0 when fine. */
int version_check(const char *v);
int sha256_check(const char *v);
/* A Lustre project id: a 32-bit unsigned number in decimal, or "" (unknown). */
int project_id_check(const char *v);

struct settings;
struct yemit;
/* Emits the value of one key (not the key itself). */
void settings_emit_value(struct yemit *e, const struct setting_def *d,
			 const struct settings *s);

/* The entry for a dotted key, or NULL. */
const struct setting_def *schema_find(const char *key);
/* Index of an entry in settings_schema. */
size_t schema_index(const struct setting_def *d);
/* The last component of a key ("kubelet.kube_reserved.cpu" -> "cpu"). */
const char *schema_leaf_name(const char *key);
/* Nesting depth: 0 for top-level keys. */
int schema_depth(const char *key);
/* Short type name for `kcfg config keys` and the docs. */
const char *schema_type_name(const struct setting_def *d);

#endif
