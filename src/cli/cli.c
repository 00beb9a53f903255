#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void cli_hint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("  hint: ", fmt, ap);
	va_end(ap);
}

void cli_error_buf(const struct strbuf *err)
{
	if (err->len)
		cli_error("%s", err->buf);
}

int cli_report_diags(struct diag_list *dl)
{
	struct strbuf out = STRBUF_INIT;
	size_t warnings = dl->nr - dl->errors;

	int in_file = 0;

	for (size_t i = 0; i < dl->nr; i++)
		in_file |= dl->d[i].file != NULL;
	diag_sort(dl);
	diag_format(dl, &out);
	fputs(out.buf, stderr);
	/* a count after problems in the input files; one without a place needs none */
	if (dl->errors && in_file)
		fprintf(stderr, "%zu error%s%s\n", dl->errors,
			dl->errors == 1 ? "" : "s",
			warnings ? (warnings == 1 ? ", 1 warning" : ", some warnings") : "");
	strbuf_release(&out);
	return dl->errors ? KCFG_EXIT_INVALID : KCFG_EXIT_OK;
}

int cli_usage(const struct cmd_entry *cmd)
{
	fprintf(stderr, "usage: %s\n", cmd->usage);
	fprintf(stderr, "Run 'kcfg help%s%s' for more.\n", *cmd->name ? " " : "", cmd->name);
	return KCFG_EXIT_USAGE;
}

void cli_getopt_reset(void)
{
	optind = 0;	/* glibc: 0 re-initialises the scanner fully */
	opterr = 0;
}

static void suggest_option(const char *bad, const struct option *longopts)
{
	const char *names[64];
	size_t nr = 0;
	const char *word = bad;
	char *trimmed = NULL;
	const char *near;

	while (*word == '-')
		word++;
	if (strchr(word, '='))
		word = trimmed = xstrndup(word, (size_t)(strchr(word, '=') - word));
	for (const struct option *o = longopts; o && o->name && nr < ARRAY_SIZE(names); o++)
		names[nr++] = o->name;
	near = suggest_nearest(word, names, nr);
	if (near)
		cli_hint("did you mean '--%s'?", near);
	free(trimmed);
}

int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, const struct cmd_entry *cmd)
{
	char spec[128];
	const char *bad;
	int c;

	/* a leading ':' makes getopt tell a missing value (':') from an unknown option ('?') */
	/* ...after a leading '+', which glibc only honours as the first character */
	if (*shortopts == '+')
		xsnprintf(spec, sizeof(spec), "+:%s", shortopts + 1);
	else
		xsnprintf(spec, sizeof(spec), ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c != '?' && c != ':')
		return c;

	bad = argv[optind - 1];
	if (c == ':')
		cli_error("option '%s' needs a value", bad);
	else if (bad[0] == '-' && bad[1] == '-') {
		cli_error("unknown option '%s' for 'kcfg%s%s'", bad,
			  *cmd->name ? " " : "", cmd->name);
		suggest_option(bad, longopts);
	} else
		cli_error("unknown option '-%c' for 'kcfg%s%s'", optopt,
			  *cmd->name ? " " : "", cmd->name);
	cli_usage(cmd);
	return -2;
}
