/*
 * The PS/2 driver: keyboard and mouse on the i8042, through core's IO_PORT
 * sessions for ports 0x60 and 0x64 and its IRQ sessions for lines 1 and
 * 12, delivered as an Input session (include/session/input.h). Both lines
 * fire one signal, bound to the driver's endpoint with a badge per line,
 * so one loop serves interrupts and calls. Events go into a ring that the
 * client maps read-only; the driver never reads what a client writes.
 */
#include <stdbool.h>

#include <base/config.h>
#include <base/error.h>
#include <base/log.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <base/server.h>
#include <base/string.h>
#include <base/tsc.h>
#include <session/input.h>
#include <session/io_port.h>
#include <session/irq.h>
#include <session/pd.h>

#include "controller.h"
#include "keyboard.h"
#include "mouse.h"

#define BADGE_KBD 1u /* the signal's badges: which line fired */
#define BADGE_AUX 2u
#define MOUSE_GAP_MS 50u /* a packet's bytes come closer together */

static struct {
	uint64_t sigh; /* the client's signal, or 0 */
	char label[LABEL_MAX];
} client;
/* One client at a time: a table of one slot. */
static struct session_slot slot;
static struct session_table table = {"ps2", 0, 1, &slot};

static struct {
	int step;      /* 0: idle; 1: sent 0xed; 2: sent the LED byte */
	uint8_t value; /* the LED byte being sent */
} leds;

static struct input_ring *ring;
static uint64_t ring_ds, ep, rcv, irq_kbd, irq_aux, head, tsc_khz;
static uint64_t last_aux; /* TSC of the mouse's last byte */
static struct ps2_kbd kbd;
static struct ps2_mouse mouse;
static bool verbose, pending;

static void
put(const struct input_event *e)
{
	uint64_t *word;
	bool down = e->type == INPUT_PRESS;

	ring->ev[head % INPUT_RING_EVENTS] = *e;
	__atomic_store_n(&ring->head, ++head, __ATOMIC_RELEASE);
	if ((e->type == INPUT_PRESS || e->type == INPUT_RELEASE) &&
	    e->code < INPUT_CODES) {
		word = &ring->pressed[e->code / 64];
		if (down)
			*word |= 1ull << (e->code % 64);
		else
			*word &= ~(1ull << (e->code % 64));
	}
	pending = true;
}

static void
leds_send(void)
{
	leds.value = ps2_kbd_leds(&kbd);
	leds.step = i8042_write(0xed) ? 0 : 1;
}

/* The keyboard's answers to the LED command come between its keys. */
static bool
leds_answer(uint8_t byte)
{
	if (!leds.step || (byte != 0xfa && byte != 0xfe))
		return false;
	if (byte == 0xfe) { /* resend */
		i8042_write(leds.step == 1 ? 0xed : leds.value);
		return true;
	}
	if (leds.step == 1) {
		leds.step = i8042_write(leds.value) ? 0 : 2;
		return true;
	}
	leds.step = 0;
	if (verbose)
		log_printf("keyboard LEDs: caps %s, num %s, scroll %s",
		    leds.value & 4 ? "on" : "off",
		    leds.value & 2 ? "on" : "off",
		    leds.value & 1 ? "on" : "off");
	if (leds.value != ps2_kbd_leds(&kbd))
		leds_send();
	return true;
}

static void
keyboard_byte(uint8_t byte)
{
	struct input_event ev[2];
	uint8_t before = ps2_kbd_leds(&kbd);
	unsigned n;

	if (leds_answer(byte))
		return;
	n = ps2_kbd_feed(&kbd, byte, ev);
	for (unsigned i = 0; i < n; i++)
		put(&ev[i]);
	if (ps2_kbd_leds(&kbd) != before && !leds.step)
		leds_send();
}

static void
mouse_byte(uint8_t byte)
{
	struct input_event ev[PS2_MOUSE_EVENTS];
	uint64_t now = rdtsc(), dropped = mouse.dropped;
	unsigned n;

	if (mouse.have && now - last_aux > MOUSE_GAP_MS * tsc_khz)
		ps2_mouse_restart(&mouse);
	last_aux = now;
	n = ps2_mouse_feed(&mouse, byte, ps2_kbd_mods(&kbd), ev);
	for (unsigned i = 0; i < n; i++)
		put(&ev[i]);
	if (verbose && mouse.dropped != dropped)
		log_printf("mouse: dropped %lu bytes to find a packet's start",
		    mouse.dropped - dropped);
}

static void
interrupt(uint64_t badges)
{
	/* Both devices share the data port: drain it, whoever fired. */
	for (unsigned i = 0; i < 256; i++) {
		uint8_t st = i8042_status(), byte;

		if (!(st & I8042_OBF))
			break;
		byte = i8042_data();
		if (st & I8042_AUX)
			mouse_byte(byte);
		else
			keyboard_byte(byte);
	}
	if (badges & BADGE_KBD)
		rpc_call(irq_kbd, IRQ_ACK, 0, 0, 0, NULL);
	if (badges & BADGE_AUX)
		rpc_call(irq_aux, IRQ_ACK, 0, 0, 0, NULL);
	if (pending && slot.used && client.sigh)
		sys_sig_submit(client.sigh);
	pending = false;
}

static int
create(uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;
	struct session_request req;
	int e;

	if (session_request_get(w, MSG_NWORDS(info), &req) ||
	    strcmp(req.service, "Input"))
		return -E_INVAL;
	if (slot.used) {
		log_printf("Input session for '%s' refused: '%s' has it (one "
			   "client at a time)",
		    req.label, client.label);
		return -E_BUSY;
	}
	if ((e = server_session_open(&table, ep, RIGHT_SEND | RIGHT_GRANT, r)) <
	    0)
		return e;
	client.sigh = 0;
	fmt_snprintf(client.label, sizeof(client.label), "%s", req.label);
	return 0;
}

static void
drop_sigh(void)
{
	if (client.sigh) {
		sys_cap_delete(client.sigh);
		slot_free(client.sigh);
		client.sigh = 0;
	}
}

static int
call(uint64_t badge, uint64_t info, struct reply *r)
{
	uint64_t *w = utcb_self()->msg;

	if (!badge && MSG_LABEL(info) == ROOT_CREATE)
		return create(info, r);
	if (!badge && MSG_LABEL(info) == ROOT_CLOSE) {
		if (server_session_close(&table, w[0]) >= 0)
			drop_sigh();
		return 0;
	}
	if (session_table_lookup(&table, badge) < 0)
		return -E_CAP;
	switch (MSG_LABEL(info)) {
	case INPUT_DATASPACE:
		r->cap = ring_ds;
		r->rights = RIGHT_SEND | RIGHT_GRANT; /* no RECV: read-only */
		w[0] = INPUT_RING_BYTES;
		r->words = 1;
		return 0;
	case INPUT_SIGH:
		if (MSG_NCAPS(info) != 1)
			return -E_INVAL;
		drop_sigh();
		if (!(client.sigh = slot_alloc()))
			return -E_NOMEM;
		return (int)sys_cap_derive(rcv, 0, client.sigh, RIGHT_SEND, 0);
	}
	return -E_NOSYS;
}

static void
handle(uint64_t badge, uint64_t info, struct reply *r)
{
	if (MSG_LABEL(info) == SIGNAL_LABEL)
		interrupt(badge);
	else
		r->error = call(badge, info, r);
}

/* Ports and lines from core; one signal for both lines. */
static int
devices(void)
{
	uint64_t io, id, sig, copy;
	int e;

	if ((e = session_open_args("IO_PORT", "", "base=0x60 size=1", 0, &io,
		 &id)) ||
	    (e = (int)rpc_call(io, IO_PORT_ACCESS, 0, CAP_PD, 0, NULL)) ||
	    (e = session_open_args("IO_PORT", "", "base=0x64 size=1", 0, &io,
		 &id)) ||
	    (e = (int)rpc_call(io, IO_PORT_ACCESS, 0, CAP_PD, 0, NULL)) ||
	    (e = session_open_args("IRQ", "", "irq=1", 0, &irq_kbd, &id)) ||
	    (e = session_open_args("IRQ", "", "irq=12", 0, &irq_aux, &id)) ||
	    (e = object_create(KOBJ_ENDPOINT, &ep)) ||
	    (e = object_create(KOBJ_SIGNAL, &sig)) ||
	    (e = (int)sys_sig_bind(sig, ep)))
		return e;
	if (!(copy = slot_alloc()) ||
	    (e = (int)sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 BADGE_KBD)) ||
	    (e = (int)rpc_call(irq_kbd, IRQ_SIGH, 0, copy, 0, NULL)))
		return e ? e : -E_NOMEM;
	if (!(copy = slot_alloc()) ||
	    (e = (int)sys_cap_derive(sig, 0, copy, RIGHT_SEND | RIGHT_GRANT,
		 BADGE_AUX)) ||
	    (e = (int)rpc_call(irq_aux, IRQ_SIGH, 0, copy, 0, NULL)))
		return e ? e : -E_NOMEM;
	return 0;
}

static void
read_config(struct ps2_setup *s)
{
	struct config cfg;
	struct config_node root;
	bool b;

	s->want_mouse = s->want_wheel = true;
	if (config_load(&cfg)) {
		log_printf("config: using the defaults");
		return;
	}
	root = config_root(&cfg);
	config_attr_bool(root, "mouse", true, &s->want_mouse);
	config_attr_bool(root, "wheel", true, &s->want_wheel);
	config_attr_bool(root, "verbose", false, &verbose);
	if (!config_attr_bool(root, "numlock", false, &b) && b)
		s->leds |= 2;
	if (!config_attr_bool(root, "capslock", false, &b) && b)
		s->leds |= 4;
}

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct ps2_setup setup = {0};
	void *p;
	int e;

	read_config(&setup);
	tsc_khz = (uint64_t)sys_kinfo(KINFO_TSC_KHZ);
	if (!tsc_khz)
		tsc_khz = 1000000;
	i8042_clock(tsc_khz);
	if ((e = devices())) {
		log_printf("cannot get the i8042's ports and lines: error %d",
		    -e);
		return 1;
	}
	if ((e = ram_alloc(INPUT_RING_BYTES, &p, &ring_ds)) ||
	    !(rcv = slot_alloc())) {
		log_printf("no memory for the event ring");
		return 1;
	}
	ring = p;
	ring->events = INPUT_RING_EVENTS;
	ring->version = INPUT_RING_VERSION;
	ps2_kbd_init(&kbd,
	    (setup.leds & 2 ? INPUT_MOD_NUM : 0) |
		(setup.leds & 4 ? INPUT_MOD_CAPS : 0));
	if ((e = i8042_setup(&setup))) {
		log_printf("no i8042 controller: error %d", -e);
		return 1;
	}
	ps2_mouse_init(&mouse, setup.wheel);
	log_printf("keyboard %s, mouse %s", setup.keyboard ? "found" : "none",
	    setup.mouse ? (setup.wheel ? "found (wheel)" : "found (no wheel)")
			: "none");
	if ((e = service_announce("Input", ep))) {
		log_printf("cannot announce Input: error %d", -e);
		return 1;
	}
	/* Bytes that came before the signal was bound are read now. */
	interrupt(BADGE_KBD | BADGE_AUX);
	server_loop(ep, rcv, handle);
}
