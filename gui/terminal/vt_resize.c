/*
 * Resizing the screen model. The primary screen and the scrollback are
 * laid out anew: lines that autowrap joined are one logical line again
 * and wrap at the new width, the cursor stays on its character, and the
 * screen keeps its bottom (the cursor's line, or text below it as far as
 * the cursor stays in view): what no longer fits above goes into the
 * scrollback, and with more room lines come back from it. The
 * alternate screen (a full-screen program, which redraws on SIGWINCH) is
 * cut or padded. Everything new is built first, so running out of memory
 * leaves the old state as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "vt_int.h"

static bool
is_blank(const struct vt_cell *c)
{
	return c->cp == ' ' && c->fg == VT_COLOR_FG && c->bg == VT_COLOR_BG &&
	    !c->attr;
}

/* The old primary lines in order: the scrollback, then the screen rows in
 * use. */
struct old {
	const struct vt *vt;
	struct vt_line **screen;
	unsigned n; /* lines */
};

static const struct vt_line *
old_line(const struct old *o, unsigned i)
{
	return i < o->vt->sb_count ? vt_sb_line(o->vt, i)
				   : o->screen[i - o->vt->sb_count];
}

/* The cell at offset off of the logical line that starts at line i. */
static const struct vt_cell *
old_cell(const struct old *o, unsigned i, size_t off)
{
	unsigned cols = o->vt->cols;

	return &old_line(o, i + (unsigned)(off / cols))->cell[off % cols];
}

/* A logical line: lines first..last, len cells of content. */
struct logical {
	unsigned first, last;
	size_t len;
};

static struct logical
logical_at(const struct old *o, unsigned first)
{
	struct logical l = {first, first, 0};
	const struct vt_line *end;
	unsigned n;

	while (l.last + 1 < o->n && old_line(o, l.last)->wrapped)
		l.last++;
	end = old_line(o, l.last);
	for (n = o->vt->cols; n > 0 && is_blank(&end->cell[n - 1]); n--)
		;
	l.len = (size_t)(l.last - first) * o->vt->cols + n;
	return l;
}

struct layout {
	struct vt_line **primary, **alt, **sb;
	uint8_t *tabs;
	unsigned sb_count;
	unsigned cur_x, cur_y; /* the primary screen's cursor */
	bool wrap_pending;
};

static void
layout_free(struct layout *n, unsigned rows, unsigned sb_max)
{
	vt_lines_free(n->primary, rows);
	vt_lines_free(n->alt, rows);
	if (n->sb) {
		for (unsigned i = 0; i < n->sb_count; i++)
			free(n->sb[i]);
		free(n->sb);
	}
	free(n->tabs);
}

/* Line k of the new layout: into the scrollback, onto the screen, or
 * nowhere (NULL). */
static struct vt_line **
slot_of(struct layout *n, unsigned long k, unsigned long sb_from,
    unsigned long screen_from, unsigned rows)
{
	if (k < sb_from)
		return NULL;
	if (k < screen_from)
		return &n->sb[n->sb_count++];
	if (k - screen_from < rows)
		return &n->primary[k - screen_from];
	return NULL;
}

/*
 * The cursor at offset off of a logical line of len cells: the cells the
 * line needs so that the cursor's cell exists, unless it sits just past
 * a full line (then it stays at that line's end, its wrap pending).
 */
static size_t
cursor_len(size_t off, size_t len, unsigned cols, bool *at_end)
{
	*at_end = off && off % cols == 0 && off >= len;
	if (*at_end || off + 1 <= len)
		return len;
	return off + 1;
}

/*
 * Two passes over the logical lines: the first counts the new lines and
 * finds the cursor, the second builds only the lines that are kept.
 */
static int
reflow(struct vt *vt, unsigned cols, unsigned rows, struct layout *n)
{
	const struct vt_cursor *c = vt->alt_active ? &vt->saved[0] : &vt->cur;
	struct old o = {vt, vt->primary, 0};
	unsigned used = c->y + 1 < vt->rows ? c->y + 1 : vt->rows;
	unsigned pc = vt->sb_count + c->y; /* the cursor's old line */
	unsigned long total = 0, cur_row = 0, sb_from, screen_from, k = 0;
	size_t cur_x = 0;
	bool at_end;

	/* The rows in use: up to the cursor, or the last one with text. */
	for (unsigned y = vt->rows; y > used; y--) {
		unsigned x = 0;

		while (x < vt->cols && is_blank(&vt->primary[y - 1]->cell[x]))
			x++;
		if (x < vt->cols) {
			used = y;
			break;
		}
	}
	o.n = vt->sb_count + used;
	n->wrap_pending = false;
	for (unsigned i = 0; i < o.n;) {
		struct logical l = logical_at(&o, i);
		size_t len = l.len;

		if (pc >= l.first && pc <= l.last) {
			size_t off = (size_t)(pc - l.first) * vt->cols + c->x +
			    (c->wrap_pending ? 1 : 0);

			len = cursor_len(off, l.len, cols, &at_end);
			cur_row = total + off / cols - (at_end ? 1 : 0);
			cur_x = at_end ? cols - 1 : off % cols;
			n->wrap_pending = at_end;
		}
		total += len ? (len + cols - 1) / cols : 1;
		i = l.last + 1;
	}
	screen_from = total > rows ? total - rows : 0;
	if (cur_row < screen_from) /* the cursor in view; below it may go */
		screen_from = cur_row;
	sb_from = screen_from > vt->sb_max ? screen_from - vt->sb_max : 0;
	n->cur_y = (unsigned)(cur_row - screen_from);
	n->cur_x = (unsigned)cur_x;
	if (n->cur_y >= rows)
		n->cur_y = rows - 1;

	for (unsigned i = 0; i < o.n;) {
		struct logical l = logical_at(&o, i);
		size_t len = l.len, lines;

		if (pc >= l.first && pc <= l.last)
			len = cursor_len((size_t)(pc - l.first) * vt->cols +
				c->x + (c->wrap_pending ? 1 : 0),
			    l.len, cols, &at_end);
		lines = len ? (len + cols - 1) / cols : 1;
		for (size_t p = 0; p < lines; p++, k++) {
			struct vt_line **slot =
			    slot_of(n, k, sb_from, screen_from, rows);
			size_t from = p * cols;

			if (!slot)
				continue;
			if (!(*slot = vt_line_new(vt, cols)))
				return -1;
			for (unsigned x = 0; x < cols && from + x < l.len; x++)
				(*slot)->cell[x] =
				    *old_cell(&o, l.first, from + x);
			(*slot)->wrapped = p + 1 < lines;
		}
		i = l.last + 1;
	}
	/* Rows below the last line: empty. */
	for (unsigned y = 0; y < rows; y++)
		if (!n->primary[y] && !(n->primary[y] = vt_line_new(vt, cols)))
			return -1;
	return 0;
}

static struct vt_line *
line_cut(struct vt *vt, const struct vt_line *old, unsigned cols)
{
	struct vt_line *l = vt_line_new(vt, cols);
	unsigned n = vt->cols < cols ? vt->cols : cols;

	if (l && old)
		memcpy(l->cell, old->cell, n * sizeof(struct vt_cell));
	return l;
}

int
vt_resize(struct vt *vt, unsigned cols, unsigned rows)
{
	struct layout n = {0};
	struct vt_cursor *prim;

	if (cols < 1 || rows < 1 || cols > VT_COLS_MAX || rows > VT_ROWS_MAX)
		return -1;
	if (cols == vt->cols && rows == vt->rows)
		return 0;
	if (!(n.primary = calloc(rows, sizeof(*n.primary))) ||
	    !(n.alt = calloc(rows, sizeof(*n.alt))) ||
	    !(n.tabs = calloc(cols, 1)) ||
	    (vt->sb_max && !(n.sb = calloc(vt->sb_max, sizeof(*n.sb)))))
		goto fail;
	for (unsigned y = 0; y < rows; y++)
		if (!(n.alt[y] = line_cut(vt, y < vt->rows ? vt->alt[y] : NULL,
			  cols)))
			goto fail;
	if (reflow(vt, cols, rows, &n))
		goto fail;

	vt_sb_clear(vt);
	free(vt->sb);
	vt_lines_free(vt->primary, vt->rows);
	vt_lines_free(vt->alt, vt->rows);
	free(vt->tabs);
	vt->primary = n.primary;
	vt->alt = n.alt;
	vt->sb = n.sb;
	vt->sb_count = n.sb_count;
	vt->sb_first = 0;
	vt->tabs = n.tabs;
	vt->lines = vt->alt_active ? vt->alt : vt->primary;
	vt->cols = cols;
	vt->rows = rows;
	prim = vt->alt_active ? &vt->saved[0] : &vt->cur;
	prim->x = n.cur_x;
	prim->y = n.cur_y;
	prim->wrap_pending = n.wrap_pending;
	/* The other cursors: kept where they were, inside the grid. */
	for (unsigned i = 0; i < 3; i++) {
		struct vt_cursor *c = i ? &vt->saved[i - 1] : &vt->cur;

		if (c == prim)
			continue;
		if (c->x >= cols)
			c->x = cols - 1;
		if (c->y >= rows)
			c->y = rows - 1;
		c->wrap_pending = false;
	}
	vt_tabs_default(vt);
	vt->top = 0;
	vt->bottom = rows;
	vt->view = 0;
	vt->scrolled = 0;
	return 0;
fail:
	layout_free(&n, rows, vt->sb_max);
	return -1;
}
