/*
 * The terminal emulator: one Gui view (nitpicker's, or later a window
 * manager's) showing a VT100/xterm screen drawn with FreeType, and the
 * Terminal service (include/session/terminal.h) for every program that
 * shares this screen and its keyboard, as processes share a tty. The
 * screen model, the line discipline and the key mapping live in their own
 * files without I/O (vt_*.c, ldisc.c, keys.c); this file reads the config,
 * talks to the Gui session and serves the clients. Config: README.md.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/tsc.h>
#include <input/keymap.h>
#include <input/reader.h>
#include <kernel/syscalls.h>
#include <gui/client.h>
#include <session/terminal.h>

#include "keys.h"
#include "ldisc.h"
#include "render.h"
#include "vt.h"

#define SESSIONS_MAX 16u
/* Signal badges, below every session badge (<base/session_table.h>). */
#define BADGE_GUI 1u  /* the Gui session's signal, bound to our endpoint */
#define BADGE_TICK 2u /* the ticker's, the same signal */
#define FRAME_US 20000u
#define S_IFCHR_RW 0020666u

struct session {
	uint64_t sigh; /* 0: none yet */
	uint64_t intr; /* TERMINAL_INTR_SIGH's, 0: none */
	char label[LABEL_MAX];
};

static struct {
	unsigned font_px, cols, rows, width, height, scrollback;
	int x, y;
	struct render_colors colors;
	const struct keymap *layout;
	char font[64], bold_font[64], title[GUI_TITLE_MAX + 1];
} opt;

static struct {
	struct gui g;
	uint64_t sig, buffer, view; /* sig: ours, bound to the endpoint */
	unsigned w, h;              /* the buffer's */
	uint32_t *pix;
} gui;

static struct {
	uint64_t arm, sleep, fire; /* signals: wait, never submitted, ours */
	uint64_t last, frame;      /* TSC at the last drawing, per frame */
	bool armed;
} tick;

static struct vt vt;
static struct ldisc ld;
static struct render rnd;
static struct font *font;
static struct session sessions[SESSIONS_MAX];
static struct session_slot slots[SESSIONS_MAX];
static struct session_table table = {"terminal", 0, SESSIONS_MAX, slots};
static uint64_t ep, rcv;
static bool notify;         /* clients must hear of new input or a new size */
static unsigned interrupts; /* ld.interrupts the clients heard of */

/* A string attribute, if there is one; too long is an error. */
static int
string(struct config_node n, const char *attr, char *buf, size_t len)
{
	if (!config_has_attr(n, attr))
		return 0;
	if (config_attr_copy(n, attr, buf, len)) {
		log_printf("config: %s is too long (at most %u bytes)", attr,
		    (unsigned)len - 1);
		return -E_INVAL;
	}
	return 0;
}

static int
read_config(void)
{
	struct config cfg;
	struct config_node root, n;
	uint64_t v[5];
	char layout[16] = "us";

	render_colors_default(&opt.colors);
	strcpy(opt.font, "DejaVuSansMono.ttf");
	strcpy(opt.bold_font, "DejaVuSansMono-Bold.ttf");
	strcpy(opt.title, "terminal");
	if (config_load(&cfg))
		return -E_INVAL;
	root = config_root(&cfg);
	if (config_attr_u64(root, "font_size", 16, &v[0]) ||
	    config_attr_u64(root, "columns", 0, &v[1]) ||
	    config_attr_u64(root, "rows", 0, &v[2]) ||
	    config_attr_u64(root, "scrollback", 1000, &v[3]) || v[0] < 6 ||
	    v[0] > 128 || v[1] > VT_COLS_MAX || v[2] > VT_ROWS_MAX ||
	    v[3] > 100000) {
		log_printf("config: font_size (6-128), columns (up to %u), "
			   "rows (up to %u), scrollback (up to 100000)",
		    VT_COLS_MAX, VT_ROWS_MAX);
		return -E_INVAL;
	}
	opt.font_px = (unsigned)v[0];
	opt.cols = (unsigned)v[1];
	opt.rows = (unsigned)v[2];
	opt.scrollback = (unsigned)v[3];
	if (config_attr_u64(root, "x", 0, &v[0]) ||
	    config_attr_u64(root, "y", 0, &v[1]) || v[0] > GUI_COORD_MAX ||
	    v[1] > GUI_COORD_MAX) {
		log_printf("config: x and y are pixels, 0-%u", GUI_COORD_MAX);
		return -E_INVAL;
	}
	opt.x = (int)v[0];
	opt.y = (int)v[1];
	if (config_attr_u64(root, "width", 0, &v[0]) ||
	    config_attr_u64(root, "height", 0, &v[1]) || v[0] > GUI_DIM_MAX ||
	    v[1] > GUI_DIM_MAX) {
		log_printf("config: width and height are pixels, up to %u",
		    GUI_DIM_MAX);
		return -E_INVAL;
	}
	opt.width = (unsigned)v[0];
	opt.height = (unsigned)v[1];
	if (string(root, "font", opt.font, sizeof(opt.font)) ||
	    string(root, "bold_font", opt.bold_font, sizeof(opt.bold_font)) ||
	    string(root, "title", opt.title, sizeof(opt.title)) ||
	    string(root, "keymap", layout, sizeof(layout)))
		return -E_INVAL;
	if (!(opt.layout = keymap_find(layout))) {
		log_printf("config: no keymap '%s'", layout);
		return -E_INVAL;
	}
	if (config_attr_color(root, "fg", opt.colors.fg, &opt.colors.fg) ||
	    config_attr_color(root, "bg", opt.colors.bg, &opt.colors.bg) ||
	    config_attr_color(root, "cursor", opt.colors.cursor,
		&opt.colors.cursor)) {
		log_printf("config: fg, bg and cursor are #rrggbb");
		return -E_INVAL;
	}
	for (int e = config_child(root, "color", &n); !e;
	     e = config_next(n, "color", &n)) {
		uint64_t i;

		if (config_attr_u64(n, "index", 16, &i) || i > 15 ||
		    config_attr_color(n, "value", opt.colors.base[i],
			&opt.colors.base[i])) {
			log_printf("config: <color index=\"0-15\" "
				   "value=\"#rrggbb\"/>");
			return -E_INVAL;
		}
	}
	return 0;
}

/* The size in cells: configured (if config), or what fills the mode. */
static void
choose_size(unsigned *cols, unsigned *rows, bool config)
{
	unsigned cw, ch;

	font_cell(font, &cw, &ch);
	*cols = gui.g.width / cw;
	*rows = gui.g.height / ch;
	if (config && (opt.cols || opt.width))
		*cols = opt.cols ? opt.cols : opt.width / cw;
	if (config && (opt.rows || opt.height))
		*rows = opt.rows ? opt.rows : opt.height / ch;
	if (*cols < 2)
		*cols = 2;
	if (*rows < 1)
		*rows = 1;
	while (*cols > 2 && (*cols * cw > GUI_DIM_MAX || *cols > VT_COLS_MAX))
		(*cols)--;
	while (*rows > 1 && (*rows * ch > GUI_DIM_MAX || *rows > VT_ROWS_MAX))
		(*rows)--;
}

/* The view shows the buffer's top left w x h pixels at the configured
 * place (a window manager places it as it likes). */
static int
view_geometry(unsigned w, unsigned h)
{
	uint64_t args[7] = {gui.view, (uint64_t)(int64_t)opt.x,
	    (uint64_t)(int64_t)opt.y, w, h, 0, 0};

	return gui_call(&gui.g, GUI_VIEW_GEOMETRY, 7, args);
}

/*
 * The Gui session, paying for a buffer of bw x bh pixels (the most the
 * terminal will show) and our signal (bound to the endpoint) for its
 * input, and the view that shows w x h of it: a resize changes only the
 * view.
 */
static int
term_gui_open(unsigned bw, unsigned bh, unsigned w, unsigned h)
{
	uint64_t copy;
	int e;

	if (!(copy = slot_alloc()) ||
	    (e = (int)sys_cap_derive(gui.sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 BADGE_GUI)))
		return -E_NOMEM;
	if ((e = gui_open_sigh(&gui.g,
		 GUI_SESSION_QUOTA + gui_buffer_cost(bw, bh), copy)) ||
	    (e = gui_buffer(&gui.g, bw, bh, &gui.buffer, &gui.pix)))
		return e;
	gui.w = bw;
	gui.h = bh;
	return gui_view(&gui.g, gui.buffer, opt.x, opt.y, w, h, opt.title,
	    &gui.view);
}

static void
refresh(void *ctx, unsigned x, unsigned y, unsigned w, unsigned h)
{
	uint64_t args[5] = {gui.buffer, x, y, w, h};

	gui_call(&gui.g, GUI_REFRESH, 5, args);
}

/* Echo and the clients' output go to the screen. */
static void
echo(void *ctx, const char *s, size_t n)
{
	vt_write(&vt, s, n);
}

/* A program's output: LF goes to the start of the next line, as a tty's
 * ONLCR does (the programs' termios output flags do not reach us). */
static void
output(const char *s, size_t n)
{
	size_t from = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n') {
			vt_write(&vt, s + from, i - from);
			vt_write(&vt, "\r\n", 2);
			from = i + 1;
		}
	vt_write(&vt, s + from, n - from);
}

/* Answers to queries (cursor position, device attributes) are input. */
static void
take_replies(void)
{
	char buf[VT_REPLY_MAX];
	size_t n = vt_reply_take(&vt, buf, sizeof(buf));

	if (n) {
		ldisc_inject(&ld, buf, n);
		notify = true;
	}
}

static void
key(const struct input_event *ev)
{
	char out[KEYS_MAX];
	size_t n;
	bool shift = ev->mods & INPUT_MOD_SHIFT;

	if (shift && (ev->code == KEY_PAGEUP || ev->code == KEY_PAGEDOWN)) {
		int page = (int)(vt.rows > 1 ? vt.rows - 1 : 1);

		vt_view_scroll(&vt, ev->code == KEY_PAGEUP ? page : -page);
		return;
	}
	if (!(n = keys_bytes(opt.layout, ev->code, ev->mods, vt.app_cursor,
		  out)))
		return;
	vt_view_scroll(&vt, -(int)vt.view); /* typing shows the live screen */
	ldisc_input(&ld, out, n);
	if (ldisc_readable(&ld))
		notify = true;
}

/*
 * A new mode (a window manager resized our window, or the screen
 * changed): the terminal fills it, as far as its buffer goes, and tells
 * its clients.
 */
static void
follow_mode(void)
{
	unsigned ow = gui.g.width, oh = gui.g.height, cols, rows, cw, ch;
	bool focused = rnd.focused;

	if (gui_mode(&gui.g) || (gui.g.width == ow && gui.g.height == oh))
		return;
	font_cell(font, &cw, &ch);
	choose_size(&cols, &rows, false);
	while (cols > 2 && cols * cw > gui.w)
		cols--;
	while (rows > 1 && rows * ch > gui.h)
		rows--;
	if ((cols == vt.cols && rows == vt.rows) || vt_resize(&vt, cols, rows))
		return;
	render_free(&rnd);
	if (render_init(&rnd, font, &opt.colors, gui.pix, gui.w, gui.h, cols,
		rows)) {
		gui.pix = NULL; /* out of memory: nothing drawn any more */
		return;
	}
	rnd.focused = focused;
	view_geometry(cols * cw, rows * ch);
	notify = true;
}

/* The wheel scrolls the scrollback; on the alternate screen (which has
 * none) it is cursor keys for the program, as xterm's alternateScroll. */
static void
wheel(int dz)
{
	char out[KEYS_MAX];
	size_t n;

	if (!vt.alt_active) {
		vt_view_scroll(&vt, -3 * dz);
		return;
	}
	n = keys_bytes(opt.layout, dz < 0 ? KEY_UP : KEY_DOWN, 0, vt.app_cursor,
	    out);
	for (int i = 0; i < 3 * (dz < 0 ? -dz : dz) && i < 30; i++)
		ldisc_input(&ld, out, n);
	if (ldisc_readable(&ld))
		notify = true;
}

static void
input(void)
{
	struct input_event ev[32];
	unsigned n;

	while ((n = input_read(&gui.g.input, ev, 32, NULL)) > 0)
		for (unsigned i = 0; i < n; i++) {
			switch (ev[i].type) {
			case INPUT_PRESS:
				if (ev[i].code < KEY_COUNT)
					key(&ev[i]);
				break;
			case INPUT_WHEEL:
				wheel(ev[i].dz);
				break;
			case GUI_INPUT_FOCUS:
				rnd.focused = ev[i].code == 1;
				break;
			}
		}
}

static struct session *
session_of(uint64_t badge)
{
	int i = session_table_lookup(&table, badge);

	return i < 0 ? NULL : &sessions[i];
}

static void
drop_cap(uint64_t *cap)
{
	if (*cap) {
		sys_cap_delete(*cap);
		slot_free(*cap);
		*cap = 0;
	}
}

/* The signal capability a client sent, in place of *cap. */
static int
take_cap(uint64_t info, uint64_t *cap)
{
	int e;

	if (MSG_NCAPS(info) != 1)
		return -E_INVAL;
	drop_cap(cap);
	if (!(*cap = slot_alloc()))
		return -E_NOMEM;
	if ((e = (int)sys_cap_derive(rcv, 0, *cap, RIGHT_SEND, 0))) {
		slot_free(*cap);
		*cap = 0;
	}
	return e;
}

static int
create(uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct session_request req;
	int i;

	if (session_request_get(w, MSG_NWORDS(info), &req) ||
	    strcmp(req.service, "Terminal"))
		return -E_INVAL;
	if ((i = server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT, r)) <
	    0)
		return i;
	memset(&sessions[i], 0, sizeof(sessions[i]));
	strcpy(sessions[i].label, req.label);
	return 0;
}

/* The Fd protocol and the Terminal's own calls; every word is checked. */
static int
session_call(struct session *s, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	unsigned nwords = MSG_NWORDS(info);
	char buf[FD_DATA_MAX];
	long n;
	int e;

	switch (MSG_LABEL(info)) {
	case FD_READ:
		if (nwords < 1)
			return -E_INVAL;
		/* Zero bytes: is there input? (for poll), consuming nothing. */
		if (!w[0]) {
			if (!ldisc_readable(&ld))
				return -E_AGAIN;
			r->words = 1;
			return 0;
		}
		n = ldisc_read(&ld, buf,
		    w[0] < FD_DATA_MAX ? (size_t)w[0] : FD_DATA_MAX);
		if (n < 0)
			return -E_AGAIN;
		w[0] = (uint64_t)n;
		memcpy(&w[1], buf, (size_t)n);
		r->words = 1 + (unsigned)(n + 7) / 8;
		/* Other readers may want to know there is more. */
		if (ldisc_readable(&ld))
			notify = true;
		return 0;
	case FD_WRITE:
		if (nwords < 1 || w[0] > FD_DATA_MAX ||
		    nwords < 1 + (w[0] + 7) / 8)
			return -E_INVAL;
		output((const char *)&w[1], (size_t)w[0]);
		take_replies();
		r->words = 1;
		return 0;
	case FD_SIGH:
		if ((e = take_cap(info, &s->sigh)))
			return e;
		/* Input that came before the signal is not missed. */
		if (ldisc_readable(&ld))
			sys_sig_submit(s->sigh);
		return 0;
	case FD_STAT:
		w[0] = S_IFCHR_RW;
		w[1] = 0;
		r->words = 2;
		return 0;
	case TERMINAL_SIZE:
		w[0] = vt.cols;
		w[1] = vt.rows;
		r->words = 2;
		return 0;
	case TERMINAL_INTR_SIGH:
		return take_cap(info, &s->intr);
	case TERMINAL_MODE:
		if (nwords < 1 ||
		    (w[0] & ~(uint64_t)(TERMINAL_CANON | TERMINAL_ECHO)))
			return -E_INVAL;
		w[0] = ldisc_mode(&ld, (unsigned)w[0]);
		r->words = 1;
		if (ldisc_readable(&ld))
			notify = true;
		return 0;
	}
	return -E_NOSYS;
}

static int
call(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct session *s;

	/* No logging here: init waits for this reply. */
	if (!badge && MSG_LABEL(info) == ROOT_CREATE)
		return create(info, r);
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		int i = server_session_close(&table, w[0]);

		if (i >= 0) {
			drop_cap(&sessions[i].sigh);
			drop_cap(&sessions[i].intr);
		}
		return 0;
	}
	if (!(s = session_of(badge)))
		return -E_CAP;
	return session_call(s, info, r);
}

static void
signal_all(void)
{
	for (unsigned i = 0; i < SESSIONS_MAX; i++)
		if (slots[i].used && sessions[i].sigh)
			sys_sig_submit(sessions[i].sigh);
	notify = false;
}

/* Ctrl-C in canonical mode: every client that asked hears of it. */
static void
interrupt_all(void)
{
	for (unsigned i = 0; i < SESSIONS_MAX; i++)
		if (sessions[i].intr) /* 0 once closed */
			sys_sig_submit(sessions[i].intr);
	interrupts = ld.interrupts;
}

/*
 * Frames: drawing after every write of a program that prints fast would
 * spend all the time scrolling pixels, so the terminal draws at most
 * every FRAME_US; what comes sooner is drawn when the ticker thread says
 * the time is up. The ticker only waits and submits signals (system
 * calls), so it shares nothing with the rest of the component.
 */
static void *
ticker(void *arg)
{
	for (;;) {
		sys_sig_wait(tick.arm, NULL);
		sys_sig_wait_for(tick.sleep, FRAME_US, NULL);
		sys_sig_submit(tick.fire);
	}
	return NULL;
}

static int
ticker_start(void)
{
	pthread_t t;
	uint64_t khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);

	tick.frame = khz * FRAME_US / 1000;
	if (object_create(KOBJ_SIGNAL, &tick.arm) ||
	    object_create(KOBJ_SIGNAL, &tick.sleep) ||
	    !(tick.fire = slot_alloc()) ||
	    sys_cap_derive(gui.sig, 0, tick.fire, RIGHT_SEND, BADGE_TICK) ||
	    pthread_create(&t, NULL, ticker, NULL))
		return -E_NOMEM;
	return 0;
}

static void
draw(void)
{
	uint64_t now = rdtsc();

	if (!gui.pix)
		return;
	if (now - tick.last < tick.frame) {
		if (!tick.armed) {
			tick.armed = true;
			sys_sig_submit(tick.arm);
		}
		return;
	}
	tick.last = now;
	render_update(&rnd, &vt, refresh, NULL);
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, save[MSG_WORDS_MAX];

	if (MSG_LABEL(info) == SIGNAL_LABEL) {
		if (badge & BADGE_TICK)
			tick.armed = false;
		if (badge & BADGE_GUI) {
			follow_mode();
			input();
		}
	} else {
		r->error = call(badge, info, r);
	}
	/* Drawing calls the Gui server, which overwrites the message words. */
	memcpy(save, w, sizeof(save));
	draw();
	if (notify)
		signal_all();
	if (interrupts != ld.interrupts)
		interrupt_all();
	memcpy(w, save, sizeof(save));
}

static int
load_font(void)
{
	const void *reg, *bold = NULL;
	size_t len, blen = 0;

	if (rom_attach(opt.font, &reg, &len)) {
		log_printf("no font ROM '%s'", opt.font);
		return -E_NOENT;
	}
	if (opt.bold_font[0] && rom_attach(opt.bold_font, &bold, &blen))
		bold = NULL;
	if (!(font = font_open(reg, len, bold, blen, opt.font_px))) {
		log_printf("FreeType cannot use the font '%s'", opt.font);
		return -E_INVAL;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned cols, rows, cw, ch, bw, bh;
	uint64_t id;
	int e;

	if (read_config() || load_font())
		return 1;
	font_cell(font, &cw, &ch);
	if ((e = object_create(KOBJ_ENDPOINT, &ep)) ||
	    (e = object_create(KOBJ_SIGNAL, &gui.sig)) ||
	    (e = (int)sys_sig_bind(gui.sig, ep)) || !(rcv = slot_alloc())) {
		log_printf("cannot create the endpoint: error %d", -e);
		return 1;
	}
	/*
	 * The screen's size first, for a buffer that fills it: a bigger
	 * mode later (a window manager's resize) then needs no new buffer,
	 * nor a new session, which would mean calling init from the server
	 * loop.
	 */
	if ((e = session_open("Gui", "", GUI_SESSION_QUOTA, &gui.g.cap, &id)) ||
	    (e = gui_mode(&gui.g))) {
		log_printf("no Gui session: error %d", -e);
		return 1;
	}
	session_close(gui.g.cap, id);
	choose_size(&cols, &rows, false);
	bw = cols * cw;
	bh = rows * ch;
	choose_size(&cols, &rows, true);
	bw = cols * cw > bw ? cols * cw : bw;
	bh = rows * ch > bh ? rows * ch : bh;
	if ((e = term_gui_open(bw, bh, cols * cw, rows * ch))) {
		log_printf("no Gui session with a %ux%u view: error %d",
		    cols * cw, rows * ch, -e);
		return 1;
	}
	if (vt_init(&vt, cols, rows, opt.scrollback) ||
	    render_init(&rnd, font, &opt.colors, gui.pix, gui.w, gui.h, cols,
		rows)) {
		log_printf("out of memory for %ux%u cells", cols, rows);
		return 1;
	}
	ldisc_init(&ld, echo, NULL);
	render_update(&rnd, &vt, refresh, NULL);
	if ((e = ticker_start())) {
		log_printf("cannot start the ticker thread: error %d", -e);
		return 1;
	}
	/* Logged before the announcement: once init may call us, a log
	 * line (through init) could wait for init, which waits for us. */
	log_printf("%ux%u cells of %ux%u pixels, font %s %u px, keymap %s",
	    cols, rows, cw, ch, font_name(font), opt.font_px,
	    keymap_name(opt.layout));
	if ((e = service_announce("Terminal", ep)))
		return 1;
	server_loop(ep, rcv, handle);
}
