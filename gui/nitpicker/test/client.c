/*
 * test_gui_client: a Gui client for the scenarios. It shows one view of
 * a buffer filled with its colour (a white 8x8 square at 4, 4 shows the
 * buffer's orientation) where its config says, and logs every input event
 * it gets, so a scenario can tell which client has the focus: "key KEY_A
 * press", "button BTN_LEFT press at X,Y", "focus gained". Space toggles
 * between its two colours (a refresh through nitpicker); the raise key
 * puts its view in front; the exit key ends it and the crash key makes
 * it fault (init ends it), either of which must take its view off the
 * screen.
 *
 * <config x="100" y="100" w="200" h="150" color="#ff0000"
 *         color2="#0000ff" title="a" exit_key="KEY_Q" raise_key="KEY_R"
 *         crash_key="KEY_K" motion="no"/>
 */
#include <base/config.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <input/keymap.h>
#include <kernel/syscalls.h>

#include <gui/client.h>

static struct {
	uint64_t x, y, w, h;
	uint32_t color, color2;
	char title[GUI_TITLE_MAX + 1], exit_key[24], raise_key[24];
	char crash_key[24];
	bool motion, upfront;
} opt;

static void
read_config(void)
{
	struct config cfg;
	struct config_node root;

	opt.x = opt.y = 100;
	opt.w = 200;
	opt.h = 150;
	opt.color = gui_config_color("color", 0xff0000);
	opt.color2 = gui_config_color("color2", 0x0000ff);
	if (config_load(&cfg))
		return;
	root = config_root(&cfg);
	config_attr_u64(root, "x", 100, &opt.x);
	config_attr_u64(root, "y", 100, &opt.y);
	config_attr_u64(root, "w", 200, &opt.w);
	config_attr_u64(root, "h", 150, &opt.h);
	config_attr_copy(root, "title", opt.title, sizeof(opt.title));
	config_attr_copy(root, "exit_key", opt.exit_key, sizeof(opt.exit_key));
	config_attr_copy(root, "raise_key", opt.raise_key,
	    sizeof(opt.raise_key));
	config_attr_copy(root, "crash_key", opt.crash_key,
	    sizeof(opt.crash_key));
	config_attr_bool(root, "motion", false, &opt.motion);
	config_attr_bool(root, "upfront", true, &opt.upfront);
}

/* A write where nothing is mapped: the fault ends this client. */
static void
crash(void)
{
	volatile uint64_t nowhere = 8;

	*(volatile int *)nowhere = 1;
}

static void
paint(uint32_t *pix, uint32_t c)
{
	gui_fill(pix, (unsigned)opt.w, 0, 0, (unsigned)opt.w, (unsigned)opt.h,
	    c);
	if (opt.w >= 12 && opt.h >= 12)
		gui_fill(pix, (unsigned)opt.w, 4, 4, 8, 8, 0xffffff);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct gui g;
	struct input_event ev[16];
	uint64_t buf, view, lost, all[5];
	uint32_t *pix, now;
	int x = 0, y = 0, e;
	unsigned n;

	read_config();
	now = opt.color;
	if ((e = gui_open(&g,
		 GUI_SESSION_QUOTA +
		     (opt.upfront ? gui_buffer_cost(opt.w, opt.h) : 0))) ||
	    (e = gui_buffer(&g, (unsigned)opt.w, (unsigned)opt.h, &buf,
		 &pix))) {
		log_printf("no Gui session: error %d", -e);
		return 1;
	}
	if (!opt.upfront)
		log_printf("the session grew to %lu bytes for its buffer",
		    g.quota);
	paint(pix, now);
	all[0] = buf;
	all[1] = all[2] = 0;
	all[3] = opt.w;
	all[4] = opt.h;
	if ((e = gui_view(&g, buf, (int)opt.x, (int)opt.y, (unsigned)opt.w,
		 (unsigned)opt.h, opt.title, &view)) ||
	    (e = gui_call(&g, GUI_REFRESH, 5, all))) {
		log_printf("cannot show the view: error %d", -e);
		return 1;
	}
	log_printf("view at %lu,%lu %lux%lu on a %ux%u screen", opt.x, opt.y,
	    opt.w, opt.h, g.width, g.height);
	for (;;) {
		sys_sig_wait(g.sig, NULL);
		while ((n = input_read(&g.input, ev, 16, &lost)) > 0) {
			if (lost)
				log_printf("lost %lu events", lost);
			for (unsigned i = 0; i < n; i++) {
				const char *name = input_code_name(ev[i].code);
				const char *what = ev[i].type == INPUT_PRESS
				    ? "press"
				    : "release";

				switch (ev[i].type) {
				case GUI_INPUT_ABSOLUTE:
					x = ev[i].dx;
					y = ev[i].dy;
					if (opt.motion)
						log_printf("pointer %d,%d "
							   "view %u",
						    x, y, ev[i].code);
					break;
				case GUI_INPUT_FOCUS:
					log_printf("focus %s",
					    ev[i].code ? "gained" : "lost");
					break;
				case GUI_INPUT_LEAVE:
					if (opt.motion)
						log_printf("pointer left");
					break;
				case INPUT_WHEEL:
					log_printf("wheel %d", ev[i].dz);
					break;
				case INPUT_PRESS:
				case INPUT_RELEASE:
					if (ev[i].code >= BTN_LEFT) {
						log_printf("button %s %s at "
							   "%d,%d",
						    name, what, x, y);
						break;
					}
					log_printf("key %s %s", name, what);
					if (ev[i].type == INPUT_PRESS &&
					    !strcmp(name, opt.exit_key)) {
						log_printf("exiting");
						return 0;
					}
					if (ev[i].type == INPUT_PRESS &&
					    !strcmp(name, opt.crash_key)) {
						log_printf("crashing");
						crash();
					}
					if (ev[i].type == INPUT_PRESS &&
					    !strcmp(name, opt.raise_key)) {
						uint64_t st[2] = {view,
						    GUI_STACK_FRONT};

						e = gui_call(&g, GUI_VIEW_STACK,
						    2, st);
						log_printf("raised: %d", e);
					}
					if (ev[i].type == INPUT_PRESS &&
					    ev[i].code == KEY_SPACE) {
						now = now == opt.color
						    ? opt.color2
						    : opt.color;
						paint(pix, now);
						gui_call(&g, GUI_REFRESH, 5,
						    all);
					}
					break;
				}
			}
		}
	}
}
