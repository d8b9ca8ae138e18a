/*
 * The image viewer's decoder: a PNG file from the program's file system,
 * read with libpng's simplified API (which turns palette, grey, 16-bit and
 * alpha images into 8-bit sRGB RGBA and reports every libpng error as a
 * message instead of a longjmp into our code), then composited over the
 * background into the 0x00RRGGBB pixels the Gui session shows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "viewer.h"

/* What one picture may cost: the file and its pixels are in our heap. */
#define FILE_MAX (64ul << 20)
#define PIXELS_MAX (16ul << 20)

static int
fail(char *why, size_t n, const char *fmt, const char *what)
{
	snprintf(why, n, fmt, what);
	return -1;
}

/* The whole file, or -1 and why not. */
static int
read_file(const char *path, unsigned char **out, size_t *len, char *why,
    size_t n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long size;

	if (!f)
		return fail(why, n, "cannot open it: %s", strerror(errno));
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return fail(why, n, "cannot read it: %s", strerror(errno));
	}
	if (size == 0 || (unsigned long)size > FILE_MAX) {
		fclose(f);
		return fail(why, n, "%s",
		    size ? "the file is too large" : "the file is empty");
	}
	if (!(buf = malloc((size_t)size))) {
		fclose(f);
		return fail(why, n, "%s", "out of memory for the file");
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		return fail(why, n, "%s", "cannot read it");
	}
	fclose(f);
	*out = buf;
	*len = (size_t)size;
	return 0;
}

/* c over bg with alpha a, per channel, rounded. */
static uint32_t
over(uint32_t c, uint32_t bg, unsigned a)
{
	uint32_t out = 0;

	for (int sh = 0; sh < 24; sh += 8) {
		unsigned f = (c >> sh) & 0xff, b = (bg >> sh) & 0xff;

		out |= ((f * a + b * (255 - a) + 127) / 255) << sh;
	}
	return out;
}

uint32_t
viewer_background(const struct viewer_bg *bg, unsigned x, unsigned y)
{
	return ((x / bg->cell) ^ (y / bg->cell)) & 1 ? bg->dark : bg->light;
}

int
viewer_decode(const char *path, const struct viewer_bg *bg,
    struct viewer_picture *p, char *why, size_t n)
{
	png_image img;
	unsigned char *file, *rgba;
	size_t len;

	memset(p, 0, sizeof(*p));
	if (read_file(path, &file, &len, why, n))
		return -1;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, file, len)) {
		fail(why, n, "%s", img.message);
		free(file);
		return -1;
	}
	if ((uint64_t)img.width * img.height > PIXELS_MAX) {
		snprintf(why, n, "%ux%u pixels are too many", img.width,
		    img.height);
		png_image_free(&img);
		free(file);
		return -1;
	}
	/* 16-bit files without gAMA or sRGB: sRGB, as other viewers read
	 * them, not linear (libpng's default). */
	img.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
	img.format = PNG_FORMAT_RGBA;
	if (!(rgba = malloc(PNG_IMAGE_SIZE(img)))) {
		snprintf(why, n, "out of memory for %ux%u pixels", img.width,
		    img.height);
		png_image_free(&img);
		free(file);
		return -1;
	}
	if (!png_image_finish_read(&img, NULL, rgba, 0, NULL)) {
		fail(why, n, "%s", img.message);
		free(rgba);
		free(file);
		return -1;
	}
	free(file);
	/* RGBA bytes become XRGB words in place: same size, same order. */
	p->w = img.width;
	p->h = img.height;
	p->pix = (uint32_t *)(void *)rgba;
	for (unsigned y = 0; y < p->h; y++)
		for (unsigned x = 0; x < p->w; x++) {
			unsigned char *s = &rgba[((size_t)y * p->w + x) * 4];
			uint32_t c =
			    (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];

			p->pix[(size_t)y * p->w + x] =
			    over(c, viewer_background(bg, x, y), s[3]);
		}
	return 0;
}
