/* Keys to xterm's bytes; see keys.h. */
#include <string.h>

#include <session/input.h>

#include "keys.h"

/* xterm's modifier parameter: 1 + Shift 1 + Alt 2 + Ctrl 4. */
static unsigned
mod_param(unsigned mods)
{
	return 1 + (mods & INPUT_MOD_SHIFT ? 1 : 0) +
	    (mods & INPUT_MOD_ALT ? 2 : 0) + (mods & INPUT_MOD_CTRL ? 4 : 0);
}

/* ESC [ (or O) final, or ESC [ 1 ; m final with modifiers. */
static size_t
letter_key(char final, unsigned mods, bool ss3, char *out)
{
	unsigned m = mod_param(mods);

	if (m == 1) {
		out[0] = '\033';
		out[1] = ss3 ? 'O' : '[';
		out[2] = final;
		return 3;
	}
	memcpy(out, "\033[1;", 4);
	out[4] = (char)('0' + m);
	out[5] = final;
	return 6;
}

/* ESC [ n ~, or ESC [ n ; m ~ with modifiers. */
static size_t
tilde_key(unsigned n, unsigned mods, char *out)
{
	unsigned m = mod_param(mods), i = 0;

	out[i++] = '\033';
	out[i++] = '[';
	if (n >= 10)
		out[i++] = (char)('0' + n / 10);
	out[i++] = (char)('0' + n % 10);
	if (m > 1) {
		out[i++] = ';';
		out[i++] = (char)('0' + m);
	}
	out[i++] = '~';
	return i;
}

size_t
keys_bytes(const struct keymap *layout, unsigned code, unsigned mods,
    bool app_cursor, char out[KEYS_MAX])
{
	static const unsigned char fkeys[12] = {0, 0, 0, 0, 15, 17, 18, 19, 20,
	    21, 23, 24};
	bool num = mods & INPUT_MOD_NUM;
	uint32_t cp;
	size_t n;

	/* The keypad's navigation keys, when Num Lock is off. */
	if (!num && code >= KEY_KP0 && code <= KEY_KPDOT) {
		static const unsigned short nav[11] = {KEY_INSERT, KEY_END,
		    KEY_DOWN, KEY_PAGEDOWN, KEY_LEFT, 0, KEY_RIGHT, KEY_HOME,
		    KEY_UP, KEY_PAGEUP, KEY_DELETE};

		if (!(code = nav[code - KEY_KP0]))
			return 0;
	}
	switch (code) {
	case KEY_UP:
		return letter_key('A', mods, app_cursor, out);
	case KEY_DOWN:
		return letter_key('B', mods, app_cursor, out);
	case KEY_RIGHT:
		return letter_key('C', mods, app_cursor, out);
	case KEY_LEFT:
		return letter_key('D', mods, app_cursor, out);
	case KEY_HOME:
		return letter_key('H', mods, app_cursor, out);
	case KEY_END:
		return letter_key('F', mods, app_cursor, out);
	case KEY_INSERT:
		return tilde_key(2, mods, out);
	case KEY_DELETE:
		return tilde_key(3, mods, out);
	case KEY_PAGEUP:
		return tilde_key(5, mods, out);
	case KEY_PAGEDOWN:
		return tilde_key(6, mods, out);
	case KEY_ENTER:
	case KEY_KPENTER:
		out[0] = '\r';
		return 1;
	case KEY_BACKSPACE:
		out[0] = mods & INPUT_MOD_CTRL ? '\b' : 0x7f;
		return 1;
	case KEY_TAB:
		if (mods & INPUT_MOD_SHIFT) {
			memcpy(out, "\033[Z", 3);
			return 3;
		}
		out[0] = '\t';
		return 1;
	case KEY_ESC:
		out[0] = '\033';
		return 1;
	case KEY_SPACE:
		if (mods & INPUT_MOD_CTRL) {
			out[0] = 0;
			return 1;
		}
		break;
	}
	if (code >= KEY_F1 && code <= KEY_F12) {
		unsigned f = code - KEY_F1;

		if (f < 4)
			return letter_key((char)('P' + f), mods, true, out);
		return tilde_key(fkeys[f], mods, out);
	}
	if (!layout || !(cp = keymap_char(layout, code, mods)))
		return 0;
	n = 0;
	if (mods & INPUT_MOD_ALT)
		out[n++] = '\033';
	/* Ctrl with a digit: what xterm sends for the few that mean one. */
	if ((mods & INPUT_MOD_CTRL) && cp >= '2' && cp <= '8') {
		static const char ctl[7] = {0, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
		    0x7f};

		out[n++] = ctl[cp - '2'];
		return n;
	}
	if (cp == '\b')
		cp = 0x7f;
	return n + keymap_utf8(cp, out + n);
}
