/*
 * The escape-sequence parser: UTF-8 and the VT100/xterm control functions
 * a shell and a full-screen editor use, after the state machine of the
 * DEC VT500 (as Paul Williams described it): C0 controls act inside a
 * sequence, CAN and SUB cancel it, ESC starts a new one, and whatever is
 * not understood is consumed and ignored. Numbers are clamped, so no
 * parameter can overflow or move anything outside the grid.
 */
#include <string.h>

#include "vt_int.h"

enum state {
	GROUND,
	ESCAPE,
	ESCAPE_INTER,
	CSI_PARAM,
	CSI_IGNORE,
	OSC,
	OSC_ESC,
	STRING, /* DCS, SOS, PM, APC: consumed up to ST */
	STRING_ESC,
};

static unsigned
param(const struct vt *vt, unsigned i, unsigned def)
{
	return i < vt->nparams && vt->params[i] ? vt->params[i] : def;
}

static void
fmt_uint(char *out, unsigned v)
{
	char tmp[12];
	unsigned n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*out++ = tmp[--n];
	*out = 0;
}

static void
reply_cursor(struct vt *vt)
{
	char buf[32] = "\033[", num[12];
	unsigned y = vt->cur.y + 1 - (vt->cur.origin ? vt->top : 0);

	fmt_uint(num, y);
	strcat(buf, num);
	strcat(buf, ";");
	fmt_uint(num, vt->cur.x + 1);
	strcat(buf, num);
	strcat(buf, "R");
	vt_reply(vt, buf);
}

uint32_t
vt_palette(unsigned i)
{
	static const uint32_t base[16] = {0x000000, 0xcd0000, 0x00cd00,
	    0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5, 0x7f7f7f,
	    0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff,
	    0xffffff};
	static const uint8_t level[6] = {0, 95, 135, 175, 215, 255};

	if (i < 16)
		return base[i];
	if (i < 232) {
		i -= 16;
		return (uint32_t)level[i / 36] << 16 |
		    (uint32_t)level[i / 6 % 6] << 8 | level[i % 6];
	}
	if (i < 256) {
		uint32_t g = 8 + (i - 232) * 10;

		return g << 16 | g << 8 | g;
	}
	return 0;
}

/* 38/48 ; 5 ; n or 38/48 ; 2 ; r ; g ; b: returns the params used. */
static unsigned
sgr_color(struct vt *vt, unsigned i, uint32_t *out)
{
	unsigned kind = i + 1 < vt->nparams ? vt->params[i + 1] : 0;

	if (kind == 5 && i + 2 < vt->nparams) {
		if (vt->params[i + 2] < 256)
			*out = vt->params[i + 2];
		return 2;
	}
	if (kind == 2 && i + 4 < vt->nparams) {
		uint32_t r = vt->params[i + 2], g = vt->params[i + 3],
			 b = vt->params[i + 4];

		if (r < 256 && g < 256 && b < 256)
			*out = VT_COLOR_RGB | r << 16 | g << 8 | b;
		return 4;
	}
	return vt->nparams - i - 1; /* malformed: the rest is eaten */
}

static void
sgr(struct vt *vt)
{
	struct vt_cell *p = &vt->cur.pen;

	if (!vt->nparams)
		vt->params[vt->nparams++] = 0;
	for (unsigned i = 0; i < vt->nparams; i++) {
		unsigned v = vt->params[i];

		switch (v) {
		case 0:
			p->fg = VT_COLOR_FG;
			p->bg = VT_COLOR_BG;
			p->attr = 0;
			break;
		case 1:
			p->attr |= VT_BOLD;
			break;
		case 2:
			p->attr |= VT_DIM;
			break;
		case 3:
			p->attr |= VT_ITALIC;
			break;
		case 4:
			p->attr |= VT_UNDERLINE;
			break;
		case 5:
		case 6:
			p->attr |= VT_BLINK;
			break;
		case 7:
			p->attr |= VT_REVERSE;
			break;
		case 8:
			p->attr |= VT_INVISIBLE;
			break;
		case 9:
			p->attr |= VT_STRIKE;
			break;
		case 21:
			p->attr |= VT_UNDERLINE;
			break;
		case 22:
			p->attr &= ~(VT_BOLD | VT_DIM);
			break;
		case 23:
			p->attr &= ~VT_ITALIC;
			break;
		case 24:
			p->attr &= ~VT_UNDERLINE;
			break;
		case 25:
			p->attr &= ~VT_BLINK;
			break;
		case 27:
			p->attr &= ~VT_REVERSE;
			break;
		case 28:
			p->attr &= ~VT_INVISIBLE;
			break;
		case 29:
			p->attr &= ~VT_STRIKE;
			break;
		case 38:
			i += sgr_color(vt, i, &p->fg);
			break;
		case 39:
			p->fg = VT_COLOR_FG;
			break;
		case 48:
			i += sgr_color(vt, i, &p->bg);
			break;
		case 49:
			p->bg = VT_COLOR_BG;
			break;
		default:
			if (v >= 30 && v <= 37)
				p->fg = v - 30;
			else if (v >= 40 && v <= 47)
				p->bg = v - 40;
			else if (v >= 90 && v <= 97)
				p->fg = v - 90 + 8;
			else if (v >= 100 && v <= 107)
				p->bg = v - 100 + 8;
		}
	}
}

static void
set_mode(struct vt *vt, bool on)
{
	for (unsigned i = 0; i < vt->nparams; i++) {
		unsigned m = vt->params[i];

		if (!vt->priv) {
			if (m == 4)
				vt->insert = on;
			else if (m == 20)
				vt->newline_mode = on;
			continue;
		}
		if (vt->priv != '?')
			continue;
		switch (m) {
		case 1:
			vt->app_cursor = on;
			break;
		case 5:
			vt->reverse_video = on;
			break;
		case 6:
			vt->cur.origin = on;
			vt_goto(vt, 0, 0);
			break;
		case 7:
			vt->autowrap = on;
			if (!on)
				vt->cur.wrap_pending = false;
			break;
		case 25:
			vt->cursor_visible = on;
			break;
		case 47:
		case 1047:
			vt_alt_screen(vt, on, false, on && m == 1047);
			break;
		case 1048:
			if (on)
				vt_save_cursor(vt);
			else
				vt_restore_cursor(vt);
			break;
		case 1049:
			vt_alt_screen(vt, on, true, true);
			break;
		case 2004:
			vt->bracketed_paste = on;
			break;
		}
	}
}

/* DECSTR: modes and pen back to their defaults, the text stays. */
static void
soft_reset(struct vt *vt)
{
	vt->cur.pen = (struct vt_cell){' ', VT_COLOR_FG, VT_COLOR_BG, 0};
	vt->cur.origin = vt->cur.g0_graphics = false;
	vt->saved[vt->alt_active] = vt->cur;
	vt->top = 0;
	vt->bottom = vt->rows;
	vt->autowrap = vt->cursor_visible = true;
	vt->insert = vt->app_cursor = vt->app_keypad = false;
}

static void
csi_dispatch(struct vt *vt, unsigned char f)
{
	unsigned n = param(vt, 0, 1);

	if (vt->priv && f != 'h' && f != 'l' && f != 'c' && f != 'n' &&
	    f != 'J' && f != 'K')
		return;
	if (vt->inter) {
		if (vt->inter == '!' && f == 'p')
			soft_reset(vt);
		return;
	}
	switch (f) {
	case '@':
		vt_insert_chars(vt, n);
		break;
	case 'A':
		vt_move(vt, -(long)n, 0);
		break;
	case 'B':
	case 'e':
		vt_move(vt, n, 0);
		break;
	case 'C':
	case 'a':
		vt_move(vt, 0, n);
		break;
	case 'D':
		vt_move(vt, 0, -(long)n);
		break;
	case 'E':
		vt_move(vt, n, 0);
		vt_carriage_return(vt);
		break;
	case 'F':
		vt_move(vt, -(long)n, 0);
		vt_carriage_return(vt);
		break;
	case 'G':
	case '`':
		vt_goto(vt, (long)vt->cur.y - (vt->cur.origin ? vt->top : 0),
		    (long)n - 1);
		break;
	case 'H':
	case 'f':
		vt_goto(vt, (long)n - 1, (long)param(vt, 1, 1) - 1);
		break;
	case 'I':
		vt_tab(vt, (int)(n > vt->cols ? vt->cols : n));
		break;
	case 'J':
		vt_erase_display(vt, param(vt, 0, 0));
		break;
	case 'K':
		vt_erase_line(vt, param(vt, 0, 0));
		break;
	case 'L':
		vt_insert_lines(vt, n);
		break;
	case 'M':
		vt_delete_lines(vt, n);
		break;
	case 'P':
		vt_delete_chars(vt, n);
		break;
	case 'S':
		vt_scroll_up(vt, n);
		break;
	case 'T':
		vt_scroll_down(vt, n);
		break;
	case 'X':
		vt_erase_chars(vt, n);
		break;
	case 'Z':
		vt_tab(vt, -(int)(n > vt->cols ? vt->cols : n));
		break;
	case 'b':
		/* REP: the last character again, at most a screenful. */
		if (vt->last_cp) {
			unsigned max = vt->cols * vt->rows;

			for (unsigned i = 0; i < n && i < max; i++)
				vt_put(vt, vt->last_cp);
		}
		break;
	case 'c':
		if (!vt->priv && !param(vt, 0, 0))
			vt_reply(vt, "\033[?62;22c"); /* VT220, colour */
		else if (vt->priv == '>' && !param(vt, 0, 0))
			vt_reply(vt, "\033[>0;10;0c");
		break;
	case 'd':
		vt_goto(vt, (long)n - 1, vt->cur.x);
		break;
	case 'g':
		if (!param(vt, 0, 0))
			vt->tabs[vt->cur.x] = 0;
		else if (param(vt, 0, 0) == 3)
			memset(vt->tabs, 0, vt->cols);
		break;
	case 'h':
		set_mode(vt, true);
		break;
	case 'l':
		set_mode(vt, false);
		break;
	case 'm':
		sgr(vt);
		break;
	case 'n':
		if (param(vt, 0, 0) == 5)
			vt_reply(vt, "\033[0n");
		else if (param(vt, 0, 0) == 6)
			reply_cursor(vt);
		break;
	case 'r':
		vt_set_region(vt, param(vt, 0, 0), param(vt, 1, 0));
		break;
	case 's':
		vt_save_cursor(vt);
		break;
	case 'u':
		vt_restore_cursor(vt);
		break;
	}
}

static void
esc_dispatch(struct vt *vt, unsigned char f)
{
	if (vt->inter == '(') {
		vt->cur.g0_graphics = f == '0';
		return;
	}
	if (vt->inter == '#' && f == '8') {
		vt_screen_align(vt);
		return;
	}
	if (vt->inter)
		return;
	switch (f) {
	case '7':
		vt_save_cursor(vt);
		break;
	case '8':
		vt_restore_cursor(vt);
		break;
	case 'D':
		vt_linefeed(vt);
		break;
	case 'E':
		vt_carriage_return(vt);
		vt_linefeed(vt);
		break;
	case 'H':
		vt->tabs[vt->cur.x] = 1;
		break;
	case 'M':
		vt_reverse_index(vt);
		break;
	case 'c':
		vt_reset(vt);
		vt_erase_display(vt, 3);
		break;
	case '=':
		vt->app_keypad = true;
		break;
	case '>':
		vt->app_keypad = false;
		break;
	}
}

/* OSC 0 and 2 set the title; everything else is ignored. */
static void
osc_dispatch(struct vt *vt)
{
	unsigned i = 0, n = 0;

	while (i < vt->osc_len && vt->osc[i] >= '0' && vt->osc[i] <= '9')
		n = n * 10 + (unsigned)(vt->osc[i++] - '0');
	if (i == vt->osc_len || vt->osc[i] != ';' || (n != 0 && n != 2) ||
	    i > 4)
		return;
	i++;
	memcpy(vt->title, vt->osc + i, vt->osc_len - i);
	vt->title[vt->osc_len - i] = 0;
	vt->title_changed = true;
}

static void
control(struct vt *vt, unsigned char c)
{
	switch (c) {
	case 7:
		vt->bell = true;
		break;
	case 8:
		vt_backspace(vt);
		break;
	case 9:
		vt_tab(vt, 1);
		break;
	case 10:
	case 11:
	case 12:
		vt_linefeed(vt);
		if (vt->newline_mode)
			vt_carriage_return(vt);
		break;
	case 13:
		vt_carriage_return(vt);
		break;
	case 14: /* SO, SI: G1 is never used */
	case 15:
		break;
	}
}

/* DEC special graphics for 0x5f-0x7e, the line drawing set. */
static uint32_t
dec_graphics(uint32_t c)
{
	static const uint16_t map[32] = {0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c,
	    0x240d, 0x240a, 0x00b0, 0x00b1, 0x2424, 0x240b, 0x2518, 0x2510,
	    0x250c, 0x2514, 0x253c, 0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd,
	    0x251c, 0x2524, 0x2534, 0x252c, 0x2502, 0x2264, 0x2265, 0x03c0,
	    0x2260, 0x00a3, 0x00b7};

	return c >= 0x5f && c <= 0x7e ? map[c - 0x5f] : c;
}

/* Zero-width characters: combining marks and the like are dropped. */
static bool
zero_width(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0xfeff;
}

static void
print(struct vt *vt, uint32_t cp)
{
	if ((cp >= 0x80 && cp < 0xa0) || zero_width(cp))
		return;
	if (vt->cur.g0_graphics)
		cp = dec_graphics(cp);
	vt_put(vt, cp);
}

static void
utf8(struct vt *vt, unsigned char c)
{
	if (vt->utf8_need) {
		if ((c & 0xc0) == 0x80) {
			vt->utf8_cp = vt->utf8_cp << 6 | (c & 0x3f);
			if (--vt->utf8_need)
				return;
			if (vt->utf8_cp < vt->utf8_min ||
			    vt->utf8_cp > 0x10ffff ||
			    (vt->utf8_cp >= 0xd800 && vt->utf8_cp <= 0xdfff))
				vt->utf8_cp = 0xfffd;
			print(vt, vt->utf8_cp);
			return;
		}
		/* Cut short: a replacement, then c on its own. */
		vt->utf8_need = 0;
		print(vt, 0xfffd);
	}
	if (c < 0x80) {
		print(vt, c);
	} else if (c >= 0xc2 && c <= 0xdf) {
		vt->utf8_need = 1;
		vt->utf8_cp = c & 0x1f;
		vt->utf8_min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		vt->utf8_need = 2;
		vt->utf8_cp = c & 0x0f;
		vt->utf8_min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		vt->utf8_need = 3;
		vt->utf8_cp = c & 0x07;
		vt->utf8_min = 0x10000;
	} else {
		print(vt, 0xfffd);
	}
}

static void
begin(struct vt *vt, enum state s)
{
	vt->state = s;
	memset(vt->params, 0, sizeof(vt->params));
	vt->nparams = 0;
	vt->param_seen = false;
	vt->priv = vt->inter = 0;
	vt->osc_len = 0;
}

static void
byte(struct vt *vt, unsigned char c)
{
	/* Inside a string only its terminators count. */
	if (vt->state == OSC || vt->state == OSC_ESC) {
		if (c == 7 || (vt->state == OSC_ESC && c == '\\')) {
			osc_dispatch(vt);
			vt->state = GROUND;
		} else if (c == 0x18 || c == 0x1a) {
			vt->state = GROUND;
		} else if (c == 0x1b) {
			vt->state = OSC_ESC;
		} else if (vt->state == OSC_ESC) {
			begin(vt, ESCAPE); /* ESC and something else */
			byte(vt, c);
		} else if (c >= 0x20 && vt->osc_len < sizeof(vt->osc) - 8) {
			vt->osc[vt->osc_len++] = (char)c;
		}
		return;
	}
	if (vt->state == STRING || vt->state == STRING_ESC) {
		if (c == 0x18 || c == 0x1a ||
		    (vt->state == STRING_ESC && c == '\\'))
			vt->state = GROUND;
		else
			vt->state = c == 0x1b ? STRING_ESC : STRING;
		return;
	}
	if (c == 0x1b) {
		if (vt->utf8_need) {
			vt->utf8_need = 0;
			print(vt, 0xfffd);
		}
		begin(vt, ESCAPE);
		return;
	}
	if (c == 0x18 || c == 0x1a) {
		vt->state = GROUND;
		return;
	}
	if (vt->state == GROUND) {
		if (c < 0x20 && !vt->utf8_need)
			control(vt, c);
		else if (c < 0x20) {
			vt->utf8_need = 0;
			print(vt, 0xfffd);
			control(vt, c);
		} else if (c != 0x7f) {
			utf8(vt, c);
		} else if (vt->utf8_need) {
			vt->utf8_need = 0;
			print(vt, 0xfffd);
		}
		return;
	}
	if (c < 0x20) {
		control(vt, c);
		return;
	}
	if (c == 0x7f)
		return;
	if (c >= 0x80) {
		/* Not part of any sequence: it ends it and is printed. */
		vt->state = GROUND;
		utf8(vt, c);
		return;
	}
	switch (vt->state) {
	case ESCAPE:
	case ESCAPE_INTER:
		if (c < 0x30) {
			vt->inter = (char)c;
			vt->state = ESCAPE_INTER;
		} else if (vt->state == ESCAPE && c == '[') {
			begin(vt, CSI_PARAM);
		} else if (vt->state == ESCAPE && c == ']') {
			begin(vt, OSC);
		} else if (vt->state == ESCAPE &&
		    (c == 'P' || c == 'X' || c == '^' || c == '_')) {
			begin(vt, STRING);
		} else {
			esc_dispatch(vt, c);
			vt->state = GROUND;
		}
		break;
	case CSI_PARAM:
		if (c >= '0' && c <= '9') {
			unsigned *p;

			if (!vt->nparams)
				vt->nparams = 1;
			p = &vt->params[vt->nparams - 1];
			*p = *p * 10 + (unsigned)(c - '0');
			if (*p > VT_PARAM_MAX)
				*p = VT_PARAM_MAX;
			vt->param_seen = true;
		} else if (c == ';' || c == ':') {
			if (!vt->nparams)
				vt->nparams = 1;
			if (vt->nparams == VT_PARAMS_MAX) {
				vt->state = CSI_IGNORE;
				break;
			}
			vt->params[vt->nparams++] = 0;
		} else if (c >= '<' && c <= '?') {
			if (vt->nparams || vt->priv || vt->inter)
				vt->state = CSI_IGNORE;
			else
				vt->priv = (char)c;
		} else if (c < 0x30) {
			vt->inter = (char)c;
		} else {
			if (vt->inter && c < 0x40)
				vt->state = CSI_IGNORE;
			else {
				csi_dispatch(vt, c);
				vt->state = GROUND;
			}
		}
		break;
	case CSI_IGNORE:
		if (c >= 0x40)
			vt->state = GROUND;
		break;
	}
}

void
vt_write(struct vt *vt, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < n; i++)
		byte(vt, p[i]);
}
