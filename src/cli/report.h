#ifndef KCFG_CLI_REPORT_H
#define KCFG_CLI_REPORT_H

#include "run/run.h"
#include "util/json.h"
#include "util/strbuf.h"

/*
 * How a run is shown (report.c): progress on stderr while it runs (the
 * run engine calls rep.ev), then the plan or what apply did, phase by
 * phase, on stdout, a summary table (apply) and every error with its
 * hint on stderr.
 */
struct report {
	struct run_events ev;	/* give &rep.ev to run_phases() */
	int tty;		/* stderr is a terminal: live progress */
	unsigned lines;		/* lines the live display drew */
	struct strbuf waiting;	/* what a barrier waits for, shown once */
};

void report_init(struct report *rep);
void report_release(struct report *rep);
/* The last progress drawing, left on the screen. */
void report_progress_end(struct run *run, struct report *rep);
/*
 * run_phases() with the progress on stderr (live when `live` and stderr
 * is a terminal), its last drawing left on the screen. Returns what
 * run_phases() returns; problems before any host go into `dl`.
 */
int report_run(struct run *run, const struct run_phase *phases, size_t nr, int live,
	       struct diag_list *dl);
/*
 * A command's result as one JSON object on stdout (--json):
 * report_json_begin() opens it with its "format", "version" and "ok"
 * members; the command adds its own; report_json_end() closes it and
 * writes it out.
 */
void report_json_begin(struct json_writer *jw, struct strbuf *out, const char *format,
		       int version, int ok);
void report_json_end(struct json_writer *jw, struct strbuf *out);
/* The plan (or what apply did) per phase and host, on stdout. */
void report_hosts(const struct run *run, int diffs);
/* The summary table (apply) and the errors with their hints. */
void report_summary(const struct run *run);
/* Only the errors with their hints, on stderr. */
void report_errors(const struct run *run);

#endif
