/* A Gui client's side of the session; see include/gui/client.h. */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>

#include <gui/client.h>

int
gui_call(struct gui *g, unsigned label, unsigned n, const uint64_t *args)
{
	uint64_t *m = utcb_self()->msg;

	for (unsigned i = 0; i < n; i++)
		m[i] = args[i];
	return (int)rpc_call(g->cap, label, n, 0, 0, NULL);
}

int
gui_mode(struct gui *g)
{
	uint64_t *m = utcb_self()->msg;
	int e;

	if ((e = gui_call(g, GUI_MODE, 0, NULL)))
		return e;
	if (m[2] != GUI_FORMAT_XRGB8888 || !m[0] || !m[1] ||
	    m[0] > GUI_DIM_MAX || m[1] > GUI_DIM_MAX)
		return -E_INVAL;
	g->width = (unsigned)m[0];
	g->height = (unsigned)m[1];
	return 0;
}

int
gui_open_sigh(struct gui *g, uint64_t quota, uint64_t sigh)
{
	uint64_t *m = utcb_self()->msg, ds, copy = sigh;
	void *ring;
	int e;

	memset(g, 0, sizeof(*g));
	g->quota = quota;
	if ((e = session_open("Gui", "", quota, &g->cap, &g->id)) ||
	    (e = gui_mode(g)))
		return e;
	if (!(ds = slot_alloc()) ||
	    (e = (int)rpc_call(g->cap, GUI_INPUT, 0, 0, ds, NULL)) ||
	    m[0] < INPUT_RING_BYTES ||
	    (e = ds_attach(ds, INPUT_RING_BYTES, 0, &ring)))
		return e ? e : -E_NOMEM;
	input_reader_init(&g->input, ring);
	if (!sigh &&
	    ((e = object_create(KOBJ_SIGNAL, &g->sig)) ||
		!(copy = slot_alloc()) ||
		(e = (int)sys_cap_derive(g->sig, 0, copy,
		     RIGHT_SEND | RIGHT_GRANT, 0))))
		return e ? e : -E_NOMEM;
	return (int)rpc_call(g->cap, GUI_SIGH, 0, copy, 0, NULL);
}

int
gui_open(struct gui *g, uint64_t quota)
{
	return gui_open_sigh(g, quota, 0);
}

int
gui_buffer(struct gui *g, unsigned w, unsigned h, uint64_t *id, uint32_t **pix)
{
	uint64_t *m = utcb_self()->msg, ds = slot_alloc();
	void *p;
	int e;

	if (!ds)
		return -E_NOMEM;
	m[0] = w;
	m[1] = h;
	e = (int)rpc_call(g->cap, GUI_BUFFER_ALLOC, 2, 0, ds, NULL);
	if (e == -E_NOMEM && w <= GUI_DIM_MAX && h <= GUI_DIM_MAX &&
	    !parent_upgrade(g->id, g->quota + gui_buffer_cost(w, h), 0)) {
		g->quota += gui_buffer_cost(w, h);
		m[0] = w;
		m[1] = h;
		e = (int)rpc_call(g->cap, GUI_BUFFER_ALLOC, 2, 0, ds, NULL);
	}
	if (e) {
		slot_free(ds);
		return e;
	}
	*id = m[0];
	if (m[2] != w || m[1] < (uint64_t)w * h * 4)
		return -E_INVAL;
	if ((e = ds_attach(ds, m[1], 1, &p)))
		return e;
	*pix = p;
	return 0;
}

int
gui_view(struct gui *g, uint64_t buffer, int x, int y, unsigned w, unsigned h,
    const char *title, uint64_t *view)
{
	uint64_t *m = utcb_self()->msg, len = strlen(title);
	int e;

	if ((e = gui_call(g, GUI_VIEW_CREATE, 1, &buffer)))
		return e;
	*view = m[0];
	m[0] = *view;
	m[1] = (uint64_t)(int64_t)x;
	m[2] = (uint64_t)(int64_t)y;
	m[3] = w;
	m[4] = h;
	m[5] = m[6] = 0;
	if ((e = (int)rpc_call(g->cap, GUI_VIEW_GEOMETRY, 7, 0, 0, NULL)))
		return e;
	m[0] = *view;
	m[1] = len;
	memcpy(&m[2], title, len);
	return (int)rpc_call(g->cap, GUI_VIEW_TITLE,
	    2 + (unsigned)(len + 7) / 8, 0, 0, NULL);
}

void
gui_fill(uint32_t *pix, unsigned s, unsigned x, unsigned y, unsigned w,
    unsigned h, uint32_t c)
{
	for (unsigned j = y; j < y + h; j++)
		for (unsigned i = x; i < x + w; i++)
			pix[(uint64_t)j * s + i] = c;
}

uint32_t
gui_config_color(const char *attr, uint32_t def)
{
	struct config cfg;
	uint32_t c = def;

	if (!config_load(&cfg) &&
	    config_attr_color(config_root(&cfg), attr, def, &c))
		log_printf("config: %s is not a colour #rrggbb", attr);
	return c;
}

static unsigned
smaller(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

static int
window_try(struct gui_window *w, unsigned max_w, unsigned max_h)
{
	int e;

	max_w = smaller(max_w, GUI_DIM_MAX);
	max_h = smaller(max_h, GUI_DIM_MAX);
	if ((e = gui_open(&w->g,
		 GUI_SESSION_QUOTA + gui_buffer_cost(max_w, max_h))))
		return e;
	w->bw = smaller(max_w, w->g.width);
	w->bh = smaller(max_h, w->g.height);
	w->mode_w = w->g.width;
	w->mode_h = w->g.height;
	if ((e = gui_buffer(&w->g, w->bw, w->bh, &w->buffer, &w->pix))) {
		session_close(w->g.cap, w->g.id);
		sys_cap_delete(w->g.sig);
		slot_free(w->g.sig);
	}
	return e;
}

int
gui_window_open(struct gui_window *w, unsigned max_w, unsigned max_h)
{
	uint64_t pause = 0;
	int e;

	for (unsigned tries = 0; (e = window_try(w, max_w, max_h)); tries++) {
		log_printf("no window: error %d%s", -e,
		    tries < 20 ? ", trying again" : "");
		if (tries == 20 ||
		    (!pause && object_create(KOBJ_SIGNAL, &pause)))
			return e;
		sys_sig_wait_for(pause, 100000, NULL);
	}
	if (pause) {
		sys_cap_delete(pause);
		slot_free(pause);
	}
	return 0;
}

int
gui_window_show(struct gui_window *w, int x, int y, unsigned vw, unsigned vh,
    const char *title)
{
	return gui_view(&w->g, w->buffer, x, y, vw, vh, title, &w->view);
}

bool
gui_window_resized(struct gui_window *w)
{
	unsigned ow = w->g.width, oh = w->g.height;

	if (gui_mode(&w->g) || (w->g.width == ow && w->g.height == oh))
		return false;
	w->mode_w = w->g.width;
	w->mode_h = w->g.height;
	return true;
}

void
gui_window_fit(const struct gui_window *w, unsigned want_w, unsigned want_h,
    unsigned *vw, unsigned *vh)
{
	*vw = smaller(smaller(want_w, w->bw), w->mode_w);
	*vh = smaller(smaller(want_h, w->bh), w->mode_h);
}

int
gui_window_geometry(struct gui_window *w, int x, int y, unsigned vw,
    unsigned vh)
{
	return gui_call(&w->g, GUI_VIEW_GEOMETRY, 7,
	    (uint64_t[]){w->view, (uint64_t)(int64_t)x, (uint64_t)(int64_t)y,
		vw, vh, 0, 0});
}
