#include "transport/remote.h"
#include "transport/transport.h"
#include "util/strbuf.h"
#include "util/banned.h"

/*
 * No single quotes in here: it is itself single-quoted for the login
 * shell, whatever that shell is.
 */
static const char bootstrap[] =
	"echo " REMOTE_HELLO " >&2; IFS= read -r n || exit 1; eval \"$(head -c \"$n\")\"";

void remote_command(const struct session_target *t, struct strbuf *cmd)
{
	strbuf_addstr(cmd, "exec ");
	if (t->become && t->become_password)
		strbuf_addstr(cmd, "sudo -S -p " REMOTE_SUDO_PROMPT " ");
	else if (t->become)
		strbuf_addstr(cmd, "sudo -n ");
	strbuf_addf(cmd, "/bin/sh -c '%s'", bootstrap);
}

/*
 * Each step's script goes to a file in a private temporary directory and
 * runs in its own sh, so it cannot disturb the loop (exit, cd, set -e,
 * reading stdin). coreutils' timeout kills the step's whole process
 * group at its limit (exit 124, or 137 after the 5 s KILL grace). LC_ALL=C
 * keeps messages stable for whoever parses them.
 */
static const char loop_text[] =
		"export LC_ALL=C\n"
	"T=$(mktemp -d \"${TMPDIR:-/tmp}/kcfg.XXXXXX\") || exit 1\n"
	"trap 'rm -rf \"$T\"' EXIT\n"
	"trap 'exit 129' HUP\n"
	"trap 'exit 143' TERM\n"
	"trap 'exit 141' PIPE\n"	/* a lost channel still removes $T (it may hold secrets) */
	"m() {\n"
	"\tprintf '\\036kcfg-%s %s %s\\n' \"$K\" \"$1\" \"$2\"\n"
	"\tprintf '\\036kcfg-%s %s %s\\n' \"$K\" \"$1\" \"$2\" >&2\n"
	"}\n"
	"id -u\n"
	"m 0 0\n"
	"while IFS=' ' read -r c i n t; do\n"
	"\tcase $c in q) exit 0 ;; s|u) ;; *) exit 2 ;; esac\n"
	"\thead -c \"$n\" > \"$T/s\" || exit 1\n"
	"\tif [ \"$c\" = s ]; then exec 3</dev/null; else exec 3<&0; fi\n"
	"\tif [ \"$t\" -gt 0 ]; then\n"
	"\t\ttimeout -k 5 \"$t\" sh \"$T/s\" <&3 3<&-\n"
	"\telse\n"
	"\t\tsh \"$T/s\" <&3 3<&-\n"
	"\tfi\n"
	"\tm \"$i\" \"$?\"\n"
	"\texec 3<&-\n"
	"done\n";

void remote_loop(const char *nonce, struct strbuf *loop)
{
	strbuf_addf(loop, "K=%s\n", nonce);
	strbuf_addstr(loop, loop_text);
}
