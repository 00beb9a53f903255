/*
 * The Ansible INI inventory parser. It follows ansible-core 2.14's ini
 * plugin line by line (plugins/inventory/ini.py), the host pattern rules
 * it uses (parsing/utils/addresses.py, expand_hostname_range) and
 * Python's shlex and str semantics where they decide the result, so
 * that hosts, groups and values come out as Ansible makes them. Unlike
 * Ansible it goes on after an error, to report every problem at once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/ini.h"
#include "config/inventory.h"
#include "config/value.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum section { SEC_HOSTS, SEC_VARS, SEC_CHILDREN, SEC_SKIP };

/* A group named in [x:children] or [x:vars] before it is declared. */
struct pending {
	char *name;
	unsigned line, col;	/* where first named */
	enum section kind;	/* SEC_VARS or SEC_CHILDREN */
	size_t *parents;	/* for SEC_CHILDREN: the groups listing it */
	unsigned *lines;
	size_t nr, alloc, alloc_lines;
	int done;
};

struct ini {
	struct inventory *inv;
	struct diag_list *dl;
	unsigned lineno;
	unsigned col;		/* column of the current line's first non-space */
	enum section section;
	size_t group;
	struct pending *pending;
	size_t nr_pending, alloc_pending;
	struct inv_index pending_index;
	size_t errors;
	int stop;
};

static void ini_error(struct ini *st, unsigned col, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void ini_error(struct ini *st, unsigned col, const char *hint, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	if (st->stop)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_error(st->dl, st->inv->file, st->lineno, col, hint, "%s", msg.buf);
	strbuf_release(&msg);
	if (++st->errors >= INI_MAX_ERRORS) {
		/* on the next line, so that it sorts after the last error */
		diag_warning(st->dl, st->inv->file, st->lineno + 1, 0, NULL,
			     "too many errors, stopping here");
		st->stop = 1;
	}
}

/* ---- Python str semantics on UTF-8 ---- */

/* Length of the whitespace character (Python's str.isspace) at s, or 0. */
static size_t uspace(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!n)
		return 0;
	if (u[0] < 0x80)
		return (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r') ||
			(u[0] >= 0x1c && u[0] <= 0x1f)) ? 1 : 0;
	if (n >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (n >= 3 && u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)
		return 3;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f)
		return 3;
	if (n >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* Length of the UTF-8 character at s (input is valid UTF-8). */
static size_t uchar_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;
	size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	return len <= n ? len : n;
}

/* Python's str.strip() on [*s, *s + *n). */
static void ustrip(const char **s, size_t *n)
{
	size_t k;

	while (*n && (k = uspace(*s, *n))) {
		*s += k;
		*n -= k;
	}
	while (*n) {
		size_t back = 0;
		for (size_t try = 1; try <= 3 && try <= *n; try++)
			if (uspace(*s + *n - try, try) == try) {
				back = try;
				break;
			}
		if (!back)
			break;
		*n -= back;
	}
}

/* Code points in a UTF-8 string (Python's len()). */
static size_t ulen(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Offset of the first byte that is not valid UTF-8 (as Python decodes), or n. */
static size_t utf8_check(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = u[i];
		size_t len;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return i;
		if (i + len > n)
			return i;
		for (size_t j = 1; j < len; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (u[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += len;
	}
	return n;
}

/*
 * Length of the line break at s (Python's str.splitlines: \n, \r, \r\n,
 * \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029), or 0.
 */
static size_t line_break(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	switch (u[0]) {
	case '\n': case '\v': case '\f': case 0x1c: case 0x1d: case 0x1e:
		return 1;
	case '\r':
		return n >= 2 && u[1] == '\n' ? 2 : 1;
	case 0xc2:
		return n >= 2 && u[1] == 0x85 ? 2 : 0;
	case 0xe2:
		return n >= 3 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9) ? 3 : 0;
	default:
		return 0;
	}
}

/* Python's re \w for one character (non-ASCII counts as a word character). */
static int word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/*
 * Python's int(str) for the numbers in a host range: spaces around, a
 * sign, digits with single '_' between them. 0, or -1 if it is no
 * number, or -2 if it is too large for this implementation.
 */
static int py_int(const char *s, size_t n, long long *out)
{
	long long v = 0;
	int neg = 0, digits = 0;

	ustrip(&s, &n);
	if (n && (*s == '+' || *s == '-')) {
		neg = *s == '-';
		s++;
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && digits && i + 1 < n && is_digit((unsigned char)s[i + 1]))
			continue;
		if (!is_digit((unsigned char)s[i]))
			return -1;
		if (v > (1000000000000000000LL - 9) / 10)
			return -2;
		v = v * 10 + (s[i] - '0');
		digits++;
	}
	if (!digits)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/* ---- host patterns (ansible.parsing.utils.addresses) ---- */

/* \[ A+ : A+ (: [0-9]+)? \] with A the class `first`; its length or 0. */
static size_t bracket_range(const char *s, size_t n, int (*cls)(int), int single_alpha)
{
	size_t i = 1;

	if (!n || s[0] != '[')
		return 0;
	for (int part = 0; part < 2; part++) {
		size_t start = i;
		if (single_alpha) {
			if (i < n && is_alpha((unsigned char)s[i]))
				i++;
		} else
			while (i < n && cls((unsigned char)s[i]))
				i++;
		if (i == start)
			return 0;
		if (part == 0) {
			if (i >= n || s[i] != ':')
				return 0;
			i++;
		}
	}
	if (i < n && s[i] == ':') {
		size_t start = ++i;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
		if (i == start)
			return 0;
	}
	return i < n && s[i] == ']' ? i + 1 : 0;
}

static size_t numeric_range(const char *s, size_t n) { return bracket_range(s, n, is_digit, 0); }
static size_t hex_range(const char *s, size_t n) { return bracket_range(s, n, is_hex, 0); }

static size_t alnum_range(const char *s, size_t n)
{
	size_t r = bracket_range(s, n, is_alpha, 1);
	return r ? r : numeric_range(s, n);
}

static int ipv4_component(const char *s, size_t n)
{
	if (n && s[0] == '[')
		return numeric_range(s, n) == n;
	if (n < 1 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return 0;
	if (n < 3)
		return 1;
	return s[0] == '0' || s[0] == '1' || (s[0] == '2' && s[1] <= '4') ||
	       (s[0] == '2' && s[1] == '5' && s[2] <= '5');
}

static int match_ipv4(const char *s, size_t n)
{
	size_t start = 0, parts = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (++parts > 4 || !ipv4_component(s + start, i - start))
			return 0;
		start = i + 1;
	}
	return parts == 4;
}

/* A whole IPv6 component (1-4 hex digits or a hex range) at s: its length or 0. */
static size_t v6_component(const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[0] == '[')
		return hex_range(s, n);
	while (i < n && is_hex((unsigned char)s[i]))
		i++;
	return i <= 4 ? i : 0;
}

/* The start of an IPv6 component (the regex may stop inside one at the end). */
static int v6_component_start(const char *s, size_t n)
{
	return (n && is_hex((unsigned char)s[0])) || (n && hex_range(s, n));
}

/* (C\.){3}C at s; the last C whole up to the end, or just begun when `prefix`. */
static int v6_dotted(const char *s, size_t n, int prefix)
{
	size_t i = 0;

	for (int k = 0; k < 3; k++) {
		size_t c = v6_component(s + i, n - i);
		if (!c || i + c >= n || s[i + c] != '.')
			return 0;
		i += c + 1;
	}
	if (prefix)
		return v6_component_start(s + i, n - i);
	return v6_component(s + i, n - i) == n - i && i < n;
}

static int prefix_ci(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	if (n < l)
		return 0;
	for (size_t i = 0; i < l; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return 0;
	}
	return 1;
}

/*
 * Ansible's ipv6 pattern. Its alternatives are not grouped, so re.match
 * anchors only their start (and the last one's end): any string that
 * begins like an IPv6 address passes, "fe80::1%eth0" included.
 */
static int match_ipv6(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':')
		return 1;
	for (int k = 1; k <= 7; k++) {
		size_t c = v6_component(s + i, n - i);
		if (!c || i + c >= n || s[i + c] != ':')
			break;
		i += c + 1;
		if (k <= 6 && i < n && s[i] == ':')
			return 1;	/* (C:){1,6}: */
		if (k == 7 && v6_component_start(s + i, n - i))
			return 1;	/* (C:){7}C */
	}
	if (prefix_ci(s, n, "0:0:0:0:0:0:") && v6_dotted(s + 12, n - 12, 1))
		return 1;
	if (prefix_ci(s, n, "0:0:0:0:0:ffff:") && v6_dotted(s + 15, n - 15, 0))
		return 1;
	return 0;
}

/* Ansible's hostname pattern: labels of \w, '-' and ranges, not ending in - or _. */
static int match_hostname(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t start = i;
		unsigned char last = 0;

		while (i < n && s[i] != '.') {
			unsigned char c = (unsigned char)s[i];
			if (c == '[') {
				size_t r = alnum_range(s + i, n - i);
				if (!r)
					return 0;
				i += r;
				last = ']';
			} else if (word_char(c)) {
				last = c;
				i += c < 0x80 ? 1 : uchar_len(s + i, n - i);
			} else if (c == '-' && i > start) {
				last = c;
				i++;
			} else
				return 0;
		}
		if (i == start || last == '_' || last == '-')
			return 0;
		if (i == n)
			return 1;
		i++;
	}
}

/*
 * parse_address(token, allow_ranges=True): splits "host:port" and
 * "[host]:port" and checks the host; when that fails Ansible keeps the
 * whole token as the name, with no port. Returns the name in `name` and
 * the port digits (or "") in `port`.
 */
static void split_host_port(const char *tok, struct strbuf *name, struct strbuf *port)
{
	size_t n = strlen(tok), alen = n, i;
	const char *addr = tok;
	const char *p;

	strbuf_reset(port);
	/* ^\[(.+)\]:([0-9]+)$ */
	p = strrchr(tok, ']');
	if (tok[0] == '[' && p && p - tok >= 2 && p[1] == ':' && p[2] &&
	    strspn(p + 2, "0123456789") == strlen(p + 2)) {
		addr = tok + 1;
		alen = (size_t)(p - tok) - 1;
		strbuf_addstr(port, p + 2);
	}
	/* ^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$ */
	for (i = 0; i < alen;) {
		if (addr[i] == '[') {
			const char *close = memchr(addr + i, ']', alen - i);
			if (!close)
				break;
			i = (size_t)(close - addr) + 1;
		} else if (addr[i] == ':' || addr[i] == ']')
			break;
		else
			i++;
	}
	if (i < alen && addr[i] == ':' && i + 1 < alen) {
		size_t d = i + 1;
		while (d < alen && is_digit((unsigned char)addr[d]))
			d++;
		if (d == alen) {
			strbuf_reset(port);
			strbuf_add(port, addr + i + 1, alen - i - 1);
			alen = i;
		}
	}
	strbuf_reset(name);
	if (match_ipv4(addr, alen) || match_ipv6(addr, alen) || match_hostname(addr, alen))
		strbuf_add(name, addr, alen);
	else {
		strbuf_addstr(name, tok);
		strbuf_reset(port);
	}
}

/* ---- host ranges (expand_hostname_range) ---- */

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* One [begin:end:step] of a pattern, not expanded. */
struct range {
	char *lit;		/* the text before it */
	int alpha;
	long long start, step, count;
	size_t width;		/* zero-fill width, 0 = none */
};

static void format_item(const struct range *r, long long k, struct strbuf *out)
{
	if (r->alpha) {
		strbuf_addch(out, letters[r->start + k * r->step]);
		return;
	}
	{
		long long v = r->start + k * r->step;
		char buf[32];
		size_t len, neg = v < 0;
		xsnprintf(buf, sizeof(buf), "%lld", v);
		len = strlen(buf);
		if (neg)
			strbuf_addch(out, '-');
		if (r->width > len)
			strbuf_addchars(out, '0', r->width - len);
		strbuf_addstr(out, buf + neg);
	}
}

/*
 * One range's items from its text "begin:end[:step]". Returns 0, or -1
 * with the reason in `why`.
 */
static int parse_range(const char *text, struct range *r, struct strbuf *why)
{
	struct strvec bounds = STRVEC_INIT;
	const char *beg, *end, *stepstr = NULL, *p = text, *colon;
	long long b, e, s = 1;
	int ret = -1, rc;

	while ((colon = strchr(p, ':'))) {
		char *part = xstrndup(p, (size_t)(colon - p));
		strvec_push(&bounds, part);
		free(part);
		p = colon + 1;
	}
	strvec_push(&bounds, p);
	if (bounds.nr != 2 && bounds.nr != 3) {
		strbuf_addstr(why, "is not begin:end or begin:end:step");
		goto out;
	}
	beg = *bounds.v[0] ? bounds.v[0] : "0";
	end = bounds.v[1];
	if (bounds.nr == 3)
		stepstr = bounds.v[2];
	if (!*end) {
		strbuf_addstr(why, "has no end value");
		goto out;
	}
	r->width = 0;
	if (beg[0] == '0' && strlen(beg) > 1) {
		if (ulen(beg, strlen(beg)) != ulen(end, strlen(end))) {
			strbuf_addstr(why, "has a begin and an end of different widths");
			goto out;
		}
		r->width = ulen(beg, strlen(beg));
	}
	{
		/* letters: Python's string.ascii_letters.index() of each end */
		const char *ib = strstr(letters, beg), *ie = strstr(letters, end);
		if (ib && ie) {
			long long i_beg = ib - letters, i_end = ie - letters;
			if (i_beg > i_end) {
				strbuf_addstr(why, "has its begin after its end");
				goto out;
			}
			if (stepstr && py_int(stepstr, strlen(stepstr), &s) < 0) {
				strbuf_addf(why, "has a step '%s' that is not a number", stepstr);
				goto out;
			}
			if (s == 0) {
				strbuf_addstr(why, "has a step of 0");
				goto out;
			}
			r->alpha = 1;
			r->start = i_beg;
			r->step = s;
			r->count = s > 0 ? (i_end - i_beg) / s + 1 : 0;
			ret = 0;
			goto out;
		}
	}
	if ((rc = py_int(beg, strlen(beg), &b)) < 0 ||
	    (rc = py_int(end, strlen(end), &e)) < 0 ||
	    (stepstr && (rc = py_int(stepstr, strlen(stepstr), &s)) < 0)) {
		strbuf_addstr(why, rc == -2 ? "has a number too large" :
			      "is neither numbers nor letters");
		goto out;
	}
	if (s == 0) {
		strbuf_addstr(why, "has a step of 0");
		goto out;
	}
	r->alpha = 0;
	r->start = b;
	r->step = s;
	if (s > 0)
		r->count = e + 1 > b ? (e + 1 - b + s - 1) / s : 0;
	else
		r->count = b > e + 1 ? (b - (e + 1) + (-s) - 1) / (-s) : 0;
	ret = 0;
out:
	strvec_clear(&bounds);
	return ret;
}

/*
 * Expands every [x:y(:z)] in `pat` into `out`, as Ansible does: the
 * first '[' and the first ']' split off each range in turn, and a range
 * with no items ends the expansion (so later ranges are not checked).
 * Returns 0, -1 with the reason in `why`, or -2 when it would make more
 * than `budget` names.
 */
static int expand_pattern(const char *pat, size_t budget, struct strvec *out, struct strbuf *why)
{
	struct range *ranges = NULL;
	size_t nr = 0, alloc = 0;
	const char *rest = pat;
	unsigned long long total = 1;
	long long *odo = NULL;
	struct strbuf name = STRBUF_INIT;
	int ret = -1;

	if (!strchr(pat, '[')) {
		strvec_push(out, pat);
		return 0;
	}
	if (strchr(pat, '|')) {
		strbuf_addstr(why, "a pattern with a range cannot contain '|'");
		return -1;
	}
	while (strchr(rest, '[')) {
		const char *open = strchr(rest, '['), *close = strchr(rest, ']');
		const char *lo, *hi;
		char *text;
		struct range r = { NULL, 0, 0, 0, 0, 0 };

		if (!close) {
			strbuf_addstr(why, "'[' has no matching ']'");
			goto out;
		}
		lo = open < close ? open : close;
		hi = open < close ? close : open;
		text = xstrndup(lo + 1, (size_t)(hi - lo - 1));
		if (parse_range(text, &r, &name) < 0) {
			strbuf_addf(why, "range '[%s]' %s", text, name.buf);
			free(text);
			goto out;
		}
		free(text);
		r.lit = xstrndup(rest, (size_t)(lo - rest));
		ALLOC_GROW(ranges, nr + 1, alloc);
		ranges[nr++] = r;
		rest = hi + 1;
		if (!r.count) {	/* nothing to expand: no hosts */
			ret = 0;
			goto out;
		}
		total *= (unsigned long long)r.count;
		if (total > budget) {
			ret = -2;
			goto out;
		}
	}
	odo = xcalloc(nr, sizeof(*odo));
	for (;;) {
		size_t k;
		strbuf_reset(&name);
		for (k = 0; k < nr; k++) {
			strbuf_addstr(&name, ranges[k].lit);
			format_item(&ranges[k], odo[k], &name);
		}
		strbuf_addstr(&name, rest);
		strvec_push(out, name.buf);
		for (k = nr; k-- > 0;) {
			if (++odo[k] < ranges[k].count)
				break;
			odo[k] = 0;
		}
		if (k == (size_t)-1)
			break;
	}
	ret = 0;
out:
	for (size_t i = 0; i < nr; i++)
		free(ranges[i].lit);
	free(ranges);
	free(odo);
	strbuf_release(&name);
	return ret;
}

/* ---- shlex.split(line, comments=True), POSIX mode ---- */

/*
 * Splits a host line as Python's shlex does: blanks separate words,
 * quotes and backslashes as in a POSIX shell ('\' inside double quotes
 * only escapes '"' and '\'), '#' outside quotes starts a comment even
 * inside a word. Returns 0, or -1 with the reason in `why`.
 */
static int shlex_split(const char *s, size_t n, struct strvec *out, struct strbuf *why)
{
	struct strbuf tok = STRBUF_INIT;
	size_t i = 0;
	int in_word = 0, quoted = 0;

	for (;;) {
		char c = i < n ? s[i] : '\0';

		if (i >= n || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '#') {
			if (in_word && (tok.len || quoted))
				strvec_push(out, tok.buf);
			strbuf_reset(&tok);
			in_word = quoted = 0;
			if (i >= n || c == '#')
				break;
			i++;
			continue;
		}
		in_word = 1;
		if (c == '\\') {
			if (i + 1 >= n) {
				strbuf_addstr(why, "it ends with a backslash");
				goto fail;
			}
			strbuf_addch(&tok, s[i + 1]);
			i += 2;
			continue;
		}
		if (c == '\'' || c == '"') {
			quoted = 1;
			for (i++;; i++) {
				if (i >= n) {
					strbuf_addf(why, "it has a %s quote (%c) that is not closed",
						    c == '"' ? "double" : "single", c);
					goto fail;
				}
				if (s[i] == c)
					break;
				if (c == '"' && s[i] == '\\') {
					if (i + 1 >= n) {
						strbuf_addf(why, "it has a double quote (%c) that is not closed", c);
						goto fail;
					}
					if (s[i + 1] != '"' && s[i + 1] != '\\')
						strbuf_addch(&tok, '\\');
					strbuf_addch(&tok, s[++i]);
					continue;
				}
				strbuf_addch(&tok, s[i]);
			}
			i++;
			continue;
		}
		strbuf_addch(&tok, c);
		i++;
	}
	strbuf_release(&tok);
	return 0;
fail:
	strbuf_release(&tok);
	return -1;
}

/* ---- sections ---- */

/* A run of characters other than ':', ']' and whitespace; its length. */
static size_t name_run(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ':' && s[i] != ']' && !uspace(s + i, n - i))
		i += uchar_len(s + i, n - i);
	return i;
}

/* \s*(?:#.*)?$ */
static int rest_is_comment(const char *s, size_t n)
{
	size_t k;
	while (n && (k = uspace(s, n))) {
		s += k;
		n -= k;
	}
	return !n || *s == '#';
}

/*
 * ^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:\#.*)?$ on a stripped line. Returns 1
 * with the name and the tag (tag_len 0 when none).
 */
static int match_section(const char *s, size_t n, size_t *name_len,
			 const char **tag, size_t *tag_len)
{
	size_t i, nl;

	if (!n || s[0] != '[')
		return 0;
	nl = name_run(s + 1, n - 1);
	if (!nl)
		return 0;
	i = 1 + nl;
	*tag = NULL;
	*tag_len = 0;
	if (i < n && s[i] == ':') {
		size_t t = i + 1;
		while (t < n && word_char((unsigned char)s[t]) && !uspace(s + t, n - t))
			t += uchar_len(s + t, n - t);
		if (t == i + 1)
			return 0;
		*tag = s + i + 1;
		*tag_len = t - i - 1;
		i = t;
	}
	if (i >= n || s[i] != ']')
		return 0;
	*name_len = nl;
	return rest_is_comment(s + i + 1, n - i - 1);
}

/*
 * ^([^:\]\s]+)\s*(?:\#.*)?$ for a [x:children] line. The name may hold
 * '#'; when the whole run does not fit, the regex backs off to its last
 * '#', which then starts a comment. Returns the name's length or 0.
 */
static size_t match_group_name(const char *s, size_t n)
{
	size_t run = name_run(s, n);

	if (!run)
		return 0;
	if (rest_is_comment(s + run, n - run))
		return run;
	for (size_t k = run; k-- > 1;)
		if (s[k] == '#')
			return k;
	return 0;
}

static struct pending *find_pending(struct ini *st, const char *name)
{
	size_t i;
	if (!inv_index_get(&st->pending_index, name, &i) || st->pending[i].done)
		return NULL;
	return &st->pending[i];
}

static struct pending *add_pending(struct ini *st, const char *name, enum section kind)
{
	struct pending *p;

	ALLOC_GROW(st->pending, st->nr_pending + 1, st->alloc_pending);
	p = &st->pending[st->nr_pending];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->line = st->lineno;
	p->col = st->col;
	p->kind = kind;
	inv_index_put(&st->pending_index, p->name, st->nr_pending);
	st->nr_pending++;
	return p;
}

static void pending_add_parent(struct pending *p, size_t parent, unsigned line)
{
	ALLOC_GROW(p->parents, p->nr + 1, p->alloc);
	ALLOC_GROW(p->lines, p->nr + 1, p->alloc_lines);
	p->parents[p->nr] = parent;
	p->lines[p->nr++] = line;
}

/* A group is declared: the [x:children] that named it earlier now apply. */
static void resolve_pending(struct ini *st, struct pending *p, size_t group)
{
	struct strbuf err = STRBUF_INIT;
	unsigned saved = st->lineno;

	for (size_t i = 0; i < p->nr; i++) {
		strbuf_reset(&err);
		if (inventory_add_child(st->inv, p->parents[i], group, &err) < 0) {
			st->lineno = p->lines[i];
			ini_error(st, 0, "remove one of the [NAME:children] entries that make the loop",
				  "%s", err.buf);
			st->lineno = saved;
		}
	}
	p->done = 1;
	strbuf_release(&err);
}

static void section_header(struct ini *st, const char *s, size_t n)
{
	const char *tag;
	size_t name_len, tag_len;
	char *name;
	size_t g;
	struct pending *p;
	enum section kind;

	if (!match_section(s, n, &name_len, &tag, &tag_len)) {
		st->section = SEC_SKIP;
		ini_error(st, st->col,
			  "a section header is [NAME], [NAME:vars] or [NAME:children], with no spaces in it",
			  "invalid section header '%.*s'", (int)n, s);
		return;
	}
	name = xstrndup(s + 1, name_len);
	if (!tag_len || (tag_len == 5 && !memcmp(tag, "hosts", 5)))
		kind = SEC_HOSTS;
	else if (tag_len == 4 && !memcmp(tag, "vars", 4))
		kind = SEC_VARS;
	else if (tag_len == 8 && !memcmp(tag, "children", 8))
		kind = SEC_CHILDREN;
	else {
		static const char *const kinds[] = { "children", "vars", "hosts" };
		char *t = xstrndup(tag, tag_len);
		const char *near = suggest_nearest(t, kinds, ARRAY_SIZE(kinds));
		struct strbuf hint = STRBUF_INIT;
		if (near)
			strbuf_addf(&hint, "did you mean [%s:%s]?", name, near);
		else
			strbuf_addf(&hint, "use [%s], [%s:vars] or [%s:children]", name, name, name);
		ini_error(st, st->col, hint.buf, "unknown section type '%s' in '%.*s'", t, (int)n, s);
		strbuf_release(&hint);
		free(t);
		free(name);
		st->section = SEC_SKIP;
		return;
	}
	if (inventory_find_group(st->inv, name) < 0 && kind == SEC_VARS &&
	    !find_pending(st, name))
		add_pending(st, name, SEC_VARS);
	g = inventory_add_group(st->inv, name, st->lineno);
	if (kind != SEC_VARS && (p = find_pending(st, name))) {
		if (p->kind == SEC_CHILDREN)
			resolve_pending(st, p, g);
		else
			p->done = 1;
	}
	st->group = g;
	st->section = kind;
	free(name);
}

/* ---- host, vars and children lines ---- */

static void host_line(struct ini *st, const char *s, size_t n)
{
	struct strvec tokens = STRVEC_INIT, names = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, name = STRBUF_INIT, port = STRBUF_INIT;
	struct value **vals = NULL;
	const char **keys = NULL;
	size_t nvars = 0;
	const char *pat;

	if (shlex_split(s, n, &tokens, &why) < 0) {
		ini_error(st, st->col, "close the quote, or put a backslash before it",
			  "cannot read host line: %s", why.buf);
		goto out;
	}
	if (!tokens.nr)
		goto out;
	pat = tokens.v[0];
	nvars = tokens.nr - 1;
	keys = xcalloc(nvars ? nvars : 1, sizeof(*keys));
	vals = xcalloc(nvars ? nvars : 1, sizeof(*vals));

	split_host_port(pat, &name, &port);
	switch (expand_pattern(name.buf, INVENTORY_MAX_HOSTS - st->inv->entries, &names, &why)) {
	case -1:
		ini_error(st, st->col, "write ranges like node[01:20], gpu[1:7:2] or node-[a:f]",
			  "invalid host pattern '%s': %s", pat, why.buf);
		goto out;
	case -2:
		ini_error(st, st->col, "check the range's bounds",
			  "host pattern '%s' takes the inventory past %d hosts", pat,
			  INVENTORY_MAX_HOSTS);
		goto out;
	}
	{
		const char *t = pat;
		size_t tl = strlen(t);
		ustrip(&t, &tl);
		if (tl && t[tl - 1] == ':' && !port.len) {
			ini_error(st, st->col, "write the port after the colon, e.g. kube-node1:2222",
				  "host pattern '%s' ends in ':' but has no port", pat);
			goto out;
		}
	}
	for (size_t i = 0; i < names.nr; i++) {
		const char *t = names.v[i];
		size_t tl = strlen(t);
		ustrip(&t, &tl);
		if (tl == 3 && !memcmp(t, "---", 3)) {
			ini_error(st, st->col, "this looks like a YAML inventory; kcfg reads the INI format",
				  "'---' is not a host name");
			st->stop = 1;	/* a YAML file: the rest is noise */
			goto out;
		}
	}
	for (size_t i = 0; i < nvars; i++) {
		const char *t = tokens.v[i + 1], *eq = strchr(t, '=');
		struct strbuf key = STRBUF_INIT;

		if (!eq) {
			ini_error(st, st->col, "host variables are key=value after the host name, e.g. kube-node1 ansible_host=10.0.0.11",
				  "host variable '%s' is not key=value", t);
			goto out;
		}
		strbuf_add(&key, t, (size_t)(eq - t));
		keys[i] = strbuf_detach(&key, NULL);
		strbuf_reset(&why);
		if (value_from_ini(eq + 1, strlen(eq + 1), &vals[i], &why) < 0) {
			ini_error(st, st->col, "quote the whole value to keep it a string",
				  "value of '%s' cannot be evaluated: %s", keys[i], why.buf);
			goto out;
		}
	}
	for (size_t i = 0; i < names.nr; i++)
		if (!*names.v[i]) {
			ini_error(st, st->col, "give the host a name", "empty host name");
			goto out;
		}
	if (st->inv->entries + names.nr > INVENTORY_MAX_HOSTS) {
		ini_error(st, st->col, "check the range's bounds",
			  "host pattern '%s' takes the inventory past %d hosts", pat,
			  INVENTORY_MAX_HOSTS);
		goto out;
	}
	st->inv->entries += names.nr;
	for (size_t i = 0; i < names.nr; i++) {
		int is_new;
		size_t h = inventory_add_host(st->inv, names.v[i], st->lineno, &is_new);

		inventory_group_add_host(st->inv, st->group, h);
		if (is_new && port.len && port.buf[strspn(port.buf, "0")]) {
			const char *digits = port.buf + strspn(port.buf, "0");
			inventory_set_var(&st->inv->host[h].vars, "ansible_port",
					  value_new_int(digits), st->lineno);
		}
		for (size_t k = 0; k < nvars; k++)
			inventory_set_var(&st->inv->host[h].vars, keys[k],
					  i + 1 < names.nr ? value_dup(vals[k]) : vals[k],
					  st->lineno);
	}
	if (names.nr)
		nvars = 0;	/* the last host took the values */
out:
	for (size_t i = 0; i < nvars; i++)
		value_free(vals[i]);
	for (size_t i = 0; keys && i < tokens.nr - 1; i++)
		free((char *)keys[i]);
	free(keys);
	free(vals);
	strvec_clear(&tokens);
	strvec_clear(&names);
	strbuf_release(&why);
	strbuf_release(&name);
	strbuf_release(&port);
}

/* Python's int() of a value, for ansible_group_priority. */
static int priority_of(const struct value *v, long long *out)
{
	char *end;

	switch (v->type) {
	case VAL_BOOL:
		*out = v->u.b;
		return 0;
	case VAL_INT:
		errno = 0;
		*out = strtoll(v->u.num, &end, 10);
		return errno ? -1 : 0;
	case VAL_FLOAT:
		if (!(v->u.f > -9.2e18 && v->u.f < 9.2e18))
			return -1;
		*out = (long long)v->u.f;
		return 0;
	case VAL_STR:
		return py_int(v->u.str.s, v->u.str.len, out) < 0 ? -1 : 0;
	default:
		return -1;
	}
}

static void vars_line(struct ini *st, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n), *k = s, *v;
	size_t kl, vl;
	struct value *val;
	struct strbuf why = STRBUF_INIT;
	char *key;

	if (!eq) {
		ini_error(st, st->col, "write one variable per line: key=value",
			  "'%.*s' in [%s:vars] is not key=value", (int)n, s, st->inv->group[st->group].name);
		return;
	}
	kl = (size_t)(eq - s);
	v = eq + 1;
	vl = n - kl - 1;
	ustrip(&k, &kl);
	ustrip(&v, &vl);
	key = xstrndup(k, kl);
	if (value_from_ini(v, vl, &val, &why) < 0) {
		ini_error(st, st->col, "quote the whole value to keep it a string",
			  "value of '%s' cannot be evaluated: %s", key, why.buf);
		goto out;
	}
	if (!strcmp(key, "ansible_group_priority")) {
		long long prio;
		if (priority_of(val, &prio) < 0) {
			struct strbuf shown = STRBUF_INIT;
			value_str(val, &shown);
			ini_error(st, st->col, "give a whole number; higher numbers win over other groups at the same depth",
				  "ansible_group_priority of group '%s' is not a whole number: '%s'",
				  st->inv->group[st->group].name, shown.buf);
			strbuf_release(&shown);
		} else
			st->inv->group[st->group].priority = prio;
		value_free(val);
		goto out;
	}
	inventory_set_var(&st->inv->group[st->group].vars, key, val, st->lineno);
out:
	free(key);
	strbuf_release(&why);
}

static void children_line(struct ini *st, const char *s, size_t n)
{
	size_t len = match_group_name(s, n);
	const char *parent = st->inv->group[st->group].name;
	struct strbuf err = STRBUF_INIT;
	struct pending *p;
	char *child;
	long g;

	if (!len) {
		ini_error(st, st->col, "list one group name per line, with no spaces or ':' in it",
			  "'%.*s' in [%s:children] is not a group name", (int)n, s, parent);
		return;
	}
	child = xstrndup(s, len);
	if (!strcmp(child, "all")) {
		ini_error(st, st->col, "every group is under 'all' already; remove this line",
			  "group 'all' cannot be a child of '%s'", parent);
	} else if ((g = inventory_find_group(st->inv, child)) < 0) {
		if (!(p = find_pending(st, child)))
			p = add_pending(st, child, SEC_CHILDREN);
		pending_add_parent(p, st->group, st->lineno);
	} else if (inventory_add_child(st->inv, st->group, (size_t)g, &err) < 0) {
		struct strbuf hint = STRBUF_INIT;
		if ((size_t)g == st->group)
			strbuf_addf(&hint, "remove '%s' from [%s:children]", child, parent);
		else
			strbuf_addstr(&hint, "remove one of the [NAME:children] entries that make the loop");
		ini_error(st, st->col, hint.buf, "%s", err.buf);
		strbuf_release(&hint);
	}
	free(child);
	strbuf_release(&err);
}

/* Groups named but never declared: Ansible's final check, for all of them. */
static void check_pending(struct ini *st)
{
	struct strbuf hint = STRBUF_INIT;

	for (size_t i = 0; i < st->nr_pending && !st->stop; i++) {
		struct pending *p = &st->pending[i];
		if (p->done)
			continue;
		strbuf_reset(&hint);
		st->lineno = p->line;
		if (p->kind == SEC_VARS) {
			strbuf_addf(&hint, "add a [%s] section with its hosts (or [%s:children] with its groups)",
				    p->name, p->name);
			ini_error(st, p->col, hint.buf, "[%s:vars] sets variables of group '%s', which is not defined",
				  p->name, p->name);
		} else {
			const char *parent = st->inv->group[p->parents[0]].name;
			strbuf_addf(&hint, "define it with a [%s] or [%s:children] section, or remove it from [%s:children]",
				    p->name, p->name, parent);
			ini_error(st, p->col, hint.buf, "group '%s' in [%s:children] is not defined",
				  p->name, parent);
		}
	}
	strbuf_release(&hint);
}

static void parse_line(struct ini *st, const char *line, size_t len)
{
	const char *s = line;
	size_t n = len, bad;

	if (memchr(line, '\0', len)) {
		ini_error(st, (unsigned)((const char *)memchr(line, '\0', len) - line) + 1,
			  "remove it: an inventory is text", "line has a NUL byte");
		return;
	}
	bad = utf8_check(line, len);
	if (bad < len) {
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k < len && (line[k] == '#' || line[k] == ';'))
			return;	/* Ansible ignores bytes in comments */
		ini_error(st, (unsigned)bad + 1, "save the inventory as UTF-8",
			  "line is not valid UTF-8");
		return;
	}
	ustrip(&s, &n);
	if (!n || *s == '#' || *s == ';')
		return;
	st->col = (unsigned)(s - line) + 1;
	/* Ansible would take "[x=1" as a variable in [g:vars]; elsewhere it fails */
	if (*s == '[' && !memchr(s, ']', n) && !(st->section == SEC_VARS && memchr(s, '=', n))) {
		struct strbuf hint = STRBUF_INIT;
		strbuf_addf(&hint, "close it with ']': %.*s]", (int)n, s);
		ini_error(st, st->col, hint.buf, "unterminated section header '%.*s'", (int)n, s);
		strbuf_release(&hint);
		st->section = SEC_SKIP;
		return;
	}
	if (*s == '[' && (s[n - 1] == ']' || match_section(s, n, &(size_t){ 0 },
							    &(const char *){ NULL }, &(size_t){ 0 }))) {
		section_header(st, s, n);
		return;
	}
	switch (st->section) {
	case SEC_HOSTS: host_line(st, s, n); break;
	case SEC_VARS: vars_line(st, s, n); break;
	case SEC_CHILDREN: children_line(st, s, n); break;
	case SEC_SKIP: break;
	}
}

int ini_parse(struct inventory *inv, const char *buf, size_t len, struct diag_list *dl)
{
	struct ini st;
	size_t i = 0;

	memset(&st, 0, sizeof(st));
	st.inv = inv;
	st.dl = dl;
	st.group = INV_UNGROUPED;	/* as if the file began with [ungrouped] */
	st.section = SEC_HOSTS;
	if (len > INVENTORY_MAX_SIZE) {
		diag_error(dl, inv->file, 0, 0, NULL, "inventory is larger than %u MiB",
			   INVENTORY_MAX_SIZE >> 20);
		return 1;
	}
	while (i < len && !st.stop) {
		size_t start = i, brk = 0;
		while (i < len && !(brk = line_break(buf + i, len - i)))
			i++;
		st.lineno++;
		parse_line(&st, buf + start, i - start);
		i += brk;
	}
	if (!st.stop)
		check_pending(&st);
	for (size_t k = 0; k < st.nr_pending; k++) {
		free(st.pending[k].name);
		free(st.pending[k].parents);
		free(st.pending[k].lines);
	}
	free(st.pending);
	inv_index_release(&st.pending_index);
	if (!st.errors)
		inventory_finish(inv);
	return (int)st.errors;
}
