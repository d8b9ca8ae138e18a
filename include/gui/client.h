/*
 * The client side of a Gui session (session/gui.h) for GUI programs: open
 * it, call it with a few words, get a buffer mapped, show a view, read the
 * input ring (lib/gui; programs linked with musl use it too).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <input/reader.h>
#include <session/gui.h>

struct gui {
	uint64_t cap, id, sig;
	uint64_t quota; /* what the session is paid, grown by gui_buffer */
	unsigned width, height; /* the screen's (the window's, under a wm) */
	struct input_reader input;
};

/* Opens the session paying quota, asks the mode, maps the input ring and
 * registers a signal of its own (g->sig) for it. */
int gui_open(struct gui *g, uint64_t quota);

/* The same with the caller's signal capability sigh (a badged copy of a
 * signal bound to a server's endpoint, say). */
int gui_open_sigh(struct gui *g, uint64_t quota, uint64_t sigh);

/* Asks the mode again (a window manager's resize): width and height. */
int gui_mode(struct gui *g);

/* A call with n words from args; the reply's words are in the UTCB. */
int gui_call(struct gui *g, unsigned label, unsigned n, const uint64_t *args);

/* A buffer of w x h pixels, mapped: its id and pixels. A session whose
 * quota does not cover it grows by the buffer's cost (PARENT_UPGRADE),
 * paid from our own quota. */
int gui_buffer(struct gui *g, unsigned w, unsigned h, uint64_t *id,
    uint32_t **pix);

/* A view of buffer at x, y showing its pixels from 0, 0, in front. */
int gui_view(struct gui *g, uint64_t buffer, int x, int y, unsigned w,
    unsigned h, const char *title, uint64_t *view);

/*
 * An application's window: a session, one buffer (as large as the content
 * may be, within max_w x max_h and the mode, so that a later resize fits
 * into it) and one view showing its top left.
 */
struct gui_window {
	struct gui g;
	uint64_t buffer, view;
	uint32_t *pix;
	unsigned bw, bh;         /* the buffer */
	unsigned mode_w, mode_h; /* the mode last seen */
};

/* The session and the buffer; a server that refuses while it starts is
 * asked again for two seconds. Draw into pix, then gui_window_show. */
int gui_window_open(struct gui_window *w, unsigned max_w, unsigned max_h);

/* The view: w x h of the buffer at x, y, with a title. */
int gui_window_show(struct gui_window *w, int x, int y, unsigned vw,
    unsigned vh, const char *title);

/* After the session's signal: whether the mode changed (a window
 * manager's resize); mode_w and mode_h say to what. */
bool gui_window_resized(struct gui_window *w);

/* How much of want_w x want_h the window can show: the buffer and the
 * mode last seen limit it. */
void gui_window_fit(const struct gui_window *w, unsigned want_w,
    unsigned want_h, unsigned *vw, unsigned *vh);

/* The view's new size (after a resize). */
int gui_window_geometry(struct gui_window *w, int x, int y, unsigned vw,
    unsigned vh);

/* Fills a rectangle of a buffer of stride s. */
void gui_fill(uint32_t *pix, unsigned s, unsigned x, unsigned y, unsigned w,
    unsigned h, uint32_t c);

/* "#rrggbb" from the config's root, or def. */
uint32_t gui_config_color(const char *attr, uint32_t def);
