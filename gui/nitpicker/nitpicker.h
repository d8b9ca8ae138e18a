/*
 * Nitpicker's private state, shared by its files: the screen, the domains
 * its config names, the sessions with their buffers and views, and the
 * stacking order of all views.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <base/parent.h>
#include <session/gui.h>
#include <session/input.h>

#define SESSIONS_MAX 32u
#define DOMAINS_MAX 16u
#define NAME_MAX 32u
#define STACK_MAX (SESSIONS_MAX * GUI_VIEWS_MAX)

/* The trusted decoration around each view of a labelled domain. */
#define FRAME_W 2  /* the border, outside the view */
#define LABEL_H 13 /* the strip with the label, above the border */
#define GLYPH_W 6  /* font cell: 5 pixels and a gap */
#define GLYPH_H 9  /* 7 above the baseline, 2 below */

struct rect {
	int x, y, w, h;
};

enum focus_policy {
	FOCUS_CLICK, /* a click on one of its views gives the session focus */
	FOCUS_NONE,  /* never focused */
	FOCUS_SET,   /* like click, and GUI_FOCUS is allowed */
};

enum origin {
	ORIGIN_TOP_LEFT,
	ORIGIN_TOP_RIGHT,
	ORIGIN_BOTTOM_LEFT,
	ORIGIN_BOTTOM_RIGHT,
};

struct domain {
	char name[NAME_MAX];
	unsigned layer; /* smaller is in front */
	uint32_t color;
	bool label; /* draw frames and labels */
	enum origin origin;
	int xpos, ypos;
	enum focus_policy focus;
};

struct buffer {
	bool used;
	unsigned w, h; /* the stride is w */
	uint32_t *pix;
	uint64_t ds, cost;
};

struct session;

struct view {
	bool used;
	unsigned id;
	struct session *s;
	struct buffer *buf;
	struct rect r; /* on the screen; w or h 0: not shown */
	int bx, by;    /* the buffer pixel shown at r.x, r.y */
	char title[GUI_TITLE_MAX + 1];
};

struct session {
	bool used;
	unsigned gen;
	char label[LABEL_MAX];
	struct domain *dom;
	uint64_t quota, spent;
	struct buffer bufs[GUI_BUFFERS_MAX];
	struct view views[GUI_VIEWS_MAX];
	struct input_ring *ring;
	uint64_t ring_ds, head;
	uint64_t sigh;
	bool pending; /* events written since the last signal */
};

struct screen {
	unsigned w, h;
	uint32_t *pix; /* the framebuffer's back buffer, stride w */
	uint32_t background;
	uint64_t fb; /* the Framebuffer session */
};

extern struct screen screen;
extern struct session sessions[SESSIONS_MAX];
extern struct view *stack[STACK_MAX]; /* back to front */
extern unsigned nstack;
extern bool verbose;

/* log.c: a log line, written by the log thread (never by the server's). */

/* Rectangles. */
struct rect rect_intersect(struct rect a, struct rect b);
bool rect_empty(struct rect r);
bool rect_inside(struct rect inner, struct rect outer);

/* draw.c: what changed, and putting it on the screen. */
void dirty(struct rect r);
void flush(void);
struct rect view_outer(const struct view *v);
void pointer_move(int x, int y);
extern int pointer_x, pointer_y;

/* font.c: the glyph of c, rows top down, bit 4 leftmost; '?' if none. */
const uint8_t *font_glyph(char c);

/* view.c */
void stack_remove(struct view *v);
void stack_insert(struct view *v, unsigned how, struct view *neighbour);
struct view *view_at(int x, int y);
void origin_of(const struct domain *d, int *x, int *y);

/* input.c */
void input_setup(void *ring);
void input_handle(void);
void input_session_gone(struct session *s);
int input_focus(struct session *s);
struct session *input_focused(void);
int input_global_key(unsigned code, const char *label);
void session_event(struct session *s, unsigned type, unsigned code, int dx,
    int dy);
void session_signal_all(void);
