/*
 * A test helper (not a unit test): runs steps on hosts through the real
 * runner and ssh transport, for the shell tests on sandbox hosts.
 *
 *   helper-run [-u USER] [-k KEY] [-s SSH_ARGS] [-b] [-l] NAME=ADDRESS... -- STEP...
 *
 * A STEP is "run[@SECONDS]:SCRIPT" or "upload:SRC:DEST" (mode 0755).
 * Prints one line per step result on stdout:
 *   NAME STEP status=N timed_out=B truncated=B skipped=B out=BYTES err=BYTES
 * then per host "NAME ok" or "NAME failed: MESSAGE"; exits 1 if a host failed.
 * -l uses the local transport (/bin/sh here) instead of ssh.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/runner.h"
#include "util/strbuf.h"

static int print_step(struct runner_host *h, size_t step, const struct runner_result *res,
		      void *data)
{
	printf("%s %s status=%d timed_out=%d truncated=%d skipped=%d out=%zu err=%zu\n",
	       h->target->name, h->steps[step].name, res->status, res->timed_out,
	       res->truncated, res->skipped, res->out.len, res->err.len);
	return runner_step_ok(res);
}

int main(int argc, char **argv)
{
	struct session_target t[64];
	struct runner r;
	const char *user = NULL, *key = NULL, *args = NULL;
	int become = 0, local = 0, c, nt = 0, failed;

	while ((c = getopt(argc, argv, "+u:k:s:bl")) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 'k': key = optarg; break;
		case 's': args = optarg; break;
		case 'b': become = 1; break;
		case 'l': local = 1; break;
		default: return 64;
		}
	}
	runner_init(&r, local ? &transport_local : &transport_ssh);
	r.on_step = print_step;
	for (; optind < argc && strcmp(argv[optind], "--") && nt < 64; optind++) {
		char *eq = strchr(argv[optind], '=');

		memset(&t[nt], 0, sizeof(t[nt]));
		if (eq)
			*eq = '\0';
		t[nt].name = argv[optind];
		t[nt].address = eq ? eq + 1 : argv[optind];
		t[nt].user = user;
		t[nt].key_file = key;
		t[nt].ssh_args = args;
		t[nt].become = become;
		runner_add_host(&r, &t[nt]);
		nt++;
	}
	if (optind >= argc)
		return 64;
	for (optind++; optind < argc; optind++) {
		const char *s = argv[optind];

		for (int i = 0; i < nt; i++) {
			if (!strncmp(s, "run", 3)) {
				unsigned secs = s[3] == '@' ? (unsigned)strtoul(s + 4, NULL, 10) : 0;
				const char *script = strchr(s, ':');

				if (!script)
					return 64;
				runner_add_step(r.hosts[i], "run", script + 1, secs * 1000);
			} else if (!strncmp(s, "upload:", 7)) {
				char *src = strdup(s + 7), *dest = strchr(src, ':');

				if (!dest)
					return 64;
				*dest++ = '\0';
				runner_add_upload(r.hosts[i], "upload", src, dest, 0755, NULL, 120000);
				free(src);
			} else {
				return 64;
			}
		}
	}
	failed = runner_run(&r);
	for (size_t i = 0; i < r.nr; i++) {
		if (r.hosts[i]->state == RUNNER_OK)
			printf("%s ok\n", r.hosts[i]->target->name);
		else
			printf("%s failed: %s\n", r.hosts[i]->target->name, r.hosts[i]->errmsg.buf);
	}
	runner_release(&r);
	return failed ? 1 : 0;
}
