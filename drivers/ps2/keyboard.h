/*
 * The keyboard's byte stream (scan code set 1, as the i8042 translates it)
 * turned into key events: prefixes, press and release, modifiers held and
 * locks toggled. No I/O here, so the host test can feed it bytes.
 */
#pragma once

#include <stdint.h>

#include <session/input.h>

struct ps2_kbd {
	unsigned e0;    /* an E0 prefix came */
	unsigned pause; /* bytes of the E1 (Pause) sequence seen */
	unsigned held;  /* modifier keys held, HELD_* in keyboard.c */
	unsigned locks; /* INPUT_MOD_CAPS, _NUM, _SCROLL */
	uint64_t down[(KEY_COUNT + 63) / 64];
};

/* locks: the lock state to start with (INPUT_MOD_NUM ...). */
void ps2_kbd_init(struct ps2_kbd *k, unsigned locks);

/* INPUT_MOD_* now. */
unsigned ps2_kbd_mods(const struct ps2_kbd *k);

/* The byte for the keyboard's "set LEDs" command (0xed): bit 0 Scroll,
 * bit 1 Num, bit 2 Caps Lock. */
uint8_t ps2_kbd_leds(const struct ps2_kbd *k);

/* Feeds one byte; writes 0 to 2 events into out and returns how many. */
unsigned ps2_kbd_feed(struct ps2_kbd *k, uint8_t byte,
    struct input_event out[2]);
