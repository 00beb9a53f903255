#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/strbuf.h"
#include "util/visible.h"
#include "util/banned.h"

static enum log_level stderr_level = LOG_WARNING;
static int log_fd = -1;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void log_set_stderr_level(enum log_level level) { stderr_level = level; }
enum log_level log_get_stderr_level(void) { return stderr_level; }

int log_open_file(const char *path, struct strbuf *err)
{
	/* a new file of its own: never one planted there, nor through a link */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC,
		      0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 1;
		strbuf_addf(err, "cannot create log file '%s': %s", path, strerror(errno));
		return -1;
	}
	log_close();
	log_fd = fd;
	return 0;
}

void log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	struct strbuf text = STRBUF_INIT, line = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&text, fmt, ap);
	va_end(ap);
	/* messages carry host text (step output, facts): no raw control bytes */
	strbuf_add_visible(&line, text.buf, text.len);
	strbuf_addch(&line, '\n');
	strbuf_release(&text);

	if (log_fd >= 0) {
		struct strbuf stamped = STRBUF_INIT;
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		strbuf_addf(&stamped, "%s.%03ldZ %s: ", when, ts.tv_nsec / 1000000,
			    level_names[level]);
		strbuf_addbuf(&stamped, &line);
		/* a full disk must not stop the run: the write's result is ignored */
		ssize_t ignored = write(log_fd, stamped.buf, stamped.len);
		(void)ignored;
		strbuf_release(&stamped);
	}
	if (level <= stderr_level) {
		if (level <= LOG_WARNING)
			fprintf(stderr, "%s: ", level_names[level]);
		fputs(line.buf, stderr);
	}
	strbuf_release(&line);
}
