/*
 * Arbitrary bytes (up to the first NUL) as the relative path render and
 * the facts cache hand to write_file_beneath(). Checks its promise,
 * aborting when it breaks: whatever the path, nothing appears outside the
 * root directory; then remove_tree() must clear the root again.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PATH_BYTES 300

static char top[64], root[96];

/* The number of entries in `dir` besides . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* 1 when every '/'-separated part of `rel` is a name: not empty, "." or "..". */
static int only_names(const char *rel)
{
	const char *p = rel;

	for (;;) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!p[n])
			return 1;
		p += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	size_t len = strnlen((const char *)data, size < MAX_PATH_BYTES ? size : MAX_PATH_BYTES);
	char *rel = strndup((const char *)data, len);

	if (!*top) {
		snprintf(top, sizeof(top), "/tmp/kcfg-fuzz-beneath-XXXXXX");
		if (!mkdtemp(top))
			abort();
		snprintf(root, sizeof(root), "%s/root", top);
		if (mkdir(root, 0700) < 0)
			abort();
	}
	if (write_file_beneath(root, rel, "x", 1, 0600, 0700, &err) == 0 && !only_names(rel))
		abort();	/* written, for a path that may not be */
	/* nothing may appear beside the root */
	if (entries(top) != 1)
		abort();
	if (remove_tree(root) < 0 || mkdir(root, 0700) < 0 || entries(root) != 0)
		abort();
	strbuf_release(&err);
	free(rel);
	return 0;
}
