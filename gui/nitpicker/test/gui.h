/*
 * The client side of a Gui session, as the test clients use it: open it,
 * call it with a few words, get a buffer mapped, read the input ring.
 */
#pragma once

#include <stdint.h>

#include <input/reader.h>
#include <session/gui.h>

struct gui {
	uint64_t cap, id, sig;
	unsigned width, height; /* the screen's */
	struct input_reader input;
};

/* Opens the session paying quota, asks the mode, maps the input ring and
 * registers a signal for it. */
int gui_open(struct gui *g, uint64_t quota);

/* A call with n words from args; the reply's words are in the UTCB. */
int gui_call(struct gui *g, unsigned label, unsigned n, const uint64_t *args);

/* A buffer of w x h pixels, mapped: its id and pixels. */
int gui_buffer(struct gui *g, unsigned w, unsigned h, uint64_t *id,
    uint32_t **pix);

/* A view of buffer at x, y showing its pixels from 0, 0, in front. */
int gui_view(struct gui *g, uint64_t buffer, int x, int y, unsigned w,
    unsigned h, const char *title, uint64_t *view);

/* Fills a rectangle of a buffer of stride s. */
void gui_fill(uint32_t *pix, unsigned s, unsigned x, unsigned y, unsigned w,
    unsigned h, uint32_t c);

/* "#rrggbb" from the config's root, or def. */
uint32_t gui_config_color(const char *attr, uint32_t def);
