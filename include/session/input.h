/*
 * The Input session, provided by input drivers (drivers/ps2): key presses
 * and releases, relative pointer motion, buttons and the wheel. Events are
 * cheap: the driver writes them into a ring in a dataspace that the client
 * maps read-only, and submits the client's signal once per batch. The
 * client keeps its own read position; the driver never reads anything the
 * client could write, so a client cannot disturb the driver. A client that
 * falls more than a ring behind loses the oldest events and learns how many
 * (input_read in lib/input); the bitmap of keys held down now lets it
 * recover its key state.
 *
 * Drivers deliver key codes (positions on the keyboard, named after the US
 * layout), never characters: lib/input turns a code and the modifiers into
 * a character for the layout the client chose.
 */
#pragma once

#include <stdint.h>

#include <base/parent.h>

enum input_label {
	INPUT_DATASPACE = 1, /* -> the ring, read-only; w0: its bytes */
	INPUT_SIGH = 2,      /* a signal cap, submitted when events arrive */
};

/*
 * Key codes: the first group (up to KEY_KPENTER) produces characters
 * through a keymap; the rest do not. Values are part of the ABI.
 */
enum input_key {
	KEY_NONE = 0,
	KEY_A = 1, /* KEY_A + n is the (n+1)th letter, up to KEY_Z */
	KEY_B,
	KEY_C,
	KEY_D,
	KEY_E,
	KEY_F,
	KEY_G,
	KEY_H,
	KEY_I,
	KEY_J,
	KEY_K,
	KEY_L,
	KEY_M,
	KEY_N,
	KEY_O,
	KEY_P,
	KEY_Q,
	KEY_R,
	KEY_S,
	KEY_T,
	KEY_U,
	KEY_V,
	KEY_W,
	KEY_X,
	KEY_Y,
	KEY_Z = 26,
	KEY_0 = 27, /* KEY_0 + n is the digit n, up to KEY_9 */
	KEY_1,
	KEY_2,
	KEY_3,
	KEY_4,
	KEY_5,
	KEY_6,
	KEY_7,
	KEY_8,
	KEY_9 = 36,
	KEY_GRAVE = 37,
	KEY_MINUS,
	KEY_EQUAL,
	KEY_LEFTBRACE,
	KEY_RIGHTBRACE,
	KEY_BACKSLASH, /* the key above Enter (ISO: left of Enter) */
	KEY_SEMICOLON,
	KEY_APOSTROPHE,
	KEY_COMMA,
	KEY_DOT,
	KEY_SLASH,
	KEY_102ND, /* ISO keyboards: between left Shift and Z */
	KEY_SPACE = 49,
	KEY_TAB,
	KEY_ENTER,
	KEY_BACKSPACE,
	KEY_ESC,
	KEY_KP0 = 54, /* KEY_KP0 + n is keypad digit n, up to KEY_KP9 */
	KEY_KP1,
	KEY_KP2,
	KEY_KP3,
	KEY_KP4,
	KEY_KP5,
	KEY_KP6,
	KEY_KP7,
	KEY_KP8,
	KEY_KP9 = 63,
	KEY_KPDOT = 64,
	KEY_KPPLUS,
	KEY_KPMINUS,
	KEY_KPASTERISK,
	KEY_KPSLASH,
	KEY_KPENTER = 69,

	KEY_LEFTSHIFT = 70,
	KEY_RIGHTSHIFT,
	KEY_LEFTCTRL,
	KEY_RIGHTCTRL,
	KEY_LEFTALT,
	KEY_RIGHTALT, /* AltGr on layouts that have one */
	KEY_LEFTMETA,
	KEY_RIGHTMETA,
	KEY_COMPOSE, /* the menu key */
	KEY_CAPSLOCK,
	KEY_NUMLOCK,
	KEY_SCROLLLOCK = 81,
	KEY_F1 = 82, /* KEY_F1 + n is F(n+1), up to KEY_F12 */
	KEY_F2,
	KEY_F3,
	KEY_F4,
	KEY_F5,
	KEY_F6,
	KEY_F7,
	KEY_F8,
	KEY_F9,
	KEY_F10,
	KEY_F11,
	KEY_F12 = 93,
	KEY_INSERT = 94,
	KEY_DELETE,
	KEY_HOME,
	KEY_END,
	KEY_PAGEUP,
	KEY_PAGEDOWN,
	KEY_UP,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_SYSRQ, /* Print Screen */
	KEY_PAUSE = 105,
	KEY_COUNT, /* key codes are below this */

	BTN_LEFT = 0x100,
	BTN_RIGHT = 0x101,
	BTN_MIDDLE = 0x102,
	BTN_SIDE = 0x103,
	BTN_EXTRA = 0x104,
	BTN_END, /* button codes are below this */

	INPUT_CODES = 0x200, /* every code is below this */
};

/* Modifier state, as it is after the event that carries it. */
#define INPUT_MOD_SHIFT 0x001u  /* either Shift held */
#define INPUT_MOD_CTRL 0x002u   /* either Ctrl held */
#define INPUT_MOD_ALT 0x004u    /* left Alt held */
#define INPUT_MOD_ALTGR 0x008u  /* right Alt (AltGr) held */
#define INPUT_MOD_META 0x010u   /* either Meta (Windows key) held */
#define INPUT_MOD_CAPS 0x020u   /* Caps Lock on */
#define INPUT_MOD_NUM 0x040u    /* Num Lock on */
#define INPUT_MOD_SCROLL 0x080u /* Scroll Lock on */

enum input_type {
	INPUT_PRESS = 1,   /* code: a key or button went down (or repeats) */
	INPUT_RELEASE = 2, /* code: it came up */
	INPUT_MOTION = 3,  /* dx right, dy down, in device counts */
	INPUT_WHEEL = 4,   /* dz notches, positive: turned down (towards the
			    * user), as the PS/2 packet counts */
};

struct input_event {
	uint8_t type; /* enum input_type */
	uint8_t reserved;
	uint16_t code; /* enum input_key, for INPUT_PRESS and INPUT_RELEASE */
	uint16_t mods; /* INPUT_MOD_* */
	int16_t dz;
	int32_t dx, dy;
};
_Static_assert(sizeof(struct input_event) == 16, "an event is 16 bytes");

/*
 * The ring: the driver writes event number n into ev[n % INPUT_RING_EVENTS]
 * and then sets head to n + 1 (a release store), so a reader that loads
 * head (acquire) may read every event below it; the one at head may be
 * half written and overwrites head - INPUT_RING_EVENTS. pressed has bit c
 * set while code c is held down.
 */
#define INPUT_RING_EVENTS 256u
#define INPUT_RING_VERSION 1u

struct input_ring {
	uint64_t head;    /* events written since the driver started */
	uint32_t events;  /* INPUT_RING_EVENTS */
	uint32_t version; /* INPUT_RING_VERSION */
	uint64_t reserved[6];
	uint64_t pressed[INPUT_CODES / 64];
	struct input_event ev[INPUT_RING_EVENTS];
};
_Static_assert(sizeof(struct input_ring) == 128 + 16 * INPUT_RING_EVENTS,
    "the ring's layout is fixed");

#define INPUT_RING_BYTES 8192u /* the dataspace: two pages */
_Static_assert(sizeof(struct input_ring) <= INPUT_RING_BYTES,
    "the ring fits its dataspace");
