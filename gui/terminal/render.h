/*
 * Drawing the terminal: glyphs rendered once by FreeType into a cache of
 * cell-sized grey-level (alpha) maps, blended into a pixel buffer with the
 * cell's colours. The renderer remembers what each cell shows, so it draws
 * only the cells that changed and reports the rectangles it touched. The
 * component and the host's reference renderer (test/reference.c) share
 * this code, so both produce the same pixels.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vt.h"

struct font;

/*
 * A font from TrueType data (kept, not copied): regular and, if not NULL,
 * bold (else bold is drawn by smearing the regular glyph a pixel right).
 * Returns NULL if FreeType cannot use it.
 */
struct font *font_open(const void *regular, size_t len, const void *bold,
    size_t bold_len, unsigned px);
void font_cell(const struct font *f, unsigned *w, unsigned *h);
const char *font_name(const struct font *f);

/* Colours: the default foreground and background, the cursor, and the
 * 16 base colours of the palette. */
struct render_colors {
	uint32_t fg, bg, cursor;
	uint32_t base[16];
};

struct render_cell {
	uint32_t cp, fg, bg;
	uint16_t attr;
	uint8_t cursor; /* 0, 1: block, 2: outline (unfocused) */
	uint8_t bold;
};

struct render {
	struct font *font;
	struct render_colors colors;
	uint32_t *pix;   /* the buffer */
	unsigned stride; /* in pixels */
	unsigned w, h;   /* of the buffer */
	unsigned cols, rows;
	struct render_cell *shown; /* cols * rows: what the pixels show */
	bool focused;
};

/* The renderer for cols x rows cells in a buffer of w x h pixels (at
 * least as big); 0 or -1 if memory ran out. */
int render_init(struct render *r, struct font *f, const struct render_colors *c,
    uint32_t *pix, unsigned w, unsigned h, unsigned cols, unsigned rows);
void render_free(struct render *r);
/* Everything must be drawn anew (after a resize or a new buffer). */
void render_invalidate(struct render *r);

/* Draws what changed in vt; calls refresh for each rectangle touched. */
void render_update(struct render *r, struct vt *vt,
    void (*refresh)(void *ctx, unsigned x, unsigned y, unsigned w, unsigned h),
    void *ctx);

/* The default colours: xterm's palette, light grey on black. */
void render_colors_default(struct render_colors *c);
