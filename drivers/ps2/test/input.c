/*
 * A test client for Input sessions: logs every event as one line, with the
 * key code's name and, for a press, the character it types on the layout
 * its config names (<config layout="de"/>, default "us"), so a scenario can
 * check a driver and the layouts together.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <input/keymap.h>
#include <input/reader.h>
#include <session/input.h>

static void
show(const struct keymap *layout, const struct input_event *e)
{
	char utf8[5];
	uint32_t c;

	switch (e->type) {
	case INPUT_PRESS:
		c = keymap_char(layout, e->code, e->mods);
		if (c >= 0x20 && c != 0x7f && keymap_utf8(c, utf8))
			log_printf("press %s mods=0x%x char U+%04x '%s'",
			    input_code_name(e->code), e->mods, c, utf8);
		else if (c)
			log_printf("press %s mods=0x%x char U+%04x",
			    input_code_name(e->code), e->mods, c);
		else
			log_printf("press %s mods=0x%x",
			    input_code_name(e->code), e->mods);
		break;
	case INPUT_RELEASE:
		log_printf("release %s mods=0x%x", input_code_name(e->code),
		    e->mods);
		break;
	case INPUT_MOTION:
		log_printf("motion dx=%d dy=%d", e->dx, e->dy);
		break;
	case INPUT_WHEEL:
		log_printf("wheel dz=%d", e->dz);
		break;
	default:
		log_printf("unknown event type %u", e->type);
	}
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	const struct keymap *layout = keymap_find("us");
	uint64_t *w = utcb_self()->msg, input, id, ds = slot_alloc(), sig,
		 copy = slot_alloc();
	struct input_reader reader;
	struct input_event ev[32];
	struct config cfg;
	char name[16] = "";
	void *ring;
	int e;

	if (config_load(&cfg))
		return 1;
	config_attr_copy(config_root(&cfg), "layout", name, sizeof(name));
	if (!name[0])
		fmt_snprintf(name, sizeof(name), "us");
	if (!(layout = keymap_find(name))) {
		log_printf("no layout '%s'", name);
		return 1;
	}
	if ((e = session_open("Input", "", 0, &input, &id)) || !ds ||
	    (e = (int)rpc_call(input, INPUT_DATASPACE, 0, 0, ds, NULL)) ||
	    (e = ds_attach(ds, w[0], 0, &ring)) ||
	    (e = object_create(KOBJ_SIGNAL, &sig)) || !copy ||
	    (e = (int)sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 0)) ||
	    (e = (int)rpc_call(input, INPUT_SIGH, 0, copy, 0, NULL))) {
		log_printf("no Input session: error %d", -e);
		return 1;
	}
	input_reader_init(&reader, ring);
	log_printf("reading input, layout %s", keymap_name(layout));
	for (;;) {
		unsigned n;
		uint64_t lost;

		sys_sig_wait(sig, NULL);
		while ((n = input_read(&reader, ev, 32, &lost)) || lost) {
			if (lost)
				log_printf("lost %lu events", lost);
			for (unsigned i = 0; i < n; i++)
				show(layout, &ev[i]);
		}
	}
}
