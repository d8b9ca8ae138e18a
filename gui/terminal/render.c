/*
 * The terminal's drawing: FreeType glyphs cached as cell-sized alpha maps,
 * blended into the buffer; see render.h. Only integer arithmetic after
 * FreeType, so a host build draws exactly the same pixels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "render.h"

#define CACHE_SLOTS 2048u /* a power of two */
#define CACHE_FILL 1536u  /* then it starts again, empty */

struct glyph {
	uint32_t key; /* cp | bold << 21, or 0: empty */
	uint8_t *alpha;
};

struct font {
	FT_Library lib;
	FT_Face face[2];
	unsigned w, h, ascent;
	char name[64];
	struct glyph cache[CACHE_SLOTS];
	unsigned used;
	uint8_t *blank;
};

static int
face_open(struct font *f, const void *data, size_t len, unsigned px,
    FT_Face *out)
{
	return FT_New_Memory_Face(f->lib, data, (FT_Long)len, 0, out) ||
	    FT_Set_Pixel_Sizes(*out, 0, px);
}

struct font *
font_open(const void *regular, size_t len, const void *bold, size_t bold_len,
    unsigned px)
{
	struct font *f = calloc(1, sizeof(*f));
	FT_Size_Metrics *m;

	if (!f || px < 4 || px > 256)
		goto fail;
	if (FT_Init_FreeType(&f->lib)) {
		f->lib = NULL;
		goto fail;
	}
	if (face_open(f, regular, len, px, &f->face[0]) ||
	    FT_Load_Char(f->face[0], 'M', FT_LOAD_DEFAULT))
		goto fail;
	if (bold && face_open(f, bold, bold_len, px, &f->face[1]))
		f->face[1] = NULL;
	m = &f->face[0]->size->metrics;
	f->w = (unsigned)((f->face[0]->glyph->advance.x + 32) >> 6);
	f->ascent = (unsigned)((m->ascender + 63) >> 6);
	f->h = f->ascent + (unsigned)((-m->descender + 63) >> 6);
	if (!f->w || !f->h || f->w > 256 || f->h > 512 ||
	    !(f->blank = calloc((size_t)f->w * f->h, 1)))
		goto fail;
	snprintf(f->name, sizeof(f->name), "%s %s", f->face[0]->family_name,
	    f->face[0]->style_name);
	return f;
fail:
	if (f && f->lib)
		FT_Done_FreeType(f->lib);
	free(f);
	return NULL;
}

void
font_cell(const struct font *f, unsigned *w, unsigned *h)
{
	*w = f->w;
	*h = f->h;
}

const char *
font_name(const struct font *f)
{
	return f->name;
}

static void
cache_clear(struct font *f)
{
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		free(f->cache[i].alpha);
		f->cache[i] = (struct glyph){0};
	}
	f->used = 0;
}

/* The glyph as a cell's alpha map: FreeType's bitmap, clipped to it. */
static uint8_t *
glyph_render(struct font *f, uint32_t cp, bool bold)
{
	FT_Face face = bold && f->face[1] ? f->face[1] : f->face[0];
	FT_Bitmap *b;
	uint8_t *a;
	int left, top;

	if (FT_Load_Char(face, cp, FT_LOAD_RENDER) ||
	    face->glyph->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY ||
	    !(a = calloc((size_t)f->w * f->h, 1)))
		return NULL;
	b = &face->glyph->bitmap;
	left = face->glyph->bitmap_left;
	top = (int)f->ascent - face->glyph->bitmap_top;
	for (unsigned y = 0; y < b->rows; y++) {
		int cy = top + (int)y;

		if (cy < 0 || cy >= (int)f->h)
			continue;
		for (unsigned x = 0; x < b->width; x++) {
			int cx = left + (int)x;

			if (cx >= 0 && cx < (int)f->w)
				a[cy * f->w + cx] =
				    b->buffer[(long)y * b->pitch + x];
		}
	}
	/* No bold face: the regular one, a pixel wider. */
	if (bold && !f->face[1])
		for (unsigned y = 0; y < f->h; y++)
			for (unsigned x = f->w - 1; x > 0; x--)
				if (a[y * f->w + x - 1] > a[y * f->w + x])
					a[y * f->w + x] = a[y * f->w + x - 1];
	return a;
}

static const uint8_t *
glyph(struct font *f, uint32_t cp, bool bold)
{
	uint32_t key = cp | (uint32_t)bold << 21, i;

	if (cp == ' ' || cp > 0x10ffff)
		return f->blank;
	for (i = (key * 2654435761u) & (CACHE_SLOTS - 1); f->cache[i].key;
	     i = (i + 1) & (CACHE_SLOTS - 1))
		if (f->cache[i].key == key)
			return f->cache[i].alpha ? f->cache[i].alpha : f->blank;
	if (f->used == CACHE_FILL) {
		cache_clear(f);
		return glyph(f, cp, bold);
	}
	f->cache[i].key = key;
	f->cache[i].alpha = glyph_render(f, cp, bold);
	f->used++;
	return f->cache[i].alpha ? f->cache[i].alpha : f->blank;
}

void
render_colors_default(struct render_colors *c)
{
	for (unsigned i = 0; i < 16; i++)
		c->base[i] = vt_palette(i);
	c->fg = 0xd0d0d0;
	c->bg = 0x000000;
	c->cursor = 0x00c000;
}

int
render_init(struct render *r, struct font *f, const struct render_colors *c,
    uint32_t *pix, unsigned w, unsigned h, unsigned cols, unsigned rows)
{
	memset(r, 0, sizeof(*r));
	if (cols * f->w > w || rows * f->h > h ||
	    !(r->shown = calloc((size_t)cols * rows, sizeof(*r->shown))))
		return -1;
	r->font = f;
	r->colors = *c;
	r->pix = pix;
	r->stride = r->w = w;
	r->h = h;
	r->cols = cols;
	r->rows = rows;
	r->focused = true;
	render_invalidate(r);
	return 0;
}

void
render_free(struct render *r)
{
	free(r->shown);
	r->shown = NULL;
}

void
render_invalidate(struct render *r)
{
	/* A code point no cell can have: every cell differs. */
	for (size_t i = 0; i < (size_t)r->cols * r->rows; i++)
		r->shown[i].cp = 0xffffffff;
	for (unsigned y = 0; y < r->h; y++)
		for (unsigned x = 0; x < r->w; x++)
			r->pix[(size_t)y * r->stride + x] = r->colors.bg;
}

static uint32_t
color(const struct render *r, uint32_t c)
{
	if (c == VT_COLOR_FG)
		return r->colors.fg;
	if (c == VT_COLOR_BG)
		return r->colors.bg;
	if (c & VT_COLOR_RGB)
		return c & 0xffffff;
	return c < 16 ? r->colors.base[c] : vt_palette(c);
}

static uint32_t
blend(uint32_t fg, uint32_t bg, unsigned a)
{
	uint32_t out = 0;

	for (unsigned s = 0; s < 24; s += 8) {
		unsigned f = fg >> s & 0xff, b = bg >> s & 0xff;

		out |= (uint32_t)((f * a + b * (255 - a) + 127) / 255) << s;
	}
	return out;
}

/* What a vt cell looks like, colours resolved. */
static struct render_cell
look(const struct render *r, const struct vt *vt, const struct vt_cell *c)
{
	struct render_cell out = {c->cp, 0, 0, 0, 0, 0};
	uint32_t fg = c->fg, bg = c->bg, t;

	/* Bold makes the 8 dark colours bright, as xterm does. */
	if ((c->attr & VT_BOLD) && fg < 8)
		fg += 8;
	out.fg = color(r, fg);
	out.bg = color(r, bg);
	if (!!(c->attr & VT_REVERSE) != vt->reverse_video) {
		t = out.fg;
		out.fg = out.bg;
		out.bg = t;
	}
	if (c->attr & VT_DIM)
		out.fg = blend(out.fg, out.bg, 160);
	if (c->attr & VT_INVISIBLE)
		out.fg = out.bg;
	out.attr = (uint16_t)(c->attr & (VT_UNDERLINE | VT_STRIKE));
	out.bold = !!(c->attr & VT_BOLD);
	return out;
}

static void
draw_cell(struct render *r, unsigned col, unsigned row,
    const struct render_cell *c)
{
	struct font *f = r->font;
	const uint8_t *a = glyph(f, c->cp, c->bold);
	uint32_t fg = c->fg, bg = c->bg;
	uint32_t *p = r->pix + (size_t)row * f->h * r->stride + col * f->w;
	unsigned under = f->ascent + 1 < f->h ? f->ascent + 1 : f->h - 1;

	if (c->cursor == 1) {
		fg = c->bg;
		bg = r->colors.cursor;
	}
	for (unsigned y = 0; y < f->h; y++, p += r->stride, a += f->w) {
		bool line = ((c->attr & VT_UNDERLINE) && y == under) ||
		    ((c->attr & VT_STRIKE) && y == f->ascent * 2 / 3);

		for (unsigned x = 0; x < f->w; x++) {
			unsigned v = line ? 255 : a[x];

			p[x] = v == 0 ? bg : v == 255 ? fg : blend(fg, bg, v);
			if (c->cursor == 2 &&
			    (x == 0 || y == 0 || x == f->w - 1 ||
				y == f->h - 1))
				p[x] = r->colors.cursor;
		}
	}
}

static bool
same(const struct render_cell *a, const struct render_cell *b)
{
	return a->cp == b->cp && a->fg == b->fg && a->bg == b->bg &&
	    a->attr == b->attr && a->cursor == b->cursor && a->bold == b->bold;
}

/* Whole-screen scrolls move the pixels and what they show. */
static bool
scroll(struct render *r, unsigned n)
{
	unsigned ch = r->font->h, keep;

	if (!n || n >= r->rows)
		return false;
	keep = r->rows - n;
	for (unsigned y = 0; y < keep * ch; y++)
		memmove(r->pix + (size_t)y * r->stride,
		    r->pix + (size_t)(y + n * ch) * r->stride,
		    r->cols * r->font->w * sizeof(uint32_t));
	memmove(r->shown, r->shown + (size_t)n * r->cols,
	    (size_t)keep * r->cols * sizeof(*r->shown));
	for (size_t i = (size_t)keep * r->cols; i < (size_t)r->rows * r->cols;
	     i++)
		r->shown[i].cp = 0xffffffff;
	return true;
}

void
render_update(struct render *r, struct vt *vt,
    void (*refresh)(void *, unsigned, unsigned, unsigned, unsigned), void *ctx)
{
	unsigned cw = r->font->w, ch = r->font->h, crow, ccol;
	bool cursor = vt_cursor_shown(vt, &crow, &ccol);
	unsigned rows = r->rows < vt->rows ? r->rows : vt->rows;
	unsigned cols = r->cols < vt->cols ? r->cols : vt->cols;
	/* A band of changed rows, and its columns. */
	unsigned band = rows, x0 = cols, x1 = 0;

	if (scroll(r, vt_scrolled_take(vt)))
		refresh(ctx, 0, 0, r->cols * cw, r->rows * ch);
	for (unsigned y = 0; y <= rows; y++) {
		unsigned lo = cols, hi = 0;

		for (unsigned x = 0; y < rows && x < cols; x++) {
			struct render_cell c =
			    look(r, vt, vt_cell_at(vt, y, x));
			struct render_cell *s = &r->shown[y * r->cols + x];

			if (cursor && y == crow && x == ccol)
				c.cursor = r->focused ? 1 : 2;
			if (same(&c, s))
				continue;
			*s = c;
			draw_cell(r, x, y, &c);
			if (x < lo)
				lo = x;
			hi = x + 1;
		}
		if (lo < hi) {
			if (band == rows)
				band = y;
			x0 = lo < x0 ? lo : x0;
			x1 = hi > x1 ? hi : x1;
			continue;
		}
		if (band < rows)
			refresh(ctx, x0 * cw, band * ch, (x1 - x0) * cw,
			    (y - band) * ch);
		band = rows;
		x0 = cols;
		x1 = 0;
	}
}
