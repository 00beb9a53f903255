#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "transport/shell.h"
#include "transport/transport.h"
#include "util/proc.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/banned.h"

/*
 * The inventory's own settings come first: for options given twice ssh
 * keeps the first, so ansible_ssh_common_args can override our defaults.
 */
static int ssh_spawn(const struct session_target *t, const char *remote_cmd,
		     struct proc *p, struct strbuf *err)
{
	struct strvec argv = STRVEC_INIT;
	unsigned timeout = t->connect_timeout_s ? t->connect_timeout_s
						: SESSION_CONNECT_TIMEOUT;
	int ret = -1;

	if (t->key_file && access(t->key_file, R_OK) < 0) {
		strbuf_addf(err, "cannot read the ssh key '%s' of '%s': %s",
			    t->key_file, t->name, strerror(errno));
		goto out;
	}
	strvec_push(&argv, "ssh");
	strvec_push(&argv, "-T");
	if (t->port)
		strvec_pushf(&argv, "-oPort=%s", t->port);
	if (t->user)
		strvec_pushf(&argv, "-oUser=%s", t->user);
	if (t->key_file)
		strvec_pushf(&argv, "-oIdentityFile=%s", t->key_file);
	if (t->ssh_args && shell_split(t->ssh_args, &argv, err) < 0)
		goto out;
	strvec_push(&argv, "-oBatchMode=yes");	/* never prompt */
	strvec_pushf(&argv, "-oConnectTimeout=%u", timeout);
	strvec_push(&argv, "-oServerAliveInterval=15");
	strvec_push(&argv, "-oServerAliveCountMax=4");
	/* the one process stays up; a backgrounded master would hold our pipes */
	strvec_push(&argv, "-oControlMaster=no");
	strvec_push(&argv, "-oControlPath=none");
	strvec_push(&argv, "--");
	strvec_push(&argv, t->address);
	strvec_push(&argv, remote_cmd);
	ret = proc_spawn(p, argv.v, err);
out:
	strvec_clear(&argv);
	return ret;
}

const struct transport transport_ssh = { "ssh", ssh_spawn };

static int local_spawn(const struct session_target *t, const char *remote_cmd,
		       struct proc *p, struct strbuf *err)
{
	const char *argv[] = { "/bin/sh", "-c", remote_cmd, NULL };

	return proc_spawn(p, argv, err);
}

const struct transport transport_local = { "local", local_spawn };
