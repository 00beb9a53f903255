#ifndef KCFG_LOG_H
#define KCFG_LOG_H

struct strbuf;

/*
 * The run log: every message goes to the log file (when one is open,
 * e.g. .kcfg/logs/<time>-apply.log) and, at or above the stderr level,
 * to stderr. Secrets must never be passed here; struct secret has no
 * accessor that returns something printable for that reason.
 */
enum log_level { LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void log_set_stderr_level(enum log_level level);
enum log_level log_get_stderr_level(void);
/*
 * Creates the log file `path`, 0600, exclusively: returns 0, 1 when
 * something (a file, a link) is there already, or -1 with `err`.
 */
int log_open_file(const char *path, struct strbuf *err);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
