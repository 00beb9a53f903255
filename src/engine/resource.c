#include <stdlib.h>
#include <string.h>

#include "engine/resource.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct resource *resource_add(struct resource_list *rl, enum resource_kind kind,
			      const char *component)
{
	struct resource *r;

	ALLOC_GROW(rl->items, rl->nr + 1, rl->alloc);
	r = &rl->items[rl->nr++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->component = xstrdup(component);
	strbuf_init(&r->content, 0);
	strvec_init(&r->packages);
	return r;
}

struct resource *resource_add_file(struct resource_list *rl, const char *component,
				   const char *path, const char *content, size_t len,
				   unsigned mode)
{
	struct resource *r = resource_add(rl, RES_FILE, component);

	r->path = xstrdup(path);
	strbuf_add(&r->content, content, len);
	r->mode = mode;
	return r;
}

static void resource_release(struct resource *r)
{
	free(r->component);
	free(r->path);
	free(r->fill_arg);
	if (r->secret)
		strbuf_release_wiped(&r->content);
	else
		strbuf_release(&r->content);
	free(r->owner);
	free(r->group);
	free(r->marker);
	strvec_clear(&r->packages);
	free(r->unit);
	free(r->command);
	free(r->creates);
	free(r->unless);
	free(r->local_path);
	free(r->sha256);
	free(r->notify);
	free(r->pending);
	free(r->pending_value);
	free(r->name);
}

void resource_list_release(struct resource_list *rl)
{
	for (size_t i = 0; i < rl->nr; i++)
		resource_release(&rl->items[i]);
	free(rl->items);
	rl->items = NULL;
	rl->nr = rl->alloc = 0;
}

const char *resource_kind_name(enum resource_kind kind)
{
	static const char *const names[] = {
		"file", "dir", "absent", "block", "packages", "service", "command", "upload",
		"handler",
	};
	return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

void resource_describe(const struct resource *r, struct strbuf *out)
{
	strbuf_addf(out, "%s:", resource_kind_name(r->kind));
	switch (r->kind) {
	case RES_PACKAGES:
		for (size_t i = 0; i < r->packages.nr; i++)
			strbuf_addf(out, "%s%s", i ? "," : "", r->packages.v[i]);
		break;
	case RES_SERVICE:
		strbuf_addstr(out, r->unit ? r->unit : "?");
		break;
	case RES_COMMAND:
		strbuf_addstr(out, r->creates ? r->creates : (r->command ? r->command : "?"));
		break;
	case RES_BLOCK:
		strbuf_addf(out, "%s#%s", r->path ? r->path : "?", r->marker ? r->marker : "");
		break;
	case RES_HANDLER:
		strbuf_addstr(out, r->name ? r->name : "?");
		break;
	default:
		strbuf_addstr(out, r->path ? r->path : "?");
	}
}
