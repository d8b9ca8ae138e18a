/* The terminal's line discipline; see ldisc.h. */
#include <string.h>

#include <session/terminal.h>

#include "ldisc.h"

#define LDISC_EOF 0x100u

void
ldisc_init(struct ldisc *l, void (*echo)(void *, const char *, size_t),
    void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->mode = TERMINAL_CANON | TERMINAL_ECHO;
	l->echo = echo;
	l->ctx = ctx;
}

static void
echo(struct ldisc *l, const char *s, size_t n)
{
	if ((l->mode & TERMINAL_ECHO) && l->echo)
		l->echo(l->ctx, s, n);
}

/* A control character shows as ^X, except the ones that move. */
static void
echo_char(struct ldisc *l, unsigned char c)
{
	char ctl[2] = {'^', (char)(c ^ 0x40)};

	if (c == '\n')
		echo(l, "\r\n", 2);
	else if ((c < 0x20 && c != '\t' && c != '\r' && c != '\b') || c == 0x7f)
		echo(l, ctl, 2);
	else
		echo(l, (const char *)&c, 1);
}

static bool
push(struct ldisc *l, uint16_t v)
{
	if (l->qlen == LDISC_QUEUE)
		return false;
	l->q[(l->qfirst + l->qlen++) % LDISC_QUEUE] = v;
	return true;
}

/* The edited line goes to the readers, whole or not at all. */
static void
line_out(struct ldisc *l)
{
	if (LDISC_QUEUE - l->qlen >= l->linelen)
		for (unsigned i = 0; i < l->linelen; i++)
			push(l, (unsigned char)l->line[i]);
	else
		echo(l, "\a", 1);
	l->linelen = 0;
}

/* Erases the line's last character (all its UTF-8 bytes). */
static bool
erase(struct ldisc *l)
{
	unsigned char c;

	if (!l->linelen)
		return false;
	while (l->linelen > 1 &&
	    ((unsigned char)l->line[l->linelen - 1] & 0xc0) == 0x80)
		l->linelen--;
	c = (unsigned char)l->line[--l->linelen];
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		echo(l, "\b \b", 3); /* its ^ */
	echo(l, "\b \b", 3);
	return true;
}

static void
canon(struct ldisc *l, unsigned char c)
{
	switch (c) {
	case '\r':
	case '\n':
		l->line[l->linelen++] = '\n'; /* there is always room */
		echo(l, "\r\n", 2);
		line_out(l);
		return;
	case 0x7f:
	case '\b':
		erase(l);
		return;
	case 0x15: /* ^U */
		while (erase(l))
			;
		return;
	case 0x17: /* ^W */
		while (l->linelen && l->line[l->linelen - 1] == ' ')
			erase(l);
		while (l->linelen && l->line[l->linelen - 1] != ' ')
			erase(l);
		return;
	case 0x04: /* ^D */
		if (l->linelen)
			line_out(l);
		else
			push(l, LDISC_EOF);
		return;
	case 0x03: /* ^C: the line is dropped; the terminal interrupts */
		echo(l, "^C\r\n", 4);
		l->linelen = 0;
		l->interrupts++;
		return;
	}
	if (l->linelen + 1 >= LDISC_LINE) {
		echo(l, "\a", 1);
		return;
	}
	l->line[l->linelen++] = (char)c;
	echo_char(l, c);
}

void
ldisc_input(struct ldisc *l, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		if (l->mode & TERMINAL_CANON) {
			canon(l, c);
		} else if (push(l, c)) {
			if (c == '\r')
				echo(l, "\r", 1);
			else
				echo_char(l, c);
		}
	}
}

void
ldisc_inject(struct ldisc *l, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		push(l, (unsigned char)b[i]);
}

long
ldisc_read(struct ldisc *l, char *buf, size_t max)
{
	size_t n = 0;

	if (!l->qlen)
		return -1;
	if (l->q[l->qfirst] == LDISC_EOF) {
		l->qfirst = (l->qfirst + 1) % LDISC_QUEUE;
		l->qlen--;
		return 0;
	}
	while (n < max && l->qlen) {
		uint16_t v = l->q[l->qfirst];

		if (v == LDISC_EOF)
			break;
		buf[n++] = (char)v;
		l->qfirst = (l->qfirst + 1) % LDISC_QUEUE;
		l->qlen--;
		/* A canonical read ends with its line. */
		if (v == '\n' && (l->mode & TERMINAL_CANON))
			break;
	}
	return (long)n;
}

bool
ldisc_readable(const struct ldisc *l)
{
	return l->qlen > 0;
}

unsigned
ldisc_mode(struct ldisc *l, unsigned mode)
{
	unsigned old = l->mode;

	l->mode = mode & (TERMINAL_CANON | TERMINAL_ECHO);
	/* Leaving canonical mode, the line typed so far can be read. */
	if ((old & TERMINAL_CANON) && !(l->mode & TERMINAL_CANON))
		line_out(l);
	return old;
}
