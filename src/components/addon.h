#ifndef KCFG_ADDON_H
#define KCFG_ADDON_H

#include "components/chart.h"
#include "components/cluster-view.h"
#include "components/component.h"

struct resource_list;
struct settings;
struct strbuf;
struct diag_list;

/*
 * An add-on: a component on the controllers, in the add-ons phase,
 * that k0s installs from the manifests kcfg writes under
 * MANIFESTS_DIR/<stack>/ (chart.h). Each add-on is one declaration;
 * addon_desired() does what they share: turned off, every stack it owns
 * is removed (k0s prunes what it had applied); on, its own resources
 * come first (`before`: a namespace, a Secret), then its chart as a k0s
 * Chart resource in `stack`/10-chart.yaml with the values it builds,
 * then the rest (`after`: resources in other stacks that need the
 * chart's CRDs).
 */
struct addon {
	int (*enabled)(const struct settings *s);
	const char *stack;		/* where the chart goes */
	const char *other_stacks[3];	/* more stacks it owns, NULL-ended */
	/* the chart; NULL `chart`: the add-on has none (manifests only) */
	const char *chart;		/* its name, also the helm release */
	const char *comment;		/* the chart file's first line, without '#' */
	const char *chart_file;		/* default "10-chart.yaml" */
	void (*source)(const struct settings *s, struct chart_spec *c);	/* repo, version, ns */
	int (*values)(const struct comp_ctx *ctx, struct strbuf *out, struct strbuf *err);
	int (*before)(const struct comp_ctx *ctx, const struct comp_host *h,
		      struct resource_list *out, struct strbuf *err);
	int (*after)(const struct comp_ctx *ctx, const struct comp_host *h,
		     struct resource_list *out, struct strbuf *err);
	/* extra resources to remove when turned off (beside the stacks) */
	void (*off)(struct resource_list *out, const char *component);
	/* verify: what else must be true once it runs (cluster-view.h); may be NULL */
	int (*verify)(const struct comp_ctx *ctx, const struct comp_host *h,
		      struct diag_list *found);
	/*
	 * The add-ons whose CRDs its resources need (NULL-ended): it is
	 * applied in a later group, once their charts are deployed.
	 */
	const char *needs[3];
};

/*
 * Add-ons are applied in groups, each after the charts of the groups
 * before it are deployed (src/run/phases.c: one add-ons phase and
 * barrier per group). Group 1 needs no other add-on; an add-on's group
 * is one more than the highest group of those it needs.
 */
#define ADDON_GROUPS 3

/* The group of add-on component `c` (1..), 0 when it is no add-on or its needs loop. */
unsigned addon_group(const struct component *c);

/* The desired() of every add-on component: self->data is its struct addon. */
int addon_desired(const struct component *self, const struct comp_ctx *ctx,
		  const struct comp_host *h, struct resource_list *out, struct strbuf *err);

/* An add-on's table entry. */
#define ADDON_COMPONENT(NAME, SUMMARY, ADDON) \
	{ NAME, SUMMARY, COMP_ROLE_MASTER, COMP_PHASE_ADDONS, addon_desired, NULL, addon_verify, \
	  ADDON }

#endif
