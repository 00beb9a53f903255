#ifndef KCFG_UTIL_VISIBLE_H
#define KCFG_UTIL_VISIBLE_H

#include <stddef.h>

struct strbuf;

/*
 * Text from outside (a host's files, step output, ssh's stderr, facts)
 * made safe to show on a terminal or in a log: the one escaping every
 * writer of kcfg's output uses (log_msg, cli messages, the plan and
 * apply report), so an escape sequence in a host's file cannot clear the
 * screen, move the cursor or fake a "0 to change".
 *
 * Kept: printable ASCII, newlines (they separate lines), tabs (they only
 * move forward, as spaces do) and valid UTF-8 that prints. Shown as
 * escapes: CR as \r, every other C0 control and DEL as \xNN (ESC is
 * \x1b), bytes that are no valid UTF-8 as \xNN, and the C1 controls and
 * the bidirectional overrides and isolates (which reorder what a line
 * shows) as \uNNNN. Backslashes are kept as they are: what is shown is
 * for reading, not for parsing back.
 */
void strbuf_add_visible(struct strbuf *out, const char *s, size_t len);

#endif
