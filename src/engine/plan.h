#ifndef KCFG_PLAN_H
#define KCFG_PLAN_H

struct host_plan;
struct resource_list;
struct strbuf;
struct change;

/*
 * How plans read: one line per change with a sign (+ create, ~ change,
 * - remove, ! run, > send, * handler), its resource, what changes and
 * the component that wants it; file and block changes followed by their
 * unified diff, indented (secrets say "content changed (secret)" and
 * never show).
 */

/* The one-line description of change `c` of `rl`, without a newline. */
void plan_describe_change(const struct resource_list *rl, const struct change *c,
			  struct strbuf *out);

/*
 * Appends a host's whole plan: "HOST:" then each change (and its diff
 * when `diffs`), then "HOST: N to change, M unchanged".
 */
void plan_format_host(const char *host, const struct resource_list *rl,
		      const struct host_plan *plan, int diffs, struct strbuf *out);

#endif
