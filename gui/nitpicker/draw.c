/*
 * Putting views on the screen. Changes are collected as dirty rectangles;
 * flush composes each one back to front into the framebuffer's back buffer
 * (background, views, then every domain frame and label, then the pointer,
 * so nothing a client draws can cover those) and asks the driver to copy
 * just that rectangle. Rows are copied whole with memcpy (8 bytes a step:
 * under TCG the cheapest loop there is), and the refresh path has no
 * per-pixel calls.
 */
#include <base/log.h>
#include <base/rpc.h>
#include <base/string.h>
#include <session/framebuffer.h>

#include "nitpicker.h"

#define DIRTY_MAX 16u
#define POINTER_W 11
#define POINTER_H 17

int pointer_x, pointer_y;

static struct rect dirt[DIRTY_MAX];
static unsigned ndirt;

/* '#' black, '.' white, ' ' shows what is below; the tip is the hot spot. */
static const char *const arrow[POINTER_H] = {
    "#          ",
    "##         ",
    "#.#        ",
    "#..#       ",
    "#...#      ",
    "#....#     ",
    "#.....#    ",
    "#......#   ",
    "#.......#  ",
    "#........# ",
    "#.....#####",
    "#..#..#    ",
    "#.# #..#   ",
    "##  #..#   ",
    "#    #..#  ",
    "     #..#  ",
    "      ##   ",
};

struct rect
rect_intersect(struct rect a, struct rect b)
{
	int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
	struct rect r = {x0, y0, x1 - x0, y1 - y0};

	if (r.w <= 0 || r.h <= 0)
		r.w = r.h = 0;
	return r;
}

bool
rect_empty(struct rect r)
{
	return r.w <= 0 || r.h <= 0;
}

bool
rect_inside(struct rect in, struct rect out)
{
	return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
	    in.y + in.h <= out.y + out.h;
}

static struct rect
rect_union(struct rect a, struct rect b)
{
	int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
	int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;

	return (struct rect){x0, y0, x1 - x0, y1 - y0};
}

static void
fill_row(uint32_t *d, uint32_t c, uint64_t n)
{
	uint64_t q = n / 2, cc = (uint64_t)c << 32 | c;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(cc) : "memory");
	if (n & 1)
		*d = c;
}

/* r is on the screen already. */
static void
fill(struct rect r, uint32_t c)
{
	uint32_t *d = screen.pix + (uint64_t)r.y * screen.w + r.x;

	for (int j = 0; j < r.h; j++, d += screen.w)
		fill_row(d, c, (uint64_t)r.w);
}

static void
fill_clipped(struct rect r, struct rect clip, uint32_t c)
{
	r = rect_intersect(r, clip);
	if (!rect_empty(r))
		fill(r, c);
}

void
dirty(struct rect r)
{
	r = rect_intersect(r,
	    (struct rect){0, 0, (int)screen.w, (int)screen.h});
	if (rect_empty(r))
		return;
	for (unsigned i = 0; i < ndirt; i++)
		if (rect_inside(r, dirt[i]))
			return;
	for (unsigned i = 0; i < ndirt;) {
		if (rect_inside(dirt[i], r))
			dirt[i] = dirt[--ndirt];
		else
			i++;
	}
	if (ndirt == DIRTY_MAX) {
		for (unsigned i = 1; i < ndirt; i++)
			dirt[0] = rect_union(dirt[0], dirt[i]);
		ndirt = 1;
		dirt[0] = rect_union(dirt[0], r);
		return;
	}
	dirt[ndirt++] = r;
}

static bool
shown(const struct view *v)
{
	return v->buf && !rect_empty(v->r);
}

/*
 * Where a view's label goes: above its border, but never above the
 * screen; a view whose top is off the screen has its label over its own
 * top rows, so no placement shows content without its label.
 */
static struct rect
label_strip(const struct view *v)
{
	struct rect r = v->r,
		    strip = {r.x - FRAME_W, r.y - FRAME_W - LABEL_H,
			r.w + 2 * FRAME_W, LABEL_H};

	if (strip.y < 0 && r.y + r.h > 0)
		strip.y = 0;
	return strip;
}

/* The view and its frame and label strip, if its domain has them. */
struct rect
view_outer(const struct view *v)
{
	struct rect r = v->r;

	if (!v->s->dom->label)
		return r;
	r = (struct rect){r.x - FRAME_W, r.y - FRAME_W - LABEL_H,
	    r.w + 2 * FRAME_W, r.h + 2 * FRAME_W + LABEL_H};
	return rect_union(r, label_strip(v));
}

static void
draw_view(const struct view *v, struct rect d)
{
	struct rect r = rect_intersect(v->r, d);
	const struct buffer *b = v->buf;
	const uint32_t *s;
	uint32_t *t;

	if (rect_empty(r))
		return;
	/* GUI_VIEW_GEOMETRY made sure the view lies inside its buffer. */
	s = b->pix + (uint64_t)(v->by + r.y - v->r.y) * b->w + v->bx +
	    (r.x - v->r.x);
	t = screen.pix + (uint64_t)r.y * screen.w + r.x;
	for (int j = 0; j < r.h; j++, s += b->w, t += screen.w)
		memcpy(t, s, (size_t)r.w * 4);
}

/* Draws text from (x, y) on, clipped to clip; returns the x after it. */
static int
draw_text(int x, int y, const char *text, struct rect clip, uint32_t c)
{
	for (; *text && x < clip.x + clip.w; text++, x += GLYPH_W) {
		const uint8_t *g = font_glyph(*text);

		if (x + GLYPH_W <= clip.x)
			continue;
		for (int j = 0; j < GLYPH_H; j++) {
			int py = y + j;

			if (py < clip.y || py >= clip.y + clip.h)
				continue;
			for (int i = 0; i < GLYPH_W - 1; i++) {
				int px = x + i;

				if ((g[j] >> (4 - i) & 1) && px >= clip.x &&
				    px < clip.x + clip.w)
					screen
					    .pix[(uint64_t)py * screen.w + px] =
					    c;
			}
		}
	}
	return x;
}

static void
draw_frame(const struct view *v, struct rect d)
{
	struct rect r = v->r, strip = label_strip(v), clip;
	uint32_t c = v->s->dom->color, text;
	unsigned lum = ((c >> 16 & 0xff) * 299 + (c >> 8 & 0xff) * 587 +
			   (c & 0xff) * 114) /
	    1000;
	int x, y;

	if (rect_empty(rect_intersect(view_outer(v), d)))
		return;
	fill_clipped((struct rect){r.x - FRAME_W, r.y - FRAME_W,
			 r.w + 2 * FRAME_W, FRAME_W},
	    d, c);
	fill_clipped((struct rect){r.x - FRAME_W, r.y + r.h, r.w + 2 * FRAME_W,
			 FRAME_W},
	    d, c);
	fill_clipped((struct rect){r.x - FRAME_W, r.y, FRAME_W, r.h}, d, c);
	fill_clipped((struct rect){r.x + r.w, r.y, FRAME_W, r.h}, d, c);
	fill_clipped(strip, d, c);
	/* The label is the session's, which it cannot choose; the title
	 * follows it and is the client's. The text starts on the screen
	 * even where the strip begins left of it. */
	text = lum > 128 ? 0x000000 : 0xffffff;
	clip = rect_intersect((struct rect){strip.x + 3, strip.y, strip.w - 6,
				  strip.h},
	    d);
	if (rect_empty(clip))
		return;
	x = (strip.x > 0 ? strip.x : 0) + 3;
	y = strip.y + 2;
	x = draw_text(x, y, v->s->label, clip, text);
	if (v->title[0]) {
		/* Half-way to the strip's colour: the title looks unlike the
		 * label it follows, so it cannot pass for part of it. */
		text = (text >> 1 & 0x7f7f7f) + (c >> 1 & 0x7f7f7f);
		x = draw_text(x, y, " - ", clip, text);
		draw_text(x, y, v->title, clip, text);
	}
}

static void
draw_pointer(struct rect d)
{
	struct rect r = rect_intersect((struct rect){pointer_x, pointer_y,
					   POINTER_W, POINTER_H},
	    d);

	for (int j = r.y; j < r.y + r.h; j++)
		for (int i = r.x; i < r.x + r.w; i++) {
			char p = arrow[j - pointer_y][i - pointer_x];

			if (p != ' ')
				screen.pix[(uint64_t)j * screen.w + i] =
				    p == '#' ? 0x000000 : 0xffffff;
		}
}

static void
compose(struct rect d)
{
	struct session *focus = input_focused();
	unsigned first = 0;
	bool covered = false;

	/* Whatever lies behind a view that covers all of d is not drawn. */
	for (unsigned i = nstack; i-- > 0;) {
		if (shown(stack[i]) && rect_inside(d, stack[i]->r)) {
			first = i;
			covered = true;
			break;
		}
	}
	if (!covered)
		fill(d, screen.background);
	for (unsigned i = first; i < nstack; i++)
		if (shown(stack[i]))
			draw_view(stack[i], d);
	/* Frames overlap in stacking order, but the focused session's come
	 * last: where keys go, the label is always whole. */
	for (unsigned i = 0; i < nstack; i++)
		if (shown(stack[i]) && stack[i]->s->dom->label &&
		    stack[i]->s != focus)
			draw_frame(stack[i], d);
	for (unsigned i = 0; focus && i < nstack; i++)
		if (shown(stack[i]) && stack[i]->s == focus &&
		    focus->dom->label)
			draw_frame(stack[i], d);
	draw_pointer(d);
}

void
flush(void)
{
	uint64_t *w = utcb_self()->msg;

	for (unsigned i = 0; i < ndirt; i++) {
		compose(dirt[i]);
		w[0] = (uint64_t)dirt[i].x;
		w[1] = (uint64_t)dirt[i].y;
		w[2] = (uint64_t)dirt[i].w;
		w[3] = (uint64_t)dirt[i].h;
		rpc_call(screen.fb, FB_REFRESH, 4, 0, 0, NULL);
	}
	ndirt = 0;
}

void
pointer_move(int x, int y)
{
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x >= (int)screen.w)
		x = (int)screen.w - 1;
	if (y >= (int)screen.h)
		y = (int)screen.h - 1;
	if (x == pointer_x && y == pointer_y)
		return;
	dirty((struct rect){pointer_x, pointer_y, POINTER_W, POINTER_H});
	pointer_x = x;
	pointer_y = y;
	dirty((struct rect){pointer_x, pointer_y, POINTER_W, POINTER_H});
}
