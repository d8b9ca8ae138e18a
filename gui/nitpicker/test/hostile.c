/*
 * test_gui_hostile: a Gui client that tries what a client must not be
 * able to do, and logs what nitpicker answered to each try:
 * "try NAME: error N" or "try NAME: accepted". It refreshes outside its
 * buffer, asks for views larger than their buffer or with offsets
 * outside it, names ids it does not have, sends short and overlong
 * messages, asks for the focus and for more memory than it paid. Then it
 * shows two views: one over the victim's frame and label (painted in the
 * victim's domain colour, with marks where a label's text would be), one
 * elsewhere painted as a fake window of the victim, with a frame and a
 * label strip of its own, and that fake again with its top above the
 * screen, where its label would be. A scenario checks the screen: the
 * victim's frame and label stay whole, the fakes are inside the
 * hostile's genuine frames, and the label of the view at the top is on
 * the screen.
 *
 * <config victim_x="100" victim_y="120" victim_w="240" victim_h="160"
 *         victim_color="#00c000" fake_x="600" fake_y="400"/>
 */
#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/string.h>
#include <kernel/syscalls.h>

#include <gui/client.h>

#define FAKE_W 300u
#define FAKE_H 200u

static struct gui g;

static void
report(const char *what, int e)
{
	if (e)
		log_printf("try %s: error %d", what, -e);
	else
		log_printf("try %s: accepted", what);
}

/* One call with up to 8 words. */
static void
try(const char *what, unsigned label, unsigned n, uint64_t a0, uint64_t a1,
    uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	uint64_t w[7] = {a0, a1, a2, a3, a4, a5, a6};

	report(what, gui_call(&g, label, n, w));
}

/* Marks in the shape of a line of text, the way a label strip has one. */
static void
fake_text(uint32_t *pix, unsigned s, unsigned x, unsigned y)
{
	for (unsigned i = 0; i < 12; i++)
		gui_fill(pix, s, x + i * 6, y + (i % 3 == 0 ? 0 : 2), 5,
		    i % 3 == 0 ? 7 : 5, 0xffffff);
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	struct config_node root;
	uint64_t vx = 100, vy = 120, vw = 240, vh = 160, fx = 600, fy = 400;
	uint64_t b1, b2, v1, v2, v3, cover_w, cover_h, n = ~0ull;
	uint32_t *p1, *p2, green = gui_config_color("victim_color", 0x00c000);
	int e;

	if (!config_load(&cfg)) {
		root = config_root(&cfg);
		config_attr_u64(root, "victim_x", 100, &vx);
		config_attr_u64(root, "victim_y", 120, &vy);
		config_attr_u64(root, "victim_w", 240, &vw);
		config_attr_u64(root, "victim_h", 160, &vh);
		config_attr_u64(root, "fake_x", 600, &fx);
		config_attr_u64(root, "fake_y", 400, &fy);
	}
	/* Over the label strip, the top border and the content's top rows. */
	cover_w = vw + 60;
	cover_h = 45;
	if ((e = gui_open(&g,
		 GUI_SESSION_QUOTA + gui_buffer_cost(cover_w, cover_h) +
		     gui_buffer_cost(FAKE_W, FAKE_H))) ||
	    (e = gui_buffer(&g, (unsigned)cover_w, (unsigned)cover_h, &b1,
		 &p1)) ||
	    (e = gui_buffer(&g, FAKE_W, FAKE_H, &b2, &p2))) {
		log_printf("no Gui session: error %d", -e);
		return 1;
	}

	try("refresh_huge", GUI_REFRESH, 5, b1, 0, 0, n, n, 0, 0);
	try("refresh_far", GUI_REFRESH, 5, b1, n - 5, n - 5, 10, 10, 0, 0);
	try("refresh_bad_buffer", GUI_REFRESH, 5, 9, 0, 0, 10, 10, 0, 0);
	try("refresh_short", GUI_REFRESH, 2, b1, 0, 0, 0, 0, 0, 0);
	try("buffer_zero", GUI_BUFFER_ALLOC, 2, 0, 10, 0, 0, 0, 0, 0);
	try("buffer_huge", GUI_BUFFER_ALLOC, 2, n, n, 0, 0, 0, 0, 0);
	try("buffer_unpaid", GUI_BUFFER_ALLOC, 2, 2000, 2000, 0, 0, 0, 0, 0);
	try("view_bad_buffer", GUI_VIEW_CREATE, 1, 0, 0, 0, 0, 0, 0, 0);
	try("view_bad_buffer2", GUI_VIEW_CREATE, 1, n, 0, 0, 0, 0, 0, 0);
	if ((e = gui_call(&g, GUI_VIEW_CREATE, 1, &b1))) {
		log_printf("cannot create a view: error %d", -e);
		return 1;
	}
	v1 = utcb_self()->msg[0];
	try("view_bigger_than_buffer", GUI_VIEW_GEOMETRY, 7, v1, 0, 0,
	    cover_w + 1, cover_h, 0, 0);
	try("view_offset_outside", GUI_VIEW_GEOMETRY, 7, v1, 0, 0, 10, 10,
	    cover_w, 0);
	try("view_offset_wraps", GUI_VIEW_GEOMETRY, 7, v1, 0, 0, 10, 10, n - 4,
	    0);
	try("view_offset_negative", GUI_VIEW_GEOMETRY, 7, v1, 0, 0, 10, 10, 0,
	    (uint64_t)-5);
	try("view_far_away", GUI_VIEW_GEOMETRY, 7, v1, 1ull << 40, 0, 10, 10, 0,
	    0);
	try("view_short", GUI_VIEW_GEOMETRY, 3, v1, 0, 0, 0, 0, 0, 0);
	try("view_bad_id", GUI_VIEW_GEOMETRY, 7, 0, 0, 0, 10, 10, 0, 0);
	try("view_bad_id2", GUI_VIEW_GEOMETRY, 7, 77, 0, 0, 10, 10, 0, 0);
	try("view_bad_id3", GUI_VIEW_DESTROY, 1, n, 0, 0, 0, 0, 0, 0);
	try("stack_bad_how", GUI_VIEW_STACK, 3, v1, 99, 0, 0, 0, 0, 0);
	try("stack_foreign_view", GUI_VIEW_STACK, 3, v1, GUI_STACK_ABOVE, 2, 0,
	    0, 0, 0);
	try("stack_self", GUI_VIEW_STACK, 3, v1, GUI_STACK_BELOW, v1, 0, 0, 0,
	    0);
	try("title_too_long", GUI_VIEW_TITLE, 3, v1, 1000, 0, 0, 0, 0, 0);
	try("title_short", GUI_VIEW_TITLE, 2, v1, 40, 0, 0, 0, 0, 0);
	try("title_control", GUI_VIEW_TITLE, 3, v1, 8, 0x0a0d1b5b324a1b07ull, 0,
	    0, 0, 0);
	try("focus", GUI_FOCUS, 0, 0, 0, 0, 0, 0, 0, 0);
	try("buffer_free_in_use", GUI_BUFFER_FREE, 1, b1, 0, 0, 0, 0, 0, 0);
	try("buffer_free_bad", GUI_BUFFER_FREE, 1, 3, 0, 0, 0, 0, 0, 0);
	try("no_such_call", 99, 0, 0, 0, 0, 0, 0, 0, 0);

	/* The cover: the victim's colour, marks where its label is. */
	gui_fill(p1, (unsigned)cover_w, 0, 0, (unsigned)cover_w,
	    (unsigned)cover_h, green);
	fake_text(p1, (unsigned)cover_w, 33, 17);
	try("cover_geometry", GUI_VIEW_GEOMETRY, 7, v1, vx - 30, vy - 30,
	    cover_w, cover_h, 0, 0);
	try("cover_front", GUI_VIEW_STACK, 2, v1, GUI_STACK_FRONT, 0, 0, 0, 0,
	    0);
	try("cover_refresh", GUI_REFRESH, 5, b1, 0, 0, cover_w, cover_h, 0, 0);

	/* The fake: a window of the victim, frame and label painted in. */
	gui_fill(p2, FAKE_W, 0, 0, FAKE_W, FAKE_H, green);
	gui_fill(p2, FAKE_W, 2, 15, FAKE_W - 4, FAKE_H - 17, 0xff0000);
	fake_text(p2, FAKE_W, 3, 3);
	if ((e = gui_call(&g, GUI_VIEW_CREATE, 1, &b2))) {
		log_printf("cannot create a view: error %d", -e);
		return 1;
	}
	v2 = utcb_self()->msg[0];
	try("fake_geometry", GUI_VIEW_GEOMETRY, 7, v2, fx, fy, FAKE_W, FAKE_H,
	    0, 0);
	try("fake_refresh", GUI_REFRESH, 5, b2, 0, 0, FAKE_W, FAKE_H, 0, 0);
	/* The fake once more, its top (and so its label) above the screen. */
	if ((e = gui_call(&g, GUI_VIEW_CREATE, 1, &b2))) {
		log_printf("cannot create a view: error %d", -e);
		return 1;
	}
	v3 = utcb_self()->msg[0];
	try("top_geometry", GUI_VIEW_GEOMETRY, 7, v3, fx - 200, (uint64_t)-30,
	    FAKE_W, 80, 0, 0);
	log_printf("attacks done");
	for (;;) {
		struct input_event ev[16];
		unsigned k;

		sys_sig_wait(g.sig, NULL);
		while ((k = input_read(&g.input, ev, 16, NULL)) > 0)
			for (unsigned i = 0; i < k; i++)
				if (ev[i].type == INPUT_PRESS)
					log_printf("key %u press", ev[i].code);
	}
}
