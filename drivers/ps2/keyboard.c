/*
 * Scan code set 1 to key codes. The controller translates the keyboard's
 * set 2 into set 1, where a key's release is its make code with bit 7 set
 * and E0 marks the keys the 101-key keyboard added. Pause sends E1 1D 45
 * E1 9D C5 when pressed and nothing when released. The "fake shifts" E0 2A
 * and E0 36 (and their releases) that keyboards wrap around some E0 keys
 * mean nothing and are dropped.
 */
#include "keyboard.h"

#define HELD_LSHIFT 0x01u
#define HELD_RSHIFT 0x02u
#define HELD_LCTRL 0x04u
#define HELD_RCTRL 0x08u
#define HELD_LALT 0x10u
#define HELD_RALT 0x20u
#define HELD_LMETA 0x40u
#define HELD_RMETA 0x80u

static const uint8_t set1[0x80] = {
    [0x01] = KEY_ESC,
    [0x02] = KEY_1,
    [0x03] = KEY_2,
    [0x04] = KEY_3,
    [0x05] = KEY_4,
    [0x06] = KEY_5,
    [0x07] = KEY_6,
    [0x08] = KEY_7,
    [0x09] = KEY_8,
    [0x0a] = KEY_9,
    [0x0b] = KEY_0,
    [0x0c] = KEY_MINUS,
    [0x0d] = KEY_EQUAL,
    [0x0e] = KEY_BACKSPACE,
    [0x0f] = KEY_TAB,
    [0x10] = KEY_Q,
    [0x11] = KEY_W,
    [0x12] = KEY_E,
    [0x13] = KEY_R,
    [0x14] = KEY_T,
    [0x15] = KEY_Y,
    [0x16] = KEY_U,
    [0x17] = KEY_I,
    [0x18] = KEY_O,
    [0x19] = KEY_P,
    [0x1a] = KEY_LEFTBRACE,
    [0x1b] = KEY_RIGHTBRACE,
    [0x1c] = KEY_ENTER,
    [0x1d] = KEY_LEFTCTRL,
    [0x1e] = KEY_A,
    [0x1f] = KEY_S,
    [0x20] = KEY_D,
    [0x21] = KEY_F,
    [0x22] = KEY_G,
    [0x23] = KEY_H,
    [0x24] = KEY_J,
    [0x25] = KEY_K,
    [0x26] = KEY_L,
    [0x27] = KEY_SEMICOLON,
    [0x28] = KEY_APOSTROPHE,
    [0x29] = KEY_GRAVE,
    [0x2a] = KEY_LEFTSHIFT,
    [0x2b] = KEY_BACKSLASH,
    [0x2c] = KEY_Z,
    [0x2d] = KEY_X,
    [0x2e] = KEY_C,
    [0x2f] = KEY_V,
    [0x30] = KEY_B,
    [0x31] = KEY_N,
    [0x32] = KEY_M,
    [0x33] = KEY_COMMA,
    [0x34] = KEY_DOT,
    [0x35] = KEY_SLASH,
    [0x36] = KEY_RIGHTSHIFT,
    [0x37] = KEY_KPASTERISK,
    [0x38] = KEY_LEFTALT,
    [0x39] = KEY_SPACE,
    [0x3a] = KEY_CAPSLOCK,
    [0x3b] = KEY_F1,
    [0x3c] = KEY_F2,
    [0x3d] = KEY_F3,
    [0x3e] = KEY_F4,
    [0x3f] = KEY_F5,
    [0x40] = KEY_F6,
    [0x41] = KEY_F7,
    [0x42] = KEY_F8,
    [0x43] = KEY_F9,
    [0x44] = KEY_F10,
    [0x45] = KEY_NUMLOCK,
    [0x46] = KEY_SCROLLLOCK,
    [0x47] = KEY_KP7,
    [0x48] = KEY_KP8,
    [0x49] = KEY_KP9,
    [0x4a] = KEY_KPMINUS,
    [0x4b] = KEY_KP4,
    [0x4c] = KEY_KP5,
    [0x4d] = KEY_KP6,
    [0x4e] = KEY_KPPLUS,
    [0x4f] = KEY_KP1,
    [0x50] = KEY_KP2,
    [0x51] = KEY_KP3,
    [0x52] = KEY_KP0,
    [0x53] = KEY_KPDOT,
    [0x54] = KEY_SYSRQ, /* Alt+Print Screen */
    [0x56] = KEY_102ND,
    [0x57] = KEY_F11,
    [0x58] = KEY_F12,
};

static const uint8_t set1_e0[0x80] = {
    [0x1c] = KEY_KPENTER,
    [0x1d] = KEY_RIGHTCTRL,
    [0x35] = KEY_KPSLASH,
    [0x37] = KEY_SYSRQ,
    [0x38] = KEY_RIGHTALT,
    [0x46] = KEY_PAUSE, /* Ctrl+Pause (Break) */
    [0x47] = KEY_HOME,
    [0x48] = KEY_UP,
    [0x49] = KEY_PAGEUP,
    [0x4b] = KEY_LEFT,
    [0x4d] = KEY_RIGHT,
    [0x4f] = KEY_END,
    [0x50] = KEY_DOWN,
    [0x51] = KEY_PAGEDOWN,
    [0x52] = KEY_INSERT,
    [0x53] = KEY_DELETE,
    [0x5b] = KEY_LEFTMETA,
    [0x5c] = KEY_RIGHTMETA,
    [0x5d] = KEY_COMPOSE,
};

#define PAUSE_BYTES 6u /* E1 1D 45 E1 9D C5 */

void
ps2_kbd_init(struct ps2_kbd *k, unsigned locks)
{
	*k = (struct ps2_kbd){0};
	k->locks = locks & (INPUT_MOD_CAPS | INPUT_MOD_NUM | INPUT_MOD_SCROLL);
}

unsigned
ps2_kbd_mods(const struct ps2_kbd *k)
{
	unsigned m = k->locks;

	if (k->held & (HELD_LSHIFT | HELD_RSHIFT))
		m |= INPUT_MOD_SHIFT;
	if (k->held & (HELD_LCTRL | HELD_RCTRL))
		m |= INPUT_MOD_CTRL;
	if (k->held & HELD_LALT)
		m |= INPUT_MOD_ALT;
	if (k->held & HELD_RALT)
		m |= INPUT_MOD_ALTGR;
	if (k->held & (HELD_LMETA | HELD_RMETA))
		m |= INPUT_MOD_META;
	return m;
}

uint8_t
ps2_kbd_leds(const struct ps2_kbd *k)
{
	return (uint8_t)((k->locks & INPUT_MOD_SCROLL ? 1 : 0) |
	    (k->locks & INPUT_MOD_NUM ? 2 : 0) |
	    (k->locks & INPUT_MOD_CAPS ? 4 : 0));
}

static unsigned
held_bit(unsigned code)
{
	switch (code) {
	case KEY_LEFTSHIFT:
		return HELD_LSHIFT;
	case KEY_RIGHTSHIFT:
		return HELD_RSHIFT;
	case KEY_LEFTCTRL:
		return HELD_LCTRL;
	case KEY_RIGHTCTRL:
		return HELD_RCTRL;
	case KEY_LEFTALT:
		return HELD_LALT;
	case KEY_RIGHTALT:
		return HELD_RALT;
	case KEY_LEFTMETA:
		return HELD_LMETA;
	case KEY_RIGHTMETA:
		return HELD_RMETA;
	}
	return 0;
}

static unsigned
lock_bit(unsigned code)
{
	switch (code) {
	case KEY_CAPSLOCK:
		return INPUT_MOD_CAPS;
	case KEY_NUMLOCK:
		return INPUT_MOD_NUM;
	case KEY_SCROLLLOCK:
		return INPUT_MOD_SCROLL;
	}
	return 0;
}

static void
event(struct ps2_kbd *k, struct input_event *e, unsigned type, unsigned code)
{
	*e = (struct input_event){0};
	e->type = (uint8_t)type;
	e->code = (uint16_t)code;
	e->mods = (uint16_t)ps2_kbd_mods(k);
}

unsigned
ps2_kbd_feed(struct ps2_kbd *k, uint8_t byte, struct input_event out[2])
{
	unsigned code, release = byte & 0x80, was;
	uint64_t bit;

	if (k->pause) {
		if (++k->pause < PAUSE_BYTES)
			return 0;
		k->pause = 0;
		event(k, &out[0], INPUT_PRESS, KEY_PAUSE);
		event(k, &out[1], INPUT_RELEASE, KEY_PAUSE);
		return 2;
	}
	if (byte == 0xe1) {
		k->pause = 1;
		k->e0 = 0;
		return 0;
	}
	if (byte == 0xe0) {
		k->e0 = 1;
		return 0;
	}
	code = k->e0 ? set1_e0[byte & 0x7f] : set1[byte & 0x7f];
	k->e0 = 0;
	if (!code)
		return 0; /* fake shifts, keys we do not know, error bytes */
	bit = 1ull << (code % 64);
	was = (k->down[code / 64] & bit) != 0;
	if (release) {
		k->down[code / 64] &= ~bit;
		k->held &= ~held_bit(code);
	} else {
		k->down[code / 64] |= bit;
		k->held |= held_bit(code);
		if (!was) /* a lock toggles when pressed, not on repeats */
			k->locks ^= lock_bit(code);
	}
	event(k, &out[0], release ? INPUT_RELEASE : INPUT_PRESS, code);
	return 1;
}
