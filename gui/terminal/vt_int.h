/*
 * What the parser (vt_parse.c) asks of the screen model (vt_screen.c):
 * operations on the grid that keep the cursor and every index inside it,
 * whatever numbers a program sends.
 */
#pragma once

#include "vt.h"

void vt_put(struct vt *vt, uint32_t cp);
void vt_linefeed(struct vt *vt);
void vt_reverse_index(struct vt *vt);
void vt_carriage_return(struct vt *vt);
void vt_backspace(struct vt *vt);
void vt_tab(struct vt *vt, int n); /* n > 0 forward, n < 0 backward */

/* Absolute cursor position; row relative to the region under DECOM. */
void vt_goto(struct vt *vt, long row, long col);
void vt_move(struct vt *vt, long drow, long dcol);

/* ED/EL modes: 0 to the end, 1 from the start, 2 all (3: ED with
 * scrollback). */
void vt_erase_display(struct vt *vt, unsigned mode);
void vt_erase_line(struct vt *vt, unsigned mode);
void vt_erase_chars(struct vt *vt, unsigned n);
void vt_insert_chars(struct vt *vt, unsigned n);
void vt_delete_chars(struct vt *vt, unsigned n);
void vt_insert_lines(struct vt *vt, unsigned n);
void vt_delete_lines(struct vt *vt, unsigned n);
void vt_scroll_up(struct vt *vt, unsigned n);
void vt_scroll_down(struct vt *vt, unsigned n);
void vt_set_region(struct vt *vt, unsigned top, unsigned bottom);

void vt_save_cursor(struct vt *vt);
void vt_restore_cursor(struct vt *vt);
void vt_alt_screen(struct vt *vt, bool on, bool save_cursor, bool clear);
void vt_screen_align(struct vt *vt); /* DECALN: fill with E */
void vt_reply(struct vt *vt, const char *s);

/* For vt_resize.c: lines, the scrollback, tab stops. */
struct vt_line *vt_line_new(struct vt *vt, unsigned cols);
void vt_lines_free(struct vt_line **l, unsigned n);
struct vt_line *vt_sb_line(const struct vt *vt, unsigned i); /* 0: oldest */
void vt_sb_clear(struct vt *vt);
void vt_tabs_default(struct vt *vt);
