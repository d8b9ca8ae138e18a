/*
 * The text viewer: a UTF-8 text file from its file system in a window,
 * line by line in a monospaced font (lib/text, DejaVu Sans Mono), moved
 * with the arrow keys, Page Up/Down, Home/End and the wheel. Lines that
 * are too long are clipped (Left and Right move sideways); a resize lays
 * the window out again. A file it cannot read is a log line and that
 * message in the window.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <base/config.h>
#include <base/env.h>
#include <base/log.h>
#include <base/runtime.h>
#include <kernel/syscalls.h>

#include <gui/client.h>
#include "doc.h"
#include "view.h"

#define FILE_MAX (16ul << 20)

static struct {
	char file[256], font[64];
	uint64_t x, y, w, h, size, tab, max_w, max_h;
} opt;

static struct gui_window win;

static struct tv_doc doc;
static struct tv_view view;

/* Like config_attr_copy, but buf keeps its default when attr is absent. */
static void
attr_string(struct config_node node, const char *attr, char *buf, size_t n)
{
	if (config_has_attr(node, attr) && config_attr_copy(node, attr, buf, n))
		log_printf("config: %s is too long", attr);
}

static uint64_t
bounded(uint64_t v, uint64_t lo, uint64_t hi, uint64_t def)
{
	return v < lo || v > hi ? def : v;
}

static void
read_config(void)
{
	struct config cfg;
	struct config_node root;

	snprintf(opt.file, sizeof(opt.file), "/notes.txt");
	snprintf(opt.font, sizeof(opt.font), "DejaVuSansMono.ttf");
	opt.w = 640;
	opt.h = 400;
	opt.size = 14;
	opt.tab = 8;
	opt.max_w = 1920;
	opt.max_h = 1200;
	view.paper = gui_config_color("paper", 0xffffff);
	view.text = gui_config_color("text", 0x202020);
	if (config_load(&cfg))
		return;
	root = config_root(&cfg);
	attr_string(root, "file", opt.file, sizeof(opt.file));
	attr_string(root, "font", opt.font, sizeof(opt.font));
	config_attr_u64(root, "x", 0, &opt.x);
	config_attr_u64(root, "y", 0, &opt.y);
	config_attr_u64(root, "width", 640, &opt.w);
	config_attr_u64(root, "height", 400, &opt.h);
	config_attr_u64(root, "size", 14, &opt.size);
	config_attr_u64(root, "tab", 8, &opt.tab);
	config_attr_u64(root, "max_width", 1920, &opt.max_w);
	config_attr_u64(root, "max_height", 1200, &opt.max_h);
	opt.w = bounded(opt.w, 1, GUI_DIM_MAX, 640);
	opt.h = bounded(opt.h, 1, GUI_DIM_MAX, 400);
	opt.size = bounded(opt.size, 4, 200, 14);
	opt.tab = bounded(opt.tab, 1, 16, 8);
	opt.max_w = bounded(opt.max_w, 1, GUI_DIM_MAX, GUI_DIM_MAX);
	opt.max_h = bounded(opt.max_h, 1, GUI_DIM_MAX, GUI_DIM_MAX);
}

/* The file as the document, or a message saying why not. */
static void
load(void)
{
	char why[320], *buf = NULL;
	FILE *f = fopen(opt.file, "rb");
	long size = -1;

	if (!f) {
		snprintf(why, sizeof(why), "cannot open %s: %s", opt.file,
		    strerror(errno));
		goto message;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || (unsigned long)size > FILE_MAX ||
	    !(buf = malloc((size_t)size + 1)) ||
	    fread(buf, 1, (size_t)size, f) != (size_t)size) {
		snprintf(why, sizeof(why), "cannot read %s: %s", opt.file,
		    size > (long)FILE_MAX ? "it is larger than 16 MiB"
			: buf             ? "read error"
					  : "out of memory");
		fclose(f);
		free(buf);
		goto message;
	}
	fclose(f);
	if (tv_doc_load(&doc, buf, (size_t)size, (unsigned)opt.tab)) {
		snprintf(why, sizeof(why), "out of memory for %s", opt.file);
		free(buf);
		goto message;
	}
	free(buf);
	log_printf("%s: %zu lines", opt.file, doc.lines);
	return;
message:
	log_printf("%s", why);
	tv_doc_message(&doc, why);
}

static void
draw(void)
{
	tv_view_draw(&view, &doc, win.pix, win.bw);
	gui_call(&win.g, GUI_REFRESH, 5,
	    (uint64_t[]){win.buffer, 0, 0, view.w, view.h});
}

static const char *
basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/*
 * The session pays for a buffer of up to max_width x max_height; the
 * buffer is as large as the mode too, so that every later window (a
 * resize) fits into it.
 */
static int
open_window(void)
{
	char title[GUI_TITLE_MAX + 1];
	int e;

	if ((e = gui_window_open(&win, (unsigned)opt.max_w,
		 (unsigned)opt.max_h)))
		return e;
	gui_window_fit(&win, (unsigned)opt.w, (unsigned)opt.h, &view.w,
	    &view.h);
	tv_view_clamp(&view, &doc);
	draw();
	snprintf(title, sizeof(title), "%.*s", (int)GUI_TITLE_MAX,
	    basename_of(opt.file));
	return gui_window_show(&win, (int)opt.x, (int)opt.y, view.w, view.h,
	    title);
}

/* A new mode (wm resized the window): lay it out for that size. */
static bool
follow_mode(void)
{
	if (!gui_window_resized(&win))
		return false;
	gui_window_fit(&win, ~0u, ~0u, &view.w, &view.h);
	tv_view_clamp(&view, &doc);
	return true;
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
	if (rom_attach(opt.font, &ttf, &len) ||
	    !(view.font = text_font_open(ttf, len, (unsigned)opt.size))) {
		log_printf("no font %s: nothing to draw with", opt.font);
		return 1;
	}
	load();
	if ((e = open_window())) {
		log_printf("no window for %s: error %d", opt.file, -e);
		return 1;
	}
	log_printf("window %ux%u, %u lines of %d pixels", view.w, view.h,
	    tv_view_rows(&view), text_height(view.font));
	for (;;) {
		bool redraw, resized;

		sys_sig_wait(win.g.sig, NULL);
		redraw = resized = follow_mode();
		while ((n = input_read(&win.g.input, ev, 32, NULL)) > 0)
			for (unsigned i = 0; i < n; i++) {
				if (ev[i].type == INPUT_PRESS &&
				    ev[i].code < KEY_COUNT)
					redraw |= tv_view_key(&view, &doc,
					    ev[i].code);
				else if (ev[i].type == INPUT_WHEEL)
					redraw |= tv_view_wheel(&view, &doc,
					    ev[i].dz);
			}
		if (redraw)
			draw();
		if (resized) {
			gui_window_geometry(&win, (int)opt.x, (int)opt.y,
			    view.w, view.h);
			log_printf("window %ux%u, %u lines", view.w, view.h,
			    tv_view_rows(&view));
		}
		if (redraw)
			log_printf("at line %zu, column %u", view.top + 1,
			    view.left + 1);
	}
}
