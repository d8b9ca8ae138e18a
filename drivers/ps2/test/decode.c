/*
 * Host unit test of the PS/2 decoders: scan code set 1 with E0 and E1
 * sequences, modifiers and locks; mouse packets with and without the wheel,
 * and resynchronisation after a lost byte.
 */
#include <stdio.h>
#include <string.h>

#include <test/check.h>

#include "../keyboard.h"
#include "../mouse.h"

static struct input_event got[64];
static unsigned ngot;

static void
kbd_bytes(struct ps2_kbd *k, const uint8_t *b, unsigned n)
{
	ngot = 0;
	for (unsigned i = 0; i < n; i++)
		ngot += ps2_kbd_feed(k, b[i], &got[ngot]);
}

static int
is(unsigned i, unsigned type, unsigned code)
{
	return i < ngot && got[i].type == type && got[i].code == code;
}

static void
test_keyboard(void)
{
	struct ps2_kbd k;

	ps2_kbd_init(&k, 0);
	kbd_bytes(&k, (const uint8_t[]){0x1e, 0x9e}, 2);
	CHECK(ngot == 2 && is(0, INPUT_PRESS, KEY_A) &&
	    is(1, INPUT_RELEASE, KEY_A) && got[0].mods == 0);
	/* Shift held: the press of A carries it; its release clears it. */
	kbd_bytes(&k, (const uint8_t[]){0x2a, 0x1e, 0x9e, 0xaa}, 4);
	CHECK(ngot == 4 && is(0, INPUT_PRESS, KEY_LEFTSHIFT) &&
	    got[1].mods == INPUT_MOD_SHIFT && got[3].mods == 0);
	/* E0 keys; right Alt is AltGr; fake shifts are dropped. */
	kbd_bytes(&k,
	    (const uint8_t[]){0xe0, 0x38, 0x10, 0x90, 0xe0, 0xb8, 0xe0, 0x2a,
		0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa},
	    14);
	CHECK(ngot == 6 && is(0, INPUT_PRESS, KEY_RIGHTALT) &&
	    got[1].code == KEY_Q && got[1].mods == INPUT_MOD_ALTGR &&
	    is(3, INPUT_RELEASE, KEY_RIGHTALT) && is(4, INPUT_PRESS, KEY_UP) &&
	    is(5, INPUT_RELEASE, KEY_UP) && got[4].mods == 0);
	kbd_bytes(&k, (const uint8_t[]){0xe0, 0x1c, 0xe0, 0x1d, 0xe0, 0x5b}, 6);
	CHECK(ngot == 3 && is(0, INPUT_PRESS, KEY_KPENTER) &&
	    is(1, INPUT_PRESS, KEY_RIGHTCTRL) &&
	    is(2, INPUT_PRESS, KEY_LEFTMETA) &&
	    got[2].mods == (INPUT_MOD_CTRL | INPUT_MOD_META));
	ps2_kbd_init(&k, 0);
	/* Pause: six bytes, a press and a release. */
	kbd_bytes(&k, (const uint8_t[]){0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5}, 6);
	CHECK(ngot == 2 && is(0, INPUT_PRESS, KEY_PAUSE) &&
	    is(1, INPUT_RELEASE, KEY_PAUSE));
	/* Caps Lock toggles on its press, not on repeats or its release. */
	kbd_bytes(&k, (const uint8_t[]){0x3a, 0x3a, 0xba, 0x1e}, 4);
	CHECK(ngot == 4 && got[3].mods == INPUT_MOD_CAPS &&
	    ps2_kbd_leds(&k) == 4);
	kbd_bytes(&k, (const uint8_t[]){0x3a, 0xba, 0x45, 0xc5, 0x46, 0xc6}, 6);
	CHECK(ngot == 6 && got[5].mods == (INPUT_MOD_NUM | INPUT_MOD_SCROLL) &&
	    ps2_kbd_leds(&k) == 3);
	/* Unknown codes and answer bytes make no events. */
	kbd_bytes(&k,
	    (const uint8_t[]){0xfa, 0xfe, 0x00, 0xff, 0x7f, 0xe0, 0x01}, 7);
	CHECK(ngot == 0);
	ps2_kbd_init(&k, INPUT_MOD_NUM | 0x100);
	CHECK(ps2_kbd_mods(&k) == INPUT_MOD_NUM);
}

static unsigned
mouse_bytes(struct ps2_mouse *m, const uint8_t *b, unsigned n)
{
	ngot = 0;
	for (unsigned i = 0; i < n; i++)
		ngot += ps2_mouse_feed(m, b[i], 0, &got[ngot]);
	return ngot;
}

static void
test_mouse(void)
{
	struct ps2_mouse m;

	ps2_mouse_init(&m, 0);
	/* Right 10, up 5 (Y counts up; events count down). */
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x08, 10, 5}, 3) == 1 &&
	    got[0].type == INPUT_MOTION && got[0].dx == 10 && got[0].dy == -5);
	/* Left 3, down 256 + sign: -3, +2. */
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x38, 0xfd, 0xfe}, 3) == 1 &&
	    got[0].dx == -3 && got[0].dy == 2);
	/* Buttons: left down, then left up and middle down. */
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x09, 0, 0}, 3) == 1 &&
	    is(0, INPUT_PRESS, BTN_LEFT));
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x0c, 1, 0}, 3) == 3 &&
	    got[0].type == INPUT_MOTION && is(1, INPUT_RELEASE, BTN_LEFT) &&
	    is(2, INPUT_PRESS, BTN_MIDDLE));
	/* Overflow: that axis is not trusted. */
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x4c, 0xff, 7}, 3) == 1 &&
	    got[0].dx == 0 && got[0].dy == -7 && m.overflows == 1);
	/* A lost byte: the decoder drops until bit 3 starts a packet. */
	ps2_mouse_init(&m, 1);
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x01, 0x02, 0x08, 0, 0, 1},
		  6) == 1 &&
	    got[0].type == INPUT_WHEEL && got[0].dz == 1 && m.dropped == 2);
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x0a, 0, 0, 0xff}, 4) == 2 &&
	    is(0, INPUT_PRESS, BTN_RIGHT) && got[1].type == INPUT_WHEEL &&
	    got[1].dz == -1);
	/* A packet cut off is forgotten. */
	CHECK(mouse_bytes(&m, (const uint8_t[]){0x0a, 5}, 2) == 0);
	ps2_mouse_restart(&m);
	CHECK(m.dropped == 4 &&
	    mouse_bytes(&m, (const uint8_t[]){0x08, 0, 0, 0}, 4) == 1 &&
	    is(0, INPUT_RELEASE, BTN_RIGHT));
}

int
main(void)
{
	test_keyboard();
	test_mouse();
	printf("test_ps2_decode: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
