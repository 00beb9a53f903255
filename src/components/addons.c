/* The Lustre project id command of the Exascaler StorageClasses (addons.h). */
#include <string.h>

#include "components/addons.h"
#include "components/component.h"
#include "config/settings.h"
#include "util/strbuf.h"
#include "util/banned.h"

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
	strbuf_addstr(out, "o=$(lfs project -d ");
	addons_sh_quote(out, mount_point);
	strbuf_addstr(out, ") && printf '%s\\n' \"$o\" | awk 'NR == 1 { print $1 }'");
}
