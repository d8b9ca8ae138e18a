/*
 * Text for GUI programs: a line of UTF-8 drawn with FreeType from a TrueType
 * font (DejaVu, ports/dejavu) into 0x00RRGGBB pixels, each glyph's grey
 * levels blended over what is there. For programs linked with musl
 * (lib/text, on the FreeType port).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct text_font; /* FreeType's face at one pixel size */

/* A font from TrueType data that stays where it is (a ROM); NULL if it
 * is not one. px: the height of an em in pixels. */
struct text_font *text_font_open(const void *data, size_t len, unsigned px);

/* Pixels from the top of a line to its baseline, and a line's height. */
int text_ascent(const struct text_font *f);
int text_height(const struct text_font *f);

/* How wide s is drawn, in pixels. */
int text_width(struct text_font *f, const char *s);

/*
 * Draws s with the top of its line at (x, y) into pix (w x h pixels,
 * stride in pixels), clipped to the pixels and to max_w pixels of width
 * (glyphs that do not fit are left out); returns the width drawn.
 */
int text_draw(struct text_font *f, uint32_t *pix, unsigned stride, unsigned w,
    unsigned h, int x, int y, int max_w, const char *s, uint32_t rgb);
