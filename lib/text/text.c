/* Text with FreeType; see include/gui/text.h. */
#include <stdlib.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include <gui/text.h>

struct text_font {
	FT_Library lib;
	FT_Face face;
	int ascent, height;
};

struct text_font *
text_font_open(const void *data, size_t len, unsigned px)
{
	struct text_font *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (FT_Init_FreeType(&f->lib)) {
		free(f);
		return NULL;
	}
	if (FT_New_Memory_Face(f->lib, data, (FT_Long)len, 0, &f->face) ||
	    FT_Set_Pixel_Sizes(f->face, 0, px)) {
		FT_Done_FreeType(f->lib);
		free(f);
		return NULL;
	}
	f->ascent = (int)(f->face->size->metrics.ascender >> 6);
	f->height = (int)(f->face->size->metrics.height >> 6);
	return f;
}

int
text_ascent(const struct text_font *f)
{
	return f->ascent;
}

int
text_height(const struct text_font *f)
{
	return f->height;
}

/* The next code point of UTF-8 text; malformed bytes stand for U+FFFD. */
static unsigned long
next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned long c = *p++;
	int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	if (c >= 0x80 && c < 0xc0)
		c = 0xfffd;
	else if (more)
		c &= 0x3fu >> more;
	for (; more; more--, p++) {
		if ((*p & 0xc0) != 0x80) {
			c = 0xfffd;
			break;
		}
		c = c << 6 | (*p & 0x3f);
	}
	*s = (const char *)p;
	return c;
}

static uint32_t
blend(uint32_t bg, uint32_t fg, unsigned a)
{
	uint32_t out = 0;

	for (int sh = 0; sh < 24; sh += 8) {
		unsigned b = (bg >> sh) & 0xff, c = (fg >> sh) & 0xff;

		out |= ((c * a + b * (255 - a) + 127) / 255) << sh;
	}
	return out;
}

static int
render(struct text_font *f, uint32_t *pix, unsigned stride, unsigned w,
    unsigned h, int x, int y, int max_w, const char *s, uint32_t rgb)
{
	int pen = 0;

	while (*s) {
		unsigned long c = next(&s);
		FT_GlyphSlot g;
		int adv;

		if (FT_Load_Char(f->face, c, pix ? FT_LOAD_RENDER : 0))
			continue;
		g = f->face->glyph;
		adv = (int)(g->advance.x >> 6);
		if (max_w >= 0 && pen + adv > max_w)
			break;
		for (unsigned r = 0; pix && r < g->bitmap.rows; r++) {
			int py = y + f->ascent - g->bitmap_top + (int)r;

			if (py < 0 || py >= (int)h)
				continue;
			for (unsigned col = 0; col < g->bitmap.width; col++) {
				int px = x + pen + g->bitmap_left + (int)col;
				unsigned a =
				    g->bitmap
					.buffer[r * (unsigned)g->bitmap.pitch +
					    col];
				uint32_t *d =
				    &pix[(size_t)py * stride + (size_t)px];

				if (px >= 0 && px < (int)w && a)
					*d = blend(*d, rgb, a);
			}
		}
		pen += adv;
	}
	return pen;
}

int
text_width(struct text_font *f, const char *s)
{
	return render(f, NULL, 0, 0, 0, 0, 0, -1, s, 0);
}

int
text_draw(struct text_font *f, uint32_t *pix, unsigned stride, unsigned w,
    unsigned h, int x, int y, int max_w, const char *s, uint32_t rgb)
{
	return render(f, pix, stride, w, h, x, y, max_w, s, rgb);
}
