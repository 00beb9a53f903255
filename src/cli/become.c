/*
 * The sudo password kcfg facts, plan and apply use for hosts that log in
 * as a user other than root, when neither the vault
 * (ansible_become_password) nor the inventory gives one: typed at a
 * prompt (-K, as ansible-playbook's --ask-become-pass) or read from a
 * file (--become-password-file). As in Ansible, a host's own
 * ansible_become_password wins over both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "vault/password.h"
#include "vault/secret.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

int cli_read_become_password(const char *file, int ask, struct secret *out)
{
	secret_release(out);
	if (file) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);

		/* a secret buffer: no copy is left behind as the file is read */
		if (fd < 0 || secret_read_fd(out, fd, VAULT_PASSWORD_MAX) < 0) {
			cli_error("cannot read the become password from '%s': %s", file,
				  errno == EFBIG ? "file too large" : strerror(errno));
			if (fd >= 0)
				close(fd);
			secret_release(out);
			return -1;
		}
		close(fd);
		/* one line, as a password file written by echo has it */
		while (out->len && (out->buf[out->len - 1] == '\n' ||
				    out->buf[out->len - 1] == '\r'))
			secret_truncate(out, out->len - 1);
		if (out->len && memchr(out->buf, '\n', out->len)) {
			cli_error("'%s' holds more than one line; a become password file "
				  "holds the password only", file);
			secret_release(out);
			return -1;
		}
	} else if (ask) {
		struct strbuf err = STRBUF_INIT;

		if (vault_tty_read("BECOME password: ", 0, out, &err) < 0) {
			cli_error("cannot ask for the become password: %s", err.buf);
			cli_hint("run kcfg from a terminal, or give --become-password-file FILE");
			strbuf_release(&err);
			secret_release(out);
			return -1;
		}
		strbuf_release(&err);
	}
	/* set, it is a C string for the session (secret keeps a NUL after the bytes) */
	if ((file || ask) && !out->buf)
		secret_add(out, "", 0);
	return 0;
}
