#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/diag.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/visible.h"
#include "util/xalloc.h"
#include "util/banned.h"

__attribute__((format(printf, 2, 0)))
static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf text = STRBUF_INIT;

	strbuf_vaddf(&text, fmt, ap);
	fputs(prefix, stderr);
	cli_write_visible(stderr, text.buf, text.len);
	fputc('\n', stderr);
	strbuf_release(&text);
}

void cli_write_visible(FILE *f, const char *text, size_t len)
{
	struct strbuf shown = STRBUF_INIT;

	strbuf_add_visible(&shown, text, len);
	fwrite(shown.buf, 1, shown.len, f);
	strbuf_release(&shown);
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
	cli_write_visible(stderr, out.buf, out.len);
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

static struct kcfg_opts *globals;

void cli_set_globals(struct kcfg_opts *opts)
{
	globals = opts;
}

void cli_apply_verbosity(const struct kcfg_opts *opts)
{
	if (opts->verbosity < 0)
		log_set_stderr_level(LOG_ERROR);
	else if (opts->verbosity == 0)
		log_set_stderr_level(LOG_WARNING);
	else
		log_set_stderr_level(opts->verbosity == 1 ? LOG_INFO : LOG_DEBUG);
}

/* The global options, taken after a command's name too: codes outside any command's. */
enum { GLOBAL_INVENTORY = 0x7f00, GLOBAL_CONFIG, GLOBAL_VERBOSE, GLOBAL_QUIET };

#define MAX_OPTIONS 96

/* 1 when the command has an option (short, or a long one's code) that is `c`. */
static int command_uses(int c, const char *shortopts, const struct option *longopts)
{
	if (strchr(shortopts, c))
		return 1;
	for (const struct option *o = longopts; o && o->name; o++)
		if (!o->flag && o->val == c)
			return 1;
	return 0;
}

/*
 * The command's long options plus the global ones it does not define
 * itself, into `all`; the same for the short options into `spec`.
 */
static void merge_globals(const char *shortopts, const struct option *longopts,
			  struct option *all, char *spec, size_t spec_len)
{
	static const struct option global_long[] = {
		{ "inventory", required_argument, NULL, GLOBAL_INVENTORY },
		{ "config", required_argument, NULL, GLOBAL_CONFIG },
		{ "verbose", no_argument, NULL, GLOBAL_VERBOSE },
		{ "quiet", no_argument, NULL, GLOBAL_QUIET },
	};
	static const struct { char c; const char *arg; } global_short[] = {
		{ 'i', ":" }, { 'c', ":" }, { 'v', "" }, { 'q', "" },
	};
	size_t n = 0, len;

	for (const struct option *o = longopts; o && o->name && n < MAX_OPTIONS - 5; o++)
		all[n++] = *o;
	for (size_t g = 0; g < ARRAY_SIZE(global_long); g++) {
		size_t k;

		for (k = 0; k < n && strcmp(all[k].name, global_long[g].name); k++)
			;
		if (k == n)
			all[n++] = global_long[g];
	}
	memset(&all[n], 0, sizeof(all[n]));
	/* a leading ':' makes getopt tell a missing value (':') from an unknown option ('?'),
	 * after a leading '+', which glibc only honours as the first character */
	if (*shortopts == '+')
		xsnprintf(spec, spec_len, "+:%s", shortopts + 1);
	else
		xsnprintf(spec, spec_len, ":%s", shortopts);
	len = strlen(spec);
	for (size_t g = 0; g < ARRAY_SIZE(global_short) && len + 3 < spec_len; g++) {
		if (command_uses(global_short[g].c, shortopts, longopts))
			continue;	/* the command's own meaning wins */
		spec[len++] = global_short[g].c;
		len += (size_t)xsnprintf(spec + len, spec_len - len, "%s", global_short[g].arg);
	}
	spec[len] = '\0';
}

/* Takes global option `c` (a short one the command does not define, or a long one). */
static int take_global(int c, const char *shortopts, const struct option *longopts,
		       const char *arg)
{
	int mine = c < 0x100 && command_uses(c, shortopts, longopts);

	if (!globals || mine)
		return 0;
	if (c == GLOBAL_INVENTORY || c == 'i') {
		globals->inventory = arg;
		globals->inventory_given = 1;
	} else if (c == GLOBAL_CONFIG || c == 'c') {
		globals->config = arg;
		globals->config_given = 1;
	} else if (c == GLOBAL_VERBOSE || c == 'v') {
		globals->verbosity++;
	} else if (c == GLOBAL_QUIET || c == 'q') {
		globals->verbosity--;
	} else {
		return 0;
	}
	cli_apply_verbosity(globals);
	return 1;
}

int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, const struct cmd_entry *cmd)
{
	struct option all[MAX_OPTIONS];
	char spec[160];
	const char *bad;
	int c;

	merge_globals(shortopts, longopts, all, spec, sizeof(spec));
	opterr = 0;
	do {
		c = getopt_long(argc, argv, spec, all, NULL);
	} while (c != -1 && c != '?' && c != ':' && *cmd->name &&
		 take_global(c, shortopts, longopts, optarg));
	if (c != '?' && c != ':')
		return c;

	bad = argv[optind - 1];
	if (c == ':')
		cli_error("option '%s' needs a value", bad);
	else if (bad[0] == '-' && bad[1] == '-') {
		cli_error("unknown option '%s' for 'kcfg%s%s'", bad,
			  *cmd->name ? " " : "", cmd->name);
		suggest_option(bad, all);
	} else
		cli_error("unknown option '-%c' for 'kcfg%s%s'", optopt,
			  *cmd->name ? " " : "", cmd->name);
	cli_usage(cmd);
	return -2;
}
