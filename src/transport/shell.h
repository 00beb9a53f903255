#ifndef KCFG_SHELL_H
#define KCFG_SHELL_H

struct strbuf;
struct strvec;

/*
 * Quoting for the POSIX sh on the far side, and splitting of a command
 * line given in the inventory (ansible_ssh_common_args) the way Python's
 * shlex.split does for Ansible.
 */

/* Appends `s` single-quoted: 'it'\''s' (safe for any byte but NUL). */
void sq_quote(struct strbuf *dst, const char *s);

/*
 * Splits `line` into words at unquoted blanks, honouring '...', "..."
 * and backslash escapes; appends them to `out`. Returns 0, or -1 with a
 * message in `err` on an unterminated quote.
 */
int shell_split(const char *line, struct strvec *out, struct strbuf *err);

#endif
