/*
 * Renders a line of text with FreeType from DejaVu Sans into a grey-scale
 * buffer and checksums it. The same program, built for the host against
 * the same FreeType source, must produce the same checksum
 * (RENDER_CHECKSUM): the port renders exactly as FreeType does on Linux.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "expected.h"

#ifndef FONT_PATH
#define FONT_PATH "/DejaVuSans.ttf" /* a ROM in the component's file system */
#endif

#define W 640
#define H 64

static unsigned char canvas[H][W];

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : FONT_PATH;
	const char *text = "Bulkhead: 0123456789 {ÄÖÜ}";
	FT_Library lib;
	FT_Face face;
	FILE *f = fopen(path, "rb");
	static unsigned char font[1 << 20];
	size_t len;
	int pen = 4;
	uint64_t sum = 0xcbf29ce484222325ull;

	if (!f || !(len = fread(font, 1, sizeof(font), f))) {
		printf("cannot read %s\n", path);
		return 1;
	}
	fclose(f);
	if (FT_Init_FreeType(&lib) ||
	    FT_New_Memory_Face(lib, font, (FT_Long)len, 0, &face) ||
	    FT_Set_Pixel_Sizes(face, 0, 32)) {
		printf("FreeType cannot open the font\n");
		return 1;
	}
	printf("font: %s %s, %ld glyphs\n", face->family_name, face->style_name,
	    face->num_glyphs);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		unsigned long c = *p;

		if ((*p & 0xe0) == 0xc0) { /* two-byte UTF-8 */
			c = ((unsigned long)(*p & 0x1f) << 6) | (p[1] & 0x3f);
			p++;
		}
		if (FT_Load_Char(face, c, FT_LOAD_RENDER))
			continue;
		FT_Bitmap *b = &face->glyph->bitmap;
		int top = 48 - face->glyph->bitmap_top;

		for (unsigned y = 0; y < b->rows; y++)
			for (unsigned x = 0; x < b->width; x++) {
				int cy = top + (int)y,
				    cx =
					pen + face->glyph->bitmap_left + (int)x;

				if (cy >= 0 && cy < H && cx >= 0 && cx < W)
					canvas[cy][cx] =
					    b->buffer[y * b->pitch + x];
			}
		pen += (int)(face->glyph->advance.x >> 6);
	}
	unsigned inked = 0;

	for (unsigned y = 0; y < H; y++)
		for (unsigned x = 0; x < W; x++) {
			sum = (sum ^ canvas[y][x]) * 0x100000001b3ull;
			inked += canvas[y][x] != 0;
		}
	printf("%u pixels inked, %d wide\n", inked, pen);
	printf("render checksum: %016llx, %s\n", (unsigned long long)sum,
	    sum == RENDER_CHECKSUM ? "the same as the host's" : "DIFFERENT");
	return sum == RENDER_CHECKSUM ? 0 : 1;
}
