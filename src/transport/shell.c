#include <string.h>

#include "transport/shell.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/banned.h"

void sq_quote(struct strbuf *dst, const char *s)
{
	strbuf_addch(dst, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(dst, "'\\''");
		else
			strbuf_addch(dst, *s);
	}
	strbuf_addch(dst, '\'');
}

int shell_split(const char *line, struct strvec *out, struct strbuf *err)
{
	struct strbuf word = STRBUF_INIT;
	int in_word = 0, ret = 0;
	char quote = 0;

	for (const char *p = line; *p; p++) {
		char c = *p;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				strbuf_addch(&word, c);
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && p[1] && strchr("\\\"$`", p[1]))
				strbuf_addch(&word, *++p);
			else
				strbuf_addch(&word, c);
		} else if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word)
				strvec_push(out, word.buf);
			strbuf_reset(&word);
			in_word = 0;
		} else {
			in_word = 1;
			if (c == '\'' || c == '"')
				quote = c;
			else if (c == '\\' && p[1])
				strbuf_addch(&word, *++p);
			else
				strbuf_addch(&word, c);
		}
	}
	if (quote) {
		strbuf_addf(err, "unterminated %s quote in '%s'",
			    quote == '"' ? "double" : "single", line);
		ret = -1;
	} else if (in_word) {
		strvec_push(out, word.buf);
	}
	strbuf_release(&word);
	return ret;
}
