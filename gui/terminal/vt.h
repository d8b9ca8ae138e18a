/*
 * The terminal's screen model and its VT100/xterm escape parser, with no
 * I/O: bytes go in (vt_write), cells come out (vt_cell_at). The same code
 * runs in the component, in the host tests and in the fuzz target, so
 * whatever a program writes can at worst make a mess of the screen, never
 * reach outside the grid.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A cell's colour: a palette index (0-255), a default, or a direct RGB. */
#define VT_COLOR_FG 256u        /* the configured foreground */
#define VT_COLOR_BG 257u        /* the configured background */
#define VT_COLOR_RGB 0x1000000u /* | 0xRRGGBB */

/* Attributes (SGR). */
#define VT_BOLD 0x01u
#define VT_DIM 0x02u
#define VT_ITALIC 0x04u
#define VT_UNDERLINE 0x08u
#define VT_BLINK 0x10u
#define VT_REVERSE 0x20u
#define VT_INVISIBLE 0x40u
#define VT_STRIKE 0x80u

struct vt_cell {
	uint32_t cp; /* Unicode code point; ' ' when blank */
	uint32_t fg, bg;
	uint32_t attr;
};

/* One line of the screen or the scrollback, as wide as the screen. */
struct vt_line {
	bool wrapped; /* the text goes on in the next line (autowrap) */
	struct vt_cell cell[];
};

#define VT_PARAMS_MAX 16u
#define VT_PARAM_MAX 65535u
#define VT_REPLY_MAX 128u
#define VT_TITLE_MAX 64u
#define VT_COLS_MAX 1024u
#define VT_ROWS_MAX 512u

struct vt_cursor {
	unsigned x, y;
	bool wrap_pending;  /* at the last column, the next character wraps */
	bool origin;        /* DECOM: rows count from the scrolling region */
	bool g0_graphics;   /* G0 is DEC special graphics (line drawing) */
	struct vt_cell pen; /* cp unused */
};

struct vt {
	unsigned cols, rows;
	struct vt_line **lines; /* the screen shown: primary or alt */
	struct vt_line **primary, **alt;
	bool alt_active;

	/* The scrollback: a ring of lines that left the primary screen. */
	struct vt_line **sb;
	unsigned sb_max, sb_count, sb_first;
	unsigned view; /* lines scrolled back into it; 0: the live screen */

	struct vt_cursor cur, saved[2]; /* saved[alt_active] */
	unsigned top, bottom;           /* scrolling region: [top, bottom) */
	bool autowrap, insert, cursor_visible, app_cursor, app_keypad,
	    newline_mode, bracketed_paste, reverse_video;
	uint8_t *tabs; /* cols entries: a tab stop at x */
	uint32_t last_cp;

	/* The parser. */
	unsigned state;
	unsigned params[VT_PARAMS_MAX], nparams;
	bool param_seen;
	char priv;  /* '?', '>', '=', '<' or 0 */
	char inter; /* the (last) intermediate byte, or 0 */
	unsigned osc_len;
	char osc[VT_TITLE_MAX + 8];
	uint32_t utf8_cp, utf8_min;
	unsigned utf8_need;

	/* Output for the host: replies to queries (DSR, DA), the title. */
	char reply[VT_REPLY_MAX];
	unsigned nreply;
	char title[VT_TITLE_MAX + 1];
	bool title_changed;
	bool bell;
	/* Whole-screen scrolls of the live view since the last
	 * vt_scrolled_take: a renderer can move pixels instead of redrawing. */
	unsigned scrolled;
};

/* 0, or -1 if memory ran out (then nothing needs freeing). */
int vt_init(struct vt *vt, unsigned cols, unsigned rows, unsigned scrollback);
void vt_free(struct vt *vt);
void vt_write(struct vt *vt, const void *buf, size_t n);
/* Resets the terminal state (RIS), keeping size and scrollback. */
void vt_reset(struct vt *vt);
/* New size; the content is laid out anew. 0, or -1 (old size kept). */
int vt_resize(struct vt *vt, unsigned cols, unsigned rows);

/* The cell shown at row, col (scrollback view included). */
const struct vt_cell *vt_cell_at(const struct vt *vt, unsigned row,
    unsigned col);
/* Scrolls the view back (delta > 0) or forward; clamped. */
void vt_view_scroll(struct vt *vt, int delta);
/* Is the cursor shown in the view, and where. */
bool vt_cursor_shown(const struct vt *vt, unsigned *row, unsigned *col);

/* Takes up to max bytes of replies; returns how many. */
size_t vt_reply_take(struct vt *vt, char *buf, size_t max);
unsigned vt_scrolled_take(struct vt *vt);

/* The colour of a palette index (0-255) as 0xRRGGBB. */
uint32_t vt_palette(unsigned index);
