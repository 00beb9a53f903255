/*
 * Values quoted for where they land in an sh script (sh-template.h).
 * One pass over the text, tracking only what decides how a value must
 * be quoted: quotes, backslashes, comments, $( ), `...` and
 * here-documents.
 */
#include <stdlib.h>
#include <string.h>

#include "transport/sh-template.h"
#include "transport/shell.h"
#include "util/xalloc.h"
#include "util/banned.h"

void sh_template_init(struct sh_template *t, struct strbuf *out)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->state = SH_PLAIN;
	t->word_start = 1;
	strbuf_init(&t->err, 0);
}

static void fail(struct sh_template *t, const char *why)
{
	if (!t->err.len)
		strbuf_addstr(&t->err, why);
}

static struct sh_frame *top(struct sh_template *t)
{
	return t->depth ? &t->frame[t->depth - 1] : NULL;
}

static void push(struct sh_template *t, char kind, enum sh_state back)
{
	if (t->depth == SH_TEMPLATE_MAX_DEPTH) {
		fail(t, "it nests $( ) and `...` too deep");
		return;
	}
	t->frame[t->depth].kind = kind;
	t->frame[t->depth].back = back;
	t->frame[t->depth].parens = 0;
	t->depth++;
	t->state = SH_PLAIN;
	t->word_start = 1;
}

static void pop(struct sh_template *t)
{
	t->state = t->frame[--t->depth].back;
	t->word_start = t->state == SH_PLAIN;
}

static void start_line(struct sh_template *t)
{
	t->line_start = 1;
	t->line_len = 0;
	t->line_has_value = 0;
}

/* A newline outside quotes: the here-documents opened on that line begin. */
static void newline(struct sh_template *t)
{
	t->word_start = 1;
	if (t->nr_docs) {
		t->state = SH_HEREDOC;
		t->cur_doc = 0;
		start_line(t);
	}
}

/* One byte of a here-document (from the text or a value). */
static void heredoc_byte(struct sh_template *t, char c)
{
	const struct sh_heredoc *d = &t->doc[t->cur_doc];

	if (c != '\n') {
		if (t->line_start && c == '\t' && d->strip_tabs)
			return;
		t->line_start = 0;
		if (t->line_len <= d->len)
			t->line[t->line_len] = c;
		if (t->line_len <= d->len + 1)
			t->line_len++;
		return;
	}
	if (t->line_len != d->len || memcmp(t->line, d->delim, d->len)) {
		start_line(t);
		return;
	}
	if (t->line_has_value)
		fail(t, "a value would end a here-document there");
	if (++t->cur_doc == t->nr_docs) {
		t->nr_docs = 0;
		t->state = SH_PLAIN;
		t->word_start = 1;
	}
	start_line(t);
}

static void end_delim(struct sh_template *t)
{
	if (t->delim_quote)
		t->doc[t->nr_docs].quoted = 1;	/* unterminated: sh will say so */
	t->delim_quote = 0;
	t->nr_docs++;
	t->state = SH_PLAIN;
}

static void delim_byte(struct sh_template *t, char c)
{
	struct sh_heredoc *d = &t->doc[t->nr_docs];

	if (t->escaped) {
		t->escaped = 0;
	} else if (t->delim_quote) {
		if (c == t->delim_quote) {
			t->delim_quote = 0;
			return;
		}
		if (c == '\\' && t->delim_quote == '"') {
			t->escaped = 1;
			return;
		}
	} else if (c == '\'' || c == '"') {
		t->delim_quote = c;
		d->quoted = 1;
		return;
	} else if (c == '\\') {
		t->escaped = 1;
		d->quoted = 1;
		return;
	}
	if (d->len == SH_TEMPLATE_MAX_DELIM) {
		fail(t, "a here-document's delimiter is too long");
		return;
	}
	d->delim[d->len++] = c;
	d->delim[d->len] = '\0';
}

static void plain_byte(struct sh_template *t, char c)
{
	struct sh_frame *f = top(t);
	int dollar = t->dollar, less = t->less;

	t->dollar = t->less = 0;
	if (t->escaped) {
		t->escaped = 0;
		t->word_start = 0;
		return;
	}
	switch (c) {
	case '\\':
		t->escaped = 1;
		break;
	case '\'':
		t->state = SH_SQ;
		break;
	case '"':
		t->state = SH_DQ;
		break;
	case '#':
		if (t->word_start)
			t->state = SH_COMMENT;
		break;
	case '`':
		if (f && f->kind == '`')
			pop(t);
		else
			push(t, '`', SH_PLAIN);
		return;
	case '$':
		t->dollar = 1;
		break;
	case '(':
		if (dollar)
			push(t, '(', SH_PLAIN);
		else if (f && f->kind == '(')
			f->parens++;
		t->word_start = 1;
		return;
	case ')':
		if (f && f->kind == '(' && !f->parens)
			pop(t);
		else if (f && f->kind == '(')
			f->parens--;
		t->word_start = t->state == SH_PLAIN;
		return;
	case '<':
		/* not in $(( )): there << is a shift */
		if (less && !(f && f->kind == '(' && f->parens)) {
			if (t->nr_docs == SH_TEMPLATE_MAX_HEREDOCS) {
				fail(t, "it opens too many here-documents on one line");
				break;
			}
			memset(&t->doc[t->nr_docs], 0, sizeof(t->doc[0]));
			t->state = SH_DELIM_START;
			return;
		}
		t->less = 1;
		t->word_start = 1;
		return;
	case '\n':
		newline(t);
		return;
	case ' ': case '\t': case ';': case '&': case '|': case '>':
		t->word_start = 1;
		return;
	}
	t->word_start = 0;
}

/* How the lexer moves on one byte of the template's text. */
static void step(struct sh_template *t, char c)
{
	switch (t->state) {
	case SH_PLAIN:
		plain_byte(t, c);
		return;
	case SH_SQ:
		if (c == '\'')
			t->state = SH_PLAIN;
		return;
	case SH_DQ: {
		int was_escaped = t->escaped, dollar = t->dollar;

		t->dollar = c == '$' && !was_escaped;
		if (was_escaped) {
			t->escaped = 0;
		} else if (c == '\\') {
			t->escaped = 1;
		} else if (c == '"') {
			t->state = SH_PLAIN;
			t->word_start = 0;
		} else if (c == '`') {
			push(t, '`', SH_DQ);
		} else if (c == '(' && dollar) {
			push(t, '(', SH_DQ);
		}
		return;
	}
	case SH_COMMENT:
		if (c == '\n') {
			t->state = SH_PLAIN;
			newline(t);
		}
		return;
	case SH_DELIM_START:
		if (c == '-' && !t->doc[t->nr_docs].strip_tabs) {
			t->doc[t->nr_docs].strip_tabs = 1;
			return;
		}
		if (c == ' ' || c == '\t')
			return;
		t->state = SH_DELIM;
		/* fall through */
	case SH_DELIM:
		if (!t->escaped && !t->delim_quote && strchr(" \t\n;&|<>()", c)) {
			end_delim(t);
			plain_byte(t, c);
			return;
		}
		delim_byte(t, c);
		return;
	case SH_HEREDOC:
		heredoc_byte(t, c);
		return;
	}
}

void sh_template_text(struct sh_template *t, const char *s, size_t len)
{
	strbuf_add(t->out, s, len);
	for (size_t i = 0; i < len; i++)
		step(t, s[i]);
}

/* `s` with a backslash before each byte of `special`. */
static void add_escaped(struct strbuf *out, const char *s, size_t len, const char *special)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] && strchr(special, s[i]))
			strbuf_addch(out, '\\');
		strbuf_addch(out, s[i]);
	}
}

void sh_template_value(struct sh_template *t, const char *s, size_t len)
{
	struct strbuf q = STRBUF_INIT, tmp = STRBUF_INIT;
	char *v = xstrndup(s, len);

	if (t->escaped || t->state == SH_DELIM_START || t->state == SH_DELIM) {
		fail(t, t->escaped ? "a value right after a backslash cannot be quoted"
				   : "a value cannot be a here-document's delimiter");
		goto out;
	}
	if (strlen(v) != len) {
		fail(t, "a value holds a NUL byte");
		goto out;
	}
	switch (t->state) {
	case SH_PLAIN:
		sq_quote(&q, v);
		t->word_start = 0;
		break;
	case SH_SQ:
		strbuf_addch(&q, '\'');
		sq_quote(&q, v);
		strbuf_addch(&q, '\'');
		break;
	case SH_DQ:
		add_escaped(&q, v, len, "$`\"\\");
		break;
	case SH_COMMENT:
		for (size_t i = 0; i < len; i++)
			strbuf_addch(&q, v[i] == '\n' ? ' ' : v[i]);
		break;
	case SH_HEREDOC:
		if (t->doc[t->cur_doc].quoted)
			strbuf_add(&q, v, len);
		else
			add_escaped(&q, v, len, "$`\\");
		t->line_has_value = 1;
		for (size_t i = 0; i < len && t->state == SH_HEREDOC; i++) {
			heredoc_byte(t, v[i]);	/* a newline in it ends a line */
			t->line_has_value = 1;
		}
		break;
	case SH_DELIM_START:
	case SH_DELIM:
		break;
	}
	t->dollar = t->less = 0;
	/* `...` takes one level of \ before $ ` and \ off its text first */
	for (size_t i = 0; i < t->depth; i++) {
		if (t->frame[i].kind != '`')
			continue;
		strbuf_reset(&tmp);
		add_escaped(&tmp, q.buf, q.len, "$`\\");
		strbuf_reset(&q);
		strbuf_addbuf(&q, &tmp);
	}
	strbuf_addbuf(t->out, &q);
out:
	free(v);
	strbuf_release(&q);
	strbuf_release(&tmp);
}

int sh_template_finish(struct sh_template *t, struct strbuf *err)
{
	int ret = 0;

	if (t->err.len) {
		strbuf_addbuf(err, &t->err);
		ret = -1;
	}
	strbuf_release(&t->err);
	return ret;
}
