#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

void diag_add(struct diag_list *dl, enum diag_level level, const char *file,
	      unsigned line, unsigned col, const char *hint, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	struct diag *d;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);

	ALLOC_GROW(dl->d, dl->nr + 1, dl->alloc);
	d = &dl->d[dl->nr++];
	d->level = level;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
	d->col = col;
	d->msg = strbuf_detach(&msg, NULL);
	d->hint = hint ? xstrdup(hint) : NULL;
	if (level == DIAG_ERROR)
		dl->errors++;
}

static int cmp_diag(const struct diag *a, const struct diag *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void diag_sort(struct diag_list *dl)
{
	/* insertion sort: stable, and lists are short */
	for (size_t i = 1; i < dl->nr; i++) {
		struct diag tmp = dl->d[i];
		size_t j = i;
		while (j > 0 && cmp_diag(&dl->d[j - 1], &tmp) > 0) {
			dl->d[j] = dl->d[j - 1];
			j--;
		}
		dl->d[j] = tmp;
	}
}

void diag_format(const struct diag_list *dl, struct strbuf *out)
{
	for (size_t i = 0; i < dl->nr; i++) {
		const struct diag *d = &dl->d[i];
		if (d->file) {
			strbuf_addstr(out, d->file);
			if (d->line)
				strbuf_addf(out, ":%u", d->line);
			if (d->line && d->col)
				strbuf_addf(out, ":%u", d->col);
			strbuf_addstr(out, ": ");
		}
		strbuf_addstr(out, d->level == DIAG_ERROR ? "error: " : "warning: ");
		strbuf_addstr(out, d->msg);
		strbuf_addch(out, '\n');
		if (d->hint)
			strbuf_addf(out, "  hint: %s\n", d->hint);
	}
}

void diag_release(struct diag_list *dl)
{
	for (size_t i = 0; i < dl->nr; i++) {
		free(dl->d[i].file);
		free(dl->d[i].msg);
		free(dl->d[i].hint);
	}
	free(dl->d);
	dl->d = NULL;
	dl->nr = dl->alloc = dl->errors = 0;
}
