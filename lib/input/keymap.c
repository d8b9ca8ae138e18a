/*
 * The keyboard layouts: for each key that types something, its character
 * without and with Shift, with AltGr and with Shift+AltGr. What all layouts
 * share (Space, Enter, the keypad's operators) is here once; a layout lists
 * only its own keys. Characters are Unicode code points.
 */
#include <input/keymap.h>
#include <session/input.h>

#define CAPS 0x1u /* Caps Lock acts as Shift (letters, umlauts) */
#define NUM 0x2u  /* types only with Num Lock on */

struct key_chars {
	uint32_t c[4]; /* plain, Shift, AltGr, Shift+AltGr */
	unsigned flags;
};

struct keymap {
	const char *name;
	int altgr; /* 0: right Alt is just Alt */
	struct key_chars keys[KEY_KPENTER + 1];
};

#define K(p, s)                 \
	{                       \
		{p, s, 0, 0}, 0 \
	}
#define KA(p, s, a)             \
	{                       \
		{p, s, a, 0}, 0 \
	}
#define L(p)                              \
	{                                 \
		{p, p - 0x20, 0, 0}, CAPS \
	}
#define LA(p, a)                          \
	{                                 \
		{p, p - 0x20, a, 0}, CAPS \
	}
#define U(p, s)                    \
	{                          \
		{p, s, 0, 0}, CAPS \
	} /* a letter outside a-z */

/* Keys every layout types the same. */
static const struct key_chars common[KEY_KPENTER + 1] = {
    [KEY_SPACE] = K(' ', ' '),
    [KEY_TAB] = K('\t', '\t'),
    [KEY_ENTER] = K('\n', '\n'),
    [KEY_BACKSPACE] = K('\b', '\b'),
    [KEY_ESC] = K(0x1b, 0x1b),
    [KEY_KP0] = {{'0', '0', 0, 0}, NUM},
    [KEY_KP1] = {{'1', '1', 0, 0}, NUM},
    [KEY_KP2] = {{'2', '2', 0, 0}, NUM},
    [KEY_KP3] = {{'3', '3', 0, 0}, NUM},
    [KEY_KP4] = {{'4', '4', 0, 0}, NUM},
    [KEY_KP5] = {{'5', '5', 0, 0}, NUM},
    [KEY_KP6] = {{'6', '6', 0, 0}, NUM},
    [KEY_KP7] = {{'7', '7', 0, 0}, NUM},
    [KEY_KP8] = {{'8', '8', 0, 0}, NUM},
    [KEY_KP9] = {{'9', '9', 0, 0}, NUM},
    [KEY_KPDOT] = {{'.', '.', 0, 0}, NUM},
    [KEY_KPPLUS] = K('+', '+'),
    [KEY_KPMINUS] = K('-', '-'),
    [KEY_KPASTERISK] = K('*', '*'),
    [KEY_KPSLASH] = K('/', '/'),
    [KEY_KPENTER] = K('\n', '\n'),
};

static const struct keymap us = {
    "us",
    0,
    {
	[KEY_A] = L('a'),
	[KEY_B] = L('b'),
	[KEY_C] = L('c'),
	[KEY_D] = L('d'),
	[KEY_E] = L('e'),
	[KEY_F] = L('f'),
	[KEY_G] = L('g'),
	[KEY_H] = L('h'),
	[KEY_I] = L('i'),
	[KEY_J] = L('j'),
	[KEY_K] = L('k'),
	[KEY_L] = L('l'),
	[KEY_M] = L('m'),
	[KEY_N] = L('n'),
	[KEY_O] = L('o'),
	[KEY_P] = L('p'),
	[KEY_Q] = L('q'),
	[KEY_R] = L('r'),
	[KEY_S] = L('s'),
	[KEY_T] = L('t'),
	[KEY_U] = L('u'),
	[KEY_V] = L('v'),
	[KEY_W] = L('w'),
	[KEY_X] = L('x'),
	[KEY_Y] = L('y'),
	[KEY_Z] = L('z'),
	[KEY_1] = K('1', '!'),
	[KEY_2] = K('2', '@'),
	[KEY_3] = K('3', '#'),
	[KEY_4] = K('4', '$'),
	[KEY_5] = K('5', '%'),
	[KEY_6] = K('6', '^'),
	[KEY_7] = K('7', '&'),
	[KEY_8] = K('8', '*'),
	[KEY_9] = K('9', '('),
	[KEY_0] = K('0', ')'),
	[KEY_GRAVE] = K('`', '~'),
	[KEY_MINUS] = K('-', '_'),
	[KEY_EQUAL] = K('=', '+'),
	[KEY_LEFTBRACE] = K('[', '{'),
	[KEY_RIGHTBRACE] = K(']', '}'),
	[KEY_BACKSLASH] = K('\\', '|'),
	[KEY_SEMICOLON] = K(';', ':'),
	[KEY_APOSTROPHE] = K('\'', '"'),
	[KEY_COMMA] = K(',', '<'),
	[KEY_DOT] = K('.', '>'),
	[KEY_SLASH] = K('/', '?'),
	[KEY_102ND] = K('<', '>'),
    },
};

/* German (T1, "nodeadkeys"): Y and Z swapped, umlauts, AltGr symbols. */
static const struct keymap de = {
    "de",
    1,
    {
	[KEY_A] = L('a'),
	[KEY_B] = L('b'),
	[KEY_C] = L('c'),
	[KEY_D] = L('d'),
	[KEY_E] = LA('e', 0x20ac), /* € */
	[KEY_F] = L('f'),
	[KEY_G] = L('g'),
	[KEY_H] = L('h'),
	[KEY_I] = L('i'),
	[KEY_J] = L('j'),
	[KEY_K] = L('k'),
	[KEY_L] = L('l'),
	[KEY_M] = LA('m', 0xb5), /* µ */
	[KEY_N] = L('n'),
	[KEY_O] = L('o'),
	[KEY_P] = L('p'),
	[KEY_Q] = LA('q', '@'),
	[KEY_R] = L('r'),
	[KEY_S] = L('s'),
	[KEY_T] = L('t'),
	[KEY_U] = L('u'),
	[KEY_V] = L('v'),
	[KEY_W] = L('w'),
	[KEY_X] = L('x'),
	[KEY_Y] = L('z'),
	[KEY_Z] = L('y'),
	[KEY_1] = KA('1', '!', 0xb9),  /* ¹ */
	[KEY_2] = KA('2', '"', 0xb2),  /* ² */
	[KEY_3] = KA('3', 0xa7, 0xb3), /* § ³ */
	[KEY_4] = K('4', '$'),
	[KEY_5] = K('5', '%'),
	[KEY_6] = K('6', '&'),
	[KEY_7] = KA('7', '/', '{'),
	[KEY_8] = KA('8', '(', '['),
	[KEY_9] = KA('9', ')', ']'),
	[KEY_0] = KA('0', '=', '}'),
	[KEY_GRAVE] = K('^', 0xb0),        /* ° */
	[KEY_MINUS] = KA(0xdf, '?', '\\'), /* ß */
	[KEY_EQUAL] = K(0xb4, '`'),        /* ´ */
	[KEY_LEFTBRACE] = U(0xfc, 0xdc),   /* ü Ü */
	[KEY_RIGHTBRACE] = KA('+', '*', '~'),
	[KEY_BACKSLASH] = K('#', '\''),
	[KEY_SEMICOLON] = U(0xf6, 0xd6),  /* ö Ö */
	[KEY_APOSTROPHE] = U(0xe4, 0xc4), /* ä Ä */
	[KEY_COMMA] = K(',', ';'),
	[KEY_DOT] = K('.', ':'),
	[KEY_SLASH] = K('-', '_'),
	[KEY_102ND] = KA('<', '>', '|'),
	[KEY_KPDOT] = {{',', ',', 0, 0}, NUM},
    },
};

static const struct keymap *const layouts[] = {&us, &de};

static int
same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

const struct keymap *
keymap_find(const char *name)
{
	for (unsigned i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (same(layouts[i]->name, name))
			return layouts[i];
	return NULL;
}

const char *
keymap_name(const struct keymap *layout)
{
	return layout->name;
}

uint32_t
keymap_char(const struct keymap *layout, unsigned code, unsigned mods)
{
	const struct key_chars *k;
	unsigned level;
	uint32_t c;

	if (!layout || code > KEY_KPENTER)
		return 0;
	k = &layout->keys[code];
	if (!k->c[0])
		k = &common[code];
	if ((k->flags & NUM) && !(mods & INPUT_MOD_NUM))
		return 0;
	level = mods & INPUT_MOD_SHIFT ? 1 : 0;
	if ((k->flags & CAPS) && (mods & INPUT_MOD_CAPS))
		level ^= 1;
	if ((mods & INPUT_MOD_ALTGR) && layout->altgr) {
		/* Keys without an AltGr character type nothing with it. */
		return k->c[2 + level] ? k->c[2 + level] : k->c[2];
	}
	c = k->c[level];
	if ((mods & INPUT_MOD_CTRL) &&
	    ((c >= '@' && c <= '_') || (c >= 'a' && c <= 'z')))
		return c & 0x1f;
	return c;
}

size_t
keymap_utf8(uint32_t cp, char out[5])
{
	size_t n;

	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		if (cp >= 0xd800 && cp < 0xe000) {
			out[0] = 0;
			return 0;
		}
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp < 0x110000) {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		out[0] = 0;
		return 0;
	}
	out[n] = 0;
	return n;
}
