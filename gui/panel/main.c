/*
 * The panel: a bar along the top of the screen with a launcher button for
 * each program the config offers and a clock. A click on a button starts
 * the program: the panel writes the config of the init that runs the
 * applications (Report "apps_config", which report_rom hands to that init
 * as its config ROM), adding a <start> node from the button's template
 * under a fresh name. A window that wm reports closed (ROM window_list)
 * ends its program: its <start> leaves the config, and init removes it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <base/config.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <gui/text.h>
#include <kernel/syscalls.h>
#include <session/rtc.h>
#include <session/timer.h>

#include <gui/client.h>

#define LAUNCHERS 8u
#define RUNNING 16u
#define CONFIG_MAX 32768u
#define PAD 12

struct launcher {
	char name[32], title[48];
	unsigned launched; /* instances so far: names NAME, NAME.2, ... */
	struct config_node start; /* the template */
	int x, w;                 /* the button */
};

struct running {
	bool used;
	char name[40];
	unsigned launcher;
};

static struct config cfg;
static struct launcher launchers[LAUNCHERS];
static unsigned nlaunchers;
static struct running running[RUNNING];
static struct gui gui;
static struct text_font *font;
static uint64_t buffer, view, timer, rtc;
static uint32_t *pix;
static unsigned width, height = 32;
static uint32_t bg, fg, button_bg;
static struct report apps;
static char apps_label[32] = "apps";
static int pointer_x, pointer_y;
static uint64_t boot_us;
static struct {
	uint64_t h, m, s;
} start_time;

static void
draw_clock(void)
{
	uint64_t *w = utcb_self()->msg, now = 0;
	char text[16];
	int tw;

	if (timer && !rpc_call(timer, TIMER_NOW, 0, 0, 0, NULL))
		now = (w[0] - boot_us) / 1000000 + start_time.h * 3600 +
		    start_time.m * 60 + start_time.s;
	snprintf(text, sizeof(text), "%02u:%02u", (unsigned)(now / 3600 % 24),
	    (unsigned)(now / 60 % 60));
	if (!font)
		return;
	tw = text_width(font, "00:00");
	gui_fill(pix, width, width - (unsigned)tw - 2 * PAD, 0,
	    (unsigned)tw + 2 * PAD, height, bg);
	text_draw(font, pix, width, width, height, (int)width - tw - PAD,
	    ((int)height - text_height(font)) / 2, -1, text, fg);
	gui_call(&gui, GUI_REFRESH, 5,
	    (uint64_t[]){buffer, width - (unsigned)tw - 2 * PAD, 0,
		(uint64_t)tw + 2 * PAD, height});
}

static void
draw(void)
{
	int x = PAD / 2;

	gui_fill(pix, width, 0, 0, width, height, bg);
	for (unsigned i = 0; i < nlaunchers; i++) {
		struct launcher *l = &launchers[i];
		int tw = font ? text_width(font, l->title) : 40;

		l->x = x;
		l->w = tw + 2 * PAD;
		gui_fill(pix, width, (unsigned)x, 4, (unsigned)l->w, height - 8,
		    button_bg);
		if (font)
			text_draw(font, pix, width, width, height, x + PAD,
			    ((int)height - text_height(font)) / 2, -1, l->title,
			    fg);
		x += l->w + PAD / 2;
	}
	gui_call(&gui, GUI_REFRESH, 5,
	    (uint64_t[]){buffer, 0, 0, width, height});
	draw_clock();
}

/* The applications' init config: the fixed part, then what runs. */
static void
publish(void)
{
	struct config_node fixed, c;
	const char *raw;
	static const char start[] = "\n<start name=\"";
	size_t len, need, at = 0;
	char *out = apps.buf;

	at += (size_t)snprintf(out, CONFIG_MAX, "<config>\n");
	for (int e = config_child(config_root(&cfg), "apps", &fixed) ||
		 config_child(fixed, NULL, &c);
	     !e; e = config_next(c, NULL, &c)) {
		config_node_raw(c, &raw, &len);
		if (at + len + 1 >= CONFIG_MAX)
			break;
		memcpy(out + at, raw, len);
		at += len;
		out[at++] = '\n';
	}
	for (unsigned i = 0; i < RUNNING; i++) {
		if (!running[i].used)
			continue;
		config_node_raw(launchers[running[i].launcher].start, &raw,
		    &len);
		/* "<start ..." with our name first */
		if (len < 6 || at + len + 64 >= CONFIG_MAX)
			break;
		/* The name comes from our config decoded: escape it again. */
		need = config_escape(out + at + sizeof(start) - 1,
		    CONFIG_MAX - at - (sizeof(start) - 1), running[i].name,
		    strlen(running[i].name));
		if (at + sizeof(start) + need + len + 64 >= CONFIG_MAX)
			break;
		memcpy(out + at, start, sizeof(start) - 1);
		at += sizeof(start) - 1 + need;
		out[at++] = '"';
		memcpy(out + at, raw + 6, len - 6);
		at += len - 6;
	}
	at += (size_t)snprintf(out + at, CONFIG_MAX - at, "\n</config>\n");
	report_submit(&apps, at);
}

static void
launch(unsigned l)
{
	for (unsigned i = 0; i < RUNNING; i++) {
		if (running[i].used)
			continue;
		running[i].used = true;
		running[i].launcher = l;
		if (launchers[l].launched++)
			snprintf(running[i].name, sizeof(running[i].name),
			    "%.31s.%u", launchers[l].name,
			    launchers[l].launched);
		else
			snprintf(running[i].name, sizeof(running[i].name),
			    "%.31s", launchers[l].name);
		printf("panel: starting %s\n", running[i].name);
		publish();
		return;
	}
	printf("panel: %u programs run already\n", RUNNING);
}

/* wm closed a window: the program whose name its label carries ends. */
static void
windows(struct rom *rom)
{
	struct config list;
	struct config_error err;
	struct config_node win;
	char label[128], closed[4];
	size_t n = strlen(apps_label);

	rom_update(rom);
	if (!rom->size || config_parse(&list, rom->data, rom->size, &err))
		return;
	for (int e = config_child(config_root(&list), "window", &win); !e;
	     e = config_next(win, "window", &win)) {
		if (config_attr_copy(win, "closed", closed, sizeof(closed)) ||
		    strcmp(closed, "yes") ||
		    config_attr_copy(win, "label", label, sizeof(label)) ||
		    strncmp(label, apps_label, n) ||
		    strncmp(label + n, " -> ", 4))
			continue;
		char *name = label + n + 4, *end = strstr(name, " -> ");

		if (end)
			*end = 0;
		for (unsigned i = 0; i < RUNNING; i++) {
			if (running[i].used && !strcmp(running[i].name, name)) {
				printf("panel: %s closed\n", name);
				running[i].used = false;
				publish();
			}
		}
	}
}

static void
input(void)
{
	struct input_event ev[16];
	unsigned n;

	while ((n = input_read(&gui.input, ev, 16, NULL))) {
		for (unsigned i = 0; i < n; i++) {
			if (ev[i].type == GUI_INPUT_ABSOLUTE) {
				pointer_x = ev[i].dx;
				pointer_y = ev[i].dy;
			} else if (ev[i].type == INPUT_PRESS &&
			    ev[i].code == BTN_LEFT) {
				for (unsigned l = 0; l < nlaunchers; l++)
					if (pointer_x >= launchers[l].x &&
					    pointer_x < launchers[l].x +
						    launchers[l].w &&
					    pointer_y < (int)height)
						launch(l);
			}
		}
	}
}

static void
read_config(void)
{
	struct config_node root, l;
	uint64_t v;

	if (config_load(&cfg))
		return;
	root = config_root(&cfg);
	if (!config_attr_u64(root, "height", 32, &v) && v >= 16 && v <= 128)
		height = (unsigned)v;
	if (config_has_attr(root, "apps"))
		config_attr_copy(root, "apps", apps_label, sizeof(apps_label));
	for (int e = config_child(root, "launcher", &l);
	     !e && nlaunchers < LAUNCHERS; e = config_next(l, "launcher", &l)) {
		struct launcher *x = &launchers[nlaunchers];

		if (config_attr_copy(l, "name", x->name, sizeof(x->name)) ||
		    config_child(l, "start", &x->start)) {
			printf(
			    "panel: a <launcher> needs a name and a <start>\n");
			continue;
		}
		if (config_attr_copy(l, "title", x->title, sizeof(x->title)))
			memcpy(x->title, x->name, sizeof(x->name));
		nlaunchers++;
	}
}

int
main(void)
{
	uint64_t *w = utcb_self()->msg, sig, id, n;
	struct rom rom;
	const void *ttf;
	size_t len;

	bg = gui_config_color("background", 0x2e3436);
	fg = gui_config_color("text", 0xeeeeec);
	button_bg = gui_config_color("button", 0x4e5a65);
	read_config();
	if (!rom_attach("DejaVuSans.ttf", &ttf, &len))
		font = text_font_open(ttf, len, 14);
	if (gui_open(&gui, 4u << 20)) {
		printf("panel: no Gui session\n");
		return 1;
	}
	width = gui.width;
	if (gui_buffer(&gui, width, height, &buffer, &pix) ||
	    gui_view(&gui, buffer, 0, 0, width, height, "panel", &view)) {
		printf("panel: cannot show the bar\n");
		return 1;
	}
	if (report_open(&apps, "apps_config", CONFIG_MAX))
		printf("panel: no apps_config report: launching is off\n");
	else
		publish();
	/* the clock: the RTC once, then the timer */
	if (!session_open("Rtc", "", 0, &rtc, &id) &&
	    !rpc_call(rtc, RTC_TIME, 0, 0, 0, NULL)) {
		start_time.h = w[3];
		start_time.m = w[4];
		start_time.s = w[5];
	}
	sig = gui.sig;
	if (!timer_open("", sig, &timer) &&
	    !rpc_call(timer, TIMER_NOW, 0, 0, 0, NULL)) {
		boot_us = w[0];
		timer_trigger(timer, 5000000, 1); /* the clock shows minutes */
	} else {
		timer = 0;
	}
	if (!rom_open(&rom, "window_list"))
		rom_sigh(&rom, sig);
	else
		rom.session = 0;
	draw();
	printf("panel: ready, %u launchers\n", nlaunchers);
	for (;;) {
		sys_sig_wait(sig, &n);
		input();
		if (rom.session)
			windows(&rom);
		draw_clock();
	}
}
