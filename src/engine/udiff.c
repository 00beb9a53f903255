#include <stdlib.h>
#include <string.h>

#include "engine/udiff.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct line {
	const char *p;
	size_t len;		/* without the newline */
	int nl;			/* ends with a newline */
};

struct lines {
	struct line *v;
	size_t nr, alloc;
};

static void split_lines(const char *s, size_t len, struct lines *out)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - s) : len;

		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr++] = (struct line){ s + pos, end - pos, nl != NULL };
		pos = end + 1;
	}
}

static int same(const struct line *x, const struct line *y)
{
	return x->len == y->len && x->nl == y->nl && !memcmp(x->p, y->p, x->len);
}

enum op { OP_EQ, OP_DEL, OP_INS };

/* V of round d, kept for the walk back: only its diagonals -d..d. */
#define TV(d, k) trace[d][(k) + (d)]

/*
 * Myers' greedy algorithm; each round's V is kept to walk the path back.
 * Returns the edit script (old -> new) in *ops, or -1 past max_d.
 */
static int myers(const struct lines *a, const struct lines *b, size_t max_d,
		 enum op **ops, size_t *nr_ops)
{
	long n = (long)a->nr, m = (long)b->nr, off = n + m + 1;
	long *v = xcalloc((size_t)(2 * off + 1), sizeof(*v));
	long **trace = xcalloc(max_d + 1, sizeof(*trace));
	long d, found = -1, x, y;
	size_t k_ops = 0;

	for (d = 0; d <= (long)max_d && found < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < n && y < m && same(&a->v[x], &b->v[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= n && y >= m && found < 0)
				found = d;
		}
		trace[d] = xmalloc((size_t)(2 * d + 1) * sizeof(long));
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof(long));
	}
	free(v);
	if (found < 0) {
		for (size_t i = 0; i <= max_d; i++)
			free(trace[i]);
		free(trace);
		return -1;
	}
	/* walk back from (n, m), collecting ops in reverse */
	*ops = xmalloc((size_t)(n + m + 1) * sizeof(**ops));
	x = n;
	y = m;
	for (d = found; d > 0; d--) {
		long k = x - y, pk, px, py;

		if (k == -d || (k != d && TV(d - 1, k - 1) < TV(d - 1, k + 1)))
			pk = k + 1;
		else
			pk = k - 1;
		px = TV(d - 1, pk);
		py = px - pk;
		while (x > px && y > py) {
			(*ops)[k_ops++] = OP_EQ;
			x--;
			y--;
		}
		(*ops)[k_ops++] = x == px ? OP_INS : OP_DEL;
		x = px;
		y = py;
	}
	while (x > 0 && y > 0) {
		(*ops)[k_ops++] = OP_EQ;
		x--;
		y--;
	}
	for (long i = 0; i <= found; i++)
		free(trace[i]);
	free(trace);
	for (size_t i = 0; i < k_ops / 2; i++) {
		enum op t = (*ops)[i];
		(*ops)[i] = (*ops)[k_ops - 1 - i];
		(*ops)[k_ops - 1 - i] = t;
	}
	*nr_ops = k_ops;
	return 0;
}

static void add_line(struct strbuf *out, char sign, const struct line *l)
{
	strbuf_addch(out, sign);
	strbuf_add(out, l->p, l->len);
	strbuf_addch(out, '\n');
	if (!l->nl)
		strbuf_addstr(out, "\\ No newline at end of file\n");
}

/* "start,count" as diff -u writes it (start 0 for an empty range). */
static void add_range(struct strbuf *out, size_t start, size_t count)
{
	if (count == 1)
		strbuf_addf(out, "%zu", start + 1);
	else
		strbuf_addf(out, "%zu,%zu", count ? start + 1 : start, count);
}

static void emit_hunks(const struct lines *a, const struct lines *b, const enum op *ops,
		       size_t nr, struct strbuf *out)
{
	size_t i = 0, ai = 0, bi = 0;

	while (i < nr) {
		size_t start, end, last_change, a0, b0, ac = 0, bc = 0, x, y;

		/* the next change */
		while (i < nr && ops[i] == OP_EQ) {
			i++;
			ai++;
			bi++;
		}
		if (i >= nr)
			break;
		start = i > UDIFF_CONTEXT ? i - UDIFF_CONTEXT : 0;
		a0 = ai - (i - start);
		b0 = bi - (i - start);
		/* extend while changes are within 2 * context of each other */
		last_change = i;
		for (end = i; end < nr; end++) {
			if (ops[end] != OP_EQ)
				last_change = end;
			else if (end - last_change > 2 * UDIFF_CONTEXT)
				break;
		}
		end = last_change + 1 + UDIFF_CONTEXT < nr ? last_change + 1 + UDIFF_CONTEXT : nr;
		for (size_t j = start; j < end; j++) {
			ac += ops[j] != OP_INS;
			bc += ops[j] != OP_DEL;
		}
		strbuf_addstr(out, "@@ -");
		add_range(out, a0, ac);
		strbuf_addstr(out, " +");
		add_range(out, b0, bc);
		strbuf_addstr(out, " @@\n");
		x = a0;
		y = b0;
		for (size_t j = start; j < end; j++) {
			if (ops[j] == OP_EQ) {
				add_line(out, ' ', &a->v[x++]);
				y++;
			} else if (ops[j] == OP_DEL) {
				add_line(out, '-', &a->v[x++]);
			} else {
				add_line(out, '+', &b->v[y++]);
			}
		}
		ai = x;
		bi = y;
		i = end;
	}
}

void udiff(const char *a, size_t alen, const char *b, size_t blen,
	   const char *old_label, const char *new_label, struct strbuf *out)
{
	struct lines la = { NULL, 0, 0 }, lb = { NULL, 0, 0 };
	enum op *ops = NULL;
	size_t nr = 0;

	if (alen == blen && !memcmp(a, b, alen))
		return;
	split_lines(a, alen, &la);
	split_lines(b, blen, &lb);
	if (myers(&la, &lb, UDIFF_MAX_EDITS, &ops, &nr) < 0) {
		/* too different: all of the old text out, all of the new in */
		nr = la.nr + lb.nr;
		ops = xmalloc((nr ? nr : 1) * sizeof(*ops));
		for (size_t i = 0; i < nr; i++)
			ops[i] = i < la.nr ? OP_DEL : OP_INS;
	}
	strbuf_addf(out, "--- %s\n+++ %s\n", old_label, new_label);
	emit_hunks(&la, &lb, ops, nr, out);
	free(ops);
	free(la.v);
	free(lb.v);
}
