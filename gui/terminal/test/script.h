/*
 * What run/terminal.run shows: the text test_terminal_client writes, and
 * the terminal's size, font and place in that scenario (its config must
 * say the same). reference.c draws the same on the host, so the
 * scenario can compare the screenshot with it pixel for pixel.
 */
#pragma once

#define SCRIPT_COLS 80
#define SCRIPT_ROWS 24
#define SCRIPT_FONT_PX 16

#define SCRIPT_BANNER                                                         \
	"\033[1;37;44m Bulkhead terminal \033[0m \033]0;ignored title\007"    \
	"\033[2mVT100/xterm, FreeType\033[0m\r\n"                             \
	"\033[31mred \033[32mgreen \033[33myellow \033[34mblue "              \
	"\033[35mmagenta \033[36mcyan \033[1;31mbright\033[0m\r\n"            \
	"\033[1mbold\033[0m \033[4munderline\033[0m \033[7mreverse\033[0m "   \
	"\033[38;5;208m256 colours\033[0m \033[38;2;255;105;180mtrue "        \
	"colour\033[0m \033[9mstruck\033[0m\r\n"                              \
	"UTF-8: \xc3\xa4\xc3\xb6\xc3\xbc \xc3\x9f \xe2\x82\xac \xe2\x86\x92 " \
	"\xce\xbb \xd0\x96 \xe2\x9c\x93 \xff(bad)\r\n"                        \
	"\033(0lqqqqqqk\033(B\r\n\033(0x\033(Bboxed \033(0x\033(B\r\n"        \
	"\033(0mqqqqqqj\033(B\r\n"                                            \
	"\033[5;40Hat row 5, column 40\033[6;40H\033[43;30m erased \033[K"    \
	"\033[0m\033[9;1H\033[7mxxxxxxxx\033[0m\033[9;3H\033[2P\033[1@"       \
	"\033[11;1H"

#define SCRIPT_PROMPT "\033[1;32mtype>\033[0m "
/* The client's answer to a line: these around the line, then the prompt. */
#define SCRIPT_GOT_BEFORE "got: \033[36m"
#define SCRIPT_GOT_AFTER "\033[0m\r\n"
/* What the scenario types before the screenshot. */
#define SCRIPT_TYPED "hello"
