#ifndef KCFG_SH_TEMPLATE_H
#define KCFG_SH_TEMPLATE_H

#include <stddef.h>

#include "util/strbuf.h"

/*
 * An sh script put together from a template written by a user (an
 * extras command) and values (a host's name and address): the text goes
 * in as written, each value as data, quoted for the place the text
 * before it leaves sh's lexer in:
 *
 *   outside quotes          'value'
 *   inside '...'            '' 'value' '' (the quote closed and reopened)
 *   inside "..."            \ before $ ` " and \
 *   an unquoted here-doc    \ before $ ` and \
 *   a quoted here-doc       as it is (nothing there is code)
 *   a comment               as it is, a newline made a blank
 *
 * and once more escaped for each `...` around it. $( ) and `...` nest.
 * A value where no quoting can keep it data (right after a backslash,
 * in a here-document's delimiter, or making a line that ends the
 * here-document) is an error. The lexer knows POSIX sh's quoting, not
 * its grammar: a ')' of a case pattern inside $( ) ends the $( ) for
 * it. Values are checked before they get here (config/names.h); this
 * is the second defence.
 */

#define SH_TEMPLATE_MAX_DEPTH 16	/* nested $( ) and `...` */
#define SH_TEMPLATE_MAX_HEREDOCS 8	/* here-documents opened on one line */
#define SH_TEMPLATE_MAX_DELIM 256	/* bytes of a here-document's delimiter */

enum sh_state {
	SH_PLAIN, SH_SQ, SH_DQ, SH_COMMENT,
	SH_DELIM_START,	/* after <<, before the delimiter word */
	SH_DELIM,	/* in the delimiter word */
	SH_HEREDOC,
};

struct sh_frame {
	char kind;		/* '(' for $( ), '`' */
	enum sh_state back;	/* where it returns: SH_PLAIN or SH_DQ */
	unsigned parens;	/* open ( inside it */
};

struct sh_heredoc {
	char delim[SH_TEMPLATE_MAX_DELIM + 1];
	size_t len;
	int quoted, strip_tabs;
};

struct sh_template {
	struct strbuf *out;	/* borrowed */
	enum sh_state state;
	int escaped;		/* the last byte was a backslash that quotes the next */
	int word_start;		/* the next byte starts a word ('#' opens a comment) */
	int dollar, less;	/* the last byte was '$', '<' */
	char delim_quote;	/* in the delimiter word: the open quote, or 0 */
	struct sh_frame frame[SH_TEMPLATE_MAX_DEPTH];
	size_t depth;
	struct sh_heredoc doc[SH_TEMPLATE_MAX_HEREDOCS];
	size_t nr_docs, cur_doc;	/* opened on the line; the one being read */
	/* the here-document line so far (after the tabs <<- strips), up to one
	 * byte more than the delimiter: enough to tell whether it is the delimiter */
	int line_start;
	size_t line_len;
	char line[SH_TEMPLATE_MAX_DELIM + 2];
	int line_has_value;
	struct strbuf err;	/* the first problem, empty when none */
};

/* Starts a script appended to `out`. */
void sh_template_init(struct sh_template *t, struct strbuf *out);
/* Appends text as written. */
void sh_template_text(struct sh_template *t, const char *s, size_t len);
/* Appends a value as data. */
void sh_template_value(struct sh_template *t, const char *s, size_t len);
/*
 * Returns 0, or -1 with the first problem in `err` (the output is then
 * not to be used). Releases what the template holds.
 */
int sh_template_finish(struct sh_template *t, struct strbuf *err);

#endif
