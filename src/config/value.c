/*
 * Typed inventory values: Python's ast.literal_eval as Ansible's INI
 * plugin applies it, Python's str(), and Python's json.dumps. The
 * literal parser accepts exactly what literal_eval accepts; anything
 * else (a syntax error or a non-literal expression) leaves the text a
 * string, as the plugin does.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/value.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/hex.h"
#include "util/utf8.h"
#include "util/banned.h"

/* Python refuses decimal int literals longer than this (3.11's limit). */
#define PY_INT_MAX_DIGITS 4300
/* Longest hex/octal/binary literal converted to decimal (kept cheap). */
#define MAX_RADIX_DIGITS 1000

struct value *value_new_str(const char *s, size_t len)
{
	struct value *v = xcalloc(1, sizeof(*v));
	v->type = VAL_STR;
	v->u.str.s = xmalloc(st_add(len, 1));
	memcpy(v->u.str.s, s, len);
	v->u.str.s[len] = '\0';
	v->u.str.len = len;
	return v;
}

struct value *value_new_int(const char *decimal)
{
	struct value *v = xcalloc(1, sizeof(*v));
	v->type = VAL_INT;
	v->u.num = xstrdup(decimal);
	return v;
}

static struct value *new_value(enum value_type type)
{
	struct value *v = xcalloc(1, sizeof(*v));
	v->type = type;
	return v;
}

void value_free(struct value *v)
{
	if (!v)
		return;
	switch (v->type) {
	case VAL_INT:
		free(v->u.num);
		break;
	case VAL_STR:
	case VAL_BYTES:
		free(v->u.str.s);
		break;
	case VAL_LIST:
	case VAL_TUPLE:
	case VAL_SET:
		for (size_t i = 0; i < v->u.seq.nr; i++)
			value_free(v->u.seq.item[i]);
		free(v->u.seq.item);
		break;
	case VAL_DICT:
		for (size_t i = 0; i < v->u.dict.nr; i++) {
			value_free(v->u.dict.key[i]);
			value_free(v->u.dict.val[i]);
		}
		free(v->u.dict.key);
		free(v->u.dict.val);
		break;
	default:
		break;
	}
	free(v);
}

struct value *value_dup(const struct value *v)
{
	struct value *d = new_value(v->type);

	switch (v->type) {
	case VAL_INT:
		d->u.num = xstrdup(v->u.num);
		break;
	case VAL_STR:
	case VAL_BYTES:
		d->u.str.s = xmalloc(st_add(v->u.str.len, 1));
		memcpy(d->u.str.s, v->u.str.s, v->u.str.len + 1);
		d->u.str.len = v->u.str.len;
		break;
	case VAL_LIST:
	case VAL_TUPLE:
	case VAL_SET:
		d->u.seq.item = xcalloc(v->u.seq.nr ? v->u.seq.nr : 1, sizeof(*d->u.seq.item));
		d->u.seq.alloc = v->u.seq.nr ? v->u.seq.nr : 1;
		for (size_t i = 0; i < v->u.seq.nr; i++)
			d->u.seq.item[d->u.seq.nr++] = value_dup(v->u.seq.item[i]);
		break;
	case VAL_DICT:
		d->u.dict.alloc = v->u.dict.nr ? v->u.dict.nr : 1;
		d->u.dict.key = xcalloc(d->u.dict.alloc, sizeof(*d->u.dict.key));
		d->u.dict.val = xcalloc(d->u.dict.alloc, sizeof(*d->u.dict.val));
		for (size_t i = 0; i < v->u.dict.nr; i++) {
			d->u.dict.key[i] = value_dup(v->u.dict.key[i]);
			d->u.dict.val[i] = value_dup(v->u.dict.val[i]);
		}
		d->u.dict.nr = v->u.dict.nr;
		break;
	default:
		d->u = v->u;
		break;
	}
	return d;
}

const char *value_type_name(const struct value *v)
{
	static const char *const names[] = {
		"NoneType", "bool", "int", "float", "complex", "str", "bytes",
		"ellipsis", "list", "tuple", "set", "dict",
	};
	return names[v->type];
}

int value_is_str(const struct value *v, const char *s)
{
	return v && v->type == VAL_STR && strlen(s) == v->u.str.len &&
	       !memcmp(v->u.str.s, s, v->u.str.len);
}

/* ---- Python equality and hashing, for dict keys and set members ---- */

static int is_numeric(const struct value *v)
{
	return v->type == VAL_BOOL || v->type == VAL_INT || v->type == VAL_FLOAT ||
	       v->type == VAL_COMPLEX;
}

static int hashable(const struct value *v)
{
	if (v->type == VAL_LIST || v->type == VAL_SET || v->type == VAL_DICT)
		return 0;
	if (v->type == VAL_TUPLE)
		for (size_t i = 0; i < v->u.seq.nr; i++)
			if (!hashable(v->u.seq.item[i]))
				return 0;
	return 1;
}

/* The first unhashable type inside a key (for the message). */
static const char *unhashable_name(const struct value *v)
{
	if (v->type == VAL_TUPLE)
		for (size_t i = 0; i < v->u.seq.nr; i++)
			if (!hashable(v->u.seq.item[i]))
				return unhashable_name(v->u.seq.item[i]);
	return value_type_name(v);
}

/*
 * The real part of a numeric value as exact decimal text when it is a
 * whole number ("12", "-3"), else NULL; *is_float says a float remains.
 */
static char *real_as_decimal(const struct value *v, double *real)
{
	double d;

	switch (v->type) {
	case VAL_BOOL:
		*real = v->u.b;
		return xstrdup(v->u.b ? "1" : "0");
	case VAL_INT:
		*real = strtod(v->u.num, NULL);
		return xstrdup(v->u.num);
	case VAL_FLOAT:
		d = v->u.f;
		break;
	default:
		d = v->u.c.re;
		break;
	}
	*real = d;
	if (!isfinite(d) || d != floor(d))
		return NULL;
	if (d == 0)
		return xstrdup("0");
	return xstrfmt("%.0f", d);
}

static double imag_part(const struct value *v)
{
	return v->type == VAL_COMPLEX ? v->u.c.im : 0.0;
}

static int num_equal(const struct value *a, const struct value *b)
{
	double ra, rb;
	char *da, *db;
	int eq;

	if (imag_part(a) != imag_part(b))
		return 0;
	da = real_as_decimal(a, &ra);
	db = real_as_decimal(b, &rb);
	if (da && db)
		eq = !strcmp(da, db);
	else if (!da && !db)
		eq = ra == rb;
	else
		eq = 0;
	free(da);
	free(db);
	return eq;
}

static int py_equal(const struct value *a, const struct value *b)
{
	if (is_numeric(a) && is_numeric(b))
		return num_equal(a, b);
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case VAL_NONE:
	case VAL_ELLIPSIS:
		return 1;
	case VAL_STR:
	case VAL_BYTES:
		return a->u.str.len == b->u.str.len &&
		       !memcmp(a->u.str.s, b->u.str.s, a->u.str.len);
	case VAL_TUPLE:
		if (a->u.seq.nr != b->u.seq.nr)
			return 0;
		for (size_t i = 0; i < a->u.seq.nr; i++)
			if (!py_equal(a->u.seq.item[i], b->u.seq.item[i]))
				return 0;
		return 1;
	default:
		return 0;
	}
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Equal values (py_equal) hash alike. */
static uint64_t py_hash(const struct value *v)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)v->type;
	double real;
	char *dec;

	if (is_numeric(v)) {
		double im = imag_part(v);
		h = 1469598103934665603ull;
		dec = real_as_decimal(v, &real);
		if (dec)
			h = fnv(h, dec, strlen(dec));
		else
			h = fnv(h, &real, sizeof(real));
		free(dec);
		if (im != 0)
			h = fnv(h, &im, sizeof(im));
		return h;
	}
	switch (v->type) {
	case VAL_STR:
	case VAL_BYTES:
		return fnv(h, v->u.str.s, v->u.str.len);
	case VAL_TUPLE:
		for (size_t i = 0; i < v->u.seq.nr; i++) {
			uint64_t e = py_hash(v->u.seq.item[i]);
			h = fnv(h, &e, sizeof(e));
		}
		return h;
	default:
		return h;
	}
}

/* ---- the literal parser ---- */

enum lit { LIT_OK = 0, LIT_NO = 1 };

/* What literal_eval's sign and BinOp rules need to know about a node. */
enum node_kind { NODE_OTHER, NODE_NUM, NODE_SIGNED };

struct lit_parser {
	const char *p, *end;
	int nesting;
	int hard;		/* an unhashable key or member was seen */
	struct strbuf *err;
};

static int is_ident_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int peek(const struct lit_parser *lp)
{
	return lp->p < lp->end ? (unsigned char)*lp->p : -1;
}

static int peek_at(const struct lit_parser *lp, size_t off)
{
	return lp->p + off < lp->end ? (unsigned char)lp->p[off] : -1;
}

/* Spaces, tabs, form feeds and a comment running to the end. */
static void skip_ws(struct lit_parser *lp)
{
	while (lp->p < lp->end) {
		if (*lp->p == ' ' || *lp->p == '\t' || *lp->p == '\f')
			lp->p++;
		else if (*lp->p == '#')
			lp->p = lp->end;
		else
			break;
	}
}

static void seq_push(struct value *v, struct value *item)
{
	ALLOC_GROW(v->u.seq.item, v->u.seq.nr + 1, v->u.seq.alloc);
	v->u.seq.item[v->u.seq.nr++] = item;
}

/* Digits (with single '_' between them) in `base`; the literal's end or NULL. */
static const char *scan_digits(const char *s, const char *end, int base, struct strbuf *digits)
{
	int first = 1;

	for (;;) {
		if (s < end && *s == '_' && !first) {
			s++;
			if (s >= end || hex_digit((unsigned char)*s) < 0 ||
			    hex_digit((unsigned char)*s) >= base)
				return NULL;
		}
		if (s >= end || hex_digit((unsigned char)*s) < 0 || hex_digit((unsigned char)*s) >= base)
			break;
		strbuf_addch(digits, *s++);
		first = 0;
	}
	return s;
}

/* Decimal text of a number written in `base` (2, 8 or 16). */
static char *radix_to_decimal(const char *digits, int base)
{
	/* little-endian base-10^9 limbs */
	uint32_t *limb = NULL;
	size_t nr = 0, alloc = 0;
	struct strbuf out = STRBUF_INIT;

	for (const char *d = digits; *d; d++) {
		uint64_t carry = (uint64_t)hex_digit((unsigned char)*d);
		for (size_t i = 0; i < nr; i++) {
			uint64_t x = (uint64_t)limb[i] * (uint64_t)base + carry;
			limb[i] = (uint32_t)(x % 1000000000u);
			carry = x / 1000000000u;
		}
		if (carry) {
			ALLOC_GROW(limb, nr + 1, alloc);
			limb[nr++] = (uint32_t)carry;
		}
	}
	if (!nr)
		strbuf_addch(&out, '0');
	else {
		strbuf_addf(&out, "%u", limb[nr - 1]);
		for (size_t i = nr - 1; i-- > 0;)
			strbuf_addf(&out, "%09u", limb[i]);
	}
	free(limb);
	return strbuf_detach(&out, NULL);
}

static char *strip_leading_zeros(const char *digits)
{
	while (digits[0] == '0' && digits[1])
		digits++;
	return xstrdup(digits);
}

static double parse_double(const char *text)
{
	return strtod(text, NULL);	/* C locale: '.'; overflow gives inf as Python does */
}

/*
 * One NUMBER token, by the rules of CPython 3.11's tokenizer. A number
 * running into a letter is a syntax error (or a keyword after it, which
 * cannot make a literal either).
 */
static int parse_number(struct lit_parser *lp, struct value **out)
{
	const char *s = lp->p, *end = lp->end;
	struct strbuf digits = STRBUF_INIT, text = STRBUF_INIT;
	struct value *v = NULL;
	int is_float = 0, is_imag = 0, ret = LIT_NO;

	if (*s == '0' && s + 1 < end && strchr("xXoObB", s[1])) {
		int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
		s += 2;
		if (s < end && *s == '_')
			s++;
		if (!(s = scan_digits(s, end, base, &digits)) || !digits.len)
			goto out;
		if (s < end && is_ident_char((unsigned char)*s))
			goto out;
		if (digits.len > MAX_RADIX_DIGITS)
			goto out;
		v = new_value(VAL_INT);
		v->u.num = radix_to_decimal(digits.buf, base);
		if (strlen(v->u.num) > PY_INT_MAX_DIGITS)
			goto out;
		goto done;
	}

	/* integer part (may be empty for ".5") */
	if (*s != '.') {
		if (!(s = scan_digits(s, end, 10, &digits)))
			goto out;
	}
	strbuf_addbuf(&text, &digits);
	if (s < end && *s == '.') {
		is_float = 1;
		strbuf_addch(&text, '.');
		s++;
		if (s < end && is_digit((unsigned char)*s)) {
			strbuf_reset(&digits);
			if (!(s = scan_digits(s, end, 10, &digits)))
				goto out;
			strbuf_addbuf(&text, &digits);
		}
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		const char *e = s + 1;
		if (e < end && (*e == '+' || *e == '-'))
			e++;
		if (e < end && is_digit((unsigned char)*e)) {
			strbuf_addch(&text, 'e');
			if (s[1] == '-')
				strbuf_addch(&text, '-');
			strbuf_reset(&digits);
			if (!(s = scan_digits(e, end, 10, &digits)))
				goto out;
			strbuf_addbuf(&text, &digits);
			is_float = 1;
		} else
			goto out;	/* "1e", "1e+": invalid, or a keyword after */
	}
	if (s < end && (*s == 'j' || *s == 'J')) {
		is_imag = 1;
		s++;
	}
	if (s < end && is_ident_char((unsigned char)*s))
		goto out;

	if (is_imag) {
		v = new_value(VAL_COMPLEX);
		v->u.c.re = 0;
		v->u.c.im = parse_double(text.buf);
	} else if (is_float) {
		v = new_value(VAL_FLOAT);
		v->u.f = parse_double(text.buf);
	} else {
		/* "0", "00", "0_0" are fine; other leading zeros are not */
		if (text.buf[0] == '0' && strspn(text.buf, "0") != text.len)
			goto out;
		if (text.len > PY_INT_MAX_DIGITS)
			goto out;
		v = new_value(VAL_INT);
		v->u.num = strip_leading_zeros(text.buf);
	}
done:
	lp->p = s;
	*out = v;
	v = NULL;
	ret = LIT_OK;
out:
	value_free(v);
	strbuf_release(&digits);
	strbuf_release(&text);
	return ret;
}

static void add_utf8(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80)
		strbuf_addch(sb, (char)cp);
	else if (cp < 0x800) {
		strbuf_addch(sb, (char)(0xc0 | (cp >> 6)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (char)(0xe0 | (cp >> 12)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (char)(0xf0 | (cp >> 18)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* \x, \u, \U: exactly `n` hex digits; -1 if not. */
static long fixed_hex(const char *s, const char *end, int n)
{
	long v = 0;
	for (int i = 0; i < n; i++) {
		if (s + i >= end || hex_digit((unsigned char)s[i]) < 0)
			return -1;
		v = v * 16 + hex_digit((unsigned char)s[i]);
	}
	return v;
}

/*
 * One string or bytes literal after its prefix. Escapes as Python
 * decodes them; \N{...} (named characters) and lone surrogates are not
 * supported and make the value stay text.
 */
static int parse_string_body(struct lit_parser *lp, int raw, int bytes, struct strbuf *sb)
{
	const char *s = lp->p, *end = lp->end;
	char q = *s;
	int triple = s + 2 < end && s[1] == q && s[2] == q;

	s += triple ? 3 : 1;
	for (;;) {
		unsigned char c;

		if (s >= end)
			return LIT_NO;	/* unterminated */
		c = (unsigned char)*s;
		if (c == (unsigned char)q) {
			if (!triple) {
				s++;
				break;
			}
			if (s + 2 < end && s[1] == q && s[2] == q) {
				s += 3;
				break;
			}
		}
		if (bytes && c >= 0x80)
			return LIT_NO;
		if (c != '\\') {
			strbuf_addch(sb, (char)c);
			s++;
			continue;
		}
		if (s + 1 >= end)
			return LIT_NO;
		if (raw) {	/* the backslash stays, but hides the next char */
			strbuf_add(sb, s, 2);
			s += 2;
			continue;
		}
		c = (unsigned char)s[1];
		s += 2;
		switch (c) {
		case '\\': strbuf_addch(sb, '\\'); break;
		case '\'': strbuf_addch(sb, '\''); break;
		case '"': strbuf_addch(sb, '"'); break;
		case 'a': strbuf_addch(sb, '\a'); break;
		case 'b': strbuf_addch(sb, '\b'); break;
		case 'f': strbuf_addch(sb, '\f'); break;
		case 'n': strbuf_addch(sb, '\n'); break;
		case 'r': strbuf_addch(sb, '\r'); break;
		case 't': strbuf_addch(sb, '\t'); break;
		case 'v': strbuf_addch(sb, '\v'); break;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7': {
			unsigned oct = c - '0';
			for (int i = 0; i < 2 && s < end && *s >= '0' && *s <= '7'; i++)
				oct = oct * 8 + (unsigned)(*s++ - '0');
			if (bytes)
				strbuf_addch(sb, (char)(oct & 0xff));
			else
				add_utf8(sb, oct);
			break;
		}
		case 'x': {
			long x = fixed_hex(s, end, 2);
			if (x < 0)
				return LIT_NO;
			s += 2;
			if (bytes)
				strbuf_addch(sb, (char)x);
			else
				add_utf8(sb, (uint32_t)x);
			break;
		}
		case 'u':
		case 'U': {
			int n = c == 'u' ? 4 : 8;
			long x;
			if (bytes) {	/* not an escape in bytes */
				strbuf_addch(sb, '\\');
				strbuf_addch(sb, (char)c);
				break;
			}
			x = fixed_hex(s, end, n);
			if (x < 0 || x > 0x10ffff || (x >= 0xd800 && x <= 0xdfff))
				return LIT_NO;
			s += n;
			add_utf8(sb, (uint32_t)x);
			break;
		}
		case 'N':	/* named characters: not supported; in bytes no escape */
			if (!bytes)
				return LIT_NO;
			/* fall through */
		default:
			strbuf_addch(sb, '\\');
			/* the char after it stays as it is (it may be multi-byte) */
			s--;
			break;
		}
	}
	lp->p = s;
	return LIT_OK;
}

/* A prefix letter group: returns flags, or -1 if `id` is no string prefix. */
static int string_prefix(const char *id, size_t len)
{
	int r = 0, b = 0, u = 0, f = 0;

	if (len > 2)
		return -1;
	for (size_t i = 0; i < len; i++) {
		switch (id[i]) {
		case 'r': case 'R': if (r++) return -1; break;
		case 'b': case 'B': if (b++) return -1; break;
		case 'u': case 'U': if (u++) return -1; break;
		case 'f': case 'F': if (f++) return -1; break;
		default: return -1;
		}
	}
	if (u && len > 1)
		return -1;
	if (b && f)
		return -1;
	return (r ? 1 : 0) | (b ? 2 : 0) | (f ? 4 : 0);
}

/* Adjacent string literals, concatenated; `prefix` flags of the first. */
static int parse_strings(struct lit_parser *lp, int flags, struct value **out)
{
	struct strbuf sb = STRBUF_INIT;
	int bytes = flags & 2, any_f = 0;

	for (;;) {
		if (flags & 4)
			any_f = 1;
		if ((flags & 2) != bytes || parse_string_body(lp, flags & 1, bytes, &sb) != LIT_OK) {
			strbuf_release(&sb);
			return LIT_NO;
		}
		skip_ws(lp);
		/* another literal follows? */
		{
			const char *id = lp->p;
			size_t n = 0;
			while (id + n < lp->end && is_ident_char((unsigned char)id[n]) && n < 3)
				n++;
			if (id + n < lp->end && (id[n] == '\'' || id[n] == '"') &&
			    (flags = string_prefix(id, n)) >= 0) {
				lp->p = id + n;
				continue;
			}
		}
		break;
	}
	if (any_f) {	/* an f-string is a JoinedStr, not a literal */
		strbuf_release(&sb);
		return LIT_NO;
	}
	*out = new_value(bytes ? VAL_BYTES : VAL_STR);
	(*out)->u.str.len = sb.len;
	(*out)->u.str.s = strbuf_detach(&sb, NULL);
	return LIT_OK;
}

static int parse_expr(struct lit_parser *lp, struct value **out, enum node_kind *kind);

/*
 * Elements up to `close`, separated by commas, a trailing comma allowed.
 * *commas says whether any comma was seen (a parenthesised single
 * element without one is not a tuple).
 */
static int parse_elements(struct lit_parser *lp, int close, struct value *seq, int *commas,
			  struct value **single, enum node_kind *single_kind)
{
	*commas = 0;
	for (;;) {
		struct value *item;
		enum node_kind kind;

		skip_ws(lp);
		if (peek(lp) == close)
			break;
		if (parse_expr(lp, &item, &kind) != LIT_OK)
			return LIT_NO;
		if (!*commas && single && !seq->u.seq.nr) {
			*single = item;
			*single_kind = kind;
		}
		seq_push(seq, item);
		skip_ws(lp);
		if (peek(lp) == ',') {
			lp->p++;
			*commas = 1;
			continue;
		}
		if (peek(lp) != close)
			return LIT_NO;
		break;
	}
	lp->p++;
	return LIT_OK;
}

/*
 * A hash index over a container being built, so that big dicts and sets
 * are not quadratic.
 */
struct dedup {
	size_t *slot;	/* index+1, 0 = empty */
	size_t size;
};

static void dedup_release(struct dedup *d)
{
	free(d->slot);
	d->slot = NULL;
	d->size = 0;
}

static size_t dedup_find(struct dedup *d, struct value **keys, size_t nr, const struct value *k)
{
	size_t mask, i;

	if (!d->size || nr * 2 >= d->size) {
		size_t size = d->size ? d->size * 2 : 64;
		while (nr * 2 >= size)
			size *= 2;
		free(d->slot);
		d->slot = xcalloc(size, sizeof(*d->slot));
		d->size = size;
		for (size_t j = 0; j < nr; j++) {
			i = py_hash(keys[j]) & (size - 1);
			while (d->slot[i])
				i = (i + 1) & (size - 1);
			d->slot[i] = j + 1;
		}
	}
	mask = d->size - 1;
	for (i = py_hash(k) & mask; d->slot[i]; i = (i + 1) & mask)
		if (py_equal(keys[d->slot[i] - 1], k))
			return d->slot[i] - 1;
	return SIZE_MAX;
}

static void dedup_add(struct dedup *d, const struct value *k, size_t index)
{
	size_t mask = d->size - 1, i;
	for (i = py_hash(k) & mask; d->slot[i]; i = (i + 1) & mask)
		;
	d->slot[i] = index + 1;
}

static void dict_put(struct lit_parser *lp, struct value *d, struct dedup *dd,
		     struct value *key, struct value *val)
{
	size_t at;

	if (!hashable(key)) {
		if (!lp->hard++)
			strbuf_addf(lp->err, "unhashable type: '%s'", unhashable_name(key));
		value_free(key);
		value_free(val);
		return;
	}
	at = dedup_find(dd, d->u.dict.key, d->u.dict.nr, key);
	if (at != SIZE_MAX) {	/* Python keeps the first key and the last value */
		value_free(key);
		value_free(d->u.dict.val[at]);
		d->u.dict.val[at] = val;
		return;
	}
	if (d->u.dict.nr == d->u.dict.alloc) {
		size_t n = d->u.dict.alloc ? st_mult(d->u.dict.alloc, 2) : 8;
		d->u.dict.key = xrealloc(d->u.dict.key, st_mult(n, sizeof(*d->u.dict.key)));
		d->u.dict.val = xrealloc(d->u.dict.val, st_mult(n, sizeof(*d->u.dict.val)));
		d->u.dict.alloc = n;
	}
	d->u.dict.key[d->u.dict.nr] = key;
	d->u.dict.val[d->u.dict.nr] = val;
	dedup_add(dd, key, d->u.dict.nr);
	d->u.dict.nr++;
}

static void set_put(struct lit_parser *lp, struct value *set, struct dedup *dd,
		    struct value *item)
{
	if (!hashable(item)) {
		if (!lp->hard++)
			strbuf_addf(lp->err, "unhashable type: '%s'", unhashable_name(item));
		value_free(item);
		return;
	}
	if (dedup_find(dd, set->u.seq.item, set->u.seq.nr, item) != SIZE_MAX) {
		value_free(item);	/* Python keeps the first */
		return;
	}
	seq_push(set, item);
	dedup_add(dd, item, set->u.seq.nr - 1);
}

/* "{}" (a dict), "{k: v, ...}" or "{x, ...}"; at the '{'. */
static int parse_brace(struct lit_parser *lp, struct value **out)
{
	struct value *v = NULL, *key = NULL, *val;
	struct dedup dd = { NULL, 0 };
	enum node_kind kind;
	int ret = LIT_NO, is_dict;

	lp->p++;
	skip_ws(lp);
	if (peek(lp) == '}') {
		lp->p++;
		*out = new_value(VAL_DICT);
		return LIT_OK;
	}
	if (parse_expr(lp, &key, &kind) != LIT_OK)
		return LIT_NO;
	skip_ws(lp);
	is_dict = peek(lp) == ':';
	v = new_value(is_dict ? VAL_DICT : VAL_SET);
	for (;;) {
		if (is_dict) {
			lp->p++;	/* ':' */
			if (parse_expr(lp, &val, &kind) != LIT_OK)
				goto out;
			dict_put(lp, v, &dd, key, val);
		} else
			set_put(lp, v, &dd, key);
		key = NULL;
		skip_ws(lp);
		if (peek(lp) == '}')
			break;
		if (peek(lp) != ',')
			goto out;
		lp->p++;
		skip_ws(lp);
		if (peek(lp) == '}')
			break;
		if (parse_expr(lp, &key, &kind) != LIT_OK)
			goto out;
		skip_ws(lp);
		if (is_dict && peek(lp) != ':')
			goto out;
	}
	lp->p++;	/* '}' */
	*out = v;
	v = NULL;
	ret = LIT_OK;
out:
	dedup_release(&dd);
	value_free(key);
	value_free(v);
	return ret;
}

static int open_bracket(struct lit_parser *lp)
{
	return ++lp->nesting > VALUE_MAX_NESTING ? LIT_NO : LIT_OK;
}

/* An atom: a literal, a bracketed display, or a parenthesised expression. */
static int parse_atom(struct lit_parser *lp, struct value **out, enum node_kind *kind)
{
	int c = peek(lp), ret;

	*kind = NODE_OTHER;
	if (c == '(' || c == '[' || c == '{') {
		if (open_bracket(lp) != LIT_OK)
			return LIT_NO;
	}
	if (c == '(') {
		struct value *seq = new_value(VAL_TUPLE), *single = NULL;
		int commas;
		lp->p++;
		ret = parse_elements(lp, ')', seq, &commas, &single, kind);
		lp->nesting--;
		if (ret != LIT_OK) {
			value_free(seq);
			return LIT_NO;
		}
		if (single && !commas) {	/* (x) is x itself */
			seq->u.seq.nr = 0;
			value_free(seq);
			*out = single;
			return LIT_OK;
		}
		*kind = NODE_OTHER;
		*out = seq;
		return LIT_OK;
	}
	if (c == '[') {
		struct value *seq = new_value(VAL_LIST);
		int commas;
		lp->p++;
		ret = parse_elements(lp, ']', seq, &commas, NULL, kind);
		lp->nesting--;
		*kind = NODE_OTHER;
		if (ret != LIT_OK) {
			value_free(seq);
			return LIT_NO;
		}
		*out = seq;
		return LIT_OK;
	}
	if (c == '{') {
		ret = parse_brace(lp, out);
		lp->nesting--;
		return ret;
	}
	if (c == '\'' || c == '"')
		return parse_strings(lp, 0, out);
	if (is_digit(c) || (c == '.' && is_digit(peek_at(lp, 1)))) {
		if (parse_number(lp, out) != LIT_OK)
			return LIT_NO;
		*kind = NODE_NUM;
		return LIT_OK;
	}
	if (c == '.' && peek_at(lp, 1) == '.' && peek_at(lp, 2) == '.') {
		lp->p += 3;
		*out = new_value(VAL_ELLIPSIS);
		return LIT_OK;
	}
	if (c >= 0 && is_ident_char(c) && !is_digit(c)) {
		const char *id = lp->p;
		size_t n = 0;
		int flags;

		while (id + n < lp->end && is_ident_char((unsigned char)id[n]))
			n++;
		if (id + n < lp->end && (id[n] == '\'' || id[n] == '"') &&
		    (flags = string_prefix(id, n)) >= 0) {
			lp->p = id + n;
			return parse_strings(lp, flags, out);
		}
		lp->p += n;
		if (n == 4 && !memcmp(id, "True", 4)) {
			*out = new_value(VAL_BOOL);
			(*out)->u.b = 1;
			return LIT_OK;
		}
		if (n == 5 && !memcmp(id, "False", 5)) {
			*out = new_value(VAL_BOOL);
			return LIT_OK;
		}
		if (n == 4 && !memcmp(id, "None", 4)) {
			*out = new_value(VAL_NONE);
			return LIT_OK;
		}
		if (n == 3 && !memcmp(id, "set", 3)) {	/* set() is the empty set */
			skip_ws(lp);
			if (peek(lp) != '(')
				return LIT_NO;
			lp->p++;
			skip_ws(lp);
			if (peek(lp) != ')')
				return LIT_NO;
			lp->p++;
			*out = new_value(VAL_SET);
			return LIT_OK;
		}
		return LIT_NO;
	}
	return LIT_NO;
}

static int is_plain_number(const struct value *v)
{
	return v->type == VAL_INT || v->type == VAL_FLOAT || v->type == VAL_COMPLEX;
}

static void negate(struct value *v)
{
	if (v->type == VAL_INT) {
		if (v->u.num[0] == '-')
			memmove(v->u.num, v->u.num + 1, strlen(v->u.num));
		else if (strcmp(v->u.num, "0")) {
			char *n = xstrfmt("-%s", v->u.num);
			free(v->u.num);
			v->u.num = n;
		}
	} else if (v->type == VAL_FLOAT)
		v->u.f = -v->u.f;
	else {
		v->u.c.re = -v->u.c.re;
		v->u.c.im = -v->u.c.im;
	}
}

/* factor: ('+' | '-') factor | atom; literal_eval allows one sign on a number. */
static int parse_unary(struct lit_parser *lp, struct value **out, enum node_kind *kind)
{
	int c = peek(lp);

	if (c == '+' || c == '-') {
		struct value *v;
		enum node_kind k;

		lp->p++;
		skip_ws(lp);
		if (peek(lp) == '+' || peek(lp) == '-' || peek(lp) == '~')
			return LIT_NO;	/* a sign on a sign is no literal */
		if (parse_atom(lp, &v, &k) != LIT_OK)
			return LIT_NO;
		if (k != NODE_NUM || !is_plain_number(v)) {
			value_free(v);
			return LIT_NO;
		}
		if (c == '-')
			negate(v);
		*out = v;
		*kind = NODE_SIGNED;
		return LIT_OK;
	}
	return parse_atom(lp, out, kind);
}

static double as_double(const struct value *v)
{
	return v->type == VAL_INT ? strtod(v->u.num, NULL) : v->u.f;
}

/* One expression: a literal, or `signed_number (+|-) imaginary`. */
static int parse_expr(struct lit_parser *lp, struct value **out, enum node_kind *kind)
{
	struct value *left, *right;
	enum node_kind lk, rk;
	int op;

	skip_ws(lp);
	if (parse_unary(lp, &left, &lk) != LIT_OK)
		return LIT_NO;
	skip_ws(lp);
	op = peek(lp);
	if (op != '+' && op != '-') {
		*out = left;
		*kind = lk;
		return LIT_OK;
	}
	lp->p++;
	skip_ws(lp);
	if (peek(lp) == '+' || peek(lp) == '-' || peek(lp) == '~' ||
	    parse_atom(lp, &right, &rk) != LIT_OK) {
		value_free(left);
		return LIT_NO;
	}
	if (lk == NODE_OTHER || rk != NODE_NUM || right->type != VAL_COMPLEX ||
	    (left->type != VAL_INT && left->type != VAL_FLOAT)) {
		value_free(left);
		value_free(right);
		return LIT_NO;
	}
	{
		double re = as_double(left);
		value_free(left);
		right->u.c.re = (op == '+' ? re + right->u.c.re : re - right->u.c.re);
		if (op == '-')
			right->u.c.im = -right->u.c.im;
	}
	skip_ws(lp);
	if (peek(lp) == '+' || peek(lp) == '-') {	/* a BinOp on the left is no number */
		value_free(right);
		return LIT_NO;
	}
	*out = right;
	*kind = NODE_OTHER;
	return LIT_OK;
}

/* ast.literal_eval(text): LIT_OK, LIT_NO (keep the text), or -1 (hard). */
static int literal_eval(const char *text, size_t len, struct value **out, struct strbuf *err)
{
	struct lit_parser lp = { text, text + len, 0, 0, err };
	struct value *v = NULL, *tuple = NULL;
	enum node_kind kind;

	if (len > VALUE_MAX_LITERAL || memchr(text, '\0', len))
		return LIT_NO;
	while (lp.p < lp.end && (*lp.p == ' ' || *lp.p == '\t'))	/* lstrip(" \t") */
		lp.p++;
	skip_ws(&lp);
	if (lp.p >= lp.end)
		return LIT_NO;
	if (parse_expr(&lp, &v, &kind) != LIT_OK)
		goto no;
	skip_ws(&lp);
	if (peek(&lp) == ',') {	/* "1, 2" is a tuple at the top */
		tuple = new_value(VAL_TUPLE);
		seq_push(tuple, v);
		v = NULL;
		while (peek(&lp) == ',') {
			struct value *item;
			lp.p++;
			skip_ws(&lp);
			if (lp.p >= lp.end)
				break;
			if (parse_expr(&lp, &item, &kind) != LIT_OK)
				goto no;
			seq_push(tuple, item);
			skip_ws(&lp);
		}
		v = tuple;
		tuple = NULL;
	}
	if (lp.p < lp.end)
		goto no;
	if (lp.hard) {
		value_free(v);
		return -1;
	}
	*out = v;
	return LIT_OK;
no:
	value_free(v);
	value_free(tuple);
	if (lp.hard)
		strbuf_reset(err);
	return LIT_NO;
}

/* Bytes at the top become text (Ansible's to_text); bad UTF-8 becomes U+FFFD. */
static void bytes_to_str(struct value *v)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *s = (const unsigned char *)v->u.str.s;
	size_t i = 0, n = v->u.str.len;

	while (i < n) {
		unsigned char c = s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		int ok = len && i + len <= n;
		for (size_t j = 1; ok && j < len; j++)
			ok = (s[i + j] & 0xc0) == 0x80;
		if (ok) {
			strbuf_add(&sb, s + i, len);
			i += len;
		} else {
			strbuf_addstr(&sb, "\xef\xbf\xbd");
			i++;
		}
	}
	free(v->u.str.s);
	v->type = VAL_STR;
	v->u.str.len = sb.len;
	v->u.str.s = strbuf_detach(&sb, NULL);
}

int value_from_ini(const char *text, size_t len, struct value **out, struct strbuf *err)
{
	struct value *v = NULL;
	int ret = literal_eval(text, len, &v, err);

	if (ret < 0)
		return -1;
	if (ret == LIT_NO)
		v = value_new_str(text, len);
	else if (v->type == VAL_BYTES)
		bytes_to_str(v);
	*out = v;
	return 0;
}

/* ---- formatting ---- */

/*
 * Python's float repr: the shortest digits that read back to the same
 * double, in fixed notation unless the exponent is below -4 or above 15.
 * `dot0` adds ".0" to whole numbers (floats do; complex parts do not).
 */
static void float_repr(double d, int dot0, struct strbuf *out)
{
	char buf[64], digits[32];
	int decpt, nd = 0, exp10;
	char *e;

	if (isnan(d)) {
		strbuf_addstr(out, "nan");
		return;
	}
	if (isinf(d)) {
		strbuf_addstr(out, d < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* buf: [-]d[.ddd]e[+-]XX */
	e = strchr(buf, 'e');
	exp10 = (int)strtol(e + 1, NULL, 10);
	for (char *p = buf; p < e; p++)
		if (is_digit((unsigned char)*p))
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (signbit(d))
		strbuf_addch(out, '-');
	if (d == 0)
		exp10 = 0;
	decpt = exp10 + 1;
	if (decpt <= -4 || decpt > 16) {
		strbuf_addch(out, digits[0]);
		if (nd > 1) {
			strbuf_addch(out, '.');
			strbuf_addstr(out, digits + 1);
		}
		strbuf_addf(out, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	} else if (decpt <= 0) {
		strbuf_addstr(out, "0.");
		strbuf_addchars(out, '0', (size_t)-decpt);
		strbuf_addstr(out, digits);
	} else if (decpt < nd) {
		strbuf_add(out, digits, (size_t)decpt);
		strbuf_addch(out, '.');
		strbuf_addstr(out, digits + decpt);
	} else {
		strbuf_addstr(out, digits);
		strbuf_addchars(out, '0', (size_t)(decpt - nd));
		if (dot0)
			strbuf_addstr(out, ".0");
	}
}

static void complex_repr(double re, double im, struct strbuf *out)
{
	if (re == 0 && !signbit(re)) {
		float_repr(im, 0, out);
		strbuf_addch(out, 'j');
		return;
	}
	strbuf_addch(out, '(');
	float_repr(re, 0, out);
	if (!signbit(im) || isnan(im))
		strbuf_addch(out, '+');
	float_repr(im, 0, out);
	strbuf_addstr(out, "j)");
}

/* Python's str.isprintable for non-ASCII, for the common cases. */
static int py_printable(uint32_t cp)
{
	if (cp < 0xa1)
		return 0;	/* C1 controls and NO-BREAK SPACE */
	if (cp == 0xad || cp == 0x61c || cp == 0x6dd || cp == 0x70f || cp == 0x180e ||
	    cp == 0x1680 || cp == 0x3000 || cp == 0xfeff || cp == 0x202f || cp == 0x205f)
		return 0;
	if ((cp >= 0x600 && cp <= 0x605) || (cp >= 0x2000 && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	    (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    cp == 0xfffe || cp == 0xffff || cp >= 0xf0000 ||
	    (cp >= 0xe0000 && cp <= 0xe0fff))
		return 0;
	return 1;
}

/* Python's repr() of a str or bytes. */
static void string_repr(const struct value *v, struct strbuf *out)
{
	const unsigned char *s = (const unsigned char *)v->u.str.s;
	size_t n = v->u.str.len;
	int bytes = v->type == VAL_BYTES;
	char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';

	if (bytes)
		strbuf_addch(out, 'b');
	strbuf_addch(out, q);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = bytes ? 0 : utf8_decode(s + i, n - i, &cp);
		if (!len) {	/* bytes, or (never in a str) not UTF-8: one byte */
			cp = s[i];
			len = 1;
		}
		if (cp == (uint32_t)q || cp == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)cp);
		} else if (cp == '\t')
			strbuf_addstr(out, "\\t");
		else if (cp == '\n')
			strbuf_addstr(out, "\\n");
		else if (cp == '\r')
			strbuf_addstr(out, "\\r");
		else if (cp < 0x20 || cp == 0x7f || (bytes && cp >= 0x80))
			strbuf_addf(out, "\\x%02x", cp);
		else if (cp < 0x80 || py_printable(cp))
			strbuf_add(out, s + i, len);
		else if (cp < 0x100)
			strbuf_addf(out, "\\x%02x", cp);
		else if (cp < 0x10000)
			strbuf_addf(out, "\\u%04x", cp);
		else
			strbuf_addf(out, "\\U%08x", cp);
		i += len;
	}
	strbuf_addch(out, q);
}

static void repr(const struct value *v, struct strbuf *out)
{
	switch (v->type) {
	case VAL_NONE: strbuf_addstr(out, "None"); break;
	case VAL_BOOL: strbuf_addstr(out, v->u.b ? "True" : "False"); break;
	case VAL_INT: strbuf_addstr(out, v->u.num); break;
	case VAL_FLOAT: float_repr(v->u.f, 1, out); break;
	case VAL_COMPLEX: complex_repr(v->u.c.re, v->u.c.im, out); break;
	case VAL_STR:
	case VAL_BYTES: string_repr(v, out); break;
	case VAL_ELLIPSIS: strbuf_addstr(out, "Ellipsis"); break;
	case VAL_LIST:
	case VAL_TUPLE:
	case VAL_SET:
		if (v->type == VAL_SET && !v->u.seq.nr) {
			strbuf_addstr(out, "set()");
			break;
		}
		strbuf_addch(out, v->type == VAL_LIST ? '[' : v->type == VAL_TUPLE ? '(' : '{');
		for (size_t i = 0; i < v->u.seq.nr; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			repr(v->u.seq.item[i], out);
		}
		if (v->type == VAL_TUPLE && v->u.seq.nr == 1)
			strbuf_addch(out, ',');
		strbuf_addch(out, v->type == VAL_LIST ? ']' : v->type == VAL_TUPLE ? ')' : '}');
		break;
	case VAL_DICT:
		strbuf_addch(out, '{');
		for (size_t i = 0; i < v->u.dict.nr; i++) {
			if (i)
				strbuf_addstr(out, ", ");
			repr(v->u.dict.key[i], out);
			strbuf_addstr(out, ": ");
			repr(v->u.dict.val[i], out);
		}
		strbuf_addch(out, '}');
		break;
	}
}

void value_str(const struct value *v, struct strbuf *out)
{
	if (v->type == VAL_STR)
		strbuf_add(out, v->u.str.s, v->u.str.len);
	else
		repr(v, out);
}


static void json_float(double d, struct strbuf *out)
{
	if (isnan(d))
		strbuf_addstr(out, "NaN");
	else if (isinf(d))
		strbuf_addstr(out, d < 0 ? "-Infinity" : "Infinity");
	else
		float_repr(d, 1, out);
}

/* Numeric order of two real numbers (bool, int, float). */
static int num_cmp(const struct value *a, const struct value *b)
{
	double ra, rb;
	char *da = real_as_decimal(a, &ra), *db = real_as_decimal(b, &rb);
	int c;

	if (da && db && (a->type != VAL_FLOAT || b->type != VAL_FLOAT)) {
		/* exact compare of whole numbers: sign, length, digits */
		int na = da[0] == '-', nb = db[0] == '-';
		size_t la = strlen(da + na), lb = strlen(db + nb);
		if (na != nb)
			c = na ? -1 : 1;
		else {
			c = la != lb ? (la < lb ? -1 : 1) : strcmp(da + na, db + nb);
			if (na)
				c = -c;
		}
	} else
		c = ra < rb ? -1 : ra > rb ? 1 : 0;
	free(da);
	free(db);
	return c;
}

static int str_cmp(const struct value *a, const struct value *b)
{
	size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c = memcmp(a->u.str.s, b->u.str.s, n);
	if (c)
		return c;
	return a->u.str.len < b->u.str.len ? -1 : a->u.str.len > b->u.str.len;
}

/* Sort state for dict keys (qsort has no context argument). */
static const struct value *const *sort_keys_of;

static int key_cmp(const void *pa, const void *pb)
{
	const struct value *a = sort_keys_of[*(const size_t *)pa];
	const struct value *b = sort_keys_of[*(const size_t *)pb];
	return a->type == VAL_STR ? str_cmp(a, b) : num_cmp(a, b);
}

/*
 * The order Python's sort_keys gives, or insertion order when Python
 * cannot compare the keys (it then writes the whole document unsorted).
 */
static size_t *sorted_keys(const struct value *v)
{
	size_t n = v->u.dict.nr, *idx = xcalloc(n ? n : 1, sizeof(*idx));
	int all_str = 1, all_num = 1;

	for (size_t i = 0; i < n; i++) {
		const struct value *k = v->u.dict.key[i];
		idx[i] = i;
		if (k->type != VAL_STR)
			all_str = 0;
		if (k->type != VAL_BOOL && k->type != VAL_INT && k->type != VAL_FLOAT)
			all_num = 0;
	}
	if (n > 1 && (all_str || all_num)) {
		sort_keys_of = (const struct value *const *)v->u.dict.key;
		qsort(idx, n, sizeof(*idx), key_cmp);
		sort_keys_of = NULL;
	}
	return idx;
}

static int json_key_text(const struct value *k, struct strbuf *out, struct strbuf *err)
{
	switch (k->type) {
	case VAL_STR: json_quote(out, k->u.str.s, k->u.str.len); return 0;
	case VAL_INT: strbuf_addf(out, "\"%s\"", k->u.num); return 0;
	case VAL_BOOL: strbuf_addstr(out, k->u.b ? "\"true\"" : "\"false\""); return 0;
	case VAL_NONE: strbuf_addstr(out, "\"null\""); return 0;
	case VAL_FLOAT:
		strbuf_addch(out, '"');
		json_float(k->u.f, out);
		strbuf_addch(out, '"');
		return 0;
	default:
		strbuf_addf(err, "keys must be str, int, float, bool or None, not %s",
			    value_type_name(k));
		return -1;
	}
}

static void newline_indent(struct strbuf *out, int indent, int depth)
{
	if (!indent)
		return;
	strbuf_addch(out, '\n');
	strbuf_addchars(out, ' ', (size_t)indent * (size_t)depth);
}

int value_to_json(const struct value *v, struct strbuf *out, int indent, int depth,
		  struct strbuf *err)
{
	switch (v->type) {
	case VAL_NONE: strbuf_addstr(out, "null"); return 0;
	case VAL_BOOL: strbuf_addstr(out, v->u.b ? "true" : "false"); return 0;
	case VAL_INT: strbuf_addstr(out, v->u.num); return 0;
	case VAL_FLOAT: json_float(v->u.f, out); return 0;
	case VAL_STR: json_quote(out, v->u.str.s, v->u.str.len); return 0;
	case VAL_LIST:
	case VAL_TUPLE:
		if (!v->u.seq.nr) {
			strbuf_addstr(out, "[]");
			return 0;
		}
		strbuf_addch(out, '[');
		for (size_t i = 0; i < v->u.seq.nr; i++) {
			if (i)
				strbuf_addch(out, ',');
			newline_indent(out, indent, depth + 1);
			if (value_to_json(v->u.seq.item[i], out, indent, depth + 1, err) < 0)
				return -1;
		}
		newline_indent(out, indent, depth);
		strbuf_addch(out, ']');
		return 0;
	case VAL_DICT: {
		size_t *idx;
		if (!v->u.dict.nr) {
			strbuf_addstr(out, "{}");
			return 0;
		}
		idx = sorted_keys(v);
		strbuf_addch(out, '{');
		for (size_t i = 0; i < v->u.dict.nr; i++) {
			if (i)
				strbuf_addch(out, ',');
			newline_indent(out, indent, depth + 1);
			if (json_key_text(v->u.dict.key[idx[i]], out, err) < 0) {
				free(idx);
				return -1;
			}
			strbuf_addstr(out, indent ? ": " : ":");
			if (value_to_json(v->u.dict.val[idx[i]], out, indent, depth + 1, err) < 0) {
				free(idx);
				return -1;
			}
		}
		free(idx);
		newline_indent(out, indent, depth);
		strbuf_addch(out, '}');
		return 0;
	}
	default:
		strbuf_addf(err, "a Python %s has no JSON form", value_type_name(v));
		return -1;
	}
}
