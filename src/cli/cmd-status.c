/*
 * kcfg status: is the cluster what kcfg made? The verify phase alone
 * (src/run/verify.c): the controller's kubectl and Harbor's health from
 * the bastion are read once, each component's verify() judges them, and
 * the result is a table on stdout (or JSON, docs/json.md) with every
 * failure and where to look.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "components/cluster-view.h"
#include "components/smoke.h"
#include "config/settings.h"
#include "run/model.h"
#include "run/run.h"
#include "util/json-read.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/visible.h"
#include "util/banned.h"

/* The version of the JSON `kcfg status --json` writes (docs/status.schema.json). */
#define STATUS_JSON_VERSION 1
#define EXIT_UNCHECKED 2

enum { OPT_JSON = 0x200, OPT_SMOKE, OPT_WAIT_TIMEOUT };

static const struct option options[] = {
	{ "component", required_argument, NULL, 'C' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "smoke", no_argument, NULL, OPT_SMOKE },
	{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
	{ NULL, 0, NULL, 0 }
};

static int own(struct cmd_ctx *ctx, int c, const char *arg)
{
	int *json = ctx->data;

	switch (c) {
	case 'C': ctx->ro.components = arg; break;
	case OPT_JSON: *json = 1; break;
	case OPT_SMOKE: ctx->ro.smoke = 1; break;
	case OPT_WAIT_TIMEOUT:
		if (cli_wait_timeout(ctx, arg) < 0)
			return KCFG_EXIT_USAGE;
		break;
	default: return KCFG_EXIT_USAGE;
	}
	return KCFG_EXIT_OK;
}

/* One worker as the table and the JSON show it. */
struct node_row {
	const char *name, *role, *ready, *profile, *kubelet, *gpus, *rdma;
	int is_ready;
};

static void node_row(const struct run *run, size_t i, struct strbuf *rdma_name,
		     struct node_row *r)
{
	const struct comp_host *ch = &run->m->hosts[i];
	const struct cluster_view *v = run->view;
	const struct json_node *node = v->api_ready ? cluster_node(v, ch->name) : NULL;
	const char *msg;

	r->name = ch->name;
	r->role = ch->roles & COMP_ROLE_GPU ? "gpu" : "worker";
	r->ready = node ? cluster_node_ready(node, &msg) : NULL;
	if (node && !r->ready)
		r->ready = "not reported";
	r->is_ready = r->ready && !strcmp(r->ready, "True");
	r->profile = json_get_str(json_get(json_get(node, "metadata"), "labels"),
				  CLUSTER_PROFILE_LABEL, NULL);
	r->kubelet = cluster_node_kubelet(node);
	r->gpus = cluster_node_allocatable(node, "nvidia.com/gpu");
	strbuf_reset(rdma_name);
	strbuf_addf(rdma_name, CLUSTER_RDMA_PREFIX "%s",
		    run->m->settings.network_operator.rdma_resource_name);
	r->rdma = cluster_node_allocatable(node, rdma_name->buf);
}

static int is_node(const struct run *run, size_t i)
{
	return run->hosts[i].state != RUN_SKIPPED && (run->m->hosts[i].roles & COMP_ROLE_WORKER);
}

/* A failure's component: the hook's, or the session's for a host that failed otherwise. */
static const char *found_by(const struct host_phase *hp, size_t k)
{
	return k < hp->found_by.nr ? hp->found_by.v[k] : "session";
}

static const char *const smoke_kinds[] = { "gpu", "rdma", "pvc" };

/*
 * Text that came from the cluster (a pod's log, an event, a chart's
 * error), as one line that cannot drive the terminal (util/visible.h)
 * nor start a line of its own.
 */
static const char *one_line(struct strbuf *sb, const char *s)
{
	strbuf_reset(sb);
	strbuf_add_visible(sb, s, strlen(s));
	for (size_t i = 0; i < sb->len; i++)
		if (sb->buf[i] == '\n' || sb->buf[i] == '\t')
			sb->buf[i] = ' ';
	return sb->buf;
}

/* The smoke checks, each with its result; then whether the workloads are gone. */
static void print_smoke(const struct smoke_run *sm)
{
	struct strbuf sb = STRBUF_INIT;

	if (!sm)
		return;
	if (sm->applied && sm->nr) {
		printf("\n%-32s %-7s %s\n", "SMOKE CHECK", "RESULT", "DETAIL");
		for (size_t i = 0; i < sm->nr; i++)
			printf("%-32s %-7s %s\n", sm->v[i].name, sm->v[i].ok ? "ok" : "FAILED",
			       one_line(&sb, sm->v[i].detail.buf));
	}
	strbuf_release(&sb);
	if (sm->skipped.len)
		printf("%ssmoke: not run: %s\n", sm->applied && sm->nr ? "" : "\n", sm->skipped.buf);
	if (sm->applied)
		printf("smoke: namespace '" SMOKE_NAMESPACE "' %s\n", sm->cleaned_up ?
		       "deleted, with everything in it" : "NOT deleted (see below)");
}

static void print_table(const struct run *run, int unchecked)
{
	const struct cluster_view *v = run->view;
	struct strbuf rdma = STRBUF_INIT, line = STRBUF_INIT;
	const struct json_node *charts;
	size_t problems = 0, warnings = 0;

	if (unchecked) {
		printf("status: cannot check the cluster\n");
		return;
	}
	if (!v->skipped)
		printf("API server: %s (on %s)\n", v->api_ready ? "ready" : "NOT READY",
		       v->controller);
	if (v->api_ready) {
		printf("\n%-24s %-7s %-13s %-16s %-18s %-5s %s\n", "NODE", "ROLE", "READY",
		       "PROFILE", "KUBELET", "GPUS", "RDMA");
		for (size_t i = 0; i < run->nr; i++) {
			struct node_row r;

			if (!is_node(run, i))
				continue;
			node_row(run, i, &rdma, &r);
			printf("%-24s %-7s %-13s %-16s %-18s %-5s %s\n", r.name, r.role,
			       r.ready ? r.ready : "not registered", r.profile ? r.profile : "-",
			       r.kubelet ? r.kubelet : "-", r.gpus ? r.gpus : "-",
			       r.rdma ? r.rdma : "-");
		}
	}
	charts = json_get(v->r[CLUSTER_CHARTS].json, "items");
	if (charts && charts->nr) {
		printf("\n%-32s %-16s %s\n", "CHART", "VERSION", "STATUS");
		for (size_t k = 0; k < charts->nr; k++) {
			const struct json_node *c = charts->items[k];
			const struct json_node *st = json_get(c, "status");
			const char *err = json_get_str(st, "error", "");

			printf("%-32s %-16s %s\n",
			       json_get_str(json_get(c, "metadata"), "name", "?"),
			       json_get_str(st, "version", "-"), *err ? "error" : "deployed");
		}
	}
	print_smoke(v->smoke);
	for (size_t i = 0; i < run->nr; i++) {
		const struct host_phase *hp = run->hosts[i].ph ? &run->hosts[i].ph[0] : NULL;

		for (size_t k = 0; hp && k < hp->found.nr; k++) {
			const struct diag *d = &hp->found.d[k];

			if (!problems && !warnings)
				printf("\n");
			printf("%s: %s: %s: %s\n", run->hosts[i].name, found_by(hp, k),
			       d->level == DIAG_ERROR ? "error" : "warning", one_line(&line, d->msg));
			if (d->hint)
				printf("  hint: %s\n", d->hint);
			if (d->level == DIAG_ERROR)
				problems++;
			else
				warnings++;
		}
	}
	strbuf_release(&rdma);
	strbuf_release(&line);
}

/* A count of devices (a Quantity of plain digits); anything else counts 0. */
static long long device_count(const char *q)
{
	long long n = 0;

	for (size_t i = 0; q && q[i]; i++) {
		if (q[i] < '0' || q[i] > '9' || n > 1000000000)
			return 0;
		n = n * 10 + (q[i] - '0');
	}
	return n;
}

static void json_failure(struct json_writer *jw, const char *host, const char *comp,
			 const char *what, const char *hint)
{
	json_object_begin(jw);
	json_member_string(jw, "host", host);
	json_member_string(jw, "component", comp);
	json_member_string(jw, "what", what);
	json_member_string(jw, "hint", hint);
	json_object_end(jw);
}

static void json_smoke(struct json_writer *jw, const struct smoke_run *sm)
{
	json_key(jw, "smoke");
	if (!sm) {
		json_null(jw);
		return;
	}
	json_object_begin(jw);
	json_key(jw, "ran");
	json_bool(jw, sm->applied);
	json_key(jw, "cleaned_up");
	json_bool(jw, sm->cleaned_up);
	json_key(jw, "timeout_s");
	json_int(jw, sm->timeout_s);
	json_member_string(jw, "skipped", sm->skipped.len ? sm->skipped.buf : NULL);
	json_key(jw, "checks");
	json_array_begin(jw);
	for (size_t i = 0; sm->applied && i < sm->nr; i++) {
		const struct smoke_check *c = &sm->v[i];

		json_object_begin(jw);
		json_member_string(jw, "name", c->name);
		json_member_string(jw, "kind", smoke_kinds[c->kind]);
		json_member_string(jw, "node", c->node);
		json_member_string(jw, "storage_class", c->storage_class);
		json_member_string(jw, "pod", c->pod);
		json_key(jw, "ok");
		json_bool(jw, c->ok);
		json_member_string(jw, "detail", c->detail.buf);
		json_object_end(jw);
	}
	json_array_end(jw);
	json_object_end(jw);
}

static void print_json(const struct run *run, int unchecked, int ok)
{
	const struct cluster_view *v = run->view;
	struct strbuf out = STRBUF_INIT, rdma = STRBUF_INIT;
	struct json_writer jw;
	long long ready = 0, total = 0, gpus = 0;

	report_json_begin(&jw, &out, "kcfg-status", STATUS_JSON_VERSION, ok);
	json_key(&jw, "checked");
	json_bool(&jw, !unchecked);
	json_member_string(&jw, "controller", v ? v->controller : NULL);
	json_key(&jw, "api_ready");
	json_bool(&jw, v && v->api_ready);
	json_key(&jw, "nodes");
	json_array_begin(&jw);
	for (size_t i = 0; v && !unchecked && i < run->nr; i++) {
		struct node_row r;

		if (!is_node(run, i))
			continue;
		node_row(run, i, &rdma, &r);
		total++;
		ready += r.is_ready;
		gpus += device_count(r.gpus);
		json_object_begin(&jw);
		json_member_string(&jw, "name", r.name);
		json_member_string(&jw, "role", r.role);
		json_key(&jw, "ready");
		json_bool(&jw, r.is_ready);
		json_member_string(&jw, "ready_status", r.ready);
		json_member_string(&jw, "profile", r.profile);
		json_member_string(&jw, "kubelet", r.kubelet);
		json_member_string(&jw, "gpus", r.gpus);
		json_member_string(&jw, "rdma", r.rdma);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_key(&jw, "nodes_ready");
	json_int(&jw, ready);
	json_key(&jw, "nodes_total");
	json_int(&jw, total);
	json_key(&jw, "gpus_allocatable");
	json_int(&jw, gpus);
	json_key(&jw, "failures");
	json_array_begin(&jw);
	if (unchecked)
		json_failure(&jw, v ? v->controller : NULL, "k0s", v && v->controller &&
			     v->r[CLUSTER_READYZ].why.len ? v->r[CLUSTER_READYZ].why.buf :
			     "no controller to ask", "check that the controller is up and "
			     "reachable ('kcfg ping')");
	for (size_t i = 0; i < run->nr; i++) {
		const struct host_phase *hp = run->hosts[i].ph ? &run->hosts[i].ph[0] : NULL;

		for (size_t k = 0; hp && k < hp->found.nr; k++)
			if (hp->found.d[k].level == DIAG_ERROR)
				json_failure(&jw, run->hosts[i].name, found_by(hp, k),
					     hp->found.d[k].msg, hp->found.d[k].hint);
		if (hp && run->hosts[i].state == RUN_FAILED && !hp->found.errors)
			json_failure(&jw, run->hosts[i].name, "session", run->hosts[i].error.buf,
				     run->hosts[i].hint.len ? run->hosts[i].hint.buf : NULL);
	}
	json_array_end(&jw);
	json_smoke(&jw, v ? v->smoke : NULL);
	json_key(&jw, "warnings");
	json_array_begin(&jw);
	for (size_t i = 0; i < run->nr; i++) {
		const struct host_phase *hp = run->hosts[i].ph ? &run->hosts[i].ph[0] : NULL;

		for (size_t k = 0; hp && k < hp->found.nr; k++)
			if (hp->found.d[k].level == DIAG_WARNING)
				json_failure(&jw, run->hosts[i].name, found_by(hp, k),
					     hp->found.d[k].msg, hp->found.d[k].hint);
	}
	json_array_end(&jw);
	report_json_end(&jw, &out);
	strbuf_release(&out);
	strbuf_release(&rdma);
}

static int cmd_status(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct diag_list dl = DIAG_LIST_INIT;
	int json = 0, ret, rc, unchecked, failed = 0;

	ctx->ro.command = "status";
	ctx->ro.forks = 50;
	ctx->ro.timeout_s = 120;
	/* status gathers no facts: the cached ones (a worker's profile) at any age */
	ctx->ro.facts_max_age = 100L * 365 * 86400;
	ctx->data = &json;
	ret = cli_parse(ctx, argc, argv, "C:", options, own);
	if (ret == KCFG_EXIT_OK)
		ret = cli_setup_cluster(ctx);
	if (ret != KCFG_EXIT_OK)
		return ret;
	/* two hosts at most: no live display */
	rc = report_run(&ctx->run, run_status_phases, run_status_phases_nr, 0, &dl);
	diag_release(&dl);
	if (rc == -1)
		return 130;
	unchecked = !ctx->run.view ||
		    (!ctx->run.view->skipped && cluster_view_unreachable(ctx->run.view));
	for (size_t i = 0; i < ctx->run.nr; i++)
		failed |= ctx->run.hosts[i].state == RUN_FAILED;
	if (json) {
		print_json(&ctx->run, unchecked, !unchecked && !failed);
	} else {
		print_table(&ctx->run, unchecked);
		if (!unchecked)
			printf("\nstatus: %s\n", failed ? "FAILED" : "ok");
	}
	if (unchecked) {
		const struct cluster_view *v = ctx->run.view;

		if (!v || !v->controller)
			cli_error("cannot check the cluster: the inventory has no kube_master host");
		else
			cli_error("cannot check the cluster: cannot ask the controller '%s': %s",
				  v->controller, v->r[CLUSTER_READYZ].why.len ?
				  v->r[CLUSTER_READYZ].why.buf : "it did not answer");
		cli_hint("check that it is up and reachable ('kcfg ping')");
		return EXIT_UNCHECKED;
	}
	if (failed && !json)
		report_errors(&ctx->run);
	return failed ? KCFG_EXIT_FAILURE : KCFG_EXIT_OK;
}

const struct cmd_entry cmd_status_entry = {
	"status", cmd_status, NEED_MODEL | NEED_VAULT | NEED_HOSTS,
	"check that the cluster runs as kcfg made it",
	"kcfg [-i INVENTORY] [-c CLUSTER_YAML] status [-C COMPONENTS] [-l HOSTS] [--json]\n"
	"                   [--smoke [--wait-timeout SECONDS]] [--timeout SECONDS] [-K]\n"
	"                   [VAULT OPTIONS]",
	"Reads, without changing anything, what the cluster says (docs/status.md):\n"
	"on the controller, through k0s's own kubectl, whether the API server is\n"
	"ready, every node (registered, Ready, its worker profile and kubelet\n"
	"version; nvidia.com/gpu allocatable on GPU workers, the RDMA shared\n"
	"device on RoCE workers when RDMA is on), every add-on's Chart (deployed\n"
	"at its pinned version, without error), the StorageClasses (storage on)\n"
	"and MetalLB's IPAddressPool; from the bastion, Harbor's health through\n"
	"kcfg's CA. Only the controller and the bastion are contacted, one ssh\n"
	"session each. 'kcfg apply' ends with the same checks.\n"
	"\n"
	"With --smoke, once the API is ready, it also runs short-lived workloads\n"
	"in the namespace kcfg-smoke (labelled app.kubernetes.io/managed-by: kcfg)\n"
	"through the controller's kubectl: a pod running 'nvidia-smi -L' on each\n"
	"GPU worker (smoke.gpu_image), a pod on the RDMA network when RDMA is on\n"
	"(smoke.rdma_range set), a claim and a pod writing a file on each\n"
	"StorageClass kcfg makes (smoke.tools_image); waits for each, reports each\n"
	"with what the pod or claim says when it failed, then deletes the\n"
	"namespace, also after a failure (a delete that fails is a failure).\n"
	"\n"
	"Options:\n"
	"  -C, --component NAMES      only these components' checks (comma separated)\n"
	"  -l, --limit HOSTS          only these hosts' checks\n"
	"      --json                 the result as JSON on stdout (docs/json.md)\n"
	"      --smoke                run the smoke workloads too (docs/status.md)\n"
	"      --wait-timeout SECONDS how long each smoke workload may take (default 300)\n"
	"      --timeout SECONDS      per read on a host (default 120)\n"
	CLI_BECOME_HELP
	CLI_VAULT_HELP
	"\n"
	"Exit status: 0 everything checked is as it should be, 1 something is not\n"
	"(each failure names its host, component and where to look), 2 the\n"
	"cluster could not be checked (no controller, or it cannot be reached),\n"
	"65 invalid input.\n",
};
