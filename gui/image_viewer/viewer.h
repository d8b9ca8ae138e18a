/* The image viewer's parts: the decoder (decode.c) for the window (main.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* What transparent pixels are composited over: a checkerboard of cells
 * of cell pixels, or one colour (light == dark). */
struct viewer_bg {
	uint32_t light, dark;
	unsigned cell;
};

/* A decoded picture: w x h pixels 0x00RRGGBB, row by row (malloc'd). */
struct viewer_picture {
	unsigned w, h;
	uint32_t *pix;
};

/* The background's colour at (x, y) of the picture. */
uint32_t viewer_background(const struct viewer_bg *bg, unsigned x, unsigned y);

/*
 * Reads the PNG file at path and composites it over bg. Returns 0, or -1
 * with why (n bytes) saying what is wrong: the file's absence, libpng's
 * message for a file it cannot read, or a size we cannot afford.
 */
int viewer_decode(const char *path, const struct viewer_bg *bg,
    struct viewer_picture *p, char *why, size_t n);
