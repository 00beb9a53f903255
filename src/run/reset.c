/*
 * kcfg reset (docs/lifecycle.md): the cluster torn down, workers first,
 * the controller last; the registry and the bastion only with --all.
 * One script per host reports each thing it removed (or, with --dry-run,
 * would remove) as a record: "done|would|failed<TAB>WHAT[<TAB>WHY]".
 *
 * On a cluster host: `k0s stop`, then `k0s reset` (k0s cmd/reset/reset.go:
 * refused while k0s runs; pkg/cleanup: containers, /var/lib/k0s, /run/k0s,
 * the kubelet's directory, k0s's units, three CNI files of its own and the
 * kube-bridge link), then what `k0s reset` leaves behind and a later
 * install trips over:
 * - /etc/cni/net.d and /opt/cni/bin: kube-router's DaemonSet copies its
 *   CNI binaries to /opt/cni/bin (k0s pkg/component/controller/kuberouter.go),
 *   Multus and Whereabouts write their configuration and binaries there;
 * - the kube-dummy-if link kube-router makes for service addresses;
 * - iptables rules and chains of kube-proxy and kube-router (KUBE-*,
 *   KUBE-ROUTER-*) and of the CNI portmap plugin (CNI-*), in every table,
 *   IPv4 and IPv6, and kube-router's ipsets;
 * - kcfg's own files: /etc/k0s (k0s.yaml, the containerd drop-ins, the
 *   worker's token and profile state), /usr/local/bin/k0s, /var/lib/kcfg,
 *   /var/cache/kcfg.
 * Kept: /etc/hostname and /etc/hosts (the machine's identity), the Lustre
 * mounts (storage other work may use), the apt state.
 */
#include <stdlib.h>
#include <string.h>

#include "components/component.h"
#include "components/hosts.h"
#include "config/settings.h"
#include "engine/probe.h"
#include "run/model.h"
#include "run/run.h"
#include "transport/shell.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define STEP_TIMEOUT_MS (1800u * 1000u)
#define MAX_LINE 1024

/* The helpers every host's script starts with: `act WHAT CMD...`. */
static const char script_head[] =
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
	"t=$(printf '\\t')\n"
	"act() {\n"
	"  w=$1; shift\n"
	"  if [ -n \"$DRY\" ]; then printf 'would\\t%s\\n' \"$w\"; return 0; fi\n"
	"  if e=$(\"$@\" 2>&1 >/dev/null); then printf 'done\\t%s\\n' \"$w\"\n"
	"  else printf 'failed\\t%s\\t%s\\n' \"$w\" \"$(printf '%s' \"$e\" | tr '\\t\\n' '  ' | cut -c1-300)\"; failed=1; fi\n"
	"}\n"
	"gone() { for p in \"$@\"; do if [ -e \"$p\" ] || [ -L \"$p\" ]; then act \"remove $p\" rm -rf -- \"$p\"; fi; done; }\n"
	"failed=\n";

/* k0s's own teardown, then what it leaves behind (the file's comment). */
static const char cluster_script[] =
	"K=/usr/local/bin/k0s\n"
	"if [ -x $K ]; then\n"
	"  if systemctl is-active --quiet k0scontroller 2>/dev/null || "
	"systemctl is-active --quiet k0sworker 2>/dev/null; then act 'k0s stop' $K stop; fi\n"
	"  [ -n \"$failed\" ] && exit 0\n"
	"  if [ -d /var/lib/k0s ] || [ -e /etc/systemd/system/k0scontroller.service ] || "
	"[ -e /etc/systemd/system/k0sworker.service ]; then act 'k0s reset' $K reset; fi\n"
	"  [ -n \"$failed\" ] && exit 0\n"
	"fi\n"
	"gone /etc/cni/net.d /opt/cni/bin\n"
	"for l in kube-bridge kube-dummy-if; do\n"
	"  if ip link show \"$l\" >/dev/null 2>&1; then act \"delete the network link $l\" ip link delete \"$l\"; fi\n"
	"done\n"
	"strip() { \"$1-save\" | grep -v -e 'KUBE-' -e 'CNI-' -e 'kube-router' | \"$1-restore\"; }\n"
	"for ipt in iptables ip6tables; do\n"
	"  command -v \"$ipt-save\" >/dev/null 2>&1 || continue\n"
	"  if \"$ipt-save\" 2>/dev/null | grep -q -e 'KUBE-' -e 'CNI-' -e 'kube-router'; then\n"
	"    act \"remove the $ipt rules and chains of kube-proxy, kube-router and CNI\" strip \"$ipt\"\n"
	"  fi\n"
	"done\n"
	"if command -v ipset >/dev/null 2>&1; then\n"
	"  for s in $(ipset list -n 2>/dev/null | grep -E '^(inet6:)?(kube-router|KUBE-)'); do\n"
	"    act \"destroy the ipset $s\" ipset destroy \"$s\"\n"
	"  done\n"
	"fi\n"
	"gone /etc/k0s /usr/local/bin/k0s\n";

static const char common_script[] = "gone /var/lib/kcfg " KCFG_HOST_CACHE "\n";

static void registry_script(const struct settings *s, struct strbuf *out)
{
	struct strbuf dir = STRBUF_INIT;

	sq_quote(&dir, s->registry.install_dir);
	/* Harbor's containers down first; its data volume stays (the images) */
	strbuf_addf(out, "if [ -f %s/docker-compose.yml ]; then\n"
		    "  if docker compose version >/dev/null 2>&1; then dc='docker compose'; "
		    "else dc=docker-compose; fi\n"
		    "  act 'stop Harbor (docker compose down)' sh -c 'cd \"$1\" && $2 down' sh %s \"$dc\"\n"
		    "fi\n"
		    "gone %s\n", dir.buf, dir.buf, dir.buf);
	strbuf_release(&dir);
}

static void bastion_script(const struct settings *s, struct strbuf *out)
{
	struct strbuf path = STRBUF_INIT, q = STRBUF_INIT;

	strbuf_addstr(out, "gone /usr/local/bin/kubectl /usr/local/bin/helm /usr/local/lib/kcfg");
	strbuf_addf(&path, "/etc/docker/certs.d/%s", s->registry.name);
	strbuf_addch(out, ' ');
	sq_quote(out, path.buf);
	strbuf_reset(&path);
	comp_user_home(s->cluster.ansible_user, &path);
	strbuf_addstr(&path, "/.kube/config");
	strbuf_addch(out, ' ');
	sq_quote(out, path.buf);
	strbuf_addch(out, '\n');
	strbuf_release(&path);
	strbuf_release(&q);
}

/* Reads the host's records into its result; 1 when something failed. */
static int read_records(struct run_reset_host *rh, const char *out, size_t len)
{
	struct probe_reader rd;
	struct strvec f = STRVEC_INIT;
	int got, failed = 0;

	probe_reader_init(&rd, out, len, MAX_LINE, 1);
	while ((got = probe_read_record(&rd, &f)) != 0) {
		if (got < 0 || f.nr < 2)
			continue;
		if (!strcmp(f.v[0], "done") || !strcmp(f.v[0], "would")) {
			strvec_push(&rh->items, f.v[1]);
		} else if (!strcmp(f.v[0], "failed")) {
			failed = 1;
			strbuf_addf(&rh->failure, "%s failed: %s", f.v[1], f.nr > 2 ? f.v[2] : "");
		}
	}
	strvec_clear(&f);
	return failed;
}

static struct run_reset_host *result_of(struct run *run, struct run_host *h)
{
	struct run_reset *r = run->op;

	return &r->hosts[h - run->hosts];
}

static int reset_done(struct runner_host *rh, size_t step, const struct runner_result *res,
		      void *data)
{
	struct run *run = data;
	struct run_host *h = rh->data;
	struct run_reset_host *r = result_of(run, h);

	r->reached = 1;
	if (read_records(r, res->out.buf, res->out.len)) {
		strbuf_addf(&rh->errmsg, "on '%s', %s", h->name, r->failure.buf);
		strbuf_addstr(&rh->hint, "fix the cause and run 'kcfg reset' again: what was removed "
			      "stays removed");
		return -1;
	}
	if (runner_step_ok(res) < 0)
		return -1;
	for (size_t i = 0; i < r->items.nr; i++)
		log_msg(LOG_INFO, "%s: %s %s", h->name,
			((struct run_reset *)run->op)->dry_run ? "would" : "done", r->items.v[i]);
	return 0;
}

/* The script that resets host `ch` (run_reset's `all` and `dry_run`). */
static void host_script(const struct run *run, const struct run_reset *r,
			const struct comp_host *ch, struct strbuf *script)
{
	strbuf_addstr(script, r->dry_run ? "DRY=1\n" : "DRY=\n");
	strbuf_addstr(script, script_head);
	if (ch->roles & COMP_ROLE_CLUSTER)
		strbuf_addstr(script, cluster_script);
	if (r->all && (ch->roles & COMP_ROLE_REGISTRY))
		registry_script(&run->m->settings, script);
	if (r->all && (ch->roles & COMP_ROLE_BASTION))
		bastion_script(&run->m->settings, script);
	strbuf_addstr(script, common_script);
	strbuf_addstr(script, "exit 0\n");
}

static int reset_start(struct run *run, const struct run_phase *ph, size_t p,
		       struct run_host *h)
{
	struct run_reset *r = run->op;
	const struct comp_host *ch = &run->m->hosts[h->index];
	struct strbuf script = STRBUF_INIT;
	struct runner_host *rh;
	size_t k;

	if (ph->roles & (COMP_ROLE_REGISTRY | COMP_ROLE_BASTION)) {
		if (!r->all || (ch->roles & COMP_ROLE_CLUSTER))
			return 1;	/* a cluster host was reset with the cluster */
	}
	if (r->only && r->only != h)
		return 1;
	if (result_of(run, h)->reached)
		return 1;	/* a controller that is also a worker: done already */
	host_script(run, r, ch, &script);
	rh = run_session(run, h);
	k = runner_add_step(rh, r->dry_run ? "reset-preview" : "reset", script.buf, STEP_TIMEOUT_MS);
	runner_step_on_done(rh, k, reset_done, run);
	strbuf_release(&script);
	return 0;
}

/* a worker that fails stops the run before the controller: the cluster stays up */
const struct run_action run_reset_action = { reset_start, run_stop_on_failure };

const struct run_phase run_reset_phases[] = {
	{ "reset-workers", PHASE_ACTION, 0, &run_reset_action, COMP_ROLE_WORKER, { 0, 0 }, 1, NULL },
	{ "reset-controller", PHASE_ACTION, 0, &run_reset_action, COMP_ROLE_MASTER, { 0, 0 }, 1, NULL },
	{ "reset-registry", PHASE_ACTION, 0, &run_reset_action, COMP_ROLE_REGISTRY, { 0, 0 }, 1, NULL },
	{ "reset-bastion", PHASE_ACTION, 0, &run_reset_action, COMP_ROLE_BASTION, { 0, 0 }, 1, NULL },
};
const size_t run_reset_phases_nr = sizeof(run_reset_phases) / sizeof(run_reset_phases[0]);

void run_reset_init(struct run_reset *r, size_t nr_hosts)
{
	r->hosts = xcalloc(nr_hosts ? nr_hosts : 1, sizeof(*r->hosts));
	r->nr = nr_hosts;
	for (size_t i = 0; i < nr_hosts; i++) {
		strvec_init(&r->hosts[i].items);
		strbuf_init(&r->hosts[i].failure, 0);
	}
}

void run_reset_release(struct run_reset *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		strvec_clear(&r->hosts[i].items);
		strbuf_release(&r->hosts[i].failure);
	}
	free(r->hosts);
	r->hosts = NULL;
	r->nr = 0;
}
