/*
 * Routing input: the driver's events come from its ring; keys go to the
 * focused session (or to the session a global key names), pointer events
 * to the session whose view is under the pointer, or, while a button is
 * held, to the one that got the press. Each session has a ring of its own
 * in the Input session's format, which only nitpicker writes; so a client
 * sees only the events meant for it.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/string.h>
#include <input/keymap.h>
#include <input/reader.h>
#include <kernel/syscalls.h>

#include "nitpicker.h"

#define GLOBAL_KEYS_MAX 16u

/* A session that may have gone since: its generation tells. */
struct sref {
	struct session *s;
	unsigned gen;
};

static struct input_reader reader;
static struct sref focus, grab, hover, key_dest[KEY_COUNT];
static unsigned buttons; /* bit n: button BTN_LEFT + n is held */
static struct {
	unsigned code;
	char label[LABEL_MAX];
} global_keys[GLOBAL_KEYS_MAX];
static unsigned nglobal;

static struct session *
alive(struct sref r)
{
	return r.s && r.s->used && r.s->gen == r.gen ? r.s : NULL;
}

static struct sref
ref(struct session *s)
{
	return (struct sref){s, s ? s->gen : 0};
}

static void
put(struct session *s, const struct input_event *e)
{
	struct input_ring *ring = s->ring;
	uint64_t *word;

	ring->ev[s->head % INPUT_RING_EVENTS] = *e;
	__atomic_store_n(&ring->head, ++s->head, __ATOMIC_RELEASE);
	if ((e->type == INPUT_PRESS || e->type == INPUT_RELEASE) &&
	    e->code < INPUT_CODES) {
		word = &ring->pressed[e->code / 64];
		if (e->type == INPUT_PRESS)
			*word |= 1ull << (e->code % 64);
		else
			*word &= ~(1ull << (e->code % 64));
	}
	s->pending = true;
}

void
session_event(struct session *s, unsigned type, unsigned code, int dx, int dy)
{
	struct input_event e = {0};

	if (!s)
		return;
	e.type = (uint8_t)type;
	e.code = (uint16_t)code;
	e.dx = dx;
	e.dy = dy;
	put(s, &e);
}

void
session_signal_all(void)
{
	for (unsigned i = 0; i < SESSIONS_MAX; i++) {
		struct session *s = &sessions[i];

		if (s->used && s->pending && s->sigh)
			sys_sig_submit(s->sigh);
		s->pending = false;
	}
}

struct session *
input_focused(void)
{
	return alive(focus);
}

/* The frames of the focused session are drawn on top of others. */
static void
frames_dirty(struct session *s)
{
	for (unsigned i = 0; s && i < GUI_VIEWS_MAX; i++)
		if (s->views[i].used && s->views[i].buf &&
		    !rect_empty(s->views[i].r))
			dirty(view_outer(&s->views[i]));
}

static void
set_focus(struct session *s)
{
	struct session *old = alive(focus);

	if (old == s)
		return;
	frames_dirty(old);
	frames_dirty(s);
	if (old)
		session_event(old, GUI_INPUT_FOCUS, 0, 0, 0);
	focus = ref(s);
	if (s)
		session_event(s, GUI_INPUT_FOCUS, 1, 0, 0);
	if (verbose)
		log_printf("focus: '%s'", s ? s->label : "");
}

int
input_focus(struct session *s)
{
	if (s->dom->focus != FOCUS_SET)
		return -E_DENIED;
	set_focus(s);
	return 0;
}

void
input_session_gone(struct session *s)
{
	if (alive(focus) == s) {
		focus = ref(NULL);
		if (verbose)
			log_printf("focus: ''");
	}
}

int
input_global_key(unsigned code, const char *label)
{
	if (nglobal == GLOBAL_KEYS_MAX)
		return -E_RANGE;
	global_keys[nglobal].code = code;
	fmt_snprintf(global_keys[nglobal].label, LABEL_MAX, "%s", label);
	nglobal++;
	return 0;
}

static struct session *
global_key_session(unsigned code)
{
	for (unsigned i = 0; i < nglobal; i++) {
		if (global_keys[i].code != code)
			continue;
		for (unsigned j = 0; j < SESSIONS_MAX; j++)
			if (sessions[j].used &&
			    !strcmp(sessions[j].label, global_keys[i].label))
				return &sessions[j];
	}
	return NULL;
}

/* The pointer's position in the session's coordinates. */
static void
absolute(struct session *s, const struct view *under)
{
	int ox, oy;

	origin_of(s->dom, &ox, &oy);
	session_event(s, GUI_INPUT_ABSOLUTE,
	    under && under->s == s ? under->id : GUI_VIEW_NONE, pointer_x - ox,
	    pointer_y - oy);
}

/* No sum of screen and driver values may overflow. */
static int
clamp(int v)
{
	return v < -GUI_COORD_MAX ? -GUI_COORD_MAX
	    : v > GUI_COORD_MAX   ? GUI_COORD_MAX
				  : v;
}

static void
motion(int dx, int dy)
{
	struct view *v;
	struct session *to, *was = alive(hover);

	pointer_move(pointer_x + clamp(dx), pointer_y + clamp(dy));
	v = view_at(pointer_x, pointer_y);
	to = alive(grab);
	if (!to) {
		to = v ? v->s : NULL;
		if (was && was != to)
			session_event(was, GUI_INPUT_LEAVE, 0, 0, 0);
		hover = ref(to);
	}
	if (to)
		absolute(to, v);
}

static void
button(const struct input_event *e)
{
	unsigned bit = 1u << (e->code - BTN_LEFT);
	struct view *v = view_at(pointer_x, pointer_y);
	struct session *to;

	if (e->type == INPUT_PRESS && !buttons) {
		to = v ? v->s : NULL;
		grab = ref(to);
		if (to && to->dom->focus != FOCUS_NONE)
			set_focus(to);
		if (to)
			absolute(to, v);
	}
	to = alive(grab);
	if (e->type == INPUT_PRESS)
		buttons |= bit;
	else
		buttons &= ~bit;
	if (to)
		session_event(to, e->type, e->code, 0, 0);
	if (!buttons)
		grab = ref(NULL);
}

static void
key(const struct input_event *e)
{
	struct session *to = alive(key_dest[e->code]);

	if (e->type == INPUT_PRESS && !to) {
		to = global_key_session(e->code);
		if (!to)
			to = alive(focus);
		key_dest[e->code] = ref(to);
	}
	if (e->type == INPUT_RELEASE)
		key_dest[e->code] = ref(NULL);
	if (to) {
		struct input_event c = *e;

		put(to, &c);
	}
}

static void
event(const struct input_event *e)
{
	struct session *to;

	switch (e->type) {
	case INPUT_MOTION:
		motion(e->dx, e->dy);
		break;
	case INPUT_PRESS:
	case INPUT_RELEASE:
		if (e->code >= BTN_LEFT && e->code < BTN_END)
			button(e);
		else if (e->code < KEY_COUNT)
			key(e);
		break;
	case INPUT_WHEEL:
		to = alive(grab);
		if (!to) {
			struct view *v = view_at(pointer_x, pointer_y);

			to = v ? v->s : NULL;
		}
		if (to) {
			struct input_event c = *e;

			put(to, &c);
		}
		break;
	}
}

void
input_setup(void *ring)
{
	input_reader_init(&reader, ring);
}

void
input_handle(void)
{
	struct input_event ev[32];
	unsigned n;
	int dx = 0, dy = 0;
	bool moved = false;

	/* Motion in a row is one move: one position for the clients. */
	while ((n = input_read(&reader, ev, 32, NULL)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			if (ev[i].type == INPUT_MOTION && dx > -GUI_COORD_MAX &&
			    dx < GUI_COORD_MAX && dy > -GUI_COORD_MAX &&
			    dy < GUI_COORD_MAX) {
				dx += clamp(ev[i].dx);
				dy += clamp(ev[i].dy);
				moved = true;
				continue;
			}
			if (moved)
				motion(dx, dy);
			dx = dy = 0;
			moved = false;
			event(&ev[i]);
		}
	}
	if (moved)
		motion(dx, dy);
	session_signal_all();
}
