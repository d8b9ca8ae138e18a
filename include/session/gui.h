/*
 * The Gui session, provided by nitpicker (gui/nitpicker): a client's share
 * of the screen. A client allocates pixel buffers (RAM that nitpicker
 * allocates from the quota the client paid and hands out writable), shows
 * parts of them in views (position, size, buffer offset, stacking, title),
 * tells nitpicker which rectangles of a buffer changed, and reads its input
 * from a ring in the format of the Input session. Nitpicker composes all
 * views onto the screen and draws what no client can touch: the frames and
 * labels of the domains and the pointer. A client can only name its own
 * buffers and views, by small ids; every word it sends is checked.
 */
#pragma once

#include <stdint.h>

#include <base/parent.h>
#include <session/input.h>

/* Pixels as in the Framebuffer session: 0x00RRGGBB in a 32-bit word. */
#define GUI_FORMAT_XRGB8888 1u

enum gui_label {
	/* -> w0: screen width, w1: height, w2: format (GUI_FORMAT_*) */
	GUI_MODE = 1,
	/* -> the input ring (struct input_ring), read-only; w0: its bytes */
	GUI_INPUT = 2,
	/* a signal cap: submitted when events arrive or the mode changes;
	 * a second call replaces the first */
	GUI_SIGH = 3,
	/* w0: width, w1: height -> a writable RAM dataspace cap; w0: the
	 * buffer's id, w1: bytes, w2: stride in pixels (= width) */
	GUI_BUFFER_ALLOC = 4,
	/* w0: buffer id; refused (E_BUSY) while a view shows it */
	GUI_BUFFER_FREE = 5,
	/* w0: buffer id, w1: x, w2: y, w3: width, w4: height, in the buffer:
	 * that rectangle changed; clipped to the buffer, empty is no error */
	GUI_REFRESH = 6,
	/* w0: buffer id -> w0: view id; the view starts empty (0x0), in front
	 * of the views of its layer */
	GUI_VIEW_CREATE = 7,
	/* w0: view id */
	GUI_VIEW_DESTROY = 8,
	/* w0: view id, w1: x, w2: y (signed, in the session's coordinates),
	 * w3: width, w4: height, w5: buffer x, w6: buffer y: the view shows
	 * that rectangle of its buffer, which must lie inside the buffer */
	GUI_VIEW_GEOMETRY = 9,
	/* w0: view id, w1: GUI_STACK_*, w2: neighbour view id (own) */
	GUI_VIEW_STACK = 10,
	/* w0: view id, w1: length (<= GUI_TITLE_MAX), text from w2 on */
	GUI_VIEW_TITLE = 11,
	/* take the keyboard focus: only for domains with focus="set" */
	GUI_FOCUS = 12,
};

enum gui_stack {
	GUI_STACK_FRONT = 0, /* in front of every view of its layer */
	GUI_STACK_BACK = 1,  /* behind every view of its layer */
	GUI_STACK_ABOVE = 2, /* just in front of the neighbour */
	GUI_STACK_BELOW = 3, /* just behind the neighbour */
};

/* Limits, per session. Ids run from 1; 0 names nothing. */
/* The decorator holds a buffer and a view for every window wm shows (at
 * most 32), in one session: so as many of both. */
#define GUI_BUFFERS_MAX 32u
#define GUI_VIEWS_MAX 32u
#define GUI_DIM_MAX 4096u   /* a buffer's width and height */
#define GUI_COORD_MAX 65536 /* |x|, |y| of a view */
#define GUI_TITLE_MAX 64u

/*
 * Quota: a session costs GUI_SESSION_QUOTA (its input ring and bookkeeping);
 * each buffer its bytes rounded up to pages, plus GUI_BUFFER_OVERHEAD and
 * one page per 2 MiB (nitpicker's page tables for the mapping). Ask for
 * the sum in the session's quota.
 */
#define GUI_SESSION_QUOTA (16u * 1024)
#define GUI_BUFFER_OVERHEAD 4096u
static inline uint64_t
gui_buffer_cost(uint64_t w, uint64_t h)
{
	uint64_t bytes = (w * h * 4 + 4095) & ~4095ull;

	return bytes + GUI_BUFFER_OVERHEAD + ((bytes + 0x1fffff) >> 21) * 4096;
}

/*
 * Input: the ring of include/session/input.h, written by nitpicker for this
 * session alone. Keys (INPUT_PRESS, INPUT_RELEASE with key codes) come only
 * while the session has the focus, or as global keys the config routes to
 * it; a release goes where its press went. Pointer events go to the
 * session whose view is under the pointer, or, while a button is held, to
 * the session that got the button's press. Nitpicker never sends
 * INPUT_MOTION; instead:
 *
 * GUI_INPUT_ABSOLUTE: the pointer is at (dx, dy) in the session's
 *   coordinates (those of GUI_VIEW_GEOMETRY); code is the id of the
 *   session's view under it, or GUI_VIEW_NONE (while grabbed outside).
 *   Button presses and wheel events follow the ABSOLUTE event of the
 *   position they happened at.
 * GUI_INPUT_FOCUS: code 1: the session got the keyboard focus; 0: lost it.
 * GUI_INPUT_LEAVE: the pointer left the session's views.
 */
#define GUI_INPUT_ABSOLUTE 16u
#define GUI_INPUT_FOCUS 17u
#define GUI_INPUT_LEAVE 18u
#define GUI_VIEW_NONE 0xffffu
