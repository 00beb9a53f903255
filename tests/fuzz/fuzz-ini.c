/*
 * Arbitrary bytes as inventory.ini: the INI parser (lines, sections,
 * shlex, host patterns and ranges, Python literal typing), the model
 * (reconcile, precedence), every ansible-inventory view of it and the
 * model checks. The same bytes also go to the value typing alone. It
 * aborts when parsing the same input twice gives different output, or
 * when the host cap is passed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/ini.h"
#include "config/inventory.h"
#include "config/roles.h"
#include "config/value.h"
#include "util/diag.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Everything kcfg can print about one input, into `out`. */
static void render(const uint8_t *data, size_t size, struct strbuf *out)
{
	struct inventory inv;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf err = STRBUF_INIT;

	inventory_init(&inv, "fuzz.ini");
	if (ini_parse(&inv, (const char *)data, size, &dl) == 0) {
		struct model_opts mo = { 1 };
		struct role_hosts rh = { NULL, 0, 0 };

		if (inv.nr_hosts > INVENTORY_MAX_HOSTS)
			abort();
		inventory_list_json(&inv, 0, out, &err);
		inventory_list_json(&inv, 1, out, &err);
		inventory_graph(&inv, INV_ALL, 1, out, &err);
		for (size_t g = 0; g < inv.nr_groups && g < 8; g++)
			inventory_graph(&inv, g, 0, out, &err);
		for (size_t h = 0; h < inv.nr_hosts && h < 8; h++)
			inventory_host_json(&inv, h, out, &err);
		model_check(&inv, &mo, &dl);
		role_hosts(&inv, ROLE_ALL, &rh);
		for (size_t i = 0; i < rh.nr; i++)
			strbuf_addf(out, "%s %s %u\n", rh.h[i].name, rh.h[i].address, rh.h[i].port);
		role_hosts_release(&rh);
	}
	diag_format(&dl, out);
	strbuf_addbuf(out, &err);
	diag_release(&dl);
	strbuf_release(&err);
	inventory_release(&inv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, err = STRBUF_INIT;
	struct value *v;

	render(data, size, &a);
	render(data, size, &b);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len)) {
		fprintf(stderr, "fuzz-ini: two parses of one input differ\n");
		abort();
	}
	/* the bytes as one value, typed the way a [group:vars] line types it */
	if (value_from_ini((const char *)data, size, &v, &err) == 0) {
		strbuf_reset(&a);
		value_str(v, &a);
		value_to_json(v, &a, 4, 1, &err);
		value_free(v);
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&err);
	return 0;
}
