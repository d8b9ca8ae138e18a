# The terminal emulator: a Gui client that provides the Terminal session.
# Its core (vt_*.c, ldisc.c, keys.c) has no I/O and is host-tested and
# fuzzed; render.c draws with FreeType, so the component is built against
# musl (LIBC_PROGS) like every FreeType program.
TERMINAL_CORE := gui/terminal/vt_screen.c gui/terminal/vt_parse.c \
	gui/terminal/ldisc.c gui/terminal/keys.c
HOST_TESTS += test_terminal_core
test_terminal_core_SRC := $(TERMINAL_CORE) gui/terminal/test/test_vt.c \
	lib/input/keymap.c lib/input/names.c
FUZZ_TESTS += fuzz_terminal
fuzz_terminal_SRC := gui/terminal/vt_screen.c gui/terminal/vt_parse.c \
	gui/terminal/ldisc.c gui/terminal/test/fuzz_vt.c
