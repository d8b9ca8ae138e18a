/*
 * PS/2 mouse packets. Byte 0: buttons in bits 0-2, bit 3 always set, the
 * signs of X and Y in bits 4 and 5, their overflows in bits 6 and 7; bytes
 * 1 and 2: the low eight bits of X and Y (Y counts up); byte 3, with the
 * wheel on: the wheel's signed count. A first byte without bit 3 cannot
 * start a packet: it is dropped, and so on until one can, which is how the
 * decoder finds its step again after a lost byte.
 */
#include "mouse.h"

static const unsigned button_code[3] = {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE};

void
ps2_mouse_init(struct ps2_mouse *m, int wheel)
{
	*m = (struct ps2_mouse){0};
	m->size = wheel ? 4 : 3;
}

void
ps2_mouse_restart(struct ps2_mouse *m)
{
	m->dropped += m->have;
	m->have = 0;
}

static struct input_event *
event(struct input_event *e, unsigned type, unsigned mods)
{
	*e = (struct input_event){0};
	e->type = (uint8_t)type;
	e->mods = (uint16_t)mods;
	return e;
}

/* A 9-bit two's complement value; an overflowed one is not trusted. */
static int
axis(uint8_t low, unsigned sign, unsigned overflow, uint64_t *overflows)
{
	if (overflow) {
		++*overflows;
		return 0;
	}
	return sign ? (int)low - 256 : (int)low;
}

unsigned
ps2_mouse_feed(struct ps2_mouse *m, uint8_t byte, unsigned mods,
    struct input_event out[PS2_MOUSE_EVENTS])
{
	unsigned n = 0, b0, changed;
	int dx, dy, dz;

	if (m->have == 0 && !(byte & 0x08)) {
		m->dropped++;
		return 0;
	}
	m->pkt[m->have++] = byte;
	if (m->have < m->size)
		return 0;
	m->have = 0;
	b0 = m->pkt[0];
	dx = axis(m->pkt[1], b0 & 0x10, b0 & 0x40, &m->overflows);
	dy = -axis(m->pkt[2], b0 & 0x20, b0 & 0x80, &m->overflows);
	dz = m->size == 4 ? (int8_t)m->pkt[3] : 0;
	if (dx || dy) {
		struct input_event *e = event(&out[n++], INPUT_MOTION, mods);

		e->dx = dx;
		e->dy = dy;
	}
	changed = (b0 ^ m->buttons) & 7;
	for (unsigned i = 0; i < 3; i++) {
		if (!(changed & (1u << i)))
			continue;
		event(&out[n], b0 & (1u << i) ? INPUT_PRESS : INPUT_RELEASE,
		    mods)
		    ->code = (uint16_t)button_code[i];
		n++;
	}
	m->buttons = b0 & 7;
	if (dz)
		event(&out[n++], INPUT_WHEEL, mods)->dz = (int16_t)dz;
	return n;
}
