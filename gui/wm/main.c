/*
 * wm, the window manager: a Gui server to applications and a Gui client
 * of nitpicker. For each session of an application it holds a session at
 * nitpicker with the application's label, passes its buffers through
 * (it never maps them) and makes each of its views a window: wm decides
 * where the window is, which window is in front, and which has the
 * keyboard. The application sees a screen the size of its window
 * (GUI_MODE); a resize is a new mode and a signal. Input passes through
 * wm, which moves pointer positions into the window's coordinates and
 * keeps what it acts on: clicks raise and focus, Alt + drag moves, Alt+Tab
 * switches windows, Alt+F4 closes.
 *
 * One thread serves init's ROOT_CREATE and ROOT_CLOSE and the sessions,
 * and calls init to open and close sessions at nitpicker: init asks us
 * from a worker thread of its own, so that never deadlocks.
 *
 * Decorations are the decorator's (a separate component): wm reports the
 * windows (Report "window_list": frames, titles, buttons, focus); the
 * decorator draws a view for each, titled "window ID", through a Gui
 * session at wm like any other, and wm stacks each decoration right behind
 * its window and acts on clicks into it (title: move, border: resize,
 * buttons: minimise and close). A decorator that dies takes only its
 * views with it; the windows stay, and a new decorator draws them again.
 */
#include <stdarg.h>

#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <input/reader.h>
#include <kernel/syscalls.h>
#include <session/gui.h>
#include <session/pd.h>

#define CLIENTS 16u
#define WINDOWS 32u
/* Room for WINDOWS windows with the longest labels and titles, escaped. */
#define REPORT_BYTES (48u * 1024)
#define SIG_CLIENT(i) (1ul << (i)) /* nitpicker has events for client i */

struct client {
	bool used, closing;
	bool decorator;
	char label[LABEL_MAX];
	uint64_t quota;
	uint64_t gui, gui_id;    /* our session at nitpicker, once used */
	struct input_reader in;  /* nitpicker's ring of that session */
	struct input_ring *ring; /* the client's ring: ours, it reads */
	uint64_t ring_ds, sigh;  /* ... and its signal */
	uint64_t wake; /* our signal, badged SIG_CLIENT(idx), made at start */
	uint64_t session; /* slot for our copy of its session capability */
	unsigned mode_w, mode_h;          /* the screen it sees */
	bool mode_set;                    /* a resize chose mode_w, mode_h */
	int px, py;                       /* the pointer, on the screen */
	unsigned under;                   /* the view under the pointer */
	uint32_t eaten[INPUT_CODES / 32]; /* presses wm kept: keep releases */
};

enum drag {
	DRAG_NONE,
	DRAG_MOVE,
	DRAG_RESIZE
};

struct window {
	bool used, placed, minimised, closed;
	unsigned id, client, view; /* the application's view */
	int x, y;                  /* the content on the screen */
	unsigned w, h, bx, by;     /* size, buffer offset */
	int ax, ay;                /* where the application put it */
	char title[GUI_TITLE_MAX + 1];
	unsigned deco; /* the decorator's view for it, or 0 */
};

static struct client clients[CLIENTS];
static struct window windows[WINDOWS];
static unsigned order[WINDOWS], nordered; /* back to front */
static unsigned focused;                  /* window index + 1, or 0 */
static unsigned screen_w, screen_h, border = 4, title_h = 24, top;
static unsigned next_id, cascade;
/* Badges and generations of the clients' sessions. */
static struct session_slot slots[CLIENTS];
static struct session_table table = {"wm", 0, CLIENTS, slots};
static uint64_t ep, sig, rcv, pass; /* pass: a capability we hand on */
static struct report report;
static bool reporting;
static char decorator_label[LABEL_MAX] = "decorator";
static char later[128];

static struct {
	enum drag kind;
	unsigned win; /* index */
	int px, py;   /* pointer at the press */
	int x, y;     /* window at the press */
	unsigned w, h;
	bool left, right, bottom, top_edge;
} drag;

/* ---- talking to nitpicker ---- */

static int
np(struct client *c, unsigned label, unsigned n, const uint64_t *args)
{
	uint64_t *m = utcb_self()->msg;

	for (unsigned i = 0; i < n; i++)
		m[i] = args[i];
	return (int)rpc_call(c->gui, label, n, 0, 0, NULL);
}

static struct client *
decorator(void)
{
	for (unsigned i = 0; i < CLIENTS; i++)
		if (clients[i].used && clients[i].decorator && clients[i].gui &&
		    !clients[i].closing)
			return &clients[i];
	return NULL;
}

static void
frame(const struct window *w, int *x, int *y, unsigned *fw, unsigned *fh)
{
	*x = w->x - (int)border;
	*y = w->y - (int)(border + title_h);
	*fw = w->w + 2 * border;
	*fh = w->h + title_h + 2 * border;
}

static bool
hidden(const struct window *w)
{
	return w->minimised || w->closed || !w->placed;
}

/* Puts the window's view (and its decoration's) where it belongs. */
static void
show(struct window *w)
{
	struct client *c = &clients[w->client], *d = decorator();
	uint64_t a[7] = {w->view, (uint64_t)(int64_t)w->x,
	    (uint64_t)(int64_t)w->y, w->w, w->h, w->bx, w->by};

	if (hidden(w))
		a[1] = a[2] = a[3] = a[4] = 0;
	np(c, GUI_VIEW_GEOMETRY, 7, a);
	if (d && w->deco && hidden(w)) {
		uint64_t b[7] = {w->deco, 0, 0, 0, 0, 0, 0};

		np(d, GUI_VIEW_GEOMETRY, 7, b);
	}
}

/* Decoration just behind its window, both in front of the rest. */
static void
to_front(struct window *w)
{
	struct client *d = decorator();

	if (d && w->deco)
		np(d, GUI_VIEW_STACK, 3,
		    (uint64_t[]){w->deco, GUI_STACK_FRONT, 0});
	np(&clients[w->client], GUI_VIEW_STACK, 3,
	    (uint64_t[]){w->view, GUI_STACK_FRONT, 0});
}

static void
restack(void)
{
	for (unsigned i = 0; i < nordered; i++)
		to_front(&windows[order[i]]);
}

/* ---- the window list, for the decorator (and a panel) ---- */

static size_t
put(size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (at >= REPORT_BYTES)
		return at;
	va_start(ap, fmt);
	n = fmt_vsnprintf((char *)report.buf + at, REPORT_BYTES - at, fmt, ap);
	va_end(ap);
	return n < 0 ? REPORT_BYTES : at + (size_t)n;
}

/* s as an attribute value: labels and titles come from clients. */
static size_t
put_escaped(size_t at, const char *s)
{
	if (at >= REPORT_BYTES)
		return at;
	return at +
	    config_escape((char *)report.buf + at, REPORT_BYTES - at, s,
		strlen(s));
}

static void
publish(void)
{
	size_t at;

	if (!reporting)
		return;
	at = put(0, "<window_list border=\"%u\" title_height=\"%u\">\n", border,
	    title_h);
	for (unsigned i = 0; i < nordered; i++) {
		struct window *w = &windows[order[i]];
		unsigned fw, fh;
		int fx, fy;

		frame(w, &fx, &fy, &fw, &fh);
		at = put(at, " <window id=\"%u\" label=\"", w->id);
		at = put_escaped(at, clients[w->client].label);
		at = put(at, "\" title=\"");
		at = put_escaped(at, w->title);
		at = put(at,
		    "\" x=\"%d\" y=\"%d\" width=\"%u\" height=\"%u\" "
		    "focused=\"%s\" minimised=\"%s\" closed=\"%s\">\n",
		    fx, fy, fw, fh, focused == order[i] + 1 ? "yes" : "no",
		    w->minimised ? "yes" : "no", w->closed ? "yes" : "no");
		at = put(at,
		    "  <button name=\"minimise\" x=\"%u\" y=\"%u\" "
		    "width=\"%u\" height=\"%u\"/>\n",
		    fw - border - 2 * title_h, border, title_h, title_h);
		at = put(at,
		    "  <button name=\"close\" x=\"%u\" y=\"%u\" width=\"%u\" "
		    "height=\"%u\"/>\n </window>\n",
		    fw - border - title_h, border, title_h, title_h);
	}
	at = put(at, "</window_list>\n");
	if (at >= REPORT_BYTES) {
		fmt_snprintf(later, sizeof(later),
		    "wm: too many windows to report");
		return;
	}
	report_submit(&report, at);
}

/* ---- windows ---- */

static struct window *
window_of(unsigned client, unsigned view)
{
	for (unsigned i = 0; i < WINDOWS; i++)
		if (windows[i].used && windows[i].client == client &&
		    windows[i].view == view)
			return &windows[i];
	return NULL;
}

static void
unorder(unsigned idx)
{
	for (unsigned i = 0; i < nordered; i++) {
		if (order[i] == idx) {
			memmove(&order[i], &order[i + 1],
			    (nordered - i - 1) * sizeof(order[0]));
			nordered--;
			return;
		}
	}
}

static void
focus(struct window *w)
{
	unsigned idx = (unsigned)(w - windows);

	unorder(idx);
	order[nordered++] = idx;
	to_front(w);
	if (focused != idx + 1)
		np(&clients[w->client], GUI_FOCUS, 0, NULL);
	focused = idx + 1;
	publish();
}

/* The frontmost window that is shown, after w went away or hid. */
static void
refocus(void)
{
	focused = 0;
	for (unsigned i = nordered; i-- > 0;) {
		if (!hidden(&windows[order[i]])) {
			focus(&windows[order[i]]);
			return;
		}
	}
	publish();
}

static void
window_drop(struct window *w)
{
	unsigned idx = (unsigned)(w - windows);

	unorder(idx);
	if (drag.kind != DRAG_NONE && drag.win == idx)
		drag.kind = DRAG_NONE;
	memset(w, 0, sizeof(*w));
	if (focused == idx + 1)
		refocus();
	else
		publish();
}

/*
 * Where a new window goes: where the application put its view, if that
 * fits the screen with its frame; else the next place of a cascade.
 */
static void
place(struct window *w)
{
	int left = (int)border, top_y = (int)(top + title_h + border);
	int right = (int)(screen_w - border), bottom = (int)(screen_h - border);

	w->placed = true;
	if (w->ax >= left && w->ay >= top_y && w->ax + (int)w->w <= right &&
	    w->ay + (int)w->h <= bottom) {
		w->x = w->ax;
		w->y = w->ay;
		return;
	}
	w->x = left + (int)(cascade % 8) * 32;
	w->y = top_y + (int)(cascade % 8) * 32;
	cascade++;
	if (w->x + (int)w->w > right)
		w->x = left;
	if (w->y + (int)w->h > bottom)
		w->y = top_y;
}

/* ---- input ---- */

static void
deliver(struct client *c, const struct input_event *ev)
{
	struct input_ring *r = c->ring;

	r->ev[r->head % INPUT_RING_EVENTS] = *ev;
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
}

static bool
eaten(struct client *c, unsigned code, int set)
{
	uint32_t bit = 1u << (code % 32);
	bool was = c->eaten[code / 32] & bit;

	if (set > 0)
		c->eaten[code / 32] |= bit;
	else if (set < 0)
		c->eaten[code / 32] &= ~bit;
	return was;
}

static void
drag_motion(int px, int py)
{
	struct window *w = &windows[drag.win];
	int dx = px - drag.px, dy = py - drag.py;

	if (drag.kind == DRAG_MOVE) {
		w->x = drag.x + dx;
		w->y = drag.y + dy;
		if (w->y < (int)(top + title_h + border))
			w->y = (int)(top + title_h + border);
		show(w);
		publish();
	}
}

/* The end of a resize: the application learns its new size. */
static void
drag_end(int px, int py)
{
	struct window *w = &windows[drag.win];
	struct client *c = &clients[w->client];
	int dx = px - drag.px, dy = py - drag.py;
	int nw = (int)drag.w, nh = (int)drag.h;

	if (drag.kind == DRAG_RESIZE) {
		if (drag.right)
			nw += dx;
		if (drag.left)
			nw -= dx;
		if (drag.bottom)
			nh += dy;
		if (drag.top_edge)
			nh -= dy;
		if (nw < 64)
			nw = 64;
		if (nh < 32)
			nh = 32;
		if (nw > (int)screen_w)
			nw = (int)screen_w;
		if (nh > (int)screen_h)
			nh = (int)screen_h;
		if (drag.left)
			w->x = drag.x + (int)drag.w - nw;
		if (drag.top_edge)
			w->y = drag.y + (int)drag.h - nh;
		c->mode_w = (unsigned)nw;
		c->mode_h = (unsigned)nh;
		c->mode_set = true;
		if (c->sigh)
			sys_sig_submit(c->sigh);
		show(w);
		publish();
	}
	drag.kind = DRAG_NONE;
}

static void
drag_start(struct window *w, enum drag kind, int px, int py)
{
	drag.kind = kind;
	drag.win = (unsigned)(w - windows);
	drag.px = px;
	drag.py = py;
	drag.x = w->x;
	drag.y = w->y;
	drag.w = w->w;
	drag.h = w->h;
}

/*
 * Minimise or close: the window is hidden. wm cannot end a program: a
 * closed window is reported so, for whoever started the program (the
 * launcher).
 */
static void
hide(struct window *w, bool close)
{
	if (close)
		w->closed = true;
	else
		w->minimised = true;
	show(w);
	if (focused == (unsigned)(w - windows) + 1)
		refocus();
	else
		publish();
}

/* Alt+Tab: the window behind all others comes to the front. */
static void
cycle(void)
{
	struct window *w;

	for (unsigned i = 0; i < nordered; i++) {
		w = &windows[order[i]];
		if (w->closed || !w->placed || order[i] + 1 == focused)
			continue;
		if (w->minimised) {
			w->minimised = false;
			show(w);
		}
		focus(w);
		return;
	}
}

/* A press into a decoration: which part of the frame was hit. */
static void
decoration_press(struct window *w, int px, int py)
{
	unsigned fw, fh;
	int fx, fy, x, y;

	frame(w, &fx, &fy, &fw, &fh);
	x = px - fx;
	y = py - fy;
	focused = 0; /* nitpicker may have given the click's focus away */
	focus(w);
	if (y >= (int)border && y < (int)(border + title_h) &&
	    x >= (int)(fw - border - title_h) && x < (int)(fw - border)) {
		hide(w, true);
		return;
	}
	if (y >= (int)border && y < (int)(border + title_h) &&
	    x >= (int)(fw - border - 2 * title_h) &&
	    x < (int)(fw - border - title_h)) {
		hide(w, false);
		return;
	}
	if (y >= (int)border && y < (int)(border + title_h) &&
	    x >= (int)border && x < (int)(fw - border)) {
		drag_start(w, DRAG_MOVE, px, py);
		return;
	}
	drag_start(w, DRAG_RESIZE, px, py);
	drag.left = x < (int)border;
	drag.right = x >= (int)(fw - border);
	drag.top_edge = y < (int)border;
	drag.bottom = y >= (int)(fh - border);
}

static struct window *
deco_window(unsigned view)
{
	for (unsigned i = 0; i < WINDOWS; i++)
		if (windows[i].used && windows[i].deco == view)
			return &windows[i];
	return NULL;
}

/* One event from nitpicker for client c: act on it, or pass it on. */
static void
event(struct client *c, struct input_event ev)
{
	unsigned ci = (unsigned)(c - clients);
	struct window *w;

	if (ev.type == GUI_INPUT_ABSOLUTE) {
		c->px = ev.dx;
		c->py = ev.dy;
		c->under = ev.code;
		if (drag.kind != DRAG_NONE) {
			drag_motion(ev.dx, ev.dy);
			return;
		}
		if (c->decorator)
			return;
		w = window_of(ci, ev.code);
		if (w) { /* into the application's coordinates */
			ev.dx = ev.dx - w->x + w->ax;
			ev.dy = ev.dy - w->y + w->ay;
		}
		deliver(c, &ev);
		return;
	}
	if (ev.type == INPUT_RELEASE && ev.code < INPUT_CODES &&
	    eaten(c, ev.code, -1)) {
		if (ev.code == BTN_LEFT && drag.kind != DRAG_NONE)
			drag_end(c->px, c->py);
		return;
	}
	if (ev.type == INPUT_PRESS && ev.code < INPUT_CODES) {
		if (c->decorator) {
			if (ev.code == BTN_LEFT &&
			    (w = deco_window(c->under))) {
				eaten(c, ev.code, 1);
				decoration_press(w, c->px, c->py);
			}
			return;
		}
		w = window_of(ci, c->under);
		if ((ev.mods & INPUT_MOD_ALT) && ev.code == KEY_TAB) {
			eaten(c, ev.code, 1);
			cycle();
			return;
		}
		if ((ev.mods & INPUT_MOD_ALT) && ev.code == KEY_F4) {
			eaten(c, ev.code, 1);
			if (focused)
				hide(&windows[focused - 1], true);
			return;
		}
		if (ev.code >= BTN_LEFT && ev.code < BTN_END && w) {
			if (focused != (unsigned)(w - windows) + 1 ||
			    order[nordered - 1] != (unsigned)(w - windows))
				focus(w);
			if ((ev.mods & INPUT_MOD_ALT) && ev.code == BTN_LEFT) {
				eaten(c, ev.code, 1);
				drag_start(w, DRAG_MOVE, c->px, c->py);
				return;
			}
		}
	}
	if (!c->decorator)
		deliver(c, &ev);
}

static void
input(struct client *c)
{
	struct input_event ev[32];
	unsigned n;
	bool any = false;

	if (!c->gui)
		return;
	while ((n = input_read(&c->in, ev, 32, NULL))) {
		for (unsigned i = 0; i < n; i++)
			event(c, ev[i]);
		any = true;
	}
	if (!c->decorator && c->ring) {
		for (unsigned i = 0; i < INPUT_CODES / 64; i++)
			c->ring->pressed[i] = c->in.ring->pressed[i];
	}
	if (any && c->sigh && !c->decorator)
		sys_sig_submit(c->sigh);
}

/* ---- sessions ---- */

/* Our session at nitpicker for c, at its first call (never inside
 * ROOT_CREATE: init waits for our answer and could not route it). */
static int
connect(struct client *c)
{
	uint64_t *m = utcb_self()->msg, ds;
	void *p;
	int e;

	if (c->gui)
		return 0;
	if ((e = session_open("Gui", c->label, c->quota, &c->gui, &c->gui_id)))
		return e;
	if ((e = np(c, GUI_MODE, 0, NULL)))
		return e;
	screen_w = (unsigned)m[0];
	screen_h = (unsigned)m[1];
	if (!(ds = slot_alloc()) ||
	    (e = (int)rpc_call(c->gui, GUI_INPUT, 0, 0, ds, NULL)) ||
	    (e = ds_attach(ds, m[0], 0, &p)))
		return e ? e : -E_NOMEM;
	input_reader_init(&c->in, p);
	if ((e = (int)rpc_call(c->gui, GUI_SIGH, 0, c->wake, 0, NULL)) ||
	    (e = ram_alloc(INPUT_RING_BYTES, &p, &c->ring_ds)))
		return e;
	c->ring = p;
	c->ring->events = INPUT_RING_EVENTS;
	c->ring->version = INPUT_RING_VERSION;
	return 0;
}

/* A new session (its nitpicker session comes at the first call). */
static int
create(uint64_t *w, uint64_t info, struct reply *r)
{
	struct session_request req;
	struct client *c;
	int i;

	if (session_request_get(w, MSG_NWORDS(info), &req) ||
	    strcmp(req.service, "Gui"))
		return -E_INVAL;
	if ((i = session_table_alloc(&table)) < 0)
		return i;
	c = &clients[i];
	c->quota = req.quota;
	c->decorator = !strcmp(req.label, decorator_label);
	fmt_snprintf(c->label, sizeof(c->label), "%s", req.label);
	/* The client's copy descends from ours, which the close revokes. */
	if (sys_cap_derive(ep, 0, c->session, RIGHT_SEND | RIGHT_GRANT,
		session_table_badge(&table, (unsigned)i))) {
		session_table_free(&table, (unsigned)i);
		return -E_NOMEM;
	}
	c->used = true;
	r->cap = c->session;
	r->rights = RIGHT_SEND | RIGHT_GRANT;
	r->words = 1;
	w[0] = session_table_badge(&table, (unsigned)i);
	return 0;
}

static struct client *
client_of(uint64_t badge)
{
	int i = session_table_find(&table, badge);

	if (i < 0 || !clients[i].used || clients[i].closing)
		return NULL;
	return &clients[i];
}

/* After ROOT_CLOSE: our nitpicker session goes too. */
static void
client_end(struct client *c)
{
	unsigned ci = (unsigned)(c - clients);

	for (unsigned i = 0; i < WINDOWS; i++) {
		if (!windows[i].used)
			continue;
		if (windows[i].client == ci)
			window_drop(&windows[i]);
		else if (c->decorator)
			windows[i].deco = 0;
	}
	if (c->gui)
		session_close(c->gui, c->gui_id);
	if (c->sigh) {
		sys_cap_delete(c->sigh);
		slot_free(c->sigh);
	}
	if (c->ring)
		ram_free(c->ring, c->ring_ds);
	uint64_t wake = c->wake, session = c->session;

	sys_cap_delete(session);
	memset(c, 0, sizeof(*c));
	c->wake = wake;
	c->session = session;
	session_table_free(&table, ci);
}

static void
mode(struct client *c, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;

	if (c->decorator || !c->mode_set) {
		w[0] = c->decorator ? screen_w : screen_w - 2 * border;
		w[1] = c->decorator ? screen_h
				    : screen_h - top - title_h - 2 * border;
	} else {
		w[0] = c->mode_w;
		w[1] = c->mode_h;
	}
	w[2] = GUI_FORMAT_XRGB8888;
	r->words = 3;
}

/* The decorator names its view for window N "window N". */
static void
bind_decoration(unsigned view, const char *title)
{
	unsigned id = 0;

	if (strncmp(title, "window ", 7))
		return;
	for (const char *p = title + 7; *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (unsigned)(*p - '0');
	for (unsigned i = 0; i < WINDOWS; i++)
		if (windows[i].used && windows[i].id == id)
			windows[i].deco = view;
	restack();
}

static int
view_geometry(struct client *c, unsigned ci)
{
	uint64_t *m = utcb_self()->msg;
	struct window *w = window_of(ci, (unsigned)m[0]);

	if (!w)
		return -E_NOENT;
	if (m[3] > GUI_DIM_MAX || m[4] > GUI_DIM_MAX)
		return -E_RANGE;
	w->ax = (int)(int64_t)m[1];
	w->ay = (int)(int64_t)m[2];
	w->w = (unsigned)m[3];
	w->h = (unsigned)m[4];
	w->bx = (unsigned)m[5];
	w->by = (unsigned)m[6];
	if (!w->placed && w->w && w->h) {
		place(w);
		show(w);
		focus(w);
		return 0;
	}
	show(w);
	publish();
	return 0;
}

static int
call(struct client *c, uint64_t info, struct reply *r)
{
	uint64_t *m = utcb_self()->msg, slot;
	unsigned ci = (unsigned)(c - clients), n = MSG_NWORDS(info), i;
	unsigned label = (unsigned)MSG_LABEL(info);
	struct window *w;
	int e;

	/* The first call connects to nitpicker, which uses the words. */
	if (!c->gui) {
		uint64_t save[MSG_WORDS_MAX];

		memcpy(save, m, n * sizeof(m[0]));
		if ((e = connect(c)))
			return e;
		memcpy(m, save, n * sizeof(m[0]));
	}
	switch (label) {
	case GUI_MODE:
		mode(c, r);
		return 0;
	case GUI_INPUT: /* the decorator's stays empty: wm acts on clicks */
		r->cap = c->ring_ds;
		m[0] = INPUT_RING_BYTES;
		r->words = 1;
		return 0;
	case GUI_SIGH:
		if (MSG_NCAPS(info) != 1)
			return -E_INVAL;
		if (c->sigh) {
			sys_cap_delete(c->sigh);
			slot_free(c->sigh);
			c->sigh = 0;
		}
		if (!(slot = slot_alloc()))
			return -E_NOMEM;
		c->sigh = slot;
		return (int)sys_cap_derive(rcv, 0, slot, RIGHT_SEND, 0);
	case GUI_FOCUS:
		return -E_DENIED; /* wm decides */
	case GUI_VIEW_STACK:
		return c->decorator ? -E_DENIED : 0; /* wm decides */
	case GUI_BUFFER_ALLOC:
		if ((e = (int)rpc_call(c->gui, GUI_BUFFER_ALLOC, n, 0, rcv,
			 NULL)))
			return e;
		/* pass nitpicker's dataspace on, writable */
		sys_cap_delete(pass);
		if ((e = (int)sys_cap_derive(rcv, 0, pass, RIGHT_ALL, 0)))
			return e;
		r->cap = pass;
		r->rights = RIGHT_ALL;
		r->words = 3;
		return 0;
	case GUI_VIEW_CREATE:
		if ((e = (int)rpc_call(c->gui, label, n, 0, 0, NULL)))
			return e;
		r->words = 1;
		if (c->decorator)
			return 0;
		for (i = 0; i < WINDOWS && windows[i].used; i++)
			;
		if (i == WINDOWS) {
			np(c, GUI_VIEW_DESTROY, 1, (uint64_t[]){m[0]});
			fmt_snprintf(later, sizeof(later),
			    "wm: '%.60s' asks for a window beyond the %u wm "
			    "shows: refused",
			    c->label, WINDOWS);
			return -E_NOMEM;
		}
		w = &windows[i];
		memset(w, 0, sizeof(*w));
		w->used = true;
		w->id = ++next_id;
		w->client = ci;
		w->view = (unsigned)m[0];
		order[nordered++] = i;
		m[0] = w->view;
		return 0;
	case GUI_VIEW_GEOMETRY:
		if (c->decorator || n < 7)
			break;
		return view_geometry(c, ci);
	case GUI_VIEW_TITLE:
		if (n >= 2 && m[1] <= GUI_TITLE_MAX &&
		    n >= 2 + (m[1] + 7) / 8) {
			char t[GUI_TITLE_MAX + 1];
			unsigned v = (unsigned)m[0];

			memcpy(t, &m[2], m[1]);
			t[m[1]] = 0;
			if ((e = (int)rpc_call(c->gui, label, n, 0, 0, NULL)))
				return e;
			if (c->decorator) {
				bind_decoration(v, t);
			} else if ((w = window_of(ci, v))) {
				memcpy(w->title, t, sizeof(t));
				publish();
			}
			return 0;
		}
		return -E_INVAL;
	case GUI_VIEW_DESTROY:
		if (!c->decorator && (w = window_of(ci, (unsigned)m[0]))) {
			if ((e = (int)rpc_call(c->gui, label, n, 0, 0, NULL)))
				return e;
			window_drop(w);
			return 0;
		}
		break;
	}
	/* the rest as it is: nitpicker checks every word */
	return (int)rpc_call(c->gui, label, n, 0, 0, NULL);
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	struct client *c;

	if (MSG_LABEL(info) == SIGNAL_LABEL) {
		for (unsigned i = 0; i < CLIENTS; i++) {
			if ((badge & SIG_CLIENT(i)) && clients[i].used)
				input(&clients[i]);
		}
		if (later[0]) {
			log_printf("%s", later);
			later[0] = 0;
		}
		return;
	}
	if (!badge && MSG_LABEL(info) == ROOT_CREATE) {
		r->error = create(utcb_self()->msg, info, r);
		return;
	}
	if (!badge && MSG_LABEL(info) == ROOT_UPGRADE) {
		/* The client's session grows: so does ours at nitpicker. */
		uint64_t quota = utcb_self()->msg[1];

		if (!(c = client_of(utcb_self()->msg[0])) || quota < c->quota) {
			r->error = c ? -E_INVAL : -E_CAP;
			return;
		}
		r->error = c->gui ? parent_upgrade(c->gui_id, quota, 0) : 0;
		if (!r->error)
			c->quota = quota;
		return;
	}
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		if ((c = client_of(utcb_self()->msg[0]))) {
			c->closing = true;
			/* every copy of its capability dies now */
			sys_cap_revoke(c->session);
			client_end(c);
		}
		r->error = 0;
		return;
	}
	if (session_table_lookup(&table, badge) < 0 ||
	    !(c = client_of(badge))) {
		r->error = -E_CAP;
		return;
	}
	r->rights = RIGHT_SEND | RIGHT_GRANT;
	r->error = call(c, info, r);
}

/* Each client's signal and session slot, made once at start. */
static int
clients_init(void)
{
	for (unsigned i = 0; i < CLIENTS; i++)
		if (!(clients[i].wake = slot_alloc()) ||
		    !(clients[i].session = slot_alloc()) ||
		    sys_cap_derive(sig, 0, clients[i].wake,
			RIGHT_SEND | RIGHT_GRANT, SIG_CLIENT(i)))
			return -E_NOMEM;
	return 0;
}

static void
read_config(void)
{
	struct config cfg;
	struct config_node root, d;
	uint64_t v;

	if (config_load(&cfg))
		return; /* logged; the defaults stand */
	root = config_root(&cfg);
	if (!config_attr_u64(root, "border", 4, &v) && v <= 32)
		border = (unsigned)v;
	if (!config_attr_u64(root, "title_height", 24, &v) && v >= 8 && v <= 64)
		title_h = (unsigned)v;
	if (!config_attr_u64(root, "top", 0, &v) && v <= 256)
		top = (unsigned)v;
	if (!config_child(root, "decorator", &d) && config_has_attr(d, "label"))
		config_attr_copy(d, "label", decorator_label,
		    sizeof(decorator_label));
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	int e;

	read_config();
	if ((e = object_create(KOBJ_ENDPOINT, &ep)) ||
	    (e = object_create(KOBJ_SIGNAL, &sig)) ||
	    (e = (int)sys_sig_bind(sig, ep)) || !(rcv = slot_alloc()) ||
	    !(pass = slot_alloc())) {
		log_printf("wm: cannot create its endpoint: error %d", -e);
		return 1;
	}
	if (report_open(&report, "window_list", REPORT_BYTES))
		log_printf("wm: no window_list report: decorations will "
			   "not be drawn");
	else
		reporting = true;
	publish();
	if ((e = clients_init())) {
		log_printf("wm: no room for its clients: error %d", -e);
		return 1;
	}
	if ((e = service_announce("Gui", ep))) {
		log_printf("wm: cannot announce Gui: error %d", -e);
		return 1;
	}
	server_loop(ep, rcv, handle);
}
