/*
 * The sudo password kcfg facts, plan and apply use for hosts that log in
 * as a user other than root, when neither the vault
 * (ansible_become_password) nor the inventory gives one: typed at a
 * prompt (-K, as ansible-playbook's --ask-become-pass) or read from a
 * file (--become-password-file). As in Ansible, a host's own
 * ansible_become_password wins over both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "vault/password.h"
#include "vault/secret.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

int cli_read_become_password(const char *file, int ask, struct strbuf *out)
{
	strbuf_reset(out);
	if (file) {
		if (strbuf_read_file(out, file, VAULT_PASSWORD_MAX) < 0) {
			cli_error("cannot read the become password from '%s': %s", file,
				  errno == EFBIG ? "file too large" : strerror(errno));
			return -1;
		}
		/* one line, as a password file written by echo has it */
		while (out->len && (out->buf[out->len - 1] == '\n' ||
				    out->buf[out->len - 1] == '\r'))
			strbuf_setlen(out, out->len - 1);
		if (memchr(out->buf, '\n', out->len)) {
			cli_error("'%s' holds more than one line; a become password file "
				  "holds the password only", file);
			return -1;
		}
	} else if (ask) {
		struct secret pw = SECRET_INIT;
		struct strbuf err = STRBUF_INIT;

		if (vault_tty_read("BECOME password: ", 0, &pw, &err) < 0) {
			cli_error("cannot ask for the become password: %s", err.buf);
			cli_hint("run kcfg from a terminal, or give --become-password-file FILE");
			strbuf_release(&err);
			secret_release(&pw);
			return -1;
		}
		strbuf_add(out, pw.buf ? (const char *)pw.buf : "", pw.len);
		secret_release(&pw);
		strbuf_release(&err);
	}
	return 0;
}
