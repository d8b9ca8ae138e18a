/* The text viewer's window contents; see view.h. */
#include <session/input.h>

#include "view.h"

/* The width of a column: DejaVu Sans Mono's, any character's; for a
 * proportional font, an M's. */
static int
column_width(struct text_font *f)
{
	int w = text_width(f, "M");

	return w > 0 ? w : 1;
}

unsigned
tv_view_rows(const struct tv_view *v)
{
	int lh = text_height(v->font), room = (int)v->h - 2 * TV_MARGIN;

	if (lh < 1 || room < lh)
		return 1;
	return (unsigned)(room / lh);
}

static size_t
max_top(const struct tv_view *v, const struct tv_doc *d)
{
	unsigned rows = tv_view_rows(v);

	return d->lines > rows ? d->lines - rows : 0;
}

static unsigned
max_left(struct tv_view *v, const struct tv_doc *d)
{
	int room = ((int)v->w - 2 * TV_MARGIN) / column_width(v->font);

	if (room < 1)
		room = 1;
	return d->max_columns > (unsigned)room ? d->max_columns - (unsigned)room
					       : 0;
}

void
tv_view_clamp(struct tv_view *v, const struct tv_doc *d)
{
	if (v->top > max_top(v, d))
		v->top = max_top(v, d);
	if (v->left > max_left(v, d))
		v->left = max_left(v, d);
}

/* Moves to line top + dy and column left + dx, as far as they go. */
static bool
move(struct tv_view *v, const struct tv_doc *d, long dy, long dx)
{
	size_t top = v->top;
	unsigned left = v->left;

	if (dy < 0)
		v->top = (size_t)-dy > v->top ? 0 : v->top - (size_t)-dy;
	else
		v->top += (size_t)dy;
	if (dx < 0)
		v->left =
		    (unsigned long)-dx > v->left ? 0 : v->left - (unsigned)-dx;
	else
		v->left += (unsigned)dx;
	if (dy > 0 && v->top < top) /* wrapped */
		v->top = max_top(v, d);
	tv_view_clamp(v, d);
	return v->top != top || v->left != left;
}

bool
tv_view_key(struct tv_view *v, const struct tv_doc *d, unsigned code)
{
	long page = (long)tv_view_rows(v) - 1;

	if (page < 1)
		page = 1;
	switch (code) {
	case KEY_UP:
		return move(v, d, -1, 0);
	case KEY_DOWN:
		return move(v, d, 1, 0);
	case KEY_LEFT:
		return move(v, d, 0, -TV_HSTEP);
	case KEY_RIGHT:
		return move(v, d, 0, TV_HSTEP);
	case KEY_PAGEUP:
		return move(v, d, -page, 0);
	case KEY_PAGEDOWN:
		return move(v, d, page, 0);
	case KEY_HOME:
		return move(v, d, -(long)v->top, -(long)v->left);
	case KEY_END:
		return move(v, d, (long)max_top(v, d), 0);
	default:
		return false;
	}
}

bool
tv_view_wheel(struct tv_view *v, const struct tv_doc *d, int dz)
{
	return move(v, d, (long)dz * TV_WHEEL_LINES, 0);
}

void
tv_view_draw(struct tv_view *v, const struct tv_doc *d, uint32_t *pix,
    unsigned stride)
{
	int lh = text_height(v->font), room = (int)v->w - 2 * TV_MARGIN;
	int x = -(int)v->left * column_width(v->font);
	unsigned rows = tv_view_rows(v);

	for (unsigned y = 0; y < v->h; y++)
		for (unsigned i = 0; i < v->w; i++)
			pix[(size_t)y * stride + i] = v->paper;
	if (room < 1)
		return;
	/*
	 * Into the pixels right of the left margin, so that columns
	 * scrolled off to the left are clipped there; a glyph that would
	 * reach into the right margin is left out.
	 */
	for (unsigned r = 0; r < rows && v->top + r < d->lines; r++)
		text_draw(v->font, pix + TV_MARGIN, stride, (unsigned)room,
		    v->h, x, TV_MARGIN + (int)r * lh, room - x,
		    d->line[v->top + r], v->text);
}
