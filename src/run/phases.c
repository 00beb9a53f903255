/*
 * The phase lists of plan/apply and facts, and the barriers between the
 * phases of a first install (ARCHITECTURE.md): facts, hosts (common,
 * registry, bastion, containerd, the controller) then the API is ready,
 * the workers join then every node is Ready, node configuration, the
 * add-ons in groups (addon.h: those whose resources need another's CRDs
 * come after it), each group then its charts are deployed.
 *
 * The barriers ask the controller's own kubectl (`k0s kubectl`, which
 * uses the admin kubeconfig k0s keeps there), read-only. What they read
 * is the Kubernetes API's JSON: the Node list (conditions of type Ready,
 * k8s.io/api/core/v1 types.go) and k0s's Chart resources
 * (helm.k0sproject.io/v1beta1, k0s pkg/apis/helm/v1beta1/chart_types.go:
 * status.version, status.error, status.valuesHash = sha256 of
 * spec.releaseName followed by spec.values).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "components/addon.h"
#include "components/component.h"
#include "components/k0s.h"
#include "run/model.h"
#include "run/run.h"
#include "util/json-read.h"
#include "util/strbuf.h"
#include "util/banned.h"


/* ---- the API server answers ---- */

static void api_script(const struct run *run, struct strbuf *out)
{
	strbuf_addstr(out, K0S_BIN " kubectl get --raw=/readyz 2>&1\n");
}

static int api_judge(const struct run *run, const char *out, size_t len, struct strbuf *why)
{
	struct strbuf s = STRBUF_INIT;
	int ok;

	strbuf_add(&s, out, len);
	strbuf_trim(&s);
	ok = !strcmp(s.buf, "ok");
	if (!ok) {
		size_t line = strcspn(s.buf, "\n");

		if (!s.len)
			strbuf_addstr(why, "it does not answer yet");
		else
			strbuf_addf(why, "it answers '%.*s'", (int)(line > 200 ? 200 : line), s.buf);
	}
	strbuf_release(&s);
	return ok;
}

/* Whether the run installs or joins k0s anywhere. */
static int k0s_in_run(const struct run *run, unsigned roles)
{
	if (!run_component_wanted(run->opts->components, "k0s"))
		return 0;
	for (size_t i = 0; i < run->nr; i++)
		if (run->hosts[i].state != RUN_SKIPPED && run->hosts[i].state != RUN_FAILED &&
		    (run->m->hosts[i].roles & roles))
			return 1;
	return 0;
}

static int api_wanted(const struct run *run)
{
	return k0s_in_run(run, COMP_ROLE_CLUSTER);
}

const struct run_barrier run_api_ready = {
	"the API server is ready", COMP_ROLE_MASTER, api_script, api_judge, 300, 2000,
	"see 'journalctl -u k0scontroller' on the controller", api_wanted,
};

/* ---- every node is Ready ---- */

static void nodes_script(const struct run *run, struct strbuf *out)
{
	strbuf_addstr(out, K0S_BIN " kubectl get nodes -o json\n");
}

/* The Ready condition of `node`: "True", "False", "Unknown", with its message. */
static const char *ready_of(const struct json_node *node, const char **message)
{
	const struct json_node *conds = json_get(json_get(node, "status"), "conditions");

	*message = NULL;
	for (size_t i = 0; conds && conds->type == JSON_ARRAY && i < conds->nr; i++) {
		const char *type = json_get_str(conds->items[i], "type", "");

		if (strcmp(type, "Ready"))
			continue;
		*message = json_get_str(conds->items[i], "message", NULL);
		return json_get_str(conds->items[i], "status", "Unknown");
	}
	return NULL;
}

static int nodes_judge(const struct run *run, const char *out, size_t len, struct strbuf *why)
{
	struct json_node *root = NULL;
	const struct json_node *items;
	struct strbuf err = STRBUF_INIT;
	int ok = 1;

	if (json_parse(out, len, &root, &err) < 0 ||
	    !(items = json_get(root, "items")) || items->type != JSON_ARRAY) {
		strbuf_addf(why, "the node list is not JSON with items%s%s", err.len ? ": " : "",
			    err.buf);
		json_node_free(root);
		strbuf_release(&err);
		return len ? -1 : 0;
	}
	/* every worker the run works on (not one that failed before) */
	for (size_t i = 0; i < run->nr && ok; i++) {
		const struct run_host *h = &run->hosts[i];
		const struct json_node *node = NULL;
		const char *status, *message;

		if (h->state == RUN_SKIPPED || h->state == RUN_FAILED ||
		    !(run->m->hosts[i].roles & COMP_ROLE_WORKER))
			continue;
		for (size_t k = 0; k < items->nr && !node; k++)
			if (!strcmp(json_get_str(json_get(items->items[k], "metadata"), "name", ""),
				    h->name))
				node = items->items[k];
		if (!node) {
			strbuf_addf(why, "node '%s' has not registered", h->name);
			ok = 0;
			continue;
		}
		status = ready_of(node, &message);
		if (!status || strcmp(status, "True")) {
			strbuf_addf(why, "node '%s' is not Ready (Ready: %s%s%s)", h->name,
				    status ? status : "not reported", message ? ", " : "",
				    message ? message : "");
			ok = 0;
		}
	}
	json_node_free(root);
	strbuf_release(&err);
	return ok;
}

static int nodes_wanted(const struct run *run)
{
	return k0s_in_run(run, COMP_ROLE_WORKER);
}

static const struct run_barrier nodes_ready = {
	"every node is Ready", COMP_ROLE_MASTER, nodes_script, nodes_judge, 600, 3000,
	"see 'journalctl -u k0sworker' on that node and 'k0s kubectl describe node' on the "
	"controller", nodes_wanted,
};

/* ---- the add-ons are deployed ---- */

static void charts_script(const struct run *run, struct strbuf *out)
{
	strbuf_addstr(out, K0S_BIN " kubectl get charts.helm.k0sproject.io -n kube-system -o json\n");
}

/* sha256 hex of releaseName + values, as k0s's ChartSpec.HashValues computes it */
static void values_hash(const char *release, const char *values, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	hex[0] = '\0';
	if (!ctx)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(ctx, release, strlen(release)) &&
	    EVP_DigestUpdate(ctx, values, strlen(values)) &&
	    EVP_DigestFinal_ex(ctx, md, &n) && n == 32) {
		for (unsigned i = 0; i < n; i++) {
			hex[2 * i] = digits[md[i] >> 4];
			hex[2 * i + 1] = digits[md[i] & 15];
		}
		hex[64] = '\0';
	}
	EVP_MD_CTX_free(ctx);
}

static int chart_deployed(const struct json_node *chart, const char *name, struct strbuf *why)
{
	const struct json_node *spec = json_get(chart, "spec");
	const struct json_node *status = json_get(chart, "status");
	const char *want = json_get_str(spec, "version", "");
	const char *have = json_get_str(status, "version", "");
	const char *error = json_get_str(status, "error", "");
	char hash[65];

	if (*error) {
		strbuf_addf(why, "chart '%s' failed: %.300s", name, error);
		return 0;
	}
	if (strcmp(want, have)) {
		strbuf_addf(why, "chart '%s' is at version '%s', not '%s' yet", name,
			    *have ? have : "(none)", want);
		return 0;
	}
	values_hash(json_get_str(spec, "releaseName", ""), json_get_str(spec, "values", ""), hash);
	if (strcmp(hash, json_get_str(status, "valuesHash", ""))) {
		strbuf_addf(why, "chart '%s' has not applied its current values yet", name);
		return 0;
	}
	return 1;
}

static int charts_judge(const struct run *run, const char *out, size_t len, struct strbuf *why)
{
	struct json_node *root = NULL;
	const struct json_node *items;
	struct strbuf err = STRBUF_INIT, name = STRBUF_INIT;
	const struct settings *s = &run->m->settings;
	const unsigned group = run->phases[run->phase].addon_group;
	int ok = 1;

	if (json_parse(out, len, &root, &err) < 0 ||
	    !(items = json_get(root, "items")) || items->type != JSON_ARRAY) {
		strbuf_addf(why, "the Chart list is not JSON with items%s%s", err.len ? ": " : "",
			    err.buf);
		json_node_free(root);
		strbuf_release(&err);
		return len ? -1 : 0;
	}
	/* every chart of an add-on this run turned on, of this add-ons group and those before */
	for (size_t c = 0; c < nr_components && ok; c++) {
		const struct component *comp = components[c];
		const struct addon *a = comp->phase == COMP_PHASE_ADDONS ? comp->data : NULL;
		const struct json_node *chart = NULL;

		if (!a || !a->chart || !a->enabled(s) || (group && addon_group(comp) > group) ||
		    !run_component_wanted(run->opts->components, comp->name))
			continue;
		strbuf_reset(&name);
		strbuf_addf(&name, "kcfg-%s", a->chart);
		for (size_t k = 0; k < items->nr && !chart; k++)
			if (!strcmp(json_get_str(json_get(items->items[k], "metadata"), "name", ""),
				    name.buf))
				chart = items->items[k];
		if (!chart) {
			strbuf_addf(why, "chart '%s' is not there yet", name.buf);
			ok = 0;
		} else {
			ok = chart_deployed(chart, name.buf, why);
		}
	}
	json_node_free(root);
	strbuf_release(&err);
	strbuf_release(&name);
	return ok;
}

static const struct run_barrier addons_deployed = {
	"the add-ons are deployed", COMP_ROLE_MASTER, charts_script, charts_judge, 1200, 5000,
	"see 'k0s kubectl -n kube-system describe charts' on the controller", NULL,
};

/* between add-on groups: the next group's resources need these charts' CRDs */
static const struct run_barrier addons_needed_deployed = {
	"the add-ons the next ones need are deployed", COMP_ROLE_MASTER, charts_script,
	charts_judge, 1200, 5000,
	"see 'k0s kubectl -n kube-system describe charts' on the controller", NULL,
};

/* one phase per add-on group (addon.h), each after the charts of the last */
#define ADDON_PHASES \
	{ "add-ons", PHASE_CONVERGE, COMP_PHASE_ADDONS, NULL, 0, { 0, 0 }, 1, \
	  &addons_needed_deployed, 1, NULL }, \
	{ "add-ons-2", PHASE_CONVERGE, COMP_PHASE_ADDONS, NULL, 0, { 0, 0 }, 1, \
	  &addons_needed_deployed, 2, NULL }, \
	{ "add-ons-3", PHASE_CONVERGE, COMP_PHASE_ADDONS, NULL, 0, { 0, 0 }, 1, \
	  &addons_deployed, 3, NULL }

const struct run_phase run_plan_phases[] = {
	{ "facts", PHASE_ACTION, 0, &run_facts_action, 0, { 0, 0 }, 1, NULL },
	{ "preflight", PHASE_ACTION, 0, &run_preflight_action, 0, { 0, 0 }, 1, NULL },
	{ "hosts", PHASE_CONVERGE, COMP_PHASE_HOSTS, NULL, 0, { 0, 0 }, 1, &run_api_ready },
	{ "workers", PHASE_CONVERGE, COMP_PHASE_WORKERS, NULL, 0, { 0, 0 }, 1, &nodes_ready },
	{ "nodes", PHASE_CONVERGE, COMP_PHASE_NODES, NULL, 0, { 0, 0 }, 1, NULL },
	ADDON_PHASES,
	{ "verify", PHASE_ACTION, 0, &run_verify_action, 0, { 0, 0 }, 0, NULL },
};
const size_t run_plan_phases_nr = sizeof(run_plan_phases) / sizeof(run_plan_phases[0]);

const struct run_phase run_follow_phases[] = {
	{ "bastion", PHASE_CONVERGE, COMP_PHASE_HOSTS, NULL, COMP_ROLE_BASTION, { 0, 0 }, 1, NULL,
	  0, comp_bastion_tools },
	ADDON_PHASES,
};
const size_t run_follow_phases_nr = sizeof(run_follow_phases) / sizeof(run_follow_phases[0]);

const struct run_phase run_preflight_phases[] = {
	{ "facts", PHASE_ACTION, 0, &run_facts_action, 0, { 0, 0 }, 1, NULL },
	{ "preflight", PHASE_ACTION, 0, &run_preflight_action, 0, { 0, 0 }, 1, NULL },
};
const size_t run_preflight_phases_nr = sizeof(run_preflight_phases) /
				       sizeof(run_preflight_phases[0]);

const struct run_phase run_facts_phases[] = {
	{ "facts", PHASE_ACTION, 0, &run_facts_always_action, 0, { 0, 0 }, 1, NULL },
};
const size_t run_facts_phases_nr = sizeof(run_facts_phases) / sizeof(run_facts_phases[0]);

const struct run_phase run_status_phases[] = {
	{ "verify", PHASE_ACTION, 0, &run_verify_action, 0, { 0, 0 }, 1, NULL },
};
const size_t run_status_phases_nr = sizeof(run_status_phases) / sizeof(run_status_phases[0]);
