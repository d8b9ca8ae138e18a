/*
 * Host unit test of the terminal's core: the escape parser and screen
 * model (vt_*.c), the line discipline (ldisc.c) and the key mapping
 * (keys.c). Built with AddressSanitizer and UBSan, so malformed input
 * that writes outside the grid fails here, not in the component.
 */
#include <stdlib.h>
#include <string.h>

#include <session/input.h>
#include <session/terminal.h>
#include <test/check.h>

#include "../keys.h"
#include "../ldisc.h"
#include "../vt.h"

static void
put(struct vt *vt, const char *s)
{
	vt_write(vt, s, strlen(s));
}

/* Row r as text: code points below 128 as themselves, others '#'. Trailing
 * blanks dropped. */
static const char *
row(const struct vt *vt, unsigned r)
{
	static char buf[VT_COLS_MAX + 1];
	unsigned n = 0;

	for (unsigned x = 0; x < vt->cols; x++) {
		uint32_t cp = vt_cell_at(vt, r, x)->cp;

		buf[n++] = cp < 128 ? (char)cp : '#';
	}
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = 0;
	return buf;
}

static bool
at(const struct vt *vt, unsigned y, unsigned x)
{
	return vt->cur.y == y && vt->cur.x == x;
}

static void
test_text(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 10, 4, 100) == 0);
	put(&vt, "hello\r\nworld");
	CHECK(!strcmp(row(&vt, 0), "hello"));
	CHECK(!strcmp(row(&vt, 1), "world"));
	CHECK(at(&vt, 1, 5));
	/* LF alone keeps the column; BS and TAB. */
	put(&vt, "\n!\b?\tX");
	CHECK(!strcmp(row(&vt, 2), "     ?  X"));
	CHECK(at(&vt, 2, 9));
	/* Wrap: the 10th character stays, the 11th wraps. */
	put(&vt, "\r\n0123456789");
	CHECK(at(&vt, 3, 9) && vt.cur.wrap_pending);
	put(&vt, "a");
	CHECK(!strcmp(row(&vt, 2), "0123456789"));
	CHECK(vt.lines[2]->wrapped);
	CHECK(!strcmp(row(&vt, 3), "a"));
	CHECK(!strcmp(row(&vt, 0), "world"));
	CHECK(vt.sb_count == 1);
	/* Without autowrap the last column is overwritten. */
	put(&vt, "\033[?7l\rABCDEFGHIJKLM");
	CHECK(!strcmp(row(&vt, 3), "ABCDEFGHIM"));
	put(&vt, "\033[?7h");
	CHECK(vt.autowrap);
	vt_free(&vt);
}

static void
test_cursor(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 20, 10, 0) == 0);
	put(&vt, "\033[5;7H");
	CHECK(at(&vt, 4, 6));
	put(&vt, "\033[2A");
	CHECK(at(&vt, 2, 6));
	put(&vt, "\033[B");
	CHECK(at(&vt, 3, 6));
	put(&vt, "\033[3C");
	CHECK(at(&vt, 3, 9));
	put(&vt, "\033[100D");
	CHECK(at(&vt, 3, 0));
	put(&vt, "\033[999;999H");
	CHECK(at(&vt, 9, 19));
	put(&vt, "\033[0;0f");
	CHECK(at(&vt, 0, 0));
	put(&vt, "\033[4G\033[6d");
	CHECK(at(&vt, 5, 3));
	put(&vt, "\033[2E");
	CHECK(at(&vt, 7, 0));
	put(&vt, "\033[10C\033[F");
	CHECK(at(&vt, 6, 0));
	put(&vt, "\033[H\033[99999999999999999999A");
	CHECK(at(&vt, 0, 0));
	/* Save and restore, ESC 7/8 and CSI s/u. */
	put(&vt, "\033[3;4H\0337\033[H\0338");
	CHECK(at(&vt, 2, 3));
	put(&vt, "\033[8;9H\033[s\033[1;1H\033[u");
	CHECK(at(&vt, 7, 8));
	/* DSR: where the cursor is. */
	char r[32];
	size_t n;

	put(&vt, "\033[6n");
	n = vt_reply_take(&vt, r, sizeof(r));
	CHECK(n == 6 && !memcmp(r, "\033[8;9R", 6));
	put(&vt, "\033[c");
	CHECK(vt_reply_take(&vt, r, sizeof(r)) > 3 && r[2] == '?');
	CHECK(vt_reply_take(&vt, r, sizeof(r)) == 0);
	/* Cursor visibility. */
	put(&vt, "\033[?25l");
	CHECK(!vt.cursor_visible);
	put(&vt, "\033[?25h");
	CHECK(vt.cursor_visible);
	vt_free(&vt);
}

static void
test_erase(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 10, 3, 0) == 0);
	put(&vt, "abcdefghij\r\nklmnopqrst\r\nuvwxyz");
	put(&vt, "\033[2;5H\033[K");
	CHECK(!strcmp(row(&vt, 1), "klmn"));
	put(&vt, "\033[1K");
	CHECK(!strcmp(row(&vt, 1), ""));
	put(&vt, "\033[1;3H\033[0J");
	CHECK(!strcmp(row(&vt, 0), "ab"));
	CHECK(!strcmp(row(&vt, 2), ""));
	put(&vt, "\033[1;1Habcdefghij\033[1;4H\033[3X");
	CHECK(!strcmp(row(&vt, 0), "abc   ghij"));
	put(&vt, "\033[1;2H\033[2P");
	CHECK(!strcmp(row(&vt, 0), "a   ghij"));
	put(&vt, "\033[1;2H\033[3@");
	CHECK(!strcmp(row(&vt, 0), "a      ghi"));
	put(&vt, "\033[4hXY\033[4l");
	CHECK(!strcmp(row(&vt, 0), "aXY      g") && at(&vt, 0, 3));
	put(&vt, "\033[1;3H\033[1J");
	CHECK(!strcmp(row(&vt, 0), "         g"));
	put(&vt, "\033[2J");
	CHECK(!strcmp(row(&vt, 0), "") && !strcmp(row(&vt, 2), ""));
	/* Erased cells take the pen's background (BCE). */
	put(&vt, "\033[44m\033[2K\033[0m");
	CHECK(vt_cell_at(&vt, 0, 5)->bg == 4);
	vt_free(&vt);
}

static void
test_lines(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 5, 5, 10) == 0);
	put(&vt, "a\r\nb\r\nc\r\nd\r\ne");
	put(&vt, "\033[2;1H\033[L");
	CHECK(!strcmp(row(&vt, 1), "") && !strcmp(row(&vt, 2), "b") &&
	    !strcmp(row(&vt, 4), "d"));
	put(&vt, "\033[2M");
	CHECK(!strcmp(row(&vt, 1), "c") && !strcmp(row(&vt, 2), "d") &&
	    !strcmp(row(&vt, 3), ""));
	CHECK(vt.sb_count == 0); /* deleted, not scrolled away */
	/* Scrolling region: lines 2-4 scroll, 1 and 5 stay. */
	put(&vt, "\033[2J\033[H1\r\n2\r\n3\r\n4\r\n5");
	put(&vt, "\033[2;4r");
	CHECK(at(&vt, 0, 0) && vt.top == 1 && vt.bottom == 4);
	put(&vt, "\033[4;1H\nx");
	CHECK(!strcmp(row(&vt, 0), "1") && !strcmp(row(&vt, 1), "3") &&
	    !strcmp(row(&vt, 2), "4") && !strcmp(row(&vt, 3), "x") &&
	    !strcmp(row(&vt, 4), "5"));
	CHECK(vt.sb_count == 0);
	put(&vt, "\033[2;1H\033M");
	CHECK(!strcmp(row(&vt, 1), "") && !strcmp(row(&vt, 2), "3") &&
	    !strcmp(row(&vt, 4), "5"));
	put(&vt, "\033[S");
	CHECK(!strcmp(row(&vt, 1), "3") && !strcmp(row(&vt, 3), ""));
	put(&vt, "\033[2T");
	CHECK(!strcmp(row(&vt, 1), "") && !strcmp(row(&vt, 3), "3"));
	/* A cursor move stops at the margin. */
	put(&vt, "\033[3;1H\033[10B");
	CHECK(at(&vt, 3, 0));
	/* Origin mode: rows count from the region. */
	put(&vt, "\033[?6h\033[1;1H");
	CHECK(at(&vt, 1, 0));
	put(&vt, "\033[9;1H");
	CHECK(at(&vt, 3, 0));
	put(&vt, "\033[?6l\033[r");
	CHECK(vt.top == 0 && vt.bottom == 5 && at(&vt, 0, 0));
	/* Bad regions are ignored. */
	put(&vt, "\033[4;2r\033[3;3r");
	CHECK(vt.top == 0 && vt.bottom == 5);
	put(&vt, "\033[1;99r");
	CHECK(vt.bottom == 5);
	vt_free(&vt);
}

static void
test_sgr(void)
{
	struct vt vt;
	const struct vt_cell *c;

	CHECK(vt_init(&vt, 40, 2, 0) == 0);
	put(&vt,
	    "\033[1;31mA\033[7;42mB\033[0mC\033[38;5;200mD"
	    "\033[48;2;1;2;3mE\033[94;103mF\033[39;49;22mG\033[4;27mH"
	    "\033[38;5mI\033[38;2;1mJ\033[mK");
	c = vt_cell_at(&vt, 0, 0);
	CHECK(c->cp == 'A' && c->fg == 1 && c->bg == VT_COLOR_BG &&
	    c->attr == VT_BOLD);
	c = vt_cell_at(&vt, 0, 1);
	CHECK(c->fg == 1 && c->bg == 2 && c->attr == (VT_BOLD | VT_REVERSE));
	c = vt_cell_at(&vt, 0, 2);
	CHECK(c->fg == VT_COLOR_FG && c->bg == VT_COLOR_BG && !c->attr);
	CHECK(vt_cell_at(&vt, 0, 3)->fg == 200);
	CHECK(vt_cell_at(&vt, 0, 4)->bg == (VT_COLOR_RGB | 0x010203));
	c = vt_cell_at(&vt, 0, 5);
	CHECK(c->fg == 12 && c->bg == 11);
	c = vt_cell_at(&vt, 0, 6);
	CHECK(c->fg == VT_COLOR_FG && c->bg == VT_COLOR_BG && !c->attr);
	CHECK(vt_cell_at(&vt, 0, 7)->attr == VT_UNDERLINE);
	CHECK(vt_cell_at(&vt, 0, 8)->cp == 'I');
	CHECK(vt_cell_at(&vt, 0, 9)->cp == 'J');
	CHECK(vt_cell_at(&vt, 0, 10)->attr == 0);
	CHECK(vt_palette(1) == 0xcd0000 && vt_palette(15) == 0xffffff);
	CHECK(vt_palette(16) == 0 && vt_palette(231) == 0xffffff);
	CHECK(vt_palette(232) == 0x080808 && vt_palette(255) == 0xeeeeee);
	vt_free(&vt);
}

static void
test_alt_screen(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 10, 3, 10) == 0);
	put(&vt, "shell$ vi\033[2;3H");
	put(&vt, "\033[?1049h");
	CHECK(vt.alt_active && !strcmp(row(&vt, 0), ""));
	put(&vt, "\033[Hvi text\r\n~\r\n~\r\n~");
	CHECK(vt.sb_count == 0); /* the alt screen keeps no scrollback */
	put(&vt, "\033[?1049l");
	CHECK(!vt.alt_active && !strcmp(row(&vt, 0), "shell$ vi"));
	CHECK(at(&vt, 1, 2));
	put(&vt, "\033[?47h\033[?47l\033[?1047h\033[?1047l");
	CHECK(!vt.alt_active);
	vt_free(&vt);
}

static void
test_utf8(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 20, 2, 0) == 0);
	put(&vt, "\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80!");
	CHECK(vt_cell_at(&vt, 0, 0)->cp == 0xe4);
	CHECK(vt_cell_at(&vt, 0, 1)->cp == 0x20ac);
	CHECK(vt_cell_at(&vt, 0, 2)->cp == 0x1f600);
	CHECK(vt_cell_at(&vt, 0, 3)->cp == '!');
	/* Invalid: a lone continuation, an overlong, a surrogate, a cut
	 * sequence, bytes that never start one. */
	put(&vt, "\r\n\x80\xc0\xaf\xed\xa0\x80\xe2\x82Z\xff");
	CHECK(vt_cell_at(&vt, 1, 0)->cp == 0xfffd);
	CHECK(vt_cell_at(&vt, 1, 1)->cp == 0xfffd);
	CHECK(vt_cell_at(&vt, 1, 2)->cp == 0xfffd);
	CHECK(vt_cell_at(&vt, 1, 3)->cp == 0xfffd); /* surrogate */
	CHECK(vt_cell_at(&vt, 1, 4)->cp == 0xfffd); /* cut short */
	CHECK(vt_cell_at(&vt, 1, 5)->cp == 'Z');
	CHECK(vt_cell_at(&vt, 1, 6)->cp == 0xfffd);
	/* An escape cuts a sequence; combining marks take no cell. */
	put(&vt, "\033[2;1H\xe2\033[Ka\xcc\x81");
	CHECK(vt_cell_at(&vt, 1, 0)->cp == 0xfffd);
	CHECK(vt_cell_at(&vt, 1, 1)->cp == 'a');
	CHECK(vt_cell_at(&vt, 1, 2)->cp == ' ');
	/* DEC line drawing. */
	put(&vt, "\033(0qx\033(Bq");
	CHECK(vt_cell_at(&vt, 1, 2)->cp == 0x2500);
	CHECK(vt_cell_at(&vt, 1, 3)->cp == 0x2502);
	CHECK(vt_cell_at(&vt, 1, 4)->cp == 'q');
	vt_free(&vt);
}

static void
test_malformed(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 10, 3, 5) == 0);
	/* Truncated and overlong sequences, controls inside them. */
	put(&vt, "\033[");
	put(&vt, "1;2");
	put(&vt, "Hx");
	CHECK(vt_cell_at(&vt, 0, 1)->cp == 'x');
	put(&vt, "\033[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mA");
	CHECK(vt_cell_at(&vt, 0, 2)->cp == 'A' && vt.state == 0);
	put(&vt, "\033[2\nB");
	CHECK(at(&vt, 2, 3));          /* LF inside, then CUD 2 */
	put(&vt, "\033[H\033[1\030C"); /* CAN cancels: C is printed */
	CHECK(vt_cell_at(&vt, 0, 0)->cp == 'C');
	put(&vt, "\033[?1;?2h\033[>5;>6q\033[1 q\033[\x7f\x7fm");
	put(&vt, "\033]0;a title\007");
	CHECK(!strcmp(vt.title, "a title") && vt.title_changed);
	put(&vt, "\033]2;second\033\\");
	CHECK(!strcmp(vt.title, "second"));
	put(&vt,
	    "\033]0;0123456789012345678901234567890123456789012345678901"
	    "234567890123456789\007");
	CHECK(strlen(vt.title) <= VT_TITLE_MAX);
	put(&vt, "\033P1$r hidden \033\\D");
	CHECK(vt.cur.x > 0 &&
	    vt_cell_at(&vt, vt.cur.y, vt.cur.x - 1)->cp == 'D');
	put(&vt, "\033]52;c;abc\033[m"); /* OSC cut by a CSI */
	put(&vt, "\033[4294967296;4294967296H");
	CHECK(at(&vt, 2, 9));
	put(&vt, "\033[65535b\033[65535@\033[65535P\033[65535L\033[65535M");
	put(&vt, "\033[65535S\033[65535T\033[65535X\033[65535I\033[65535Z");
	CHECK(vt.cur.x < 10 && vt.cur.y < 3);
	put(&vt, "\033#8");
	CHECK(!strcmp(row(&vt, 1), "EEEEEEEEEE"));
	put(&vt, "\033c");
	CHECK(!strcmp(row(&vt, 1), "") && vt.sb_count == 0);
	/* Random bytes must not crash or leave the grid. */
	srand(1);
	for (int round = 0; round < 2000; round++) {
		unsigned char buf[64];
		static const char alpha[] =
		    "\033[;?0123456789HJKLMPSTXhlmrsu@"
		    "ABCDEFGdf\r\n\b\t\x18\x1b]\007\\(0";

		for (unsigned i = 0; i < sizeof(buf); i++)
			buf[i] = rand() % 4
			    ? (unsigned char)alpha[rand() % (sizeof(alpha) - 1)]
			    : (unsigned char)rand();
		vt_write(&vt, buf, sizeof(buf));
		if (round % 97 == 0)
			vt_resize(&vt, 1 + rand() % 30, 1 + rand() % 10);
		if (vt.cur.x >= vt.cols || vt.cur.y >= vt.rows ||
		    vt.top >= vt.bottom || vt.bottom > vt.rows)
			break;
	}
	CHECK(vt.cur.x < vt.cols && vt.cur.y < vt.rows);
	CHECK(vt.top < vt.bottom && vt.bottom <= vt.rows);
	vt_free(&vt);
}

static void
test_scrollback(void)
{
	struct vt vt;
	char line[16];

	CHECK(vt_init(&vt, 10, 5, 1000) == 0);
	for (int i = 0; i < 1500; i++) {
		int n = snprintf(line, sizeof(line), "%d\r\n", i);

		vt_write(&vt, line, (size_t)n);
	}
	CHECK(vt.sb_count == 1000);
	CHECK(!strcmp(row(&vt, 3), "1499"));
	vt_view_scroll(&vt, 3);
	CHECK(vt.view == 3 && !strcmp(row(&vt, 0), "1493"));
	unsigned r, c;

	CHECK(vt_cursor_shown(&vt, &r, &c) == false); /* row 4 + 3 */
	vt_view_scroll(&vt, 10000);
	CHECK(vt.view == 1000 && !strcmp(row(&vt, 0), "496"));
	/* New output keeps the view on the same lines. */
	vt_view_scroll(&vt, -500);
	CHECK(!strcmp(row(&vt, 0), "996"));
	put(&vt, "x\r\n");
	CHECK(vt.view == 501 && !strcmp(row(&vt, 0), "996"));
	vt_view_scroll(&vt, -10000);
	CHECK(vt.view == 0);
	/* The scroll counter for renderers. */
	vt_scrolled_take(&vt);
	put(&vt, "\r\n\r\n\r\n\r\n\r\n");
	CHECK(vt_scrolled_take(&vt) == 5);
	put(&vt, "\033[3J");
	CHECK(vt.sb_count == 0);
	vt_free(&vt);
}

static void
test_resize(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 10, 4, 100) == 0);
	put(&vt, "one\r\ntwo\r\nthree\r\nfour");
	/* Narrower: lines wrap; fewer rows: the top goes back. */
	CHECK(vt_resize(&vt, 4, 2) == 0);
	CHECK(vt.cols == 4 && vt.rows == 2);
	CHECK(!strcmp(row(&vt, 0), "e") && !strcmp(row(&vt, 1), "four"));
	CHECK(at(&vt, 1, 3) && vt.cur.wrap_pending);
	CHECK(vt.sb_count == 3);
	vt_view_scroll(&vt, 1);
	CHECK(!strcmp(row(&vt, 0), "thre"));
	vt_view_scroll(&vt, -1);
	/* Wider and taller again: lines join and come back. */
	CHECK(vt_resize(&vt, 20, 6) == 0);
	CHECK(!strcmp(row(&vt, 0), "one") && !strcmp(row(&vt, 2), "three") &&
	    !strcmp(row(&vt, 3), "four"));
	CHECK(at(&vt, 3, 4) && vt.sb_count == 0 && !vt.cur.wrap_pending);
	put(&vt, "\r\n12345678901234567890x");
	CHECK(!strcmp(row(&vt, 4), "12345678901234567890"));
	/* In the alt screen, then back. */
	put(&vt, "\033[?1049h\033[10;10Hvi");
	CHECK(vt_resize(&vt, 8, 3) == 0);
	CHECK(vt.cur.x < 8 && vt.cur.y < 3);
	put(&vt, "\033[?1049l");
	CHECK(vt.cur.x < 8 && vt.cur.y < 3 && !vt.alt_active);
	CHECK(vt_resize(&vt, 0, 3) == -1 && vt_resize(&vt, 3, 100000) == -1);
	CHECK(vt_resize(&vt, 1, 1) == 0);
	put(&vt, "abc\033[5;5Hd\tx\033[Ky");
	CHECK(at(&vt, 0, 0) && vt.cur.wrap_pending);
	vt_free(&vt);
}

static void
test_reflow(void)
{
	struct vt vt;

	CHECK(vt_init(&vt, 10, 3, 100) == 0);
	put(&vt, "0123456789abc");
	CHECK(!strcmp(row(&vt, 0), "0123456789") && vt.lines[0]->wrapped);
	CHECK(at(&vt, 1, 3));
	CHECK(vt_resize(&vt, 20, 3) == 0);
	CHECK(!strcmp(row(&vt, 0), "0123456789abc") && at(&vt, 0, 13));
	CHECK(!vt.lines[0]->wrapped && !strcmp(row(&vt, 1), ""));
	CHECK(vt_resize(&vt, 5, 3) == 0);
	CHECK(!strcmp(row(&vt, 0), "01234") && !strcmp(row(&vt, 1), "56789") &&
	    !strcmp(row(&vt, 2), "abc") && at(&vt, 2, 3));
	CHECK(vt_resize(&vt, 4, 2) == 0);
	CHECK(!strcmp(row(&vt, 0), "89ab") && !strcmp(row(&vt, 1), "c") &&
	    at(&vt, 1, 1) && vt.sb_count == 2);
	/* Typing goes on where the cursor is. */
	put(&vt, "d");
	CHECK(!strcmp(row(&vt, 1), "cd"));
	CHECK(vt_resize(&vt, 30, 4) == 0);
	CHECK(!strcmp(row(&vt, 0), "0123456789abcd") && at(&vt, 0, 14));
	/* Colours survive; the cursor stays in view, text below it may go. */
	put(&vt, "\033[41mX\033[0m\033[4;1Hbottom\033[1;1H");
	CHECK(vt_resize(&vt, 8, 4) == 0);
	CHECK(at(&vt, 0, 0) && vt_cell_at(&vt, 1, 6)->bg == 1);
	CHECK(!strcmp(row(&vt, 1), "89abcdX") && !strcmp(row(&vt, 3), ""));
	/* In the alt screen the primary is laid out, the alt one cut. */
	put(&vt, "\033[?1049h\033[Halt text here");
	CHECK(vt_resize(&vt, 3, 2) == 0);
	CHECK(!strcmp(row(&vt, 0), "alt"));
	put(&vt, "\033[?1049l");
	CHECK(vt.cur.x < 3 && vt.cur.y < 2);
	vt_free(&vt);
}

/* Line discipline. */
static char echoed[256];
static size_t nechoed;

static void
echo(void *ctx, const char *s, size_t n)
{
	if (nechoed + n < sizeof(echoed)) {
		memcpy(echoed + nechoed, s, n);
		nechoed += n;
		echoed[nechoed] = 0;
	}
}

static void
type(struct ldisc *l, const char *s)
{
	ldisc_input(l, s, strlen(s));
}

static void
test_ldisc(void)
{
	static struct ldisc l;
	char buf[64];

	ldisc_init(&l, echo, NULL);
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == -1);
	type(&l, "helo");
	CHECK(!ldisc_readable(&l) && !strcmp(echoed, "helo"));
	type(&l, "\x7flo\r");
	CHECK(!strcmp(echoed, "helo\b \blo\r\n"));
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 6 &&
	    !memcmp(buf, "hello\n", 6));
	/* One line per read; a short read leaves the rest. */
	type(&l, "ab\rcd\r");
	CHECK(ldisc_read(&l, buf, 1) == 1 && buf[0] == 'a');
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 2 && buf[1] == '\n');
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 3);
	/* Ctrl-U, Ctrl-W, UTF-8 erase, control echo. */
	nechoed = 0;
	type(&l, "one two\x17x\x15zz\xc3\xa4\x7f\x01\r");
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 4 &&
	    !memcmp(buf, "zz\x01\n", 4));
	CHECK(strstr(echoed, "^A") != NULL);
	/* Ctrl-D: the line so far, then end of input on an empty line. */
	type(&l, "abc\x04");
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 3);
	type(&l, "\x04");
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 0);
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == -1);
	/* Raw mode without echo: bytes at once; the edited line goes out. */
	nechoed = 0;
	type(&l, "pending");
	CHECK(ldisc_mode(&l, 0) == (TERMINAL_CANON | TERMINAL_ECHO));
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 7);
	nechoed = 0;
	type(&l, "q\r\x04\x7f");
	CHECK(nechoed == 0);
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 4 &&
	    !memcmp(buf, "q\r\x04\x7f", 4));
	ldisc_inject(&l, "\033[1;1R", 6);
	CHECK(ldisc_read(&l, buf, sizeof(buf)) == 6);
	CHECK(ldisc_mode(&l, 0xff) == 0);
	CHECK(l.mode == (TERMINAL_CANON | TERMINAL_ECHO));
	/* Overflow: the queue and the line stay bounded. */
	for (int i = 0; i < 10000; i++)
		type(&l, i % 100 ? "x" : "\r");
	CHECK(l.qlen <= LDISC_QUEUE && l.linelen < LDISC_LINE);
	ldisc_mode(&l, 0);
	for (int i = 0; i < 10000; i++)
		type(&l, "y");
	CHECK(l.qlen == LDISC_QUEUE);
	long total = 0, n;

	while ((n = ldisc_read(&l, buf, sizeof(buf))) > 0)
		total += n;
	CHECK(total == LDISC_QUEUE && n == -1);
}

static bool
key_is(unsigned code, unsigned mods, bool app, const char *want)
{
	char out[KEYS_MAX];
	size_t n = keys_bytes(keymap_find("us"), code, mods, app, out);

	return n == strlen(want) && !memcmp(out, want, n);
}

static void
test_keys(void)
{
	CHECK(key_is(KEY_A, 0, false, "a"));
	CHECK(key_is(KEY_A, INPUT_MOD_SHIFT, false, "A"));
	CHECK(key_is(KEY_C, INPUT_MOD_CTRL, false, "\x03"));
	CHECK(key_is(KEY_X, INPUT_MOD_ALT, false, "\033x"));
	CHECK(key_is(KEY_ENTER, 0, false, "\r"));
	CHECK(key_is(KEY_BACKSPACE, 0, false, "\x7f"));
	CHECK(key_is(KEY_TAB, INPUT_MOD_SHIFT, false, "\033[Z"));
	CHECK(key_is(KEY_UP, 0, false, "\033[A"));
	CHECK(key_is(KEY_UP, 0, true, "\033OA"));
	CHECK(key_is(KEY_LEFT, INPUT_MOD_CTRL, false, "\033[1;5D"));
	CHECK(key_is(KEY_HOME, 0, false, "\033[H"));
	CHECK(key_is(KEY_END, 0, false, "\033[F"));
	CHECK(key_is(KEY_DELETE, 0, false, "\033[3~"));
	CHECK(key_is(KEY_PAGEUP, 0, false, "\033[5~"));
	CHECK(key_is(KEY_PAGEDOWN, INPUT_MOD_SHIFT, false, "\033[6;2~"));
	CHECK(key_is(KEY_F1, 0, false, "\033OP"));
	CHECK(key_is(KEY_F5, 0, false, "\033[15~"));
	CHECK(key_is(KEY_F12, 0, false, "\033[24~"));
	CHECK(key_is(KEY_KP8, 0, false, "\033[A"));
	CHECK(key_is(KEY_KP8, INPUT_MOD_NUM, false, "8"));
	CHECK(key_is(KEY_LEFTSHIFT, INPUT_MOD_SHIFT, false, ""));
	CHECK(keys_bytes(keymap_find("us"), KEY_SPACE, INPUT_MOD_CTRL, false,
		  (char[KEYS_MAX]){1}) == 1);
	CHECK(keys_bytes(keymap_find("de"), KEY_Y, 0, false,
		  (char[KEYS_MAX]){0}) == 1);
	char out[KEYS_MAX];

	CHECK(keys_bytes(keymap_find("de"), KEY_SEMICOLON, 0, false, out) ==
		2 &&
	    !memcmp(out, "\xc3\xb6", 2));
}

int
main(void)
{
	test_text();
	test_cursor();
	test_erase();
	test_lines();
	test_sgr();
	test_alt_screen();
	test_utf8();
	test_malformed();
	test_scrollback();
	test_resize();
	test_reflow();
	test_ldisc();
	test_keys();
	printf("test_terminal_core: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
