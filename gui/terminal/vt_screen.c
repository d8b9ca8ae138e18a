/*
 * The screen model: a grid of cells for the primary and the alternate
 * screen, the cursor, the scrolling region and the scrollback. Every
 * operation clamps what it is given, so the cursor always lies in the
 * grid and no index leaves it.
 */
#include <stdlib.h>
#include <string.h>

#include "vt_int.h"

static size_t
line_bytes(unsigned cols)
{
	return sizeof(struct vt_line) + (size_t)cols * sizeof(struct vt_cell);
}

static struct vt_cell
blank(const struct vt *vt)
{
	/* Erased cells take the background of the pen (xterm's BCE). */
	struct vt_cell c = {' ', VT_COLOR_FG, vt->cur.pen.bg, 0};

	return c;
}

static void
clear_cells(struct vt *vt, struct vt_line *l, unsigned from, unsigned to)
{
	struct vt_cell c = blank(vt);

	if (to > vt->cols)
		to = vt->cols;
	for (unsigned x = from; x < to; x++)
		l->cell[x] = c;
}

struct vt_line *
vt_line_new(struct vt *vt, unsigned cols)
{
	struct vt_line *l = malloc(line_bytes(cols));
	struct vt_cell c = {' ', VT_COLOR_FG, VT_COLOR_BG, 0};

	if (!l)
		return NULL;
	l->wrapped = false;
	for (unsigned x = 0; x < cols; x++)
		l->cell[x] = c;
	return l;
}

void
vt_lines_free(struct vt_line **l, unsigned n)
{
	if (!l)
		return;
	for (unsigned i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static struct vt_line **
lines_new(struct vt *vt, unsigned cols, unsigned rows)
{
	struct vt_line **l = calloc(rows, sizeof(*l));

	if (!l)
		return NULL;
	for (unsigned i = 0; i < rows; i++)
		if (!(l[i] = vt_line_new(vt, cols))) {
			vt_lines_free(l, rows);
			return NULL;
		}
	return l;
}

void
vt_tabs_default(struct vt *vt)
{
	for (unsigned x = 0; x < vt->cols; x++)
		vt->tabs[x] = x % 8 == 0 && x;
}

void
vt_reset(struct vt *vt)
{
	struct vt_cursor c = {0};

	c.pen = (struct vt_cell){' ', VT_COLOR_FG, VT_COLOR_BG, 0};
	if (vt->alt_active)
		vt_alt_screen(vt, false, false, false);
	vt->cur = vt->saved[0] = vt->saved[1] = c;
	vt->top = 0;
	vt->bottom = vt->rows;
	vt->autowrap = vt->cursor_visible = true;
	vt->insert = vt->app_cursor = vt->app_keypad = vt->newline_mode =
	    vt->bracketed_paste = vt->reverse_video = false;
	vt_tabs_default(vt);
	vt_erase_display(vt, 2);
	vt->state = 0;
	vt->utf8_need = 0;
}

int
vt_init(struct vt *vt, unsigned cols, unsigned rows, unsigned scrollback)
{
	memset(vt, 0, sizeof(*vt));
	if (cols < 1 || rows < 1 || cols > VT_COLS_MAX || rows > VT_ROWS_MAX)
		return -1;
	vt->cols = cols;
	vt->rows = rows;
	vt->sb_max = scrollback;
	if (!(vt->primary = lines_new(vt, cols, rows)) ||
	    !(vt->alt = lines_new(vt, cols, rows)) ||
	    !(vt->tabs = calloc(cols, 1)) ||
	    (scrollback && !(vt->sb = calloc(scrollback, sizeof(*vt->sb))))) {
		vt_free(vt);
		return -1;
	}
	vt->lines = vt->primary;
	vt_reset(vt);
	return 0;
}

void
vt_free(struct vt *vt)
{
	vt_lines_free(vt->primary, vt->rows);
	vt_lines_free(vt->alt, vt->rows);
	if (vt->sb) {
		for (unsigned i = 0; i < vt->sb_count; i++)
			free(vt->sb[(vt->sb_first + i) % vt->sb_max]);
		free(vt->sb);
	}
	free(vt->tabs);
	memset(vt, 0, sizeof(*vt));
}

/* The i-th line of the scrollback, 0 the oldest. */
struct vt_line *
vt_sb_line(const struct vt *vt, unsigned i)
{
	return vt->sb[(vt->sb_first + i) % vt->sb_max];
}

/*
 * l leaves the top of the primary screen: into the scrollback, and a
 * line comes back to take its place (the oldest one when the scrollback
 * is full, else a new one). Without memory the line is just reused.
 */
static struct vt_line *
sb_push(struct vt *vt, struct vt_line *l)
{
	struct vt_line *fresh;

	if (!vt->sb_max)
		return l;
	if (vt->sb_count == vt->sb_max) {
		fresh = vt->sb[vt->sb_first];
		vt->sb[vt->sb_first] = l;
		vt->sb_first = (vt->sb_first + 1) % vt->sb_max;
	} else {
		if (!(fresh = malloc(line_bytes(vt->cols))))
			return l;
		vt->sb[(vt->sb_first + vt->sb_count) % vt->sb_max] = l;
		vt->sb_count++;
	}
	/* Someone reading back keeps seeing the same lines. */
	if (vt->view && vt->view < vt->sb_count)
		vt->view++;
	return fresh;
}

/* Lines [top, bottom) move up by n; blank lines come in at the bottom. */
static void
scroll_region_up(struct vt *vt, unsigned top, unsigned bottom, unsigned n)
{
	bool keep = !vt->alt_active && top == 0;

	if (top >= bottom)
		return;
	if (n > bottom - top)
		n = bottom - top;
	for (unsigned i = 0; i < n; i++) {
		struct vt_line *l = vt->lines[top];

		if (keep)
			l = sb_push(vt, l);
		memmove(&vt->lines[top], &vt->lines[top + 1],
		    (bottom - top - 1) * sizeof(*vt->lines));
		vt->lines[bottom - 1] = l;
		l->wrapped = false;
		clear_cells(vt, l, 0, vt->cols);
	}
	if (top == 0 && bottom == vt->rows && !vt->view)
		vt->scrolled += n;
}

static void
scroll_region_down(struct vt *vt, unsigned top, unsigned bottom, unsigned n)
{
	if (top >= bottom)
		return;
	if (n > bottom - top)
		n = bottom - top;
	for (unsigned i = 0; i < n; i++) {
		struct vt_line *l = vt->lines[bottom - 1];

		memmove(&vt->lines[top + 1], &vt->lines[top],
		    (bottom - top - 1) * sizeof(*vt->lines));
		vt->lines[top] = l;
		l->wrapped = false;
		clear_cells(vt, l, 0, vt->cols);
	}
}

void
vt_scroll_up(struct vt *vt, unsigned n)
{
	scroll_region_up(vt, vt->top, vt->bottom, n);
}

void
vt_scroll_down(struct vt *vt, unsigned n)
{
	scroll_region_down(vt, vt->top, vt->bottom, n);
}

void
vt_linefeed(struct vt *vt)
{
	vt->cur.wrap_pending = false;
	if (vt->cur.y == vt->bottom - 1)
		vt_scroll_up(vt, 1);
	else if (vt->cur.y + 1 < vt->rows)
		vt->cur.y++;
}

void
vt_reverse_index(struct vt *vt)
{
	vt->cur.wrap_pending = false;
	if (vt->cur.y == vt->top)
		vt_scroll_down(vt, 1);
	else if (vt->cur.y > 0)
		vt->cur.y--;
}

void
vt_carriage_return(struct vt *vt)
{
	vt->cur.x = 0;
	vt->cur.wrap_pending = false;
}

void
vt_backspace(struct vt *vt)
{
	if (vt->cur.wrap_pending)
		vt->cur.wrap_pending = false;
	else if (vt->cur.x > 0)
		vt->cur.x--;
}

void
vt_tab(struct vt *vt, int n)
{
	vt->cur.wrap_pending = false;
	for (; n > 0; n--) {
		do
			vt->cur.x++;
		while (vt->cur.x < vt->cols - 1 && !vt->tabs[vt->cur.x]);
		if (vt->cur.x >= vt->cols - 1) {
			vt->cur.x = vt->cols - 1;
			break;
		}
	}
	for (; n < 0; n++) {
		while (vt->cur.x > 0 && !vt->tabs[--vt->cur.x])
			;
		if (!vt->cur.x)
			break;
	}
}

static unsigned
clampl(long v, unsigned lo, unsigned hi)
{
	if (v < (long)lo)
		return lo;
	if (v > (long)hi)
		return hi;
	return (unsigned)v;
}

void
vt_goto(struct vt *vt, long row, long col)
{
	vt->cur.wrap_pending = false;
	vt->cur.x = clampl(col, 0, vt->cols - 1);
	if (vt->cur.origin)
		vt->cur.y = clampl(row + vt->top, vt->top, vt->bottom - 1);
	else
		vt->cur.y = clampl(row, 0, vt->rows - 1);
}

/* Relative moves stop at the region's margins if they start inside it. */
void
vt_move(struct vt *vt, long drow, long dcol)
{
	unsigned top = 0, bottom = vt->rows;
	long y = (long)vt->cur.y + drow;

	if (vt->cur.y >= vt->top && vt->cur.y < vt->bottom) {
		top = vt->top;
		bottom = vt->bottom;
	}
	vt->cur.wrap_pending = false;
	vt->cur.x = clampl((long)vt->cur.x + dcol, 0, vt->cols - 1);
	vt->cur.y = clampl(y, top, bottom - 1);
}

void
vt_put(struct vt *vt, uint32_t cp)
{
	struct vt_line *l;
	struct vt_cell c = vt->cur.pen;

	if (vt->cur.wrap_pending && vt->autowrap) {
		vt->lines[vt->cur.y]->wrapped = true;
		vt_carriage_return(vt);
		vt_linefeed(vt);
	}
	l = vt->lines[vt->cur.y];
	if (vt->insert && vt->cur.x + 1 < vt->cols)
		memmove(&l->cell[vt->cur.x + 1], &l->cell[vt->cur.x],
		    (vt->cols - vt->cur.x - 1) * sizeof(struct vt_cell));
	c.cp = cp;
	l->cell[vt->cur.x] = c;
	vt->last_cp = cp;
	if (vt->cur.x + 1 < vt->cols)
		vt->cur.x++;
	else
		vt->cur.wrap_pending = vt->autowrap;
}

void
vt_erase_line(struct vt *vt, unsigned mode)
{
	struct vt_line *l = vt->lines[vt->cur.y];

	vt->cur.wrap_pending = false;
	if (mode == 0)
		clear_cells(vt, l, vt->cur.x, vt->cols);
	else if (mode == 1)
		clear_cells(vt, l, 0, vt->cur.x + 1);
	else if (mode == 2)
		clear_cells(vt, l, 0, vt->cols);
	if (mode != 1)
		l->wrapped = false;
}

void
vt_sb_clear(struct vt *vt)
{
	for (unsigned i = 0; i < vt->sb_count; i++)
		free(vt_sb_line(vt, i));
	vt->sb_count = vt->sb_first = vt->view = 0;
}

void
vt_erase_display(struct vt *vt, unsigned mode)
{
	unsigned from = 0, to = vt->rows;

	if (mode == 3) {
		vt_sb_clear(vt);
		return;
	}
	if (mode > 2)
		return;
	if (mode == 0) {
		vt_erase_line(vt, 0);
		from = vt->cur.y + 1;
	} else if (mode == 1) {
		vt_erase_line(vt, 1);
		to = vt->cur.y;
	}
	for (unsigned y = from; y < to; y++) {
		clear_cells(vt, vt->lines[y], 0, vt->cols);
		vt->lines[y]->wrapped = false;
	}
}

void
vt_erase_chars(struct vt *vt, unsigned n)
{
	unsigned x = vt->cur.x;

	vt->cur.wrap_pending = false;
	clear_cells(vt, vt->lines[vt->cur.y], x,
	    n > vt->cols - x ? vt->cols : x + n);
}

void
vt_insert_chars(struct vt *vt, unsigned n)
{
	struct vt_line *l = vt->lines[vt->cur.y];
	unsigned x = vt->cur.x, rest = vt->cols - x;

	vt->cur.wrap_pending = false;
	if (n > rest)
		n = rest;
	memmove(&l->cell[x + n], &l->cell[x],
	    (rest - n) * sizeof(struct vt_cell));
	clear_cells(vt, l, x, x + n);
}

void
vt_delete_chars(struct vt *vt, unsigned n)
{
	struct vt_line *l = vt->lines[vt->cur.y];
	unsigned x = vt->cur.x, rest = vt->cols - x;

	vt->cur.wrap_pending = false;
	if (n > rest)
		n = rest;
	memmove(&l->cell[x], &l->cell[x + n],
	    (rest - n) * sizeof(struct vt_cell));
	clear_cells(vt, l, vt->cols - n, vt->cols);
}

/* IL and DL work only inside the region, and go to column 0. */
void
vt_insert_lines(struct vt *vt, unsigned n)
{
	if (vt->cur.y < vt->top || vt->cur.y >= vt->bottom)
		return;
	scroll_region_down(vt, vt->cur.y, vt->bottom, n);
	vt_carriage_return(vt);
}

void
vt_delete_lines(struct vt *vt, unsigned n)
{
	bool alt = vt->alt_active;

	if (vt->cur.y < vt->top || vt->cur.y >= vt->bottom)
		return;
	/* Deleted lines are gone, not scrolled into the scrollback. */
	vt->alt_active = true;
	scroll_region_up(vt, vt->cur.y, vt->bottom, n);
	vt->alt_active = alt;
	vt_carriage_return(vt);
}

void
vt_set_region(struct vt *vt, unsigned top, unsigned bottom)
{
	/* Parameters are 1-based; 0 means the default. */
	if (!top)
		top = 1;
	if (!bottom || bottom > vt->rows)
		bottom = vt->rows;
	if (top >= bottom)
		return;
	vt->top = top - 1;
	vt->bottom = bottom;
	vt_goto(vt, 0, 0);
}

void
vt_save_cursor(struct vt *vt)
{
	vt->saved[vt->alt_active] = vt->cur;
}

void
vt_restore_cursor(struct vt *vt)
{
	struct vt_cursor c = vt->saved[vt->alt_active];

	/* Saved before a resize, it may lie outside: clamp. */
	if (c.x >= vt->cols)
		c.x = vt->cols - 1;
	if (c.y >= vt->rows)
		c.y = vt->rows - 1;
	vt->cur = c;
}

void
vt_alt_screen(struct vt *vt, bool on, bool save_cursor, bool clear)
{
	if (on == vt->alt_active)
		return;
	if (on && save_cursor)
		vt_save_cursor(vt);
	vt->alt_active = on;
	vt->lines = on ? vt->alt : vt->primary;
	vt->view = 0;
	if (on && clear)
		for (unsigned y = 0; y < vt->rows; y++) {
			clear_cells(vt, vt->lines[y], 0, vt->cols);
			vt->lines[y]->wrapped = false;
		}
	if (!on && save_cursor)
		vt_restore_cursor(vt);
}

void
vt_screen_align(struct vt *vt)
{
	struct vt_cell c = {'E', VT_COLOR_FG, VT_COLOR_BG, 0};

	for (unsigned y = 0; y < vt->rows; y++)
		for (unsigned x = 0; x < vt->cols; x++)
			vt->lines[y]->cell[x] = c;
	vt->top = 0;
	vt->bottom = vt->rows;
	vt_goto(vt, 0, 0);
}

void
vt_reply(struct vt *vt, const char *s)
{
	size_t n = strlen(s);

	/* A program that asks faster than anyone reads loses answers. */
	if (n > VT_REPLY_MAX - vt->nreply)
		return;
	memcpy(vt->reply + vt->nreply, s, n);
	vt->nreply += (unsigned)n;
}

size_t
vt_reply_take(struct vt *vt, char *buf, size_t max)
{
	size_t n = vt->nreply < max ? vt->nreply : max;

	memcpy(buf, vt->reply, n);
	memmove(vt->reply, vt->reply + n, vt->nreply - n);
	vt->nreply -= (unsigned)n;
	return n;
}

unsigned
vt_scrolled_take(struct vt *vt)
{
	unsigned n = vt->scrolled;

	vt->scrolled = 0;
	return n;
}

const struct vt_cell *
vt_cell_at(const struct vt *vt, unsigned row, unsigned col)
{
	static const struct vt_cell none = {' ', VT_COLOR_FG, VT_COLOR_BG, 0};

	if (row >= vt->rows || col >= vt->cols)
		return &none;
	if (row < vt->view)
		return &vt_sb_line(vt, vt->sb_count - vt->view + row)
			    ->cell[col];
	return &vt->lines[row - vt->view]->cell[col];
}

void
vt_view_scroll(struct vt *vt, int delta)
{
	long v = (long)vt->view + delta;

	if (vt->alt_active)
		v = 0;
	vt->view = clampl(v, 0, vt->sb_count);
}

bool
vt_cursor_shown(const struct vt *vt, unsigned *row, unsigned *col)
{
	if (!vt->cursor_visible || vt->cur.y + vt->view >= vt->rows)
		return false;
	*row = vt->cur.y + vt->view;
	*col = vt->cur.x;
	return true;
}
