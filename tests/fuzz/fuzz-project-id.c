/*
 * Arbitrary bytes as a file with Lustre project id placeholders and as
 * what a worker answered (the input's text up to its first NUL is the
 * file, the rest the answer): addons_project_id_fill. Checks its promises,
 * aborting when one breaks: on failure the content is unchanged; on
 * success no placeholder is left and the answer went in only as digits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "components/addons.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct answer {
	const char *text;
	size_t len;
};

static int lookup(const char *mount_point, struct strbuf *id, void *data, struct strbuf *err)
{
	struct answer *a = data;

	if (!*mount_point) {
		strbuf_addstr(err, "empty mount point");
		return -1;
	}
	strbuf_add(id, a->text, a->len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t clen = nul ? (size_t)(nul - (const char *)data) : size;
	struct answer a = { nul ? nul + 1 : "", nul ? size - clen - 1 : 0 };
	struct strbuf content = STRBUF_INIT, before = STRBUF_INIT, err = STRBUF_INIT;

	strbuf_add(&content, data, clen);
	strbuf_addbuf(&before, &content);
	if (addons_project_id_fill(&content, lookup, &a, &err) < 0) {
		if (strcmp(content.buf, before.buf) || !err.len)
			abort();
	} else if (addons_project_id_pending(content.buf)) {
		fprintf(stderr, "fuzz-project-id: a placeholder is left in\n%s\n", content.buf);
		abort();
	}
	strbuf_release(&content);
	strbuf_release(&before);
	strbuf_release(&err);
	return 0;
}
