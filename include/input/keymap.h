/*
 * Keyboard layouts, in one place for every program: a key code (a position
 * on the keyboard, include/session/input.h) and the modifier state become a
 * character of the layout the program's config names. Input drivers never
 * know the layout; programs that show text ask here.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct keymap; /* a layout, opaque */

/* The layout named name ("us", "de"), or NULL if there is none. */
const struct keymap *keymap_find(const char *name);
const char *keymap_name(const struct keymap *layout);

/*
 * The Unicode code point that code types on layout with mods (INPUT_MOD_*),
 * or 0 if it types none (modifier keys, function keys, the keypad's
 * navigation keys without Num Lock). Caps Lock shifts letters only; Ctrl
 * with a key that types a letter or one of @[\]^_ gives its control code
 * (Ctrl-A: 1). Dead keys are not composed: they type their own character
 * (the "nodeadkeys" variants).
 */
uint32_t keymap_char(const struct keymap *layout, unsigned code, unsigned mods);

/* Writes cp as UTF-8 and a NUL into out; returns the bytes (0: invalid). */
size_t keymap_utf8(uint32_t cp, char out[5]);

/* "KEY_A", "BTN_LEFT", ...; "KEY_UNKNOWN" for codes without a name. */
const char *input_code_name(unsigned code);
