/*
 * The Lustre project id placeholder of the Exascaler StorageClasses
 * (see addons.h).
 */
#include <string.h>

#include "components/addons.h"
#include "components/component.h"
#include "config/settings.h"
#include "util/strbuf.h"
#include "util/banned.h"

#define PROJECT_ID_MAX_DIGITS 10	/* a 32-bit Lustre project id */

void addons_project_id_placeholder(struct strbuf *out, const char *mount_point)
{
	strbuf_addf(out, ADDONS_PROJECT_ID_OPEN "%s" ADDONS_PROJECT_ID_CLOSE, mount_point);
}

void addons_sh_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

void addons_project_id_command(struct strbuf *out, const char *mount_point)
{
	/* `lfs project -d DIR` prints "PROJID P DIR"; the id is the first field */
	strbuf_addstr(out, "lfs project -d ");
	addons_sh_quote(out, mount_point);
	strbuf_addstr(out, " | awk 'NR == 1 { print $1 }'");
}

int addons_project_id_pending(const char *content)
{
	return strstr(content, ADDONS_PROJECT_ID_OPEN) != NULL;
}

static int valid_id(const struct strbuf *id)
{
	if (!id->len || id->len > PROJECT_ID_MAX_DIGITS)
		return 0;
	for (size_t i = 0; i < id->len; i++)
		if (id->buf[i] < '0' || id->buf[i] > '9')
			return 0;
	return 1;
}

int addons_project_id_fill(struct strbuf *content,
			   int (*lookup)(const char *mount_point, struct strbuf *id,
					 void *data, struct strbuf *err),
			   void *data, struct strbuf *err)
{
	static const size_t open_len = sizeof(ADDONS_PROJECT_ID_OPEN) - 1;
	struct strbuf out = STRBUF_INIT, mount = STRBUF_INIT, id = STRBUF_INIT;
	const char *p = content->buf;
	const char *at;
	int ret = 0;

	while (!ret && (at = strstr(p, ADDONS_PROJECT_ID_OPEN))) {
		const char *start = at + open_len;
		const char *end = strstr(start, ADDONS_PROJECT_ID_CLOSE);
		const char *nl = strchr(start, '\n');

		strbuf_add(&out, p, (size_t)(at - p));
		if (!end || end == start || (nl && nl < end)) {
			strbuf_addstr(err, "a Lustre project id placeholder is not closed");
			ret = -1;
			break;
		}
		strbuf_reset(&mount);
		strbuf_add(&mount, start, (size_t)(end - start));
		strbuf_reset(&id);
		if (lookup(mount.buf, &id, data, err) < 0) {
			ret = -1;
			break;
		}
		strbuf_trim(&id);
		if (!valid_id(&id)) {
			strbuf_addf(err, "the Lustre project id of '%s' is '%s', not a number",
				    mount.buf, id.buf);
			ret = -1;
			break;
		}
		strbuf_addbuf(&out, &id);
		p = end + strlen(ADDONS_PROJECT_ID_CLOSE);
	}
	if (!ret) {
		strbuf_addstr(&out, p);
		strbuf_reset(content);
		strbuf_addbuf(content, &out);
	}
	strbuf_release(&out);
	strbuf_release(&mount);
	strbuf_release(&id);
	return ret;
}
