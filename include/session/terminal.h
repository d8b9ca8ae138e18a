/*
 * The Terminal session: a text terminal (gui/terminal) for a program's
 * standard input and output. It speaks the Fd protocol (session/fd.h):
 * FD_WRITE puts characters on the screen (UTF-8 with VT100/xterm escape
 * sequences), FD_READ takes typed input (E_AGAIN while there is none; the
 * FD_SIGH signal says when there is), FD_STAT answers S_IFCHR. Every
 * session of a terminal shares its screen and its input, as the processes
 * on a tty do. In addition:
 */
#pragma once

#include <session/fd.h>

enum terminal_label {
	/* -> w0: columns, w1: rows (the FD_SIGH signal also says when the
	 * size changed) */
	TERMINAL_SIZE = 16,
	/* w0: TERMINAL_CANON | TERMINAL_ECHO, as the program's termios
	 * (ICANON, ECHO) asks -> w0: the previous mode */
	TERMINAL_MODE = 17,
	/* a signal capability, submitted when Ctrl-C is typed in canonical
	 * mode (the tty's SIGINT): every session that gave one gets it */
	TERMINAL_INTR_SIGH = 18,
};

/*
 * TERMINAL_CANON: the terminal edits a line (Backspace, Ctrl-U) and hands
 * it out with its Enter; Ctrl-D on an empty line is the end of input (one
 * FD_READ answers 0 bytes). Without it every key's bytes go out at once.
 * TERMINAL_ECHO: the terminal shows what is typed. A new session starts
 * with both.
 */
#define TERMINAL_CANON 1u
#define TERMINAL_ECHO 2u
