/*
 * Arbitrary bytes as a host name, address, user and interface name
 * (config/names.c), and as an sh template with values
 * (transport/sh-template.c): the input's text up to its first NUL is the
 * name and the template ('@' marks a value), the rest the value.
 * Checks the validators' promise, aborting when it breaks: what passes
 * is made of the characters names.h lists and never starts with '-', so
 * it means the same in a path, argv, sh, sed, awk and YAML. The template
 * must copy its text unchanged and never read or write out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/names.h"
#include "transport/sh-template.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what, const char *s, const char *allowed)
{
	if (!ok)
		return;
	if (!*s || s[0] == '-' || strspn(s, allowed) != strlen(s)) {
		fprintf(stderr, "fuzz-names: %s took '%s'\n", what, s);
		abort();
	}
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

static void validators(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	check(names_hostname_ok(s), "hostname", s, LOWER DIGIT ".-");
	check(names_dns_ok(s), "dns name", s, LOWER DIGIT ".-");
	check(names_label_ok(s), "label", s, LOWER DIGIT "-");
	check(names_address_ok(s), "address", s, LOWER UPPER DIGIT "._:-");
	check(names_user_ok(s), "user", s, LOWER DIGIT "_-");
	check(names_netif_ok(s), "netif", s, LOWER UPPER DIGIT "._-");
	check(names_label_value_ok(s), "label value", s, LOWER UPPER DIGIT "._-");
	if (names_label_value_ok(s) &&
	    (strlen(s) > 63 || strchr("._-", s[strlen(s) - 1]) || strchr("._", s[0]))) {
		fprintf(stderr, "fuzz-names: label value took '%s'\n", s);
		abort();
	}
	if ((names_hostname_ok(s) && (!names_dns_ok(s) || !names_address_ok(s) || names_ip_ok(s))) ||
	    (names_label_ok(s) && !names_dns_ok(s)) ||
	    (names_ip_ok(s) && !names_address_ok(s)) ||
	    (names_ipv4_ok(s) && names_ipv6_ok(s)) ||
	    (strlen(s) > NAMES_DNS_MAX + 1 && names_address_ok(s) && !names_ipv6_ok(s))) {
		fprintf(stderr, "fuzz-names: the checks disagree on '%s'\n", s);
		abort();
	}
	if (names_address_ok(s)) {
		names_url_host(&sb, s);
		if (names_ipv6_ok(s) ? (sb.len != strlen(s) + 2 || sb.buf[0] != '[')
				     : strcmp(sb.buf, s)) {
			fprintf(stderr, "fuzz-names: '%s' in a URL is '%s'\n", s, sb.buf);
			abort();
		}
	}
	strbuf_release(&sb);
}

static void template(const char *tmpl, const char *value, size_t vlen)
{
	struct strbuf out = STRBUF_INIT, text = STRBUF_INIT, err = STRBUF_INIT;
	struct sh_template t;
	int values = 0;

	sh_template_init(&t, &out);
	for (const char *p = tmpl; *p;) {
		size_t n = strcspn(p, "@");
		sh_template_text(&t, p, n);
		strbuf_add(&text, p, n);
		p += n;
		if (*p == '@') {
			sh_template_value(&t, value, vlen);
			values++;
			p++;
		}
	}
	if (sh_template_finish(&t, &err) < 0 && !err.len)
		abort();
	/* without values the script is the text, byte for byte */
	if (!values && strcmp(out.buf, text.buf))
		abort();
	strbuf_release(&out);
	strbuf_release(&text);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t len = nul ? (size_t)(nul - (const char *)data) : size;
	char *s = malloc(len + 1);
	const char *value = nul ? nul + 1 : "";
	size_t vlen = nul ? size - len - 1 : 0;

	if (!s)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	validators(s);
	template(s, value, vlen);
	free(s);
	return 0;
}
