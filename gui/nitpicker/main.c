/*
 * nitpicker, the GUI multiplexer: it holds the Framebuffer and Input
 * sessions and shares them out as Gui sessions (include/session/gui.h).
 * Each session is put into a domain by its label, as the config says; a
 * domain decides the layer, the frame colour and whether its views get a
 * trusted frame with the session's label. This file reads the config and
 * serves the sessions; draw.c composes the screen, view.c keeps the
 * stacking order, input.c routes input.
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <input/keymap.h>
#include <kernel/syscalls.h>
#include <session/framebuffer.h>
#include <session/input.h>

#include "nitpicker.h"

#define BADGE_INPUT 1u /* the driver's signal; no session badge is this */

struct screen screen;
struct session sessions[SESSIONS_MAX];
bool verbose;

static struct config cfg;
static struct domain domains[DOMAINS_MAX];
static unsigned ndomains;
static uint64_t ep, rcv;
static struct session_slot slots[SESSIONS_MAX];
static struct session_table table = {"nitpicker", 0, SESSIONS_MAX, slots};

/* A signed attribute: "-20" or "20". */
static int
parse_int(struct config_node n, const char *attr, int *out)
{
	char buf[16];
	const char *p = buf;
	int v = 0, sign = 1;

	*out = 0;
	if (!config_has_attr(n, attr))
		return 0;
	if (config_attr_copy(n, attr, buf, sizeof(buf)))
		return -E_INVAL;
	if (*p == '-') {
		sign = -1;
		p++;
	}
	if (!*p)
		return -E_INVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > GUI_COORD_MAX)
			return -E_INVAL;
		v = v * 10 + (*p - '0');
	}
	*out = sign * v;
	return 0;
}

static int
parse_domain(struct config_node n, struct domain *d)
{
	char buf[16];
	uint64_t layer;

	memset(d, 0, sizeof(*d));
	if (config_attr_copy(n, "name", d->name, sizeof(d->name)) ||
	    config_attr_u64(n, "layer", 2, &layer) || layer > 1000 ||
	    config_attr_color(n, "color", 0x808080, &d->color) ||
	    config_attr_bool(n, "label", true, &d->label) ||
	    parse_int(n, "xpos", &d->xpos) || parse_int(n, "ypos", &d->ypos))
		return -E_INVAL;
	d->layer = (unsigned)layer;
	if (config_attr_copy(n, "origin", buf, sizeof(buf)))
		fmt_snprintf(buf, sizeof(buf), "top_left");
	if (!strcmp(buf, "top_left"))
		d->origin = ORIGIN_TOP_LEFT;
	else if (!strcmp(buf, "top_right"))
		d->origin = ORIGIN_TOP_RIGHT;
	else if (!strcmp(buf, "bottom_left"))
		d->origin = ORIGIN_BOTTOM_LEFT;
	else if (!strcmp(buf, "bottom_right"))
		d->origin = ORIGIN_BOTTOM_RIGHT;
	else
		return -E_INVAL;
	if (config_attr_copy(n, "focus", buf, sizeof(buf)))
		fmt_snprintf(buf, sizeof(buf), "click");
	if (!strcmp(buf, "click"))
		d->focus = FOCUS_CLICK;
	else if (!strcmp(buf, "none"))
		d->focus = FOCUS_NONE;
	else if (!strcmp(buf, "set"))
		d->focus = FOCUS_SET;
	else
		return -E_INVAL;
	return 0;
}

static unsigned
key_code(const char *name)
{
	for (unsigned c = 1; c < INPUT_CODES; c++)
		if (!strcmp(input_code_name(c), name))
			return c;
	return 0;
}

static int
read_config(void)
{
	struct config_node root, n;
	char name[32], label[LABEL_MAX];
	unsigned code;

	if (config_load(&cfg))
		return -E_INVAL;
	root = config_root(&cfg);
	config_attr_bool(root, "verbose", false, &verbose);
	if (config_attr_color(root, "background", 0x303848,
		&screen.background)) {
		log_printf("config: background must be #rrggbb");
		return -E_INVAL;
	}
	for (int e = config_child(root, "domain", &n); !e;
	     e = config_next(n, "domain", &n)) {
		if (ndomains == DOMAINS_MAX) {
			log_printf("config: more than %u domains", DOMAINS_MAX);
			return -E_RANGE;
		}
		if (parse_domain(n, &domains[ndomains])) {
			log_printf("config: domain %u is malformed (name, "
				   "layer, color, label, origin, xpos, ypos, "
				   "focus)",
			    ndomains + 1);
			return -E_INVAL;
		}
		ndomains++;
	}
	for (int e = config_child(root, "global-key", &n); !e;
	     e = config_next(n, "global-key", &n)) {
		if (config_attr_copy(n, "name", name, sizeof(name)) ||
		    config_attr_copy(n, "label", label, sizeof(label)) ||
		    !(code = key_code(name)) || code >= KEY_COUNT) {
			log_printf("config: global-key needs a key name and a "
				   "label");
			return -E_INVAL;
		}
		if (input_global_key(code, label)) {
			log_printf("config: more than 16 global keys");
			return -E_RANGE;
		}
	}
	return 0;
}

static struct domain *
domain_named(const char *name)
{
	for (unsigned i = 0; i < ndomains; i++)
		if (!strcmp(domains[i].name, name))
			return &domains[i];
	return NULL;
}

/* The first <policy> that matches, else <default-policy>, names it. */
static struct domain *
policy_domain(const char *label)
{
	struct config_node root = config_root(&cfg), p;
	char name[NAME_MAX];

	for (int e = config_child(root, "policy", &p); !e;
	     e = config_next(p, "policy", &p)) {
		if (config_label_matches(p, label)) {
			if (config_attr_copy(p, "domain", name, sizeof(name)))
				return NULL;
			return domain_named(name);
		}
	}
	if (!config_child(root, "default-policy", &p) &&
	    !config_attr_copy(p, "domain", name, sizeof(name)))
		return domain_named(name);
	return NULL;
}

static int
create(uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct session_request req;
	struct session *s;
	struct domain *d;
	int i;
	void *p;
	uint64_t ring_ds;

	if (session_request_get(w, MSG_NWORDS(info), &req) ||
	    strcmp(req.service, "Gui"))
		return -E_INVAL;
	if (!(d = policy_domain(req.label))) {
		log_printf("no policy (or no such domain) for '%s'", req.label);
		return -E_DENIED;
	}
	if (req.quota < GUI_SESSION_QUOTA) {
		log_printf("'%s' pays %lu bytes, a session needs %u", req.label,
		    req.quota, GUI_SESSION_QUOTA);
		return -E_NOMEM;
	}
	if (ram_alloc(INPUT_RING_BYTES, &p, &ring_ds))
		return -E_NOMEM;
	if ((i = server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT, r)) <
	    0) {
		ram_free(p, ring_ds);
		log_printf("'%s' refused: %u sessions already", req.label,
		    SESSIONS_MAX);
		return i;
	}
	s = &sessions[i];
	memset(s, 0, sizeof(*s));
	s->ring = p;
	s->ring_ds = ring_ds;
	s->ring->events = INPUT_RING_EVENTS;
	s->ring->version = INPUT_RING_VERSION;
	s->used = true;
	s->gen = slots[i].gen; /* what focus references check */
	s->dom = d;
	s->quota = req.quota;
	fmt_snprintf(s->label, sizeof(s->label), "%s", req.label);
	if (verbose) {
		/* Logging is a call: it would take the reply's session id. */
		uint64_t id = utcb_self()->msg[0];

		log_printf("session '%s' in domain '%s'", s->label, d->name);
		utcb_self()->msg[0] = id;
	}
	return 0;
}

static void
destroy_view(struct view *v)
{
	if (v->buf)
		dirty(view_outer(v));
	stack_remove(v);
	memset(v, 0, sizeof(*v));
}

static void
session_end(struct session *s)
{
	for (unsigned i = 0; i < GUI_VIEWS_MAX; i++)
		if (s->views[i].used)
			destroy_view(&s->views[i]);
	for (unsigned i = 0; i < GUI_BUFFERS_MAX; i++)
		if (s->bufs[i].used)
			ram_free(s->bufs[i].pix, s->bufs[i].ds);
	ram_free(s->ring, s->ring_ds);
	if (s->sigh) {
		sys_cap_delete(s->sigh);
		slot_free(s->sigh);
	}
	input_session_gone(s);
	if (verbose)
		log_printf("session '%s' closed", s->label);
	s->used = false;
}

static struct session *
session_of(uint64_t badge)
{
	int i = session_table_lookup(&table, badge);

	return i < 0 ? NULL : &sessions[i];
}

static struct buffer *
buffer_of(struct session *s, uint64_t id)
{
	if (id < 1 || id > GUI_BUFFERS_MAX || !s->bufs[id - 1].used)
		return NULL;
	return &s->bufs[id - 1];
}

static struct view *
view_of(struct session *s, uint64_t id)
{
	if (id < 1 || id > GUI_VIEWS_MAX || !s->views[id - 1].used)
		return NULL;
	return &s->views[id - 1];
}

static int
buffer_alloc(struct session *s, const uint64_t *w, struct reply *r)
{
	uint64_t *out = utcb_self()->msg, cost, bw = w[0], bh = w[1];
	struct buffer *b = NULL;
	unsigned i;
	void *p;

	/* ram_alloc below calls core: the message words are gone then. */
	if (bw < 1 || bw > GUI_DIM_MAX || bh < 1 || bh > GUI_DIM_MAX)
		return -E_RANGE;
	cost = gui_buffer_cost(bw, bh);
	if (s->spent + cost > s->quota - GUI_SESSION_QUOTA)
		return -E_NOMEM;
	for (i = 0; i < GUI_BUFFERS_MAX && !b; i++)
		if (!s->bufs[i].used)
			b = &s->bufs[i];
	if (!b)
		return -E_NOMEM;
	if (ram_alloc(bw * bh * 4, &p, &b->ds))
		return -E_NOMEM;
	b->used = true;
	b->pix = p;
	b->w = (unsigned)bw;
	b->h = (unsigned)bh;
	b->cost = cost;
	s->spent += cost;
	r->cap = b->ds;
	r->rights = RIGHT_ALL;
	out[0] = (uint64_t)(b - s->bufs) + 1;
	out[1] = bw * bh * 4;
	out[2] = bw;
	r->words = 3;
	return 0;
}

static int
buffer_free(struct session *s, struct buffer *b)
{
	for (unsigned i = 0; i < GUI_VIEWS_MAX; i++)
		if (s->views[i].used && s->views[i].buf == b)
			return -E_BUSY;
	ram_free(b->pix, b->ds);
	s->spent -= b->cost;
	memset(b, 0, sizeof(*b));
	return 0;
}

/* The rectangle of b changed: the parts of it that views show are dirty. */
static void
refresh(struct session *s, struct buffer *b, const uint64_t *w)
{
	struct rect in;
	uint64_t x = w[1], y = w[2], rw = w[3], rh = w[4];

	if (x >= b->w || y >= b->h)
		return;
	if (rw > b->w - x)
		rw = b->w - x;
	if (rh > b->h - y)
		rh = b->h - y;
	in = (struct rect){(int)x, (int)y, (int)rw, (int)rh};
	for (unsigned i = 0; i < GUI_VIEWS_MAX; i++) {
		struct view *v = &s->views[i];
		struct rect win, r;

		if (!v->used || v->buf != b || rect_empty(v->r))
			continue;
		win = (struct rect){v->bx, v->by, v->r.w, v->r.h};
		r = rect_intersect(in, win);
		if (rect_empty(r))
			continue;
		r.x += v->r.x - v->bx;
		r.y += v->r.y - v->by;
		dirty(r);
	}
}

static bool
coord_ok(uint64_t v)
{
	int64_t c = (int64_t)v;

	return c >= -GUI_COORD_MAX && c <= GUI_COORD_MAX;
}

static int
view_geometry(struct view *v, const uint64_t *w)
{
	const struct buffer *b = v->buf;
	int ox, oy;

	if (!coord_ok(w[1]) || !coord_ok(w[2]) || w[3] > GUI_DIM_MAX ||
	    w[4] > GUI_DIM_MAX || w[5] > b->w || w[6] > b->h ||
	    w[3] > b->w - w[5] || w[4] > b->h - w[6])
		return -E_RANGE;
	origin_of(v->s->dom, &ox, &oy);
	if (!rect_empty(v->r))
		dirty(view_outer(v));
	v->r = (struct rect){(int)(int64_t)w[1] + ox, (int)(int64_t)w[2] + oy,
	    (int)w[3], (int)w[4]};
	v->bx = (int)w[5];
	v->by = (int)w[6];
	if (rect_empty(v->r))
		v->r.w = v->r.h = 0;
	else
		dirty(view_outer(v));
	return 0;
}

static int
view_create(struct session *s, struct buffer *b)
{
	uint64_t *out = utcb_self()->msg;
	struct view *v = NULL;

	for (unsigned i = 0; i < GUI_VIEWS_MAX && !v; i++)
		if (!s->views[i].used)
			v = &s->views[i];
	if (!v)
		return -E_NOMEM;
	memset(v, 0, sizeof(*v));
	v->used = true;
	v->s = s;
	v->buf = b;
	v->id = (unsigned)(v - s->views) + 1;
	stack_insert(v, GUI_STACK_FRONT, NULL);
	out[0] = v->id;
	return 0;
}

static int
view_stack(struct session *s, struct view *v, const uint64_t *w,
    unsigned nwords)
{
	struct view *n = NULL;

	if (w[1] > GUI_STACK_BELOW)
		return -E_INVAL;
	if (w[1] == GUI_STACK_ABOVE || w[1] == GUI_STACK_BELOW) {
		if (nwords < 3)
			return -E_INVAL;
		if (!(n = view_of(s, w[2])) || n == v)
			return -E_NOENT;
	}
	if (!rect_empty(v->r))
		dirty(view_outer(v));
	stack_remove(v);
	stack_insert(v, (unsigned)w[1], n);
	return 0;
}

static int
view_title(struct view *v, const uint64_t *w, unsigned nwords)
{
	if (w[1] > GUI_TITLE_MAX || (w[1] + 7) / 8 > nwords - 2)
		return -E_INVAL;
	msg_get_str(w, nwords, 2, w[1], v->title, sizeof(v->title));
	/* Only printable ASCII reaches the font. */
	for (char *c = v->title; *c; c++)
		if (*c < ' ' || *c > '~')
			*c = '?';
	if (!rect_empty(v->r))
		dirty(view_outer(v));
	return 0;
}

/* How many words each call needs at least. */
static const unsigned call_words[] = {
    [GUI_BUFFER_ALLOC] = 2,
    [GUI_BUFFER_FREE] = 1,
    [GUI_REFRESH] = 5,
    [GUI_VIEW_CREATE] = 1,
    [GUI_VIEW_DESTROY] = 1,
    [GUI_VIEW_GEOMETRY] = 7,
    [GUI_VIEW_STACK] = 2,
    [GUI_VIEW_TITLE] = 2,
};

static int
session_call(struct session *s, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, label = MSG_LABEL(info);
	unsigned nwords = MSG_NWORDS(info);
	struct buffer *b;
	struct view *v;

	if (label < sizeof(call_words) / sizeof(call_words[0]) &&
	    nwords < call_words[label])
		return -E_INVAL;
	switch (label) {
	case GUI_MODE:
		w[0] = screen.w;
		w[1] = screen.h;
		w[2] = GUI_FORMAT_XRGB8888;
		r->words = 3;
		return 0;
	case GUI_INPUT:
		r->cap = s->ring_ds;
		r->rights = RIGHT_SEND | RIGHT_GRANT; /* no RECV: read-only */
		w[0] = INPUT_RING_BYTES;
		r->words = 1;
		return 0;
	case GUI_SIGH:
		if (MSG_NCAPS(info) != 1)
			return -E_INVAL;
		if (s->sigh) {
			sys_cap_delete(s->sigh);
			slot_free(s->sigh);
		}
		if (!(s->sigh = slot_alloc()))
			return -E_NOMEM;
		return (int)sys_cap_derive(rcv, 0, s->sigh, RIGHT_SEND, 0);
	case GUI_BUFFER_ALLOC:
		return buffer_alloc(s, w, r);
	case GUI_BUFFER_FREE:
		if (!(b = buffer_of(s, w[0])))
			return -E_NOENT;
		return buffer_free(s, b);
	case GUI_REFRESH:
		if (!(b = buffer_of(s, w[0])))
			return -E_NOENT;
		refresh(s, b, w);
		return 0;
	case GUI_VIEW_CREATE:
		if (!(b = buffer_of(s, w[0])))
			return -E_NOENT;
		if (view_create(s, b))
			return -E_NOMEM;
		r->words = 1;
		return 0;
	case GUI_FOCUS:
		return input_focus(s);
	}
	if (label < GUI_VIEW_DESTROY || label > GUI_VIEW_TITLE)
		return -E_NOSYS;
	if (!(v = view_of(s, w[0])))
		return -E_NOENT;
	switch (label) {
	case GUI_VIEW_DESTROY:
		destroy_view(v);
		return 0;
	case GUI_VIEW_GEOMETRY:
		return view_geometry(v, w);
	case GUI_VIEW_STACK:
		return view_stack(s, v, w, nwords);
	default:
		return view_title(v, w, nwords);
	}
}

static int
call(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct session *s;
	int e;

	if (!badge && MSG_LABEL(info) == ROOT_CREATE)
		return create(info, r);
	if (!badge && MSG_LABEL(info) == ROOT_UPGRADE) {
		/* More quota: room for larger buffers. */
		int i = session_table_find(&table, w[0]);

		if (i < 0 || w[1] < sessions[i].quota)
			return i < 0 ? i : -E_INVAL;
		sessions[i].quota = w[1];
		return 0;
	}
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		int i = server_session_close(&table, w[0]);

		if (i >= 0)
			session_end(&sessions[i]);
		return 0;
	}
	if (!(s = session_of(badge)))
		return -E_CAP;
	if ((e = session_call(s, info, r)))
		log_printf("'%s': call %lu refused: error %d", s->label,
		    MSG_LABEL(info), -e);
	return e;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg, save[8];

	if (MSG_LABEL(info) == SIGNAL_LABEL && badge == BADGE_INPUT)
		input_handle();
	else
		r->error = call(badge, info, r);
	/* Drawing calls the driver, which overwrites the message words. */
	memcpy(save, w, sizeof(save));
	flush();
	session_signal_all();
	memcpy(w, save, sizeof(save));
}

static int
open_devices(void)
{
	uint64_t *w = utcb_self()->msg, id, in, ds, sig, copy;
	void *p;
	int e;

	if ((e = session_open("Framebuffer", "", 0, &screen.fb, &id)) ||
	    (e = (int)rpc_call(screen.fb, FB_MODE, 0, 0, 0, NULL)))
		return e;
	if (w[3] != FB_FORMAT_XRGB8888 || w[2] != w[0])
		return -E_INVAL;
	screen.w = (unsigned)w[0];
	screen.h = (unsigned)w[1];
	if (!(ds = slot_alloc()) ||
	    (e = (int)rpc_call(screen.fb, FB_DATASPACE, 0, 0, ds, NULL)) ||
	    w[0] < (uint64_t)screen.w * screen.h * 4 ||
	    (e = ds_attach(ds, w[0], 1, &p)))
		return e ? e : -E_NOMEM;
	screen.pix = p;
	if ((e = session_open("Input", "", 0, &in, &id)) ||
	    !(ds = slot_alloc()) ||
	    (e = (int)rpc_call(in, INPUT_DATASPACE, 0, 0, ds, NULL)) ||
	    (e = ds_attach(ds, INPUT_RING_BYTES, 0, &p)))
		return e ? e : -E_NOMEM;
	input_setup(p);
	if ((e = object_create(KOBJ_ENDPOINT, &ep)) ||
	    (e = object_create(KOBJ_SIGNAL, &sig)) ||
	    (e = (int)sys_sig_bind(sig, ep)))
		return e;
	if (!(copy = slot_alloc()) ||
	    (e = (int)sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 BADGE_INPUT)) ||
	    (e = (int)rpc_call(in, INPUT_SIGH, 0, copy, 0, NULL)))
		return e ? e : -E_NOMEM;
	return 0;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	int e;

	if (read_config())
		return 1;
	if ((e = open_devices())) {
		log_printf("cannot open the framebuffer and input: error %d",
		    -e);
		return 1;
	}
	pointer_x = (int)screen.w / 2;
	pointer_y = (int)screen.h / 2;
	dirty((struct rect){0, 0, (int)screen.w, (int)screen.h});
	flush();
	log_printf("screen %ux%u, %u domains", screen.w, screen.h, ndomains);
	if (!(rcv = slot_alloc()) || (e = service_announce("Gui", ep)))
		return 1;
	server_loop(ep, rcv, handle);
}
