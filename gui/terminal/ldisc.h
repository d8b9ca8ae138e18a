/*
 * The line discipline, as a tty keeps it: what was typed waits here until
 * a program reads it. In canonical mode (TERMINAL_CANON) a line is edited
 * (Backspace, Ctrl-U, Ctrl-W) and handed out whole with its Enter; Ctrl-D
 * hands out what there is, or on an empty line the end of input. Without
 * it, bytes go out as they come. With TERMINAL_ECHO what is typed is shown
 * through the echo function. No I/O of its own: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LDISC_QUEUE 4096u /* bytes ready to read */
#define LDISC_LINE 1024u  /* the line being edited */

struct ldisc {
	unsigned mode;           /* TERMINAL_CANON | TERMINAL_ECHO */
	uint16_t q[LDISC_QUEUE]; /* bytes, or LDISC_EOF */
	unsigned qfirst, qlen;
	char line[LDISC_LINE];
	unsigned linelen;
	unsigned interrupts; /* ^C typed in canonical mode, counted */
	void (*echo)(void *ctx, const char *s, size_t n);
	void *ctx;
};

void ldisc_init(struct ldisc *l, void (*echo)(void *, const char *, size_t),
    void *ctx);
/* Bytes typed (one key's). */
void ldisc_input(struct ldisc *l, const char *b, size_t n);
/* Bytes that skip editing and echo: the terminal's answers to queries. */
void ldisc_inject(struct ldisc *l, const char *b, size_t n);
/* Up to max bytes; 0 is the end of input; -1: nothing to read yet. */
long ldisc_read(struct ldisc *l, char *buf, size_t max);
bool ldisc_readable(const struct ldisc *l);
/* Sets the mode (TERMINAL_*); returns the previous one. */
unsigned ldisc_mode(struct ldisc *l, unsigned mode);
