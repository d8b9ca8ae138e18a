/*
 * The decorator: draws a frame for every window that wm reports (ROM
 * "window_list"): a border, a title bar with the window's label and title,
 * and the minimise and close buttons where the report puts them. Each
 * frame is a view of its own, titled "window ID", so that wm can stack it
 * right behind its window; wm also acts on clicks into it. The decorator
 * never sees a window's pixels: it only knows the report.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <base/config.h>
#include <base/runtime.h>
#include <gui/text.h>
#include <kernel/syscalls.h>

#include <gui/client.h>

#define DECOS 32u
#define QUOTA (48ul << 20)

struct deco {
	bool used, seen;
	bool refused; /* logged that it has no buffer: once is enough */
	unsigned id;
	uint64_t buffer, view;
	uint32_t *pix;
	unsigned w, h; /* the buffer's */
	char text[200];
	bool focused;
	int x, y;
};

static struct deco decos[DECOS];
static struct gui gui;
static struct text_font *font;
static uint32_t color_focused, color_other, color_text;

static void
line(uint32_t *p, unsigned s, int x0, int y0, int x1, int y1, uint32_t c)
{
	int n = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0);

	for (int i = 0; i <= n; i++) {
		int x = x0 + (n ? (x1 - x0) * i / n : 0);
		int y = y0 + (n ? (y1 - y0) * i / n : 0);

		p[(unsigned)y * s + (unsigned)x] = c;
		p[(unsigned)y * s + (unsigned)x + 1] = c;
	}
}

/* One frame: border, title bar, text, buttons at their report places. */
static void
draw(struct deco *d, struct config_node win)
{
	uint32_t bg = d->focused ? color_focused : color_other;
	struct config_node b;
	unsigned bx, by, bw, bh;
	uint64_t v;
	char name[16];

	gui_fill(d->pix, d->w, 0, 0, d->w, d->h, bg);
	/* a darker edge around it */
	gui_fill(d->pix, d->w, 0, 0, d->w, 1, 0x101010);
	gui_fill(d->pix, d->w, 0, d->h - 1, d->w, 1, 0x101010);
	gui_fill(d->pix, d->w, 0, 0, 1, d->h, 0x101010);
	gui_fill(d->pix, d->w, d->w - 1, 0, 1, d->h, 0x101010);
	for (int e = config_child(win, "button", &b); !e;
	     e = config_next(b, "button", &b)) {
		if (config_attr_copy(b, "name", name, sizeof(name)) ||
		    config_attr_u64(b, "x", 0, &v) ||
		    (bx = (unsigned)v) >= d->w ||
		    config_attr_u64(b, "y", 0, &v) ||
		    (by = (unsigned)v) >= d->h ||
		    config_attr_u64(b, "width", 0, &v) ||
		    (bw = (unsigned)v) > d->w - bx || bw < 8 ||
		    config_attr_u64(b, "height", 0, &v) ||
		    (bh = (unsigned)v) > d->h - by || bh < 8)
			continue;
		if (!strcmp(name, "close")) {
			gui_fill(d->pix, d->w, bx + 2, by + 2, bw - 4, bh - 4,
			    0xc03030);
			line(d->pix, d->w, (int)bx + 6, (int)by + 6,
			    (int)(bx + bw) - 8, (int)(by + bh) - 7, color_text);
			line(d->pix, d->w, (int)bx + 6, (int)(by + bh) - 7,
			    (int)(bx + bw) - 8, (int)by + 6, color_text);
		} else {
			gui_fill(d->pix, d->w, bx + 6, by + bh - 8, bw - 12, 2,
			    color_text);
		}
	}
	if (font) {
		uint64_t th = 24, border = 4;

		config_attr_u64(win, "title_height", 24, &th);
		config_attr_u64(win, "border", 4, &border);
		int ty = (int)border + ((int)th - text_height(font)) / 2;

		text_draw(font, d->pix, d->w, d->w, d->h, (int)border + 6, ty,
		    (int)d->w - 2 * (int)th - 2 * (int)border - 12, d->text,
		    color_text);
	}
}

static struct deco *
deco_for(unsigned id)
{
	struct deco *free_one = NULL;

	for (unsigned i = 0; i < DECOS; i++) {
		if (decos[i].used && decos[i].id == id)
			return &decos[i];
		if (!decos[i].used && !free_one)
			free_one = &decos[i];
	}
	if (free_one) {
		memset(free_one, 0, sizeof(*free_one));
		free_one->used = true;
		free_one->id = id;
	}
	return free_one;
}

static void
deco_free(struct deco *d)
{
	if (d->view)
		gui_call(&gui, GUI_VIEW_DESTROY, 1, &d->view);
	if (d->buffer)
		gui_call(&gui, GUI_BUFFER_FREE, 1, &d->buffer);
	memset(d, 0, sizeof(*d));
}

static void
window(struct config_node win, uint64_t border, uint64_t th)
{
	uint64_t id, x, y, w, h;
	char label[96] = "", title[68] = "", yes[4] = "no", min[4] = "no",
	     closed[4] = "no";
	struct deco *d;

	if (config_attr_u64(win, "id", 0, &id) ||
	    config_attr_u64(win, "x", 0, &x) ||
	    config_attr_u64(win, "y", 0, &y) ||
	    config_attr_u64(win, "width", 0, &w) ||
	    config_attr_u64(win, "height", 0, &h) || w > 4096 || h > 4096 ||
	    w < 2 * th || h < th + 2 * border)
		return;
	config_attr_copy(win, "minimised", min, sizeof(min));
	config_attr_copy(win, "closed", closed, sizeof(closed));
	if (!strcmp(min, "yes") || !strcmp(closed, "yes"))
		return; /* not seen: its frame goes */
	if (!(d = deco_for((unsigned)id)))
		return;
	d->seen = true;
	config_attr_copy(win, "label", label, sizeof(label));
	config_attr_copy(win, "title", title, sizeof(title));
	config_attr_copy(win, "focused", yes, sizeof(yes));
	char text[200];

	snprintf(text, sizeof(text), title[0] ? "%s: %s" : "%s%s", label,
	    title);
	bool focused = !strcmp(yes, "yes");

	if (d->buffer && (d->w != w || d->h != h)) {
		deco_free(d);
		d->used = d->seen = true;
		d->id = (unsigned)id;
	}
	if (!d->buffer) {
		char name[24];

		if (gui_buffer(&gui, (unsigned)w, (unsigned)h, &d->buffer,
			&d->pix)) {
			if (!d->refused)
				printf("decorator: no buffer for window %u\n",
				    (unsigned)id);
			d->refused = true;
			d->buffer = 0;
			return;
		}
		d->w = (unsigned)w;
		d->h = (unsigned)h;
		d->text[0] = 0;
		snprintf(name, sizeof(name), "window %u", (unsigned)id);
		if (gui_view(&gui, d->buffer, (int)(int64_t)x, (int)(int64_t)y,
			d->w, d->h, name, &d->view)) {
			printf("decorator: no view for window %u\n",
			    (unsigned)id);
			return;
		}
	}
	if (strcmp(d->text, text) || d->focused != focused || !d->text[0]) {
		snprintf(d->text, sizeof(d->text), "%s", text);
		d->focused = focused;
		draw(d, win);
		gui_call(&gui, GUI_REFRESH, 5,
		    (uint64_t[]){d->buffer, 0, 0, d->w, d->h});
	}
	if (d->x != (int)(int64_t)x || d->y != (int)(int64_t)y) {
		d->x = (int)(int64_t)x;
		d->y = (int)(int64_t)y;
		gui_call(&gui, GUI_VIEW_GEOMETRY, 7,
		    (uint64_t[]){d->view, x, y, d->w, d->h, 0, 0});
	}
}

/* Draws the window list; says how many frames it shows and how many went. */
static void
update(struct rom *rom, unsigned *shown, unsigned *gone)
{
	struct config list;
	struct config_error err;
	struct config_node win;
	uint64_t border = 4, th = 24;

	*shown = *gone = 0;
	rom_update(rom);
	for (unsigned i = 0; i < DECOS; i++)
		decos[i].seen = false;
	if (!rom->size || config_parse(&list, rom->data, rom->size, &err)) {
		if (rom->size)
			printf("decorator: window_list is malformed\n");
		return;
	}
	config_attr_u64(config_root(&list), "border", 4, &border);
	config_attr_u64(config_root(&list), "title_height", 24, &th);
	for (int e = config_child(config_root(&list), "window", &win); !e;
	     e = config_next(win, "window", &win))
		window(win, border, th);
	for (unsigned i = 0; i < DECOS; i++) {
		if (decos[i].used && !decos[i].seen) {
			deco_free(&decos[i]);
			(*gone)++;
		}
		*shown += decos[i].used;
	}
}

int
main(void)
{
	struct rom rom;
	const void *ttf;
	size_t len;
	uint64_t n, sig;
	bool fault_on_close = false;
	unsigned shown, gone, shown_before = 0;
	struct config cfg;

	color_focused = gui_config_color("focused", 0x3465a4);
	color_other = gui_config_color("unfocused", 0x555753);
	color_text = gui_config_color("text", 0xffffff);
	if (!config_load(&cfg))
		config_attr_bool(config_root(&cfg), "fault_on_close", false,
		    &fault_on_close);
	if (!rom_attach("DejaVuSans.ttf", &ttf, &len))
		font = text_font_open(ttf, len, 14);
	if (!font)
		printf("decorator: no font, titles are not drawn\n");
	if (gui_open(&gui, QUOTA)) {
		printf("decorator: no Gui session\n");
		return 1;
	}
	if (rom_open(&rom, "window_list") || object_create(KOBJ_SIGNAL, &sig) ||
	    rom_sigh(&rom, sig)) {
		printf("decorator: no window_list ROM\n");
		return 1;
	}
	for (;;) {
		update(&rom, &shown, &gone);
		/* a test of what a crash leaves: wm keeps the windows */
		if (fault_on_close && gone) {
			printf(
			    "decorator: faulting on purpose (fault_on_close)\n");
			*(volatile int *)0 = 1;
		}
		if (fault_on_close && shown != shown_before)
			printf("decorator: %u frames\n", shown);
		shown_before = shown;
		sys_sig_wait(sig, &n);
	}
}
