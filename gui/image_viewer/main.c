/*
 * The image viewer: one PNG file from its file system in a window of the
 * image's size, as far as the screen (or the window manager's mode)
 * allows; what does not fit scrolls with the arrow keys, Page Up/Down,
 * Home/End and the wheel. A file it cannot show is a log line and a
 * window saying what is wrong, never a crash: the file comes from
 * whoever configured us and may be anything.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <base/config.h>
#include <base/env.h>
#include <base/log.h>
#include <base/runtime.h>
#include <gui/text.h>
#include <kernel/syscalls.h>

#include <gui/client.h>
#include "viewer.h"

#define MARGIN 12

static struct {
	char file[256], font[64];
	uint64_t x, y, step, max_w, max_h;
	struct viewer_bg bg;
	uint32_t text, paper;
} opt;

static struct gui_window win;
static unsigned ww, wh; /* the window's size */

static struct viewer_picture pic; /* no pixels: the message instead */
static char why[128];
static unsigned cw, ch; /* the content: picture or message */
static unsigned sx, sy; /* the content's pixel at the window's 0,0 */
static struct text_font *font;

/* Like config_attr_copy, but buf keeps its default when attr is absent. */
static void
attr_string(struct config_node node, const char *attr, char *buf, size_t n)
{
	if (config_has_attr(node, attr) && config_attr_copy(node, attr, buf, n))
		log_printf("config: %s is too long", attr);
}

static void
read_config(void)
{
	struct config cfg;
	struct config_node root;
	char bg[16] = "checker";

	snprintf(opt.file, sizeof(opt.file), "/image.png");
	snprintf(opt.font, sizeof(opt.font), "DejaVuSans.ttf");
	opt.step = 32;
	opt.max_w = 1920;
	opt.max_h = 1200;
	opt.bg = (struct viewer_bg){0xcccccc, 0x999999, 8};
	opt.paper = gui_config_color("paper", 0x2e3436);
	opt.text = gui_config_color("text", 0xeeeeec);
	if (config_load(&cfg))
		return;
	root = config_root(&cfg);
	attr_string(root, "file", opt.file, sizeof(opt.file));
	attr_string(root, "font", opt.font, sizeof(opt.font));
	config_attr_u64(root, "x", 0, &opt.x);
	config_attr_u64(root, "y", 0, &opt.y);
	config_attr_u64(root, "step", 32, &opt.step);
	if (opt.step < 1 || opt.step > 4096)
		opt.step = 32;
	opt.max_w = 1920;
	opt.max_h = 1200;
	config_attr_u64(root, "max_width", 1920, &opt.max_w);
	config_attr_u64(root, "max_height", 1200, &opt.max_h);
	if (opt.max_w < 1 || opt.max_w > GUI_DIM_MAX)
		opt.max_w = GUI_DIM_MAX;
	if (opt.max_h < 1 || opt.max_h > GUI_DIM_MAX)
		opt.max_h = GUI_DIM_MAX;
	attr_string(root, "background", bg, sizeof(bg));
	if (strcmp(bg, "checker")) {
		opt.bg.light = opt.bg.dark = gui_config_color("background", 0);
		if (bg[0] != '#' || strlen(bg) != 7)
			log_printf("background \"%s\" is neither \"checker\" "
				   "nor #rrggbb: black",
			    bg);
	}
}

static const char *
basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/* The message: the file's name, then what is wrong with it. */
static void
message_size(void)
{
	if (!font) {
		cw = 320;
		ch = 2 * MARGIN;
		return;
	}
	int a = text_width(font, opt.file), b = text_width(font, why);

	cw = (unsigned)(a > b ? a : b) + 2 * MARGIN;
	ch = (unsigned)(2 * text_height(font)) + 2 * MARGIN;
}

static void
draw(void)
{
	if (pic.pix) {
		for (unsigned y = 0; y < wh; y++)
			memcpy(&win.pix[(size_t)y * win.bw],
			    &pic.pix[(size_t)(sy + y) * pic.w + sx],
			    (size_t)ww * 4);
	} else {
		gui_fill(win.pix, win.bw, 0, 0, ww, wh, opt.paper);
		if (font) {
			int lh = text_height(font);

			text_draw(font, win.pix, win.bw, ww, wh,
			    MARGIN - (int)sx, MARGIN - (int)sy, -1, opt.file,
			    opt.text);
			text_draw(font, win.pix, win.bw, ww, wh,
			    MARGIN - (int)sx, MARGIN + lh - (int)sy, -1, why,
			    opt.text);
		}
	}
	gui_call(&win.g, GUI_REFRESH, 5,
	    (uint64_t[]){win.buffer, 0, 0, ww, wh});
}

static void
clamp_scroll(void)
{
	if (sx > cw - ww)
		sx = cw - ww;
	if (sy > ch - wh)
		sy = ch - wh;
}

/* Scrolls by dx, dy pixels, as far as the content goes. */
static bool
scroll(long dx, long dy)
{
	long nx = (long)sx + dx, ny = (long)sy + dy;
	unsigned ox = sx, oy = sy;

	sx = nx < 0 ? 0 : (unsigned)(nx > (long)cw ? (long)cw : nx);
	sy = ny < 0 ? 0 : (unsigned)(ny > (long)ch ? (long)ch : ny);
	clamp_scroll();
	return sx != ox || sy != oy;
}

static bool
key(const struct input_event *ev)
{
	long step = (long)opt.step, page = (long)wh - step;

	if (page < step)
		page = step;
	switch (ev->code) {
	case KEY_UP:
		return scroll(0, -step);
	case KEY_DOWN:
		return scroll(0, step);
	case KEY_LEFT:
		return scroll(-step, 0);
	case KEY_RIGHT:
		return scroll(step, 0);
	case KEY_PAGEUP:
		return scroll(0, -page);
	case KEY_PAGEDOWN:
		return scroll(0, page);
	case KEY_HOME:
		return scroll(-(long)cw, -(long)ch);
	case KEY_END:
		return scroll(0, (long)ch);
	default:
		return false;
	}
}

/* A new mode (wm resized the window): it gets that size, up to the
 * content's and the buffer's. */
static bool
follow_mode(void)
{
	if (!gui_window_resized(&win))
		return false;
	gui_window_fit(&win, cw, ch, &ww, &wh);
	clamp_scroll();
	return true;
}

/*
 * The session pays for a buffer of the content's size, up to max_width x
 * max_height; the buffer is as large as the mode allows too, and every
 * window we show later fits into it.
 */
static int
open_window(void)
{
	char title[GUI_TITLE_MAX + 1];
	int e;

	if ((e = gui_window_open(&win,
		 cw < opt.max_w ? cw : (unsigned)opt.max_w,
		 ch < opt.max_h ? ch : (unsigned)opt.max_h)))
		return e;
	ww = win.bw;
	wh = win.bh;
	draw();
	snprintf(title, sizeof(title), "%.*s", (int)GUI_TITLE_MAX,
	    basename_of(opt.file));
	return gui_window_show(&win, (int)opt.x, (int)opt.y, ww, wh, title);
}

int
main(void)
{
	struct input_event ev[32];
	const void *ttf;
	size_t len;
	unsigned n;
	int e;

	read_config();
	if (viewer_decode(opt.file, &opt.bg, &pic, why, sizeof(why))) {
		log_printf("cannot show %s: %s", opt.file, why);
		if (!rom_attach(opt.font, &ttf, &len))
			font = text_font_open(ttf, len, 14);
		message_size();
		if (!font)
			log_printf("no font %s: the window stays empty",
			    opt.font);
	} else {
		cw = pic.w;
		ch = pic.h;
	}
	if ((e = open_window())) {
		log_printf("no window for %s: error %d", opt.file, -e);
		return 1;
	}
	if (pic.pix)
		log_printf("%s: %ux%u pixels in a %ux%u window", opt.file,
		    pic.w, pic.h, ww, wh);
	for (;;) {
		bool redraw = false, resized;

		sys_sig_wait(win.g.sig, NULL);
		resized = follow_mode();
		while ((n = input_read(&win.g.input, ev, 32, NULL)) > 0)
			for (unsigned i = 0; i < n; i++) {
				if (ev[i].type == INPUT_PRESS &&
				    ev[i].code < KEY_COUNT)
					redraw |= key(&ev[i]);
				else if (ev[i].type == INPUT_WHEEL &&
				    (ev[i].mods & INPUT_MOD_SHIFT))
					redraw |=
					    scroll(ev[i].dz * (long)opt.step,
						0);
				else if (ev[i].type == INPUT_WHEEL)
					redraw |= scroll(0,
					    ev[i].dz * (long)opt.step);
			}
		if (resized || redraw)
			draw();
		if (resized) {
			gui_window_geometry(&win, (int)opt.x, (int)opt.y, ww,
			    wh);
			log_printf("window %ux%u", ww, wh);
		}
		if (redraw)
			log_printf("at %u,%u", sx, sy);
	}
}
