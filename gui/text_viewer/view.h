/*
 * The text viewer's window contents: which part of the document a window
 * of w x h pixels shows, how keys and the wheel move it, and the drawing
 * (lib/text). Shared by the component (main.c) and the host's reference
 * picture (test/reference.c), so both draw the same pixels.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <gui/text.h>

#include "doc.h"

#define TV_MARGIN 6      /* pixels around the text */
#define TV_WHEEL_LINES 3 /* lines per notch of the wheel */
#define TV_HSTEP 8       /* columns per Left or Right */

struct tv_view {
	struct text_font *font;
	unsigned w, h; /* the window */
	size_t top;    /* the first line shown */
	unsigned left; /* the first column shown */
	uint32_t text, paper;
};

/* Whole lines that fit, at least one. */
unsigned tv_view_rows(const struct tv_view *v);

/* Keeps top and left inside the document for the window's size (after a
 * resize, say). */
void tv_view_clamp(struct tv_view *v, const struct tv_doc *d);

/* Acts on a key code (include/session/input.h) or wheel notches (dz > 0:
 * down); true if the view moved. */
bool tv_view_key(struct tv_view *v, const struct tv_doc *d, unsigned code);
bool tv_view_wheel(struct tv_view *v, const struct tv_doc *d, int dz);

/* Draws the window into pix (stride in pixels, at least w x h). */
void tv_view_draw(struct tv_view *v, const struct tv_doc *d, uint32_t *pix,
    unsigned stride);
