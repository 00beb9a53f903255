/*
 * YAML output through libyaml's emitter: never by pasting strings, so a
 * value is quoted exactly when it has to be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "config/yaml.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int write_out(void *data, unsigned char *buf, size_t size)
{
	strbuf_add(data, buf, size);
	return 1;
}

static void fail(struct yemit *e, const char *what)
{
	if (e->error)
		return;
	if (e->em && e->em->problem)
		e->error = xstrfmt("cannot write YAML: %s", e->em->problem);
	else
		e->error = xstrfmt("cannot write YAML: %s", what);
}

/* Emits `ev` (and frees it); `made` is the result of its _initialize. */
static void emit(struct yemit *e, yaml_event_t *ev, int made, const char *what)
{
	if (e->error) {
		if (made)
			yaml_event_delete(ev);
		return;
	}
	if (!made) {
		fail(e, what);
		return;
	}
	/* yaml_emitter_emit takes the event over, even when it fails */
	if (!yaml_emitter_emit(e->em, ev))
		fail(e, what);
}

static void doc_start(struct yemit *e)
{
	yaml_event_t ev;
	int implicit = e->docs == 0;	/* "---" only between documents */

	emit(e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, implicit),
	     "document start");
	e->docs++;
}

static void doc_end(struct yemit *e)
{
	yaml_event_t ev;
	emit(e, &ev, yaml_document_end_event_initialize(&ev, 1), "document end");
}

void yemit_init(struct yemit *e, struct strbuf *out)
{
	yaml_event_t ev;

	memset(e, 0, sizeof(*e));
	e->out = out;
	e->em = xcalloc(1, sizeof(*e->em));
	if (!yaml_emitter_initialize(e->em)) {
		static const char msg[] = "fatal: out of memory in libyaml\n";
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(1);
		_exit(1);
	}
	yaml_emitter_set_output(e->em, write_out, out);
	yaml_emitter_set_unicode(e->em, 1);
	yaml_emitter_set_width(e->em, -1);	/* never fold long lines */
	yaml_emitter_set_indent(e->em, 2);
	emit(e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING),
	     "stream start");
	doc_start(e);
}

void yemit_next_doc(struct yemit *e)
{
	doc_end(e);
	doc_start(e);
}

int yemit_finish(struct yemit *e, struct strbuf *err)
{
	yaml_event_t ev;
	int ret = 0;

	doc_end(e);
	emit(e, &ev, yaml_stream_end_event_initialize(&ev), "stream end");
	if (!e->error && !yaml_emitter_flush(e->em))
		fail(e, "flush");
	if (e->error) {
		strbuf_addstr(err, e->error);
		ret = -1;
	}
	yaml_emitter_delete(e->em);
	free(e->em);
	free(e->error);
	memset(e, 0, sizeof(*e));
	return ret;
}

void yemit_map_begin(struct yemit *e)
{
	yaml_event_t ev;
	emit(e, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							  YAML_BLOCK_MAPPING_STYLE),
	     "mapping start");
}

void yemit_map_end(struct yemit *e)
{
	yaml_event_t ev;
	emit(e, &ev, yaml_mapping_end_event_initialize(&ev), "mapping end");
}

void yemit_seq_begin(struct yemit *e)
{
	yaml_event_t ev;
	emit(e, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							   YAML_BLOCK_SEQUENCE_STYLE),
	     "sequence start");
}

void yemit_seq_end(struct yemit *e)
{
	yaml_event_t ev;
	emit(e, &ev, yaml_sequence_end_event_initialize(&ev), "sequence end");
}

/*
 * A scalar that must read back as text. Plain when the plain form means
 * a string (libyaml still quotes it if its characters need that), a
 * literal block for multi-line text (libyaml falls back to double quotes
 * where a block cannot hold it), quotes otherwise.
 */
static void scalar_str(struct yemit *e, const char *tag, const char *s, size_t len)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
	int plain_ok = 0;

	if (memchr(s, '\n', len))
		style = YAML_LITERAL_SCALAR_STYLE;
	else
		plain_ok = yplain_reads_as_string(s, len);
	if (tag)
		plain_ok = 0;
	emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag,
						  (const yaml_char_t *)s, (int)len,
						  plain_ok, !tag, style),
	     "invalid UTF-8 in a string");
}

static void scalar_plain(struct yemit *e, const char *s)
{
	yaml_event_t ev;
	emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s,
						  (int)strlen(s), 1, 0,
						  YAML_PLAIN_SCALAR_STYLE),
	     "scalar");
}

void yemit_strn(struct yemit *e, const char *s, size_t len)
{
	if (len > (size_t)0x7fffffff) {
		fail(e, "string too long");
		return;
	}
	scalar_str(e, NULL, s, len);
}

void yemit_str(struct yemit *e, const char *s)
{
	yemit_strn(e, s, strlen(s));
}

void yemit_int(struct yemit *e, long long v)
{
	char buf[32];
	xsnprintf(buf, sizeof(buf), "%lld", v);
	scalar_plain(e, buf);
}

void yemit_bool(struct yemit *e, int v)
{
	scalar_plain(e, v ? "true" : "false");
}

void yemit_null(struct yemit *e)
{
	scalar_plain(e, "null");
}

void yemit_node(struct yemit *e, const struct ynode *n)
{
	yaml_event_t ev;

	if (!n) {
		yemit_null(e);
		return;
	}
	switch (n->type) {
	case YNODE_MAP:
		emit(e, &ev, yaml_mapping_start_event_initialize(&ev, NULL,
				(yaml_char_t *)n->tag, !n->tag, YAML_BLOCK_MAPPING_STYLE),
		     "mapping tag");
		for (size_t i = 0; i < n->nr; i++) {
			yemit_node(e, n->pairs[i].key);
			yemit_node(e, n->pairs[i].value);
		}
		yemit_map_end(e);
		break;
	case YNODE_SEQ:
		emit(e, &ev, yaml_sequence_start_event_initialize(&ev, NULL,
				(yaml_char_t *)n->tag, !n->tag, YAML_BLOCK_SEQUENCE_STYLE),
		     "sequence tag");
		for (size_t i = 0; i < n->nr; i++)
			yemit_node(e, n->items[i]);
		yemit_seq_end(e);
		break;
	case YNODE_SCALAR:
		if (n->style == YSTYLE_PLAIN && !n->tag) {
			/* keep it plain so that it keeps its meaning */
			emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
					(const yaml_char_t *)n->value, (int)n->len, 1, 1,
					YAML_PLAIN_SCALAR_STYLE),
			     "scalar");
		} else {
			scalar_str(e, n->tag, n->value, n->len);
		}
		break;
	}
}
