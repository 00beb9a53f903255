/*
 * kcfg ping: connect to hosts over their sessions and report, per host,
 * ok with the round-trip time of a no-op step, or why not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/setup.h"
#include "cli/setup.h"
#include "run/ping.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

static void print_results(const struct run_ping *p, unsigned count)
{
	size_t width = 4;

	for (size_t i = 0; i < p->nr; i++)
		if (strlen(p->hosts[i].name) > width)
			width = strlen(p->hosts[i].name);
	for (size_t i = 0; i < p->nr; i++) {
		const struct run_ping_host *h = &p->hosts[i];

		printf("%-*s  ", (int)width, h->name);
		if (h->state == RUN_PING_OK) {
			printf("ok  rtt %.2f ms", (double)h->rtt_min / 1000.0);
			if (count > 1)
				printf(" (avg %.2f ms)", (double)h->rtt_sum / h->rtts / 1000.0);
			printf("  connect %.0f ms  uid %d\n", (double)h->connect_us / 1000.0,
			       h->remote_uid);
		} else if (h->state == RUN_PING_CANCELLED) {
			printf("cancelled\n");
		} else if (h->error_kind) {
			printf("%s\n", h->error_kind);
		} else {
			printf("failed\n");
		}
	}
	fflush(stdout);
	for (size_t i = 0; i < p->nr; i++) {
		const struct run_ping_host *h = &p->hosts[i];

		if (h->state == RUN_PING_OK || !h->errmsg.len)
			continue;
		cli_error("%s", h->errmsg.buf);
		if (h->hint.len)
			cli_hint("%s", h->hint.buf);
	}
}

static int cmd_ping(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct kcfg_opts *opts = ctx->opts;
	enum { OPT_KEY = 256, OPT_PORT, OPT_SSH_ARGS, OPT_PWFILE, OPT_COUNT,
	       OPT_TIMEOUT, OPT_FAIL_FAST, OPT_LOCAL };
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "user", required_argument, NULL, 'u' },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "ssh-args", required_argument, NULL, OPT_SSH_ARGS },
		{ "become", no_argument, NULL, 'b' },
		{ "become-password-file", required_argument, NULL, OPT_PWFILE },
		{ "ask-become-password", no_argument, NULL, 'K' },
		{ "ask-become-pass", no_argument, NULL, 'K' },
		{ "forks", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
		{ "local", no_argument, NULL, OPT_LOCAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *user = NULL, *key = NULL, *port = NULL, *ssh_args = NULL;
	const char *pwfile = NULL;
	char **hostspecs = NULL;
	size_t nr_specs = 0, alloc_specs = 0;
	struct session_target defaults;
	unsigned long forks = 20, count = 3, timeout = SESSION_CONNECT_TIMEOUT;
	int become = 0, ask_become = 0, fail_fast = 0, local = 0, c, ret = KCFG_EXIT_USAGE, failed;
	struct secret password = SECRET_INIT;
	struct run_ping ping = { NULL, 0, 0, 0 };

	memset(&defaults, 0, sizeof(defaults));
	while ((c = cli_getopt(argc, argv, "H:u:bKf:h", longopts, &cmd_ping_entry)) != -1) {
		switch (c) {
		case 'H':
			ALLOC_GROW(hostspecs, nr_specs + 1, alloc_specs);
			hostspecs[nr_specs++] = optarg;
			break;
		case 'u': user = optarg; break;
		case OPT_KEY: key = optarg; break;
		case OPT_PORT: port = optarg; break;
		case OPT_SSH_ARGS: ssh_args = optarg; break;
		case 'b': become = 1; break;
		case OPT_PWFILE: pwfile = optarg; become = 1; break;
		case 'K': ask_become = 1; become = 1; break;
		case OPT_FAIL_FAST: fail_fast = 1; break;
		case OPT_LOCAL: local = 1; break;
		case 'f':
			if (parse_uint(optarg, 1000, &forks) < 0 || !forks) {
				cli_error("--forks wants a number from 1 to 1000, not '%s'", optarg);
				goto out;
			}
			break;
		case OPT_COUNT:
			if (parse_uint(optarg, 100000, &count) < 0 || !count) {
				cli_error("--count wants a number from 1 to 100000, not '%s'", optarg);
				goto out;
			}
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 3600, &timeout) < 0 || !timeout) {
				cli_error("--timeout wants seconds from 1 to 3600, not '%s'", optarg);
				goto out;
			}
			break;
		case 'h':
			printf("usage: %s\n\n%s\n%s", cmd_ping_entry.usage,
			       cmd_ping_entry.summary, cmd_ping_entry.help);
			ret = KCFG_EXIT_OK;
			goto out;
		default:
			goto out;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		cli_usage(&cmd_ping_entry);
		goto out;
	}
	if (cli_read_become_password(pwfile, ask_become, &password) < 0) {
		ret = KCFG_EXIT_FAILURE;
		goto out;
	}
	defaults.user = user;
	defaults.port = port;
	defaults.key_file = key;
	defaults.ssh_args = ssh_args;
	defaults.become = become;
	defaults.become_password = pwfile || ask_become ? (const char *)password.buf : NULL;
	defaults.connect_timeout_s = (unsigned)timeout;

	if (!nr_specs) {
		struct diag_list dl = DIAG_LIST_INIT;
		struct strbuf err = STRBUF_INIT;
		int rc;

		if (!opts->inventory_given && access(opts->inventory, F_OK) < 0) {
			cli_error("no hosts to ping");
			cli_hint("name them with --host NAME=ADDRESS (repeat for more hosts), "
				 "or give an inventory with -i FILE");
			goto out;
		}
		rc = run_ping_inventory(&ping, opts->inventory, &defaults, &dl, &err);
		if (rc < 0) {
			cli_error("%s", err.buf);
			cli_hint("give the inventory with -i FILE, or hosts with --host NAME=ADDRESS");
			ret = KCFG_EXIT_FAILURE;
		} else if (rc > 0) {
			ret = cli_report_diags(&dl);
		}
		diag_release(&dl);
		strbuf_release(&err);
		if (rc)
			goto out;
		if (!ping.nr) {
			cli_error("no hosts in '%s'", opts->inventory);
			goto out;
		}
	}
	for (size_t i = 0; i < nr_specs; i++) {
		const char *eq = strchr(hostspecs[i], '=');
		char *name = xstrndup(hostspecs[i], eq ? (size_t)(eq - hostspecs[i])
						       : strlen(hostspecs[i]));

		if (!*name || (eq && !eq[1])) {
			cli_error("--host wants NAME=ADDRESS or NAME, not '%s'", hostspecs[i]);
			free(name);
			goto out;
		}
		run_ping_add(&ping, name, eq ? eq + 1 : NULL, &defaults);
		free(name);
	}
	failed = run_ping_run(&ping, local, (unsigned)forks, fail_fast, (unsigned)count,
			      (unsigned)timeout);
	print_results(&ping, (unsigned)count);
	if (failed)
		fprintf(stderr, "%zu of %zu host%s answered\n", ping.nr - (size_t)failed, ping.nr,
			ping.nr == 1 ? "" : "s");
	ret = failed ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
	if (ping.interrupted)
		ret = 130;
out:
	run_ping_release(&ping);
	free(hostspecs);
	secret_release(&password);
	return ret;
}

const struct cmd_entry cmd_ping_entry = {
	"ping", cmd_ping, 0,
	"check that kcfg can reach hosts and run commands on them",
	"kcfg [-i INVENTORY] ping [--host NAME[=ADDRESS]...] [-u USER] [--key FILE] [--port PORT]\n"
	"                 [--ssh-args ARGS] [-b] [-K | --become-password-file FILE]\n"
	"                 [-f FORKS] [--count N] [--timeout SECONDS] [--fail-fast]",
	"Without --host, pings every host of the inventory (-i), using its\n"
	"ansible_host, ansible_user, ansible_port, ansible_ssh_private_key_file and\n"
	"ansible_ssh_common_args; these win over -u, --key, --port and --ssh-args,\n"
	"as in Ansible.\n"
	"\n"
	"Opens one ssh session per host (your ~/.ssh/config, agent and known_hosts\n"
	"apply; it never prompts), runs N no-op steps over it and prints one line\n"
	"per host on stdout: 'ok' with the best round-trip time of a step, the\n"
	"time to connect and the remote uid, or what failed: unreachable, auth\n"
	"refused, host key changed, host key unknown, sudo refused, timeout,\n"
	"connection lost. Each failure is explained on stderr with a hint.\n"
	"\n"
	"Options:\n"
	"  -H, --host NAME[=ADDRESS]   a host to ping (repeat); ADDRESS defaults to NAME\n"
	"  -u, --user USER             log in as USER (default: ssh's choice)\n"
	"      --key FILE              the private key to use\n"
	"      --port PORT             the ssh port\n"
	"      --ssh-args ARGS         more ssh options, like ansible_ssh_common_args\n"
	"  -b, --become                run as root through sudo (sudo -n)\n"
	"  -K, --ask-become-password   ask for sudo's password (implies -b)\n"
	"      --become-password-file FILE\n"
	"                              sudo's password, read from FILE (implies -b)\n"
	"  -f, --forks N               hosts at once (default 20)\n"
	"      --count N               no-op steps per host (default 3)\n"
	"      --timeout SECONDS       to connect, and per step (default 10)\n"
	"      --fail-fast             stop at the first host that fails\n"
	"      --local                 run on this machine through /bin/sh, not ssh\n"
	"\n"
	"Exit status: 0 when every host answered, 1 when one did not.\n",
};
