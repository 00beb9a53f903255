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
#include "cli/run-cmd.h"
#include "run/run.h"
#include "config/inventory.h"
#include "config/value.h"
#include "transport/runner.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct ping_host {
	struct session_target t;
	char *name;
	char *vars[5];	/* from the inventory: address, user, port, key, ssh args */
	uint64_t rtt_min, rtt_sum;
	unsigned rtts;
};

static int on_step(struct runner_host *h, size_t step, const struct runner_result *res,
		   void *data)
{
	struct ping_host *p = h->data;

	if (runner_step_ok(res) < 0)
		return -1;
	if (!p->rtts || res->duration_us < p->rtt_min)
		p->rtt_min = res->duration_us;
	p->rtt_sum += res->duration_us;
	p->rtts++;
	return 0;
}

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

static void print_results(struct runner *r, unsigned count)
{
	size_t width = 4;

	for (size_t i = 0; i < r->nr; i++)
		if (strlen(r->hosts[i]->target->name) > width)
			width = strlen(r->hosts[i]->target->name);
	for (size_t i = 0; i < r->nr; i++) {
		struct runner_host *h = r->hosts[i];
		struct ping_host *p = h->data;

		printf("%-*s  ", (int)width, h->target->name);
		if (h->state == RUNNER_OK) {
			printf("ok  rtt %.2f ms", (double)p->rtt_min / 1000.0);
			if (count > 1)
				printf(" (avg %.2f ms)", (double)p->rtt_sum / p->rtts / 1000.0);
			printf("  connect %.0f ms  uid %d\n", (double)h->connect_us / 1000.0,
			       h->remote_uid);
		} else if (h->state == RUNNER_CANCELLED) {
			printf("cancelled\n");
		} else if (h->error != SESSION_ERR_NONE) {
			printf("%s\n", session_error_name(h->error));
		} else {
			printf("failed\n");
		}
	}
	fflush(stdout);
	for (size_t i = 0; i < r->nr; i++) {
		struct runner_host *h = r->hosts[i];

		if (h->state == RUNNER_OK || !h->errmsg.len)
			continue;
		cli_error("%s", h->errmsg.buf);
		if (h->hint.len)
			cli_hint("%s", h->hint.buf);
	}
}

/* A resolved inventory variable as a new string, or NULL when unset or empty. */
static char *host_var(const struct inventory *inv, size_t h, const char *key)
{
	const struct inv_var *v = inventory_host_var(inv, h, key);
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return NULL;
	value_str(v->val, &sb);
	if (!sb.len) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/*
 * Every host of the inventory, with its connection variables; those the
 * inventory sets win over the command line's, as in Ansible.
 */
static int load_inventory_hosts(const char *path, const struct session_target *defaults,
				struct ping_host **out, size_t *nr)
{
	static const char *const keys[] = {
		"ansible_host", "ansible_user", "ansible_port",
		"ansible_ssh_private_key_file", "ansible_ssh_common_args",
	};
	struct inventory inv;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;
	size_t *hosts = NULL, n = 0;
	int ret;

	inventory_init(&inv, path);
	ret = inventory_load(&inv, path, &dl, &err);
	if (ret < 0) {
		cli_error("%s", err.buf);
		cli_hint("give the inventory with -i FILE, or hosts with --host NAME=ADDRESS");
		ret = KCFG_EXIT_FAILURE;
		goto out;
	}
	if (ret > 0) {
		ret = cli_report_diags(&dl);
		goto out;
	}
	inventory_group_hosts(&inv, INV_ALL, &hosts, &n);
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		struct ping_host *p = &(*out)[i];

		p->t = *defaults;
		p->name = xstrdup(inv.host[hosts[i]].name);
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			p->vars[k] = host_var(&inv, hosts[i], keys[k]);
		p->t.name = p->name;
		p->t.address = p->vars[0] ? p->vars[0] : p->name;
		if (p->vars[1])
			p->t.user = p->vars[1];
		if (p->vars[2])
			p->t.port = p->vars[2];
		if (p->vars[3])
			p->t.key_file = p->vars[3];
		if (p->vars[4])
			p->t.ssh_args = p->vars[4];
	}
	*nr = n;
	ret = 0;
out:
	free(hosts);
	diag_release(&dl);
	strbuf_release(&err);
	inventory_release(&inv);
	return ret;
}

static int cmd_ping(int argc, char **argv, struct kcfg_opts *opts)
{
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
	size_t nr_specs = 0, alloc_specs = 0, nr_hosts = 0;
	struct session_target defaults;
	unsigned long forks = 20, count = 3, timeout = SESSION_CONNECT_TIMEOUT;
	int become = 0, ask_become = 0, fail_fast = 0, local = 0, c, ret = KCFG_EXIT_USAGE, failed;
	struct strbuf password = STRBUF_INIT;
	struct ping_host *hosts = NULL;
	struct runner r;

	memset(&defaults, 0, sizeof(defaults));
	runner_init(&r, &transport_ssh);
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
	defaults.become_password = pwfile || ask_become ? password.buf : NULL;
	defaults.connect_timeout_s = (unsigned)timeout;

	if (!nr_specs) {
		if (!opts->inventory_given && access(opts->inventory, F_OK) < 0) {
			cli_error("no hosts to ping");
			cli_hint("name them with --host NAME=ADDRESS (repeat for more hosts), "
				 "or give an inventory with -i FILE");
			goto out;
		}
		ret = load_inventory_hosts(opts->inventory, &defaults, &hosts, &nr_hosts);
		if (ret)
			goto out;
		ret = KCFG_EXIT_USAGE;
		if (!nr_hosts) {
			cli_error("no hosts in '%s'", opts->inventory);
			goto out;
		}
	} else {
		hosts = xcalloc(nr_specs, sizeof(*hosts));
		nr_hosts = nr_specs;
	}
	for (size_t i = 0; i < nr_specs; i++) {
		struct ping_host *p = &hosts[i];
		const char *eq = strchr(hostspecs[i], '=');

		p->name = xstrndup(hostspecs[i], eq ? (size_t)(eq - hostspecs[i])
						    : strlen(hostspecs[i]));
		if (!*p->name || (eq && !eq[1])) {
			cli_error("--host wants NAME=ADDRESS or NAME, not '%s'", hostspecs[i]);
			goto out;
		}
		p->t = defaults;
		p->t.name = p->name;
		p->t.address = eq ? eq + 1 : p->name;
	}
	if (local)
		r.tr = &transport_local;
	r.forks = (unsigned)forks;
	r.fail_fast = fail_fast;
	r.on_step = on_step;
	for (size_t i = 0; i < nr_hosts; i++) {
		struct runner_host *h = runner_add_host(&r, &hosts[i].t);

		h->data = &hosts[i];
		for (unsigned long k = 0; k < count; k++)
			runner_add_step(h, "ping", ":", (unsigned)timeout * 1000u);
	}
	failed = runner_run(&r);
	print_results(&r, (unsigned)count);
	if (failed)
		fprintf(stderr, "%zu of %zu host%s answered\n", r.nr - (size_t)failed, r.nr,
			r.nr == 1 ? "" : "s");
	ret = failed ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
	if (runner_interrupted())
		ret = 130;
out:
	runner_release(&r);
	if (hosts)
		for (size_t i = 0; i < nr_hosts; i++) {
			free(hosts[i].name);
			for (size_t k = 0; k < ARRAY_SIZE(hosts[i].vars); k++)
				free(hosts[i].vars[k]);
		}
	free(hosts);
	free(hostspecs);
	strbuf_release_wiped(&password);
	return ret;
}

const struct cmd_entry cmd_ping_entry = {
	"ping", cmd_ping,
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
