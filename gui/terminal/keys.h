/*
 * Keys to the bytes an xterm sends: characters through the keyboard
 * layout (lib/input), control codes with Ctrl, ESC before a character
 * with Alt, and escape sequences for the cursor, editing and function
 * keys. No I/O: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <input/keymap.h>

#define KEYS_MAX 16u /* bytes one key can give */

/* The bytes of a key press with mods (INPUT_MOD_*); 0 if none. With
 * app_cursor (DECCKM) the cursor keys send ESC O x. */
size_t keys_bytes(const struct keymap *layout, unsigned code, unsigned mods,
    bool app_cursor, char out[KEYS_MAX]);
